// Layout helpers used by kernels callers and backward formulas.
import type { DType } from "../dtype.js";
import { RuntimeError } from "../errors.js";
import { contiguousStrides, sameShape } from "../shape.js";
import { empty, Tensor } from "../tensor.js";

/** A stride-0 view of t broadcast to `shape` (no autograd record: kernels only read it), with
 * ATen's inferExpandGeometry strides: a new leading dim of size 1 gets size * stride of the dim
 * after it, a broadcast dim 0. */
export function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t._shape, shape)) return t;
  const nd = shape.length;
  const off = nd - t._shape.length;
  if (off < 0) throw new RuntimeError(`cannot broadcast [${t._shape.join(", ")}] to [${shape.join(", ")}]`);
  const strides = new Array<number>(nd).fill(0);
  if (t._shape.length === 0) return new Tensor(t._storage, shape.slice(), strides, t._offset, t.dtype);
  for (let i = nd - 1; i >= 0; i--) {
    const j = i - off;
    if (j < 0) strides[i] = shape[i] === 1 ? (i + 1 < nd ? shape[i + 1] * strides[i + 1] : 1) : 0;
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

// ---- output layouts (PyTorch propagates the memory layout of inputs to results) ----

/** is_non_overlapping_and_dense: the elements fill a block of memory exactly, in some order. */
export function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  const nd = shape.length;
  if (nd === 1) return shape[0] < 2 || strides[0] === 1;
  // row-major over the dims of size >= 2 (nearly every call: in-place ops check their output)
  // is dense without the sort: those strides already come in increasing order
  let want = 1, rowMajor = true;
  for (let i = nd - 1; i >= 0; i--) {
    if (shape[i] < 2) continue;
    if (strides[i] !== want) {
      rowMajor = false;
      break;
    }
    want *= shape[i];
  }
  if (rowMajor) return true;
  const perm = shape.map((_, i) => i);
  // sort by stride with size 0/1 dims last (std::sort comparator of c10's computation)
  perm.sort((a, b) => {
    if (shape[a] < 2) return shape[b] < 2 ? 0 : 1;
    if (shape[b] < 2) return -1;
    return strides[a] - strides[b];
  });
  let require = 1;
  for (const d of perm) {
    if (shape[d] < 2) return true;
    if (strides[d] !== require) return false;
    require *= shape[d];
  }
  return true;
}

/** Strides of a dense tensor whose dims are laid out in memory in `perm` order (perm[0] fastest). */
function stridesFromPerm(shape: readonly number[], perm: readonly number[], skipSmall: boolean): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (const d of perm) {
    out[d] = s;
    if (!skipSmall || shape[d] > 1) s *= shape[d];
  }
  return out;
}

/** ATen's infer_dense_strides: dense strides keeping the order of the input's strides (used by
 * empty_like/clone/to with memory_format=preserve on a tensor that is not dense). */
export function inferDenseStrides(shape: readonly number[], strides: readonly number[]): number[] {
  const nd = shape.length;
  if (nd === 0) return [];
  if (nd === 1) return [1];
  const perm = shape.map((_, i) => nd - 1 - i);
  const shouldSwap = (d0: number, d1: number): number => {
    const s0 = strides[d0], s1 = strides[d1];
    if (s0 === 0 || s1 === 0) return 0;
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    return shape[d0] > shape[d1] ? 1 : 0;
  };
  insertionSort(perm, shouldSwap);
  return stridesFromPerm(shape, perm, true);
}

function insertionSort(perm: number[], shouldSwap: (d0: number, d1: number) => number): void {
  for (let i = 1; i < perm.length; i++) {
    let d1 = i;
    for (let d0 = i - 1; d0 >= 0; d0--) {
      const c = shouldSwap(perm[d0], perm[d1]);
      if (c > 0) {
        [perm[d0], perm[d1]] = [perm[d1], perm[d0]];
        d1 = d0;
      } else if (c < 0) break;
    }
  }
}

/** Strides of `empty_like(x)` / `x.clone()` / `x.to(dtype)` (memory_format=preserve). */
export function preserveStrides(x: Tensor): number[] {
  if (isNonOverlappingAndDense(x._shape, x._strides)) return x._strides.slice();
  return inferDenseStrides(x._shape, x._strides);
}

function isChannelsLast(shape: readonly number[], strides: readonly number[]): boolean {
  // c10's is_channels_last_strides_2d with the contiguity check of is_contiguous(ChannelsLast)
  if (shape.length !== 4) return false;
  let expected = 1;
  for (const d of [1, 3, 2, 0]) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

function channelsLastStrides(shape: readonly number[]): number[] {
  const [n, c, h, w] = shape;
  void n;
  const st = new Array<number>(4);
  st[1] = 1;
  st[3] = c;
  st[2] = st[3] * w;
  st[0] = st[2] * h;
  return st;
}

/**
 * Strides of the output TensorIterator allocates for an element-wise op over `inputs` (already
 * broadcastable to `shape`; wrapped scalars are 0-dim operands; inputs whose dtype is not
 * `compute` count as their converted copies, except input `exempt`): contiguous when every input is,
 * the inputs' common strides when they all share one dense layout, otherwise the dims ordered
 * like the inputs' strides (first input first; broadcast dims do not vote).
 */
export function iterOutputStrides(inputs: readonly Tensor[], shape: readonly number[], compute?: DType, exempt = -1): number[] {
  const nd = shape.length;
  if (nd <= 1) return contiguousStrides(shape);
  // on the CPU, TensorIterator first copies inputs of another dtype to the common one with
  // .to(), which makes them dense (preserve_format): the copies are what vote on the layout
  if (compute !== undefined && inputs.some((t, i) => i !== exempt && t.dtype !== compute)) {
    inputs = inputs.map((t, i) =>
      i === exempt || t.dtype === compute ? t : new Tensor(t._storage, t._shape, preserveStrides(t), 0, compute),
    );
  }
  let sameShape = true;
  for (const t of inputs) if (!sameShapeOf(t._shape, shape)) sameShape = false;
  if (sameShape && inputs.length > 0) {
    if (inputs.every((t) => t.is_contiguous())) return contiguousStrides(shape);
    if (inputs.every((t) => isChannelsLast(t._shape, t._strides))) return channelsLastStrides(shape);
    if (inputs.every((t) => isNonOverlappingAndDense(t._shape, t._strides))) {
      const ref = inputs[inputs.length - 1]._strides;
      if (inputs.every((t) => sameShapeOf(t._strides, ref))) return ref.slice();
    }
  }
  // operand strides after broadcasting (0 where broadcast), as in compute_strides
  const ops = inputs.map((t) => {
    const off = nd - t._shape.length;
    const st = new Array<number>(nd).fill(0);
    for (let i = 0; i < t._shape.length; i++) st[i + off] = t._shape[i] === 1 && shape[i + off] !== 1 ? 0 : t._strides[i];
    return st;
  });
  const perm = shape.map((_, i) => nd - 1 - i);
  const shouldSwap = (d0: number, d1: number): number => {
    for (const st of ops) {
      const s0 = st[d0], s1 = st[d1];
      if (s0 === 0 || s1 === 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  insertionSort(perm, shouldSwap);
  let inverted = true;
  for (let j = 0; j < nd; j++) if (perm[j] !== nd - 1 - j) inverted = false;
  if (inverted) return contiguousStrides(shape);
  return stridesFromPerm(shape, perm, false);
}

function sameShapeOf(a: readonly number[], b: readonly number[]): boolean {
  return sameShape(a, b);
}

/** A fresh zero-filled tensor with the given strides (dense: a permutation of contiguous). */
export function emptyStrided(shape: number[], strides: number[], dtype: DType): Tensor {
  const t = empty(shape, dtype);
  if (!sameShape(strides, t._strides)) t._setLayout(shape, strides, 0);
  return t;
}
