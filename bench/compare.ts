// Times the same calls in two compiled trees, for "before and after" tables (BENCHMARKS.md):
//   node --import tsx bench/compare.ts <compiled root>
// prints one JSON line of medians (µs; the GPT steps in ms). A compiled root is a tree built
// with `tsc -p tsconfig.json --outDir <root> --declaration false`, plus `<root>/build` (a link
// to that tree's build/ with its addon), `<root>/node_modules` and a package.json of
// {"type": "module"}; an older commit gets one from `git worktree add` and `node-gyp rebuild`.
// Run it for each root in turn, a few rounds, each in a fresh process.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { trialsUs } from "./timing.js";

const root = pathToFileURL(resolve(process.argv[2] ?? ".")).href;
const torch = await import(`${root}/src/index.js`);
const W = await import(`${root}/bench/workloads.js`);
const { jsBackend } = await import(`${root}/src/backend/index.js`);

/** median over `reps` trials of `inner` calls, µs per call */
function per(f: () => unknown, inner: number, reps: number): number {
  return +trialsUs(f, inner, reps)[Math.floor(reps / 2)].toFixed(3);
}

const out: Record<string, number> = {};
torch.set_num_threads(1);
out.add = per(W.addCase(false), 20000, 15);
out.add_grad = per(W.addCase(true), 20000, 15);
out.mlp = per(W.mlpCase().step, 300, 9);
const a = torch.randn([32, 200]), b = torch.randn([1, 200]);
out.bcast_sub = per(() => a.sub(b), 20000, 9);
out.std0 = per(() => a.std(0, true), 5000, 9);
out.max1 = per(() => a.max(1), 5000, 9);
// the lectures' spelling: keepdim=True as an options object
out.mean0_keepdim = per(() => a.mean(0, { keepdim: true }), 5000, 9);
out.std0_keepdim = per(() => a.std(0, { keepdim: true }), 5000, 9);
// makemore's embedding lookup C[Xb]
const C = torch.randn([27, 10]), Xb = torch.randint(0, 27, [32, 3]);
out.index_rows = per(() => C.get(Xb), 20000, 9);
const big = torch.randn([1024, 512]);
out.sum0_big = per(() => big.sum(0), 300, 9);
out.amax1_big = per(() => big.amax(1), 100, 9);
const bigT = big.t();
out.t_contiguous_big = per(() => bigT.contiguous(), 100, 9);
const m64 = torch.randn([64, 64]), o64 = torch.empty([64, 64]);
out.js_matmul64 = per(() => jsBackend.matmul(m64, m64, o64), 20, 9);
const s64 = torch.randn([65536]);
out.sigmoid_64K = per(() => torch.sigmoid(s64), 100, 9);
out.gelu_64K = per(() => torch.nn.functional.gelu(s64), 20, 9);
out.erf_64K = per(() => torch.erf(s64), 20, 9);
out.silu_64K = per(() => torch.nn.functional.silu(s64), 20, 9);
out.gelu_tanh_64K = per(() => torch.nn.functional.gelu(s64, { approximate: "tanh" }), 20, 9);
const w = torch.randn([1000, 1000]).requires_grad_();
w.grad = torch.randn([1000, 1000]);
const sgd = new torch.optim.SGD([w], { lr: 0.01, momentum: 0.9 });
sgd.step();
out.sgd_momentum_1M = per(() => sgd.step(), 20, 9);
const g = W.gptCase();
for (const th of [1, 2]) {
  torch.set_num_threads(th);
  out[`gpt${th}`] = +(per(g.step, 1, 12) / 1000).toFixed(2);
}
console.log(JSON.stringify(out));
