// examples/gpt.ts ("Let's build GPT") against torch 1.13 running gpt.py's classes
// (test/goldens/nn_examples.json, scripts/gen_nn_goldens.py): a 2-layer, n_embd 32 GPT trained
// with AdamW gives PyTorch's 50 losses bit for bit, then samples the same text; with dropout 0.2
// the masks are PyTorch's too.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { optim } from "../src/index.js";
import * as gpt from "../examples/gpt.js";
import { golden, sameBits } from "./nn_golden.js";

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

test("tiny GPT with AdamW: PyTorch's 50 losses exactly, then the same sampled text", () => {
  const R = G.gpt_tiny;
  const { corpus, model, init, losses } = runGPT(R);
  for (const [k, v] of Object.entries(R.init)) assert.equal(sameBits(init.get(k)!, v as never, k), null);
  let n = 0;
  for (const p of model.parameters()) n += p.numel();
  assert.equal(n, R.n_params);
  // every op, the autograd engine's order of summing gradients and AdamW's update are 1.13's
  // bits: the same 50 losses exactly
  assert.deepEqual(losses, R.losses);
  model.eval();
  const idx = torch.no_grad(() => model.generate(torch.zeros([1, 1], { dtype: torch.long }), 40));
  assert.equal(corpus.decode(idx.get(0).tolist() as number[]), R.generated);
});

test("tiny GPT with dropout 0.2: the same masks, the same losses", () => {
  const R = G.gpt_tiny_dropout;
  const { losses } = runGPT(R);
  assert.deepEqual(losses, R.losses);
});
