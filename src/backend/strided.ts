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
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  coalesceInto(shape, strides, outShape, outStrides); // fresh arrays: exactly nd entries each
  return { shape: outShape, strides: outStrides, offsets };
}

/**
 * coalesce's merge into arrays the caller keeps (entries 0 .. nd-1 written, nd returned, at
 * least 1): the native element-wise dispatch reuses its arrays from call to call.
 */
export function coalesceInto(shape: readonly number[], strides: readonly (readonly number[])[], outShape: number[], outStrides: number[][]): number {
  const nops = strides.length;
  let nd = 0;
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    if (s === 1) continue;
    let merge = nd > 0;
    for (let k = 0; k < nops && merge; k++) merge = outStrides[k][nd - 1] === strides[k][d] * s;
    if (merge) {
      outShape[nd - 1] *= s;
      for (let k = 0; k < nops; k++) outStrides[k][nd - 1] = strides[k][d];
    } else {
      outShape[nd] = s;
      for (let k = 0; k < nops; k++) outStrides[k][nd] = strides[k][d];
      nd++;
    }
  }
  if (nd === 0) {
    outShape[0] = 1;
    for (let k = 0; k < nops; k++) outStrides[k][0] = 1;
    nd = 1;
  }
  return nd;
}

export function layoutOf(out: Tensor, inputs: readonly Tensor[]): Layout {
  const strides = [out._strides, ...inputs.map((t) => t._strides)];
  const offsets = [out._offset, ...inputs.map((t) => t._offset)];
  return coalesce(out._shape, strides, offsets);
}
