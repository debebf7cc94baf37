// The single kernels BENCHMARKS.md and native/README.md quote for this session's changes, timed in
// a loop (hot caches; one JSON line of medians in µs):
//   node --import tsx bench/kernels.ts [compiled root]
// With no argument the sources run; a compiled root (see bench/compare.ts) times another tree
// the same way, for before/after figures.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { trialsUs } from "./timing.js";

const root = process.argv[2] ? pathToFileURL(resolve(process.argv[2])).href : new URL("..", import.meta.url).href.replace(/\/$/, "");
const ext = process.argv[2] ? "js" : "ts";
const torch = await import(`${root}/src/index.${ext}`);
const { backend } = await import(`${root}/src/backend/index.${ext}`);
const F = torch.nn.functional;

/** median over 9 trials of `inner` calls, µs per call */
function per(f: () => unknown, inner: number): number {
  const med = trialsUs(f, inner, 9)[4];
  return +med.toFixed(med < 10 ? 3 : 1);
}

const out: Record<string, number> = {};
torch.set_num_threads(1);
const x = torch.randn([32, 27]), y = torch.randn([32, 27]);
out.add_inplace = per(() => x.add_(y), 100000);
const a = torch.randn([32, 200]), b = torch.randn([1, 200]);
out.bcast_sub = per(() => a.sub(b), 20000);
out.max_1 = per(() => a.max(1), 20000);
out.max_0 = per(() => a.max(0), 20000);
out.argmax_1_small = per(() => x.argmax(1), 50000);
out.std_0_keepdim = per(() => a.std(0, { keepdim: true }), 5000);
out.var_1 = per(() => a.var(1), 5000);
const big = torch.randn([1024, 512]);
out.amax_1_big = per(() => big.amax(1), 100);
const att = torch.randn([16, 64, 64]);
const mask = torch.tril(torch.ones(64, 64)).eq(0);
const masked = att.masked_fill(mask, -Infinity);
out.softmax_masked = per(() => F.softmax(masked, -1), 300);
out.softmax = per(() => F.softmax(att, -1), 300);
const g = torch.randn([1024, 64]), p = torch.rand([1024, 64]);
const r = new Float32Array(1024 * 64);
// the backend entry's arguments changed in the fifth session (rows, n, log): older trees take
// (outer, n, inner, log, negZeroStart)
const rowsApi = backend.softmaxBackwardRows.length === 9;
out.softmax_bwd = per(
  () =>
    rowsApi
      ? backend.softmaxBackwardRows(g._storage.data, 0, p._storage.data, 0, r, 0, 1024, 64, false)
      : backend.softmaxBackwardRows(g._storage.data, 0, p._storage.data, 0, r, 0, 1024, 64, 1, false, true),
  300,
);
// cross_entropy's pair on makemore's logits: log_softmax forward and its backward
const logits = torch.randn([32, 27]).requires_grad_(), tgt = torch.randint(0, 27, [32]);
out.cross_entropy_fwd_bwd = per(() => {
  logits.grad = null;
  F.cross_entropy(logits, tgt).backward();
}, 5000);
const M = 1024, N = 128;
const lx = torch.randn([M, N]), lg = torch.randn([M, N]);
// the layer_norm entries take float32 gamma/beta since the fifth session (1.13's kernel); older
// trees take float64 copies
const lnF32 = await import(`${root}/src/nn/layer_norm_f32.${ext}`).then(() => true, () => false);
const Arr = lnF32 ? Float32Array : Float64Array;
const w = Arr.from(torch.randn([N])._storage.data), bb = Arr.from(torch.randn([N])._storage.data);
const mean = new Float64Array(M), rstd = new Float64Array(M), ly = new Float32Array(M * N), lr = new Float32Array(M * N);
const gW = new Float64Array(N), gB = new Float64Array(N);
for (const th of [1, 2]) {
  torch.set_num_threads(th);
  out[`layer_norm_${th}t`] = per(() => backend.layerNormRows(lx._storage.data, 0, ly, M, N, 1e-5, w, bb, mean, rstd), 300);
  out[`layer_norm_bwd_${th}t`] = per(() => backend.layerNormBackwardRows(lg._storage.data, 0, lx._storage.data, 0, lr, M, N, w, mean, rstd, gW, gB), 300);
  out[`masked_fill_${th}t`] = per(() => att.masked_fill(mask, -Infinity), 2000);
}
console.log(JSON.stringify(out));
