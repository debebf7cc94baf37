// Times every backend.matmul call inside real char-GPT training steps (bench/workloads.ts
// gptCase), grouped by operand shapes and strides: the products as the step runs them, with
// fresh outputs and operands made by the ops before (compare bench/gpt_matmul_shapes.ts,
// which times them in a loop).
//   node --import tsx bench/gpt_matmul_trace.ts [threads=1] [exact|fma] [steps=5]
import * as W from "./workloads.js";
import { backend } from "../src/backend/index.js";
import type { Tensor } from "../src/index.js";

const { step, threads, mode, steps: STEPS } = W.gptFromArgv(5);
const orig = backend.matmul;
const stats = new Map<string, { n: number; t: number; flop: number }>();
const js = (x: readonly number[]) => `[${x.join(",")}]`;
backend.matmul = (a: Tensor, b: Tensor, out: Tensor, acc?: boolean) => {
  const nd = out._shape.length;
  const flop = 2 * out._shape.reduce((x, y) => x * y, 1) * a._shape[nd - 1];
  const key = `${js(a._shape)}${js(a._strides)} @ ${js(b._shape)}${js(b._strides)}${acc ? " +=" : ""}`;
  const t0 = performance.now();
  orig(a, b, out, acc);
  const dt = performance.now() - t0;
  const s = stats.get(key) ?? { n: 0, t: 0, flop };
  s.n++, (s.t += dt), stats.set(key, s);
};
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) step();
const stepMs = (performance.now() - t0) / STEPS;
backend.matmul = orig;
let tot = 0;
for (const [k, s] of [...stats].sort((a, b) => b[1].t - a[1].t)) {
  tot += s.t;
  console.log(`${String(s.n / STEPS).padStart(3)}x ${k.padEnd(64)} ${(s.t / STEPS).toFixed(2).padStart(6)} ms/step ${((s.flop * s.n) / s.t / 1e6).toFixed(0).padStart(4)} GF/s`);
}
console.log(`threads=${threads} ${mode}: matmul ${(tot / STEPS).toFixed(1)} ms of ${stepMs.toFixed(1)} ms per step`);
