// Element-wise ops: dtype rule, kernel call and backward formula side by side.
import { backend } from "../backend/index.js";
import { bool, castScalar, DType, get_default_dtype, int64, promoteTypes } from "../dtype.js";
import { RuntimeError, TypeError } from "../errors.js";
import { broadcastShapes, numel, sameShape } from "../shape.js";
import { allocate } from "../storage.js";
import { empty, Tensor, type TensorLike } from "../tensor.js";
import { cppTypeName, needsGrad, record, requireTensor, resultType, wrap, isWrapped } from "./util.js";
import { emptyStrided, expandTo, isNonOverlappingAndDense, iterOutputStrides, sumTo } from "./shape_helpers.js";
import { typeName } from "./dtype_names.js";
import { is_grad_enabled, set_grad_enabled } from "../autograd/grad_mode.js";
import { checkInplaceView, moveRetained, refreshView, setViewHistory, zerosWithLayout } from "../autograd/node.js";

// ---------------------------------------------------------------------------------------------
// generic drivers

/** Result written to a fresh tensor: inputs broadcast to the common shape; the result's memory
 * layout follows the inputs' (TensorIterator's rule), so strides, is_contiguous() and the
 * accumulation order of later reductions match PyTorch. */
function run(op: string, inputs: Tensor[], outDtype: DType, compute: DType, params?: ArrayLike<number>, contiguousOut = false): Tensor {
  const n = inputs.length;
  let shape = inputs[0]._shape;
  for (let i = 1; i < n; i++) if (!sameShape(shape, inputs[i]._shape)) shape = broadcastShapes(shape, inputs[i]._shape);
  let out: Tensor;
  if (contiguousOut || allRowMajor(inputs)) {
    // inputs laid out row-major for their own shapes give a row-major result (what
    // iterOutputStrides works out for them); the kernel writes every element
    out = new Tensor(allocate(outDtype, numel(shape), false), shape.slice());
  } else {
    // (where's condition is the one input that is not converted to the common dtype)
    const strides = iterOutputStrides(inputs, shape, compute, op === "where" ? 0 : -1);
    out = emptyStrided(shape.slice(), strides, outDtype);
  }
  backend.elementwise(op, out, asKernelInputs(op, inputs, shape, compute), compute, params);
  return out;
}

/** The inputs as the kernels take them: of the compute dtype (0-dim ones converted), expanded to
 * the result's shape. Usually they already are, and go as they came. */
function asKernelInputs(op: string, inputs: Tensor[], shape: readonly number[], compute: DType): Tensor[] {
  const n = inputs.length;
  let same = true;
  for (let i = 0; i < n && same; i++) same = inputs[i].dtype === compute && (inputs[i]._shape === shape || sameShape(inputs[i]._shape, shape));
  if (same) return inputs;
  const ins = new Array<Tensor>(n);
  for (let i = 0; i < n; i++) ins[i] = expandTo(n > 1 && !(op === "where" && i === 0) ? asCompute(inputs[i], compute) : inputs[i], shape);
  return ins;
}

/** A 0-dim operand of another dtype than a float compute dtype (a Python number, mostly)
 * converted up front, as the kernel would convert it on load (one rounding to float32, none to
 * float64): the same numbers, and every operand then has the compute dtype, which the native
 * kernels require. */
function asCompute(t: Tensor, compute: DType): Tensor {
  if (t.dtype === compute || t._shape.length !== 0 || compute.kind !== "f") return t;
  const v = t._storage.data[t._offset];
  const c = new Tensor(allocate(compute, 1, false), []);
  c._storage.data[0] = compute.itemsize === 4 ? Math.fround(v) : v;
  return c;
}

/** Every tensor non-empty with exactly row-major strides for its shape (size-1 dims included). */
function allRowMajor(ts: readonly Tensor[]): boolean {
  for (let k = 0; k < ts.length; k++) {
    const sh = ts[k]._shape, st = ts[k]._strides;
    let want = 1;
    for (let i = sh.length - 1; i >= 0; i--) {
      if (st[i] !== want || sh[i] === 0) return false;
      want *= sh[i];
    }
  }
  return true;
}

/** An in-place op's result must keep self's shape: broadcasting may not grow it. */
function checkInPlaceShape(self: Tensor, shape: readonly number[]): void {
  if (!sameShape(shape, self._shape))
    throw new RuntimeError(`output with shape [${self._shape.join(", ")}] doesn't match the broadcast shape [${shape.join(", ")}]`);
}

/** In-place: self = op(self, ...others). Others broadcast to self's shape; dtype must be castable. */
function runInPlace(op: string, self: Tensor, inputs: Tensor[], resultDtype: DType, compute: DType, params?: ArrayLike<number>): Tensor {
  checkCast(resultDtype, self.dtype);
  let shape = self._shape;
  for (const t of inputs) if (!sameShape(shape, t._shape)) shape = broadcastShapes(shape, t._shape);
  checkInPlaceShape(self, shape);
  backend.elementwise(op, self, asKernelInputs(op, inputs, shape, compute), compute, params);
  self._bump();
  return self;
}

/** ATen's assert_no_internal_overlap: an in-place op may not write through a broadcast
 * (stride-0) dim, where several elements share one memory location. */
export function assertNoInternalOverlap(t: Tensor): void {
  if (isNonOverlappingAndDense(t._shape, t._strides)) return;
  for (let i = 0; i < t._shape.length; i++)
    if (t._strides[i] === 0 && t._shape[i] > 1)
      throw new RuntimeError(
        "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
      );
}

/** ATen's assert_no_partial_overlap (TensorIterator's check of an output against each input):
 * dense tensors in one storage that overlap without being the same elements in the same
 * layout (x.add_(x.t()), x[None] = x). */
export function assertNoPartialOverlap(out: Tensor, input: Tensor): void {
  if (overlapStatus(out, input) === "partial") throw overlapError();
}

/** ATen's assert_no_overlap (index_put_): no shared element at all, even in the same layout. */
export function assertNoOverlap(out: Tensor, input: Tensor): void {
  const s = overlapStatus(out, input);
  if (s === "partial" || s === "full") throw overlapError();
}

function overlapError(): RuntimeError {
  return new RuntimeError(
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.",
  );
}

/** ATen's get_overlap_status ("too hard" for tensors that are not dense counts as no overlap). */
function overlapStatus(a: Tensor, b: Tensor): "no" | "full" | "partial" {
  if (a === b) return "full";
  if (a._storage !== b._storage || a.numel() === 0 || b.numel() === 0) return "no";
  if (!isNonOverlappingAndDense(a._shape, a._strides) || !isNonOverlappingAndDense(b._shape, b._strides)) return "no";
  const aBegin = a._offset, aEnd = aBegin + a.numel();
  const bBegin = b._offset, bEnd = bBegin + b.numel();
  if (aBegin === bBegin && aEnd === bEnd) return sameShape(a._strides, b._strides) ? "full" : "partial";
  return aBegin < bEnd && bBegin < aEnd ? "partial" : "no";
}

const KIND_ORDER = { b: 0, i: 1, f: 2 };
export function checkCast(from: DType, to: DType): void {
  if (KIND_ORDER[from.kind] > KIND_ORDER[to.kind]) {
    throw new RuntimeError(`result type ${typeName(from)} can't be cast to the desired output type ${typeName(to)}`);
  }
}

/** Self's value before an in-place op, with self's history, for the out-of-place formula to
 * save: PyTorch's in-place formulas save a copy of the original self, so writing into self does
 * not invalidate them (`y.mul_(z)` still has z's gradient y). */
export function original(self: Tensor): Tensor {
  checkInplaceView(self);
  if (self._viewVersion !== undefined) refreshView(self);
  const c = self.detach().clone();
  c.grad_fn = self.grad_fn;
  c._requires_grad = self._requires_grad;
  return c;
}

/** check_inplace, which autograd runs before the kernel (so before its memory-overlap checks):
 * the multi-output view, leaf and view-of-leaf errors. */
export function checkInplace(self: Tensor): void {
  checkInplaceView(self);
  if (self._base !== null && self._base.is_leaf && self._base._requires_grad && self._requires_grad) {
    throw new RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (self.is_leaf && self._requires_grad) {
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  }
}

/** In-place op on a tensor that takes part in autograd: compute out of place, then write the
 * values into self and move self's history to the new node (PyTorch's rebase_history). A node
 * that saved its output now saves self at its new version (exp_'s result modified again must
 * fail the backward). */
export function inPlaceWithGrad(self: Tensor, result: Tensor): Tensor {
  checkInplaceView(self);
  if (self.is_leaf && self._requires_grad) {
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  }
  checkCast(result.dtype, self.dtype);
  if (self._base !== null && (result._requires_grad || self._base._requires_grad)) {
    copySlices(self, result);
    // PyTorch saves an in-place view's output with the view's new grad_fn (AsStridedBackward0)
    result.grad_fn?.rebaseOutput(result, self, self._gradFn);
    return self;
  }
  backend.elementwise("copy", self, [expandTo(result, self._shape)], self.dtype);
  self._bump();
  const old = self._gradFn;
  self.grad_fn = result.grad_fn;
  self._requires_grad = result._requires_grad;
  moveRetained(self, old, self._gradFn);
  result.grad_fn?.rebaseOutput(result, self);
  return self;
}

/** Writing into a view of a base that takes part in autograd: the base gets a CopySlices node
 * whose backward routes the view's part of the gradient to `src` and the rest to the old base. */
function copySlices(view: Tensor, src: Tensor): Tensor {
  const base = view._base!;
  if (base.is_leaf && base._requires_grad) {
    throw new RuntimeError(
      "a view of a leaf Variable that requires grad is being used in an in-place operation.",
    );
  }
  const oldBase = base.detach();
  const oldEdgeHolder = new Tensor(base._storage, base._shape, base._strides, base._offset, base.dtype);
  oldEdgeHolder.grad_fn = base.grad_fn;
  oldEdgeHolder._requires_grad = base._requires_grad;
  const shape = view._shape.slice(), strides = view._strides.slice(), offset = view._offset;
  backend.elementwise("copy", view, [expandTo(src, view._shape)], view.dtype);
  view._bump();
  void oldBase;
  const srcShape = src._shape.slice();
  const baseOffset = base._offset;
  record(base, "CopySlices", [oldEdgeHolder, src], (g) => {
    // the view's strides and offset address elements of a tensor laid out like the base
    const gBase = zerosWithLayout(base, g.dtype);
    gBase.copy_(g);
    const region = gBase._alias(shape, strides, offset - baseOffset, false);
    // PyTorch writes the wrapped node's gradient back with grad_slice.copy_(...): a view that
    // overlaps itself (written in place through an expand) fails there
    assertNoInternalOverlap(region);
    const gSrc = sumTo(region.clone(), srcShape);
    region.zero_();
    return [gBase, gSrc];
  });
  if (base._gradFn && base._gradFn.name === "CopySlices") base._gradFn.releasesAlways = true;
  // the view now reads through the base's new history (AsStridedBackward0 -> CopySlices)
  setViewHistory(view, base);
  return view;
}

function floatOf(d: DType): DType {
  return d.kind === "f" ? d : get_default_dtype();
}

// ---------------------------------------------------------------------------------------------
// unary ops

type UnaryGrad = (g: Tensor, x: Tensor, out: Tensor) => Tensor;
interface UnaryDef {
  op: string;
  node: string;
  /** "float": ints promote to the default float dtype; "same": keep dtype; "bool": bool output */
  kind: "float" | "same" | "bool";
  grad?: UnaryGrad;
  /** save the output (not the input) for backward */
  savesOut?: boolean;
}

/** Dtypes ATen's kernels reject (its dispatch macros leave them out). */
function checkUnaryDtype(op: string, d: DType): void {
  if (op === "neg" && d === bool) {
    throw new RuntimeError(
      "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.",
    );
  }
  if (d === bool) {
    if (op === "relu") throw new RuntimeError("Boolean inputs not supported for relu");
    const kernel: Record<string, string> = { abs: "abs_cpu", floor: "floor_vml_cpu", ceil: "ceil_vml_cpu", round: "round_vml_cpu", trunc: "trunc_vml_cpu" };
    if (kernel[op]) throw new RuntimeError(`"${kernel[op]}" not implemented for 'Bool'`);
  }
  if (op === "frac" && d.kind !== "f") throw new RuntimeError(`"frac_cpu" not implemented for '${typeName(d)}'`);
}

function unary(def: UnaryDef) {
  return function (xIn: TensorLike): Tensor {
    const x = wrap(xIn);
    checkUnaryDtype(def.op, x.dtype);
    const outDt = def.kind === "float" ? floatOf(x.dtype) : def.kind === "bool" ? bool : x.dtype;
    const compute = def.kind === "bool" ? x.dtype : outDt;
    const out = run(def.op, [x], outDt, compute);
    if (def.grad && needsGrad(x)) {
      const grad = def.grad;
      // nodes whose formula needs neither x nor the result save nothing (in-place writes into
      // x afterwards do not invalidate them)
      const saves = grad === zerosGrad || def.op === "neg" || def.op === "frac" ? [] : [def.savesOut ? out : x];
      record(out, def.node, [x], (g) => [grad(g, x, out)], saves);
    }
    return out;
  };
}

function unaryInPlace(def: UnaryDef, outOfPlace: (x: Tensor) => Tensor) {
  return function (this: Tensor): Tensor {
    const self = this;
    checkUnaryDtype(def.op, self.dtype);
    if (needsGrad(self)) checkInplace(self);
    assertNoInternalOverlap(self);
    if (needsGrad(self)) return inPlaceWithGrad(self, outOfPlace(original(self)));
    const outDt = def.kind === "float" ? floatOf(self.dtype) : self.dtype;
    return runInPlace(def.op, self, [self], outDt, outDt);
  };
}

// zeros_like(grad): +0 everywhere (g * 0 would give -0 for negative and NaN for infinite g)
const zerosGrad: UnaryGrad = (g) => empty(g._shape.slice(), g.dtype);

export const UNARY: Record<string, UnaryDef> = {
  neg: { op: "neg", node: "NegBackward0", kind: "same", grad: (g) => g.neg() },
  abs: { op: "abs", node: "AbsBackward0", kind: "same", grad: (g, x) => g.mul(x.sign()) },
  sign: { op: "sign", node: "SignBackward0", kind: "same", grad: zerosGrad },
  exp: { op: "exp", node: "ExpBackward0", kind: "float", grad: (g, _x, out) => g.mul(out), savesOut: true },
  exp2: { op: "exp2", node: "Exp2Backward0", kind: "float", grad: (g, _x, out) => g.mul(out).mul(Math.LN2), savesOut: true },
  log: { op: "log", node: "LogBackward0", kind: "float", grad: (g, x) => g.div(x) },
  log2: { op: "log2", node: "Log2Backward0", kind: "float", grad: (g, x) => g.div(x.mul(Math.LN2)) },
  log10: { op: "log10", node: "Log10Backward0", kind: "float", grad: (g, x) => g.div(x.mul(Math.LN10)) },
  log1p: { op: "log1p", node: "Log1PBackward0", kind: "float", grad: (g, x) => g.div(x.add(1)) },
  expm1: { op: "expm1", node: "Expm1Backward0", kind: "float", grad: (g, _x, out) => g.mul(out.add(1)), savesOut: true },
  sqrt: { op: "sqrt", node: "SqrtBackward0", kind: "float", grad: (g, _x, out) => g.div(out.mul(2)), savesOut: true },
  rsqrt: { op: "rsqrt", node: "RsqrtBackward0", kind: "float", grad: (g, _x, out) => g.mul(out.pow(3).mul(-0.5)), savesOut: true },
  sin: { op: "sin", node: "SinBackward0", kind: "float", grad: (g, x) => g.mul(x.cos()) },
  cos: { op: "cos", node: "CosBackward0", kind: "float", grad: (g, x) => g.mul(x.sin().neg()) },
  tan: { op: "tan", node: "TanBackward0", kind: "float", grad: (g, _x, out) => g.mul(out.mul(out).add(1)), savesOut: true },
  asin: { op: "asin", node: "AsinBackward0", kind: "float", grad: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()) },
  acos: { op: "acos", node: "AcosBackward0", kind: "float", grad: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()).neg() },
  atan: { op: "atan", node: "AtanBackward0", kind: "float", grad: (g, x) => g.div(x.mul(x).add(1)) },
  sinh: { op: "sinh", node: "SinhBackward0", kind: "float", grad: (g, x) => g.mul(x.cosh()) },
  cosh: { op: "cosh", node: "CoshBackward0", kind: "float", grad: (g, x) => g.mul(x.sinh()) },
  tanh: {
    op: "tanh",
    node: "TanhBackward0",
    kind: "float",
    grad: (g, _x, out) => (needsGrad(g, out) ? g.mul(out.mul(out).neg().add(1)) : run("tanh_backward", [g, out], g.dtype, g.dtype)),
    savesOut: true,
  },
  sigmoid: {
    op: "sigmoid",
    node: "SigmoidBackward0",
    kind: "float",
    grad: (g, _x, out) => (needsGrad(g, out) ? g.mul(out).mul(out.neg().add(1)) : run("sigmoid_backward", [g, out], g.dtype, g.dtype)),
    savesOut: true,
  },
  relu: {
    op: "relu",
    node: "ReluBackward0",
    kind: "same",
    // where(out > 0, g, 0) in one pass when no graph of the backward is being built (operands
    // in where's order, so the result is laid out as where lays it out)
    grad: (g, _x, out) => (needsGrad(g, out) || g.dtype !== out.dtype ? where(out.gt(0), g, 0) : run("relu_backward", [out, g], g.dtype, g.dtype)),
    savesOut: true,
  },
  floor: { op: "floor", node: "FloorBackward0", kind: "same", grad: zerosGrad },
  ceil: { op: "ceil", node: "CeilBackward0", kind: "same", grad: zerosGrad },
  round: { op: "round", node: "RoundBackward0", kind: "same", grad: zerosGrad },
  trunc: { op: "trunc", node: "TruncBackward0", kind: "same", grad: zerosGrad },
  frac: { op: "frac", node: "FracBackward0", kind: "same", grad: (g) => g },
  reciprocal: { op: "reciprocal", node: "ReciprocalBackward0", kind: "float", grad: (g, _x, out) => g.mul(out.mul(out).neg()), savesOut: true },
  erf: { op: "erf", node: "ErfBackward0", kind: "float", grad: (g, x) => g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI))) },
  isnan: { op: "isnan", node: "", kind: "bool" },
  isinf: { op: "isinf", node: "", kind: "bool" },
  isfinite: { op: "isfinite", node: "", kind: "bool" },
  logical_not: { op: "logical_not", node: "", kind: "bool" },
};

export const neg = unary(UNARY.neg);
export const abs = unary(UNARY.abs);
export const sign = unary(UNARY.sign);
export const exp = unary(UNARY.exp);
export const exp2 = unary(UNARY.exp2);
export const log = unary(UNARY.log);
export const log2 = unary(UNARY.log2);
export const log10 = unary(UNARY.log10);
export const log1p = unary(UNARY.log1p);
export const expm1 = unary(UNARY.expm1);
export const sqrt = unary(UNARY.sqrt);
export const rsqrt = unary(UNARY.rsqrt);
export const sin = unary(UNARY.sin);
export const cos = unary(UNARY.cos);
export const tan = unary(UNARY.tan);
export const asin = unary(UNARY.asin);
export const acos = unary(UNARY.acos);
export const atan = unary(UNARY.atan);
export const sinh = unary(UNARY.sinh);
export const cosh = unary(UNARY.cosh);
export const tanh = unary(UNARY.tanh);
export const sigmoid = unary(UNARY.sigmoid);
export const relu = unary(UNARY.relu);
export const floor = unary(UNARY.floor);
export const ceil = unary(UNARY.ceil);
export const trunc = unary(UNARY.trunc);
export const frac = unary(UNARY.frac);
export const reciprocal = unary(UNARY.reciprocal);
export const erf = unary(UNARY.erf);
export const isnan = unary(UNARY.isnan);
export const isinf = unary(UNARY.isinf);
export const isfinite = unary(UNARY.isfinite);
export const logical_not = unary(UNARY.logical_not);

export function round(x: TensorLike, opts?: { decimals?: number }): Tensor {
  const d = opts?.decimals ?? 0;
  if (opts?.decimals === undefined) return unary(UNARY.round)(x);
  const t = wrap(x);
  if (t.dtype.kind !== "f") throw new RuntimeError(`"round_cpu" not implemented for '${typeName(t.dtype)}'`);
  // ATen: nearbyint(a * 10^d) / 10^d, or nearbyint(a / 10^-d) * 10^-d for d < 0 (10^k exact)
  const s = Math.pow(10, Math.abs(d));
  const out = withoutGrad(() => (d >= 0 ? unary(UNARY.round)(t.mul(s)).div(s) : unary(UNARY.round)(t.div(s)).mul(s)));
  // round.decimals is its own op in PyTorch (RoundBackward1, zero gradient)
  if (needsGrad(t)) record(out, "RoundBackward1", [t], (g) => [g.mul(0)]);
  return out;
}

/** Run `f` with autograd recording off (for ops that record one node around a composite). */
function withoutGrad<T>(f: () => T): T {
  const prev = is_grad_enabled();
  set_grad_enabled(false);
  try {
    return f();
  } finally {
    set_grad_enabled(prev);
  }
}

export function square(x: TensorLike): Tensor {
  const t = wrap(x);
  if (t.dtype === bool) return pow(t.to(int64), 2);
  return pow(t, 2);
}

// ---------------------------------------------------------------------------------------------
// binary ops

function binary(op: string, a: Tensor, b: Tensor, outDt: DType, compute: DType, params?: ArrayLike<number>): Tensor {
  return run(op, [a, b], outDt, compute, params);
}

function checkBoolSub(a: Tensor, b: Tensor): void {
  if (a.dtype === bool && b.dtype === bool)
    throw new RuntimeError(
      "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.",
    );
  if (a.dtype === bool || b.dtype === bool)
    throw new RuntimeError(
      "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.",
    );
}

function checkAlpha(dt: DType, alpha: number): void {
  if (dt.kind !== "f" && !Number.isInteger(alpha))
    throw new RuntimeError("For integral input tensors, argument alpha must not be a floating point number.");
}

export function add(aIn: TensorLike, bIn: TensorLike, opts?: { alpha?: number }): Tensor {
  const a = wrap(aIn), b = wrap(bIn);
  const alpha = opts?.alpha ?? 1;
  const dt = resultType(a, b);
  checkAlpha(dt, alpha);
  const out = alpha === 1 ? binary("add", a, b, dt, dt) : binary("add_alpha", a, b, dt, dt, [alpha]);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    record(out, "AddBackward0", [a, b], (g) => [sumTo(g, as), sumTo(alpha === 1 ? g : g.mul(alpha), bs)]);
  }
  return out;
}

export function sub(aIn: TensorLike, bIn: TensorLike, opts?: { alpha?: number }): Tensor {
  const a = wrap(aIn), b = wrap(bIn);
  checkBoolSub(a, b);
  const alpha = opts?.alpha ?? 1;
  const dt = resultType(a, b);
  checkAlpha(dt, alpha);
  const out = binary("add_alpha", a, b, dt, dt, [-alpha]);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    // `1 - x` (a JS number first) is Python's rsub
    const name = isWrapped(a) ? "RsubBackward1" : "SubBackward0";
    record(out, name, [a, b], (g) => [sumTo(g, as), sumTo(g.mul(-alpha), bs)]);
  }
  return out;
}

export function rsub(a: TensorLike, b: TensorLike, opts?: { alpha?: number }): Tensor {
  const out = sub(b, a, opts);
  // torch.rsub(tensor, tensor) is its own op (RsubBackward0); with a number it is RsubBackward1
  if (out.grad_fn && out.grad_fn.name === "SubBackward0") out.grad_fn.name = "RsubBackward0";
  return out;
}

export function mul(aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = wrap(aIn), b = wrap(bIn);
  const dt = resultType(a, b);
  const out = binary(dt === bool ? "logical_and" : "mul", a, b, dt, dt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    record(
      out,
      "MulBackward0",
      [a, b],
      (g) => [a._requires_grad ? sumTo(g.mul(b), as) : null, b._requires_grad ? sumTo(g.mul(a), bs) : null],
      // as PyTorch: save an operand only when the other's gradient needs it (so `v.mul_(2)` on a
      // view does not invalidate its own node)
      [...(a._requires_grad ? [b] : []), ...(b._requires_grad ? [a] : [])],
    );
  }
  return out;
}

export function div(aIn: TensorLike, bIn: TensorLike, opts?: { rounding_mode?: "floor" | "trunc" | null }): Tensor {
  const a = wrap(aIn), b = wrap(bIn);
  const mode = opts?.rounding_mode ?? null;
  if (mode !== null && mode !== "floor" && mode !== "trunc") {
    throw new RuntimeError(
      `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`,
    );
  }
  const rt = resultType(a, b);
  if (mode === null) {
    const dt = floatOf(rt);
    const out = binary("div", a, b, dt, dt);
    if (needsGrad(a, b)) {
      const as = a._shape, bs = b._shape;
      record(
        out,
        "DivBackward0",
        [a, b],
        // div_tensor_other_backward: -grad * ((self / other) / other), so x / x has gradient 0 exactly
        (g) => [a._requires_grad ? sumTo(g.div(b), as) : null, b._requires_grad ? sumTo(g.neg().mul(a.div(b).div(b)), bs) : null],
        b._requires_grad ? [a, b] : [b],
      );
    }
    return out;
  }
  const out = binary(mode === "floor" ? "div_floor" : "div_trunc", a, b, rt, rt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    record(out, "DivBackward2", [a, b], (g) => [sumTo(g.mul(0), as), sumTo(g.mul(0), bs)]);
  }
  return out;
}
export const true_divide = (a: TensorLike, b: TensorLike) => div(a, b);

export function floor_divide(a: TensorLike, b: TensorLike): Tensor {
  return div(a, b, { rounding_mode: "floor" });
}

export function remainder(aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = wrap(aIn), b = wrap(bIn);
  const dt = resultType(a, b);
  const out = binary("remainder", a, b, dt, dt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    record(out, isWrapped(b) ? "RemainderBackward0" : "RemainderBackward1", [a, b], (g) => [sumTo(g, as), sumTo(g.mul(div(a, b, { rounding_mode: "floor" })).neg(), bs)], [a, b]);
  }
  return out;
}

export function fmod(aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = wrap(aIn), b = wrap(bIn);
  const dt = resultType(a, b);
  const out = binary("fmod", a, b, dt, dt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    record(out, isWrapped(b) ? "FmodBackward0" : "FmodBackward1", [a, b], (g) => [sumTo(g, as), sumTo(g.mul(div(a, b, { rounding_mode: "trunc" })).neg(), bs)], [a, b]);
  }
  return out;
}

export function pow(aIn: TensorLike, bIn: TensorLike): Tensor {
  const scalarExp = typeof bIn === "number";
  const scalarBase = typeof aIn === "number";
  const a = wrap(aIn), b = wrap(bIn);
  const dt = resultType(a, b);
  // NumPy's rule, checked for a Python int exponent only (tensor exponents give 0, +-1)
  if (scalarExp && a.dtype.kind !== "f" && Number.isInteger(bIn) && (bIn as number) < 0)
    throw new RuntimeError("Integers to negative integer powers are not allowed.");
  let out: Tensor;
  if (scalarExp) out = run("pow_scalar", [a], dt, dt, [bIn as number]);
  // pow.Scalar's meta function allocates a contiguous result whatever the exponent's layout
  else if (scalarBase) out = run("rpow_scalar", [b], dt, dt, [aIn as number]).contiguous();
  else out = binary("pow", a, b, dt, dt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    if (scalarExp) {
      const e = bIn as number;
      record(out, "PowBackward0", [a], (g) => [e === 0 ? empty(a._shape.slice(), g.dtype) : g.mul(a.pow(e - 1).mul(e))], [a]);
    } else if (scalarBase) {
      const base = aIn as number;
      // pow.Scalar (self: Scalar, exponent: Tensor) is PowBackward2 in 1.13 and 2.x alike
      // pow_backward_exponent for a Scalar base: grad * (result * log(base)), 0 where base 0 meets exponent >= 0
      record(out, "PowBackward2", [null, b], (g) => {
        const d = g.mul(out.mul(Math.log(base)));
        return [null, base === 0 ? where(b.ge(0), 0, d) : d];
        // (saves the exponent and the result, as PyTorch's node does)
      }, [b, out]);
    } else {
      record(
        out,
        "PowBackward1",
        [a, b],
        (g) => [
          // pow_backward_self / pow_backward_exponent: zeros where the exponent is 0 / where
          // self is 0 and the exponent >= 0
          a._requires_grad ? sumTo(where(b.eq(0), 0, g.mul(b.mul(a.pow(b.sub(1))))), as) : null,
          b._requires_grad ? sumTo(g.mul(where(a.eq(0).logical_and(b.ge(0)), 0, out.mul(a.log()))), bs) : null,
        ],
        [a, b, out],
      );
    }
  }
  return out;
}

function minmax(op: "maximum" | "minimum", node: string) {
  return function (aIn: TensorLike, bIn: TensorLike): Tensor {
    const a = requireTensor(aIn, op, "input", 1), b = requireTensor(bIn, op, "other", 2);
    const dt = resultType(a, b);
    const out = binary(op, a, b, dt, dt);
    if (needsGrad(a, b)) {
      const as = a._shape, bs = b._shape;
      record(
        out,
        node,
        [a, b],
        (g) => {
          // PyTorch's formula: ties split the gradient in half, the losing side gets +0, and
          // both sides get it where a NaN makes the comparisons false
          const shared = where(a.eq(b), g.div(2), g);
          const aLoses = op === "maximum" ? a.lt(b) : a.gt(b);
          const bLoses = op === "maximum" ? a.gt(b) : a.lt(b);
          return [
            a._requires_grad ? sumTo(masked_fill(shared, aLoses, 0), as) : null,
            b._requires_grad ? sumTo(masked_fill(shared, bLoses, 0), bs) : null,
          ];
        },
        [a, b],
      );
    }
    return out;
  };
}
export const maximum = minmax("maximum", "MaximumBackward0");
export const minimum = minmax("minimum", "MinimumBackward0");

export function atan2(aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = requireTensor(aIn, "atan2", "input", 1), b = requireTensor(bIn, "atan2", "other", 2);
  const dt = floatOf(resultType(a, b));
  const out = binary("atan2", a, b, dt, dt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    record(out, "Atan2Backward0", [a, b], (g) => {
      const r = a.mul(a).add(b.mul(b));
      return [sumTo(g.mul(b).div(r), as), sumTo(g.mul(a.neg()).div(r), bs)];
    }, [a, b]);
  }
  return out;
}

function comparison(op: string) {
  return function (aIn: TensorLike, bIn: TensorLike): Tensor {
    const a = wrap(aIn), b = wrap(bIn);
    const dt = resultType(a, b);
    return binary(op, a, b, bool, dt);
  };
}
export const eq = comparison("eq");
export const ne = comparison("ne");
export const lt = comparison("lt");
export const le = comparison("le");
export const gt = comparison("gt");
export const ge = comparison("ge");
export const greater = gt, greater_equal = ge, less = lt, less_equal = le, not_equal = ne;

function logical(op: string) {
  return function (aIn: TensorLike, bIn: TensorLike): Tensor {
    const a = requireTensor(aIn, op, "input", 1), b = requireTensor(bIn, op, "other", 2);
    return binary(op, a, b, bool, resultType(a, b));
  };
}
export const logical_and = logical("logical_and");
export const logical_or = logical("logical_or");
export const logical_xor = logical("logical_xor");

function bitwise(op: string) {
  return function (aIn: TensorLike, bIn: TensorLike): Tensor {
    const a = wrap(aIn), b = wrap(bIn);
    const dt = resultType(a, b);
    if (dt.kind === "f") throw new RuntimeError(`"${op}_cpu" not implemented for '${typeName(dt, true)}'`);
    if (dt === bool) return binary(op === "bitwise_and" ? "logical_and" : op === "bitwise_or" ? "logical_or" : "logical_xor", a, b, bool, bool);
    return binary(op, a, b, dt, dt);
  };
}
export const bitwise_and = bitwise("bitwise_and");
export const bitwise_or = bitwise("bitwise_or");
export const bitwise_xor = bitwise("bitwise_xor");

export function bitwise_not(xIn: TensorLike): Tensor {
  const x = wrap(xIn);
  if (x.dtype.kind === "f") throw new RuntimeError(`"bitwise_not_cpu" not implemented for '${typeName(x.dtype, true)}'`);
  if (x.dtype === bool) return logical_not(x);
  return run("bitwise_not", [x], x.dtype, x.dtype);
}

// ---------------------------------------------------------------------------------------------
// ternary and parameterised ops

export function where(cond: Tensor, aIn: TensorLike, bIn: TensorLike): Tensor {
  if (cond.dtype !== bool && cond.dtype.name !== "uint8") {
    throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${typeName(cond.dtype, true)}`);
  }
  const a = wrap(aIn), b = wrap(bIn);
  const dt = resultType(a, b);
  const out = run("where", [cond, a, b], dt, dt);
  if (needsGrad(a, b)) {
    const as = a._shape, bs = b._shape;
    // where(condition, grad, 0): zeros are +0 whatever the sign of grad
    record(out, "WhereBackward0", [null, a, b], (g) => [null, sumTo(where(cond, g, 0), as), sumTo(where(cond, 0, g), bs)], [cond]);
  }
  return out;
}

export function clamp(xIn: TensorLike, minIn?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, maxIn?: TensorLike | null): Tensor {
  let min = minIn as TensorLike | null | undefined;
  let max = maxIn;
  if (min !== null && typeof min === "object" && !(min instanceof Tensor)) {
    const o = min as { min?: TensorLike | null; max?: TensorLike | null };
    min = o.min;
    max = o.max;
  }
  const x = wrap(xIn);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  if (min instanceof Tensor || max instanceof Tensor) {
    const lo = min === undefined || min === null ? wrap(-Infinity) : wrap(min);
    const hi = max === undefined || max === null ? wrap(Infinity) : wrap(max);
    const dt = resultType(x, lo, hi);
    const out = run("clamp_t", [x, lo, hi], dt, dt);
    if (needsGrad(x, lo, hi)) {
      const xs = x._shape, los = lo._shape, his = hi._shape;
      const hasLo = min !== undefined && min !== null, hasHi = max !== undefined && max !== null;
      // PyTorch's clamp_backward / clamp_backward_min_max (a bound that lies beyond the other
      // bound takes the gradient of the elements it clamps)
      record(out, "ClampBackward0", [x, hasLo ? lo : null, hasHi ? hi : null], (g) => {
        const z = 0;
        const gx = x._requires_grad ? sumTo(where(x.ge(lo).logical_and(x.le(hi)), g, z), xs) : null;
        let gl: Tensor | null = null, gh: Tensor | null = null;
        if (hasLo && lo._requires_grad) gl = sumTo(where(hasHi ? x.lt(lo).logical_and(lo.lt(hi)) : x.lt(lo), g, z), los);
        if (hasHi && hi._requires_grad) gh = sumTo(where(hasLo ? x.gt(hi).logical_or(hi.lt(lo)) : x.gt(hi), g, z), his);
        return [gx, gl, gh];
      }, [x, lo, hi]);
    }
    return out;
  }
  const dt = resultType(x, ...(min !== undefined && min !== null ? [wrap(min as number)] : []), ...(max !== undefined && max !== null ? [wrap(max as number)] : []));
  // the bounds are converted to the result dtype first (a uint8 clamp to min=-2 clamps to 254)
  const lo = min === undefined || min === null ? -Infinity : castScalar(Number(min), dt);
  const hi = max === undefined || max === null ? Infinity : castScalar(Number(max), dt);
  const out = run("clamp", [x], dt, dt, [lo, hi]);
  if (needsGrad(x)) {
    // torch.clamp with numbers is one op in 1.13 whichever bounds are given
    record(out, "ClampBackward1", [x], (g) => [where(x.ge(lo as number).logical_and(x.le(hi as number)), g, 0)], [x]);
  }
  return out;
}
export const clip = clamp;
export function clamp_min(x: TensorLike, min: TensorLike): Tensor {
  const out = clamp(x, min, null);
  if (out.grad_fn) out.grad_fn.name = min instanceof Tensor ? "ClampMinBackward1" : "ClampMinBackward0";
  return out;
}
export function clamp_max(x: TensorLike, max: TensorLike): Tensor {
  const out = clamp(x, null, max);
  if (out.grad_fn) out.grad_fn.name = max instanceof Tensor ? "ClampMaxBackward1" : "ClampMaxBackward0";
  return out;
}

export function masked_fill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== bool) {
    throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${cppTypeName(mask.dtype)}`);
  }
  const v = value instanceof Tensor ? value : null;
  if (v && v.dim() !== 0) {
    throw new RuntimeError(
      `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${v.dim()} dimension(s).`,
    );
  }
  // the value is stored in x's dtype (2.5 into an int64 tensor is 2); the result is contiguous
  // (ATen clones self with memory_format=contiguous, then fills in place)
  const fill = castScalar(v ? Number(v.item()) : Number(value), x.dtype);
  const shape = broadcastShapes(mask._shape, x._shape);
  const out = run("masked_fill", [expandTo(x, shape), mask], x.dtype, x.dtype, [fill], true);
  if (needsGrad(x)) {
    const xs = x._shape;
    record(out, "MaskedFillBackward0", [x], (g) => [sumTo(where(mask, 0, g), xs)], [mask]);
  }
  return out;
}

export function lerp(start: TensorLike, end: TensorLike, weight: TensorLike): Tensor {
  const a = wrap(start), b = wrap(end), w = wrap(weight);
  // 1 - weight stays a JS number for a scalar weight: ops on the wrapped scalar itself would give
  // a plain 0-dim float64 tensor, which promotes 0-dim float32 inputs to float64
  const oneMinus = (): TensorLike => (typeof weight === "number" ? 1 - weight : w.neg().add(1));
  // ATen's lerp: the form that keeps the endpoint exact on each side of weight 0.5
  const wTensor = weight instanceof Tensor;
  const out = withoutGrad(() => {
    const d = b.sub(a);
    const r = where(w.abs().lt(0.5), a.add(w.mul(d)), b.sub(d.mul(oneMinus())));
    // laid out as lerp's TensorIterator over (self, end[, weight]) lays it out
    const st = iterOutputStrides(wTensor ? [a, b, w] : [a, b], r._shape);
    if (sameShape(st, r._strides)) return r;
    const o = emptyStrided(r._shape.slice(), st, r.dtype);
    backend.elementwise("copy", o, [r], r.dtype);
    return o;
  });
  if (needsGrad(a, b, wTensor ? w : null)) {
    const as = a._shape, bs = b._shape, ws = w._shape;
    record(
      out,
      wTensor ? "LerpBackward1" : "LerpBackward0",
      wTensor ? [a, b, w] : [a, b],
      (g) => [
        a._requires_grad ? sumTo(g.mul(oneMinus()), as) : null,
        b._requires_grad ? sumTo(g.mul(w), bs) : null,
        wTensor && w._requires_grad ? sumTo(g.mul(b.sub(a)), ws) : null,
      ],
      wTensor ? [a, b, w] : [],
    );
  }
  return out;
}

/** torch.addcmul / torch.addcdiv: input + value * tensor1 * tensor2 (or / tensor2), broadcast,
 * in the three operands' result dtype. float32 as 1.13's kernels round: value cast to float,
 * (value * t1) rounded, then addcmul's product and sum one FMA (GCC contracted the kernel's
 * self + s * t1 * t2), addcdiv's quotient rounded before the sum. */
function addc(op: "addcmul" | "addcdiv", inputIn: TensorLike, t1In: TensorLike, t2In: TensorLike, value: number): Tensor {
  const x = wrap(inputIn), t1 = wrap(t1In), t2 = wrap(t2In);
  if (op === "addcdiv" && t1.dtype.kind !== "f" && t2.dtype.kind !== "f")
    throw new RuntimeError(ADDCDIV_INT);
  const dt = resultType(x, t1, t2);
  const out = run(op, [x, t1, t2], dt, dt, [castScalar(value, dt)]);
  if (needsGrad(x, t1, t2)) {
    const xs = x._shape, s1 = t1._shape, s2 = t2._shape;
    record(out, op === "addcmul" ? "AddcmulBackward0" : "AddcdivBackward0", [x, t1, t2], (g) => {
      const gx = x._requires_grad ? sumTo(g, xs) : null;
      if (op === "addcmul")
        return [gx, t1._requires_grad ? sumTo(g.mul(t2.mul(value)), s1) : null, t2._requires_grad ? sumTo(g.mul(t1.mul(value)), s2) : null];
      return [
        gx,
        // 1.13's order: grad * (value / tensor2), -grad * (value * tensor1 / (tensor2 * tensor2))
        t1._requires_grad ? sumTo(g.mul(div(value, t2)), s1) : null,
        t2._requires_grad ? sumTo(g.neg().mul(t1.mul(value).div(t2.mul(t2))), s2) : null,
      ];
    }, [t1, t2]);
  }
  return out;
}
const ADDCDIV_INT =
  "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.";

export function addcmul(input: TensorLike, tensor1: TensorLike, tensor2: TensorLike, opts?: { value?: number }): Tensor {
  return addc("addcmul", input, tensor1, tensor2, opts?.value ?? 1);
}
export function addcdiv(input: TensorLike, tensor1: TensorLike, tensor2: TensorLike, opts?: { value?: number }): Tensor {
  return addc("addcdiv", input, tensor1, tensor2, opts?.value ?? 1);
}

// in-place forms: the cheap kernel path without autograd, rebase_history with it
type BinFn = (a: TensorLike, b: TensorLike, opts?: never) => Tensor;
export function inPlaceBinary(fn: BinFn, op: string) {
  return function (this: Tensor, other: TensorLike, opts?: { alpha?: number; rounding_mode?: "floor" | "trunc" | null }): Tensor {
    const self = this;
    const o = wrap(other);
    if (needsGrad(self, o)) checkInplace(self);
    assertNoInternalOverlap(self);
    assertNoPartialOverlap(self, o);
    // the out-of-place op gets `other` as given: a Python number picks its Scalar overload
    // (pow_(2) is PowBackward0, which saves self and not the result)
    if (needsGrad(self, o) || (self._base !== null && self._base._requires_grad)) return inPlaceWithGrad(self, (fn as (a: TensorLike, b: TensorLike, opts?: unknown) => Tensor)(original(self), other, opts));
    let rt = resultType(self, o);
    if (op === "div" && !opts?.rounding_mode) rt = floatOf(rt);
    let kop = op;
    let params: number[] | undefined;
    if (op === "add" && opts?.alpha !== undefined && opts.alpha !== 1) {
      kop = "add_alpha";
      params = [opts.alpha];
    } else if (op === "sub") {
      checkBoolSub(self, o);
      kop = "add_alpha";
      params = [-(opts?.alpha ?? 1)];
    } else if (op === "div" && opts?.rounding_mode) kop = opts.rounding_mode === "floor" ? "div_floor" : "div_trunc";
    else if (op === "mul" && rt === bool) kop = "logical_and";
    checkCast(rt, self.dtype);
    return runInPlace(kop, self, [self, o], rt, rt, params);
  };
}

export function unaryInPlaceOf(name: keyof typeof UNARY, fn: (x: Tensor) => Tensor) {
  return unaryInPlace(UNARY[name], fn);
}

export { promoteTypes, TypeError };

// ---------------------------------------------------------------------------------------------
// Tensor methods

type T = TensorLike;
declare module "../tensor.js" {
  interface Tensor {
    neg(): Tensor; negative(): Tensor; abs(): Tensor; sign(): Tensor; exp(): Tensor; exp2(): Tensor; log(): Tensor;
    log2(): Tensor; log10(): Tensor; log1p(): Tensor; expm1(): Tensor; sqrt(): Tensor; rsqrt(): Tensor;
    sin(): Tensor; cos(): Tensor; tan(): Tensor; asin(): Tensor; acos(): Tensor; atan(): Tensor; sinh(): Tensor;
    cosh(): Tensor; tanh(): Tensor; sigmoid(): Tensor; relu(): Tensor; floor(): Tensor; ceil(): Tensor;
    round(opts?: { decimals?: number }): Tensor; trunc(): Tensor; frac(): Tensor; reciprocal(): Tensor; square(): Tensor; erf(): Tensor;
    isnan(): Tensor; isinf(): Tensor; isfinite(): Tensor; logical_not(): Tensor; bitwise_not(): Tensor;
    add(other: T, opts?: { alpha?: number }): Tensor; sub(other: T, opts?: { alpha?: number }): Tensor;
    subtract(other: T, opts?: { alpha?: number }): Tensor; rsub(other: T, opts?: { alpha?: number }): Tensor;
    mul(other: T): Tensor; multiply(other: T): Tensor;
    div(other: T, opts?: { rounding_mode?: "floor" | "trunc" | null }): Tensor; divide(other: T, opts?: { rounding_mode?: "floor" | "trunc" | null }): Tensor;
    true_divide(other: T): Tensor; floor_divide(other: T): Tensor; remainder(other: T): Tensor; fmod(other: T): Tensor;
    pow(other: T): Tensor; maximum(other: T): Tensor; minimum(other: T): Tensor; atan2(other: T): Tensor;
    eq(other: T): Tensor; ne(other: T): Tensor; lt(other: T): Tensor; le(other: T): Tensor; gt(other: T): Tensor; ge(other: T): Tensor;
    greater(other: T): Tensor; greater_equal(other: T): Tensor; less(other: T): Tensor; less_equal(other: T): Tensor; not_equal(other: T): Tensor;
    logical_and(other: T): Tensor; logical_or(other: T): Tensor; logical_xor(other: T): Tensor;
    bitwise_and(other: T): Tensor; bitwise_or(other: T): Tensor; bitwise_xor(other: T): Tensor;
    where(cond: Tensor, other: T): Tensor;
    clamp(min?: T | null | { min?: T | null; max?: T | null }, max?: T | null): Tensor; clip(min?: T | null | { min?: T | null; max?: T | null }, max?: T | null): Tensor;
    clamp_min(min: T): Tensor; clamp_max(max: T): Tensor;
    masked_fill(mask: Tensor, value: T): Tensor; lerp(end: T, weight: T): Tensor;
    addcmul(tensor1: T, tensor2: T, opts?: { value?: number }): Tensor; addcdiv(tensor1: T, tensor2: T, opts?: { value?: number }): Tensor;
    addcmul_(tensor1: T, tensor2: T, opts?: { value?: number }): Tensor; addcdiv_(tensor1: T, tensor2: T, opts?: { value?: number }): Tensor;
    // in place
    add_(other: T, opts?: { alpha?: number }): Tensor; sub_(other: T, opts?: { alpha?: number }): Tensor; mul_(other: T): Tensor;
    div_(other: T, opts?: { rounding_mode?: "floor" | "trunc" | null }): Tensor; pow_(other: T): Tensor;
    remainder_(other: T): Tensor; clamp_(min?: T | null | { min?: T | null; max?: T | null }, max?: T | null): Tensor; masked_fill_(mask: Tensor, value: T): Tensor;
    neg_(): Tensor; abs_(): Tensor; exp_(): Tensor; log_(): Tensor; sqrt_(): Tensor; tanh_(): Tensor; sigmoid_(): Tensor; relu_(): Tensor;
    floor_(): Tensor; ceil_(): Tensor; round_(): Tensor; reciprocal_(): Tensor; sin_(): Tensor; cos_(): Tensor;
    zero_(): Tensor; fill_(value: T): Tensor; copy_(src: Tensor | T): Tensor; lerp_(end: T, weight: T): Tensor;
    maximum_(other: T): Tensor;
  }
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
const unaryNames = ["neg", "abs", "sign", "exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "relu", "floor", "ceil", "trunc", "frac", "reciprocal", "erf", "isnan", "isinf", "isfinite", "logical_not"] as const;
const fns = { neg, abs, sign, exp, exp2, log, log2, log10, log1p, expm1, sqrt, rsqrt, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, sigmoid, relu, floor, ceil, trunc, frac, reciprocal, erf, isnan, isinf, isfinite, logical_not };
for (const n of unaryNames) {
  const f = fns[n];
  P[n] = function (this: Tensor) {
    return f(this);
  };
}
for (const n of ["neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "floor", "ceil", "reciprocal", "sin", "cos"] as const) {
  P[n + "_"] = unaryInPlaceOf(n, fns[n]);
}
P.round_ = unaryInPlaceOf("round", (x) => round(x));
P.negative = P.neg;
P.round = function (this: Tensor, o?: { decimals?: number }) {
  return round(this, o);
};
P.square = function (this: Tensor) {
  return square(this);
};
P.bitwise_not = function (this: Tensor) {
  return bitwise_not(this);
};
const binaries = { add, sub, subtract: sub, rsub, mul, multiply: mul, div, divide: div, true_divide, floor_divide, remainder, fmod, pow, maximum, minimum, atan2, eq, ne, lt, le, gt, ge, greater, greater_equal, less, less_equal, not_equal, logical_and, logical_or, logical_xor, bitwise_and, bitwise_or, bitwise_xor, clamp_min, clamp_max };
// ops whose `other` must be a tensor (no Scalar overload in PyTorch)
const TENSOR_ONLY = new Set(["maximum", "minimum", "atan2", "logical_and", "logical_or", "logical_xor"]);
for (const [n, f] of Object.entries(binaries)) {
  const g = f as (a: T, b: T, o?: never) => Tensor;
  P[n] = TENSOR_ONLY.has(n)
    ? function (this: Tensor, o: T, opts?: never) {
        requireTensor(o, n, "other", 1);
        return g(this, o, opts);
      }
    : function (this: Tensor, o: T, opts?: never) {
        return g(this, o, opts);
      };
}
// the hottest methods get closures of their own: one shared closure body would see every op as
// its callee and could inline none
P.add = function (this: Tensor, o: T, opts?: { alpha?: number }) {
  return add(this, o, opts);
};
P.sub = function (this: Tensor, o: T, opts?: { alpha?: number }) {
  return sub(this, o, opts);
};
P.mul = function (this: Tensor, o: T) {
  return mul(this, o);
};
P.div = function (this: Tensor, o: T, opts?: { rounding_mode?: "floor" | "trunc" | null }) {
  return div(this, o, opts);
};
P.add_ = inPlaceBinary(add as BinFn, "add");
P.sub_ = inPlaceBinary(sub as BinFn, "sub");
P.mul_ = inPlaceBinary(mul as BinFn, "mul");
P.div_ = inPlaceBinary(div as BinFn, "div");
P.pow_ = inPlaceBinary(pow as BinFn, "pow");
P.remainder_ = inPlaceBinary(remainder as BinFn, "remainder");
P.maximum_ = inPlaceBinary(maximum as BinFn, "maximum");
P.where = function (this: Tensor, cond: Tensor, other: T) {
  return where(cond, this, other);
};
P.clamp = function (this: Tensor, a?: never, b?: never) {
  return clamp(this, a, b);
};
P.clip = P.clamp;
/** The checks before an in-place kernel runs: autograd's check_inplace, then the kernel's
 * internal-overlap check (writing through a broadcast dim). */
function inPlaceChecks(self: Tensor, grad: boolean): void {
  if (grad) checkInplace(self);
  assertNoInternalOverlap(self);
}
P.clamp_ = function (this: Tensor, a?: never, b?: never) {
  inPlaceChecks(this, needsGrad(this));
  const r = clamp(needsGrad(this) ? original(this) : this, a, b);
  if (needsGrad(this)) return inPlaceWithGrad(this, r);
  return this.copy_(r);
};
P.masked_fill = function (this: Tensor, m: Tensor, v: T) {
  return masked_fill(this, m, v);
};
P.masked_fill_ = function (this: Tensor, m: Tensor, v: T) {
  // (ATen only warns about masked_fill_ on an expanded tensor)
  if (needsGrad(this, v instanceof Tensor ? v : null)) checkInplace(this);
  const r = masked_fill(this, m, v);
  checkInPlaceShape(this, r._shape);
  if (needsGrad(this, v instanceof Tensor ? v : null)) return inPlaceWithGrad(this, r);
  return this.copy_(r);
};
P.lerp = function (this: Tensor, e: T, w: T) {
  return lerp(this, e, w);
};
P.lerp_ = function (this: Tensor, e: T, w: T) {
  inPlaceChecks(this, needsGrad(this, e instanceof Tensor ? e : null));
  const r = lerp(needsGrad(this, e instanceof Tensor ? e : null) ? original(this) : this, e, w);
  if (needsGrad(this, e instanceof Tensor ? e : null)) return inPlaceWithGrad(this, r);
  return this.copy_(r);
};
for (const [name, f] of [["addcmul", addcmul], ["addcdiv", addcdiv]] as const) {
  P[name] = function (this: Tensor, t1: T, t2: T, opts?: { value?: number }) {
    return f(this, t1, t2, opts);
  };
  P[`${name}_`] = function (this: Tensor, t1: T, t2: T, opts?: { value?: number }) {
    const grad = needsGrad(this, t1 instanceof Tensor ? t1 : null, t2 instanceof Tensor ? t2 : null);
    inPlaceChecks(this, grad);
    const r = f(grad ? original(this) : this, t1, t2, opts);
    checkInPlaceShape(this, r._shape);
    checkCast(r.dtype, this.dtype);
    if (grad) return inPlaceWithGrad(this, r);
    return this.copy_(r);
  };
}
/** The out-of-place value of fill_/zero_/copy_ on a tensor that takes part in autograd, with
 * PyTorch's node: self's old history gets zeros (FillBackward2/3, ZeroBackward0, CopyBackwards)
 * and `src` the gradient summed to its shape. */
function overwriteResult(self: Tensor, src: Tensor, name: string): Tensor {
  const out = empty(self._shape.slice(), self.dtype);
  backend.elementwise("copy", out, [expandTo(src, self._shape)], self.dtype);
  const ss = src._shape.slice(), sdt = src.dtype;
  const srcGrad = name === "CopyBackwards" ? (g: Tensor) => sumTo(g, ss).to(sdt) : (g: Tensor) => g.sum();
  return record(out, name, [self, src], (g) => [empty(g._shape.slice(), g.dtype), src._requires_grad ? srcGrad(g) : null]);
}
P.zero_ = function (this: Tensor) {
  // (no internal-overlap check: ATen's fill is idempotent, so writing through a broadcast dim is fine)
  if (needsGrad(this)) checkInplace(this);
  if (needsGrad(this) && this._base === null) return inPlaceWithGrad(this, overwriteResult(this, wrap(0), "ZeroBackward0"));
  return this.fill_(0);
};
P.fill_ = function (this: Tensor, v: T) {
  const val = wrap(v);
  if (val.dim() !== 0)
    throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${val.dim()} dimensions.`);
  if (needsGrad(this, val)) checkInplace(this);
  if (needsGrad(this, val)) {
    if (this._base === null) return inPlaceWithGrad(this, overwriteResult(this, val, isWrapped(val) ? "FillBackward2" : "FillBackward3"));
    return inPlaceWithGrad(this, val.expand(this._shape).to(this.dtype));
  }
  backend.elementwise("copy", this, [expandTo(val, this._shape)], this.dtype);
  this._bump();
  return this;
};
P.copy_ = function (this: Tensor, src: Tensor | T) {
  const s = wrap(src);
  if (needsGrad(this, s)) checkInplace(this);
  // copy_impl returns before its TensorIterator (and the overlap checks) when src is self or
  // the same elements in the same layout
  const sameData =
    s._storage === this._storage && s._offset === this._offset && s.dtype === this.dtype && sameShape(s._shape, this._shape) && sameShape(s._strides, this._strides);
  if (!sameData) {
    assertNoInternalOverlap(this);
    assertNoPartialOverlap(this, s);
  }
  checkInPlaceShape(this, broadcastShapes(this._shape, s._shape));
  if (needsGrad(this, s) || (this._base !== null && this._base._requires_grad && s._requires_grad)) {
    if (this._base === null) return inPlaceWithGrad(this, overwriteResult(this, s, "CopyBackwards"));
    const r = s.to(this.dtype).expand(this._shape);
    return inPlaceWithGrad(this, needsGrad(s) ? r : r.detach());
  }
  backend.elementwise("copy", this, [expandTo(s, this._shape)], this.dtype);
  this._bump();
  return this;
};
