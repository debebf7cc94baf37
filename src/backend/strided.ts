// Strided iteration shared by the TypeScript kernels. Dims that are contiguous in every operand
// are merged first, so most calls run a single flat loop.
import type { Tensor } from "../tensor.js";

export interface Layout {
  shape: number[];
  strides: number[][]; // one stride list per operand, same length as shape
  offsets: number[];
}

/** Merge adjacent dims that every operand walks contiguously; drop size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[], offsets: number[]): Layout {
  const nops = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    if (s === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let k = 0; k < nops; k++) {
        if (outStrides[k][last] !== strides[k][d] * s) {
          merge = false;
          break;
        }
      }
    }
    if (merge) {
      outShape[last] *= s;
      for (let k = 0; k < nops; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(s);
      for (let k = 0; k < nops; k++) outStrides[k].push(strides[k][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let k = 0; k < nops; k++) outStrides[k].push(1);
  }
  return { shape: outShape, strides: outStrides, offsets };
}

export function layoutOf(out: Tensor, inputs: readonly Tensor[]): Layout {
  const strides = [out._strides, ...inputs.map((t) => t._strides)];
  const offsets = [out._offset, ...inputs.map((t) => t._offset)];
  return coalesce(out._shape, strides, offsets);
}
