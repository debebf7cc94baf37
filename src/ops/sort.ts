// sort, argsort, msort, topk, kthvalue, mode, median, unique, bincount, searchsorted, histc.
// The index outputs follow PyTorch's CPU kernels step by step (libstdc++'s std::sort,
// partial_sort and nth_element via ./stl_algo.ts, and for unique(sorted=False) the iteration
// order of libstdc++'s std::unordered_set), so ties and unsorted orders match torch 1.13.
import { bool, DType, float32, float64, int32, int64 } from "../dtype.js";
import { IndexError, NotImplementedError, RuntimeError } from "../errors.js";
import { wrapDim } from "../shape.js";
import { empty, Tensor, type TensorLike } from "../tensor.js";
import { needsGrad, params, record, resultType, wrap } from "./util.js";
import { typeName } from "./dtype_names.js";
import { cppDouble } from "../printing.js";
import { where } from "./pointwise.js";
import { ValuesIndices } from "./reduction.js";
import { plainCopy, rowWalk, zerosOf } from "./scatter.js";
import { type Less, nthElement, partialSort, quickSelect, stdSort } from "./stl_algo.js";

// ---------------------------------------------------------------------------------------------
// helpers

/** Row starts of every 1-D slice along `d` for each tensor (all shaped like `shape` except
 * possibly along d), plus each tensor's stride along d. 0-dim tensors act as shape [1]. */
function sliceWalk(shape: readonly number[], d: number, ts: Tensor[]) {
  if (shape.length === 0) return rowWalk([1], ts.map(() => [0]), ts.map((t) => t._offset));
  const perm = shape.map((_, i) => i).filter((i) => i !== d);
  perm.push(d);
  return rowWalk(
    perm.map((i) => shape[i]),
    ts.map((t) => perm.map((i) => t._strides[i])),
    ts.map((t) => t._offset),
  );
}

/** The keepdim=false view of a contiguous keepdim result (no autograd: called before recording). */
function dropDim(t: Tensor, d: number, keepdim: boolean): Tensor {
  if (keepdim || t.dim() === 0) return t;
  const shape = t._shape.slice();
  shape.splice(d, 1);
  return new Tensor(t._storage, shape, undefined, t._offset, t.dtype);
}

function notImplemented(kernel: string, dt: DType): never {
  throw new RuntimeError(`"${kernel}" not implemented for '${typeName(dt)}'`);
}

/** value_selecting_reduction_backward: the gradient goes to the selected positions. */
function selectBackward(g: Tensor, d: number, indices: Tensor, inShape: number[], keepdim: boolean): Tensor {
  let gg = g, ii = indices;
  if (!keepdim && inShape.length > 0) {
    gg = g.unsqueeze(d);
    ii = indices.unsqueeze(d);
  }
  return zerosOf(inShape, g.dtype).scatter(d, ii, gg);
}

function zeroNumelCheck(x: Tensor, d: number, dimArg: number, fn: string): void {
  if (x.dim() === 0) {
    if (dimArg !== 0 && dimArg !== -1) throw new IndexError(`${fn}: Expected reduction dim -1 or 0 for scalar but got ${dimArg}`);
  } else if (x._shape[d] === 0) throw new IndexError(`${fn}: Expected reduction dim ${d} to have non-zero size.`);
}

function vi(values: Tensor, indices: Tensor, kind: string): ValuesIndices {
  const r = new ValuesIndices(values, indices);
  r.kind = kind;
  return r;
}

// NaN counts as the largest value (numpy's order)
const asc: Less = (a, _va, b) => (a === a && b !== b) || a < b;
const desc: Less = (a, _va, b) => (a !== a && b === b) || a > b;
const ascStable: Less = (a, va, b, vb) => (a === a && b !== b) || a < b || ((a === b || (a !== a && b !== b)) && va < vb);
const descStable: Less = (a, va, b, vb) => (a !== a && b === b) || a > b || ((a === b || (a !== a && b !== b)) && va < vb);

// ---------------------------------------------------------------------------------------------
// sort / argsort / msort

type SortOpts = {
  dim: number;
  descending: boolean;
  stable: boolean | null;
};

function sortKernel(x: Tensor, d: number, descending: boolean, stable: boolean): [Tensor, Tensor] {
  const values = empty(x._shape.slice(), x.dtype);
  const indices = empty(x._shape.slice(), int64);
  if (x.numel() === 0) return [values, indices];
  const n = x.dim() === 0 ? 1 : x._shape[d];
  const w = sliceWalk(x._shape, d, [x, values, indices]);
  const [sx, sv, si] = w.starts;
  const [tx, tv, ti] = w.innerStrides;
  const X = x._data, Vo = values._data, Io = indices._data;
  const K = new Float64Array(n), V = new Float64Array(n);
  const lt = descending ? (stable ? descStable : desc) : stable ? ascStable : asc;
  // PyTorch leaves a slice whose input stride is 0 (all elements alias one value) unsorted
  const skip = x.dim() > 0 && x._strides[d] === 0;
  for (let r = 0; r < w.rows; r++) {
    for (let j = 0, p = sx[r]; j < n; j++, p += tx) {
      K[j] = X[p];
      V[j] = j;
    }
    if (!skip) stdSort(K, V, 0, n, lt);
    for (let j = 0, pv = sv[r], pi = si[r]; j < n; j++, pv += tv, pi += ti) {
      Vo[pv] = K[j];
      Io[pi] = V[j];
    }
  }
  return [values, indices];
}

export function sort(x: Tensor, ...args: unknown[]): ValuesIndices {
  const o = params<SortOpts>(args, ["dim", "descending", "stable"]);
  const d = wrapDim(o.dim ?? -1, x.dim());
  const [values, indices] = sortKernel(x, d, o.descending ?? false, o.stable ?? false);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    // sort(stable=...) is the sort.stable overload, whose node is SortBackward1
    const node = o.stable === undefined ? "SortBackward0" : "SortBackward1";
    record(values, node, [x], (g) => [selectBackward(g, d, indices, inShape, true)], [indices]);
  }
  return vi(values, indices, "sort");
}

export function argsort(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<SortOpts>(args, ["dim", "descending", "stable"]);
  const d = wrapDim(o.dim ?? -1, x.dim());
  return sortKernel(x, d, o.descending ?? false, o.stable ?? false)[1];
}

export function msort(x: Tensor): Tensor {
  const d = wrapDim(0, x.dim());
  const [values, indices] = sortKernel(x, d, false, false);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(values, "SortBackward0", [x], (g) => [selectBackward(g, d, indices, inShape, true)], [indices]);
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// topk

const topLargest: Less = (a, _va, b) => (a !== a && b === b) || a > b;
const topSmallest: Less = (a, _va, b) => (a === a && b !== b) || a < b;

export function topk(x: Tensor, ...args: unknown[]): ValuesIndices {
  const o = params<{ k: number; dim: number; largest: boolean; sorted: boolean }>(args, ["k", "dim", "largest", "sorted"]);
  const k = o.k!;
  const d = wrapDim(o.dim ?? -1, x.dim());
  const largest = o.largest ?? true, sorted = o.sorted ?? true;
  const n = x.dim() > 0 ? x._shape[d] : 1;
  if (!(k >= 0 && k <= n)) throw new RuntimeError("selected index k out of range");
  if (x.dtype === bool) notImplemented("topk_cpu", bool);
  const shape = x._shape.slice();
  if (shape.length) shape[d] = k;
  const values = empty(shape, x.dtype);
  const indices = empty(shape.slice(), int64);
  if (x.dim() === 0) {
    values._data[0] = x._data[x._offset];
  } else if (k > 0 && values.numel() > 0) {
    const w = sliceWalk(x._shape, d, [x, values, indices]);
    const [sx, sv, si] = w.starts;
    const [tx, tv, ti] = w.innerStrides;
    const X = x._data, Vo = values._data, Io = indices._data;
    const K = new Float64Array(n), V = new Float64Array(n);
    const lt = largest ? topLargest : topSmallest;
    const partial = k * 64 <= n;
    for (let r = 0; r < w.rows; r++) {
      for (let j = 0, p = sx[r]; j < n; j++, p += tx) {
        K[j] = X[p];
        V[j] = j;
      }
      if (partial) partialSort(K, V, 0, k, n, lt);
      else {
        nthElement(K, V, 0, k - 1, n, lt);
        // TopKImpl sorts the first k-1 only: nth_element already put the k-th in place
        if (sorted) stdSort(K, V, 0, k - 1, lt);
      }
      for (let j = 0, pv = sv[r], pi = si[r]; j < k; j++, pv += tv, pi += ti) {
        Vo[pv] = K[j];
        Io[pi] = V[j];
      }
    }
  }
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(values, "TopkBackward0", [x], (g) => [selectBackward(g, d, indices, inShape, true)], [indices]);
  }
  return vi(values, indices, "topk");
}

// ---------------------------------------------------------------------------------------------
// kthvalue / mode / median

const gtOrNan = (a: number, b: number) => (a !== a && b === b) || a > b;

export function kthvalue(x: Tensor, ...args: unknown[]): ValuesIndices {
  const o = params<{ k: number; dim: number; keepdim: boolean }>(args, ["k", "dim", "keepdim"]);
  const k = o.k!, dimArg = o.dim ?? -1;
  const keepdim = o.keepdim ?? false;
  const d = wrapDim(dimArg, x.dim());
  const n = x.dim() === 0 ? 1 : x._shape[d];
  zeroNumelCheck(x, d, dimArg, "kthvalue()");
  if (!(k >= 1 && k <= n)) throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  if (x.dtype === bool) notImplemented("kthvalue_cpu", bool);
  const kshape = x._shape.slice();
  if (kshape.length) kshape[d] = 1;
  const values = empty(kshape, x.dtype), indices = empty(kshape.slice(), int64);
  const w = sliceWalk(x._shape, d, [x, values, indices]);
  const [sx, sv, si] = w.starts;
  const tx = w.innerStrides[0];
  const X = x._data, Vo = values._data, Io = indices._data;
  const K = new Float64Array(n), V = new Float64Array(n);
  for (let r = 0; r < w.rows; r++) {
    for (let j = 0, p = sx[r]; j < n; j++, p += tx) {
      K[j] = X[p];
      V[j] = j;
    }
    quickSelect(K, V, n, k - 1, gtOrNan);
    Vo[sv[r]] = K[k - 1];
    Io[si[r]] = V[k - 1];
  }
  const vals = dropDim(values, d, keepdim), inds = dropDim(indices, d, keepdim);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(vals, "KthvalueBackward0", [x], (g) => [selectBackward(g, d, inds, inShape, keepdim)], [inds]);
  }
  return vi(vals, inds, "kthvalue");
}

const plainLess: Less = (a, _va, b) => a < b;

export function mode(x: Tensor, ...args: unknown[]): ValuesIndices {
  const o = params<{ dim: number; keepdim: boolean }>(args, ["dim", "keepdim"]);
  const dimArg = o.dim ?? -1;
  const keepdim = o.keepdim ?? false;
  const d = wrapDim(dimArg, x.dim());
  zeroNumelCheck(x, d, dimArg, "mode()");
  const n = x.dim() === 0 ? 1 : x._shape[d];
  const kshape = x._shape.slice();
  if (kshape.length) kshape[d] = 1;
  const values = empty(kshape, x.dtype), indices = empty(kshape.slice(), int64);
  const w = sliceWalk(x._shape, d, [x, values, indices]);
  const [sx, sv, si] = w.starts;
  const tx = w.innerStrides[0];
  const X = x._data, Vo = values._data, Io = indices._data;
  const K = new Float64Array(n), V = new Float64Array(n);
  for (let r = 0; r < w.rows; r++) {
    for (let j = 0, p = sx[r]; j < n; j++, p += tx) {
      K[j] = X[p];
      V[j] = j;
    }
    // the kernel sorts (value, index) pairs by value with std::sort and keeps the last
    // element of the first longest run
    stdSort(K, V, 0, n, plainLess);
    let m = 0, mi = 0, freq = 0, best = 0;
    for (let j = 0; j < n; j++) {
      freq++;
      if (j === n - 1 || K[j] !== K[j + 1]) {
        if (freq > best) {
          m = K[j];
          mi = V[j];
          best = freq;
        }
        freq = 0;
      }
    }
    Vo[sv[r]] = m;
    Io[si[r]] = mi;
  }
  const vals = dropDim(values, d, keepdim), inds = dropDim(indices, d, keepdim);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(vals, "ModeBackward0", [x], (g) => [selectBackward(g, d, inds, inShape, keepdim)], [inds]);
  }
  return vi(vals, inds, "mode");
}

/** What a NaN becomes when stored in dtype (C++ float -> integer conversion on x86-64). */
function nanAs(dt: DType): number {
  if (dt.kind === "f") return NaN;
  if (dt === int64) return -(2 ** 63);
  if (dt === int32) return -(2 ** 31);
  return 0;
}

const medianLess: Less = (a, va, b, vb) => a < b || (a === b && va < vb);

export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function median(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  const o = params<{ dim: number; keepdim: boolean }>(args, ["dim", "keepdim"]);
  if (o.dim === undefined || o.dim === null) return medianAll(x);
  const dimArg = o.dim, keepdim = o.keepdim ?? false;
  const d = wrapDim(dimArg, x.dim());
  zeroNumelCheck(x, d, dimArg, "median()");
  if (x.dtype === bool) notImplemented("median_out", bool);
  const n = x.dim() === 0 ? 1 : x._shape[d];
  const kshape = x._shape.slice();
  if (kshape.length) kshape[d] = 1;
  const values = empty(kshape, x.dtype), indices = empty(kshape.slice(), int64);
  const w = sliceWalk(x._shape, d, [x, values, indices]);
  const [sx, sv, si] = w.starts;
  const tx = w.innerStrides[0];
  const X = x._data, Vo = values._data, Io = indices._data;
  const K = new Float64Array(n), V = new Float64Array(n);
  const mid = Math.floor((n - 1) / 2);
  for (let r = 0; r < w.rows; r++) {
    let nanAt = -1;
    for (let j = 0, p = sx[r]; j < n; j++, p += tx) {
      const v = X[p];
      if (v !== v && nanAt < 0) nanAt = j;
      K[j] = v;
      V[j] = j;
    }
    if (nanAt >= 0) {
      // torch.median propagates the first NaN of the slice
      Vo[sv[r]] = NaN;
      Io[si[r]] = nanAt;
      continue;
    }
    // ties are broken by index, so the lower median is the same element whatever the algorithm
    nthElement(K, V, 0, mid, n, medianLess);
    Vo[sv[r]] = K[mid];
    Io[si[r]] = V[mid];
  }
  const vals = dropDim(values, d, keepdim), inds = dropDim(indices, d, keepdim);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(vals, "MedianBackward1", [x], (g) => [selectBackward(g, d, inds, inShape, keepdim)], [inds]);
  }
  return vi(vals, inds, "median");
}

function medianAll(x: Tensor): Tensor {
  if (x.dtype === bool) notImplemented("median_cpu", bool);
  const out = empty([], x.dtype);
  const n = x.numel();
  if (n === 0) out._data[0] = nanAs(x.dtype);
  else {
    const vals = x._values();
    const K = new Float64Array(n), V = new Float64Array(n);
    let nan = false;
    for (let i = 0; i < n; i++) {
      K[i] = vals[i];
      if (K[i] !== K[i]) nan = true;
    }
    if (nan) out._data[0] = NaN;
    else {
      const mid = Math.floor((n - 1) / 2);
      nthElement(K, V, 0, mid, n, plainLess);
      out._data[0] = K[mid];
    }
  }
  if (needsGrad(x)) {
    record(out, "MedianBackward0", [x], (g) => {
      // evenly_distribute_backward: the gradient is shared by every element equal to the median
      const mask = out.isnan().item() ? x.isnan() : x.eq(out);
      return [where(mask, g.div(mask.sum()), zerosOf([], g.dtype))];
    }, [x, out]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// unique

// libstdc++'s __prime_list (bucket counts of unordered containers), up to 2^32
const PRIMES = [
  2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103, 109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709, 761, 823, 887, 953, 1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029, 2179, 2357, 2549, 2753, 2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273, 11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267, 28411, 30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817, 78779, 85229, 92203, 99733, 107897, 116731, 126271, 136607, 147793, 159871, 172933, 187091, 202409, 218971, 236897, 256279, 277261, 299951, 324503, 351061, 379787, 410857, 444487, 480881, 520241, 562841, 608903, 658753, 712697, 771049, 834181, 902483, 976369, 1056323, 1142821, 1236397, 1337629, 1447153, 1565659, 1693859, 1832561, 1982627, 2144977, 2320627, 2510653, 2716249, 2938679, 3179303, 3439651, 3721303, 4026031, 4355707, 4712381, 5098259, 5515729, 5967347, 6456007, 6984629, 7556579, 8175383, 8844859, 9569143, 10352717, 11200489, 12117689, 13109983, 14183539, 15345007, 16601593, 17961079, 19431899, 21023161, 22744717, 24607243, 26622317, 28802401, 31160981, 33712729, 36473443, 39460231, 42691603, 46187573, 49969847, 54061849, 58488943, 63278561, 68460391, 74066549, 80131819, 86693767, 93793069, 101473717, 109783337, 118773397, 128499677, 139022417, 150406843, 162723577, 176048909, 190465427, 206062531, 222936881, 241193053, 260944219, 282312799, 305431229, 330442829, 357502601, 386778277, 418451333, 452718089, 489790921, 529899637, 573292817, 620239453, 671030513, 725980837, 785430967, 849749479, 919334987, 994618837, 1076067617, 1164186217, 1259520799, 1362662261, 1474249943, 1594975441, 1725587117, 1866894511, 2019773507, 2185171673, 2364114217, 2557710269, 2767159799, 2993761039, 3238918481, 3504151727, 3791104843, 4101556399, 4294967291,
];
const FAST_BKT = [2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13];

const M64 = (1n << 64n) - 1n;
const MUL = (0xc6a4a793n << 32n) + 0x5bd1e995n;
const shiftMix = (v: bigint) => v ^ (v >> 47n);

/** libstdc++'s _Hash_bytes (64-bit) of the little-endian bytes, seed 0xc70f6907: std::hash<float/double>. */
function hashBytes(bytes: Uint8Array): bigint {
  const n = bytes.length;
  const aligned = n & ~7;
  let h = (0xc70f6907n ^ BigInt(n) * MUL) & M64;
  const load = (from: number, len: number) => {
    let r = 0n;
    for (let i = len - 1; i >= 0; i--) r = (r << 8n) + BigInt(bytes[from + i]);
    return r;
  };
  for (let p = 0; p < aligned; p += 8) {
    const data = (shiftMix((load(p, 8) * MUL) & M64) * MUL) & M64;
    h = ((h ^ data) * MUL) & M64;
  }
  if (n & 7) h = ((h ^ load(aligned, n & 7)) * MUL) & M64;
  h = (shiftMix(h) * MUL) & M64;
  return shiftMix(h);
}

/** Bucket index of a value's std::hash modulo a bucket count. Integers hash to themselves
 * (negative ones as 2^64 + v); floats hash their bytes, except that +-0 hash to 0. */
function bucketFn(dt: DType): (v: number, nb: number) => number {
  if (dt.kind !== "f") {
    const mod64 = new Map<number, number>();
    return (v, nb) => {
      if (v >= 0) return v % nb;
      let r = mod64.get(nb);
      if (r === undefined) mod64.set(nb, (r = Number((1n << 64n) % BigInt(nb))));
      const t = (r + (v % nb)) % nb;
      return t < 0 ? t + nb : t;
    };
  }
  const buf = dt === float32 ? new Float32Array(1) : new Float64Array(1);
  const bytes = new Uint8Array(buf.buffer);
  const cache = new Map<number, bigint>();
  return (v, nb) => {
    if (v === 0) return 0;
    let h = cache.get(v);
    if (h === undefined || v !== v) {
      buf[0] = v;
      h = hashBytes(bytes);
      if (v === v) cache.set(v, h);
    }
    return Number(h % BigInt(nb));
  };
}

/** Insertion order -> iteration order of a libstdc++ (GCC 12) std::unordered_set built by
 * inserting `vals` one by one (what unique_cpu_template does): a singly linked node list,
 * new buckets go to the front, a new node goes first in its bucket, prime bucket counts. */
function unorderedSetOrder(vals: ArrayLike<number>, dt: DType): number[] {
  const bucketOf = bucketFn(dt);
  const nodeVal: number[] = [];
  const next: number[] = [];
  const BB = -2; // _M_before_begin
  let head = -1;
  let nb = 1;
  let buckets: Int32Array = new Int32Array(1).fill(-1);
  let nextResize = 0;
  const nextBkt = (n: number): number => {
    if (n < FAST_BKT.length) {
      nextResize = FAST_BKT[n];
      return FAST_BKT[n];
    }
    let lo = 6, hi = PRIMES.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (PRIMES[mid] < n) lo = mid + 1;
      else hi = mid;
    }
    nextResize = PRIMES[lo];
    return PRIMES[lo];
  };
  const rehash = (n: number) => {
    const nbk = new Int32Array(n).fill(-1);
    let p = head;
    head = -1;
    let bbegin = 0;
    while (p !== -1) {
      const nx = next[p];
      const b = bucketOf(nodeVal[p], n);
      if (nbk[b] === -1) {
        next[p] = head;
        head = p;
        nbk[b] = BB;
        if (next[p] !== -1) nbk[bbegin] = p;
        bbegin = b;
      } else {
        const q = nbk[b];
        if (q === BB) {
          next[p] = head;
          head = p;
        } else {
          next[p] = next[q];
          next[q] = p;
        }
      }
      p = nx;
    }
    buckets = nbk;
    nb = n;
  };
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    let b = bucketOf(v, nb);
    const before = buckets[b];
    let found = false;
    if (before !== -1) {
      for (let p = before === BB ? head : next[before]; p !== -1; ) {
        if (nodeVal[p] === v) {
          found = true;
          break;
        }
        const q = next[p];
        if (q === -1 || bucketOf(nodeVal[q], nb) !== b) break;
        p = q;
      }
    }
    if (found) continue;
    const count = nodeVal.length;
    if (count + 1 > nextResize) {
      const minBkts = Math.max(count + 1, nextResize ? 0 : 11);
      if (minBkts >= nb) rehash(nextBkt(Math.max(minBkts + 1, nb * 2)));
      else nextResize = nb;
      b = bucketOf(v, nb);
    }
    const node = count;
    nodeVal.push(v);
    next.push(-1);
    const bb = buckets[b];
    if (bb !== -1) {
      if (bb === BB) {
        next[node] = head;
        head = node;
      } else {
        next[node] = next[bb];
        next[bb] = node;
      }
    } else {
      next[node] = head;
      head = node;
      if (next[node] !== -1) buckets[bucketOf(nodeVal[next[node]], nb)] = node;
      buckets[b] = BB;
    }
  }
  const order: number[] = [];
  for (let p = head; p !== -1; p = next[p]) order.push(nodeVal[p]);
  return order;
}

type UniqueOpts = {
  sorted: boolean;
  return_inverse: boolean;
  return_counts: boolean;
  dim: number | null;
};

/** torch.unique: the unique values, or [values, inverse?, counts?] when either flag is set. */
export function unique(x: Tensor, opts?: { sorted?: boolean; return_inverse?: false; return_counts?: false; dim?: number | null }): Tensor;
export function unique(x: Tensor, ...args: unknown[]): Tensor | Tensor[];
export function unique(x: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  const o = params<UniqueOpts>(args, ["sorted", "return_inverse", "return_counts", "dim"]);
  const sorted = o.sorted ?? true;
  const wantInv = o.return_inverse ?? false, wantCounts = o.return_counts ?? false;
  let out: Tensor, inverse: Tensor, counts: Tensor;
  if (o.dim !== undefined && o.dim !== null) [out, inverse, counts] = uniqueDim(x, wantInv || wantCounts, o.dim);
  else [out, inverse, counts] = unique2(x, sorted, wantInv, wantCounts);
  if (needsGrad(x)) {
    const name = o.dim !== undefined && o.dim !== null ? "unique_dim" : "_unique2";
    record(out, o.dim !== undefined && o.dim !== null ? "UniqueDimBackward0" : "Unique2Backward0", [x], () => {
      throw new NotImplementedError(`the derivative for '${name}' is not implemented.`);
    });
  }
  if (!wantInv && !wantCounts) return out;
  const r = [out];
  if (wantInv) r.push(inverse);
  if (wantCounts) r.push(counts);
  return r;
}

function unique2(x: Tensor, sorted: boolean, wantInv: boolean, wantCounts: boolean): [Tensor, Tensor, Tensor] {
  const vals = x._values();
  const n = vals.length;
  let hasNan = false;
  if (x.dtype.kind === "f") for (let i = 0; i < n; i++) if (vals[i] !== vals[i]) hasNan = true;
  let uniq: Float64Array;
  // bool inputs take a counting path that always lists False before True
  if (x.dtype === bool) sorted = true;
  if (!sorted || hasNan) {
    uniq = Float64Array.from(unorderedSetOrder(vals, x.dtype));
    if (sorted) stdSort(uniq, new Float64Array(uniq.length), 0, uniq.length, plainLess);
  } else {
    const s = Float64Array.from(vals).sort();
    let m = 0;
    for (let i = 0; i < n; i++) if (i === 0 || s[i] !== s[m - 1]) s[m++] = s[i];
    uniq = s.slice(0, m);
    // the set keeps whichever of 0.0 / -0.0 was inserted first
    for (let i = 0; i < n; i++)
      if (vals[i] === 0) {
        const z = vals[i];
        for (let j = 0; j < m; j++) if (uniq[j] === 0) uniq[j] = z;
        break;
      }
  }
  const out = empty([uniq.length], x.dtype);
  out._data.set(uniq);
  const inverse = empty(wantInv || wantCounts ? x._shape.slice() : [0], int64);
  const counts = empty(wantCounts ? [uniq.length] : [0], int64);
  if (wantInv || wantCounts) {
    // unordered_map lookups: NaN never finds itself, so operator[] inserts a fresh 0 for it
    const pos = new Map<number, number>();
    for (let i = 0; i < uniq.length; i++) if (uniq[i] === uniq[i]) pos.set(uniq[i], i);
    const I = inverse._data;
    for (let i = 0; i < n; i++) I[i] = vals[i] === vals[i] ? pos.get(vals[i])! : 0;
    if (wantCounts) {
      const C = counts._data;
      for (let i = 0; i < n; i++) if (vals[i] === vals[i]) C[I[i]]++;
    }
  }
  return [out, inverse, counts];
}

function uniqueDim(x: Tensor, wantInvOrCounts: boolean, dim: number): [Tensor, Tensor, Tensor] {
  const d = wrapDim(dim, x.dim());
  const moved = plainCopy(x.movedim(d, 0));
  const rows = x._shape[d];
  const len = rows === 0 ? 0 : moved.numel() / rows;
  const D = moved._data;
  // lexicographic order of the slices; equal slices collapse, so the tie order does not matter
  const order = Array.from({ length: rows }, (_, i) => i);
  const cmp = (a: number, b: number) => {
    for (let i = 0; i < len; i++) {
      const l = D[a * len + i], r = D[b * len + i];
      if (l < r) return -1;
      if (l > r) return 1;
    }
    return 0;
  };
  order.sort((a, b) => cmp(a, b) || a - b);
  const keep: number[] = [];
  const inverse = empty([rows], int64);
  const counts = empty([rows], int64);
  for (let i = 0; i < rows; i++) {
    if (i === 0 || cmp(order[i], keep[keep.length - 1]) !== 0) keep.push(order[i]);
    inverse._data[order[i]] = keep.length - 1;
    counts._data[keep.length - 1]++;
  }
  const shape = moved._shape.slice();
  shape[0] = keep.length;
  const outMoved = empty(shape, x.dtype);
  for (let i = 0; i < keep.length; i++) outMoved._data.set(D.subarray(keep[i] * len, (keep[i] + 1) * len), i * len);
  const out = plainCopy(outMoved.movedim(0, d));
  void wantInvOrCounts;
  return [out, inverse, new Tensor(counts._storage, [keep.length], [1], 0, int64)];
}

// ---------------------------------------------------------------------------------------------
// bincount / searchsorted / histc

export function bincount(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ weights: Tensor | null; minlength: number }>(args, ["weights", "minlength"]);
  const weights = o.weights ?? null;
  const minlength = o.minlength ?? 0;
  if (x.dtype.kind !== "i") notImplemented("bincount_cpu", x.dtype);
  if (minlength < 0) throw new RuntimeError("minlength should be >= 0");
  if (x.dim() === 1 && x.numel() === 0) return empty([minlength], int64);
  const vals = x._values();
  let mn = Infinity, mx = -Infinity;
  for (let i = 0; i < vals.length; i++) {
    if (vals[i] < mn) mn = vals[i];
    if (vals[i] > mx) mx = vals[i];
  }
  if (x.dim() !== 1 || mn < 0) throw new RuntimeError("bincount only supports 1-d non-negative integral inputs.");
  if (weights && (weights.dim() !== 1 || weights._shape[0] !== x._shape[0]))
    throw new RuntimeError("weights should be 1-d and have the same length as input");
  const nbins = Math.max(mx + 1, minlength);
  if (!weights) {
    const out = empty([nbins], int64);
    const O = out._data;
    for (let i = 0; i < vals.length; i++) O[vals[i]]++;
    return out;
  }
  // float weights accumulate in float, everything else in double
  const wdt = weights.dtype === float32 ? float32 : float64;
  const out = empty([nbins], wdt);
  const W = weights._values(), O = out._data;
  for (let i = 0; i < vals.length; i++) O[vals[i]] += W[i];
  // bincount has no derivative formula: autograd's fallback node raises on backward
  record(out, "torch::autograd::NotImplemented", [weights], () => {
    throw new RuntimeError("derivative for aten::bincount is not implemented");
  });
  return out;
}

type SearchOpts = {
  out_int32: boolean;
  right: boolean;
  side: string | null;
  sorter: Tensor | null;
};

export function searchsorted(sortedSequence: Tensor, input: TensorLike, ...args: unknown[]): Tensor {
  const o = params<SearchOpts>(args, []);
  const side = o.side ?? null;
  const rightArg = o.right ?? false;
  if (side !== null) {
    if (side !== "left" && side !== "right")
      throw new RuntimeError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${side}`);
    if (rightArg && side !== "right")
      throw new RuntimeError(`torch.searchsorted(): side and right can't be set to opposites, got side of ${side} while right was True`);
  }
  const right = side !== null ? side === "right" : rightArg;
  const bd = sortedSequence;
  const inp = wrap(input);
  const sorter = o.sorter ?? null;
  if (sorter) {
    if (sorter.dim() !== bd.dim() || sorter._shape.some((s, i) => s !== bd._shape[i]))
      throw new RuntimeError(
        `torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor [${bd._shape.join(", ")}]and got sorter tensor [${sorter._shape.join(", ")}]`,
      );
    if (sorter.dtype !== int64)
      throw new RuntimeError(`torch.searchsorted(): sorter must be a tensor of long dtype but got dtype ${typeName(sorter.dtype)}`);
  }
  if (bd.dim() === 0)
    throw new RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
  if (!(inp.dim() > 0 || (inp.numel() === 1 && bd.dim() === 1)))
    throw new RuntimeError(
      `torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${bd.dim()}) and input value's dim(${inp.dim()}) numel(${inp.numel()})`,
    );
  if (bd.dim() !== 1 && (bd.dim() !== inp.dim() || bd._shape.slice(0, -1).some((s, i) => s !== inp._shape[i])))
    throw new RuntimeError(
      `torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${bd._shape.join(", ")}] and input value tensor [${inp._shape.join(", ")}]`,
    );
  const out = empty(inp._shape.slice(), o.out_int32 ? int32 : int64);
  const n = inp.numel();
  if (n === 0) return out;
  // mixed dtypes compare in the promoted type
  const common = resultType(bd, inp);
  const B = toVals(bd, common), X = toVals(inp, common);
  const S = sorter ? sorter._values() : null;
  const inner = inp.dim() === 0 ? 1 : inp._shape[inp.dim() - 1];
  const bdLen = bd._shape[bd.dim() - 1];
  const oneD = bd.dim() === 1;
  const O = out._data;
  for (let i = 0; i < n; i++) {
    const start = oneD ? 0 : Math.floor(i / inner) * bdLen;
    let lo = start, hi = start + bdLen;
    const v = X[i];
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      const m = S ? B[S[mid] + start] : B[mid];
      if (right ? !(m > v) : !(m >= v)) lo = mid + 1;
      else hi = mid;
    }
    O[i] = lo - start;
  }
  return out;
}

function toVals(t: Tensor, dt: DType): ArrayLike<number> {
  return (t.dtype === dt ? t : t.to(dt))._values();
}

export function histc(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ bins: number; min: number; max: number }>(args, ["bins", "min", "max"]);
  const bins = o.bins ?? 100;
  if (bins <= 0) throw new RuntimeError(`torch.histogram(): bins must be > 0, but got ${bins} for dimension 0`);
  let lo = o.min ?? 0, hi = o.max ?? 0;
  const vals = x._values();
  const n = vals.length;
  let fromData = false;
  if (lo === hi && n > 0) {
    // aminmax: NaN propagates
    let mn = Infinity, mx = -Infinity, nan = false;
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v !== v) nan = true;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    lo = nan ? NaN : mn;
    hi = nan ? NaN : mx;
    fromData = true;
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new RuntimeError(`torch.histc: range of [${cppDouble(lo, fromData ? "-" : "")}, ${cppDouble(hi, fromData ? "-" : "")}] is not finite`);
  if (!(lo < hi)) throw new RuntimeError("torch.histc: max must be larger than min");
  if (x.dtype.kind !== "f") notImplemented("histogram_cpu", x.dtype);
  const f32 = x.dtype === float32;
  const r = f32 ? Math.fround : (v: number) => v;
  // bin edges: linspace(lo, hi, bins + 1) in the input dtype
  const steps = bins + 1;
  const start = r(lo), end = r(hi);
  const step = r((end - start) / (steps - 1));
  const half = Math.floor(steps / 2);
  const edges = new Float64Array(steps);
  for (let i = 0; i < steps; i++) edges[i] = i < half ? r(start + step * i) : r(end - step * (steps - i - 1));
  const L = edges[0], R = edges[steps - 1];
  const width = r(R - L);
  const out = empty([bins], x.dtype);
  const O = out._data;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v < L || R < v) continue;
    if (v !== v) {
      // torch 1.13 does not skip NaN (its range test is false for NaN) and the NaN -> int64
      // conversion lands it in the first bin
      O[0] += 1;
      continue;
    }
    let pos = Math.trunc(r(r(r(v - L) * bins) / width));
    // local search among the neighbouring edges corrects elements that the division put
    // one bin off: upper_bound(edges[pos-1 .. pos+2), v) - 1
    let a = Math.max(0, pos - 1);
    const b = Math.min(pos + 2, steps);
    while (a < b && !(v < edges[a])) a++;
    pos = a - 1;
    if (pos === steps - 1) pos -= 1;
    O[pos] += 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tensor methods

type A = unknown[];
declare module "../tensor.js" {
  interface Tensor {
    sort(dim?: number | { dim?: number; descending?: boolean; stable?: boolean }, descending?: boolean, opts?: { stable?: boolean }): ValuesIndices;
    argsort(dim?: number | { dim?: number; descending?: boolean; stable?: boolean }, descending?: boolean, opts?: { stable?: boolean }): Tensor;
    msort(): Tensor;
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices;
    topk(k: number, opts: { dim?: number; largest?: boolean; sorted?: boolean }): ValuesIndices;
    kthvalue(k: number, dim?: number, keepdim?: boolean): ValuesIndices;
    kthvalue(k: number, opts: { dim?: number; keepdim?: boolean }): ValuesIndices;
    mode(dim?: number | { dim?: number; keepdim?: boolean }, keepdim?: boolean): ValuesIndices;
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
    median(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
    unique(opts?: { sorted?: boolean; return_inverse?: false; return_counts?: false; dim?: number | null }): Tensor;
    unique(...args: (boolean | number | null | Partial<UniqueOpts>)[]): Tensor | Tensor[];
    bincount(weights?: Tensor | null | { weights?: Tensor | null; minlength?: number }, minlength?: number): Tensor;
    histc(bins?: number | { bins?: number; min?: number; max?: number }, min?: number, max?: number): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (x: Tensor, ...a: A) => unknown) =>
    function (this: Tensor, ...a: A) {
      return f(this, ...a);
    };
  Object.assign(P, {
    sort: m(sort), argsort: m(argsort), msort: m(msort), topk: m(topk), kthvalue: m(kthvalue), mode: m(mode),
    median: m(median as (x: Tensor, ...a: A) => unknown), unique: m(unique), bincount: m(bincount), histc: m(histc),
  });
}
