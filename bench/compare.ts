// Times the same calls in two compiled trees, for "before and after" tables (BENCHMARKS.md):
//   node --import tsx bench/compare.ts <compiled root> [name,name,...]
// prints one JSON line of medians (µs; the GPT steps in ms), of every row or the rows named. A compiled root is a tree built
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
const only = process.argv[3]?.split(",");
/** out[name] = time(), unless rows were named and this is not one of them */
function row(name: string, time: () => number): void {
  if (only === undefined || only.includes(name)) out[name] = time();
}
torch.set_num_threads(1);
row("add", () => per(W.addCase(false), 20000, 15));
row("add_grad", () => per(W.addCase(true), 20000, 15));
row("mlp", () => per(W.mlpCase().step, 300, 9));
const a = torch.randn([32, 200]), b = torch.randn([1, 200]);
row("bcast_sub", () => per(() => a.sub(b), 20000, 9));
row("std0", () => per(() => a.std(0, true), 5000, 9));
row("max1", () => per(() => a.max(1), 5000, 9));
// the lectures' spelling: keepdim=True as an options object
row("mean0_keepdim", () => per(() => a.mean(0, { keepdim: true }), 5000, 9));
row("std0_keepdim", () => per(() => a.std(0, { keepdim: true }), 5000, 9));
// makemore's embedding lookup C[Xb]
const C = torch.randn([27, 10]), Xb = torch.randint(0, 27, [32, 3]);
row("index_rows", () => per(() => C.get(Xb), 20000, 9));
const big = torch.randn([1024, 512]);
row("sum0_big", () => per(() => big.sum(0), 300, 9));
row("amax1_big", () => per(() => big.amax(1), 100, 9));
const bigT = big.t();
row("t_contiguous_big", () => per(() => bigT.contiguous(), 100, 9));
const m64 = torch.randn([64, 64]), o64 = torch.empty([64, 64]);
row("js_matmul64", () => per(() => jsBackend.matmul(m64, m64, o64), 20, 9));
const s64 = torch.randn([65536]);
row("sigmoid_64K", () => per(() => torch.sigmoid(s64), 100, 9));
row("gelu_64K", () => per(() => torch.nn.functional.gelu(s64), 20, 9));
row("erf_64K", () => per(() => torch.erf(s64), 20, 9));
row("silu_64K", () => per(() => torch.nn.functional.silu(s64), 20, 9));
row("gelu_tanh_64K", () => per(() => torch.nn.functional.gelu(s64, { approximate: "tanh" }), 20, 9));
const F = torch.nn.functional;
row("leaky_relu_64K", () => per(() => F.leaky_relu(s64), 20, 9));
row("elu_64K", () => per(() => F.elu(s64), 20, 9));
row("softplus_64K", () => per(() => F.softplus(s64), 20, 9));
row("mish_64K", () => per(() => F.mish(s64), 20, 9));
row("logsigmoid_64K", () => per(() => F.logsigmoid(s64), 20, 9));
row("hardtanh_64K", () => per(() => F.hardtanh(s64), 20, 9));
const w = torch.randn([1000, 1000]).requires_grad_();
w.grad = torch.randn([1000, 1000]);
const sgd = new torch.optim.SGD([w], { lr: 0.01, momentum: 0.9 });
sgd.step();
row("sgd_momentum_1M", () => per(() => sgd.step(), 20, 9));
const g = only === undefined || only.some((n) => n.startsWith("gpt")) ? W.gptCase() : null;
for (const th of [1, 2]) {
  torch.set_num_threads(th);
  if (g !== null) row(`gpt${th}`, () => +(per(g.step, 1, 12) / 1000).toFixed(2));
}
console.log(JSON.stringify(out));
