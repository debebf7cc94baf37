// Float sums in PyTorch's accumulation order. Placeholder order until the exact cascade is
// ported: sequential accumulation in the output dtype.
import type { DType, TypedArray } from "../dtype.js";

export function sumLane(X: TypedArray, off: number, n: number, stride: number, _in: DType, out: DType, skipNaN: boolean): number {
  let acc = 0;
  const f32 = out.name === "float32";
  for (let j = 0; j < n; j++) {
    const v = X[off + j * stride];
    if (skipNaN && v !== v) continue;
    acc = f32 ? Math.fround(acc + v) : acc + v;
  }
  return acc;
}
