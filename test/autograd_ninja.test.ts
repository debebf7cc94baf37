// Karpathy's "backprop ninja" exercise (makemore part 4) as a test: a 2-layer MLP with a
// hand-written BatchNorm, every intermediate's gradient derived by hand and compared with what
// autograd puts in `.grad` (retain_grad) — in float64, exact or within 1e-9, as the lecture's
// `cmp` prints it. Exercises 2 and 3 (the fused cross-entropy and batchnorm backward formulas)
// are checked the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const F = torch.nn.functional;
const f64 = { dtype: torch.float64 };

function makeModel() {
  const g = new torch.Generator().manual_seed(2147483647);
  const vocab = 27, nEmbd = 10, nHidden = 64, block = 3;
  const C = torch.randn([vocab, nEmbd], { generator: g, ...f64 });
  const W1 = torch.randn([nEmbd * block, nHidden], { generator: g, ...f64 }).mul((5 / 3) / Math.sqrt(nEmbd * block));
  const b1 = torch.randn([nHidden], { generator: g, ...f64 }).mul(0.1);
  const W2 = torch.randn([nHidden, vocab], { generator: g, ...f64 }).mul(0.1);
  const b2 = torch.randn([vocab], { generator: g, ...f64 }).mul(0.1);
  const bngain = torch.randn([1, nHidden], { generator: g, ...f64 }).mul(0.1).add(1);
  const bnbias = torch.randn([1, nHidden], { generator: g, ...f64 }).mul(0.1);
  const params = { C, W1, b1, W2, b2, bngain, bnbias };
  for (const p of Object.values(params)) p.requires_grad_(true);
  const n = 32;
  const Xb = torch.randint(0, vocab, [n, block], { generator: g });
  const Yb = torch.randint(0, vocab, [n], { generator: g });
  return { ...params, Xb, Yb, n, nEmbd };
}

/** the lecture's cmp(): exact equality, or allclose-style agreement */
function cmp(lines: string[], name: string, dt: Tensor, t: Tensor): void {
  assert.ok(t.grad, `${name} has no .grad`);
  assert.deepEqual([...dt.shape], [...t.grad!.shape], `${name}: shape`);
  const exact = torch.equal(dt, t.grad!);
  const maxdiff = Number(dt.sub(t.grad!).abs().max().item());
  lines.push(`${name.padEnd(15)} | exact: ${String(exact).padEnd(5)} | approximate: ${String(maxdiff <= 1e-9).padEnd(5)} | maxdiff: ${maxdiff}`);
  assert.ok(exact || maxdiff <= 1e-9, `${name}: maxdiff ${maxdiff}`);
}

test("backprop ninja: manual gradients of every intermediate equal autograd's (float64)", (t) => {
  const { C, W1, b1, W2, b2, bngain, bnbias, Xb, Yb, n } = makeModel();
  const rows = torch.arange(n);
  // forward pass, chunked into small steps exactly as in the lecture
  const emb = C.get(Xb);
  const embcat = emb.view(emb.shape[0], -1);
  const hprebn = embcat.matmul(W1).add(b1);
  const bnmeani = hprebn.sum(0, true).mul(1 / n);
  const bndiff = hprebn.sub(bnmeani);
  const bndiff2 = bndiff.pow(2);
  const bnvar = bndiff2.sum(0, true).mul(1 / (n - 1));
  const bnvar_inv = bnvar.add(1e-5).pow(-0.5);
  const bnraw = bndiff.mul(bnvar_inv);
  const hpreact = bngain.mul(bnraw).add(bnbias);
  const h = hpreact.tanh();
  const logits = h.matmul(W2).add(b2);
  const logit_maxes = logits.max(1, true).values;
  const norm_logits = logits.sub(logit_maxes);
  const counts = norm_logits.exp();
  const counts_sum = counts.sum(1, true);
  const counts_sum_inv = counts_sum.pow(-1);
  const probs = counts.mul(counts_sum_inv);
  const logprobs = probs.log();
  const loss = logprobs.get(rows, Yb).mean().neg();
  const inter = { logprobs, probs, counts, counts_sum, counts_sum_inv, norm_logits, logit_maxes, logits, h, hpreact, bnraw, bnvar_inv, bnvar, bndiff2, bndiff, hprebn, bnmeani, embcat, emb };
  for (const v of Object.values(inter)) v.retain_grad();
  loss.backward();

  // exercise 1: backprop through everything by hand
  const lines: string[] = [];
  const dlogprobs = torch.zeros_like(logprobs);
  dlogprobs.set([rows, Yb], -1 / n);
  cmp(lines, "logprobs", dlogprobs, logprobs);
  const dprobs = probs.reciprocal().mul(dlogprobs);
  cmp(lines, "probs", dprobs, probs);
  const dcounts_sum_inv = counts.mul(dprobs).sum(1, true);
  cmp(lines, "counts_sum_inv", dcounts_sum_inv, counts_sum_inv);
  const dcounts = counts_sum_inv.mul(dprobs);
  const dcounts_sum = counts_sum.pow(-2).neg().mul(dcounts_sum_inv);
  cmp(lines, "counts_sum", dcounts_sum, counts_sum);
  dcounts.add_(torch.ones_like(counts).mul(dcounts_sum));
  cmp(lines, "counts", dcounts, counts);
  const dnorm_logits = counts.mul(dcounts);
  cmp(lines, "norm_logits", dnorm_logits, norm_logits);
  const dlogits = dnorm_logits.clone();
  const dlogit_maxes = dnorm_logits.neg().sum(1, true);
  cmp(lines, "logit_maxes", dlogit_maxes, logit_maxes);
  dlogits.add_(F.one_hot(logits.max(1).indices, { num_classes: logits.shape[1] }).mul(dlogit_maxes));
  cmp(lines, "logits", dlogits, logits);
  const dh = dlogits.matmul(W2.T);
  const dW2 = h.T.matmul(dlogits);
  const db2 = dlogits.sum(0);
  cmp(lines, "h", dh, h);
  cmp(lines, "W2", dW2, W2);
  cmp(lines, "b2", db2, b2);
  const dhpreact = h.pow(2).neg().add(1).mul(dh);
  cmp(lines, "hpreact", dhpreact, hpreact);
  const dbngain = bnraw.mul(dhpreact).sum(0, true);
  const dbnraw = bngain.mul(dhpreact);
  const dbnbias = dhpreact.sum(0, true);
  cmp(lines, "bngain", dbngain, bngain);
  cmp(lines, "bnraw", dbnraw, bnraw);
  cmp(lines, "bnbias", dbnbias, bnbias);
  const dbndiff = bnvar_inv.mul(dbnraw);
  const dbnvar_inv = bndiff.mul(dbnraw).sum(0, true);
  cmp(lines, "bnvar_inv", dbnvar_inv, bnvar_inv);
  const dbnvar = bnvar.add(1e-5).pow(-1.5).mul(-0.5).mul(dbnvar_inv);
  cmp(lines, "bnvar", dbnvar, bnvar);
  const dbndiff2 = torch.ones_like(bndiff2).mul(1 / (n - 1)).mul(dbnvar);
  cmp(lines, "bndiff2", dbndiff2, bndiff2);
  dbndiff.add_(bndiff.mul(2).mul(dbndiff2));
  cmp(lines, "bndiff", dbndiff, bndiff);
  const dhprebn = dbndiff.clone();
  const dbnmeani = dbndiff.neg().sum(0, true);
  cmp(lines, "bnmeani", dbnmeani, bnmeani);
  dhprebn.add_(torch.ones_like(hprebn).mul(dbnmeani).mul(1 / n));
  cmp(lines, "hprebn", dhprebn, hprebn);
  const dembcat = dhprebn.matmul(W1.T);
  const dW1 = embcat.T.matmul(dhprebn);
  const db1 = dhprebn.sum(0);
  cmp(lines, "embcat", dembcat, embcat);
  cmp(lines, "W1", dW1, W1);
  cmp(lines, "b1", db1, b1);
  const demb = dembcat.view(emb.shape);
  cmp(lines, "emb", demb, emb);
  const dC = torch.zeros_like(C);
  for (let k = 0; k < Xb.shape[0]; k++)
    for (let j = 0; j < Xb.shape[1]; j++) {
      const ix = Number(Xb.get(k, j).item());
      dC.set(ix, dC.get(ix).add(demb.get(k, j)));
    }
  cmp(lines, "C", dC, C);
  for (const l of lines) t.diagnostic(l);
  assert.equal(lines.length, 26);
});

test("backprop ninja exercise 2: cross-entropy backward in one line", (t) => {
  const { C, W1, b1, W2, b2, bngain, bnbias, Xb, Yb, n } = makeModel();
  const hprebn = C.get(Xb).view(n, -1).matmul(W1).add(b1);
  const bnmean = hprebn.mean(0, true);
  const bnvar = hprebn.var(0, { keepdim: true, unbiased: true });
  const hpreact = bngain.mul(hprebn.sub(bnmean).mul(bnvar.add(1e-5).pow(-0.5))).add(bnbias);
  const logits = hpreact.tanh().matmul(W2).add(b2);
  logits.retain_grad();
  const loss = F.cross_entropy(logits, Yb);
  loss.backward();
  // the same loss written out step by step
  const manualLoss = logits.log_softmax(1).get(torch.arange(n), Yb).mean().neg();
  assert.ok(Math.abs(Number(loss.item()) - Number(manualLoss.item())) < 1e-12);
  // d loss / d logits = (softmax - one_hot) / n
  const dlogits = F.softmax(logits, 1).detach();
  dlogits.set([torch.arange(n), Yb], dlogits.get(torch.arange(n), Yb).sub(1));
  dlogits.div_(n);
  const lines: string[] = [];
  cmp(lines, "logits", dlogits, logits);
  t.diagnostic(lines[0]);
});

test("backprop ninja exercise 3: batchnorm backward in one formula", (t) => {
  const { C, W1, b1, bngain, bnbias, Xb, n } = makeModel();
  const hprebn = C.get(Xb).view(n, -1).matmul(W1).add(b1).detach().requires_grad_();
  const bnmean = hprebn.mean(0, true);
  const bnvar = hprebn.var(0, { keepdim: true, unbiased: true });
  const bnvar_inv = bnvar.add(1e-5).pow(-0.5);
  const bnraw = hprebn.sub(bnmean).mul(bnvar_inv);
  const hpreact = bngain.mul(bnraw).add(bnbias);
  hpreact.retain_grad();
  const g = new torch.Generator().manual_seed(42);
  const upstream = torch.randn([...hpreact.shape], { generator: g, ...f64 });
  hpreact.mul(upstream).sum().backward();
  const dhpreact = hpreact.grad!;
  // Karpathy's closed form (Bessel's correction in the variance, n-1)
  const dhprebn = bngain
    .mul(bnvar_inv)
    .div(n)
    .mul(dhpreact.mul(n).sub(dhpreact.sum(0)).sub(bnraw.mul(n / (n - 1)).mul(dhpreact.mul(bnraw).sum(0))));
  const lines: string[] = [];
  cmp(lines, "hprebn", dhprebn.detach(), hprebn);
  t.diagnostic(lines[0]);
});
