// Every cell of the lecture notes (test/fixtures/karpathy-lecture-notes.txt) ported line for line.
// Each cell returns what the notebook showed (Out[] value or printed text); `npm run notes`
// prints them. test/lecture-notes.test.ts compares them with the notes character for character.
import * as torch from "../src/index.js";
import { Counter, display } from "./lib/pyrepr.js";

type Cell = { n: number; run: () => string; random?: true };
const cells: Cell[] = [];
const cell = (n: number, run: () => string | void, random?: true) =>
  cells.push({ n, run: () => run() ?? "", ...(random ? { random } : {}) });
const lines = (...xs: unknown[]) => xs.map((x) => String(x)).join("\n");

// 1. Broadcast operations
cell(1, () => {
  torch.set_printoptions({ precision: 4, sci_mode: false });
});
let a: torch.Tensor, b: torch.Tensor, c: torch.Tensor;
cell(2, () => {
  a = torch.tensor([[1.1, 2.1, 3.1, 4.1]]);
  b = torch.tensor([5.6]);
  c = a.add(b);
});
cell(3, () => display(a.shape, b.shape, c.shape));
cell(4, () => display(c));
let x: torch.Tensor, y: torch.Tensor;
cell(12, () => {
  x = torch.ones([2, 2, 4, 1]);
  y = torch.ones(2, 1, 1);
  return display(x.add(y).shape);
});
cell(13, () => display(x));
cell(14, () => display(y));
cell(15, () => display(x.add(y)));
cell(17, () => {
  x = torch.ones([5, 2, 4, 1]);
  y = torch.ones(3, 1, 1);
  // x.add(y) throws: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1
});

// 2. Multinomial
let g: torch.Generator, p: torch.Tensor, l: torch.Tensor, weights: torch.Tensor;
cell(18, () => {
  g = new torch.Generator().manual_seed(2147483647);
  p = torch.rand(3, { generator: g });
  p = p.div(p.sum());
  return lines(p);
});
cell(19, () => {
  l = torch.multinomial(p, { num_samples: 100, replacement: true, generator: g });
  return lines(l);
});
cell(20, () => Counter(l.tolist() as number[]));
cell(21, () => {
  weights = torch.tensor([0, 10, 3, 1], { dtype: torch.float });
  return display(torch.multinomial(weights, 2));
}, true);
cell(24, () => {
  // torch.multinomial(weights, 5) throws: cannot sample n_sample > prob_dist.size(-1) samples without replacement
});
cell(25, () => display(torch.multinomial(weights, 100, { replacement: true })), true);

// 3. Sum
cell(26, () => {
  g = new torch.Generator().manual_seed(2147483647);
  x = torch.rand(3, 4, { generator: g });
  return display(x);
});
let s: torch.Tensor;
cell(27, () => {
  s = x.sum({ dim: 1 });
  return display(s);
});
cell(28, () => display(0.7081 + 0.3542 + 0.1054 + 0.5996));
cell(29, () => display(s.shape));
cell(30, () => {
  s = x.sum({ dim: 1, keepdims: true });
  return display(s);
});
cell(31, () => display(s.shape));

// 4. Broadcasting scenario
let logits: torch.Tensor, probs: torch.Tensor;
cell(47, () => {
  g = new torch.Generator().manual_seed(2147483647);
  logits = torch.rand(3, 3, { generator: g });
  return display(logits);
});
cell(52, () => {
  s = logits.sum({ dim: 1 });
  return lines(s, s.shape);
});
cell(55, () => {
  probs = logits.div(s);
  return display(probs);
});
cell(62, () => display(probs.get(0).sum().eq(1), probs.get(1).sum().eq(1), probs.get(2).sum().eq(1)));
cell(58, () => {
  s = logits.sum({ dim: 1, keepdim: true });
  return lines(s, s.shape);
});
cell(63, () => {
  probs = logits.div(s);
  return display(probs);
});
cell(64, () => display(probs.get(0).sum().eq(1), probs.get(1).sum().eq(1), probs.get(2).sum().eq(1)));

// 5. Concatenate
let r: torch.Tensor;
cell(79, () => {
  g = new torch.Generator().manual_seed(2147483647);
  a = torch.randn(1, 5, 4, { generator: g });
  b = torch.randn(1, 5, 4, { generator: g });
  c = torch.randn(1, 5, 4, { generator: g });
  r = torch.cat([a, b, c], { dim: -1 }); // (1, 5, 12)
  return display(r.shape);
});
cell(80, () => display(a));
cell(82, () => display(b));
cell(83, () => display(c));
cell(81, () => display(r));

// 6. View
let m: torch.Tensor;
cell(84, () => {
  // JS has no `1.` literal: the float dtype PyTorch infers from `1.` is given explicitly
  m = torch.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ], { dtype: torch.float });
  return display(m);
});
cell(85, () => display(m.view(3, 2)));
cell(87, () => display(m.view(-1, 2)));
cell(88, () => display(m.view(6, -1)));
cell(89, () => {
  m = torch.randn(2, 5, 3);
  return display(m);
}, true);
cell(90, () => display(m.view(2, 3, 5)), true);

// 7. Running sum
let B: number, T: number, C: number;
cell(91, () => {
  torch.manual_seed(1337);
  [B, T, C] = [2, 8, 2]; // Batch, Time, Channels
  x = torch.randn(B, T, C);
  return display(x);
});
cell(92, () => display(x.get(0, ":1")));
cell(93, () => display(x.get(0, ":2")));
cell(94, () => display(x.get(0, ":3")));
let xbow: torch.Tensor;
cell(95, () => {
  xbow = torch.zeros([B, T, C]);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const xprev = x.get(b, `:${t + 1}`);
      const xsum = torch.sum(xprev, { dim: 0 });
      xbow.set([b, t], xsum);
    }
  }
  return display(xbow);
});
let wei: torch.Tensor;
cell(96, () => {
  wei = torch.tril(torch.ones(T, T));
  return display(wei);
});
cell(97, () => {
  const xbow2 = wei.matmul(x);
  return display(torch.allclose(xbow, xbow2));
});

// 8. Batched matrix multiplication
cell(98, () => {
  x = torch.randn(4, 80).matmul(torch.randn(80, 200));
  return display(x.shape);
});
cell(99, () => {
  x = torch.randn(5, 4, 80).matmul(torch.randn(80, 200));
  return display(x.shape);
});
cell(100, () => {
  x = torch.randn(5, 2, 4, 80).matmul(torch.randn(80, 200));
  return display(x.shape);
});

// 9. Indexing tensors
let no_examples = 0;
let no_classes = 0;
cell(101, () => {
  no_examples = 100;
  no_classes = 27;
});
let ys: torch.Tensor;
cell(102, () => {
  p = torch.rand(no_examples, no_classes);
  p = p.div(p.sum({ dim: 1, keepdim: true }));
  return display(p.shape);
});
cell(103, () => {
  ys = torch.randint(0, 27, [no_examples]);
  return display(ys);
});
cell(104, () => display(torch.arange(no_examples)));
cell(105, () => {
  let loss: torch.Tensor | number = 0;
  for (let i = 0; i < no_examples; i++) {
    loss = torch.add(loss, p.get(i, ys.get(i)).log());
  }
  loss = torch.div(torch.neg(loss), no_examples);
  return `Loss: ${(loss as torch.Tensor).item()}`;
});
cell(106, () => display(p.get(torch.arange(no_examples), ys).log().mean().neg()));

// Cross entropy: problems with large logits
let counts: torch.Tensor;
const softmaxCell = (n: number, make: () => torch.Tensor) =>
  cell(n, () => {
    logits = make();
    counts = logits.exp();
    probs = counts.div(counts.sum());
    return display(probs);
  });
softmaxCell(107, () => torch.tensor([-2, -3, 0, 5]));
softmaxCell(108, () => torch.tensor([-2, -3, 0, 5]));
softmaxCell(109, () => torch.tensor([-100, -3, 0, 5]));
softmaxCell(110, () => torch.tensor([-100, -3, 0, 100]));
cell(111, () => display(torch.tensor([-100]).exp(), torch.tensor([100]).exp()));
cell(112, () => display(counts));
softmaxCell(113, () => torch.tensor([-2, -3, 0, 5]));
softmaxCell(114, () => torch.tensor([-2, -3, 0, 5]).add(1));
softmaxCell(115, () => torch.tensor([-2, -3, 0, 5]).sub(10));
softmaxCell(116, () => torch.tensor([-2, -3, 0, 100]));
softmaxCell(117, () => torch.tensor([-2, -3, 0, 100]).sub(100));

/** Run every cell in notebook order; returns [cell number, output] pairs. */
export function runCells(): { n: number; out: string; random: boolean }[] {
  return cells.map((c) => ({ n: c.n, out: c.run(), random: !!c.random }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { n, out } of runCells()) {
    console.log(`In [${n}]:`);
    if (out) console.log(out);
  }
}
