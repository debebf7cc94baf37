// examples/gpt.ts ("Let's build GPT") against torch 1.13 running gpt.py's classes
// (test/goldens/nn_examples.json, scripts/gen_nn_goldens.py): a 2-layer, n_embd 32 GPT trained
// with AdamW tracks PyTorch's loss for 50 steps (1e-6), then samples the same text; with
// dropout 0.2 the masks are PyTorch's too.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { optim } from "../src/index.js";
import * as gpt from "../examples/gpt.js";
import { close, golden, sameBits } from "./nn_golden.js";

const G = golden("nn_examples.json");

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
  // layer_norm is not yet 1.13's bits (everything else is): the losses stay within 1e-6
  assert.ok(worst <= 1e-6, `max |loss - torch| = ${worst}`);
  model.eval();
  const idx = torch.no_grad(() => model.generate(torch.zeros([1, 1], { dtype: torch.long }), 40));
  assert.equal(corpus.decode(idx.get(0).tolist() as number[]), R.generated);
});

test("tiny GPT with dropout 0.2: the same masks, the same losses", () => {
  const R = G.gpt_tiny_dropout;
  const { losses } = runGPT(R);
  assert.equal(close(losses, R.losses, "losses", 0, 1e-4), null);
});
