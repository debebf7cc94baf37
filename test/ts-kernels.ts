// The reference side of the native-kernel tests: the backend table without its optional fused
// kernels (the entries jsBackend lacks: softmax/layer_norm/embedding rows, Adam, RNG fills), so
// the code that looks them up runs its own TypeScript loops; or the TypeScript backend whole.
import { backend, jsBackend, useBackend, type Backend } from "../src/backend/index.js";

/** Runs fn with the optional kernels removed from the backend table (put back afterwards). */
export function withTsKernels<T>(fn: () => T): T {
  const table = backend as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(table).filter((k) => !(k in jsBackend)).map((k) => [k, table[k]]));
  for (const k of Object.keys(saved)) delete table[k];
  try {
    return fn();
  } finally {
    Object.assign(table, saved);
  }
}

/** Runs fn on the TypeScript backend (every entry, TORCHLETTE_BACKEND=js's kernels), then puts
 * the table back as it was. */
export function withJsBackend<T>(fn: () => T): T {
  const saved: Backend & Record<string, unknown> = { ...backend };
  useBackend({ ...jsBackend });
  try {
    return fn();
  } finally {
    useBackend(saved);
  }
}
