// Times every backend.matmul and backend.elementwise call inside real char-GPT training steps
// (bench/workloads.ts gptCase), grouped by operand shapes and strides: the kernels as the step
// runs them, with fresh outputs and operands made by the ops before (compare
// bench/gpt_matmul_shapes.ts, which times the products in a loop). "in place": the output is
// one of the inputs (the autograd engine summing a gradient into the one it holds).
//   node --import tsx bench/gpt_matmul_trace.ts [threads=1] [exact|fma] [steps=5]
import * as W from "./workloads.js";
import { backend } from "../src/backend/index.js";
import type { Tensor } from "../src/index.js";

const { step, threads, mode, steps: STEPS } = W.gptFromArgv(5);
type Stat = { n: number; t: number; flop: number; calls: [number, number][] };
const products = new Map<string, Stat>(), elementwise = new Map<string, Stat>();
const js = (x: readonly number[]) => `[${x.join(",")}]`;
function timed(stats: Map<string, Stat>, key: string, flop: number, run: () => void): void {
  const t0 = performance.now();
  run();
  const t1 = performance.now();
  const s = stats.get(key) ?? { n: 0, t: 0, flop, calls: [] };
  s.n++, (s.t += t1 - t0), s.calls.push([t0, t1]), stats.set(key, s);
}
const { matmul, elementwise: ew } = backend;
backend.matmul = (a: Tensor, b: Tensor, out: Tensor, acc?: boolean) => {
  const nd = out._shape.length;
  const flop = 2 * out._shape.reduce((x, y) => x * y, 1) * a._shape[nd - 1];
  timed(products, `${js(a._shape)}${js(a._strides)} @ ${js(b._shape)}${js(b._strides)}${acc ? " +=" : ""}`, flop, () => matmul(a, b, out, acc));
};
backend.elementwise = (op, out, inputs, compute, params) => {
  const inPlace = inputs.some((x) => x._storage === out._storage) ? " (in place)" : "";
  const key = `${op}${inPlace} ${out.dtype.name}${js(out._shape)} <- ${inputs.map((x) => `${x.dtype.name}${js(x._shape)}${js(x._strides)}`).join(" ")}`;
  timed(elementwise, key, 0, () => ew(op, out, inputs, compute, params));
};
// V8's collections run inside whichever call allocated when a heap filled up: their time is
// taken out of the calls they overlap (PerformanceObserver's "gc" entries), so a product's
// figure is the kernel's own.
const gcs: [number, number][] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
});
obs.observe({ entryTypes: ["gc"] });
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) step();
const stepMs = (performance.now() - t0) / STEPS;
await new Promise((r) => setTimeout(r, 10)); // the observer's entries arrive asynchronously
obs.disconnect();
let gcInCalls = 0;
for (const stats of [products, elementwise])
  for (const s of stats.values())
    for (const [a, b] of s.calls)
      for (const [g0, g1] of gcs) {
        const o = Math.min(b, g1) - Math.max(a, g0);
        if (o > 0) (s.t -= o), (gcInCalls += o);
      }
const gcMs = gcs.reduce((t, [a, b]) => t + b - a, 0) / STEPS;
backend.matmul = matmul;
backend.elementwise = ew;
function report(stats: Map<string, Stat>, what: string, width: number): void {
  let tot = 0, calls = 0;
  for (const [k, s] of [...stats].sort((a, b) => b[1].t - a[1].t)) {
    tot += s.t, (calls += s.n);
    const rate = s.flop > 0 ? ` ${((s.flop * s.n) / s.t / 1e6).toFixed(0).padStart(4)} GF/s` : "";
    console.log(`${String(s.n / STEPS).padStart(3)}x ${k.padEnd(width)} ${(s.t / STEPS).toFixed(2).padStart(6)} ms/step${rate}`);
  }
  console.log(`threads=${threads} ${mode}: ${what} ${(tot / STEPS).toFixed(1)} ms in ${calls / STEPS} calls of ${stepMs.toFixed(1)} ms per step\n`);
}
console.log(`garbage collection: ${gcMs.toFixed(1)} ms per step (${(gcInCalls / STEPS).toFixed(1)} of it inside the calls below, taken out of their times)\n`);
report(products, "matmul", 64);
report(elementwise, "element-wise", 96);
