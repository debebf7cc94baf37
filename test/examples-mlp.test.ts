// examples/makemore-mlp.ts (lectures 3-4) against torch 1.13 running the lecture's code
// (test/goldens/nn_examples.json, scripts/gen_nn_goldens.py): the split of
// random.seed(42)/shuffle (examples/lib/pyrandom.ts), initial parameters bit for bit, the
// minibatch indices, the loss after 0, 1, 10 and 200 steps, the running mean and the dev loss
// (all bit for bit), and samples.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import * as mlp from "../examples/makemore-mlp.js";
import { PyRandom } from "../examples/lib/pyrandom.js";
import { close, golden, sameBits } from "./nn_golden.js";

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
  // training follows torch 1.13 bit for bit: the same float32 losses, running statistics and
  // dev loss after 200 steps
  for (const [step, expected] of Object.entries(M.loss_at as Record<string, number>)) {
    assert.equal(lossi[Number(step)], expected, `loss at step ${step}`);
  }
  assert.equal(sameBits(m.bnmean_running, M.bnmean_running, "bnmean_running"), null);
  assert.equal(mlp.splitLoss(m, s.Xdev, s.Ydev), M.val_loss, "dev loss");
  assert.deepEqual(mlp.sample(m, s.voc.itos, 20), M.samples);
});

