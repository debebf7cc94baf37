// gather, scatter (src / value, legacy `reduce`), scatter_add, scatter_reduce and their in-place
// forms. The kernels walk the index tensor directly over typed arrays: along the scatter dim the
// elements are visited in ascending order, which is the order PyTorch's CPU kernel accumulates
// in, so float sums, products and ties come out the same.
import { backend } from "../backend/index.js";
import { bool, castScalar, DType, int64 } from "../dtype.js";
import { RuntimeError } from "../errors.js";
import { wrapDim } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { needsGrad, params, record } from "./util.js";
import { inPlaceWithGrad } from "./pointwise.js";

// ---------------------------------------------------------------------------------------------
// shared helpers (also used by sort.ts and misc.ts)

/** Offsets for a row-major walk of `shape`: the start offset of every innermost row for each
 * operand, the row length and each operand's innermost stride. A 0-dim shape is one row of one. */
export function rowWalk(shape: readonly number[], strides: readonly (readonly number[])[], offsets: readonly number[]) {
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1];
  let rows = 1;
  for (let i = 0; i < nd - 1; i++) rows *= shape[i];
  if (inner === 0) rows = 0;
  const starts = strides.map(() => new Float64Array(rows));
  const innerStrides = strides.map((s) => (nd === 0 ? 0 : s[nd - 1]));
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const cur = offsets.slice();
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < strides.length; k++) starts[k][r] = cur[k];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let k = 0; k < strides.length; k++) cur[k] += strides[k][d];
      if (idx[d] < shape[d]) break;
      for (let k = 0; k < strides.length; k++) cur[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
  return { rows, inner, starts, innerStrides };
}

/** A contiguous copy without autograd history. */
export function plainCopy(x: Tensor, dtype: DType = x.dtype): Tensor {
  const out = empty(x._shape.slice(), dtype);
  if (out.numel() > 0) backend.elementwise("copy", out, [x], dtype);
  return out;
}

export function zerosOf(shape: readonly number[], dtype: DType): Tensor {
  return empty(shape.slice(), dtype);
}

/** PyTorch's engine check on a gradient a node returns for input `i` (validate_outputs). */
export function checkGradShape(node: string, i: number, g: Tensor, shape: readonly number[]): Tensor {
  if (g._shape.length !== shape.length || g._shape.some((s, k) => s !== shape[k]))
    throw new RuntimeError(
      `Function ${node} returned an invalid gradient at index ${i} - got [${g._shape.join(", ")}] but expected shape compatible with [${shape.join(", ")}]`,
    );
  return g;
}

const nonEmptyDim = (t: Tensor) => Math.max(t.dim(), 1);
const nonEmptySize = (t: Tensor, d: number) => (t.dim() === 0 ? 1 : t._shape[d]);
const sizeStr = (t: Tensor) => `[${t._shape.join(", ")}]`;

// ---------------------------------------------------------------------------------------------
// gather

export function gather(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ dim: number; index: Tensor; sparse_grad: boolean }>(args, ["dim", "index", "sparse_grad"]);
  const index = o.index!;
  const d = wrapDim(o.dim!, x.dim());
  if (index.numel() !== 0 && index.dtype !== int64) throw new RuntimeError("gather(): Expected dtype int64 for index");
  const out = empty(index._shape.slice(), x.dtype);
  if (index.numel() !== 0) {
    if (nonEmptyDim(x) !== nonEmptyDim(index))
      throw new RuntimeError("Index tensor must have the same number of dimensions as input tensor");
    for (let i = 0; i < nonEmptyDim(x); i++)
      if (i !== d && nonEmptySize(index, i) > nonEmptySize(x, i))
        throw new RuntimeError(
          `Size does not match at dimension ${i} expected index ${sizeStr(index)} to be smaller than self ${sizeStr(x)} apart from dimension ${d}`,
        );
    gatherKernel(out, x, d, index);
  }
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, "GatherBackward0", [x], (g) => [zerosOf(inShape, g.dtype).scatter_add(d, index, g)], [index]);
  }
  return out;
}

function gatherKernel(out: Tensor, x: Tensor, d: number, index: Tensor): void {
  const size = nonEmptySize(x, d);
  const xd = x.dim() === 0 ? 0 : x._strides[d];
  const xs = x.dim() === 0 ? [] : x._strides.slice();
  if (xs.length) xs[d] = 0;
  // index may have more dims than x only when x is 0-dim; pad x's strides with zeros then
  while (xs.length < index.dim()) xs.push(0);
  const w = rowWalk(index._shape, [index._strides, xs, out._strides], [index._offset, x._offset, out._offset]);
  const I = index._data, X = x._data, O = out._data;
  const [si, sx, so] = w.starts;
  const [ii, ix, io] = w.innerStrides;
  for (let r = 0; r < w.rows; r++) {
    let ip = si[r], xp = sx[r], op = so[r];
    for (let j = 0; j < w.inner; j++) {
      const k = I[ip];
      if (k < 0 || k >= size) throw new RuntimeError(`index ${k} is out of bounds for dimension ${d} with size ${size}`);
      O[op] = X[xp + k * xd];
      ip += ii;
      xp += ix;
      op += io;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// scatter family

type Reduce = "none" | "sum" | "prod" | "mean" | "amax" | "amin";

function scatterChecks(name: string, self: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  if (index.numel() !== 0 && index.dtype !== int64) throw new RuntimeError(`${name}(): Expected dtype int64 for index`);
  if (src && self.dtype !== src.dtype) throw new RuntimeError(`${name}(): Expected self.dtype to be equal to src.dtype`);
  if (index.numel() === 0) return;
  if (nonEmptyDim(self) !== nonEmptyDim(index))
    throw new RuntimeError("Index tensor must have the same number of dimensions as self tensor");
  let wrong = false;
  const nd = nonEmptyDim(self);
  for (let i = 0; i < nd && !wrong; i++) if (i !== d && nonEmptySize(index, i) > nonEmptySize(self, i)) wrong = true;
  if (!wrong && src) for (let i = 0; i < nd && !wrong; i++) if (nonEmptySize(index, i) > nonEmptySize(src, i)) wrong = true;
  if (wrong) {
    const base = `Expected index ${sizeStr(index)} to be smaller than self ${sizeStr(self)} apart from dimension ${d}`;
    throw new RuntimeError(src ? `${base} and to be smaller size than src ${sizeStr(src)}` : base);
  }
}

/** target[.., index[p], ..] (op)= src[p] (or the scalar `value`) for every position p of index. */
function scatterKernel(target: Tensor, d: number, index: Tensor, src: Tensor | null, value: number, op: Reduce): void {
  if (index.numel() === 0) return;
  const size = nonEmptySize(target, d);
  const td = target.dim() === 0 ? 0 : target._strides[d];
  const ts = target.dim() === 0 ? [] : target._strides.slice();
  if (ts.length) ts[d] = 0;
  while (ts.length < index.dim()) ts.push(0);
  const ss = src ? (src.dim() === 0 ? [] : src._strides.slice()) : [];
  while (ss.length < index.dim()) ss.push(0);
  const w = rowWalk(index._shape, [index._strides, ts, ss], [index._offset, target._offset, src ? src._offset : 0]);
  const I = index._data, T = target._data, S = src ? src._data : null;
  const [si, st, sS] = w.starts;
  const [ii, it, is] = w.innerStrides;
  const isBool = target.dtype === bool;
  for (let r = 0; r < w.rows; r++) {
    let ip = si[r], tp = st[r], sp = sS[r];
    for (let j = 0; j < w.inner; j++) {
      const k = I[ip];
      if (k < 0 || k >= size) throw new RuntimeError(`index ${k} is out of bounds for dimension ${d} with size ${size}`);
      const p = tp + k * td;
      const v = S ? S[sp] : value;
      switch (op) {
        case "none":
          T[p] = v;
          break;
        case "sum":
        case "mean":
          T[p] = isBool ? (T[p] !== 0 || v !== 0 ? 1 : 0) : T[p] + v;
          break;
        case "prod":
          T[p] = isBool ? (T[p] !== 0 && v !== 0 ? 1 : 0) : T[p] * v;
          break;
        case "amax": {
          // v is NaN ? v : std::max(t, v)  (std::max keeps t unless t < v, so a NaN t stays)
          const t = T[p];
          T[p] = v !== v ? v : t < v ? v : t;
          break;
        }
        case "amin": {
          const t = T[p];
          T[p] = v !== v ? v : v < t ? v : t;
          break;
        }
      }
      ip += ii;
      tp += it;
      sp += is;
    }
  }
}

function parseLegacyReduce(reduce: string | undefined | null): Reduce {
  if (reduce === undefined || reduce === null) return "none";
  if (reduce === "add") return "sum";
  if (reduce === "multiply") return "prod";
  throw new RuntimeError("reduce argument must be either add or multiply.");
}

function parseScatterReduce(reduce: string | undefined): Reduce {
  if (reduce === "sum" || reduce === "prod" || reduce === "mean" || reduce === "amax" || reduce === "amin") return reduce;
  throw new RuntimeError("reduce argument must be either sum, prod, mean, amax or amin.");
}

type ScatterArgs = {
  dim: number;
  index: Tensor;
  src: Tensor | number | boolean;
  value: number | boolean;
  reduce: string | null;
};

/** A node whose backward is PyTorch's "not implemented" error (scatter with `reduce`). */
function notImplementedNode(out: Tensor, inputs: Tensor[], message: string): void {
  record(out, "torch::autograd::NotImplemented", inputs, () => {
    throw new RuntimeError(message);
  });
}

function scatterImpl(self: Tensor, args: unknown[], inPlace: boolean): Tensor {
  const o = params<ScatterArgs>(args, ["dim", "index", "src", "reduce"]);
  const srcArg = o.src !== undefined ? o.src : o.value;
  const src = srcArg instanceof Tensor ? srcArg : null;
  const index = o.index!;
  const d = wrapDim(o.dim!, self.dim());
  scatterChecks("scatter", self, d, index, src);
  const op = parseLegacyReduce(o.reduce);
  const value = src ? 0 : castScalar(Number(srcArg), self.dtype);
  const grad = needsGrad(self, src) || (inPlace && self._base !== null && self._base._requires_grad);
  if (inPlace && !grad) {
    scatterKernel(self, d, index, src, value, op);
    self._bump();
    return self;
  }
  const out = plainCopy(self);
  scatterKernel(out, d, index, src, value, op);
  if (needsGrad(self, src)) {
    if (op !== "none") notImplementedNode(out, src ? [self, src] : [self], "derivative for aten::scatter is not implemented");
    else if (src) {
      const srcShape = src._shape.slice();
      record(out, "ScatterBackward0", [self, src], (g) => [
        self._requires_grad ? g.scatter(d, index, 0) : null,
        src._requires_grad ? checkGradShape("ScatterBackward0", 1, g.gather(d, index), srcShape) : null,
      ], [index]);
    } else record(out, "ScatterBackward1", [self], (g) => [g.scatter(d, index, 0)], [index]);
  }
  return inPlace ? inPlaceWithGrad(self, out) : out;
}

export function scatter(x: Tensor, ...args: unknown[]): Tensor {
  return scatterImpl(x, args, false);
}

function scatterAddImpl(self: Tensor, args: unknown[], inPlace: boolean): Tensor {
  const o = params<{ dim: number; index: Tensor; src: Tensor }>(args, ["dim", "index", "src"]);
  const index = o.index!, src = o.src!;
  const d = wrapDim(o.dim!, self.dim());
  scatterChecks("scatter", self, d, index, src);
  const grad = needsGrad(self, src) || (inPlace && self._base !== null && self._base._requires_grad);
  if (inPlace && !grad) {
    scatterKernel(self, d, index, src, 0, "sum");
    self._bump();
    return self;
  }
  const out = plainCopy(self);
  scatterKernel(out, d, index, src, 0, "sum");
  if (needsGrad(self, src)) {
    const srcShape = src._shape.slice();
    record(out, "ScatterAddBackward0", [self, src], (g) => [
      self._requires_grad ? g : null,
      src._requires_grad ? checkGradShape("ScatterAddBackward0", 1, g.gather(d, index), srcShape) : null,
    ], [index]);
  }
  return inPlace ? inPlaceWithGrad(self, out) : out;
}

export function scatter_add(x: Tensor, ...args: unknown[]): Tensor {
  return scatterAddImpl(x, args, false);
}

/** The forward of scatter_reduce into a fresh tensor (no autograd). */
function scatterReduceForward(self: Tensor, d: number, index: Tensor, src: Tensor, op: Reduce, includeSelf: boolean): Tensor {
  const out = plainCopy(self);
  if (!includeSelf) {
    // positions that receive a value start from the reduction's identity
    const f = self.dtype.kind === "f";
    const init =
      op === "prod" ? 1 : op === "amax" ? (f ? -Infinity : lowest(self.dtype)) : op === "amin" ? (f ? Infinity : highest(self.dtype)) : 0;
    scatterKernel(out, d, index, null, init, "none");
  }
  scatterKernel(out, d, index, src, 0, op);
  if (op === "mean") {
    // count = (include_self ? 1 : 0) + number of values scattered to the position, at least 1
    const count = plainCopy(self, self.dtype);
    count._data.fill(includeSelf ? 1 : 0);
    const ones = empty(src._shape.slice(), self.dtype);
    ones._data.fill(1);
    scatterKernel(count, d, index, ones, 0, "sum");
    const O = out._data, C = count._data;
    const isFloat = self.dtype.kind === "f";
    for (let i = 0; i < O.length; i++) {
      const c = C[i] === 0 ? 1 : C[i];
      O[i] = isFloat ? O[i] / c : Math.floor(O[i] / c);
    }
  }
  return out;
}

function lowest(dt: DType): number {
  if (dt === bool) return 0;
  if (dt === int64) return -(2 ** 63);
  return -(2 ** (dt.itemsize * 8 - 1)) * (dt.is_signed ? 1 : 0);
}
function highest(dt: DType): number {
  if (dt === bool) return 1;
  if (dt === int64) return 2 ** 63;
  return dt.is_signed ? 2 ** (dt.itemsize * 8 - 1) - 1 : 2 ** (dt.itemsize * 8) - 1;
}

function scatterReduceImpl(self: Tensor, args: unknown[], inPlace: boolean): Tensor {
  const o = params<{ dim: number; index: Tensor; src: Tensor; reduce: string; include_self: boolean }>(args, ["dim", "index", "src", "reduce"]);
  const index = o.index!, src = o.src!;
  const includeSelf = o.include_self ?? true;
  const d = wrapDim(o.dim!, self.dim());
  scatterChecks("scatter", self, d, index, src);
  const op = parseScatterReduce(o.reduce);
  if (op === "mean" && self.dtype === bool)
    throw new RuntimeError(`"scatter_gather_tensor_cpu_reduce_mean" not implemented for 'Bool'`);
  const grad = needsGrad(self, src) || (inPlace && self._base !== null && self._base._requires_grad);
  if (inPlace && !grad) {
    const r = scatterReduceForward(self, d, index, src, op, includeSelf);
    backend.elementwise("copy", self, [r], self.dtype);
    self._bump();
    return self;
  }
  const out = scatterReduceForward(self, d, index, src, op, includeSelf);
  if (needsGrad(self, src)) {
    const reduce = o.reduce!;
    const srcShape = src._shape.slice();
    record(out, "ScatterReduceBackward0", [self, src], (g) => {
      const [gs, gsrc] = scatterReduceBackward(g, self, d, index, src, reduce, includeSelf, out);
      return [self._requires_grad ? gs : null, src._requires_grad ? checkGradShape("ScatterReduceBackward0", 1, gsrc, srcShape) : null];
    }, [self, index, src, out]);
  }
  return inPlace ? inPlaceWithGrad(self, out) : out;
}

/** torch/csrc/autograd/FunctionsManual.cpp scatter_reduce_backward */
function scatterReduceBackward(
  grad: Tensor, self: Tensor, d: number, index: Tensor, src: Tensor, reduce: string, includeSelf: boolean, result: Tensor,
): [Tensor, Tensor] {
  let gradSelf: Tensor, gradSrc: Tensor;
  if (reduce === "sum") {
    gradSelf = grad;
    gradSrc = grad.gather(d, index);
  } else if (reduce === "prod") {
    // exclusive products computed explicitly where self/src hold zeros
    const maskedSelf = self.masked_fill(self.eq(0), 1);
    const maskedSelfResult = maskedSelf.scatter_reduce(d, index, src, reduce, { include_self: includeSelf });
    gradSelf = grad.mul(maskedSelfResult).div(maskedSelf);
    const srcZero = src.eq(0);
    const srcNumZeros = zerosOf(self._shape, self.dtype).scatter_add(d, index, srcZero.to(self.dtype)).gather(d, index);
    const srcSingleZero = srcZero.logical_and(srcNumZeros.eq(1));
    const maskedSrc = src.masked_fill(srcSingleZero, 1);
    const maskedSrcResult = self.scatter_reduce(d, index, maskedSrc, reduce, { include_self: includeSelf });
    gradSrc = grad.mul(maskedSrcResult).gather(d, index).where(srcSingleZero, grad.mul(result).gather(d, index).div(src.masked_fill(srcZero, 1)));
  } else if (reduce === "mean") {
    let N = zerosOf(grad._shape, grad.dtype);
    if (includeSelf) N = N.add(1);
    N = N.scatter_add(d, index, plainCopy(src).fill_(1));
    N = N.masked_fill(N.eq(0), 1);
    gradSelf = grad.div(N);
    gradSrc = grad.gather(d, index).div(N.gather(d, index));
  } else {
    // amax / amin: the gradient is shared evenly between every value equal to the result
    const value = result.gather(d, index);
    const selfIsResult = self.eq(result).to(self.dtype);
    const srcIsResult = src.eq(value).to(self.dtype);
    const nDistribute = selfIsResult.scatter_add(d, index, srcIsResult);
    const distributed = grad.div(nDistribute);
    gradSelf = self.eq(result).mul(distributed);
    gradSrc = src.eq(value).mul(distributed.gather(d, index));
  }
  if (!includeSelf) gradSelf = gradSelf.scatter(d, index, 0);
  return [gradSelf, gradSrc];
}

export function scatter_reduce(x: Tensor, ...args: unknown[]): Tensor {
  return scatterReduceImpl(x, args, false);
}

// ---------------------------------------------------------------------------------------------
// Tensor methods

type SArgs = (number | Tensor | boolean | string | null | Record<string, unknown>)[];
declare module "../tensor.js" {
  interface Tensor {
    gather(dim: number, index: Tensor, opts?: { sparse_grad?: boolean }): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number | boolean, opts?: { reduce?: "add" | "multiply" | null }): Tensor;
    scatter(...args: SArgs): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | number | boolean, opts?: { reduce?: "add" | "multiply" | null }): Tensor;
    scatter_(...args: SArgs): Tensor;
    scatter_add(dim: number, index: Tensor, src: Tensor): Tensor;
    scatter_add_(dim: number, index: Tensor, src: Tensor): Tensor;
    scatter_reduce(dim: number, index: Tensor, src: Tensor, reduce: string, opts?: { include_self?: boolean }): Tensor;
    scatter_reduce_(dim: number, index: Tensor, src: Tensor, reduce: string, opts?: { include_self?: boolean }): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  P.gather = function (this: Tensor, ...a: unknown[]) {
    return gather(this, ...a);
  };
  P.scatter = function (this: Tensor, ...a: unknown[]) {
    return scatterImpl(this, a, false);
  };
  P.scatter_ = function (this: Tensor, ...a: unknown[]) {
    return scatterImpl(this, a, true);
  };
  P.scatter_add = function (this: Tensor, ...a: unknown[]) {
    return scatterAddImpl(this, a, false);
  };
  P.scatter_add_ = function (this: Tensor, ...a: unknown[]) {
    return scatterAddImpl(this, a, true);
  };
  P.scatter_reduce = function (this: Tensor, ...a: unknown[]) {
    return scatterReduceImpl(this, a, false);
  };
  P.scatter_reduce_ = function (this: Tensor, ...a: unknown[]) {
    return scatterReduceImpl(this, a, true);
  };
}
