// Node entry of the backend table: loads the native addon's kernels into `backend` unless
// TORCHLETTE_BACKEND=js (=native: the addon or an error, never the fallback). Kept out of
// backend/index.ts so the TypeScript backend has no Node dependency (a browser bundle leaves this
// file out). Every native kernel returns false for cases it does not cover, and the TypeScript
// kernel runs instead, with the same bits.
import { backend, jsBackend, useBackend, type Backend, type FusedKernels } from "./index.js";
import { RuntimeError } from "../errors.js";
import {
  activationLanes,
  adamStep,
  gatherRows,
  scatterAddRows,
  get_num_threads as nativeGetThreads,
  layerNormBackwardRows,
  layerNormRows,
  native,
  nativeElementwise,
  nativeExtremeInto,
  nativeMatmul,
  nativeSumInto,
  nativeVarianceInto,
  nativeUnavailableReason,
  rngBernoulli,
  rngExponential,
  rngNormal,
  rngRandom,
  rngUniform,
  set_num_threads as nativeSetThreads,
  sgdStep,
  softmaxBackwardRows,
  softmaxRows,
} from "./native.js";

const wanted = typeof process !== "undefined" ? process.env.TORCHLETTE_BACKEND : undefined;

/** torch.backends: which kernels run, and the matmul mode. */
export const backends = {
  /** "native" (C++ addon, AVX-512/AVX2/portable) or "js" (TypeScript everywhere) */
  get name(): string {
    return backend.name;
  },
  native: {
    is_available: (): boolean => native !== null,
    unavailable_reason: nativeUnavailableReason,
    /** true: float matmul sums each element sequentially without FMA, like PyTorch 1.13's
     * reference BLAS (and the TypeScript backend), bit for bit; false: the FMA kernels, ~2x faster */
    exact_matmul: true,
    isa: (): string | null => native?.isa?.() ?? null,
    /** true when the addon keeps freed memory mapped (glibc malloc thresholds, see
     * native/src/malloc_tuning.cc; off with TORCHLETTE_MALLOPT=0 or any MALLOC_* variable or GLIBC_TUNABLES) */
    malloc_tuned: (): boolean => native?.malloc_tuned?.() ?? false,
  },
};

if (native !== null) {
  const table = {
    name: "native",
    elementwise(op, out, inputs, compute, params) {
      if (!nativeElementwise(op, out, inputs, compute, params)) jsBackend.elementwise(op, out, inputs, compute, params);
    },
    matmul(a, b, out, accumulate = false) {
      if (!nativeMatmul(a, b, out, accumulate, backends.native.exact_matmul)) jsBackend.matmul(a, b, out, accumulate);
    },
    reduce(op, x, dims, out, idxOut) {
      if ((op === "sum" || op === "nansum") && dims.every((d) => d < x._shape.length) &&
        nativeSumInto(x._storage.data, x._offset, x._shape, x._strides, dims, out._storage.data, out._offset, x.dtype, out.dtype, op === "nansum")) return;
      if ((op === "amax" || op === "amin" || op === "argmax" || op === "argmin") && nativeExtremeInto(op, x, dims, out, idxOut)) return;
      jsBackend.reduce(op, x, dims, out, idxOut);
    },
    // fused kernels, looked up by the code that can use them (src/optim/fused.ts's adamFused
    // and sgdFused, src/nn/functional.ts's softmax and layer_norm, src/ops/reduction.ts's var/std)
    activationLanes,
    adamStep,
    sgdStep,
    varianceInto: nativeVarianceInto,
    softmaxRows,
    softmaxBackwardRows,
    layerNormRows,
    layerNormBackwardRows,
    gatherRows,
    scatterAddRows,
    // src/random/kernels.ts's sampling loops
    rngUniform,
    rngNormal,
    rngExponential,
    rngBernoulli,
    rngRandom,
  } satisfies Backend & FusedKernels & Record<string, unknown>;
  useBackend(table);
} else if (wanted === "native") {
  // asked for by name: no quiet fallback (CI runs the suite this way, so a broken build fails it)
  throw new Error(`torchlette: TORCHLETTE_BACKEND=native, but the native addon is unavailable (${nativeUnavailableReason})`);
} else if (wanted !== "js") {
  console.warn(`torchlette: native addon unavailable (${nativeUnavailableReason}); using the TypeScript backend`);
}
if (wanted !== undefined && wanted !== "" && wanted !== "js" && wanted !== "native")
  console.warn(`torchlette: TORCHLETTE_BACKEND=${wanted} is neither "native" nor "js"; ignored`);

/** torch.set_num_threads: threads for the native matmul (results do not depend on it). */
export function set_num_threads(n: number): void {
  if (!Number.isInteger(n) || n <= 0) {
    throw new RuntimeError(`set_num_threads expects a positive integer`);
  }
  if (native !== null) nativeSetThreads(n);
  else jsThreads = n;
}
// the TypeScript kernels are single-threaded; the setting is kept for get_num_threads
let jsThreads = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
/** torch.get_num_threads: default = the cores available, as in PyTorch */
export function get_num_threads(): number {
  return native !== null ? nativeGetThreads() : jsThreads;
}
