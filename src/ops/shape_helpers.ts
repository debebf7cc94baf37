// Layout helpers used by kernels callers and backward formulas.
import { RuntimeError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";

/** A stride-0 view of t broadcast to `shape` (no autograd record: kernels only read it). */
export function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t._shape, shape)) return t;
  const nd = shape.length;
  const off = nd - t._shape.length;
  if (off < 0) throw new RuntimeError(`cannot broadcast [${t._shape.join(", ")}] to [${shape.join(", ")}]`);
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - off;
    if (j < 0) strides[i] = 0;
    else if (t._shape[j] === shape[i]) strides[i] = t._strides[j];
    else if (t._shape[j] === 1) strides[i] = 0;
    else
      throw new RuntimeError(
        `The expanded size of the tensor (${shape[i]}) must match the existing size (${t._shape[j]}) at non-singleton dimension ${i}.  Target sizes: [${shape.join(", ")}].  Tensor sizes: [${t._shape.join(", ")}]`,
      );
  }
  return new Tensor(t._storage, shape.slice(), strides, t._offset, t.dtype);
}

/** Sum a broadcast gradient back to the shape of the input it came from. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g._shape, shape)) return g;
  const lead = g._shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g._shape.length; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g._shape[i] !== 1) dims.push(i);
  }
  let r = dims.length ? g.sum(dims, true) : g;
  if (lead > 0) r = r.view(shape.length ? shape.slice() : []);
  else if (!sameShape(r._shape, shape)) r = r.view(shape.slice());
  return r;
}
