// The backend table: every kernel call in src/ops goes through `backend`. The TypeScript backend
// runs everywhere; the native addon (src/backend/native.ts) replaces entries when it loads.
import type { DType } from "../dtype.js";
import type { Tensor } from "../tensor.js";
import { elementwise } from "./js_elementwise.js";
import { matmul } from "./js_matmul.js";
import { reduce, type ReduceOp } from "./js_reduce.js";

export interface Backend {
  name: string;
  /** out = op(inputs) elementwise; inputs expanded to out's shape (stride 0 where broadcast) */
  elementwise(op: string, out: Tensor, inputs: readonly Tensor[], compute: DType, params?: ArrayLike<number>): void;
  /** out (contiguous, the kept dims) = op over dims of x; idxOut gets arg indices for amax/amin */
  reduce(op: ReduceOp, x: Tensor, dims: readonly number[], out: Tensor, idxOut?: Tensor): void;
  /** out[..., M, N] (+)= a[..., M, K] @ b[..., K, N]; batch dims already broadcast; out's last dim
   * unit-stride. accumulate: add to out, each k-step rounded in order (reference BLAS's axpy form) */
  matmul(a: Tensor, b: Tensor, out: Tensor, accumulate?: boolean): void;
}

/** The mt19937 engine of a torch.Generator (src/random/mt19937.ts) as the RNG kernels see it:
 * 624 untempered state words, outputs left before the next twist, index of the next word. */
export interface RngEngine {
  readonly state: Uint32Array;
  left: number;
  next: number;
}
/** A torch.Generator (src/random/generator.ts): its engine and the cached second sample of
 * normal_distribution<double>. */
export interface RngGenerator {
  readonly engine: RngEngine;
  next_double_normal_sample: number | null;
}
/** Typed arrays the sampling kernels fill (int64 lives in a Float64Array, bool in a Uint8Array). */
export type RngOut = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** The ops of FusedKernels.activationLanes: sigmoid, silu, gelu(tanh), elu, softplus and mish by
 * chunks of 16 of a contiguous row, gelu (erf form) by whole contiguous tensors, log_sigmoid by
 * any contiguous run (src/backend/js_math.ts) */
export type ActivationOp = "sigmoid" | "silu" | "gelu_tanh" | "gelu" | "elu" | "softplus" | "mish" | "log_sigmoid";

/** Fused row kernels a backend may add (the native addon does). The code that can use one
 * looks it up at call time (`fused.softmaxRows?.(...)`) and otherwise runs its own TypeScript
 * loop, which computes the same bits. Arrays are contiguous float32 with element offsets
 * (varianceInto takes tensors). */
export interface FusedKernels {
  /** y = softmax (log: log_softmax) of `rows` contiguous rows of n (src/nn/softmax_f32.ts, last dim) */
  softmaxRows?(x: Float32Array, xOff: number, y: Float32Array, yOff: number, rows: number, n: number, log: boolean): void;
  /** its gradient */
  softmaxBackwardRows?(g: Float32Array, gOff: number, y: Float32Array, yOff: number, gi: Float32Array, giOff: number, rows: number, n: number, log: boolean): void;
  /** F.layer_norm over M rows of N (src/nn/layer_norm_f32.ts's layerNormF32; w, b null when absent) */
  layerNormRows?(
    x: Float32Array, xOff: number, y: Float32Array, M: number, N: number, eps: number,
    w: Float32Array | null, b: Float32Array | null, mean: Float64Array, rstd: Float64Array,
  ): void;
  /** y = op(x) over n contiguous floats as torch 1.13's vector path computes them
   * (src/backend/js_math.ts: VEC_OPS vec lanes for a contiguous row's chunks of 16, with the
   * lane parameters p0-p2 of elu and softplus; gelu: dnnlGeluErf; log_sigmoid: logSigmoidf) */
  activationLanes?(op: ActivationOp, x: Float32Array, xOff: number, y: Float32Array, yOff: number, n: number, p0?: number, p1?: number, p2?: number): void;
  /** out[i, :] = weight[idx[i], :] (F.embedding) */
  gatherRows?(
    weight: Float32Array, wOff: number, V: number, D: number, idx: Float64Array | Int32Array, idxOff: number, n: number,
    out: Float32Array, outOff: number,
  ): void;
  /** out[idx[i], :] += grad[i, :] in order, each sum in double (the embedding gradient) */
  scatterAddRows?(
    grad: Float32Array, gOff: number, idx: Float64Array | Int32Array, idxOff: number, n: number, D: number,
    out: Float32Array, outOff: number, V: number, padIdx: number, scaleByFreq: boolean,
  ): void;
  /** and its backward (layerNormBackwardRows) */
  layerNormBackwardRows?(
    g: Float32Array, gOff: number, x: Float32Array, xOff: number, r: Float32Array | null, M: number, N: number,
    w: Float32Array | null, mean: Float64Array, rstd: Float64Array, gW: Float64Array | null, gB: Float64Array | null,
  ): void;
  /** var/std over dims of x (float32/float64, any layout) into the contiguous fresh V and M with
   * src/ops/reduction.ts's Welford loop (the mean into M); false (nothing done) where it does not apply */
  varianceInto?(x: Tensor, dims: readonly number[], correction: number, takeSqrt: boolean, V: Tensor, M: Tensor): boolean;
  // The sampling loops of src/random/kernels.ts, called after its argument checks with what its
  // own loops would use; each draws from g's engine exactly as those loops do (same outputs,
  // same engine state after) and returns false, drawing nothing, for a case it does not cover.
  /** uniformFill's loop (fused: the AVX2 capability's fma) */
  rngUniform?(g: RngGenerator, out: Float32Array | Float64Array, from: number, to: number, fused: boolean): boolean;
  /** normalFill's loops, the 16-element Box-Muller blocks when contiguous and out.length >= 16 */
  rngNormal?(g: RngGenerator, out: Float32Array | Float64Array, mean: number, std: number, contiguous: boolean, fused: boolean): boolean;
  /** exponentialFill's loop: out = k * log(1 - uniform53) */
  rngExponential?(g: RngGenerator, out: Float32Array | Float64Array, k: number): boolean;
  /** bernoulliScalarFill's / dropoutMask's loop: out = uniform53 < p ? value : 0 */
  rngBernoulli?(g: RngGenerator, out: RngOut, p: number, value: number): boolean;
  /**
   * randomFill's loops for dtype: mode "32" lo + random() % range, "64" lo + random64() % range,
   * "full" random64() as int64, "default" random_() without bounds (lo, range unused); results
   * wrap to int64, then convert like static_cast<dtype>.
   */
  rngRandom?(g: RngGenerator, out: RngOut, dtype: string, mode: "32" | "64" | "full" | "default", lo: bigint, range: bigint): boolean;
}

export const jsBackend: Backend = { name: "js", elementwise, reduce, matmul };

/** The active kernels. Ops read `backend.x` at call time, so swapping entries takes effect at once. */
export const backend: Backend = { ...jsBackend };

/** Installs a backend's entries over the TypeScript ones. Entries beyond Backend's (optional
 * fused kernels such as `adamStep`, looked up by the code that can use them) are dropped first,
 * so that switching back to the TypeScript backend leaves none behind. */
/** The active backend's optional fused kernels (absent on the TypeScript backend). */
export const fused: FusedKernels = backend as Backend & FusedKernels;

export function useBackend(b: Partial<Backend> & { name: string } & Record<string, unknown>): void {
  for (const k of Object.keys(backend)) if (!(k in jsBackend)) delete (backend as unknown as Record<string, unknown>)[k];
  Object.assign(backend, jsBackend, b);
}
