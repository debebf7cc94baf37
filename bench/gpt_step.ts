// The whole char-GPT training step (bench/workloads.ts gptCase), median and minimum of ms per
// step, and the process's resident memory after them.
//   node --import tsx bench/gpt_step.ts [threads=1] [exact|fma] [steps=10]
import * as W from "./workloads.js";

const { step, threads, mode, steps } = W.gptFromArgv(10);
const ts: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  ts.push(performance.now() - t0);
}
ts.sort((a, b) => a - b);
const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
console.log(`gpt step threads=${threads} ${mode}: median ${ts[ts.length >> 1].toFixed(1)} ms, min ${ts[0].toFixed(1)} ms; resident ${rss} MiB`);
