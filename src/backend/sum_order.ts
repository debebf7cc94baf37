// Float sums in PyTorch's exact accumulation order, so printed sums agree bit for bit.
//
// This ports the CPU path of torch.sum / torch.nansum (ATen native/cpu/SumKernel.cpp, same
// algorithm in v1.13 and current main) together with the parts of TensorIterator that decide
// which elements meet in which accumulator:
//   * TensorIteratorBase::reorder_dimensions (reduced dims first, then by input stride) and
//     coalesce_dimensions;
//   * serial_for_each / DimCounter, which cut the iteration into 2-D blocks (size0, size1);
//   * parallel_reduce (TensorIteratorReduce.cpp): inputs of >= 32768 elements are split
//     between threads when more than one is set, which changes the bits of full reductions;
//   * cascade_sum's four block kernels: vectorized inner (contiguous reduced dim),
//     vectorized outer (contiguous kept dim: "vertical" sums), scalar inner, scalar outer,
//     all built on multi_row_sum's 4-level cascade and row_sum's 4-way interleaving.
// Vectorized<float> has 8 lanes and Vectorized<double> 4: AVX2 and the generic fallback both
// use 32-byte vectors, and torch 2.x runs the AVX2 kernel on AVX-512 machines (its sum stub is
// not registered for AVX-512). Only torch 1.13 forced to ATEN_CPU_CAPABILITY=avx512 differs.
//
// Accumulation is in the output dtype (acc_type<float, /*is_cuda=*/true> = float): a float32
// sum is a float32 cascade, never a double one. Scratch accumulators are typed arrays of that
// dtype, so every `+=` into them rounds exactly like the C++ code.
import type { DType, TypedArray } from "../dtype.js";

const GRAIN_SIZE = 32768; // at::internal::GRAIN_SIZE
const NUM_LEVELS = 4; // multi_row_sum
const LEVEL_STRIDE = 32; // scratch slots per level: up to 4 rows x 8 lanes

let numThreads = 1;

/**
 * The intra-op thread count PyTorch would run with (torch.set_num_threads). Only reductions of
 * at least 32768 input elements depend on it. Default 1: Debian's torch 1.13 (the reference)
 * starts with one thread on the reference machine; torch 2.x starts with one per core.
 */
export function setReductionThreads(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`setReductionThreads: bad count ${n}`);
  numThreads = n;
}
export function getReductionThreads(): number {
  return numThreads;
}

const ACC32 = new Float32Array(NUM_LEVELS * LEVEL_STRIDE);
const ACC64 = new Float64Array(NUM_LEVELS * LEVEL_STRIDE);
type Acc = Float32Array | Float64Array;

function ceilLog2(x: number): number {
  // c10 utils::CeilLog2: 1 for x <= 2 (also for 0 and 1)
  if (x <= 2) return 1;
  return x - 1 < 2 ** 32 ? 32 - Math.clz32(x - 1) : Math.ceil(Math.log2(x));
}

/**
 * multi_row_sum: `nrows` groups of `w` lanes (w = 1: scalars, w > 1: one vector load of w
 * contiguous elements); lane (k, l) of row i reads X[base + i*rowStride + k*colStride + l].
 * Leaves the sums in A[k*w + l].
 *
 * Levels above the highest one reached are still zero in the C++ code; they are neither cleared
 * nor added here. That is exact: an accumulator that starts at +0 can never hold -0, so adding
 * a zero level or assigning into one changes no bit.
 */
function multiRowSum(
  A: Acc, X: TypedArray, base: number, rowStride: number, colStride: number,
  size: number, nrows: number, w: number, nan: boolean,
): void {
  const lanes = nrows * w;
  for (let q = 0; q < lanes; q++) A[q] = 0;
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / NUM_LEVELS));
  const levelStep = 2 ** levelPower;
  let top = 0; // highest level written so far
  let i = 0;
  for (; i + levelStep <= size; ) {
    for (let j = 0; j < levelStep; ++j, ++i) {
      const rb = base + i * rowStride;
      for (let k = 0; k < nrows; k++) {
        const cb = rb + k * colStride;
        const ak = k * w;
        for (let l = 0; l < w; l++) {
          const v = X[cb + l];
          A[ak + l] += nan && v !== v ? 0 : v;
        }
      }
    }
    for (let j = 1; j < NUM_LEVELS; j++) {
      const o = j * LEVEL_STRIDE;
      const p = o - LEVEL_STRIDE;
      if (j > top) {
        for (let q = 0; q < lanes; q++) {
          A[o + q] = A[p + q];
          A[p + q] = 0;
        }
        top = j;
      } else {
        for (let q = 0; q < lanes; q++) {
          A[o + q] += A[p + q];
          A[p + q] = 0;
        }
      }
      // (i & (level_mask << (j * level_power))) != 0, without 32-bit shift overflow
      if (Math.floor(i / 2 ** (j * levelPower)) % levelStep !== 0) break;
    }
  }
  for (; i < size; ++i) {
    const rb = base + i * rowStride;
    for (let k = 0; k < nrows; k++) {
      const cb = rb + k * colStride;
      const ak = k * w;
      for (let l = 0; l < w; l++) {
        const v = X[cb + l];
        A[ak + l] += nan && v !== v ? 0 : v;
      }
    }
  }
  for (let j = 1; j <= top; j++) {
    const o = j * LEVEL_STRIDE;
    for (let q = 0; q < lanes; q++) A[q] += A[o + q];
  }
}

/** row_sum: 4 interleaved partial sums over `size` loads `stride` apart; result in A[0..w). */
function rowSum(A: Acc, X: TypedArray, base: number, stride: number, size: number, w: number, nan: boolean): void {
  const sizeIlp = Math.floor(size / 4);
  if (sizeIlp > 0) multiRowSum(A, X, base, stride * 4, stride, sizeIlp, 4, w, nan);
  else for (let l = 0; l < w; l++) A[l] = 0; // the other partials stay zero: adding them is a no-op
  for (let i = sizeIlp * 4; i < size; i++) {
    const b = base + i * stride;
    for (let l = 0; l < w; l++) {
      const v = X[b + l];
      A[l] += nan && v !== v ? 0 : v;
    }
  }
  if (sizeIlp > 0) {
    for (let k = 1; k < 4; k++) {
      const o = k * w;
      for (let l = 0; l < w; l++) A[l] += A[o + l];
    }
  }
}

interface Ctx {
  X: TypedArray;
  O: TypedArray;
  A: Acc;
  W: number; // lanes of Vectorized<acc_t>
  f32: boolean;
  nan: boolean;
}

// one context per accumulation dtype, refilled by every call (sums never nest)
const CTX32: Ctx = { X: ACC32, O: ACC32, A: ACC32, W: 8, f32: true, nan: false };
const CTX64: Ctx = { X: ACC64, O: ACC64, A: ACC64, W: 4, f32: false, nan: false };

/** cascade_sum's loop body for one 2-D block. Strides in elements; output accumulates (+=). */
function loop2d(
  c: Ctx, inBase: number, outBase: number,
  inS0: number, outS0: number, inS1: number, outS1: number, size0: number, size1: number,
): void {
  const { X, O, A, W, f32, nan } = c;
  if (outS0 !== 0 && outS1 === 0) {
    // move the reduction to the first dim
    let t = inS0; inS0 = inS1; inS1 = t;
    t = outS0; outS0 = outS1; outS1 = t;
    t = size0; size0 = size1; size1 = t;
  }
  if (outS0 !== 0 && outS1 !== 0) {
    // nothing reduced in this block: out = out + in
    for (let j = 0; j < size1; j++) {
      for (let i = 0; i < size0; i++) {
        const o = outBase + j * outS1 + i * outS0;
        const v = X[inBase + j * inS1 + i * inS0];
        O[o] += nan && v !== v ? 0 : v;
      }
    }
    return;
  }
  const outStride = outS1;
  if (inS0 === 1 && size0 >= W) {
    // vectorized_inner_sum: contiguous reduced dim
    const vecSize = Math.floor(size0 / W);
    const tail0 = vecSize * W;
    for (let j = 0; j < size1; j++) {
      const row = inBase + j * inS1;
      rowSum(A, X, row, W, vecSize, W, nan);
      let acc = 0;
      for (let k = tail0; k < size0; k++) {
        let v = X[row + k];
        if (nan && v !== v) v = 0;
        acc = f32 ? Math.fround(acc + v) : acc + v;
      }
      for (let l = 0; l < W; l++) acc = f32 ? Math.fround(acc + A[l]) : acc + A[l];
      O[outBase + j * outStride] += acc;
    }
  } else if (inS1 === 1 && size1 >= W) {
    // vectorized_outer_sum: contiguous kept dim, each column summed down the reduced dim
    const group = 4 * W;
    let j = 0;
    for (; j + group <= size1; j += group) {
      multiRowSum(A, X, inBase + j, inS0, W, size0, 4, W, nan);
      for (let q = 0; q < group; q++) O[outBase + (j + q) * outStride] += A[q];
    }
    for (; j + W <= size1; j += W) {
      rowSum(A, X, inBase + j, inS0, size0, W, nan);
      for (let q = 0; q < W; q++) O[outBase + (j + q) * outStride] += A[q];
    }
    for (; j < size1; j++) {
      rowSum(A, X, inBase + j, inS0, size0, 1, nan);
      O[outBase + j * outStride] += A[0];
    }
  } else if (inS0 < inS1) {
    // scalar_inner_sum
    for (let j = 0; j < size1; j++) {
      rowSum(A, X, inBase + j * inS1, inS0, size0, 1, nan);
      O[outBase + j * outStride] += A[0];
    }
  } else {
    // scalar_outer_sum: four columns at a time
    let j = 0;
    for (; j + 3 < size1; j += 4) {
      multiRowSum(A, X, inBase + j * inS1, inS0, inS1, size0, 4, 1, nan);
      for (let k = 0; k < 4; k++) O[outBase + (j + k) * outStride] += A[k];
    }
    for (; j < size1; j++) {
      rowSum(A, X, inBase + j * inS1, inS0, size0, 1, nan);
      O[outBase + j * outStride] += A[0];
    }
  }
}

/** serial_for_each over the linear range [begin, end) of an iteration space. */
function serialForEach(
  c: Ctx, size: number[], sIn: number[], sOut: number[], inBase: number, outBase: number,
  begin: number, end: number,
): void {
  const nd = size.length;
  if (nd <= 1) {
    const si = nd ? sIn[0] : 0;
    const so = nd ? sOut[0] : 0;
    loop2d(c, inBase + begin * si, outBase + begin * so, si, so, 0, 0, end - begin, 1);
    return;
  }
  // DimCounter
  const values = new Array<number>(nd);
  let lin = begin;
  for (let d = 0; d < nd; d++) {
    values[d] = lin % size[d];
    lin = Math.floor(lin / size[d]);
  }
  let offset = begin;
  while (offset < end) {
    let pi = inBase;
    let po = outBase;
    for (let d = 0; d < nd; d++) {
      pi += values[d] * sIn[d];
      po += values[d] * sOut[d];
    }
    const step0 = Math.min(size[0] - values[0], end - offset);
    let step1 = 1;
    if (step0 === size[0]) step1 = Math.min(size[1] - values[1], Math.floor((end - offset) / size[0]));
    loop2d(c, pi, po, sIn[0], sOut[0], sIn[1], sOut[1], step0, step1);
    offset += step0 * step1;
    let overflow = step0;
    let d = 0;
    if (step1 !== 1) {
      d = 1;
      overflow = step1;
    }
    for (; d < nd && overflow > 0; d++) {
      let v = values[d] + overflow;
      if (v >= size[d]) {
        overflow = 1;
        v -= size[d];
      } else overflow = 0;
      values[d] = v;
    }
  }
}

/** reorder_dimensions' should_swap: 1 if dim a goes after b, -1 before, 0 ambiguous. */
function shouldSwap(a: number, b: number, shape: readonly number[], sIn: readonly number[], sOut: readonly number[]): number {
  // operand 0, the output: reduced dims (stride 0) go first
  let s0 = sOut[a];
  let s1 = sOut[b];
  if ((s0 === 0) !== (s1 === 0)) return s1 === 0 ? 1 : -1;
  if (s0 !== 0 && s1 !== 0) {
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    if (shape[a] > shape[b]) return 1;
  }
  // operand 1, the input
  s0 = sIn[a];
  s1 = sIn[b];
  if (s0 !== 0 && s1 !== 0) {
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    if (shape[a] > shape[b]) return 1;
  }
  return 0;
}

/** TensorIterator's dim order for a reduction: the dims of `perm` (fastest first), sorted in place. */
function reorder(perm: number[], shape: readonly number[], sIn: readonly number[], sOut: readonly number[]): void {
  // perm arrives as n-1, ..., 0; insertion sort that tolerates ambiguous comparisons
  const n = perm.length;
  for (let i = 1; i < n; i++) {
    let d1 = i;
    for (let d0 = i - 1; d0 >= 0; d0--) {
      const cmp = shouldSwap(perm[d0], perm[d1], shape, sIn, sOut);
      if (cmp > 0) {
        const t = perm[d0];
        perm[d0] = perm[d1];
        perm[d1] = t;
        d1 = d0;
      } else if (cmp < 0) break;
    }
  }
}

/** parallel_reduce's find_split_dim */
function findSplitDim(size: number[], sOut: number[], threads: number): number {
  let best = size.length - 1;
  for (let d = best; d >= 0 && sOut[d] !== 0; d--) {
    if (size[d] >= threads) return d;
    if (size[d] > size[best]) best = d;
  }
  return best;
}

function isDense(shape: readonly number[], strides: readonly number[]): boolean {
  // is_non_overlapping_and_dense, for positive strides
  const idx: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) idx.push(d);
  idx.sort((a, b) => strides[a] - strides[b] || shape[a] - shape[b]);
  let expect = 1;
  for (const d of idx) {
    if (strides[d] !== expect) return false;
    expect *= shape[d];
  }
  return true;
}

/**
 * `self.to(out dtype)` ahead of the kernel when the dtypes differ: the values are rounded to
 * the accumulation dtype, and a non-dense input becomes contiguous (PyTorch's preserve format),
 * which changes the iteration order.
 */
function convertInput(
  X: TypedArray, xOff: number, shape: readonly number[], strides: readonly number[], out: DType,
): { X: TypedArray; off: number; strides: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const Y = new out.ArrayType(n);
  const nd = shape.length;
  const dense = isDense(shape, strides);
  const newStrides = new Array<number>(nd);
  if (dense) {
    for (let d = 0; d < nd; d++) newStrides[d] = strides[d];
    for (let i = 0; i < n; i++) Y[i] = X[xOff + i];
    return { X: Y, off: 0, strides: newStrides };
  }
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    newStrides[d] = s;
    s *= shape[d];
  }
  const idx = new Array<number>(nd).fill(0);
  let p = xOff;
  for (let i = 0; i < n; i++) {
    Y[i] = X[p];
    for (let d = nd - 1; d >= 0; d--) {
      p += strides[d];
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      p -= strides[d] * shape[d];
    }
  }
  return { X: Y, off: 0, strides: newStrides };
}

/**
 * Exact integer sums (binary_kernel_reduce_vec): the order cannot change the result. A float
 * input summed with an integer dtype is first truncated, as `self.to(dtype)` does.
 */
function intSum(
  X: TypedArray, xOff: number, shape: readonly number[], strides: readonly number[],
  red: boolean[], O: TypedArray, oOff: number, trunc: boolean,
): void {
  const nd = shape.length;
  const outStr = new Array<number>(nd).fill(0);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    if (red[d]) continue;
    outStr[d] = s;
    s *= shape[d];
  }
  for (let i = 0; i < s; i++) O[oOff + i] = 0;
  let n = 1;
  for (const d of shape) n *= d;
  const idx = new Array<number>(nd).fill(0);
  let p = xOff;
  let q = oOff;
  for (let i = 0; i < n; i++) {
    O[q] += trunc ? Math.trunc(X[p]) : X[p];
    for (let d = nd - 1; d >= 0; d--) {
      p += strides[d];
      q += outStr[d];
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      p -= strides[d] * shape[d];
      q -= outStr[d] * shape[d];
    }
  }
}

/**
 * out = sum (or nansum) of x over `dims`, written contiguously (row-major over the kept dims)
 * at O[oOff...]. `shape`/`strides` describe x (strides in elements, x's first element at
 * X[xOff]). Floating outputs accumulate in the output dtype in PyTorch's order; integer and
 * bool inputs with an integer output sum exactly.
 */
export function sumInto(
  X: TypedArray, xOff: number, shape: readonly number[], strides: readonly number[],
  dims: readonly number[], O: TypedArray, oOff: number,
  inDtype: DType, outDtype: DType, skipNaN: boolean,
): void {
  const nd = shape.length;
  const red = new Array<boolean>(nd).fill(false);
  for (const d of dims) red[d] = true;
  if (outDtype.kind !== "f") {
    intSum(X, xOff, shape, strides, red, O, oOff, inDtype.kind === "f");
    return;
  }
  if (inDtype !== outDtype) {
    const c = convertInput(X, xOff, shape, strides, outDtype);
    X = c.X;
    xOff = c.off;
    strides = c.strides;
  }
  // output strides: contiguous over the kept dims, 0 along reduced ones
  const sOut = new Array<number>(nd).fill(0);
  let outN = 1;
  for (let d = nd - 1; d >= 0; d--) {
    if (red[d]) continue;
    sOut[d] = outN;
    outN *= shape[d];
  }
  for (let i = 0; i < outN; i++) O[oOff + i] = 0; // iter.output().fill_(0)
  let numel = 1;
  for (const s of shape) numel *= s;
  if (numel === 0) return;

  // size-1 dims merge into their neighbours when TensorIterator coalesces, so drop them now
  const perm: number[] = [];
  for (let d = nd - 1; d >= 0; d--) if (shape[d] !== 1) perm.push(d);
  reorder(perm, shape, strides, sOut);
  // coalesce_dimensions
  const size: number[] = [];
  const sIn: number[] = [];
  const sO: number[] = [];
  for (const d of perm) {
    const last = size.length - 1;
    if (last >= 0 && size[last] * sIn[last] === strides[d] && size[last] * sO[last] === sOut[d]) {
      size[last] *= shape[d];
    } else {
      size.push(shape[d]);
      sIn.push(strides[d]);
      sO.push(sOut[d]);
    }
  }

  const c = outDtype.itemsize === 4 ? CTX32 : CTX64;
  c.X = X;
  c.O = O;
  c.nan = skipNaN;
  const T = numThreads;
  if (numel < GRAIN_SIZE || T === 1) {
    serialForEach(c, size, sIn, sO, xOff, oOff, 0, numel);
  } else if (outN === 1) {
    twoPass(c, size, sIn, sO, xOff, oOff, numel, T);
  } else {
    parallelDim(c, size, sIn, sO, xOff, oOff, T);
  }
}

/** at::parallel_for's split of [0, n) into per-thread ranges (OpenMP backend). */
function chunks(n: number, grain: number, T: number): [number, number][] {
  if (!(n > grain && n > 1 && T > 1)) return [[0, n]];
  const nt = grain > 0 ? Math.min(T, Math.ceil(n / grain)) : T;
  const chunk = Math.ceil(n / nt);
  const r: [number, number][] = [];
  for (let t = 0; t < T; t++) {
    const b = t * chunk;
    r.push(b < n ? [b, Math.min(n, b + chunk)] : [n, n]);
  }
  return r;
}

/** Full reduction with threads: one partial per thread, then the partials summed. */
function twoPass(c: Ctx, size: number[], sIn: number[], sO: number[], xOff: number, oOff: number, numel: number, T: number): void {
  const buf = new (c.f32 ? Float32Array : Float64Array)(T);
  const O = c.O;
  c.O = buf;
  const parts = chunks(numel, GRAIN_SIZE, T);
  for (let t = 0; t < parts.length; t++) {
    const [b, e] = parts[t];
    if (b < e) serialForEach(c, size, sIn, sO, xOff, t, b, e);
  }
  c.O = O;
  const X = c.X;
  c.X = buf;
  serialForEach(c, [T], [1], [0], 0, oOff, 0, T);
  c.X = X;
}

/** Several outputs with threads: the kept dim find_split_dim picks is cut between threads. */
function parallelDim(c: Ctx, size: number[], sIn: number[], sO: number[], xOff: number, oOff: number, T: number): void {
  const dim = findSplitDim(size, sO, T);
  const cols = size[dim];
  const round = sIn[dim] === 1;
  const per128 = 128 / (c.f32 ? 4 : 8);
  for (let [b, e] of chunks(cols, 1, T)) {
    if (b >= e) continue;
    if (round) {
      b -= b % per128;
      if (e !== cols) e -= e % per128;
    }
    if (b === e) continue;
    const sub = size.slice();
    sub[dim] = e - b;
    let n = 1;
    for (const s of sub) n *= s;
    serialForEach(c, sub, sIn, sO, xOff + b * sIn[dim], oOff + b * sO[dim], 0, n);
  }
}

const LANE_OUT32 = new Float32Array(1);
const LANE_OUT64 = new Float64Array(1);

/** Sum of one strided 1-D lane (a full reduction of a 1-D tensor), as torch.sum would give. */
export function sumLane(X: TypedArray, off: number, n: number, stride: number, inDtype: DType, outDtype: DType, skipNaN: boolean): number {
  const O = outDtype.kind !== "f" || outDtype.itemsize === 8 ? LANE_OUT64 : LANE_OUT32;
  sumInto(X, off, [n], [stride], [0], O, 0, inDtype, outDtype, skipNaN);
  return O[0];
}
