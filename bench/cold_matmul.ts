// A GPT-step product ([1024,32] @ [32,128], the per-head input gradient) three ways, at 1 and 2
// threads: into an output reused each call (operands and output in cache, backend.matmul
// directly), through g.matmul(W) with a fresh output tensor each call (what a step does), and
// the same after a 64 MB sweep that flushes the caches. Why the step's products run below their
// loop speed (BENCHMARKS.md).
//   node --import tsx bench/cold_matmul.ts
import * as torch from "../src/index.js";
import { backend } from "../src/backend/index.js";

const big = new Float32Array(16 << 20);
const flush = () => {
  for (let i = 0; i < big.length; i += 16) big[i] += 1;
};
const gs = Array.from({ length: 8 }, () => torch.randn([1024, 32]));
const W = torch.randn([32, 128]);
const out = torch.empty([1024, 128]);
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
const timed = (f: () => unknown) => {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) * 1000;
};
for (let r = 0; r < 300; r++) gs[r & 7].matmul(W); // JIT
for (const th of [1, 2]) {
  torch.set_num_threads(th);
  const reused: number[] = [], fresh: number[] = [], cold: number[] = [];
  for (let r = 0; r < 100; r++) {
    const g = gs[r & 7];
    reused.push(timed(() => backend.matmul(g, W, out)));
    fresh.push(timed(() => g.matmul(W)));
    flush();
    cold.push(timed(() => g.matmul(W)));
  }
  console.log(
    `[1024,32]@[32,128], ${th} thread(s), median us: reused output ${median(reused).toFixed(1)}, ` +
      `fresh output ${median(fresh).toFixed(1)}, caches flushed + fresh output ${median(cold).toFixed(1)}`,
  );
}
