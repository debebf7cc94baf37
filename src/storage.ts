// A flat typed array shared by a tensor and all its views. The version counter lives here so
// that every view of the same memory sees in-place changes (autograd's saved-tensor check).
import type { DType, TypedArray } from "./dtype.js";

export class Storage {
  version = 0;
  constructor(
    public data: TypedArray,
    readonly dtype: DType,
  ) {}
  get length(): number {
    return this.data.length;
  }
}

/** The single place storage memory is obtained, so pooling can be added without touching ops. */
export function allocate(dtype: DType, n: number): Storage {
  return new Storage(new dtype.ArrayType(n), dtype);
}
