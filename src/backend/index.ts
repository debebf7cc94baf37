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

/** Fused row kernels a backend may add (the native addon does). The code that can use one
 * looks it up at call time (`fused.softmaxRows?.(...)`) and otherwise runs its own TypeScript
 * loop, which computes the same bits. Arrays are contiguous float32 with element offsets. */
export interface FusedKernels {
  /** y = softmax (log: log_softmax) of x viewed as [outer, n, inner] over n */
  softmaxRows?(x: Float32Array, xOff: number, y: Float32Array, yOff: number, outer: number, n: number, inner: number, log: boolean): void;
  /** its gradient; negZeroStart: the row sums start from -0 */
  softmaxBackwardRows?(
    g: Float32Array, gOff: number, y: Float32Array, yOff: number, gi: Float32Array, giOff: number,
    outer: number, n: number, inner: number, log: boolean, negZeroStart: boolean,
  ): void;
  /** F.layer_norm's row loops over M rows of N (src/nn/functional.ts's layerNormRows) */
  layerNormRows?(
    x: Float32Array, xOff: number, y: Float32Array, M: number, N: number, eps: number,
    w: Float64Array, b: Float64Array, mean: Float64Array, rstd: Float64Array,
  ): void;
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
    w: Float64Array, mean: Float64Array, rstd: Float64Array, gW: Float64Array | null, gB: Float64Array | null,
  ): void;
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
