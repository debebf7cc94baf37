// makemore, lectures 3-4: the character-level MLP language model (Bengio et al. 2003) with a
// hand-written batch normalisation layer, ported from the lecture's notebook: block_size 3,
// a 10-dimensional embedding C, a 200-unit tanh hidden layer with "kaiming" scaling of W1,
// bngain/bnbias with running mean/std, minibatches of 32 from a seeded generator, and the
// train/val/test split of `random.seed(42); random.shuffle(words)`.
//
//   node --import tsx examples/makemore-mlp.ts                 (npm start) 20000 steps
//   node --import tsx examples/makemore-mlp.ts --steps 200000  the lecture's run
//   options: --steps N (lr 0.1 for the first half, then 0.01, as the lecture's 100k of 200k)
//            --batch N --samples N
//
// Writes the loss curve (log10 of the minibatch loss, averaged over chunks of steps, as the
// lecture plots it) to out/makemore-mlp-loss.svg.
import { fileURLToPath, pathToFileURL } from "node:url";

import * as torch from "../src/index.js";
import { nn } from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { intArg, parseArgs } from "./lib/args.js";
import { loadWords, vocab, type Vocab } from "./lib/names.js";
import { chunkMeans, writeLossCurve } from "./lib/plot.js";
import { progressBar } from "./lib/progress.js";
import { PyRandom } from "./lib/pyrandom.js";

const F = nn.functional;

export const block_size = 3; // context length: how many characters do we take to predict the next one?
export const n_embd = 10; // the dimensionality of the character embedding vectors
export const n_hidden = 200; // the number of neurons in the hidden layer of the MLP
export const vocab_size = 27;

/** build the dataset: every (context of block_size characters, next character) pair */
export function buildDataset(words: string[], stoi: Map<string, number>): [Tensor, Tensor] {
  const X: number[][] = [];
  const Y: number[] = [];
  for (const w of words) {
    let context = new Array<number>(block_size).fill(0);
    for (const ch of w + ".") {
      const ix = stoi.get(ch)!;
      X.push(context);
      Y.push(ix);
      context = [...context.slice(1), ix]; // crop and append
    }
  }
  return [torch.tensor(X), torch.tensor(Y)];
}

export interface Splits {
  words: string[];
  voc: Vocab;
  Xtr: Tensor;
  Ytr: Tensor;
  Xdev: Tensor;
  Ydev: Tensor;
  Xte: Tensor;
  Yte: Tensor;
}

/** random.seed(42); random.shuffle(words); 80% train, 10% dev, 10% test */
export function makeSplits(): Splits {
  const words = loadWords();
  const voc = vocab(words);
  const random = new PyRandom(42);
  random.shuffle(words);
  const n1 = Math.trunc(0.8 * words.length);
  const n2 = Math.trunc(0.9 * words.length);
  const [Xtr, Ytr] = buildDataset(words.slice(0, n1), voc.stoi);
  const [Xdev, Ydev] = buildDataset(words.slice(n1, n2), voc.stoi);
  const [Xte, Yte] = buildDataset(words.slice(n2), voc.stoi);
  return { words, voc, Xtr, Ytr, Xdev, Ydev, Xte, Yte };
}

export interface MLP {
  g: torch.Generator;
  C: Tensor;
  W1: Tensor;
  W2: Tensor;
  b2: Tensor;
  bngain: Tensor;
  bnbias: Tensor;
  bnmean_running: Tensor;
  bnstd_running: Tensor;
  parameters: Tensor[];
}

export function initMLP(): MLP {
  const g = new torch.Generator().manual_seed(2147483647); // for reproducibility
  const C = torch.randn([vocab_size, n_embd], { generator: g });
  const W1 = torch.randn([n_embd * block_size, n_hidden], { generator: g }).mul(5 / 3).div(Math.sqrt(n_embd * block_size));
  // b1 is gone: the batch norm's bias makes it useless
  const W2 = torch.randn([n_hidden, vocab_size], { generator: g }).mul(0.01);
  const b2 = torch.randn(vocab_size, { generator: g }).mul(0);
  // BatchNorm parameters
  const bngain = torch.ones([1, n_hidden]);
  const bnbias = torch.zeros([1, n_hidden]);
  const bnmean_running = torch.zeros([1, n_hidden]);
  const bnstd_running = torch.ones([1, n_hidden]);
  const parameters = [C, W1, W2, b2, bngain, bnbias];
  for (const p of parameters) p.requires_grad_(true);
  return { g, C, W1, W2, b2, bngain, bnbias, bnmean_running, bnstd_running, parameters };
}

/** one step of the lecture's loop (minibatch, forward, backward, update); returns the loss */
export function trainStep(m: MLP, Xtr: Tensor, Ytr: Tensor, lr: number, batch_size = 32): number {
  // minibatch construct
  const ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: m.g });
  const Xb = Xtr.get(ix), Yb = Ytr.get(ix); // batch X,Y
  // forward pass
  const emb = m.C.get(Xb); // embed the characters into vectors
  const embcat = emb.view(emb.shape[0], -1); // concatenate the vectors
  // Linear layer
  let hpreact = embcat.matmul(m.W1); // hidden layer pre-activation
  // BatchNorm layer
  const bnmeani = hpreact.mean(0, true);
  const bnstdi = hpreact.std({ dim: 0, keepdim: true });
  hpreact = m.bngain.mul(hpreact.sub(bnmeani)).div(bnstdi).add(m.bnbias);
  torch.no_grad(() => {
    m.bnmean_running = m.bnmean_running.mul(0.999).add(bnmeani.mul(0.001));
    m.bnstd_running = m.bnstd_running.mul(0.999).add(bnstdi.mul(0.001));
  });
  // Non-linearity
  const h = torch.tanh(hpreact); // hidden layer
  const logits = h.matmul(m.W2).add(m.b2); // output layer
  const loss = F.cross_entropy(logits, Yb); // loss function
  // backward pass
  for (const p of m.parameters) p.grad = null;
  loss.backward();
  // update
  for (const p of m.parameters) p.data.add_(p.grad!.mul(-lr));
  return loss.item() as number;
}

/** the loss on a whole split, with the running batch-norm statistics (evaluation mode) */
export function splitLoss(m: MLP, x: Tensor, y: Tensor): number {
  return torch.no_grad(() => {
    const emb = m.C.get(x); // (N, block_size, n_embd)
    const embcat = emb.view(emb.shape[0], -1); // concat into (N, block_size * n_embd)
    let hpreact = embcat.matmul(m.W1);
    hpreact = m.bngain.mul(hpreact.sub(m.bnmean_running)).div(m.bnstd_running).add(m.bnbias);
    const h = torch.tanh(hpreact); // (N, n_hidden)
    const logits = h.matmul(m.W2).add(m.b2); // (N, vocab_size)
    return F.cross_entropy(logits, y).item() as number;
  });
}

/** sample from the model */
export function sample(m: MLP, itos: Map<number, string>, count = 20): string[] {
  const g = new torch.Generator().manual_seed(2147483647 + 10);
  const names: string[] = [];
  torch.no_grad(() => {
    for (let n = 0; n < count; n++) {
      const out: number[] = [];
      let context = new Array<number>(block_size).fill(0); // initialize with all ...
      for (;;) {
        // forward pass the neural net
        const emb = m.C.get(torch.tensor([context])); // (1,block_size,n_embd)
        let hpreact = emb.view(1, -1).matmul(m.W1);
        hpreact = m.bngain.mul(hpreact.sub(m.bnmean_running)).div(m.bnstd_running).add(m.bnbias);
        const h = torch.tanh(hpreact);
        const logits = h.matmul(m.W2).add(m.b2);
        const probs = F.softmax(logits, 1);
        // sample from the distribution
        const ix = torch.multinomial(probs, { num_samples: 1, generator: g }).item() as number;
        // shift the context window and track the samples
        context = [...context.slice(1), ix];
        out.push(ix);
        // if we sample the special '.' token, break
        if (ix === 0) break;
      }
      names.push(out.map((i) => itos.get(i)).join("")); // decode and print the generated word
    }
  });
  return names;
}

function main(): void {
  const args = parseArgs();
  const max_steps = intArg(args, "steps", 20000);
  const batch_size = intArg(args, "batch", 32);
  const nSamples = intArg(args, "samples", 20);
  const decayAt = Math.floor(max_steps / 2); // the lecture: 0.1 for 100k of 200k steps, then 0.01

  const t0 = performance.now();
  const s = makeSplits();
  console.log(`train ${s.Xtr.shape[0]}, val ${s.Xdev.shape[0]}, test ${s.Xte.shape[0]} examples`);
  const m = initMLP();
  let n = 0;
  for (const p of m.parameters) n += p.nelement();
  console.log(`${n} parameters`); // number of parameters in total

  const lossi: number[] = [];
  const bar = progressBar(max_steps, "mlp");
  const every = Math.max(1, Math.floor(max_steps / 10));
  for (let i = 0; i < max_steps; i++) {
    const lr = i < decayAt ? 0.1 : 0.01; // step learning rate decay
    const loss = trainStep(m, s.Xtr, s.Ytr, lr, batch_size);
    // track stats
    if (i % every === 0) bar.log(`${String(i).padStart(7)}/${String(max_steps).padStart(7)}: ${loss.toFixed(4)}`);
    lossi.push(Math.log10(loss));
    bar.update(i + 1, loss);
  }
  bar.stop();
  const secs = (performance.now() - t0) / 1000;

  const train = splitLoss(m, s.Xtr, s.Ytr);
  const val = splitLoss(m, s.Xdev, s.Ydev);
  console.log(`train ${train.toFixed(4)}`);
  console.log(`val ${val.toFixed(4)}`);
  console.log(`${max_steps} steps in ${secs.toFixed(1)} s (${(max_steps / secs).toFixed(0)} steps/s)`);

  const chunk = Math.max(1, Math.floor(max_steps / 200));
  const out = fileURLToPath(new URL("../out/makemore-mlp-loss.svg", import.meta.url));
  writeLossCurve(out, [{ name: `log10 loss, mean of ${chunk} steps`, points: chunkMeans(lossi, chunk) }], {
    title: "makemore MLP + BatchNorm",
    xlabel: "step",
    ylabel: "log10(loss)",
  });
  console.log(`loss curve: ${out}`);

  for (const name of sample(m, s.voc.itos, nSamples)) console.log(name);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
