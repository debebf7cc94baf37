// The lecture examples against torch 1.13 running the lectures' code
// (test/goldens/nn_examples.json, scripts/gen_nn_goldens.py), on tiny budgets:
// - bigram.ts: the counts, the five names sampled from the counts model, the log likelihood,
//   the neural net's first losses, and the names it samples from the trained weights;
// - makemore-mlp.ts: the split of random.seed(42)/shuffle, initial parameters bit for bit, the
//   minibatch indices, the loss after 0, 1, 10 and 200 steps (1e-4), dev loss and samples;
// - gpt.ts: a 2-layer, n_embd 32 GPT trained with AdamW tracks PyTorch's loss for 50 steps
//   (1e-3), then samples the same text; with dropout 0.2 the masks are PyTorch's too.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { optim } from "../src/index.js";
import * as bigram from "../examples/bigram.js";
import * as mlp from "../examples/makemore-mlp.js";
import * as gpt from "../examples/gpt.js";
import { loadWords, vocab } from "../examples/lib/names.js";
import { PyRandom } from "../examples/lib/pyrandom.js";
import { close, fromB64, golden, sameBits } from "./nn_golden.js";

const G = golden("nn_examples.json");

test("examples/lib/pyrandom.ts reproduces CPython's random module", () => {
  // values printed by CPython 3.11: random.seed(42); random.random(), getrandbits(40), ...
  const r = new PyRandom(42);
  assert.equal(r.random(), 0.6394267984578837);
  assert.equal(r.getrandbits(40), 811856239313);
  assert.equal(r.randint(1, 10 ** 9), 295310486);
  assert.equal(r.choice([..."abcdefg"]), "b");
  const x = Array.from({ length: 10 }, (_, i) => i);
  new PyRandom(-7).shuffle(x);
  assert.deepEqual(x, [8, 3, 1, 4, 7, 0, 9, 6, 2, 5]);
  assert.equal(new PyRandom(0).random(), 0.8444218515250481);
  const big = new PyRandom(2n ** 70n + 12345n);
  assert.deepEqual([big.random(), big.getrandbits(45), big.randint(1, 1000)], [0.9602803546023011, 31121096539060, 121]);
});

test("bigram: counts, the lecture's five names, and the negative log likelihood", () => {
  const B = G.bigram;
  const words = loadWords();
  const { stoi, itos } = vocab(words);
  const [xs, ys] = bigram.bigrams(words, stoi);
  const N = bigram.countMatrix(xs, ys);
  assert.equal(N.dtype, torch.int32);
  assert.equal(N.sum().item(), B.N_sum);
  assert.deepEqual(N.get(0).tolist(), B.N_row0);
  const P = bigram.probabilities(N);
  const names = bigram.sampleWords((ix) => P.get(ix), itos, 5);
  assert.deepEqual(names, B.samples);
  assert.deepEqual(names, ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchshizarie."]);
  const ll = bigram.logLikelihood(P, xs, ys);
  assert.equal(String(ll), B.log_likelihood);
  assert.equal(String(ll.neg()), B.nll);
  assert.equal(String(ll.neg().div(xs.nelement())), B.nll_per_n);
});

test("bigram neural net: initial W, first losses, and samples from the trained W", () => {
  const B = G.bigram;
  const words = loadWords();
  const { stoi, itos } = vocab(words);
  const [xs, ys] = bigram.bigrams(words, stoi);
  const W = bigram.initW();
  assert.equal(sameBits(W, B.W0, "W0"), null);
  const losses = [0, 1].map(() => bigram.nnStep(W, xs, ys));
  assert.equal(close(losses, B.losses.slice(0, 2), "losses", 1e-5, 0), null);
  const Wf = fromB64(B.W_final);
  const row = (ix: number) => {
    const xenc = torch.nn.functional.one_hot(torch.tensor([ix]), { num_classes: 27 }).float();
    const counts = xenc.matmul(Wf).exp();
    return counts.div(counts.sum(1, true));
  };
  assert.deepEqual(bigram.sampleWords(row, itos, 5), B.nn_samples);
});

test("makemore MLP: split, initial parameters, minibatches and losses after 0, 1, 10, 200 steps", () => {
  const M = G.mlp;
  const s = mlp.makeSplits();
  assert.deepEqual(s.words.slice(0, 5), M.first_words);
  assert.deepEqual([s.Xtr.shape, s.Xdev.shape, s.Xte.shape].map((x) => [...x]), [M.sizes.train, M.sizes.val, M.sizes.test]);
  const m = mlp.initMLP();
  for (const k of ["C", "W1", "W2", "b2"] as const) assert.equal(sameBits(m[k], M.init[k], k), null);
  // the minibatch indices come from the same generator stream as PyTorch's: after the four randn
  const probe = new torch.Generator().manual_seed(2147483647);
  for (const shape of [[27, 10], [30, 200], [200, 27], [27]]) torch.randn(shape, { generator: probe });
  for (const idx of M.batch_idx as number[][]) {
    assert.deepEqual(torch.randint(0, s.Xtr.shape[0], [32], { generator: probe }).tolist(), idx);
  }
  const lossi: number[] = [];
  for (let i = 0; i < M.after_steps; i++) lossi.push(mlp.trainStep(m, s.Xtr, s.Ytr, 0.1));
  for (const [step, expected] of Object.entries(M.loss_at as Record<string, number>)) {
    assert.ok(Math.abs(lossi[Number(step)] - expected) <= 1e-4, `loss at step ${step}: ${lossi[Number(step)]} vs ${expected}`);
  }
  assert.equal(close(m.bnmean_running, M.bnmean_running, "bnmean_running", 1e-4, 1e-5), null);
  const val = mlp.splitLoss(m, s.Xdev, s.Ydev);
  assert.ok(Math.abs(val - M.val_loss) <= 1e-4, `val loss ${val} vs ${M.val_loss}`);
  assert.deepEqual(mlp.sample(m, s.voc.itos, 20), M.samples);
});

function runGPT(rec: { config: gpt.GPTConfig & { batch_size: number }; lr: number; steps: number }) {
  const corpus = gpt.loadShakespeare();
  const { batch_size, ...cfg } = rec.config;
  torch.manual_seed(1337);
  const model = new gpt.GPTLanguageModel(cfg as gpt.GPTConfig);
  const init = new Map([...model.state_dict()].map(([k, v]) => [k, v.clone()]));
  const opt = new optim.AdamW(model.parameters(), { lr: rec.lr });
  const losses: number[] = [];
  for (let i = 0; i < rec.steps; i++) losses.push(gpt.trainStep(model, opt, corpus, batch_size));
  return { corpus, model, init, losses };
}

test("tiny GPT with AdamW tracks PyTorch's loss over 50 steps, then samples the same text", () => {
  const R = G.gpt_tiny;
  const { corpus, model, init, losses } = runGPT(R);
  for (const [k, v] of Object.entries(R.init)) assert.equal(sameBits(init.get(k)!, v as never, k), null);
  let n = 0;
  for (const p of model.parameters()) n += p.numel();
  assert.equal(n, R.n_params);
  const worst = Math.max(...losses.map((l, i) => Math.abs(l - R.losses[i])));
  assert.ok(worst <= 1e-3, `max |loss - torch| = ${worst}`);
  model.eval();
  const idx = torch.no_grad(() => model.generate(torch.zeros([1, 1], { dtype: torch.long }), 40));
  assert.equal(corpus.decode(idx.get(0).tolist() as number[]), R.generated);
});

test("tiny GPT with dropout 0.2: the same masks, the same losses", () => {
  const R = G.gpt_tiny_dropout;
  const { losses } = runGPT(R);
  assert.equal(close(losses, R.losses, "losses", 0, 1e-4), null);
});
