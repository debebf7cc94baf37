// The loop the small bench scripts time with (compare.ts, kernels.ts, tiny_op.ts).

/** `warmup` calls, then `reps` trials of `inner` calls each: µs per call of every trial, ascending. */
export function trialsUs(f: () => unknown, inner: number, reps: number, warmup = Math.max(1, inner / 4)): number[] {
  for (let i = 0; i < warmup; i++) f();
  const res: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    res.push(((performance.now() - t0) * 1000) / inner);
  }
  return res.sort((a, b) => a - b);
}
