// Loader and argument-checking wrappers for the native addon (native/, built by
// `npm install` / `npm rebuild` into build/Release/torchlette_native.node).
//
// The addon's functions trust nothing either (they re-check bounds and throw plain
// TypeError/RangeError), but the wrappers here check first so that callers get PyTorch's
// error classes and messages from src/errors.ts. Everything is validated before any memory
// is touched: integers, signs, every index reachable through the strides inside its array,
// element types, and that the written array does not overlap itself or the inputs.
import { createRequire } from "node:module";
import { IndexError, RuntimeError, TypeError, ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import type { DType } from "../dtype.js";
import type { ActivationOp, RngGenerator, RngOut } from "./index.js";
import { numel } from "../shape.js";
import { coalesce, coalesceInto, layoutOf } from "./strided.js";
import { getReductionThreads } from "./sum_order.js";

export interface Blocking {
  MR: number;
  NR: number;
  MC: number;
  KC: number;
  NC: number;
}

/** The raw addon. Prefer the checked wrappers below. */
export interface NativeBinding {
  /** C[b][i][j] (+)= sum_k A[b][i][k] B[b][k][j]; returns 1 (nothing done) if C overlaps A or B */
  sgemm(
    batch: number, M: number, N: number, K: number,
    A: Float32Array, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
    B: Float32Array, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
    C: Float32Array, cOff: number, cBatchStride: number, cRowStride: number, beta: number, exact?: number,
  ): number;
  dgemm(
    batch: number, M: number, N: number, K: number,
    A: Float64Array, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
    B: Float64Array, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
    C: Float64Array, cOff: number, cBatchStride: number, cRowStride: number, beta: number, exact?: number,
  ): number;
  /** sgemm with the 17 integers in a Float64Array: [batch, M, N, K, aOff, aBS, aRS, aCS, bOff, bBS, bRS, bCS, cOff, cBS, cRS, beta, exact] */
  sgemm_p(A: Float32Array, B: Float32Array, C: Float32Array, params: Float64Array): number;
  dgemm_p(A: Float64Array, B: Float64Array, C: Float64Array, params: Float64Array): number;
  set_num_threads(n: number): void;
  get_num_threads(): number;
  default_num_threads(): number;
  /** kernel set in use: "avx512" | "avx2" | "generic" */
  isa(): string;
  /** switch kernel set (tests, benchmarks); false if this CPU cannot run it */
  set_isa(name: string): boolean;
  isa_supported(name: string): boolean;
  /** whether the addon set glibc's malloc thresholds when it loaded (native/src/malloc_tuning.cc) */
  malloc_tuned(): boolean;
  blocking(dtype: "float32" | "float64"): Blocking;
  /** tuning experiments only; 0 keeps a value */
  set_blocking(dtype: "float32" | "float64", MC: number, KC: number, NC: number): void;
  /**
   * Size thresholds in multiply-adds; returns the previous three. Up to rawMaxFma the operands
   * are read in place (-1: always pack); from parallelMinFma on the work is split over
   * threads; from sharedBMinFma on (and with at least MC rows per thread) the threads share
   * one packed B block instead of packing their own (omitted: unchanged). Tests use this to
   * reach every code path with small products.
   */
  set_thresholds(rawMaxFma?: number, parallelMinFma?: number, sharedBMinFma?: number): [number, number, number];
  /**
   * out = op(a[, b]) over float32 strided views, computed in double and rounded once (the
   * TypeScript backend's numbers). op: index into EW_OPS. params: [nd, offOut, offA, offB,
   * p0, p1, shape[nd], strideOut[nd], strideA[nd], strideB[nd]], nd <= 8.
   */
  ew_f32(op: number, out: Float32Array, a: Float32Array, b: Float32Array | null, params: Float64Array): void;
  /**
   * where / masked_fill / comparisons (EW_U8_OPS): operands Float32Array or Uint8Array by op
   * (see EW_U8_TYPES); params [nd, offOut, offA, offB, offC, p, shape[nd], strideOut[nd],
   * strideA[nd], strideB[nd], strideC[nd]], nd <= 8; c null for the two-input ops.
   */
  ew_u8(op: number, out: Float32Array | Uint8Array, a: Float32Array | Uint8Array, b: Float32Array | Uint8Array, c: Float32Array | null, params: Float64Array): void;
  /** layer_norm rows; params [xOff, yOff, M, N, eps]. 1: a written range overlaps another. */
  layer_norm_f32(x: Float32Array, y: Float32Array, w: Float32Array | null, b: Float32Array | null, mean: Float64Array, rstd: Float64Array, params: Float64Array): number;
  /** its backward; params [gOff, xOff, rOff, M, N]. 1: a written range overlaps another. */
  layer_norm_bwd_f32(
    g: Float32Array, x: Float32Array, r: Float32Array | null, w: Float32Array | null, mean: Float64Array, rstd: Float64Array,
    gw: Float64Array | null, gb: Float64Array | null, params: Float64Array,
  ): number;
  /** softmax / log_softmax rows; params [xOff, yOff, rows, n, log] */
  softmax_f32(x: Float32Array, y: Float32Array, params: Float64Array): void;
  /** its backward; params [gOff, yOff, giOff, rows, n, log] */
  softmax_bwd_f32(g: Float32Array, y: Float32Array, gi: Float32Array, params: Float64Array): void;
  /** y = activation lanes of x; params [op (ACT_OPS), xOff, yOff, n, p0, p1, p2]. 1: y overlaps x other than exactly. */
  act_lanes_f32(x: Float32Array, y: Float32Array, params: Float64Array): number;
  /**
   * One Adam/AdamW step; params [pOff, gOff, mOff, vOff, vmaxOff, n, maximize, wdMode, decay, wd,
   * beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2Sqrt, eps, negStep]. 1: arrays overlap.
   */
  adam_f32(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, params: Float64Array): number;
  /**
   * One SGD step; params [pOff, gOff, bufOff, n, maximize, useWd, nesterov, wd, momentum,
   * 1 - dampening, -lr]; buf null: no momentum. 1: arrays overlap.
   */
  sgd_f32(p: Float32Array, g: Float32Array, buf: Float32Array | null, params: Float64Array): number;
  /** out[i,:] = w[idx[i],:]; params [wOff, V, D, idxOff, n, outOff]. 2: an index out of range. */
  gather_rows_f32(w: Float32Array, idx: Float64Array | Int32Array, out: Float32Array, params: Float64Array): number;
  /** out[idx[i],:] += g[i,:] (/count); params [gOff, idxOff, n, D, outOff, V, padIdx + 1, scaleByFreq]. 2: index out of range. */
  scatter_add_rows_f32(g: Float32Array, idx: Float64Array | Int32Array, out: Float32Array, params: Float64Array): number;
  /** PyTorch-order sum; params [xOff, outOff, nd, threads, skipNaN, shape[nd], strides[nd], reduced[nd]]. 1: out overlaps x. */
  sum_f32(x: Float32Array, out: Float32Array, params: Float64Array): number;
  sum_f64(x: Float64Array, out: Float64Array, params: Float64Array): number;
  /** max/min and its index; params [xOff, valuesOff, indicesOff, nd, isMax, shape[nd], strides[nd], reduced[nd]].
   * 1: a written range overlaps x or the other. */
  extreme_f32(x: Float32Array, values: Float32Array | null, indices: Float64Array | null, params: Float64Array): number;
  extreme_f64(x: Float64Array, values: Float64Array | null, indices: Float64Array | null, params: Float64Array): number;
  /** Welford var/std and mean; params [xOff, varOff, meanOff, nd, takeSqrt, correction, shape[nd], strides[nd], reduced[nd]].
   * 1: a written range overlaps x or the other. */
  var_f32(x: Float32Array, variance: Float32Array, mean: Float32Array, params: Float64Array): number;
  var_f64(x: Float64Array, variance: Float64Array, mean: Float64Array, params: Float64Array): number;
  /** ew_f32 over n contiguous elements of each operand; its numbers [op, n, outOff, aOff, bOff,
   * p0, p1] come from the array given to ew_flat_params (one Node-API argument fewer per number).
   * An operand is a Float32Array or an ArrayBuffer (offsets then count floats from its start). */
  ew_flat_f32(out: Float32Array | ArrayBuffer, a: Float32Array | ArrayBuffer, b: Float32Array | ArrayBuffer | null): void;
  ew_flat_params(params: Float64Array): void;
  /** out[i] = (float)a[i] over n contiguous elements; numbers [_, n, outOff, aOff] from ew_flat_params' array */
  cast_flat_f32(out: Float32Array, a: Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array): void;
  /**
   * A sampling loop over an mt19937 state of 624 words (native/src/addon.cc RngFill documents
   * params). 0: done, params[0..1] (and for normal [7..8]) hold the new counters and cached
   * sample; 1: a case it does not cover, nothing drawn.
   */
  rng_fill(op: number, out: RngOut, state: Uint32Array, params: Float64Array): number;
  /** y = log, sin, cos (ops 0-2) with the addon's glibc ports, or (3-5) with the C library's */
  rng_libm_f64(op: number, x: Float64Array, y: Float64Array): void;
}

function load(): { binding: NativeBinding | null; reason: string | null } {
  const env = process.env.TORCHLETTE_BACKEND;
  if (env === "js") return { binding: null, reason: "disabled by TORCHLETTE_BACKEND=js" };
  const require = createRequire(import.meta.url);
  // src/backend/ when run from source, dist/src/backend/ when compiled.
  const candidates = ["../../build/Release/torchlette_native.node", "../../../build/Release/torchlette_native.node"];
  let firstError: string | null = null;
  for (const c of candidates) {
    try {
      return { binding: require(c) as NativeBinding, reason: null };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code !== "MODULE_NOT_FOUND") {
        firstError ??= String(err.message ?? e);
      }
    }
  }
  return {
    binding: null,
    reason: firstError ?? "build/Release/torchlette_native.node not found (run `npm rebuild` to build the addon)",
  };
}

const loaded = load();
/** The addon, or null when it is not built or disabled (see nativeUnavailableReason). */
export const native: NativeBinding | null = loaded.binding;
/** Why `native` is null; null when it loaded. */
export const nativeUnavailableReason: string | null = loaded.reason;

function requireNative(fn: string): NativeBinding {
  if (native === null) throw new RuntimeError(`${fn}: the native backend is not available: ${nativeUnavailableReason}`);
  return native;
}

// ---------------------------------------------------------------------------------------------
// Argument checks (PyTorch's wording where PyTorch has a matching error)

function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (typeof v === "bigint") return "int";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

function checkInt(fn: string, name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new TypeError(`${fn}(): argument '${name}' must be int, not ${pyTypeName(v)}`);
  }
}

function checkFlag(fn: string, name: string, v: unknown): void {
  if (typeof v !== "boolean") throw new TypeError(`${fn}(): argument '${name}' must be bool, not ${pyTypeName(v)}`);
}

const scalarTypeName = (a: unknown): string =>
  a instanceof Float32Array ? "Float" : a instanceof Float64Array ? "Double" : pyTypeName(a);

function checkArray(fn: string, name: string, a: unknown, want: Float32ArrayConstructor | Float64ArrayConstructor): void {
  if (a instanceof want) return;
  if (a instanceof Float32Array || a instanceof Float64Array) {
    throw new RuntimeError(`expected scalar type ${want === Float32Array ? "Float" : "Double"} but found ${scalarTypeName(a)}`);
  }
  throw new TypeError(`${fn}(): argument '${name}' must be ${want.name}, not ${pyTypeName(a)}`);
}

/**
 * Checks offset and strides of one [s0, s1, s2] operand and that every index it reaches lies
 * inside `arr` (PyTorch's as_strided/setStorage errors). Scalar arguments: this runs on every
 * call, and building arrays here would cost more than the rest of the checks.
 */
function checkView(
  fn: string,
  arr: Float32Array | Float64Array,
  names: readonly string[],
  off: number,
  s0: number, s1: number, s2: number,
  t0: number, t1: number, t2: number,
): void {
  checkInt(fn, names[0], off);
  checkInt(fn, names[1], t0);
  checkInt(fn, names[2], t1);
  checkInt(fn, names[3], t2);
  if (off < 0) throw new RuntimeError(`Tensor: invalid storage offset ${off}`);
  if (t0 < 0 || t1 < 0 || t2 < 0) {
    throw new RuntimeError(`as_strided: Negative strides are not supported at the moment, got strides: [${t0}, ${t1}, ${t2}]`);
  }
  if (s0 === 0 || s1 === 0 || s2 === 0) return;
  const top = off + (s0 - 1) * t0 + (s1 - 1) * t1 + (s2 - 1) * t2;
  // Each term is a product of safe integers; a sum past 2^53 is far beyond any array anyway.
  if (!(top < arr.length)) {
    const item = arr.BYTES_PER_ELEMENT;
    const need = Number.isSafeInteger(top + 1) ? (top + 1) * item : Infinity;
    throw new RuntimeError(
      `setStorage: sizes [${s0}, ${s1}, ${s2}], strides [${t0}, ${t1}, ${t2}], storage offset ${off}, and itemsize ${item} ` +
        `requiring a storage size of ${need} are out of bounds for storage of size ${arr.length * item}`,
    );
  }
}

/**
 * True when the output view [s0, s1, s2] with strides [t0, t1, 1] may map two elements to one
 * address: with its dims of size > 1 sorted by stride, some stride is smaller than the span of
 * the dims before it. Exact for the nested layouts tensors have (contiguous, transposed,
 * sliced, expanded); an interleaving of two dims that happens not to collide is rejected too.
 */
function internalOverlap(s0: number, s1: number, s2: number, t0: number, t1: number): boolean {
  if (s0 === 0 || s1 === 0 || s2 === 0) return false;
  // Dims of size 1 never collide: give them an infinite stride so they sort last and drop out.
  let a = s2 > 1 ? 1 : Infinity, as = s2;
  let b = s1 > 1 ? t1 : Infinity, bs = s1;
  let c = s0 > 1 ? t0 : Infinity, cs = s0;
  let t: number;
  if (b < a) (t = a), (a = b), (b = t), (t = as), (as = bs), (bs = t);
  if (c < b) (t = b), (b = c), (c = t), (t = bs), (bs = cs), (cs = t);
  if (b < a) (t = a), (a = b), (b = t), (t = as), (as = bs), (bs = t);
  if (a === Infinity) return false;
  if (a === 0) return true;
  let extent = 1 + a * (as - 1); // elements spanned by the dims so far
  if (b === Infinity) return false;
  if (b < extent) return true;
  extent += b * (bs - 1);
  return c !== Infinity && c < extent;
}

const OVERLAP_OUT =
  "unsupported operation: more than one element of the written-to tensor refers to a single memory location. " +
  "Please clone() the tensor before performing the operation.";
const OVERLAP_IN =
  "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. " +
  "Please clone() the tensor before performing the operation.";

type GemmArray = Float32Array | Float64Array;
const A_NAMES = ["aOff", "aBatchStride", "aRowStride", "aColStride"];
const B_NAMES = ["bOff", "bBatchStride", "bRowStride", "bColStride"];
const C_NAMES = ["cOff", "cBatchStride", "cRowStride", "cRowStride"];

function checkGemm(
  fn: string,
  want: Float32ArrayConstructor | Float64ArrayConstructor,
  batch: number, M: number, N: number, K: number,
  A: GemmArray, aOff: number, aBS: number, aRS: number, aCS: number,
  B: GemmArray, bOff: number, bBS: number, bRS: number, bCS: number,
  C: GemmArray, cOff: number, cBS: number, cRS: number, beta: number, exact: boolean,
): void {
  checkInt(fn, "batch", batch);
  checkInt(fn, "M", M);
  checkInt(fn, "N", N);
  checkInt(fn, "K", K);
  if (batch < 0 || M < 0 || N < 0 || K < 0) {
    const bad = [batch, M, N, K].find((x) => x < 0);
    throw new RuntimeError(`Trying to create tensor with negative dimension ${bad}: [${batch}, ${M}, ${N}, ${K}]`);
  }
  checkArray(fn, "A", A, want);
  checkArray(fn, "B", B, want);
  checkArray(fn, "C", C, want);
  checkView(fn, A, A_NAMES, aOff, batch, M, K, aBS, aRS, aCS);
  checkView(fn, B, B_NAMES, bOff, batch, K, N, bBS, bRS, bCS);
  checkView(fn, C, C_NAMES, cOff, batch, M, N, cBS, cRS, 1);
  if (beta !== 0 && beta !== 1) {
    if (typeof beta !== "number") throw new TypeError(`${fn}(): argument 'beta' must be int, not ${pyTypeName(beta)}`);
    throw new ValueError(`${fn}(): beta must be 0 or 1, got ${beta}`);
  }
  checkFlag(fn, "exact", exact);
  if (internalOverlap(batch, M, N, cBS, cRS)) throw new RuntimeError(OVERLAP_OUT);
}

// The addon's four-argument entry reads the integers from here (one typed array instead of
// seventeen numbers to convert: cheaper per call). Safe to reuse: calls are synchronous.
const P = new Float64Array(17);

function fillParams(
  batch: number, M: number, N: number, K: number,
  aOff: number, aBS: number, aRS: number, aCS: number,
  bOff: number, bBS: number, bRS: number, bCS: number,
  cOff: number, cBS: number, cRS: number, beta: number, exact: boolean,
): Float64Array {
  P[0] = batch, P[1] = M, P[2] = N, P[3] = K;
  P[4] = aOff, P[5] = aBS, P[6] = aRS, P[7] = aCS;
  P[8] = bOff, P[9] = bBS, P[10] = bRS, P[11] = bCS;
  P[12] = cOff, P[13] = cBS, P[14] = cRS, P[15] = beta, P[16] = exact ? 1 : 0;
  return P;
}

/**
 * C[b][i][j] = (beta ? C[b][i][j] : 0) + sum_k A[b][i][k] * B[b][k][j] over Float32Arrays.
 * Element (b,i,k) of A is A[aOff + b*aBatchStride + i*aRowStride + k*aColStride] (a batch
 * stride of 0 broadcasts); likewise B; C's column stride is 1. beta is 0 or 1.
 * exact: every C element is the sequential sum over k (from C's value when beta = 1, else 0),
 * each product rounded before it is added, no FMA: reference BLAS's order, so results equal
 * torch 1.13's (Debian build) and the TypeScript backend's bit for bit, at about half the
 * speed. Otherwise FMA and blocked partial sums, as MKL and OpenBLAS do (differences of a few
 * ulps from 1.13).
 */
export function sgemm(
  batch: number, M: number, N: number, K: number,
  A: Float32Array, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
  B: Float32Array, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
  C: Float32Array, cOff: number, cBatchStride: number, cRowStride: number, beta: number,
  exact = false,
): void {
  const nat = requireNative("sgemm");
  checkGemm("sgemm", Float32Array, batch, M, N, K, A, aOff, aBatchStride, aRowStride, aColStride,
    B, bOff, bBatchStride, bRowStride, bColStride, C, cOff, cBatchStride, cRowStride, beta, exact);
  const p = fillParams(batch, M, N, K, aOff, aBatchStride, aRowStride, aColStride,
    bOff, bBatchStride, bRowStride, bColStride, cOff, cBatchStride, cRowStride, beta, exact);
  if (nat.sgemm_p(A, B, C, p) !== 0) throw new RuntimeError(OVERLAP_IN);
}

/** sgemm over Float64Arrays. */
export function dgemm(
  batch: number, M: number, N: number, K: number,
  A: Float64Array, aOff: number, aBatchStride: number, aRowStride: number, aColStride: number,
  B: Float64Array, bOff: number, bBatchStride: number, bRowStride: number, bColStride: number,
  C: Float64Array, cOff: number, cBatchStride: number, cRowStride: number, beta: number,
  exact = false,
): void {
  const nat = requireNative("dgemm");
  checkGemm("dgemm", Float64Array, batch, M, N, K, A, aOff, aBatchStride, aRowStride, aColStride,
    B, bOff, bBatchStride, bRowStride, bColStride, C, cOff, cBatchStride, cRowStride, beta, exact);
  const p = fillParams(batch, M, N, K, aOff, aBatchStride, aRowStride, aColStride,
    bOff, bBatchStride, bRowStride, bColStride, cOff, cBatchStride, cRowStride, beta, exact);
  if (nat.dgemm_p(A, B, C, p) !== 0) throw new RuntimeError(OVERLAP_IN);
}

/** torch.set_num_threads for the native kernels. */
export function set_num_threads(n: number): void {
  const nat = requireNative("set_num_threads");
  checkInt("set_num_threads", "int", n);
  if (n <= 0) throw new RuntimeError("set_num_threads expects a positive integer");
  if (n > 1024) throw new ValueError(`set_num_threads(): at most 1024 threads, got ${n}`);
  nat.set_num_threads(n);
}

/** torch.get_num_threads for the native kernels (1 when the addon is not loaded). */
export function get_num_threads(): number {
  return native === null ? 1 : native.get_num_threads();
}

// ---------------------------------------------------------------------------------------------
// Tensor adapter with the signature of Backend.matmul (src/backend/index.ts).

/**
 * out[..., M, N] (+)= a[..., M, K] @ b[..., K, N] with batch dims already broadcast (any
 * strides, 0 where broadcast) and out's last dim unit-stride: Backend.matmul's contract.
 * accumulate: add to out (beta = 1). exact (default): the sequential, FMA-free sums of
 * reference BLAS, i.e. the TypeScript backend's numbers bit for bit; false: FMA kernels,
 * about twice as fast. Returns false, doing nothing, when the native kernels do not apply
 * (addon missing, dtype not float32/float64, or out's last dim strided), so the caller can
 * fall back to the TypeScript kernel.
 */
export function nativeMatmul(a: Tensor, b: Tensor, out: Tensor, accumulate = false, exact = true): boolean {
  if (native === null) return false;
  const dt = out.dtype.name;
  if ((dt !== "float32" && dt !== "float64") || a.dtype !== out.dtype || b.dtype !== out.dtype) return false;
  const nd = out._shape.length;
  if (nd < 2 || a._shape.length !== nd || b._shape.length !== nd) return false;
  const M = out._shape[nd - 2], N = out._shape[nd - 1], K = a._shape[nd - 1];
  if (out._strides[nd - 1] !== 1 && N > 1) return false;
  const run = dt === "float32" ? sgemm : dgemm;
  const A = a._storage.data as GemmArray, B = b._storage.data as GemmArray, C = out._storage.data as GemmArray;
  const sa = a._strides, sb = b._strides, so = out._strides;
  const cRS = M > 1 ? so[nd - 2] : N;
  // Merge the batch dims into as few as possible; the kernel takes one batch dim per call.
  const shape: number[] = [];
  const st: number[][] = [[], [], []];
  for (let d = 0; d < nd - 2; d++) {
    const s = out._shape[d];
    if (s === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && st[0][last] === sa[d] * s && st[1][last] === sb[d] * s && st[2][last] === so[d] * s) {
      shape[last] *= s;
      st[0][last] = sa[d];
      st[1][last] = sb[d];
      st[2][last] = so[d];
    } else {
      shape.push(s);
      st[0].push(sa[d]);
      st[1].push(sb[d]);
      st[2].push(so[d]);
    }
  }
  if (shape.length === 0) shape.push(1), st[0].push(0), st[1].push(0), st[2].push(0);
  const inner = shape.length - 1;
  const batch = shape[inner];
  const outer = shape.slice(0, inner);
  let outerCount = 1;
  for (const s of outer) outerCount *= s;
  if (outerCount === 0 || batch === 0) return true;
  const idx = new Array<number>(outer.length).fill(0);
  let pa = a._offset, pb = b._offset, po = out._offset;
  for (let o = 0; o < outerCount; o++) {
    (run as typeof sgemm)(batch, M, N, K,
      A as Float32Array, pa, st[0][inner], sa[nd - 2], sa[nd - 1],
      B as Float32Array, pb, st[1][inner], sb[nd - 2], sb[nd - 1],
      C as Float32Array, po, st[2][inner], cRS, accumulate ? 1 : 0, exact);
    for (let d = outer.length - 1; d >= 0; d--) {
      pa += st[0][d], pb += st[1][d], po += st[2][d];
      if (++idx[d] < outer[d]) break;
      idx[d] = 0;
      pa -= st[0][d] * outer[d], pb -= st[1][d] * outer[d], po -= st[2][d] * outer[d];
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Element-wise float32 kernels

/** Native element-wise ops, in the addon's order (native/src/pointwise.h); names as in js_elementwise.ts. */
export const EW_OPS = [
  "copy", "neg", "abs", "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "relu", "square", "reciprocal",
  "silu", "clamp_min", "clamp_max", "clamp", "mul_scalar_add", "erf", "leaky_relu",
  "add", "sub", "mul", "div", "add_alpha", "maximum", "minimum", "threshold_backward", "tanh_backward",
  "sigmoid_backward", "relu_backward",
] as const;
export type EwOp = (typeof EW_OPS)[number];
const EW_CODE = new Map<string, number>(EW_OPS.map((n, i) => [n, i]));
const EW_FIRST_BINARY = EW_OPS.indexOf("add");
/** Number of tensor inputs of an element-wise op (1 or 2), 0 if the addon lacks it. */
export function ewArity(op: string): number {
  const c = EW_CODE.get(op);
  return c === undefined ? 0 : c >= EW_FIRST_BINARY ? 2 : 1;
}

const EW_MAX_DIMS = 8;
const EP = new Float64Array(6 + 4 * EW_MAX_DIMS);

/**
 * Checks a coalesced layout against the arrays and runs it, splitting off outer dims past
 * the addon's 8. st: strides of out, a[, b]; off: their offsets.
 */
function ewLayout(
  fn: string, code: number, arity: number,
  O: Float32Array, A: Float32Array, B: Float32Array | null,
  shape: readonly number[], st: readonly (readonly number[])[], off: readonly number[],
  p0: number, p1: number, nd = shape.length,
): void {
  for (let k = 0; k <= arity; k++) {
    let top = off[k];
    let empty = false;
    for (let d = 0; d < nd; d++) {
      if (shape[d] === 0) empty = true;
      top += (shape[d] - 1) * st[k][d];
    }
    if (empty) return;
    const arr = k === 0 ? O : k === 1 ? A : B!;
    if (!(top < arr.length)) {
      throw new RuntimeError(
        `setStorage: sizes [${shape.slice(0, nd).join(", ")}], strides [${st[k].slice(0, nd).join(", ")}], storage offset ${off[k]}, and itemsize 4 ` +
          `requiring a storage size of ${(top + 1) * 4} are out of bounds for storage of size ${arr.length * 4}`,
      );
    }
  }
  for (let d = 0; d < nd; d++) if (shape[d] > 1 && st[0][d] === 0) throw new RuntimeError(OVERLAP_OUT);
  if (nd > EW_MAX_DIMS) {
    // Rare: more than 8 dims that do not merge. Peel the outermost one.
    const sub = shape.slice(1, nd), sst = st.map((x) => x.slice(1, nd));
    for (let i = 0; i < shape[0]; i++) {
      ewLayout(fn, code, arity, O, A, B, sub, sst, off.map((o, k) => o + i * st[k][0]), p0, p1);
    }
    return;
  }
  // Scalars take the compute dtype first, as PyTorch casts them (and the TypeScript backend).
  EP[0] = nd, EP[1] = off[0], EP[2] = off[1], EP[3] = arity === 2 ? off[2] : 0, EP[4] = Math.fround(p0), EP[5] = Math.fround(p1);
  for (let d = 0; d < nd; d++) {
    EP[6 + d] = shape[d];
    EP[6 + nd + d] = st[0][d];
    EP[6 + 2 * nd + d] = st[1][d];
    EP[6 + 3 * nd + d] = arity === 2 ? st[2][d] : 0;
  }
  native!.ew_f32(code, O, A, arity === 2 ? B : null, EP);
}

function checkIntList(fn: string, name: string, v: unknown, len: number): asserts v is number[] {
  if (!Array.isArray(v) || v.length !== len) {
    throw new TypeError(`${fn}(): argument '${name}' must be a list of ${len} ints, not ${pyTypeName(v)}`);
  }
  for (const x of v) checkInt(fn, name, x);
}

/**
 * out[i] = op(a[i][, b[i]]) over float32 strided views of the same shape (stride 0
 * broadcasts an input), computed in double and rounded once to float32, like the
 * TypeScript backend. p0, p1: the op's scalars (add_alpha's alpha, clamp's bounds,
 * threshold_backward's threshold, mul_scalar_add's factor and addend), rounded to float32
 * first as PyTorch casts scalars to the compute dtype.
 */
export function ew(
  op: EwOp,
  out: Float32Array, outOff: number,
  a: Float32Array, aOff: number,
  b: Float32Array | null, bOff: number,
  shape: readonly number[], outStrides: readonly number[], aStrides: readonly number[], bStrides: readonly number[] | null,
  p0 = 0, p1 = 0,
): void {
  const fn = "ew";
  requireNative(fn);
  const code = EW_CODE.get(op as string);
  if (code === undefined) throw new ValueError(`ew(): unknown op '${String(op)}'`);
  const arity = code >= EW_FIRST_BINARY ? 2 : 1;
  checkArray(fn, "out", out, Float32Array);
  checkArray(fn, "a", a, Float32Array);
  if (arity === 2) checkArray(fn, "b", b, Float32Array);
  if (!Array.isArray(shape)) throw new TypeError(`ew(): argument 'shape' must be a list of ints, not ${pyTypeName(shape)}`);
  const nd = shape.length;
  checkIntList(fn, "shape", shape, nd);
  const bad = shape.find((x) => x < 0);
  if (bad !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${bad}: [${shape.join(", ")}]`);
  const lists: readonly (readonly number[] | null)[] = [outStrides, aStrides, arity === 2 ? bStrides : null];
  const offs = [outOff, aOff, arity === 2 ? bOff : 0];
  for (let k = 0; k <= arity; k++) {
    const names = ["outStrides", "aStrides", "bStrides"];
    checkIntList(fn, names[k], lists[k], nd);
    checkInt(fn, ["outOff", "aOff", "bOff"][k], offs[k]);
    if (offs[k] < 0) throw new RuntimeError(`Tensor: invalid storage offset ${offs[k]}`);
    if ((lists[k] as number[]).some((x) => x < 0)) {
      throw new RuntimeError(`as_strided: Negative strides are not supported at the moment, got strides: [${(lists[k] as number[]).join(", ")}]`);
    }
  }
  if (typeof p0 !== "number" || typeof p1 !== "number") throw new TypeError(`ew(): scalar parameters must be numbers`);
  const strides = lists.slice(0, arity + 1) as number[][];
  const lay = coalesce(shape, strides, offs.slice(0, arity + 1));
  if (shape.includes(0)) return;
  ewLayout(fn, code, arity, out, a, arity === 2 ? b : null, lay.shape, lay.strides, lay.offsets, p0, p1);
}

/**
 * Ops whose addon kernel does not give the TypeScript backend's float32 bits: sigmoid and silu
 * there reproduce torch 1.13's cpu_kernel_vec (SLEEF for 16-element chunks of a row, glibc's
 * expf for the rest: src/backend/js_math.ts), while the addon computes them in double (within
 * an ulp, correctly rounded but for ~1e-16 near-ties). nativeElementwise leaves them to the
 * TypeScript backend, whose row kernel hands a contiguous row's chunks of 16 to activationLanes
 * (below: the vector lambda's float operations, its bits); ew() still offers the double forms.
 * exp, log, tanh and erf are ports of the same SLEEF lanes (native/src/pointwise_sleef.inc) and
 * are bit-exact.
 */
export const EW_NOT_BIT_EXACT: ReadonlySet<string> = new Set(["sigmoid", "silu"]);
// by op code, for the dispatch (a tiny op's whole dispatch is a few tens of ns: no name lookups)
const EW_COPY = EW_OPS.indexOf("copy");
const EW_EXACT: readonly boolean[] = EW_OPS.map((n) => !EW_NOT_BIT_EXACT.has(n));

/**
 * Backend.elementwise for float32 (inputs, compute and out all float32) and the ops in
 * EW_OPS but not EW_NOT_BIT_EXACT, and for the EW_U8_OPS with float32 compute (where with a
 * bool/uint8 condition, masked_fill with a bool/uint8 mask, comparisons into bool), with the
 * TypeScript backend's numbers bit for bit.
 * Returns false, doing nothing, for anything else so the caller can fall back to the
 * TypeScript kernel.
 */
/** dtypes whose storage cast_flat_f32 reads (Float64Array, Int32Array, Int16Array, Int8Array, Uint8Array) */
const CASTS_TO_F32: ReadonlySet<string> = new Set(["float64", "int64", "int32", "int16", "int8", "uint8", "bool"]);

/** the numbers of ew_flat_f32, registered with the addon once (exported for the tests, which
 * register arrays of their own and must put this one back) */
export const FLAT_PARAMS = new Float64Array(8);
const FP = FLAT_PARAMS;
if (native !== null) native.ew_flat_params(FP);

/** out row-major (strides exactly those of a contiguous tensor) and every input of out's shape
 * and strides */
function flatAlike(out: Tensor, inputs: readonly Tensor[]): boolean {
  const sh = out._shape, st = out._strides;
  let want = 1;
  for (let i = sh.length - 1; i >= 0; i--) {
    if (st[i] !== want) return false;
    want *= sh[i];
  }
  for (let k = 0; k < inputs.length; k++) {
    const t = inputs[k];
    const ts = t._strides, tsh = t._shape;
    if (ts === st && tsh === sh) continue;
    if (tsh.length !== sh.length) return false;
    for (let i = 0; i < sh.length; i++) if (ts[i] !== st[i] || tsh[i] !== sh[i]) return false;
  }
  return true;
}

export function nativeElementwise(op: string, out: Tensor, inputs: readonly Tensor[], compute: DType, params?: ArrayLike<number>): boolean {
  if (native === null) return false;
  const code = EW_CODE.get(op);
  if (code === undefined) {
    const u8 = EW_U8_CODE.get(op);
    return u8 !== undefined && nativeU8(op, u8, out, inputs, compute, params);
  }
  if (code === EW_COPY && out.dtype.name === "float32" && compute.name === "float32" && inputs.length === 1 &&
    CASTS_TO_F32.has(inputs[0].dtype.name) && flatAlike(out, inputs)) {
    // a conversion to float32 (x.float(), one_hot(...).float()): C's (float) rounds as Math.fround
    FP[1] = numel(out._shape), FP[2] = out._offset, FP[3] = inputs[0]._offset;
    native.cast_flat_f32(out._storage.data as Float32Array, inputs[0]._storage.data as Float64Array);
    return true;
  }
  if (!EW_EXACT[code]) return false;
  const arity = code >= EW_FIRST_BINARY ? 2 : 1;
  if (inputs.length !== arity || compute.name !== "float32" || out.dtype.name !== "float32") return false;
  for (const t of inputs) if (t.dtype.name !== "float32") return false;
  if (flatAlike(out, inputs)) {
    // one contiguous run in every operand: the lean entry point, no layout work, operands given
    // as their ArrayBuffers where they have one (cheaper to pass than the typed arrays)
    const b = arity === 2 ? inputs[1] : null;
    const so = out._storage, sa = inputs[0]._storage, sb = b === null ? null : b._storage;
    FP[0] = code, FP[1] = numel(out._shape);
    FP[5] = Math.fround(params && params.length > 0 ? params[0] : 0);
    FP[6] = Math.fround(params && params.length > 1 ? params[1] : 0);
    const ob = so.buf, ab = sa.buf, bb = sb === null ? null : sb.buf;
    if (ob !== null && ab !== null && (sb === null || bb !== null)) {
      FP[2] = so.base + out._offset, FP[3] = sa.base + inputs[0]._offset, FP[4] = sb === null ? 0 : sb.base + b!._offset;
      native.ew_flat_f32(ob, ab, bb);
    } else {
      FP[2] = out._offset, FP[3] = inputs[0]._offset, FP[4] = b === null ? 0 : b._offset;
      native.ew_flat_f32(so.data as Float32Array, sa.data as Float32Array, sb === null ? null : (sb.data as Float32Array));
    }
    return true;
  }
  if (out._shape.includes(0)) return true;
  CL_IN[0] = out._strides, CL_IN[1] = inputs[0]._strides, CL_IN[2] = inputs[arity - 1]._strides;
  const nd = coalesceInto(out._shape, CL_IN, CL_SHAPE, CL_ST);
  // the addon walks non-negative strides only (flip makes negative ones): TypeScript kernel
  for (let k = 0; k <= arity; k++) for (let d = 0; d < nd; d++) if (CL_ST[k][d] < 0) return false;
  const p0 = params && params.length > 0 ? params[0] : 0;
  const p1 = params && params.length > 1 ? params[1] : 0;
  CL_OFF[0] = out._offset, CL_OFF[1] = inputs[0]._offset, CL_OFF[2] = arity === 2 ? inputs[1]._offset : 0;
  ewLayout("elementwise", code, arity,
    out._storage.data as Float32Array, inputs[0]._storage.data as Float32Array,
    arity === 2 ? (inputs[1]._storage.data as Float32Array) : null,
    CL_SHAPE, CL_ST, CL_OFF, p0, p1, nd);
  return true;
}

// coalesceInto's arrays, kept between calls: a broadcast op's layout work was most of its
// JavaScript (~0.5 µs of new arrays for [32,200] - [1,200])
const CL_SHAPE: number[] = [];
const CL_ST: number[][] = [[], [], []];
const CL_IN: (readonly number[])[] = [[], [], []];
const CL_OFF = [0, 0, 0];

// ---------------------------------------------------------------------------------------------
// Element-wise ops over bool operands: where, masked_fill, float32 comparisons

/** The addon's ops with a uint8 (bool) operand or result, in its order (native/src/pointwise.h's EwU8Op). */
export const EW_U8_OPS = ["where", "masked_fill", "eq", "ne", "lt", "le", "gt", "ge"] as const;
export type EwU8Op = (typeof EW_U8_OPS)[number];
const EW_U8_CODE = new Map<string, number>(EW_U8_OPS.map((n, i) => [n, i]));
type U8Arr = Float32Array | Uint8Array;
type U8Ctor = Float32ArrayConstructor | Uint8ArrayConstructor;
/** Element type of out, a, b[, c] for each op: where(cond u8, f32, f32), masked_fill(f32, mask u8), cmp(f32, f32) -> u8. */
export const EW_U8_TYPES: Readonly<Record<EwU8Op, readonly U8Ctor[]>> = {
  where: [Float32Array, Uint8Array, Float32Array, Float32Array],
  masked_fill: [Float32Array, Float32Array, Uint8Array],
  eq: [Uint8Array, Float32Array, Float32Array],
  ne: [Uint8Array, Float32Array, Float32Array],
  lt: [Uint8Array, Float32Array, Float32Array],
  le: [Uint8Array, Float32Array, Float32Array],
  gt: [Uint8Array, Float32Array, Float32Array],
  ge: [Uint8Array, Float32Array, Float32Array],
};
const U8P = new Float64Array(6 + 5 * EW_MAX_DIMS);

/** ewLayout for ew_u8: bounds of every operand (itemsize by array), out's stride-0 dims, > 8 dims. */
function u8Layout(code: number, arrs: readonly U8Arr[], shape: readonly number[], st: readonly (readonly number[])[], off: readonly number[], p: number): void {
  const nd = shape.length;
  for (let d = 0; d < nd; d++) if (shape[d] === 0) return;
  for (let k = 0; k < arrs.length; k++) {
    let top = off[k];
    for (let d = 0; d < nd; d++) top += (shape[d] - 1) * st[k][d];
    const arr = arrs[k], item = arr.BYTES_PER_ELEMENT;
    if (!(top < arr.length)) {
      throw new RuntimeError(
        `setStorage: sizes [${shape.join(", ")}], strides [${st[k].join(", ")}], storage offset ${off[k]}, and itemsize ${item} ` +
          `requiring a storage size of ${(top + 1) * item} are out of bounds for storage of size ${arr.length * item}`,
      );
    }
  }
  for (let d = 0; d < nd; d++) if (shape[d] > 1 && st[0][d] === 0) throw new RuntimeError(OVERLAP_OUT);
  if (nd > EW_MAX_DIMS) {
    const sub = shape.slice(1), sst = st.map((x) => x.slice(1));
    for (let i = 0; i < shape[0]; i++) u8Layout(code, arrs, sub, sst, off.map((o, k) => o + i * st[k][0]), p);
    return;
  }
  U8P[0] = nd;
  for (let k = 0; k < 4; k++) U8P[1 + k] = k < arrs.length ? off[k] : 0;
  U8P[5] = p;
  for (let d = 0; d < nd; d++) {
    U8P[6 + d] = shape[d];
    for (let k = 0; k < 4; k++) U8P[6 + (1 + k) * nd + d] = k < arrs.length ? st[k][d] : 0;
  }
  native!.ew_u8(code, arrs[0], arrs[1], arrs[2], arrs.length > 3 ? (arrs[3] as Float32Array) : null, U8P);
}

/**
 * out = op(a, b[, c]) over strided views (stride 0 broadcasts an input): where(cond, x, y)
 * = cond != 0 ? x : y, masked_fill(x, mask) = mask != 0 ? p : x (p rounded to float32 first),
 * and the float32 comparisons eq ne lt le gt ge into 1/0 bytes. arrays: [out, a, b(, c)],
 * typed as EW_U8_TYPES says; offsets and strides: one per array.
 */
export function ewU8(
  op: EwU8Op, arrays: readonly U8Arr[], offsets: readonly number[], shape: readonly number[],
  strides: readonly (readonly number[])[], p = 0,
): void {
  const fn = "ewU8";
  requireNative(fn);
  const code = EW_U8_CODE.get(op as string);
  if (code === undefined) throw new ValueError(`ewU8(): unknown op '${String(op)}'`);
  const types = EW_U8_TYPES[op];
  const n = types.length;
  if (!Array.isArray(arrays) || arrays.length !== n) throw new TypeError(`ewU8(): argument 'arrays' must be a list of ${n} typed arrays`);
  const names = ["out", "a", "b", "c"];
  for (let k = 0; k < n; k++) {
    const a = arrays[k];
    if (!(a instanceof types[k])) {
      throw new TypeError(`ewU8(): argument '${names[k]}' must be ${types[k].name}, not ${pyTypeName(a)}`);
    }
  }
  if (!Array.isArray(shape)) throw new TypeError(`ewU8(): argument 'shape' must be a list of ints, not ${pyTypeName(shape)}`);
  const nd = shape.length;
  checkIntList(fn, "shape", shape, nd);
  const bad = shape.find((x) => x < 0);
  if (bad !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${bad}: [${shape.join(", ")}]`);
  checkIntList(fn, "offsets", offsets, n);
  if (!Array.isArray(strides) || strides.length !== n) throw new TypeError(`ewU8(): argument 'strides' must be a list of ${n} lists of ints`);
  for (let k = 0; k < n; k++) {
    const sk: unknown = strides[k];
    checkIntList(fn, `strides[${k}]`, sk, nd);
    if (offsets[k] < 0) throw new RuntimeError(`Tensor: invalid storage offset ${offsets[k]}`);
    if (sk.some((x) => x < 0)) {
      throw new RuntimeError(`as_strided: Negative strides are not supported at the moment, got strides: [${sk.join(", ")}]`);
    }
  }
  if (typeof p !== "number") throw new TypeError(`ewU8(): argument 'p' must be a number, not ${pyTypeName(p)}`);
  const lay = coalesce(shape, strides, offsets.slice());
  if (shape.includes(0)) return;
  u8Layout(code, arrays, lay.shape, lay.strides, lay.offsets, Math.fround(p));
}

const isBoolStorage = (t: Tensor): boolean => (t.dtype.name === "bool" || t.dtype.name === "uint8") && t._storage.data instanceof Uint8Array;
const isF32 = (t: Tensor): boolean => t.dtype.name === "float32" && t._storage.data instanceof Float32Array;

/** nativeElementwise's part for EW_U8_OPS: false (nothing done) unless the dtypes are the kernel's. */
function nativeU8(op: string, code: number, out: Tensor, inputs: readonly Tensor[], compute: DType, params?: ArrayLike<number>): boolean {
  if (compute.name !== "float32") return false;
  if (op === "where") {
    if (inputs.length !== 3 || !isF32(out) || !isBoolStorage(inputs[0]) || !isF32(inputs[1]) || !isF32(inputs[2])) return false;
  } else if (op === "masked_fill") {
    if (inputs.length !== 2 || !isF32(out) || !isF32(inputs[0]) || !isBoolStorage(inputs[1])) return false;
  } else if (inputs.length !== 2 || out.dtype.name !== "bool" || !(out._storage.data instanceof Uint8Array) || !isF32(inputs[0]) || !isF32(inputs[1])) {
    return false;
  }
  if (out._shape.includes(0)) return true;
  const lay = layoutOf(out, inputs);
  for (const st of lay.strides) for (const v of st) if (v < 0) return false;
  const p = op === "masked_fill" && params && params.length > 0 ? Math.fround(params[0]) : 0;
  const arrs = [out._storage.data as U8Arr];
  for (const t of inputs) arrs.push(t._storage.data as U8Arr);
  u8Layout(code, arrs, lay.shape, lay.strides, lay.offsets, p);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Row kernels: softmax / log_softmax, Adam, embedding rows

function checkCount(fn: string, name: string, arr: { length: number }, off: number, count: number): void {
  checkInt(fn, name + "Off", off);
  if (off < 0) throw new RuntimeError(`Tensor: invalid storage offset ${off}`);
  if (count > 0 && off + count > arr.length) {
    throw new RuntimeError(`${fn}(): ${name} holds ${arr.length} elements, ${off + count} needed`);
  }
}

function checkSizes(fn: string, names: readonly string[], vals: readonly number[]): void {
  vals.forEach((v, i) => checkInt(fn, names[i], v));
  const bad = vals.find((x) => x < 0);
  if (bad !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${bad}: [${vals.join(", ")}]`);
}

const ACT_OPS: Readonly<Record<string, number>> = { sigmoid: 0, silu: 1, gelu_tanh: 2, gelu: 3, elu: 4, softplus: 5, mish: 6, log_sigmoid: 7 };
const ACTP = new Float64Array(7);

/**
 * y[yOff..+n) = op(x[xOff..+n)) as torch 1.13's vector path computes it, bit for bit with
 * src/backend/js_math.ts: sigmoid, silu, gelu_tanh, elu, softplus and mish are the vector lambdas
 * of VEC_OPS (float operations around SLEEF's expf / log1pf / tanhf, for a contiguous row's
 * chunks of 16; p0-p2: the float lane parameters of elu and softplus), gelu (erf form) oneDNN's
 * lane (dnnlGeluErf, every element of a contiguous tensor), log_sigmoid logSigmoidf (every
 * element). y may be x's own elements, nothing else of x.
 */
export function activationLanes(op: ActivationOp, x: Float32Array, xOff: number, y: Float32Array, yOff: number, n: number, p0 = 0, p1 = 0, p2 = 0): void {
  const fn = "activationLanes";
  const nat = requireNative(fn);
  const code = ACT_OPS[op];
  if (code === undefined) throw new ValueError(`${fn}(): unknown op '${String(op)}'`);
  checkArray(fn, "x", x, Float32Array);
  checkArray(fn, "y", y, Float32Array);
  checkSizes(fn, ["n"], [n]);
  checkCount(fn, "x", x, xOff, n);
  checkCount(fn, "y", y, yOff, n);
  ACTP[0] = code, ACTP[1] = xOff, ACTP[2] = yOff, ACTP[3] = n, ACTP[4] = p0, ACTP[5] = p1, ACTP[6] = p2;
  if (nat.act_lanes_f32(x, y, ACTP) !== 0) throw new RuntimeError(OVERLAP_IN);
}

const SP = new Float64Array(6);

/**
 * y = softmax (or log_softmax when `log`) of `rows` contiguous float32 rows of n (the last dim),
 * as torch 1.13's row kernels compute them: src/nn/softmax_f32.ts's numbers, bit for bit (float
 * sums over 8 lanes, SLEEF's expf / logf). y may be x.
 */
export function softmaxRows(x: Float32Array, xOff: number, y: Float32Array, yOff: number, rows: number, n: number, log: boolean): void {
  const fn = "softmaxRows";
  const nat = requireNative(fn);
  checkArray(fn, "x", x, Float32Array);
  checkArray(fn, "y", y, Float32Array);
  checkSizes(fn, ["rows", "n"], [rows, n]);
  const total = rows * n;
  checkCount(fn, "x", x, xOff, total);
  checkCount(fn, "y", y, yOff, total);
  checkFlag(fn, "log", log);
  SP[0] = xOff, SP[1] = yOff, SP[2] = rows, SP[3] = n, SP[4] = log ? 1 : 0;
  nat.softmax_f32(x, y, SP);
}

/**
 * The gradient of softmaxRows: gi = g - exp(y) * sum(g) (log, one FMA) or (g - sum(g * y)) * y,
 * the sums in src/nn/softmax_f32.ts's 8-lane order.
 */
export function softmaxBackwardRows(
  g: Float32Array, gOff: number, y: Float32Array, yOff: number, gi: Float32Array, giOff: number, rows: number, n: number, log: boolean,
): void {
  const fn = "softmaxBackwardRows";
  const nat = requireNative(fn);
  checkArray(fn, "g", g, Float32Array);
  checkArray(fn, "y", y, Float32Array);
  checkArray(fn, "gi", gi, Float32Array);
  checkSizes(fn, ["rows", "n"], [rows, n]);
  const total = rows * n;
  checkCount(fn, "g", g, gOff, total);
  checkCount(fn, "y", y, yOff, total);
  checkCount(fn, "gi", gi, giOff, total);
  checkFlag(fn, "log", log);
  SP[0] = gOff, SP[1] = yOff, SP[2] = giOff, SP[3] = rows, SP[4] = n, SP[5] = log ? 1 : 0;
  nat.softmax_bwd_f32(g, y, gi, SP);
}

const LNP = new Float64Array(5);

function checkF64(fn: string, name: string, a: unknown, need: number): void {
  checkArray(fn, name, a, Float64Array);
  if ((a as Float64Array).length < need) throw new RuntimeError(`${fn}(): ${name} holds ${(a as Float64Array).length} elements, ${need} needed`);
}

function checkF32(fn: string, name: string, a: unknown, need: number): void {
  checkArray(fn, name, a, Float32Array);
  if ((a as Float32Array).length < need) throw new RuntimeError(`${fn}(): ${name} holds ${(a as Float32Array).length} elements, ${need} needed`);
}

/**
 * F.layer_norm over M contiguous rows of N float32 values at x[xOff...], into y[0...] (M*N), as
 * torch 1.13 computes it (src/nn/layer_norm_f32.ts's numbers): w, b the N weights and biases or
 * null when absent; mean and rstd (M doubles) receive each row's float mean and 1/std.
 */
export function layerNormRows(
  x: Float32Array, xOff: number, y: Float32Array, M: number, N: number, eps: number,
  w: Float32Array | null, b: Float32Array | null, mean: Float64Array, rstd: Float64Array,
): void {
  const fn = "layerNormRows";
  const nat = requireNative(fn);
  checkArray(fn, "x", x, Float32Array);
  checkArray(fn, "y", y, Float32Array);
  checkSizes(fn, ["M", "N"], [M, N]);
  if (typeof eps !== "number") throw new TypeError(`${fn}(): argument 'eps' must be float, not ${pyTypeName(eps)}`);
  const total = M * N;
  checkCount(fn, "x", x, xOff, total);
  checkCount(fn, "y", y, 0, total);
  if (w !== null) checkF32(fn, "weight", w, N);
  if (b !== null) checkF32(fn, "bias", b, N);
  checkF64(fn, "mean", mean, M);
  checkF64(fn, "rstd", rstd, M);
  LNP[0] = xOff, LNP[1] = 0, LNP[2] = M, LNP[3] = N, LNP[4] = eps;
  if (nat.layer_norm_f32(x, y, w, b, mean, rstd, LNP) !== 0) throw new RuntimeError(OVERLAP_IN);
}

/**
 * The backward of layerNormRows with layerNormBackwardF32's numbers: r[0...] (null: not wanted)
 * = the input gradient of rows g[gOff...] given x[xOff...], w (null when absent), mean, rstd;
 * gW and gB (N doubles each, null: not wanted) receive the weight and bias gradients.
 */
export function layerNormBackwardRows(
  g: Float32Array, gOff: number, x: Float32Array, xOff: number, r: Float32Array | null, M: number, N: number,
  w: Float32Array | null, mean: Float64Array, rstd: Float64Array, gW: Float64Array | null, gB: Float64Array | null,
): void {
  const fn = "layerNormBackwardRows";
  const nat = requireNative(fn);
  checkArray(fn, "g", g, Float32Array);
  checkArray(fn, "x", x, Float32Array);
  if (r !== null) checkArray(fn, "r", r, Float32Array);
  checkSizes(fn, ["M", "N"], [M, N]);
  const total = M * N;
  checkCount(fn, "g", g, gOff, total);
  checkCount(fn, "x", x, xOff, total);
  if (r !== null) checkCount(fn, "r", r, 0, total);
  if (w !== null) checkF32(fn, "weight", w, N);
  checkF64(fn, "mean", mean, M);
  checkF64(fn, "rstd", rstd, M);
  if (gW !== null) checkF64(fn, "gW", gW, N);
  if (gB !== null) checkF64(fn, "gB", gB, N);
  LNP[0] = gOff, LNP[1] = xOff, LNP[2] = 0, LNP[3] = M, LNP[4] = N;
  if (nat.layer_norm_bwd_f32(g, x, r, w, mean, rstd, gW, gB, LNP) !== 0) throw new RuntimeError(OVERLAP_IN);
}

export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weight_decay: number;
  /** the step count after this step's increment (1 on the first step) */
  step: number;
  /** AdamW's decoupled weight decay (p *= 1 - lr * wd) instead of Adam's g += wd * p */
  decoupled: boolean;
  maximize?: boolean;
}

/**
 * An optimizer step's arrays: Float32Arrays (only the last may be null) holding n elements from
 * their offsets. Writes the offsets (0 for an absent array) and n to the head of params.
 */
function checkStepArrays(
  fn: string, names: readonly string[], arrs: readonly (Float32Array | null)[], n: number,
  offsets: readonly number[], params: Float64Array,
): void {
  const k = arrs.length;
  for (let i = 0; i < k; i++) if (i < k - 1 || arrs[i] !== null) checkArray(fn, names[i], arrs[i], Float32Array);
  checkSizes(fn, ["n"], [n]);
  for (let i = 0; i < k; i++) {
    const a = arrs[i], off = a === null ? 0 : offsets[i] ?? 0;
    if (a !== null) checkCount(fn, names[i], a, off, n);
    params[i] = off;
  }
  params[k] = n;
}

/** An optimizer step's options: these numbers, and these flags booleans where given. */
function checkStepOptions<O extends object>(fn: string, o: O, numbers: readonly (keyof O & string)[], flags: readonly (keyof O & string)[]): void {
  for (const k of numbers) {
    if (typeof o[k] !== "number") throw new TypeError(`${fn}(): option '${k}' must be a number, not ${pyTypeName(o[k])}`);
  }
  for (const k of flags) if (o[k] !== undefined) checkFlag(fn, k, o[k]);
}

const AP = new Float64Array(17);

/**
 * One Adam / AdamW step over n float32 elements (param, grad, exp_avg, exp_avg_sq and, for
 * amsgrad, max_exp_avg_sq), in place, with exactly the numbers of src/optim/adam.ts's
 * sequence of float32 tensor ops. The five ranges must not overlap.
 */
export function adamStep(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null,
  n: number, o: AdamStepOptions, offsets: readonly number[] = [0, 0, 0, 0, 0],
): void {
  const fn = "adamStep";
  const nat = requireNative(fn);
  checkStepArrays(fn, ["p", "g", "m", "v", "vmax"], [p, g, m, v, vmax], n, offsets, AP);
  checkStepOptions(fn, o, ["lr", "beta1", "beta2", "eps", "weight_decay", "step"], ["decoupled", "maximize"]);
  checkInt(fn, "step", o.step);
  // The scalars exactly as adam.ts computes them (JS doubles); the addon rounds each to
  // float32 as the tensor ops cast their scalar operands.
  const { lr, beta1, beta2, eps, step } = o;
  const wd = o.weight_decay;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const stepSize = lr / bc1;
  AP[6] = o.maximize ? 1 : 0;
  AP[7] = wd === 0 ? 0 : o.decoupled ? 1 : 2;
  AP[8] = 1 - lr * wd;
  AP[9] = wd;
  AP[10] = beta1;
  AP[11] = 1 - beta1;
  AP[12] = beta2;
  AP[13] = 1 - beta2;
  AP[14] = Math.sqrt(bc2);
  AP[15] = eps;
  AP[16] = -stepSize;
  if (nat.adam_f32(p, g, m, v, vmax, AP) !== 0) throw new RuntimeError(OVERLAP_IN);
}

export interface SgdStepOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  /** with a momentum buffer: step along d + momentum * buf instead of buf */
  nesterov?: boolean;
  maximize?: boolean;
}

const SGP = new Float64Array(11);

/**
 * One SGD step over n float32 elements (param, grad and, with momentum, the momentum buffer an
 * earlier step created; null: no momentum), in place, with exactly the numbers of the float32
 * loop of src/optim/fused.ts's sgdFused (and so of sgd.ts's tensor ops). The three ranges must
 * not overlap.
 */
export function sgdStep(
  p: Float32Array, g: Float32Array, buf: Float32Array | null, n: number, o: SgdStepOptions,
  offsets: readonly number[] = [0, 0, 0],
): void {
  const fn = "sgdStep";
  const nat = requireNative(fn);
  checkStepArrays(fn, ["p", "g", "buf"], [p, g, buf], n, offsets, SGP);
  checkStepOptions(fn, o, ["lr", "momentum", "dampening", "weight_decay"], ["nesterov", "maximize"]);
  // JS doubles as sgdFused computes them; the addon rounds each to float32 as that loop does
  SGP[4] = o.maximize ? 1 : 0;
  SGP[5] = o.weight_decay !== 0 ? 1 : 0;
  SGP[6] = o.nesterov ? 1 : 0;
  SGP[7] = o.weight_decay;
  SGP[8] = o.momentum;
  SGP[9] = 1 - o.dampening;
  SGP[10] = -o.lr;
  if (nat.sgd_f32(p, g, buf, SGP) !== 0) throw new RuntimeError(OVERLAP_IN);
}

const GP = new Float64Array(8);

function checkIndexArray(fn: string, idx: unknown): asserts idx is Float64Array | Int32Array {
  if (!(idx instanceof Float64Array) && !(idx instanceof Int32Array)) {
    throw new TypeError(`${fn}(): argument 'indices' must be Float64Array (int64) or Int32Array, not ${pyTypeName(idx)}`);
  }
}

/** out[i, :] = weight[idx[i], :] for contiguous rows of D floats (an embedding lookup). */
export function gatherRows(
  weight: Float32Array, wOff: number, V: number, D: number,
  idx: Float64Array | Int32Array, idxOff: number, n: number,
  out: Float32Array, outOff: number,
): void {
  const fn = "gatherRows";
  const nat = requireNative(fn);
  checkArray(fn, "weight", weight, Float32Array);
  checkArray(fn, "out", out, Float32Array);
  checkIndexArray(fn, idx);
  checkSizes(fn, ["V", "D", "n"], [V, D, n]);
  checkCount(fn, "weight", weight, wOff, V * D);
  checkCount(fn, "indices", idx, idxOff, n);
  checkCount(fn, "out", out, outOff, n * D);
  GP[0] = wOff, GP[1] = V, GP[2] = D, GP[3] = idxOff, GP[4] = n, GP[5] = outOff;
  if (nat.gather_rows_f32(weight, idx, out, GP) !== 0) throw new IndexError("index out of range in self");
}

/**
 * out[idx[i], :] += grad[i, :] in index order (the embedding gradient), each sum in double and
 * rounded once as the TypeScript kernel's `+=`; rows whose index is padIdx are skipped;
 * scaleByFreq divides by how often each index occurs.
 */
export function scatterAddRows(
  grad: Float32Array, gOff: number, idx: Float64Array | Int32Array, idxOff: number, n: number, D: number,
  out: Float32Array, outOff: number, V: number, padIdx = -1, scaleByFreq = false,
): void {
  const fn = "scatterAddRows";
  const nat = requireNative(fn);
  checkArray(fn, "grad", grad, Float32Array);
  checkArray(fn, "out", out, Float32Array);
  checkIndexArray(fn, idx);
  checkSizes(fn, ["n", "D", "V"], [n, D, V]);
  checkInt(fn, "padIdx", padIdx);
  checkCount(fn, "grad", grad, gOff, n * D);
  checkCount(fn, "indices", idx, idxOff, n);
  checkCount(fn, "out", out, outOff, V * D);
  GP[0] = gOff, GP[1] = idxOff, GP[2] = n, GP[3] = D, GP[4] = outOff, GP[5] = V, GP[6] = padIdx < 0 ? 0 : padIdx + 1, GP[7] = scaleByFreq ? 1 : 0;
  if (nat.scatter_add_rows_f32(grad, idx, out, GP) !== 0) throw new IndexError("index out of range in self");
}


// ---------------------------------------------------------------------------------------------
// Reductions: sums in PyTorch's order, max/min and their indices, var/std

const RED_MAX_DIMS = 16;
const SUMP = new Float64Array(5 + 3 * RED_MAX_DIMS);
const EXTP = new Float64Array(5 + 3 * RED_MAX_DIMS);
const VARP = new Float64Array(6 + 3 * RED_MAX_DIMS);

/** The addon, after checking that x is a Float32Array or Float64Array and the outputs have its type. */
function reductionArrays(fn: string, x: Float32Array | Float64Array, outs: Record<string, unknown>): NativeBinding {
  const nat = requireNative(fn);
  const want = x instanceof Float64Array ? Float64Array : Float32Array;
  checkArray(fn, "x", x, want);
  for (const [name, a] of Object.entries(outs)) checkArray(fn, name, a, want);
  return nat;
}

/**
 * Checks a reduction's input (x[xOff...] viewed with shape and strides) and its reduced dims,
 * and writes shape[nd], strides[nd] and the reduced flags[nd] into P from `at`. Returns the
 * number of outputs and of elements reduced into each.
 */
function checkReduction(
  fn: string, x: Float32Array | Float64Array, xOff: number, shape: readonly number[], strides: readonly number[],
  dims: readonly number[], P: Float64Array, at: number,
): { outN: number; count: number } {
  if (!Array.isArray(shape) || !Array.isArray(strides) || !Array.isArray(dims)) {
    throw new TypeError(`${fn}(): shape, strides and dims must be lists of ints`);
  }
  const nd = shape.length;
  checkIntList(fn, "shape", shape, nd);
  checkIntList(fn, "strides", strides, nd);
  if (nd > RED_MAX_DIMS) throw new ValueError(`${fn}(): at most ${RED_MAX_DIMS} dims`);
  checkSizes(fn, shape.map((_, i) => `shape[${i}]`), shape);
  if (strides.some((v) => v < 0)) throw new RuntimeError(`as_strided: Negative strides are not supported at the moment, got strides: [${strides.join(", ")}]`);
  const reduced = new Array<boolean>(nd).fill(false);
  for (const d of dims) {
    checkInt(fn, "dims", d);
    if (d < 0 || d >= nd) throw new IndexError(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${d})`);
    reduced[d] = true;
  }
  checkInt(fn, "xOff", xOff);
  if (xOff < 0) throw new RuntimeError(`Tensor: invalid storage offset ${xOff}`);
  let top = xOff, numel = 1, outN = 1, count = 1;
  for (let d = 0; d < nd; d++) {
    top += (shape[d] - 1) * strides[d];
    numel *= shape[d];
    if (reduced[d]) count *= shape[d];
    else outN *= shape[d];
    P[at + d] = shape[d];
    P[at + nd + d] = strides[d];
    P[at + 2 * nd + d] = reduced[d] ? 1 : 0;
  }
  if (numel > 0 && !(top < x.length)) {
    throw new RuntimeError(
      `setStorage: sizes [${shape.join(", ")}], strides [${strides.join(", ")}], storage offset ${xOff}, and itemsize ${x.BYTES_PER_ELEMENT} ` +
        `requiring a storage size of ${(top + 1) * x.BYTES_PER_ELEMENT} are out of bounds for storage of size ${x.length * x.BYTES_PER_ELEMENT}`,
    );
  }
  return { outN, count };
}

/**
 * out = sum (nansum with skipNaN) of x over `dims`, written contiguously over the kept dims at
 * out[outOff...]: src/backend/sum_order.ts's sumInto for float32 -> float32 and float64 ->
 * float64, ported to C++ with the same accumulation order (bit-identical), including the
 * emulated split between PyTorch threads (threads: sum_order's setReductionThreads value).
 */
export function sumRows(
  x: Float32Array | Float64Array, xOff: number, shape: readonly number[], strides: readonly number[],
  dims: readonly number[], out: Float32Array | Float64Array, outOff: number,
  skipNaN = false, threads = getReductionThreads(),
): void {
  const fn = "sumRows";
  const nat = reductionArrays(fn, x, { out });
  const { outN } = checkReduction(fn, x, xOff, shape, strides, dims, SUMP, 5);
  checkFlag(fn, "skipNaN", skipNaN);
  checkInt(fn, "threads", threads);
  if (threads < 1 || threads > 1024) throw new ValueError(`${fn}(): threads must be in [1, 1024]`);
  checkCount(fn, "out", out, outOff, outN);
  SUMP[0] = xOff, SUMP[1] = outOff, SUMP[2] = shape.length, SUMP[3] = threads, SUMP[4] = skipNaN ? 1 : 0;
  const r = x instanceof Float64Array ? nat.sum_f64(x, out as Float64Array, SUMP) : nat.sum_f32(x, out as Float32Array, SUMP);
  if (r !== 0) throw new RuntimeError(OVERLAP_IN);
}

/**
 * sum_order.ts's sumInto signature: runs natively for float32 -> float32 and float64 ->
 * float64 (same bits as sumInto) and returns true; false (nothing done) otherwise.
 */
export function nativeSumInto(
  X: ArrayLike<number>, xOff: number, shape: readonly number[], strides: readonly number[],
  dims: readonly number[], O: ArrayLike<number>, oOff: number,
  inDtype: DType, outDtype: DType, skipNaN: boolean,
): boolean {
  if (native === null || inDtype !== outDtype || shape.length > RED_MAX_DIMS) return false;
  if (!((inDtype.name === "float32" && X instanceof Float32Array && O instanceof Float32Array) ||
        (inDtype.name === "float64" && X instanceof Float64Array && O instanceof Float64Array))) return false;
  sumRows(X, xOff, shape, strides, dims, O, oOff, skipNaN);
  return true;
}

/**
 * values / indices (either may be null) = the max (isMax) or min of x over `dims` and its
 * index (flat, row-major over the reduced dims), written contiguously over the kept dims:
 * src/backend/js_reduce.ts's amax/amin/argmax/argmin loop (the first NaN, else the first
 * extreme; -0 and +0 tie) for float32 and float64, bit for bit.
 */
export function extremeRows(
  x: Float32Array | Float64Array, xOff: number, shape: readonly number[], strides: readonly number[],
  dims: readonly number[], isMax: boolean,
  values: Float32Array | Float64Array | null, valuesOff: number, indices: Float64Array | null, indicesOff: number,
): void {
  const fn = "extremeRows";
  const nat = reductionArrays(fn, x, values === null ? {} : { values });
  if (indices !== null) checkArray(fn, "indices", indices, Float64Array);
  checkFlag(fn, "isMax", isMax);
  const { outN, count } = checkReduction(fn, x, xOff, shape, strides, dims, EXTP, 5);
  if (outN > 0 && count === 0) {
    const d = dims.find((k) => shape[k] === 0);
    throw new IndexError(`${fn}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  // an absent output's offset is still checked: the addon reads every number
  checkCount(fn, "values", values ?? [], valuesOff, values === null ? 0 : outN);
  checkCount(fn, "indices", indices ?? [], indicesOff, indices === null ? 0 : outN);
  EXTP[0] = xOff, EXTP[1] = valuesOff, EXTP[2] = indicesOff;
  EXTP[3] = shape.length, EXTP[4] = isMax ? 1 : 0;
  const r = x instanceof Float64Array
    ? nat.extreme_f64(x, values as Float64Array | null, indices, EXTP)
    : nat.extreme_f32(x, values as Float32Array | null, indices, EXTP);
  if (r !== 0) throw new RuntimeError(OVERLAP_IN);
}

/**
 * variance[...] and mean[...] (contiguous over the kept dims) = var (its square root with
 * takeSqrt) and mean of x over `dims` by Welford's algorithm in double, the divisor
 * count - correction (0 when count <= correction): src/ops/reduction.ts's varianceCore loop for
 * float32 and float64, bit for bit (NaN for both when nothing is reduced).
 */
export function varianceRows(
  x: Float32Array | Float64Array, xOff: number, shape: readonly number[], strides: readonly number[],
  dims: readonly number[], correction: number, takeSqrt: boolean,
  variance: Float32Array | Float64Array, varianceOff: number, mean: Float32Array | Float64Array, meanOff: number,
): void {
  const fn = "varianceRows";
  const nat = reductionArrays(fn, x, { variance, mean });
  if (typeof correction !== "number") throw new TypeError(`${fn}(): argument 'correction' must be float, not ${pyTypeName(correction)}`);
  checkFlag(fn, "takeSqrt", takeSqrt);
  const { outN } = checkReduction(fn, x, xOff, shape, strides, dims, VARP, 6);
  checkCount(fn, "variance", variance, varianceOff, outN);
  checkCount(fn, "mean", mean, meanOff, outN);
  VARP[0] = xOff, VARP[1] = varianceOff, VARP[2] = meanOff, VARP[3] = shape.length, VARP[4] = takeSqrt ? 1 : 0, VARP[5] = correction;
  const r = x instanceof Float64Array
    ? nat.var_f64(x, variance as Float64Array, mean as Float64Array, VARP)
    : nat.var_f32(x, variance as Float32Array, mean as Float32Array, VARP);
  if (r !== 0) throw new RuntimeError(OVERLAP_IN);
}

/** x's storage when the reduction kernels cover x (float32 or float64, at most 16 dims, `dims`
 * in range), else null. */
function statInput(x: Tensor, dims: readonly number[]): Float32Array | Float64Array | null {
  const X = x._storage.data, nd = x._shape.length;
  if (native === null || nd > RED_MAX_DIMS || !dims.every((d) => d < nd)) return null;
  if (x.dtype.name === "float32" && X instanceof Float32Array) return X;
  if (x.dtype.name === "float64" && X instanceof Float64Array) return X;
  return null;
}

/**
 * Backend.reduce for amax/amin/argmax/argmin (out: values, or the int64 indices of arg*;
 * idxOut: indices beside amax/amin's values): runs extremeRows and returns true, or false
 * (nothing done) where it does not apply (other dtypes, empty inputs).
 */
export function nativeExtremeInto(op: string, x: Tensor, dims: readonly number[], out: Tensor, idxOut?: Tensor): boolean {
  const X = statInput(x, dims);
  if (X === null || x.numel() === 0) return false;
  const arg = op === "argmax" || op === "argmin";
  const idx = arg ? out : idxOut;
  const values = arg ? null : out._storage.data, indices = idx?._storage.data ?? null;
  if (values !== null && values.constructor !== X.constructor) return false;
  if (indices !== null && !(indices instanceof Float64Array)) return false;
  extremeRows(X, x._offset, x._shape, x._strides, dims, op === "amax" || op === "argmax",
    values as Float32Array | Float64Array | null, out._offset, indices, idx?._offset ?? 0);
  return true;
}

/** FusedKernels.varianceInto: varianceRows into the contiguous V and M; false (nothing done)
 * for other dtypes. */
export function nativeVarianceInto(x: Tensor, dims: readonly number[], correction: number, takeSqrt: boolean, V: Tensor, M: Tensor): boolean {
  const X = statInput(x, dims);
  const VD = V._storage.data, MD = M._storage.data;
  if (X === null || VD.constructor !== X.constructor || MD.constructor !== X.constructor) return false;
  varianceRows(X, x._offset, x._shape, x._strides, dims, correction, takeSqrt, VD as typeof X, V._offset, MD as typeof X, M._offset);
  return true;
}

// ---------------------------------------------------------------------------------------------
// RNG fill loops (src/random/kernels.ts calls these through the backend table)

const RNG_STORE: Readonly<Record<string, number>> = { float32: 0, float64: 1, int64: 2, int32: 3, int16: 4, int8: 5, uint8: 6, bool: 7 };
const RNG_CTOR = [Float32Array, Float64Array, Float64Array, Int32Array, Int16Array, Int8Array, Uint8Array, Uint8Array] as const;
const RNG_MODE: Readonly<Record<string, number>> = { "32": 0, "64": 1, full: 2, default: 3 };
const RNGP = new Float64Array(9);
const MT_WORDS = 624;

function checkRngGenerator(fn: string, g: RngGenerator): void {
  const e = (g as { engine?: unknown } | null)?.engine as RngGenerator["engine"] | undefined;
  if (e === undefined || e === null || !(e.state instanceof Uint32Array) || e.state.length !== MT_WORDS) {
    throw new TypeError(`${fn}(): argument 'generator' must be a torch.Generator`);
  }
  const { left, next } = e;
  if (!Number.isInteger(left) || !Number.isInteger(next) || left < 1 || left > MT_WORDS || next < 0 || next > MT_WORDS) {
    throw new RuntimeError("Invalid mt19937 state");
  }
}

function checkRngNumber(fn: string, name: string, v: unknown): void {
  if (typeof v !== "number") throw new TypeError(`${fn}(): argument '${name}' must be float, not ${pyTypeName(v)}`);
}

/** Store code of out (its dtype when given: int64 and bool share float64's and uint8's arrays). */
function rngStore(fn: string, out: unknown, dtype?: string): number {
  const code = dtype === undefined ? -1 : RNG_STORE[dtype];
  if (dtype !== undefined && code === undefined) throw new TypeError(`${fn}(): unsupported dtype ${String(dtype)}`);
  for (let c = 0; c < RNG_CTOR.length; c++) {
    if (out instanceof RNG_CTOR[c] && out.constructor === RNG_CTOR[c]) {
      if (code === -1) return c;
      if (RNG_CTOR[code] === RNG_CTOR[c]) return code;
      break;
    }
  }
  throw new TypeError(`${fn}(): argument 'out' must be a typed array of dtype ${dtype ?? "float32 or float64"}, not ${pyTypeName(out)}`);
}

function rngFloatStore(fn: string, out: unknown): number {
  const c = rngStore(fn, out);
  if (c > 1) throw new TypeError(`${fn}(): argument 'out' must be Float32Array or Float64Array, not ${pyTypeName(out)}`);
  return c;
}

function rngCall(fn: string, op: number, g: RngGenerator, out: RngOut, store: number): boolean {
  const nat = requireNative(fn);
  const e = g.engine;
  RNGP[0] = e.left, RNGP[1] = e.next, RNGP[2] = store;
  if (out.buffer === e.state.buffer) throw new RuntimeError(`${fn}: out and the generator's state share memory`);
  if (nat.rng_fill(op, out, e.state, RNGP) !== 0) return false;
  e.left = RNGP[0];
  e.next = RNGP[1];
  return true;
}

/** uniformFill's loop: out = uniform24 or uniform53 scaled to [from, to) (one fma when fused). */
export function rngUniform(g: RngGenerator, out: Float32Array | Float64Array, from: number, to: number, fused: boolean): boolean {
  const fn = "rngUniform";
  checkRngGenerator(fn, g);
  const store = rngFloatStore(fn, out);
  checkRngNumber(fn, "from", from);
  checkRngNumber(fn, "to", to);
  checkFlag(fn, "fused", fused);
  RNGP[3] = from, RNGP[4] = to, RNGP[5] = fused ? 1 : 0;
  return rngCall(fn, 0, g, out, store);
}

/** normalFill's loops, with the generator's cached normal sample. */
export function rngNormal(g: RngGenerator, out: Float32Array | Float64Array, mean: number, std: number, contiguous: boolean, fused: boolean): boolean {
  const fn = "rngNormal";
  checkRngGenerator(fn, g);
  const store = rngFloatStore(fn, out);
  checkRngNumber(fn, "mean", mean);
  checkRngNumber(fn, "std", std);
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  checkFlag(fn, "contiguous", contiguous);
  checkFlag(fn, "fused", fused);
  const cached = g.next_double_normal_sample;
  if (cached !== null && typeof cached !== "number") throw new TypeError(`${fn}(): the generator's cached sample must be float or None`);
  RNGP[3] = mean, RNGP[4] = std, RNGP[5] = fused ? 1 : 0, RNGP[6] = contiguous ? 1 : 0;
  RNGP[7] = cached === null ? 0 : 1, RNGP[8] = cached ?? 0;
  if (!rngCall(fn, 1, g, out, store)) return false;
  g.next_double_normal_sample = RNGP[7] === 1 ? RNGP[8] : null;
  return true;
}

/** exponentialFill's loop: out = k * log(1 - uniform53) (glibc log), k = -1 / lambda. */
export function rngExponential(g: RngGenerator, out: Float32Array | Float64Array, k: number): boolean {
  const fn = "rngExponential";
  checkRngGenerator(fn, g);
  const store = rngFloatStore(fn, out);
  checkRngNumber(fn, "k", k);
  RNGP[3] = k;
  return rngCall(fn, 2, g, out, store);
}

/** bernoulliScalarFill's / dropoutMask's loop: out = uniform53 < p ? value : 0. */
export function rngBernoulli(g: RngGenerator, out: RngOut, p: number, value: number): boolean {
  const fn = "rngBernoulli";
  checkRngGenerator(fn, g);
  const store = rngStore(fn, out);
  checkRngNumber(fn, "p", p);
  checkRngNumber(fn, "value", value);
  RNGP[3] = p, RNGP[4] = value;
  return rngCall(fn, 3, g, out, store);
}

const U32_MASK = 0xffffffffn;
const U64 = (1n << 64n) - 1n;

/** randomFill's loops (src/backend/index.ts FusedKernels.rngRandom). */
export function rngRandom(g: RngGenerator, out: RngOut, dtype: string, mode: "32" | "64" | "full" | "default", lo: bigint, range: bigint): boolean {
  const fn = "rngRandom";
  checkRngGenerator(fn, g);
  const store = rngStore(fn, out, dtype);
  const m = RNG_MODE[mode];
  if (m === undefined) throw new ValueError(`${fn}(): mode must be "32", "64", "full" or "default", not ${String(mode)}`);
  if (typeof lo !== "bigint" || typeof range !== "bigint") throw new TypeError(`${fn}(): lo and range must be bigints`);
  if (lo < -(1n << 63n) || lo >= 1n << 63n) throw new RuntimeError(`${fn}(): lo ${lo} is not an int64`);
  if (range < 0n || range > U64 || (range === 0n && (mode === "32" || mode === "64"))) {
    throw new RuntimeError(`${fn}(): range ${range} must be a uint64 greater than 0`);
  }
  const l = lo & U64;
  RNGP[3] = m;
  RNGP[4] = Number(l >> 32n), RNGP[5] = Number(l & U32_MASK);
  RNGP[6] = Number(range >> 32n), RNGP[7] = Number(range & U32_MASK);
  return rngCall(fn, 4, g, out, store);
}
