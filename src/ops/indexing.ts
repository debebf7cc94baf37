// Tensor indexing, following PyTorch 2.x (torch/csrc/autograd/python_variable_indexing.cpp,
// ATen/TensorIndexing.h, native/TensorAdvancedIndexing.cpp): Python's `t[idx]` is `t.get(...idx)`
// and `t[idx] = v` is `t.set([...idx], v)` (or `t.set(i, v)` for one index). Basic indices make
// views through select/slice/unsqueeze; integer/bool tensors (or JS arrays) are advanced indices
// gathered with one typed-array loop. Also index_select, masked_select, take, put_, index_put_,
// index_add_, index_fill_, nonzero and argwhere, with PyTorch's error texts and backward nodes.
import { is_grad_enabled } from "../autograd/grad_mode.js";
import { backend, fused } from "../backend/index.js";
import { bool, castScalar, DType, float32, int32, int64, uint8 } from "../dtype.js";
import { IndexError, RuntimeError, TypeError, ValueError } from "../errors.js";
import { broadcastShapes, contiguousStrides, numel, sameShape, wrapDim } from "../shape.js";
import { Storage } from "../storage.js";
import { empty, Tensor } from "../tensor.js";
import { legacyTypeName, typeName } from "./dtype_names.js";
import { assertNoInternalOverlap, assertNoOverlap, assertNoPartialOverlap, inPlaceWithGrad } from "./pointwise.js";
import { checkInplaceView } from "../autograd/node.js";
import { emptyStrided, expandTo, iterOutputStrides, sumTo } from "./shape_helpers.js";
import { needsGrad, pyTypeName as pyType, record, scalarTensor } from "./util.js";
import { flattenSequence, inferSequenceDtype, sequenceSizes } from "./sequence.js";
import { warn } from "../warnings.js";
import { select as selectView, slice as sliceView, unsqueeze as unsqueezeView } from "./view.js";

/** A JS array index, Python's list: nested numbers (an int64 index tensor) or booleans (a
 * mask); one holding tensors, arrays, slice strings or null stands for the tuple of its items. */
export type IndexArray = readonly Index[];
/** One element of Python's index tuple: int, slice string (':', '1:5:2'), '...', null (None),
 * bool, integer/bool tensor, or a JS array standing for a Python list. */
export type Index = number | boolean | string | null | Tensor | IndexArray;

// ---------------------------------------------------------------------------------------------
// small helpers

function longTensor(data: Float64Array, shape: number[]): Tensor {
  return new Tensor(new Storage(data, int64), shape);
}

function isMask(t: Tensor): boolean {
  return t.dtype === bool || t.dtype === uint8;
}

function shapeStr(s: readonly number[]): string {
  return `[${s.join(", ")}]`;
}

function invalidIndex(x: unknown): never {
  throw new IndexError(
    `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${pyType(x)})`,
  );
}

const ZERO_OFFSETS = new Float64Array(1);

/** Storage offsets (relative to t's offset) of every position over `dims` of t, row-major. */
function dimOffsets(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Float64Array {
  if (dims.length === 0) return ZERO_OFFSETS;
  let n = 1;
  for (const d of dims) n *= shape[d];
  const out = new Float64Array(n);
  if (n === 0) return out;
  const k = dims.length;
  if (k === 1) {
    const st = strides[dims[0]];
    for (let i = 0; i < n; i++) out[i] = i * st;
    return out;
  }
  const idx = new Array<number>(k).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let j = k - 1; j >= 0; j--) {
      const d = dims[j];
      off += strides[d];
      if (++idx[j] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[j] = 0;
    }
  }
  return out;
}

function range(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i < b; i++) r.push(i);
  return r;
}

/** Row-major coordinates of the nonzero elements of t, one Float64Array per dim. */
function nonzeroCoords(t: Tensor): Float64Array[] {
  const vals = t._values();
  const n = vals.length;
  let nnz = 0;
  for (let i = 0; i < n; i++) if (vals[i] !== 0) nnz++;
  const nd = t._shape.length;
  const cols: Float64Array[] = [];
  for (let d = 0; d < nd; d++) cols.push(new Float64Array(nnz));
  if (nnz === 0) return cols;
  const idx = new Array<number>(nd).fill(0);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (vals[i] !== 0) {
      for (let d = 0; d < nd; d++) cols[d][k] = idx[d];
      k++;
    }
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < t._shape[d]) break;
      idx[d] = 0;
    }
  }
  return cols;
}

/** A JS array index -> tensor, as PyTorch's indexing_tensor_from_data reads a list: bool (or
 * uint8) when every element is, otherwise int64 (non-integers truncate, as Python's long
 * conversion does), with torch.tensor's checks of the nesting (src/ops/sequence.ts). */
function arrayToIndex(a: IndexArray): Tensor {
  const inferred = inferSequenceDtype(a, int64, float32);
  const dtype = inferred === bool || inferred === uint8 ? inferred : int64;
  const shape = sequenceSizes(a);
  const t = empty(shape, dtype);
  if (t.numel() === 0) return t;
  const flat = flattenSequence(a, shape, dtype);
  const d = t._storage.data;
  for (let i = 0; i < flat.length; i++) d[i] = Math.trunc(Number(flat[i]));
  return t;
}

/** PyTorch's treatSequenceAsTuple (NumPy's old rule): a list of fewer than 32 elements that
 * holds a tensor, a list, a slice, '...' or None is read as the tuple of its elements, so
 * `x[[i, j]]` is `x[i, j]`; 2.x warns that this will change. Any other list is one index. */
function listAsTuple(items: readonly Index[]): readonly Index[] {
  if (items.length !== 1 || !Array.isArray(items[0])) return items;
  const a = items[0] as readonly unknown[];
  if (a.length >= 32 || !a.some((x) => x instanceof Tensor || Array.isArray(x) || typeof x === "string" || x === null)) return items;
  warn(
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; " +
      "use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, x[torch.tensor(seq)], " +
      "which will result either in an error or a different result",
  );
  return a as readonly Index[];
}

// ---------------------------------------------------------------------------------------------
// slice strings

interface SliceSpec {
  start: number;
  stop: number;
  step: number;
}
const sliceCache = new Map<string, SliceSpec>();
const SLICE_RE = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

/** Python slice syntax in a string ('1:5:2', '::-1', ':'); null when the string is not one. */
function parseSlice(s: string): SliceSpec | null {
  const hit = sliceCache.get(s);
  if (hit !== undefined) return hit;
  const m = SLICE_RE.exec(s);
  if (m === null) return null;
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step === 0) throw new ValueError("slice step cannot be zero");
  // Python's defaults; a negative step is rejected later, as PyTorch does
  const spec: SliceSpec = {
    start: m[1] === undefined ? (step < 0 ? Infinity : 0) : Number(m[1]),
    stop: m[2] === undefined ? (step < 0 ? -Infinity : Infinity) : Number(m[2]),
    step,
  };
  if (sliceCache.size > 4096) sliceCache.clear();
  sliceCache.set(s, spec);
  return spec;
}

// ---------------------------------------------------------------------------------------------
// basic indexing: the chain of views (PyTorch's applySlicing)

/** applySelect's checks (PyTorch reports the position in the index tuple as the dimension, and
 * reads the size of a 0-dim tensor's missing dim as 0); returns the size of `dim`. */
function checkSelect(nd: number, size: number, dim: number, index: number, realDim: number): number {
  if (index === 0 && dim === 0 && nd === 0) {
    throw new IndexError(
      "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
    );
  }
  if (!(size > -1 - index && size > index)) {
    throw new IndexError(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`);
  }
  return size;
}

/** applySlice's checks; true when the slice keeps the whole dim and PyTorch 2.x skips it (no
 * SliceBackward0 is recorded then). */
function sliceIsNoop(nd: number, n: number, start: number, stop: number, step: number, disableOpt: boolean): boolean {
  if (step <= 0) throw new ValueError("step must be greater than zero");
  if (nd === 0) throw new IndexError("slice() cannot be applied to a 0-dim tensor.");
  return !disableOpt && start === 0 && n <= stop && step === 1;
}

/** at::slice on a layout (in place); returns the storage offset change. */
function sliceLayout(shape: number[], strides: number[], dim: number, start: number, stop: number, step: number): number {
  const n = shape[dim];
  let s = start < 0 ? start + n : start;
  let e = stop < 0 ? stop + n : stop;
  s = s < 0 ? 0 : s > n ? n : s;
  e = e < s ? s : e > n ? n : e;
  shape[dim] = Math.ceil((e - s) / step);
  const st = strides[dim];
  strides[dim] = st * step;
  return s * st;
}

function unsqueezeLayout(shape: number[], strides: number[], dim: number): void {
  const st = dim < shape.length ? shape[dim] * strides[dim] : 1;
  shape.splice(dim, 0, 1);
  strides.splice(dim, 0, st);
}

/** Applies select/slice/unsqueeze to a tensor. When autograd must record, each step is the real
 * view op (SelectBackward0, ...); otherwise only the layout is updated and a single view object
 * is made at the end. (Index lists with no tensors and no autograd take basicView instead.) */
class Slicer {
  t: Tensor;
  shape: number[];
  strides: number[];
  offset: number;
  changed = false;
  private owned = false;
  constructor(
    readonly self: Tensor,
    readonly track: boolean,
  ) {
    this.t = self;
    this.shape = self._shape;
    this.strides = self._strides;
    this.offset = self._offset;
  }
  get ndim(): number {
    return this.track ? this.t._shape.length : this.shape.length;
  }
  private own(): void {
    if (!this.owned) {
      this.shape = this.shape.slice();
      this.strides = this.strides.slice();
      this.owned = true;
    }
    this.changed = true;
  }
  select(dim: number, index: number, realDim: number): void {
    const nd = this.ndim;
    const size = checkSelect(nd, nd === 0 ? 0 : this.track ? this.t._shape[dim] : this.shape[dim], dim, index, realDim);
    if (this.track) {
      this.t = selectView(this.t, dim, index);
      this.changed = true;
      return;
    }
    this.own();
    this.offset += (index < 0 ? index + size : index) * this.strides[dim];
    this.shape.splice(dim, 1);
    this.strides.splice(dim, 1);
  }
  slice(dim: number, start: number, stop: number, step: number, disableOpt: boolean): void {
    const nd = this.ndim;
    const n = nd === 0 ? 0 : this.track ? this.t._shape[dim] : this.shape[dim];
    if (sliceIsNoop(nd, n, start, stop, step, disableOpt)) return;
    if (this.track) {
      this.t = sliceView(this.t, dim, start, stop, step);
      this.changed = true;
      return;
    }
    this.own();
    this.offset += sliceLayout(this.shape, this.strides, dim, start, stop, step);
  }
  unsqueeze(dim: number): void {
    if (this.track) {
      this.t = unsqueezeView(this.t, dim);
      this.changed = true;
      return;
    }
    this.own();
    unsqueezeLayout(this.shape, this.strides, dim);
  }
  result(): Tensor {
    if (!this.changed) return this.self;
    if (this.track) return this.t;
    return this.self._alias(this.shape, this.strides, this.offset);
  }
}

/** at::alias: a new view with the same layout (x[...], x[:, :]). */
function alias(x: Tensor): Tensor {
  const out = x._alias(x._shape.slice(), x._strides.slice(), x._offset);
  if (needsGrad(x)) {
    record(out, "AliasBackward0", [x], (g) => [g]);
    // a differentiable view: an in-place write through its base regenerates its grad_fn
    out._viewVersion = x._storage.version;
  }
  return out;
}

/** Python's count_specified_dimensions: indexed dims (everything but None, ..., bools). */
function countSpecified(items: readonly Index[]): number {
  let count = 0;
  for (const it of items) {
    if (it instanceof Tensor) count += isMask(it) ? it._shape.length : 1;
    else if (it !== null && it !== "..." && typeof it !== "boolean") count++;
  }
  return count;
}

function boolIndexTensor(v: boolean): Tensor {
  return v ? longTensor(new Float64Array(1), [1]) : longTensor(new Float64Array(0), [0]);
}

interface Sliced {
  sliced: Tensor;
  changed: boolean;
  indices: (Tensor | null)[];
}

/** PyTorch's applySlicing: basic indices applied as views, tensor indices collected by dim. */
function applySlicing(self: Tensor, items: readonly Index[], track: boolean, skipCount: boolean, disableOpt: boolean): Sliced {
  const selfNd = self._shape.length;
  const specified = skipCount ? 0 : countSpecified(items);
  if (specified > selfNd) throw new IndexError(`too many indices for tensor of dimension ${selfNd}`);
  const s = new Slicer(self, track);
  const out: (Tensor | null)[] = [];
  let dim = 0;
  const recordIndex = (t: Tensor): void => {
    if (out.length === 0) {
      while (out.length < dim) out.push(null);
    }
    out.push(t);
    dim += isMask(t) ? t._shape.length : 1;
  };
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (typeof it === "number") {
      if (!Number.isInteger(it)) invalidIndex(it);
      s.select(dim, it, i);
    } else if (typeof it === "string") {
      if (it === "...") {
        const k = selfNd - specified;
        dim += k;
        if (out.length) for (let j = 0; j < k; j++) out.push(null);
        continue;
      }
      const sp = parseSlice(it);
      if (sp === null) invalidIndex(it);
      s.slice(dim, sp.start, sp.stop, sp.step, disableOpt);
      dim++;
      if (out.length) out.push(null);
    } else if (it === null) {
      s.unsqueeze(dim);
      dim++;
      if (out.length) out.push(null);
    } else if (typeof it === "boolean") {
      s.unsqueeze(dim);
      recordIndex(boolIndexTensor(it));
    } else if (it instanceof Tensor) {
      if (it._shape.length === 0 && it.dtype.kind !== "f") {
        const v = it._storage.data[it._offset];
        if (!isMask(it)) s.select(dim, v, i);
        else {
          s.unsqueeze(dim);
          recordIndex(boolIndexTensor(v !== 0));
        }
      } else recordIndex(it);
    } else if (Array.isArray(it)) {
      recordIndex(arrayToIndex(it));
    } else invalidIndex(it);
  }
  while (out.length && out[out.length - 1] === null) out.pop();
  return { sliced: s.result(), changed: s.changed, indices: out };
}

// ---------------------------------------------------------------------------------------------
// advanced indexing: the plan shared by gather (index) and scatter (index_put_)

/** How a list of index tensors selects from a tensor of shape `srcShape` (PyTorch's
 * AdvancedIndex, without strides so that backward can reuse it on a fresh gradient). */
interface Plan {
  srcShape: number[];
  outShape: number[];
  /** src dims that are indexed, in order */
  idxDims: number[];
  /** broadcast shape of the index tensors (its dims sit in the result after `outer`) */
  idxShape: number[];
  /** number of index positions (numel of idxShape) */
  P: number;
  /** per indexed dim: P raw index values, row-major over idxShape */
  vals: ArrayLike<number>[];
  /** src dims placed before / after the index block in the result */
  outer: number[];
  inner: number[];
  /** P * idxDims.length bounds-checked, wrapped indices (filled on first use) */
  wrapped: Float64Array | null;
  /** the caller's index tensors (saved for the version check of backward) */
  sources: Tensor[];
}

function checkIndexTypes(indices: readonly (Tensor | null)[]): void {
  for (const t of indices) {
    if (t !== null && t.dtype !== int64 && t.dtype !== int32 && t.dtype !== uint8 && t.dtype !== bool) {
      throw new IndexError("tensors used as indices must be long, int, byte or bool tensors");
    }
  }
}

function maskMismatch(mask: Tensor, j: number, srcShape: readonly number[], srcIdx: number): never {
  throw new IndexError(
    `The shape of the mask ${shapeStr(mask._shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(srcShape)} at index ${srcIdx}`,
  );
}

function checkMaskDims(mask: Tensor, srcShape: readonly number[], first: number): void {
  const nd = srcShape.length;
  for (let j = 0; j < mask._shape.length; j++) {
    const srcIdx = first + j;
    if (srcIdx >= nd) {
      throw new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(nd, 1)}, ${Math.max(nd, 1) - 1}], but got ${srcIdx})`);
    }
    if (mask._shape[j] !== srcShape[srcIdx]) maskMismatch(mask, j, srcShape, srcIdx);
  }
}

/** make_info: check index dtypes, expand masks to their nonzero coordinates, broadcast the index
 * tensors together and place the result dims (the index block moves to the front when indexed
 * dims are separated by a slice). */
function makePlan(srcShape: readonly number[], indices: readonly (Tensor | null)[]): Plan {
  checkIndexTypes(indices);
  const nd = srcShape.length;
  const exp: (Tensor | null)[] = [];
  for (const t of indices) {
    if (t === null) exp.push(null);
    else if (isMask(t)) {
      checkMaskDims(t, srcShape, exp.length);
      const nnz = nonzeroCoords(t);
      for (const c of nnz) exp.push(longTensor(c, [c.length]));
    } else exp.push(t);
  }
  let idxShape: number[] | null = null;
  let count = 0;
  for (const t of exp) {
    if (t === null) continue;
    count++;
    if (idxShape === null) idxShape = t._shape;
    else if (!sameShape(idxShape, t._shape)) {
      try {
        idxShape = broadcastShapes(idxShape, t._shape);
      } catch {
        const shapes = exp.filter((x): x is Tensor => x !== null).map((x) => shapeStr(x._shape));
        throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.join(", ")}`);
      }
    }
  }
  if (idxShape === null) throw new RuntimeError("index: no index tensors");
  const idxDims: number[] = [];
  for (let d = 0; d < exp.length; d++) if (exp[d] !== null) idxDims.push(d);
  const contiguous = idxDims[idxDims.length - 1] - idxDims[0] + 1 === count;
  let outer: number[], inner: number[];
  if (contiguous) {
    outer = range(0, idxDims[0]);
    inner = range(idxDims[idxDims.length - 1] + 1, nd);
  } else {
    outer = [];
    inner = range(0, nd).filter((d) => d >= exp.length || exp[d] === null);
  }
  if (idxDims.some((d) => srcShape[d] === 0) && !idxShape.includes(0)) {
    throw new IndexError("index is out of bounds for dimension with size 0");
  }
  const P = numel(idxShape);
  const vals: ArrayLike<number>[] = [];
  for (const t of exp) {
    if (t === null) continue;
    vals.push(expandTo(t, idxShape)._values());
  }
  const outShape = [...outer.map((d) => srcShape[d]), ...idxShape, ...inner.map((d) => srcShape[d])];
  const sources = indices.filter((x): x is Tensor => x !== null);
  return { srcShape: srcShape.slice(), outShape, idxDims, idxShape: idxShape.slice(), P, vals, outer, inner, wrapped: null, sources };
}

/** Bounds-check and wrap the indices (PyTorch's indexing kernel; "dimension k" counts indexed dims). */
function wrappedIndices(plan: Plan): Float64Array {
  if (plan.wrapped !== null) return plan.wrapped;
  const n = plan.idxDims.length;
  const { P, vals, srcShape, idxDims } = plan;
  const w = new Float64Array(P * n);
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < n; k++) {
      const v = vals[k][p];
      const size = srcShape[idxDims[k]];
      if (v < -size || v >= size) {
        throw new IndexError(`index ${v} is out of bounds for dimension ${k} with size ${size}`);
      }
      w[p * n + k] = v < 0 ? v + size : v;
    }
  }
  plan.wrapped = w;
  return w;
}

function indexOffsets(plan: Plan, strides: readonly number[]): Float64Array {
  const w = wrappedIndices(plan);
  const n = plan.idxDims.length;
  const off = new Float64Array(plan.P);
  if (n === 1) {
    const st = strides[plan.idxDims[0]];
    for (let p = 0; p < plan.P; p++) off[p] = w[p] * st;
    return off;
  }
  for (let p = 0; p < plan.P; p++) {
    let o = 0;
    for (let k = 0; k < n; k++) o += w[p * n + k] * strides[plan.idxDims[k]];
    off[p] = o;
  }
  return off;
}

/** out = src[indices] (no autograd). */
function gather(src: Tensor, plan: Plan): Tensor {
  const out = empty(plan.outShape.slice(), src.dtype);
  if (out.numel() === 0) return out;
  const pOff = indexOffsets(plan, src._strides);
  const so = dimOffsets(src._shape, src._strides, plan.outer);
  const si = dimOffsets(src._shape, src._strides, plan.inner);
  const sd = src._storage.data;
  const od = out._storage.data;
  const I = si.length;
  const P = plan.P;
  let o = 0;
  const innerUnit = I === 1 || (plan.inner.length === 1 && src._strides[plan.inner[0]] === 1);
  for (let a = 0; a < so.length; a++) {
    const ba = src._offset + so[a];
    for (let p = 0; p < P; p++) {
      const b = ba + pOff[p];
      if (innerUnit) {
        for (let i = 0; i < I; i++) od[o++] = sd[b + i];
      } else {
        for (let i = 0; i < I; i++) od[o++] = sd[b + si[i]];
      }
    }
  }
  return out;
}

function isExpandableTo(shape: readonly number[], desired: readonly number[]): boolean {
  const n = shape.length, m = desired.length;
  if (n > m) return false;
  for (let i = 0; i < n; i++) {
    const s = shape[n - 1 - i];
    if (s !== desired[m - 1 - i] && s !== 1) return false;
  }
  return true;
}

/** dst[indices] = values (or += with accumulate), in place, no autograd or version bump.
 * `values` has dst's dtype and is broadcastable to plan.outShape. */
function scatter(dst: Tensor, plan: Plan, values: Tensor, accumulate: boolean): void {
  const total = numel(plan.outShape);
  if (total === 0) return;
  const pOff = indexOffsets(plan, dst._strides);
  const so = dimOffsets(dst._shape, dst._strides, plan.outer);
  const si = dimOffsets(dst._shape, dst._strides, plan.inner);
  const v = expandTo(values, plan.outShape);
  const no = plan.outer.length, m = plan.idxShape.length;
  const vo = dimOffsets(v._shape, v._strides, range(0, no));
  const vp = dimOffsets(v._shape, v._strides, range(no, no + m));
  const vi = dimOffsets(v._shape, v._strides, range(no + m, v._shape.length));
  const dd = dst._storage.data;
  const vd = v._storage.data;
  const I = si.length, P = plan.P;
  const isBool = dst.dtype === bool;
  for (let a = 0; a < so.length; a++) {
    const ba = dst._offset + so[a];
    const va = v._offset + vo[a];
    for (let p = 0; p < P; p++) {
      const b = ba + pOff[p];
      const vb = va + vp[p];
      if (!accumulate) for (let i = 0; i < I; i++) dd[b + si[i]] = vd[vb + vi[i]];
      else if (isBool) for (let i = 0; i < I; i++) dd[b + si[i]] = dd[b + si[i]] || vd[vb + vi[i]] ? 1 : 0;
      else for (let i = 0; i < I; i++) dd[b + si[i]] += vd[vb + vi[i]];
    }
  }
}

/** The layout of ATen's index kernel result: TensorIterator over src restrided to the result's
 * shape (stride 0 along the index block) and the index tensors viewed into that block, so a
 * transposed src gives a transposed result. `flat` holds the values in row-major order. */
function layoutLikeIndexKernel(flat: Tensor, src: Tensor, plan: Plan): Tensor {
  const shape = plan.outShape;
  if (shape.length <= 1 || flat.numel() === 0) return flat;
  const nb = plan.idxShape.length, no = plan.outer.length;
  const srcSt = [...plan.outer.map((d) => src._strides[d]), ...new Array<number>(nb).fill(0), ...plan.inner.map((d) => src._strides[d])];
  // reshape_indexer views each index as [1.., idxShape, ..1]; TensorIterator broadcasts it
  // (stride 0 where the result's dim is longer than 1)
  const viewSt = contiguousStrides(shape.map((s, i) => (i >= no && i < no + nb ? s : 1)));
  const idxSt = shape.map((s, i) => (i >= no && i < no + nb ? viewSt[i] : s === 1 ? viewSt[i] : 0));
  const operand = (st: number[]) => new Tensor(src._storage, shape.slice(), st, 0, src.dtype);
  const strides = iterOutputStrides([operand(srcSt), ...plan.vals.map(() => operand(idxSt))], shape);
  if (sameShape(strides, flat._strides)) return flat;
  const out = emptyStrided(shape.slice(), strides, flat.dtype);
  backend.elementwise("copy", out, [flat], flat.dtype);
  return out;
}

/** Differentiable gather: records IndexBackward0, whose backward scatter-adds (repeated indices
 * accumulate, as embedding lookups need). */
function indexWithPlan(src: Tensor, plan: Plan): Tensor {
  const out = layoutLikeIndexKernel(gather(src, plan), src, plan);
  if (needsGrad(src)) {
    const shape = src._shape.slice();
    record(out, "IndexBackward0", [src], (g) => {
      if (needsGrad(g)) return [indexPutWithPlan(empty(shape, g.dtype), plan, g, true)];
      const z = empty(shape, g.dtype);
      scatter(z, plan, g, true);
      return [z];
    }, plan.sources);
  }
  return out;
}

/** Differentiable out-of-place index_put (IndexPutBackward0): the old tensor's gradient has zeros
 * at the written positions (unless accumulating), the values get the gathered gradient. */
function indexPutWithPlan(self: Tensor, plan: Plan, values: Tensor, accumulate: boolean): Tensor {
  const out = empty(self._shape.slice(), self.dtype);
  backend.elementwise("copy", out, [self], self.dtype);
  scatter(out, plan, values, accumulate);
  if (needsGrad(self, values)) {
    const vShape = values._shape.slice();
    const vDtype = values.dtype;
    record(
      out,
      "IndexPutBackward0",
      [self, values],
      (g) => [
        self._requires_grad ? (accumulate ? g : indexPutWithPlan(g, plan, scalarTensor(0, g.dtype), false)) : null,
        values._requires_grad ? castGrad(sumTo(indexWithPlan(g, plan), vShape), vDtype) : null,
      ],
      plan.sources,
    );
  }
  return out;
}

function castGrad(g: Tensor, dtype: DType): Tensor {
  return g.dtype === dtype ? g : g.to(dtype);
}

/** _index_put_impl_'s checks before the kernel; returns the values to write (cast to self's dtype
 * on the masked_fill path, which PyTorch takes for one bool mask and a one-element value). */
function preparePut(self: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean): [Plan, Tensor] {
  const nd = self._shape.length;
  if (indices.length > nd) throw new IndexError(`too many indices for tensor of dimension ${nd} (got ${indices.length})`);
  let maskedFill = false;
  if (!accumulate && values.numel() === 1) {
    let mask: Tensor | null = null;
    let ok = true;
    let numInd = 0;
    for (const t of indices) {
      if (t === null) numInd++;
      else if (!isMask(t) || mask !== null) {
        ok = false;
        break;
      } else {
        mask = t;
        checkMaskDims(t, self._shape, numInd);
        numInd += t._shape.length;
      }
    }
    maskedFill = ok && mask !== null;
  }
  const plan = makePlan(self._shape, indices);
  if (maskedFill) {
    const v = empty([], self.dtype);
    v._storage.data[0] = castScalar(values._storage.data[values._offset], self.dtype);
    return [plan, values._requires_grad ? values.reshape([]).to(self.dtype) : v];
  }
  if (!isExpandableTo(values._shape, plan.outShape)) {
    throw new RuntimeError(
      `shape mismatch: value tensor of shape ${shapeStr(values._shape)} cannot be broadcast to indexing result of shape ${shapeStr(plan.outShape)}`,
    );
  }
  if (values.dtype !== self.dtype) {
    throw new RuntimeError(
      `Index put requires the source and destination dtypes match, got ${typeName(self.dtype)} for the destination and ${typeName(values.dtype)} for the source.`,
    );
  }
  return [plan, values];
}

function leafCheck(self: Tensor, viewMessage: boolean): void {
  if (!is_grad_enabled()) return;
  const base = self._base;
  if ((self.is_leaf && self._requires_grad && self._base === null) || (base !== null && base.is_leaf && base._requires_grad)) {
    throw new RuntimeError(
      viewMessage || base !== null
        ? "a view of a leaf Variable that requires grad is being used in an in-place operation."
        : "a leaf Variable that requires grad is being used in an in-place operation.",
    );
  }
}

function gradInPlace(self: Tensor, ...others: (Tensor | null)[]): boolean {
  if (!is_grad_enabled()) return false;
  return needsGrad(self, ...others) || (self._base !== null && self._base._requires_grad);
}

/** In-place index_put_ on self (a tensor or a view) with the version bump; autograd through
 * IndexPutBackward0 (and CopySlices when self is a view). */
function indexPutInPlace(self: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean, viewMessage: boolean): Tensor {
  if (gradInPlace(self, values)) leafCheck(self, viewMessage);
  // _index_put_impl_: values and indices may not share memory with self, unless the put is
  // dispatched to masked_fill_ (one mask index, one value)
  const given = indices.filter((t): t is Tensor => t !== null);
  const maskFill = !accumulate && values.numel() === 1 && given.length === 1 && isMask(given[0]);
  if (!maskFill) for (const t of [values, ...given]) assertNoOverlap(self, t);
  const [plan, v] = preparePut(self, indices, values, accumulate);
  if (gradInPlace(self, values)) return inPlaceWithGrad(self, indexPutWithPlan(self, plan, v, accumulate));
  scatter(self, plan, v, accumulate);
  self._bump();
  return self;
}

// ---------------------------------------------------------------------------------------------
// t[idx] and t[idx] = v

/** Python's `self[idx]`, where `items` is the index tuple (one element = a bare index). */
export function getitem(self: Tensor, index: readonly Index[]): Tensor {
  const items = listAsTuple(index);
  const track = needsGrad(self);
  let skipCount = false, disableOpt = false;
  if (items.length === 1) {
    const it = items[0];
    if (typeof it === "number" && Number.isInteger(it)) skipCount = true;
    else if (typeof it === "string" && it !== "...") {
      skipCount = true;
      disableOpt = true;
    }
    // C[Xb]: one integer index tensor on a contiguous tensor, the embedding lookup of every step
    if (it instanceof Tensor && (it.dtype === int64 || it.dtype === int32) && it._shape.length > 0 && self._shape.length > 0 && self.is_contiguous()) {
      return indexRows(self, it);
    }
  }
  if (!track) {
    const r = basicView(self, items, skipCount, disableOpt);
    if (r !== null) return r;
  }
  const { sliced, changed, indices } = applySlicing(self, items, track, skipCount, disableOpt);
  if (indices.length === 0) return changed ? sliced : alias(self);
  if (indices.length > sliced._shape.length) {
    throw new IndexError(`too many indices for tensor of dimension ${sliced._shape.length} (got ${indices.length})`);
  }
  return indexWithPlan(sliced, makePlan(sliced._shape, indices));
}

/** Indices made only of ints, slice strings, '...' and null, without autograd: one pass over the
 * layout and a single view object. null when another kind of index is present. */
function basicView(self: Tensor, items: readonly Index[], skipCount: boolean, disableOpt: boolean): Tensor | null {
  const nd0 = self._shape.length;
  let specified = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (typeof it === "number") {
      if (!Number.isInteger(it)) return null;
      specified++;
    } else if (typeof it === "string") {
      if (it !== "...") specified++;
    } else if (it !== null) return null;
  }
  if (skipCount) specified = 0;
  else if (specified > nd0) throw new IndexError(`too many indices for tensor of dimension ${nd0}`);
  const shape = self._shape.slice(), strides = self._strides.slice();
  let offset = self._offset;
  let changed = false;
  let dim = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (typeof it === "number") {
      const nd = shape.length;
      const size = checkSelect(nd, nd === 0 ? 0 : shape[dim], dim, it, i);
      offset += (it < 0 ? it + size : it) * strides[dim];
      shape.splice(dim, 1);
      strides.splice(dim, 1);
      changed = true;
    } else if (it === null) {
      unsqueezeLayout(shape, strides, dim);
      dim++;
      changed = true;
    } else if (it === "...") {
      dim += nd0 - specified;
    } else {
      const sp = parseSlice(it as string);
      if (sp === null) invalidIndex(it);
      const nd = shape.length;
      if (!sliceIsNoop(nd, nd === 0 ? 0 : shape[dim], sp.start, sp.stop, sp.step, disableOpt)) {
        offset += sliceLayout(shape, strides, dim, sp.start, sp.stop, sp.step);
        changed = true;
      }
      dim++;
    }
  }
  return changed ? self._alias(shape, strides, offset) : alias(self);
}

/** self[idx] for one integer index tensor and a contiguous self: whole rows copied by a typed-array
 * loop; the backward scatter-adds rows into a zero gradient. */
function indexRows(self: Tensor, idx: Tensor): Tensor {
  const n0 = self._shape[0];
  const P = idx.numel();
  let row = 1;
  for (let d = 1; d < self._shape.length; d++) row *= self._shape[d];
  const outShape = idx._shape.concat(self._shape.slice(1));
  if (n0 === 0 && P !== 0) throw new IndexError("index is out of bounds for dimension with size 0");
  const out = empty(outShape, self.dtype);
  const iv = idx.is_contiguous() ? idx._storage.data : idx._values();
  const io = idx.is_contiguous() ? idx._offset : 0;
  // float32 rows (C[Xb], the makemore lectures' embedding lookup) go to the backend's row
  // gather, and their gradient to its scatter-add, when every index is in [0, n0)
  const rowKernels = self.dtype === float32 && (iv instanceof Float64Array || iv instanceof Int32Array) &&
    fused.gatherRows !== undefined && fused.scatterAddRows !== undefined && indicesWithin(iv, io, P, n0);
  if (P * row > 0) {
    const sd = self._storage.data, od = out._storage.data;
    if (rowKernels) fused.gatherRows!(sd as Float32Array, self._offset, n0, row, iv as Float64Array | Int32Array, io, P, od as Float32Array, 0);
    else copyRows(sd, self._offset, od, iv, io, P, row, n0);
  }
  if (needsGrad(self)) {
    const shape = self._shape.slice();
    record(
      out,
      "IndexBackward0",
      [self],
      (g) => {
        if (needsGrad(g) || !g.is_contiguous()) return [indexPutWithPlan(empty(shape, g.dtype), makePlan(shape, [idx]), g, true)];
        const z = empty(shape, g.dtype);
        const zd = z._storage.data, gd = g._storage.data;
        const go = g._offset;
        if (rowKernels && g.dtype === float32) {
          fused.scatterAddRows!(gd as Float32Array, go, iv as Float64Array | Int32Array, io, P, row, zd as Float32Array, 0, n0, -1, false);
          return [z];
        }
        for (let p = 0; p < P; p++) {
          let v = iv[io + p];
          if (v < 0) v += n0;
          const dst = v * row, src = go + p * row;
          for (let i = 0; i < row; i++) zd[dst + i] += gd[src + i];
        }
        return [z];
      },
      [idx],
    );
  }
  return out;
}

/** Every one of the P indices at iv[io...] lies in [0, n). */
function indicesWithin(iv: ArrayLike<number>, io: number, P: number, n: number): boolean {
  for (let p = 0; p < P; p++) {
    const v = iv[io + p];
    if (!(v >= 0 && v < n)) return false;
  }
  return true;
}

/** od[p, :] = sd[iv[p], :] for rows of `row` elements (negative indices count from the end) */
function copyRows(sd: ArrayLike<number>, so: number, od: { [i: number]: number }, iv: ArrayLike<number>, io: number, P: number, row: number, n0: number): void {
  for (let p = 0; p < P; p++) {
    let v = iv[io + p];
    if (v < -n0 || v >= n0) throw new IndexError(`index ${v} is out of bounds for dimension 0 with size ${n0}`);
    if (v < 0) v += n0;
    const src = so + v * row, dst = p * row;
    for (let i = 0; i < row; i++) od[dst + i] = sd[src + i];
  }
}

/** Python's valueToTensor: tensors as they are, numbers/bools as a 0-dim tensor of self's dtype. */
function valueToTensor(self: Tensor, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === "number" || typeof v === "boolean") {
    const t = empty([], self.dtype);
    t._storage.data[0] = castScalar(Number(v), self.dtype);
    return t;
  }
  throw new TypeError(`can't assign a ${pyType(v)} to a ${legacyTypeName(self.dtype)}`);
}

/** The shape with leading 1s removed (PyTorch's slicePrefix1sSize, numpy compatibility). */
function stripLeadingOnes(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/** at::indexing::copy_to: dst.copy_(src) for equal shapes, fill_ for a 0-dim src, otherwise src
 * without leading 1s expanded to dst. Autograd: CopyBackwards / FillBackward3, inside CopySlices
 * when dst is a view. */
/** The strides of ATen's expand (inferExpandGeometry): a new leading dim of size 1 gets the
 * stride of the dims inside it (not 0), a 0-dim tensor all zeros; the overlap check of copy_
 * sees these. */
function atenExpandStrides(t: Tensor, target: readonly number[]): number[] {
  const nd = target.length, td = t._shape.length;
  const out = new Array<number>(nd).fill(0);
  if (td === 0) return out;
  for (let i = nd - 1; i >= 0; i--) {
    const dim = td - nd + i;
    const size = dim >= 0 ? t._shape[dim] : 1;
    let stride = dim >= 0 ? t._strides[dim] : target[i + 1] * out[i + 1];
    if (size !== target[i]) stride = 0;
    out[i] = stride;
  }
  return out;
}

function copyTo(dst: Tensor, value: Tensor): void {
  const same = sameShape(dst._shape, value._shape);
  let srcShape = value._shape;
  if (!same && value._shape.length > 0) {
    srcShape = stripLeadingOnes(value._shape);
    if (srcShape.length > dst._shape.length) {
      throw new RuntimeError(
        `expand(${legacyTypeName(value.dtype)}{${shapeStr(srcShape)}}, size=${shapeStr(dst._shape)}): the number of sizes provided (${dst._shape.length}) must be greater or equal to the number of dimensions in the tensor (${srcShape.length})`,
      );
    }
    const off = dst._shape.length - srcShape.length;
    for (let i = 0; i < srcShape.length; i++) {
      if (srcShape[i] !== dst._shape[off + i] && srcShape[i] !== 1) {
        throw new RuntimeError(
          `The expanded size of the tensor (${dst._shape[off + i]}) must match the existing size (${srcShape[i]}) at non-singleton dimension ${off + i}.  Target sizes: ${shapeStr(dst._shape)}.  Tensor sizes: ${shapeStr(srcShape)}`,
        );
      }
    }
  }
  const src = same || value._shape.length === 0 ? value : new Tensor(value._storage, srcShape, value._strides.slice(value._shape.length - srcShape.length), value._offset, value.dtype);
  const grad = gradInPlace(dst, value);
  // autograd's check_inplace runs before the kernel's memory checks
  if (grad) {
    checkInplaceView(dst);
    leafCheck(dst, true);
  }
  // copy_to: dst.copy_(value), or of value expanded to dst (a 0-dim value is a fill_, which
  // checks nothing); copy_ returns early for the same elements in the same layout
  if (same || value._shape.length > 0) {
    const b = same ? value : new Tensor(src._storage, dst._shape.slice(), atenExpandStrides(src, dst._shape), src._offset, src.dtype);
    const sameData = b._storage === dst._storage && b._offset === dst._offset && b.dtype === dst.dtype && sameShape(b._strides, dst._strides);
    if (!sameData) {
      assertNoInternalOverlap(dst);
      assertNoPartialOverlap(dst, b);
    }
  }
  if (!grad) {
    backend.elementwise("copy", dst, [expandTo(src, dst._shape)], dst.dtype);
    dst._bump();
    return;
  }
  leafCheck(dst, true);
  const r = empty(dst._shape.slice(), dst.dtype);
  backend.elementwise("copy", r, [expandTo(src, dst._shape)], dst.dtype);
  const name = !same && value._shape.length === 0 ? "FillBackward3" : "CopyBackwards";
  const vShape = value._shape.slice(), vDtype = value.dtype;
  const valueGrad = (g: Tensor): Tensor | null =>
    value._requires_grad ? castGrad(sumTo(g, srcShape).reshape(vShape), vDtype) : null;
  if (dst._base === null) record(r, name, [dst, value], (g) => [empty(g._shape.slice(), g.dtype), valueGrad(g)]);
  else record(r, name, [value], (g) => [valueGrad(g)]);
  inPlaceWithGrad(dst, r);
}

/** Python's `self[idx] = value`; `idx` is the index tuple as an array, or one bare index. */
export function setitem(self: Tensor, idx: Index | readonly Index[], value: Tensor | number | boolean): Tensor {
  const v = valueToTensor(self, value);
  const track = needsGrad(self);
  if (!Array.isArray(idx)) {
    const it = idx as Index;
    if (it === false) return self;
    if (it === "...") {
      copyTo(self, v);
      return self;
    }
    if (it === null || it === true) {
      const s = new Slicer(self, track);
      s.unsqueeze(0);
      copyTo(s.result(), v);
      return self;
    }
    if (typeof it === "number" && Number.isInteger(it)) {
      const s = new Slicer(self, track);
      s.select(0, it, 0);
      copyTo(s.result(), v);
      return self;
    }
    if (typeof it === "string") {
      const sp = parseSlice(it);
      if (sp === null) invalidIndex(it);
      const s = new Slicer(self, track);
      s.slice(0, sp.start, sp.stop, sp.step, false);
      copyTo(s.result(), v);
      return self;
    }
  }
  const items = listAsTuple(Array.isArray(idx) ? (idx as readonly Index[]) : [idx as Index]);
  const { sliced, indices } = applySlicing(self, items, track, false, false);
  if (indices.length === 0) {
    copyTo(sliced, v);
    return self;
  }
  const stripped = stripLeadingOnes(v._shape);
  const vals = stripped.length === v._shape.length ? v : v.view(stripped);
  indexPutInPlace(sliced, indices, vals, false, true);
  return self;
}

// ---------------------------------------------------------------------------------------------
// index_put_ / index_put

function checkIndicesArg(fn: string, indices: unknown): Tensor[] {
  if (!Array.isArray(indices)) {
    throw new TypeError(`${fn}(): argument 'indices' (position 1) must be tuple of Tensors, not ${pyType(indices)}`);
  }
  indices.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`expected Tensor as element ${i} in argument 0, but got ${pyType(t)}`);
  });
  return indices as Tensor[];
}

function checkValuesArg(fn: string, values: unknown): Tensor {
  if (!(values instanceof Tensor)) {
    throw new TypeError(`${fn}(): argument 'values' (position 2) must be Tensor, not ${pyType(values)}`);
  }
  return values;
}

type AccArg = boolean | { accumulate?: boolean } | undefined;
function accOf(a: AccArg): boolean {
  return typeof a === "object" ? !!a.accumulate : !!a;
}

export function index_put_(self: Tensor, indices: readonly Tensor[], values: Tensor, accumulate?: AccArg): Tensor {
  const idx = checkIndicesArg("index_put_", indices);
  const v = checkValuesArg("index_put_", values);
  return indexPutInPlace(self, idx, v, accOf(accumulate), false);
}

export function index_put(self: Tensor, indices: readonly Tensor[], values: Tensor, accumulate?: AccArg): Tensor {
  const idx = checkIndicesArg("index_put", indices);
  const v = checkValuesArg("index_put", values);
  const acc = accOf(accumulate);
  const [plan, vals] = preparePut(self, idx, v, acc);
  return indexPutWithPlan(self, plan, vals, acc);
}

// ---------------------------------------------------------------------------------------------
// index_select

function indexValues(index: Tensor): ArrayLike<number> {
  return index._values();
}

/** A plan selecting along one dim with already validated, non-negative indices. */
function dimPlan(srcShape: readonly number[], dim: number, idx: ArrayLike<number>, sources: Tensor[]): Plan {
  const n = idx.length;
  const w = Float64Array.from(idx);
  const nd = srcShape.length;
  const outShape = srcShape.slice();
  outShape[dim] = n;
  return {
    srcShape: srcShape.slice(),
    outShape,
    idxDims: [dim],
    idxShape: [n],
    P: n,
    vals: [w],
    outer: range(0, dim),
    inner: range(dim + 1, nd),
    wrapped: w,
    sources,
  };
}

export function index_select(self: Tensor, dim: number, index: Tensor): Tensor {
  const d = wrapDim(dim, self.dim());
  const n = index.numel();
  if (index.dim() > 1) throw new IndexError("index_select(): Index is supposed to be a vector");
  if (self.dim() === 0 && n !== 1) {
    throw new RuntimeError(`index_select(): Index to scalar can have only 1 value, got ${n} value(s)`);
  }
  if (index.dtype !== int64 && index.dtype !== int32) {
    throw new RuntimeError("index_select(): Expected dtype int32 or int64 for index");
  }
  const idx = indexValues(index);
  const nd = self.dim();
  let out: Tensor;
  if (nd === 0) {
    if (!(idx[0] >= 0 && idx[0] < 1)) throw new IndexError("index out of range in self");
    out = empty([], self.dtype);
    out._storage.data[0] = self._storage.data[self._offset];
  } else {
    const size = self._shape[d];
    if (nd > 1) {
      const resultShape = self._shape.slice();
      resultShape[d] = n;
      if (n === 0) return recordIndexSelect(empty(resultShape, self.dtype), self, d, index);
      // PyTorch's CPU kernel has three paths with different messages; these mirror them
      const checkAll = (): void => {
        for (let i = 0; i < n; i++) {
          if (!(idx[i] >= 0 && idx[i] < size)) throw new RuntimeError(`INDICES element is out of DATA bounds, id=${idx[i]} axis_dim=${size}`);
        }
      };
      if (self.numel() === 0) {
        if (size <= 0) throw new RuntimeError("index_select(): self indexing axis dim should be positive");
        checkAll();
        return recordIndexSelect(empty(resultShape, self.dtype), self, d, index);
      }
      if (d === 1) checkAll();
    }
    const limit = nd > 1 ? size : self.numel();
    for (let i = 0; i < n; i++) if (!(idx[i] >= 0 && idx[i] < limit)) throw new IndexError("index out of range in self");
    out = gather(self, dimPlan(self._shape, d, idx, [index]));
  }
  return recordIndexSelect(out, self, d, index);
}

function recordIndexSelect(out: Tensor, self: Tensor, dim: number, index: Tensor): Tensor {
  if (needsGrad(self)) {
    const shape = self._shape.slice();
    record(out, "IndexSelectBackward0", [self], (g) => [index_add(empty(shape, g.dtype), dim, index, g)], [index]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// index_add_ / index_add

interface AlphaOpt {
  alpha?: number;
}

function checkIndexAdd(self: Tensor, dim: number, index: Tensor, source: Tensor): number {
  const d = wrapDim(dim, self.dim());
  const n = index.numel();
  if (index.dim() > 1) {
    throw new IndexError(
      `index_add_(): Index is supposed to be a vector, but got dim: ${index.dim()} with type: ${typeName(index.dtype)} and size: ${shapeStr(index._shape)}`,
    );
  }
  if (index.dtype !== int64 && index.dtype !== int32) {
    throw new RuntimeError(`index_add_(): Expected dtype int32/int64 for index but got: ${typeName(index.dtype)}`);
  }
  if (self.dtype !== source.dtype) {
    throw new RuntimeError(`index_add_(): self (${typeName(self.dtype)}) and source (${typeName(source.dtype)}) must have the same scalar type`);
  }
  if (!(d === 0 || d < source.dim())) {
    throw new RuntimeError(`index_add_(): Indexing dim ${d} is out of bounds of the source tensor with dim ${source.dim()}`);
  }
  if (n !== (source.dim() === 0 ? 1 : source._shape[d])) {
    if (source.dim() === 0) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
    throw new RuntimeError(`index_add_(): Number of indices (${n}) should be equal to source.size(dim): (${source._shape[d]}), for dim: ${d}`);
  }
  const ss = self._shape.slice(), rs = source._shape.slice();
  if (source.dim() !== 0 && self.dim() !== 0) {
    ss.splice(d, 1);
    rs.splice(d, 1);
  }
  if (!sameShape(ss, rs)) {
    throw new RuntimeError(
      `source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = ${shapeStr(self._shape)} source.shape = ${shapeStr(source._shape)}`,
    );
  }
  return d;
}

/** self[..., index[i], ...] += alpha * source[..., i, ...] (no autograd, no version bump). */
function indexAddKernel(self: Tensor, d: number, index: Tensor, source: Tensor, alpha: number): void {
  const n = index.numel();
  const idx = indexValues(index);
  const nd = self.dim();
  if (nd > 1) {
    if (n === 0 || self.numel() === 0) return;
    const size = self._shape[d];
    // dims 0 and last go through scatter_add in PyTorch (RuntimeError text), others through add
    const viaScatter = index.dtype === int64 && (d === 0 || d === nd - 1);
    for (let i = 0; i < n; i++) {
      if (!(idx[i] >= 0 && idx[i] < size)) {
        if (viaScatter) throw new RuntimeError(`index ${idx[i]} is out of bounds for dimension ${d} with size ${size}`);
        throw new IndexError("index out of range in self");
      }
    }
  } else {
    const limit = self.numel();
    for (let i = 0; i < n; i++) if (!(idx[i] >= 0 && idx[i] < limit)) throw new IndexError("index out of range in self");
  }
  const sShape = nd === 0 ? [1] : self._shape, sStr = nd === 0 ? [1] : self._strides;
  const rShape = source.dim() === 0 ? [1] : source._shape, rStr = source.dim() === 0 ? [1] : source._strides;
  const others = range(0, sShape.length).filter((x) => x !== d);
  const so = dimOffsets(sShape, sStr, others);
  const ro = dimOffsets(rShape, rStr, others);
  const sd = self._storage.data, rd = source._storage.data;
  const a = castScalar(alpha, self.dtype);
  const isBool = self.dtype === bool;
  const f32 = self.dtype === float32;
  const E = so.length;
  for (let i = 0; i < n; i++) {
    const b = self._offset + idx[i] * sStr[d];
    const rb = source._offset + i * rStr[d];
    for (let e = 0; e < E; e++) {
      const s = rd[rb + ro[e]];
      const add = a === 1 ? s : f32 ? Math.fround(s * a) : s * a;
      const p = b + so[e];
      sd[p] = isBool ? (sd[p] || add ? 1 : 0) : sd[p] + add;
    }
  }
}

export function index_add(self: Tensor, dim: number, index: Tensor, source: Tensor, opts: AlphaOpt = {}): Tensor {
  const alpha = opts.alpha ?? 1;
  const d = checkIndexAdd(self, dim, index, source);
  const out = empty(self._shape.slice(), self.dtype);
  backend.elementwise("copy", out, [self], self.dtype);
  indexAddKernel(out, d, index, source, alpha);
  if (needsGrad(self, source)) {
    const sShape = source._shape.slice();
    record(
      out,
      "IndexAddBackward0",
      [self, source],
      (g) => {
        let gs: Tensor | null = null;
        if (source._requires_grad) {
          gs = sShape.length > 0 ? index_select(g, d, index).expand(sShape) : index_select(g, d, index.reshape([])).reshape([]);
          if (alpha !== 1) gs = gs.mul(alpha);
        }
        return [self._requires_grad ? g : null, gs];
      },
      [index],
    );
  }
  return out;
}

export function index_add_(self: Tensor, dim: number, index: Tensor, source: Tensor, opts: AlphaOpt = {}): Tensor {
  if (gradInPlace(self, source)) return inPlaceWithGrad(self, index_add(self, dim, index, source, opts));
  const d = checkIndexAdd(self, dim, index, source);
  indexAddKernel(self, d, index, source, opts.alpha ?? 1);
  self._bump();
  return self;
}

// ---------------------------------------------------------------------------------------------
// index_fill_ / index_fill

function checkIndexFill(self: Tensor, dim: number, index: Tensor, value: Tensor | number | boolean): [number, number] {
  if (value instanceof Tensor && value.dim() !== 0) {
    throw new RuntimeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  }
  if (index.dtype !== int64) throw new IndexError("index_fill_(): Expected dtype int64 for index.");
  const d = wrapDim(dim, Math.max(self.dim(), 1));
  if (index.dim() > 1) throw new RuntimeError("Index has to be a vector/scalar");
  const v = value instanceof Tensor ? Number(value._storage.data[value._offset]) : Number(value);
  return [d, v];
}

function indexFillKernel(self: Tensor, d: number, index: Tensor, value: number): void {
  const shape = self.dim() === 0 ? [1] : self._shape, strides = self.dim() === 0 ? [1] : self._strides;
  const size = shape[d];
  const idx = indexValues(index);
  const so = dimOffsets(shape, strides, range(0, shape.length).filter((x) => x !== d));
  const sd = self._storage.data;
  const v = castScalar(value, self.dtype);
  for (let i = 0; i < idx.length; i++) {
    let k = idx[i];
    if (!(k >= -size && k < size)) throw new IndexError(`index ${k} is out of bounds for dimension ${d} with size ${size}`);
    if (k < 0) k += size;
    const b = self._offset + k * strides[d];
    for (let e = 0; e < so.length; e++) sd[b + so[e]] = v;
  }
}

export function index_fill(self: Tensor, dim: number, index: Tensor, value: Tensor | number | boolean): Tensor {
  const [d, v] = checkIndexFill(self, dim, index, value);
  const out = empty(self._shape.slice(), self.dtype);
  backend.elementwise("copy", out, [self], self.dtype);
  indexFillKernel(out, d, index, v);
  const valueT = value instanceof Tensor ? value : null;
  if (needsGrad(self, valueT)) {
    record(
      out,
      valueT ? "IndexFillBackward1" : "IndexFillBackward0",
      [self, valueT],
      (g) => [
        self._requires_grad ? index_fill(g, d, index, 0) : null,
        valueT && valueT._requires_grad ? castGrad(index_select(g, d, uniqueIndex(index)).sum(), valueT.dtype) : null,
      ],
      [index],
    );
  }
  return out;
}

/** at::_unique(index, sorted=false): each value once (a filled position gets the gradient once). */
function uniqueIndex(index: Tensor): Tensor {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const v of Array.from(index._values())) {
    if (!seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return longTensor(Float64Array.from(out), [out.length]);
}

export function index_fill_(self: Tensor, dim: number, index: Tensor, value: Tensor | number | boolean): Tensor {
  if (gradInPlace(self, value instanceof Tensor ? value : null)) return inPlaceWithGrad(self, index_fill(self, dim, index, value));
  const [d, v] = checkIndexFill(self, dim, index, value);
  indexFillKernel(self, d, index, v);
  self._bump();
  return self;
}

// ---------------------------------------------------------------------------------------------
// take / put_ / put

function linearOffset(t: Tensor, li: number): number {
  let off = t._offset;
  for (let d = t._shape.length - 1; d >= 0; d--) {
    const s = t._shape[d];
    off += (li % s) * t._strides[d];
    li = Math.floor(li / s);
  }
  return off;
}

function checkLinear(idx: ArrayLike<number>, n: number): Float64Array {
  const w = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!(v >= -n && v < n)) throw new IndexError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    w[i] = v < 0 ? v + n : v;
  }
  return w;
}

export function take(self: Tensor, index: Tensor): Tensor {
  if (index.dtype !== int64) throw new RuntimeError(`take(): Expected a long tensor for index, but got ${typeName(index.dtype)}`);
  const N = self.numel();
  const idx = indexValues(index);
  if (N === 0 && idx.length !== 0) throw new IndexError("take(): tried to take from an empty tensor");
  const w = checkLinear(idx, N);
  const out = empty(index._shape.slice(), self.dtype);
  const od = out._storage.data, sd = self._storage.data;
  if (self.is_contiguous()) for (let i = 0; i < w.length; i++) od[i] = sd[self._offset + w[i]];
  else for (let i = 0; i < w.length; i++) od[i] = sd[linearOffset(self, w[i])];
  if (needsGrad(self)) {
    const shape = self._shape.slice();
    record(out, "TakeBackward0", [self], (g) => [put(empty(shape, g.dtype), index, g, true)], [index]);
  }
  return out;
}

function checkPut(self: Tensor, index: Tensor, source: Tensor): Float64Array | null {
  if (index.dtype !== int64) throw new RuntimeError(`put_(): Expected a long tensor for index, but got ${typeName(index.dtype)}`);
  if (source.dtype !== self.dtype) {
    throw new RuntimeError(
      `put_(): self and source expected to have the same dtype, but got self.dtype = ${typeName(self.dtype)} and source.dtype = ${typeName(source.dtype)}`,
    );
  }
  if (index.numel() !== source.numel()) {
    throw new IndexError(
      `put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`,
    );
  }
  if (index.numel() === 0) return null;
  if (self.numel() === 0) throw new IndexError("put_(): Tried to put elements into an empty tensor");
  return checkLinear(indexValues(index), self.numel());
}

function putKernel(self: Tensor, w: Float64Array, source: Tensor, accumulate: boolean): void {
  const sv = source._values();
  const sd = self._storage.data;
  const contig = self.is_contiguous();
  const isBool = self.dtype === bool;
  for (let i = 0; i < w.length; i++) {
    const p = contig ? self._offset + w[i] : linearOffset(self, w[i]);
    if (!accumulate) sd[p] = sv[i];
    else sd[p] = isBool ? (sd[p] || sv[i] ? 1 : 0) : sd[p] + sv[i];
  }
}

export function put(self: Tensor, index: Tensor, source: Tensor, accumulate?: AccArg): Tensor {
  const acc = accOf(accumulate);
  const w = checkPut(self, index, source);
  const out = empty(self._shape.slice(), self.dtype);
  backend.elementwise("copy", out, [self], self.dtype);
  if (w) putKernel(out, w, source, acc);
  if (needsGrad(self, source)) {
    const sShape = source._shape.slice();
    record(
      out,
      "PutBackward0",
      [self, source],
      (g) => [
        self._requires_grad ? (acc ? g : put(g, index, empty(sShape, g.dtype), false)) : null,
        source._requires_grad ? take(g, index).reshape(sShape) : null,
      ],
      [index],
    );
  }
  return out;
}

export function put_(self: Tensor, index: Tensor, source: Tensor, accumulate?: AccArg): Tensor {
  if (gradInPlace(self, source)) return inPlaceWithGrad(self, put(self, index, source, accumulate));
  const w = checkPut(self, index, source);
  if (w) putKernel(self, w, source, accOf(accumulate));
  self._bump();
  return self;
}

// ---------------------------------------------------------------------------------------------
// masked_select, nonzero, argwhere

export function masked_select(self: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== bool) throw new RuntimeError("masked_select: expected BoolTensor for mask");
  const shape = broadcastShapes(mask._shape, self._shape);
  // 0-dim self and mask: the index plan needs a dim (the result is 1-D either way)
  if (shape.length === 0) return masked_select(self.view([1]), mask.view([1]));
  const plan = makePlan(shape, [expandTo(mask, shape)]);
  plan.sources = [mask];
  const out = gather(expandTo(self, shape), plan);
  if (needsGrad(self)) {
    const sShape = self._shape.slice();
    record(out, "MaskedSelectBackward0", [self], (g) => [sumTo(indexPutWithPlan(empty(shape.slice(), g.dtype), plan, g, false), sShape)], [mask]);
  }
  return out;
}

export function nonzero(self: Tensor, opts: { as_tuple: true }): Tensor[];
export function nonzero(self: Tensor, opts?: { as_tuple?: false }): Tensor;
export function nonzero(self: Tensor, opts?: { as_tuple?: boolean }): Tensor | Tensor[];
export function nonzero(self: Tensor, opts?: { as_tuple?: boolean }): Tensor | Tensor[] {
  if (opts?.as_tuple) {
    const t = self.dim() === 0 ? new Tensor(self._storage, [1], [1], self._offset, self.dtype) : self;
    return nonzeroCoords(t).map((c) => longTensor(c, [c.length]));
  }
  const cols = nonzeroCoords(self);
  const nd = self.dim();
  let nnz: number;
  if (nd === 0) nnz = self._storage.data[self._offset] !== 0 ? 1 : 0;
  else nnz = cols[0].length;
  const data = new Float64Array(nnz * nd);
  for (let i = 0; i < nnz; i++) for (let d = 0; d < nd; d++) data[i * nd + d] = cols[d][i];
  return longTensor(data, [nnz, nd]);
}

export function argwhere(self: Tensor): Tensor {
  return nonzero(self);
}

// ---------------------------------------------------------------------------------------------
// Tensor methods

type Acc = boolean | { accumulate?: boolean };
declare module "../tensor.js" {
  interface Tensor {
    /** Python's `t[i0, i1, ...]`: `t.get(i0, i1, ...)` */
    get(...idx: Index[]): Tensor;
    /** Python's `t[i0, i1, ...] = v`: `t.set([i0, i1, ...], v)`; one index may be passed bare */
    set(idx: Index | readonly Index[], value: Tensor | number | boolean): Tensor;
    index_select(dim: number, index: Tensor): Tensor;
    masked_select(mask: Tensor): Tensor;
    take(index: Tensor): Tensor;
    put_(index: Tensor, source: Tensor, accumulate?: Acc): Tensor;
    put(index: Tensor, source: Tensor, accumulate?: Acc): Tensor;
    index_put_(indices: readonly Tensor[], values: Tensor, accumulate?: Acc): Tensor;
    index_put(indices: readonly Tensor[], values: Tensor, accumulate?: Acc): Tensor;
    index_add_(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor;
    index_add(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor;
    index_fill_(dim: number, index: Tensor, value: Tensor | number | boolean): Tensor;
    index_fill(dim: number, index: Tensor, value: Tensor | number | boolean): Tensor;
    nonzero(opts: { as_tuple: true }): Tensor[];
    nonzero(opts?: { as_tuple?: false }): Tensor;
    argwhere(): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (x: Tensor, ...a: never[]) => unknown) =>
    function (this: Tensor, ...a: never[]) {
      return f(this, ...a);
    };
  Object.assign(P, {
    get: function (this: Tensor, ...idx: Index[]) {
      return getitem(this, idx);
    },
    set: function (this: Tensor, idx: Index | readonly Index[], value: Tensor | number | boolean) {
      return setitem(this, idx, value);
    },
    index_select: m(index_select),
    masked_select: m(masked_select),
    take: m(take),
    put_: m(put_),
    put: m(put),
    index_put_: m(index_put_),
    index_put: m(index_put),
    index_add_: m(index_add_),
    index_add: m(index_add),
    index_fill_: m(index_fill_),
    index_fill: m(index_fill),
    nonzero: m(nonzero),
    argwhere: m(argwhere),
  });
}
