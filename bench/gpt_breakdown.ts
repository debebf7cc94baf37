// Where a char-GPT training step's time and memory go (BENCHMARKS.md, "The targets"): each
// entry of the backend table is wrapped to time its calls inside real steps, the rest of the
// step is JavaScript and garbage collection; then the bytes of new buffers the forward pass, the
// backward pass and the optimizer step allocate (src/storage.ts allocStats).
//   node --import tsx bench/gpt_breakdown.ts [threads=1] [exact|fma] [steps=5]
// For timings as a user runs them, compile first (npm run bench does).
import * as W from "./workloads.js";
import * as torch from "../src/index.js";
import { optim } from "../src/index.js";
import { backend } from "../src/backend/index.js";
import { allocStats } from "../src/storage.js";
import { GPTLanguageModel } from "../examples/gpt.js";

const { step, threads, mode, steps: STEPS } = W.gptFromArgv(5);
const table = backend as unknown as Record<string, unknown>;
const time = new Map<string, { n: number; ms: number }>();
for (const k of Object.keys(table)) {
  const f = table[k];
  if (typeof f !== "function") continue;
  table[k] = (...a: unknown[]) => {
    const t0 = performance.now();
    const r = (f as (...a: unknown[]) => unknown)(...a);
    const e = time.get(k) ?? { n: 0, ms: 0 };
    e.n++, (e.ms += performance.now() - t0), time.set(k, e);
    return r;
  };
}
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) step();
const total = (performance.now() - t0) / STEPS;
let kernels = 0;
console.log(`char-GPT step, ${threads} thread(s), ${mode} matmul, ms per step (mean of ${STEPS}):`);
for (const [k, e] of [...time].sort((a, b) => b[1].ms - a[1].ms)) {
  kernels += e.ms / STEPS;
  console.log(`  ${k.padEnd(24)} ${(e.ms / STEPS).toFixed(2).padStart(7)}  (${e.n / STEPS} calls)`);
}
console.log(`  ${"kernels".padEnd(24)} ${kernels.toFixed(2).padStart(7)}\n  ${"step".padEnd(24)} ${total.toFixed(2).padStart(7)}  (the rest: JavaScript and GC)`);

// memory: bytes of buffers of their own (> 64 KB) made in each phase of one step
const s = W.GPT_SHAPE;
torch.manual_seed(1337);
const model = new GPTLanguageModel({ vocab_size: s.vocab, n_embd: s.n_embd, n_head: s.n_head, n_layer: s.n_layer, block_size: s.block, dropout: 0 });
const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
const data = torch.randint(0, s.vocab, [100000]);
const MB = (b: number) => (b / 1e6).toFixed(1);
for (let it = 0; it < 3; it++) {
  const ix = torch.randint(100000 - s.block, [s.batch]).tolist() as number[];
  const x = torch.stack(ix.map((i) => data.get(`${i}:${i + s.block}`)));
  const y = torch.stack(ix.map((i) => data.get(`${i + 1}:${i + s.block + 1}`)));
  const b0 = allocStats.bytesOwn;
  const [, loss] = model.forward(x, y);
  const b1 = allocStats.bytesOwn;
  opt.zero_grad(true);
  loss!.backward();
  const b2 = allocStats.bytesOwn;
  opt.step();
  const b3 = allocStats.bytesOwn;
  if (it === 2) console.log(`new buffers per step (MB): forward ${MB(b1 - b0)}, backward ${MB(b2 - b1)}, optimizer ${MB(b3 - b2)}; recycled so far ${allocStats.recycled}, reused ${allocStats.reused}`);
}
