// examples/bigram.ts (lecture 2) against torch 1.13 running the lecture's code
// (test/goldens/nn_examples.json, scripts/gen_nn_goldens.py): the counts, the five names
// sampled from the counts model, the log likelihood, the neural net's first losses, and the
// names it samples from the trained weights.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import * as bigram from "../examples/bigram.js";
import { loadWords, vocab } from "../examples/lib/names.js";
import { close, fromB64, golden, sameBits } from "./nn_golden.js";

const G = golden("nn_examples.json");

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
