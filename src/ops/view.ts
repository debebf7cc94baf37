// View ops: new shape/strides/offset over the same storage, no copy. Each records the backward
// that maps the view's gradient back to its input's layout.
import { backend } from "../backend/index.js";
import { RuntimeError, IndexError, TypeError, ValueError } from "../errors.js";
import { legacyTypeName } from "./dtype_names.js";
import { contiguousStrides, inferSize, numel, parseSize, sameShape, viewStrides, wrapDim } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { emptyStrided, expandTo, preserveStrides, sumTo } from "./shape_helpers.js";
import { needsGrad, params, record, splitOpts } from "./util.js";

function makeView(x: Tensor, shape: number[], strides: number[], offset: number, node: string, backward: (g: Tensor) => Tensor): Tensor {
  const out = x._alias(shape, strides, offset);
  out._requires_grad = false;
  if (needsGrad(x)) {
    record(out, node, [x], (g) => [backward(g)]);
    // a later in-place write through the base or another view regenerates this view's history
    out._viewVersion = x._storage.version;
  }
  return out;
}

/** Gradient of a view that selects a region: zeros shaped like the input, the view's region = g. */
function regionGrad(x: Tensor, g: Tensor, apply: (t: Tensor) => Tensor): Tensor {
  const z = empty(x._shape.slice(), g.dtype);
  apply(z).copy_(g);
  return z;
}

export function view(x: Tensor, ...args: unknown[]): Tensor {
  if (args.length === 1 && (args[0] as object) !== null && typeof args[0] === "object" && "is_floating_point" in (args[0] as object)) {
    throw new RuntimeError("view(dtype) is not supported by torchlette");
  }
  const shape = inferSize(parseSize(args), x.numel());
  const strides = viewStrides(x._shape, x._strides, shape);
  if (strides === null) {
    throw new RuntimeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const inShape = x._shape.slice();
  return makeView(x, shape, strides, x._offset, "ViewBackward0", (g) => g.reshape(inShape));
}

export function reshape(x: Tensor, ...args: unknown[]): Tensor {
  const shape = inferSize(parseSize(args), x.numel());
  const strides = viewStrides(x._shape, x._strides, shape);
  const inShape = x._shape.slice();
  if (strides !== null) {
    return makeView(x, shape, strides, x._offset, "ReshapeAliasBackward0", (g) => g.reshape(inShape));
  }
  // _unsafe_view(clone(memory_format=contiguous))
  const c = copyWithStrides(x, contiguousStrides(x._shape));
  const out = c._alias(shape, contiguousStrides(shape), c._offset, false);
  out.grad_fn = null;
  out._requires_grad = false;
  if (needsGrad(x)) record(out, "UnsafeViewBackward0", [x], (g) => [g.reshape(inShape)]);
  return out;
}

export function flatten(x: Tensor, start_dim: number | { start_dim?: number; end_dim?: number } = 0, end_dim = -1): Tensor {
  if (typeof start_dim === "object") {
    end_dim = start_dim.end_dim ?? -1;
    start_dim = start_dim.start_dim ?? 0;
  }
  if (x.dim() === 0) return x.reshape([1]);
  const s = wrapDim(start_dim, x.dim());
  const e = wrapDim(end_dim, x.dim());
  if (s > e) throw new RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return x;
  const shape = [...x._shape.slice(0, s), numel(x._shape.slice(s, e + 1)), ...x._shape.slice(e + 1)];
  return x.reshape(shape);
}

export function unflatten(x: Tensor, dim: number, sizes: number[]): Tensor {
  const d = wrapDim(dim, x.dim());
  if (!sizes.includes(-1) && numel(sizes) !== x._shape[d]) {
    throw new RuntimeError(
      `unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${dim} (${x._shape[d]}) in the input tensor`,
    );
  }
  const inner = inferSize(sizes, x._shape[d]);
  if (numel(inner) !== x._shape[d]) {
    throw new RuntimeError(
      `unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${dim} (${x._shape[d]}) in the input tensor`,
    );
  }
  return x.view([...x._shape.slice(0, d), ...inner, ...x._shape.slice(d + 1)]);
}

export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  const inShape = x._shape.slice();
  let drop: (d: number) => boolean;
  let node = "SqueezeBackward0";
  if (dim === undefined) drop = (d) => x._shape[d] === 1;
  else {
    const dims = (Array.isArray(dim) ? dim : [dim]).map((d) => wrapDim(d, x.dim()));
    drop = (d) => dims.includes(d) && x._shape[d] === 1;
    node = Array.isArray(dim) ? "SqueezeBackward2" : "SqueezeBackward1";
  }
  const shape: number[] = [], strides: number[] = [];
  for (let d = 0; d < x.dim(); d++)
    if (!drop(d)) {
      shape.push(x._shape[d]);
      strides.push(x._strides[d]);
    }
  return makeView(x, shape, strides, x._offset, node, (g) => g.reshape(inShape));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = wrapDim(dim, x.dim() + 1);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  const st = d < x.dim() ? x._shape[d] * x._strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return makeView(x, shape, strides, x._offset, "UnsqueezeBackward0", (g) => g.squeeze(d));
}

export function permute(x: Tensor, ...args: unknown[]): Tensor {
  if (args.length === 0) throw new TypeError('permute() missing 1 required positional arguments: "dims"');
  const dims = parseSize(args).map((d) => wrapDim(d, x.dim()));
  if (dims.length !== x.dim()) {
    throw new RuntimeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to len(dims) = ${dims.length}`,
    );
  }
  if (new Set(dims).size !== dims.length) throw new RuntimeError("permute(): duplicate dims are not allowed.");
  const inv = new Array<number>(dims.length);
  dims.forEach((d, i) => (inv[d] = i));
  return makeView(
    x,
    dims.map((d) => x._shape[d]),
    dims.map((d) => x._strides[d]),
    x._offset,
    "PermuteBackward0",
    (g) => g.permute(inv),
  );
}

export function transpose(x: Tensor, dim0: number, dim1: number, node = "TransposeBackward0"): Tensor {
  const a = wrapDim(dim0, x.dim());
  const b = wrapDim(dim1, x.dim());
  const shape = x._shape.slice(), strides = x._strides.slice();
  if (x.dim() === 0) return makeView(x, shape, strides, x._offset, node, (g) => g);
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return makeView(x, shape, strides, x._offset, node, (g) => g.transpose(a, b));
}
export const swapaxes = transpose;
export const swapdims = transpose;

export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  if (x.dim() < 2) return makeView(x, x._shape.slice(), x._strides.slice(), x._offset, "TBackward0", (g) => g);
  return transpose(x, 0, 1, "TBackward0");
}

export function numpyT(x: Tensor): Tensor {
  const dims = x._shape.map((_, i) => x.dim() - 1 - i);
  return permute(x, dims);
}

export function mT(x: Tensor): Tensor {
  if (x.dim() < 2) throw new RuntimeError(`tensor.mT is only supported on matrices or batches of matrices. Got ${x.dim()}-D tensor.`);
  return transpose(x, -2, -1);
}

export function expand(x: Tensor, ...args: unknown[]): Tensor {
  if (args.length === 0) throw new TypeError('expand() missing 1 required positional arguments: "size"');
  const sizes = parseSize(args);
  if (sizes.length < x.dim()) {
    throw new RuntimeError(
      `expand(${legacyTypeName(x.dtype)}{[${x._shape.join(", ")}]}, size=[${sizes.join(", ")}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`,
    );
  }
  const off = sizes.length - x.dim();
  const shape = sizes.map((s, i) => (s === -1 ? (i < off ? -1 : x._shape[i - off]) : s));
  const bad = shape.findIndex((s) => s < 0);
  if (bad >= 0) {
    throw new RuntimeError(
      bad < off
        ? `The expanded size of the tensor (${shape[bad]}) isn't allowed in a leading, non-existing dimension ${bad}`
        : `Trying to create tensor with negative dimension ${shape[bad]}: [${shape.join(", ")}]`,
    );
  }
  const e = expandTo(x, shape);
  const inShape = x._shape.slice();
  return makeView(x, e._shape, e._strides, x._offset, "ExpandBackward0", (g) => sumTo(g, inShape));
}
export function expand_as(x: Tensor, other: Tensor): Tensor {
  return expand(x, other._shape);
}
export function broadcast_to(x: Tensor, ...args: unknown[]): Tensor {
  return expand(x, ...args);
}

/** x[..., start:start+length, ...] along dim (also used by slicing with a step). */
export function slice(x: Tensor, dim: number, start: number, end: number, step = 1): Tensor {
  const d = wrapDim(dim, x.dim());
  if (step <= 0) throw new ValueError("step must be greater than zero");
  const n = x._shape[d];
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  s = Math.min(Math.max(s, 0), n);
  e = Math.min(Math.max(e, s), n);
  const len = Math.ceil((e - s) / step);
  const shape = x._shape.slice(), strides = x._strides.slice();
  shape[d] = len;
  strides[d] = x._strides[d] * step;
  return makeView(x, shape, strides, x._offset + s * x._strides[d], "SliceBackward0", (g) =>
    regionGrad(x, g, (z) => slice(z, d, s, e, step)),
  );
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.dim() === 0) throw new RuntimeError("narrow() cannot be applied to a 0-dim tensor.");
  const d = wrapDim(dim, x.dim(), false);
  const n = x._shape[d];
  if (start < -n || start > n)
    throw new IndexError(`start out of range (expected to be in range of [${-n}, ${n}], but got ${start})`);
  if (length < 0) throw new RuntimeError("narrow(): length must be non-negative.");
  const s = start < 0 ? start + n : start;
  if (s + length > n)
    throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${n}).`);
  return slice(x, d, s, s + length);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new IndexError("select() cannot be applied to a 0-dim tensor.");
  const d = wrapDim(dim, x.dim());
  const n = x._shape[d];
  if (index < -n || index >= n) {
    throw new IndexError(`select(): index ${index} out of range for tensor of size [${x._shape.join(", ")}] at dimension ${d}`);
  }
  const i = index < 0 ? index + n : index;
  const shape = x._shape.slice(), strides = x._strides.slice();
  shape.splice(d, 1);
  strides.splice(d, 1);
  return makeView(x, shape, strides, x._offset + i * x._strides[d], "SelectBackward0", (g) =>
    regionGrad(x, g, (z) => select(z, d, i)),
  );
}

export function as_strided(x: Tensor, size: number[], stride: number[], storage_offset?: number): Tensor {
  const off = storage_offset ?? x._offset;
  let maxIdx = off;
  for (let i = 0; i < size.length; i++) if (size[i] === 0) return x._alias(size.slice(), stride.slice(), off);
  for (let i = 0; i < size.length; i++) maxIdx += (size[i] - 1) * stride[i];
  if (maxIdx >= x._storage.length) {
    throw new RuntimeError(
      `setStorage: sizes [${size.join(", ")}], strides [${stride.join(", ")}], storage offset ${off}, and itemsize ${x.dtype.itemsize} requiring a storage size of ${(maxIdx + 1) * x.dtype.itemsize} are out of bounds for storage of size ${x._storage.length * x.dtype.itemsize}`,
    );
  }
  const inShape = x._shape.slice(), inStrides = x._strides.slice(), inOff = x._offset;
  return makeView(x, size.slice(), stride.slice(), off, "AsStridedBackward0", (g) => {
    // scatter-add into a zero storage laid out like the input's storage, then read the input view
    const st = empty([x._storage.length], g.dtype);
    st._alias(size.slice(), stride.slice(), off, false).add_(g);
    return st._alias(inShape, inStrides, inOff, false).clone();
  });
}

type DiagonalOpts = { offset?: number; dim1?: number; dim2?: number };
/** diagonal(offset=0, dim1=0, dim2=1), positionally or as keywords: `x.diagonal(1, {dim1: 0, dim2: 2})` */
export function diagonal(x: Tensor, ...args: (number | DiagonalOpts | undefined)[]): Tensor {
  const o = params<DiagonalOpts>(args, ["offset", "dim1", "dim2"]);
  const offset = o.offset ?? 0, dim1 = o.dim1 ?? 0, dim2 = o.dim2 ?? 1;
  const a = wrapDim(dim1, x.dim()), b = wrapDim(dim2, x.dim());
  if (a === b) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  let off = x._offset;
  let len: number;
  if (offset >= 0) {
    len = Math.max(Math.min(x._shape[a], x._shape[b] - offset), 0);
    off += offset * x._strides[b];
  } else {
    len = Math.max(Math.min(x._shape[a] + offset, x._shape[b]), 0);
    off -= offset * x._strides[a];
  }
  const shape: number[] = [], strides: number[] = [];
  for (let d = 0; d < x.dim(); d++)
    if (d !== a && d !== b) {
      shape.push(x._shape[d]);
      strides.push(x._strides[d]);
    }
  shape.push(len);
  strides.push(x._strides[a] + x._strides[b]);
  return makeView(x, shape, strides, len === 0 ? x._offset : off, "DiagonalBackward0", (g) =>
    regionGrad(x, g, (z) => diagonal(z, offset, a, b)),
  );
}

export function movedim(x: Tensor, source: number | number[], destination: number | number[]): Tensor {
  const src = (Array.isArray(source) ? source : [source]).map((d) => wrapDim(d, x.dim()));
  const dst = (Array.isArray(destination) ? destination : [destination]).map((d) => wrapDim(d, x.dim()));
  if (src.length !== dst.length)
    throw new RuntimeError(
      `movedim: Invalid source or destination dims: source (${pyList(source)} dims) should contain the same number of dims as destination (${pyList(destination)} dims)`,
    );
  const order = new Array<number>(x.dim()).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = x._shape.map((_, i) => i).filter((i) => !src.includes(i));
  let r = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[r++];
  return permute(x, order);
}
export const moveaxis = movedim;

function pyList(x: number | number[]): string {
  return Array.isArray(x) ? `[${x.join(", ")}]` : String(x);
}

// ---- copies ----

export function contiguous(x: Tensor): Tensor {
  if (x.is_contiguous()) return x;
  return copyWithStrides(x, contiguousStrides(x._shape));
}

/** clone() keeps the input's memory layout (memory_format=torch.preserve_format), as PyTorch does. */
export function clone(x: Tensor): Tensor {
  return copyWithStrides(x, preserveStrides(x));
}

function copyWithStrides(x: Tensor, strides: number[]): Tensor {
  const out = emptyStrided(x._shape.slice(), strides, x.dtype);
  backend.elementwise("copy", out, [x], x.dtype);
  if (needsGrad(x)) record(out, "CloneBackward0", [x], (g) => [g]);
  return out;
}

export function detach(x: Tensor): Tensor {
  return x._alias(x._shape.slice(), x._strides.slice(), x._offset, false);
}

export function detach_(x: Tensor): Tensor {
  x.grad_fn = null;
  x._requires_grad = false;
  return x;
}

export function flip(x: Tensor, ...args: unknown[]): Tensor {
  const [pos, o] = splitOpts<{ dims: number[] }>(args);
  const dims = (pos.length ? parseSize(pos) : parseSize([o.dims ?? []])).map((d) => wrapDim(d, x.dim()));
  for (let i = 0; i < dims.length; i++)
    if (dims.indexOf(dims[i]) !== i) throw new RuntimeError(`dim ${dims[i]} appears multiple times in the list of dims`);
  const strides = x._strides.slice();
  let off = x._offset;
  if (x.dim() > 0)
    for (const d of dims) {
      off += (x._shape[d] - 1) * x._strides[d];
      strides[d] = -strides[d];
    }
  const v = new Tensor(x._storage, x._shape.slice(), strides, off, x.dtype);
  const out = emptyStrided(x._shape.slice(), preserveStrides(x), x.dtype);
  if (x.numel() > 0) backend.elementwise("copy", out, [v], x.dtype);
  if (needsGrad(x)) record(out, "FlipBackward0", [x], (g) => [g.flip(dims)]);
  return out;
}

export function checkSameShape(a: Tensor, b: Tensor): boolean {
  return sameShape(a._shape, b._shape);
}

export { TypeError };

declare module "../tensor.js" {
  interface Tensor {
    view(...shape: (number | number[])[]): Tensor;
    view_as(other: Tensor): Tensor;
    reshape(...shape: (number | number[])[]): Tensor;
    reshape_as(other: Tensor): Tensor;
    flatten(start_dim?: number | { start_dim?: number; end_dim?: number }, end_dim?: number): Tensor;
    unflatten(dim: number, sizes: number[]): Tensor;
    squeeze(dim?: number | number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    permute(...dims: (number | number[])[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    readonly T: Tensor;
    readonly mT: Tensor;
    readonly H: Tensor;
    readonly mH: Tensor;
    expand(...sizes: (number | number[])[]): Tensor;
    expand_as(other: Tensor): Tensor;
    broadcast_to(...sizes: (number | number[])[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    _slice(dim: number, start: number, end: number, step?: number): Tensor;
    as_strided(size: number[], stride: number[], storage_offset?: number): Tensor;
    diagonal(offset?: number | DiagonalOpts, dim1?: number | DiagonalOpts, dim2?: number | DiagonalOpts, opts?: DiagonalOpts): Tensor;
    movedim(source: number | number[], destination: number | number[]): Tensor;
    moveaxis(source: number | number[], destination: number | number[]): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    detach_(): Tensor;
    flip(...dims: (number | number[])[]): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (x: Tensor, ...a: never[]) => unknown) =>
    function (this: Tensor, ...a: never[]) {
      return f(this, ...a);
    };
  Object.assign(P, {
    view: m(view),
    view_as: function (this: Tensor, o: Tensor) {
      return view(this, o._shape);
    },
    reshape: m(reshape),
    reshape_as: function (this: Tensor, o: Tensor) {
      return reshape(this, o._shape);
    },
    flatten: m(flatten),
    unflatten: m(unflatten),
    squeeze: m(squeeze),
    unsqueeze: m(unsqueeze),
    permute: m(permute),
    transpose: function (this: Tensor, a: number, b: number) {
      return transpose(this, a, b);
    },
    t: m(t),
    expand: m(expand),
    expand_as: m(expand_as),
    broadcast_to: m(broadcast_to),
    narrow: m(narrow),
    select: m(select),
    _slice: m(slice),
    as_strided: m(as_strided),
    diagonal: m(diagonal),
    movedim: m(movedim),
    contiguous: m(contiguous),
    clone: m(clone),
    detach: m(detach),
    detach_: m(detach_),
    flip: m(flip),
  });
  P.swapaxes = P.transpose;
  P.swapdims = P.transpose;
  P.moveaxis = P.movedim;
  Object.defineProperty(P, "T", { get(this: Tensor) { return numpyT(this); } });
  Object.defineProperty(P, "mT", { get(this: Tensor) { return mT(this); } });
  Object.defineProperty(P, "H", { get(this: Tensor) { return numpyT(this); } });
  Object.defineProperty(P, "mH", { get(this: Tensor) { return mT(this); } });
}
