// cat, stack, split, chunk, unbind: joining and splitting along a dim.
import { backend } from "../backend/index.js";
import { promoteTypes } from "../dtype.js";
import { IndexError, RuntimeError, TypeError } from "../errors.js";
import { numel, wrapDim } from "../shape.js";
import { allocate } from "../storage.js";
import { empty, Tensor } from "../tensor.js";
import { needsGrad, record } from "./util.js";
import { markMultiOutput } from "../autograd/node.js";

export function cat(tensors: Tensor[], dim: number | { dim?: number } = 0): Tensor {
  const d0 = typeof dim === "object" ? (dim.dim ?? 0) : dim;
  if (!Array.isArray(tensors)) throw new TypeError("cat(): argument 'tensors' must be tuple of Tensors, not Tensor");
  if (tensors.length === 0) throw new RuntimeError("torch.cat(): expected a non-empty list of Tensors");
  // legacy rule: 1-D empty tensors are skipped
  const parts = tensors.filter((t) => !(t.dim() === 1 && t._shape[0] === 0));
  const ref = parts[0] ?? tensors[0];
  for (let i = 0; i < tensors.length; i++)
    if (tensors[i].dim() === 0)
      throw new RuntimeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  // the skipped empty tensors still take part in type promotion
  let dt = tensors[0].dtype;
  for (const t of tensors) dt = promoteTypes(dt, t.dtype);
  // the skipped tensors are still inputs of CatBackward0 (their gradient is empty)
  const skipped = tensors.map((t) => t.dim() === 1 && t._shape[0] === 0);
  const recordCat = (out: Tensor, sizes: number[], d: number): Tensor =>
    record(out, "CatBackward0", tensors, (g) => {
      const pieces = sizes.length ? g.split(sizes, d) : [];
      let k = 0;
      return tensors.map((_, i) => (skipped[i] ? empty([0], g.dtype) : pieces[k++]));
    });
  if (parts.length === 0) return recordCat(empty([0], dt), [], 0);
  const d = wrapDim(d0, ref.dim());
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const t = parts[i];
    if (t.dim() !== ref.dim()) {
      throw new RuntimeError(
        `Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`,
      );
    }
    for (let k = 0; k < ref.dim(); k++)
      if (k !== d && t._shape[k] !== ref._shape[k]) {
        throw new RuntimeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${t._shape[k]} for tensor number ${tensors.indexOf(t)} in the list.`,
        );
      }
    total += t._shape[d];
  }
  const shape = ref._shape.slice();
  shape[d] = total;
  // the parts' copies below write every element: no zero fill
  const out = new Tensor(allocate(dt, numel(shape), false), shape);
  let off = 0;
  for (const t of parts) {
    const n = t._shape[d];
    if (n > 0 && t.numel() > 0) {
      const region = out._alias(t._shape.slice(), out._strides.slice(), out._offset + off * out._strides[d], false);
      backend.elementwise("copy", region, [t], dt);
    }
    off += n;
  }
  if (needsGrad(...tensors)) recordCat(out, parts.map((t) => t._shape[d]), d);
  return out;
}
export const concat = cat;
export const concatenate = cat;

export function stack(tensors: Tensor[], dim: number | { dim?: number } = 0): Tensor {
  const d0 = typeof dim === "object" ? (dim.dim ?? 0) : dim;
  if (tensors.length === 0) throw new RuntimeError("stack expects a non-empty TensorList");
  const ref = tensors[0];
  for (let i = 1; i < tensors.length; i++) {
    const t = tensors[i];
    if (t._shape.length !== ref._shape.length || t._shape.some((s, k) => s !== ref._shape[k])) {
      throw new RuntimeError(
        `stack expects each tensor to be equal size, but got [${ref._shape.join(", ")}] at entry 0 and [${t._shape.join(", ")}] at entry ${i}`,
      );
    }
  }
  const d = wrapDim(d0, ref.dim() + 1);
  const out = cat(tensors.map((t) => t.unsqueeze(d)), d);
  if (out.grad_fn) out.grad_fn.name = "StackBackward0";
  return out;
}

export function hstack(tensors: Tensor[]): Tensor {
  return tensors[0].dim() === 1 ? cat(tensors, 0) : cat(tensors, 1);
}
export function vstack(tensors: Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.dim() < 2 ? t.reshape([1, -1]) : t)), 0);
}

export function split(x: Tensor, sizes: number | number[], dim: number | { dim?: number } = 0): Tensor[] {
  const d0 = typeof dim === "object" ? (dim.dim ?? 0) : dim;
  if (x.dim() === 0) throw new RuntimeError("split expects at least a 1-dimensional tensor");
  const d = wrapDim(d0, x.dim());
  const n = x._shape[d];
  let list: number[];
  if (typeof sizes === "number") {
    if (sizes < 0) throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${sizes}`);
    if (sizes === 0 && n !== 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
    list = [];
    for (let s = 0; s < n; s += sizes) list.push(Math.min(sizes, n - s));
    if (list.length === 0) list.push(0);
  } else {
    list = sizes;
    const total = list.reduce((a, b) => a + b, 0);
    if (total !== n) {
      throw new RuntimeError(
        `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${list.join(", ")}]`,
      );
    }
  }
  const out: Tensor[] = [];
  let s = 0;
  const node = typeof sizes === "number" ? "SplitBackward0" : "SplitWithSizesBackward0";
  for (const len of list) {
    const part = x.narrow(d, s, len);
    if (part.grad_fn) part.grad_fn.name = node;
    out.push(part);
    s += len;
  }
  markMultiOutput(out);
  return out;
}

export function tensor_split_sizes(n: number, chunks: number): number[] {
  const size = Math.ceil(n / chunks);
  const out: number[] = [];
  for (let s = 0; s < n; s += size) out.push(Math.min(size, n - s));
  return out;
}

export function chunk(x: Tensor, chunks: number, dimArg: number | { dim?: number } = 0): Tensor[] {
  const dim = typeof dimArg === "object" ? (dimArg.dim ?? 0) : dimArg;
  if (chunks <= 0) throw new RuntimeError("chunk expects `chunks` to be greater than 0, got: " + chunks);
  if (x.dim() === 0) throw new RuntimeError("chunk expects at least a 1-dimensional tensor");
  const d = wrapDim(dim, x.dim());
  const n = x._shape[d];
  const size = Math.ceil(n / chunks);
  const out = split(x, size === 0 ? 1 : size, d);
  for (const t of out) if (t.grad_fn) t.grad_fn.name = "SplitBackward0";
  markMultiOutput(out);
  return n === 0 ? split(x, 0, d) : out;
}

export function unbind(x: Tensor, dimArg: number | { dim?: number } = 0): Tensor[] {
  const dim = typeof dimArg === "object" ? (dimArg.dim ?? 0) : dimArg;
  if (x.dim() === 0) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
  const d = wrapDim(dim, x.dim());
  const out: Tensor[] = [];
  for (let i = 0; i < x._shape[d]; i++) {
    const s = x.select(d, i);
    if (s.grad_fn) s.grad_fn.name = "UnbindBackward0";
    out.push(s);
  }
  markMultiOutput(out);
  return out;
}

declare module "../tensor.js" {
  interface Tensor {
    split(sizes: number | number[], dim?: number | { dim?: number }): Tensor[];
    chunk(chunks: number, dim?: number | { dim?: number }): Tensor[];
    unbind(dim?: number | { dim?: number }): Tensor[];
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  P.split = function (this: Tensor, s: number | number[], d?: number) {
    return split(this, s, d);
  };
  P.chunk = function (this: Tensor, c: number, d?: number | { dim?: number }) {
    return chunk(this, c, d);
  };
  P.unbind = function (this: Tensor, d?: number | { dim?: number }) {
    return unbind(this, d);
  };
}
