// torch.nn.functional. Softmax, log-softmax, the NLL/cross-entropy pair, layer norm and batch norm
// run as direct typed-array loops with closed-form backward nodes: composing them from generic ops
// would cost many passes and, for cross-entropy, risk exp() overflow. Backward nodes have a fast
// loop for the ordinary case and a tensor-op formula when a graph of the backward is being built
// (create_graph), so double backward works. Composite functions (l1_loss, normalize, the
// label-smoothing and probability-target forms of cross_entropy) are built from torch ops exactly
// as PyTorch builds them, so their grad_fn chains print the same.
import { backend, fused } from "../backend/index.js";
import { no_grad } from "../autograd/grad_mode.js";
import { bool, DType, float32, int64, type TypedArray } from "../dtype.js";
import { IndexError, NotImplementedError, RuntimeError, ValueError } from "../errors.js";
import { typeName } from "../ops/dtype_names.js";
import { cat } from "../ops/join.js";
import { addmm } from "../ops/linalg.js";
import { inPlaceWithGrad } from "../ops/pointwise.js";
import { emptyStrided, iterOutputStrides } from "../ops/shape_helpers.js";
import { needsGrad, params, record, uninit } from "../ops/util.js";
import { default_generator } from "../random/generator.js";
import { dropoutMask } from "../random/kernels.js";
import { AssertionError } from "../errors.js";
import { cppDouble, sizeRepr } from "../printing.js";
import { broadcastShapes, numel, sameShape, wrapDim } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { warn } from "../warnings.js";
import { softmaxBackwardF32, softmaxF32 } from "./softmax_f32.js";
import { layerNormBackwardF32, layerNormF32 } from "./layer_norm_f32.js";
import { type LegacyReduction, type Reduction, reductionOf } from "./reduction.js";

// ---------------------------------------------------------------------------------------------
// helpers

/** Contiguous values of t (no autograd), with the offset of its first element. */
function raw(t: Tensor): { d: TypedArray; o: number } {
  const c = t.is_contiguous() ? t : no_grad(() => t.detach().contiguous());
  return { d: c._storage.data, o: c._offset };
}

function checkFloat(x: Tensor, kernel: string): void {
  if (x.dtype.kind !== "f") throw new RuntimeError(`"${kernel}" not implemented for '${typeName(x.dtype)}'`);
}

/** [outer, n, inner] split of a shape around dim d (a 0-dim tensor is one row of one element). */
function split3(shape: readonly number[], d: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  let outer = 1, inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[d], inner];
}

/** Reduce an elementwise loss with the same summation kernels as `Tensor.sum`/`mean`. */
function applyReduction(loss: Tensor, r: Reduction): Tensor {
  if (r === "none") return loss;
  return no_grad(() => (r === "sum" ? loss.sum() : loss.mean()));
}

function rename(t: Tensor, name: string): Tensor {
  if (t.grad_fn) t.grad_fn.name = name;
  return t;
}

/** In-place form of an activation: PyTorch's rebase_history when autograd is involved. */
function inPlace(x: Tensor, out: Tensor, nodeName?: string): Tensor {
  if (needsGrad(x) || (x._base !== null && x._base._requires_grad)) {
    inPlaceWithGrad(x, out);
    if (nodeName && x.grad_fn && x.grad_fn === out.grad_fn) x.grad_fn.name = nodeName;
    return x;
  }
  return x.copy_(out);
}

/**
 * y = f(x) elementwise in x's dtype, with a backward node. `df(g, x, y)` is the fast scalar
 * derivative; `dslow` the same formula in tensor ops, used when the backward itself is recorded.
 */
function pointwise(
  x: Tensor,
  node: string,
  f: ((v: number) => number) | string,
  df: (g: number, x: number, y: number) => number,
  dslow: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
  opts: { saveOut?: boolean; inPlace?: boolean; contiguous?: boolean; params?: number[] } = {},
): Tensor {
  const flat = uninit(x._shape.slice(), x.dtype);
  const Y = flat._storage.data;
  const n = flat.numel();
  // f named: the backend's element-wise op of that name computes the forward (1.13's own kernel,
  // its bits), with the op's scalar arguments
  if (typeof f === "string") {
    if (n > 0) backend.elementwise(f, flat, [x], x.dtype, opts.params);
  } else {
    const { d: X, o: xo } = raw(x);
    for (let i = 0; i < n; i++) Y[i] = f(X[xo + i]);
  }
  // the result is laid out as ATen's TensorIterator lays it out (a transposed x gives a
  // transposed result; `contiguous`: kernels that allocate a contiguous one); Y holds the
  // values in row-major order for the backward
  let out = flat;
  const strides = opts.contiguous ? flat._strides : iterOutputStrides([x], x._shape);
  if (!sameShape(strides, flat._strides)) {
    out = emptyStrided(x._shape.slice(), strides, x.dtype);
    backend.elementwise("copy", out, [flat], x.dtype);
  }
  if (needsGrad(x)) {
    // an in-place caller overwrites x: a derivative that needs the input reads a private copy
    const src = opts.inPlace && !opts.saveOut ? no_grad(() => x.detach().clone()) : x;
    record(
      out,
      node,
      [x],
      (g) => {
        if (needsGrad(g, src)) return [dslow(g, src, out)];
        const gi = uninit(x._shape.slice(), g.dtype);
        const G = raw(g), Xr = raw(src);
        const R = gi._storage.data;
        for (let i = 0; i < n; i++) R[i] = df(G.d[G.o + i], Xr.d[Xr.o + i], Y[i]);
        return [gi];
      },
      opts.saveOut ? [out] : src === x ? [x] : [],
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// softmax family

function softmaxDefaultDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

// softmaxCore's row loops, apart from the op so that the JIT compiles them on their own (as part
// of the op, on-stack replacement of the long loops kept recompiling the whole op)
function softmaxLoop(X: TypedArray, xo: number, Y: TypedArray, outer: number, n: number, inner: number, log: boolean): void {
  const tmp = new Float64Array(n);
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const base = a * n * inner + b;
      let m = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = X[xo + base + k * inner];
        if (v > m || v !== v) m = v;
      }
      // an all -inf row: exp(-inf - -inf) is NaN, as in PyTorch
      let s = 0;
      for (let k = 0; k < n; k++) {
        const e = Math.exp(X[xo + base + k * inner] - m);
        tmp[k] = e;
        s += e;
      }
      if (log) {
        const ls = Math.log(s);
        for (let k = 0; k < n; k++) Y[base + k * inner] = X[xo + base + k * inner] - m - ls;
      } else {
        for (let k = 0; k < n; k++) Y[base + k * inner] = tmp[k] / s;
      }
    }
  }
}

function softmaxBackwardLoop(
  Gd: TypedArray, go: number, Y: TypedArray, R: TypedArray, outer: number, n: number, inner: number, log: boolean, lastDim: boolean,
): void {
  for (let a = 0; a < outer; a++)
    for (let b = 0; b < inner; b++) {
      const base = a * n * inner + b;
      // ATen's last-dim kernels sum from the first element (vec::reduce_all), the others
      // from 0: a sum of -0s is -0 only in the former
      let s = lastDim ? -0 : 0;
      if (log) {
        for (let k = 0; k < n; k++) s += Gd[go + base + k * inner];
        for (let k = 0; k < n; k++) {
          const p = base + k * inner;
          R[p] = Gd[go + p] - Math.exp(Y[p]) * s;
        }
      } else {
        for (let k = 0; k < n; k++) {
          const p = base + k * inner;
          s += Gd[go + p] * Y[p];
        }
        for (let k = 0; k < n; k++) {
          const p = base + k * inner;
          R[p] = Y[p] * (Gd[go + p] - s);
        }
      }
    }
}

/** softmax / log_softmax over dim d, stable (the row max is subtracted before exp). */
function softmaxCore(xIn: Tensor, dim: number, log: boolean): Tensor {
  const x = xIn;
  const d = wrapDim(dim, x.dim());
  const lastDim = x.dim() === 0 || d === x.dim() - 1;
  if (x.dtype.kind !== "f") {
    throw new RuntimeError(`"${log ? "log_softmax" : "softmax"}${lastDim ? "_lastdim" : ""}_kernel_impl" not implemented for '${typeName(x.dtype)}'`);
  }
  const [outer, n, inner] = split3(x._shape, d);
  const out = uninit(x._shape.slice(), x.dtype);
  const { d: X, o: xo } = raw(x);
  const Y = out._storage.data;
  // float32: torch 1.13's kernels bit for bit (softmax_f32.ts, or the backend's copy of them)
  if (X instanceof Float32Array && Y instanceof Float32Array) {
    if (fused.softmaxRows && inner === 1) fused.softmaxRows(X, xo, Y, 0, outer, n, log);
    else softmaxF32(X, xo, Y, 0, outer, n, inner, log);
  } else softmaxLoop(X, xo, Y, outer, n, inner, log);
  if (needsGrad(x)) {
    record(
      out,
      log ? "LogSoftmaxBackward0" : "SoftmaxBackward0",
      [x],
      (g) => {
        if (needsGrad(g, out)) {
          if (log) return [g.sub(out.exp().mul(g.sum(d, true)))];
          return [out.mul(g.sub(g.mul(out).sum(d, true)))];
        }
        const gi = uninit(x._shape.slice(), g.dtype);
        const G = raw(g);
        const R = gi._storage.data;
        if (G.d instanceof Float32Array && Y instanceof Float32Array && R instanceof Float32Array) {
          if (fused.softmaxBackwardRows && inner === 1) fused.softmaxBackwardRows(G.d, G.o, Y, 0, R, 0, outer, n, log);
          else softmaxBackwardF32(G.d, G.o, Y, R, outer, n, inner, log);
        } else softmaxBackwardLoop(G.d, G.o, Y, R, outer, n, inner, log, lastDim);
        return [gi];
      },
      [out],
    );
  }
  return out;
}

interface SoftmaxOpts {
  dim?: number | null;
  _stacklevel?: number;
  dtype?: DType | null;
}

function softmaxLike(name: string, log: boolean, negate: boolean) {
  return function (input: Tensor, ...args: unknown[]): Tensor {
    const o = params<SoftmaxOpts & Record<string, unknown>>(args, ["dim", "_stacklevel", "dtype"]);
    const dim = o.dim === undefined || o.dim === null ? softmaxDefaultDim(name, input.dim()) : o.dim;
    let x = o.dtype ? input.to(o.dtype) : input;
    if (negate) x = x.neg();
    return softmaxCore(x, dim, log);
  };
}

/** F.softmax(input, dim, _stacklevel=3, dtype=None) */
export const softmax = softmaxLike("softmax", false, false) as (input: Tensor, dim?: number | null | SoftmaxOpts, ...rest: unknown[]) => Tensor;
/** F.log_softmax(input, dim, _stacklevel=3, dtype=None) */
export const log_softmax = softmaxLike("log_softmax", true, false) as typeof softmax;
/** F.softmin(input, dim) = softmax(-input, dim) */
export const softmin = softmaxLike("softmin", false, true) as typeof softmax;

// ---------------------------------------------------------------------------------------------
// NLL and cross-entropy

/** Accumulation in the order of PyTorch's nll_loss_out_frame: a cascade of 8 partial sums in the
 * input dtype, so float32 losses agree with PyTorch bit for bit. */
class CascadeSum {
  private parts = [0, 0, 0, 0, 0, 0, 0, 0];
  private readonly levelPower: number;
  private readonly levelMask: number;
  constructor(
    batch: number,
    private readonly f32: boolean,
  ) {
    const ceilLog2 = batch <= 1 ? 0 : Math.ceil(Math.log2(batch));
    this.levelPower = Math.max(4, Math.floor(ceilLog2 / 8));
    this.levelMask = (1 << this.levelPower) - 1;
  }
  private r(v: number): number {
    return this.f32 ? Math.fround(v) : v;
  }
  /** add v for batch row b (rows whose target is ignored are skipped entirely, as in PyTorch) */
  addAt(b: number, v: number): void {
    const p = this.parts;
    p[0] = this.r(p[0] + v);
    for (let j = 0; j + 1 < 8; j++) {
      if ((b & (this.levelMask << (j * this.levelPower))) !== 0) break;
      p[j + 1] = this.r(p[j + 1] + p[j]);
      p[j] = 0;
    }
  }
  total(): number {
    let s = 0;
    for (const v of this.parts) s = this.r(s + v);
    return s;
  }
}

interface NllOpts {
  weight?: Tensor | null;
  size_average?: boolean | null;
  ignore_index?: number;
  reduce?: boolean | null;
  reduction?: string;
}

/**
 * nll_loss on input [N, C] / [C] (kind "1d2d", node NllLossBackward0) or [N, C, H, W]
 * (kind "2d", node NllLoss2DBackward0). Target holds class indices.
 */
function nllCore(input: Tensor, target: Tensor, weight: Tensor | null, red: Reduction, ii: number, twoD: boolean): Tensor {
  checkFloat(input, twoD ? "nll_loss2d_forward_out_frame" : "nll_loss_out_frame");
  if (target.dtype !== int64 && target.dtype.name !== "uint8") {
    throw new RuntimeError(`expected scalar type Long but found ${typeName(target.dtype)}`);
  }
  const C = twoD ? input._shape[1] : input._shape[input.dim() - 1];
  if (weight && (weight.dim() !== 1 || weight.numel() !== C)) {
    throw new RuntimeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight._shape.join(", ")}]`);
  }
  const N = input.dim() === 1 ? 1 : input._shape[0];
  const S = twoD ? input._shape[2] * input._shape[3] : 1;
  const f32 = input.dtype === float32;
  const X = raw(input), T = raw(target);
  const W = weight ? raw(weight.to(input.dtype)) : null;
  const cls = (n: number, s: number): number => {
    const t = T.d[T.o + n * S + s];
    if (t === ii) return -1;
    if (t < 0 || t >= C) throw new IndexError(`Target ${t} is out of bounds.`);
    return t;
  };
  const xAt = (n: number, c: number, s: number) => X.d[X.o + (n * C + c) * S + s];
  const wAt = (c: number) => (W ? W.d[W.o + c] : 1);
  const outShape = red !== "none" ? [] : input.dim() === 1 ? [] : twoD ? [N, input._shape[2], input._shape[3]] : [N];
  const out = empty(outShape, input.dtype);
  let totalWeight = 0;
  if (red === "none") {
    const O = out._storage.data;
    for (let n = 0; n < N; n++)
      for (let s = 0; s < S; s++) {
        const c = cls(n, s);
        O[n * S + s] = c < 0 ? 0 : -xAt(n, c, s) * wAt(c);
      }
    // a 1-D input takes ATen's summing path even unreduced: a sum from 0 (-0 becomes 0)
    if (input.dim() === 1) O[0] += 0;
  } else if (!twoD) {
    // PyTorch's summation order for the 1-D/2-D kernel, so float32 losses agree bit for bit
    const loss = new CascadeSum(N, f32);
    const wsum = new CascadeSum(N, f32);
    let ignored = 0;
    for (let n = 0; n < N; n++) {
      const c = cls(n, 0);
      if (c < 0) {
        ignored++;
        continue;
      }
      const w = wAt(c);
      loss.addAt(n, -(f32 ? Math.fround(xAt(n, c, 0) * w) : xAt(n, c, 0) * w));
      if (W) wsum.addAt(n, w);
    }
    totalWeight = W ? wsum.total() : N - ignored;
    let v = loss.total();
    if (N === 0 || (input.numel() === 0 && red === "mean")) v = red === "mean" ? NaN : 0;
    else if (red === "mean") v = v / totalWeight;
    out._storage.data[0] = v;
  } else {
    let s1 = 0, tw = 0;
    for (let n = 0; n < N; n++)
      for (let s = 0; s < S; s++) {
        const c = cls(n, s);
        if (c < 0) continue;
        const w = wAt(c);
        s1 -= xAt(n, c, s) * w;
        tw += w;
      }
    totalWeight = f32 ? Math.fround(tw) : tw;
    out._storage.data[0] = red === "mean" ? (N * S === 0 ? NaN : s1 / tw) : s1;
  }
  if (needsGrad(input)) {
    const inShape = input._shape.slice();
    record(
      out,
      twoD ? "NllLoss2DBackward0" : "NllLossBackward0",
      [input, null],
      (g) => {
        // d loss / d input is -w[t] at each target position (divided by the total weight for
        // 'mean'): a constant coefficient tensor times the broadcast incoming gradient
        const coef = empty(inShape.slice(), g.dtype);
        const K = coef._storage.data;
        const scale = red === "mean" ? totalWeight : 1;
        const scalarG = red !== "none" || input.dim() === 1;
        if (scalarG && !needsGrad(g)) {
          // coef.mul(g).masked_fill(~hit, 0) below in one pass: the product where a target is
          // (rounded to the dtype, as mul stores it), +0 elsewhere
          const gv = g._storage.data[g._offset];
          const f32 = coef.dtype === float32;
          for (let n = 0; n < N; n++)
            for (let s = 0; s < S; s++) {
              const c = cls(n, s);
              if (c >= 0) {
                const p = (n * C + c) * S + s;
                K[p] = -wAt(c) / scale;
                K[p] = f32 ? Math.fround(K[p] * gv) : K[p] * gv;
              }
            }
          return [coef, null];
        }
        // ATen zero-fills grad_input and writes the target positions: +0 elsewhere, whatever
        // the sign of g
        const hit = empty(inShape.slice(), bool);
        const H = hit._storage.data;
        for (let n = 0; n < N; n++)
          for (let s = 0; s < S; s++) {
            const c = cls(n, s);
            if (c >= 0) {
              K[(n * C + c) * S + s] = -wAt(c) / scale;
              H[(n * C + c) * S + s] = 1;
            }
          }
        if (scalarG) return [coef.mul(g).masked_fill(hit.logical_not(), 0), null];
        if (needsGrad(g)) return [coef.mul(g.unsqueeze(1)).masked_fill(hit.logical_not(), 0), null];
        const G = raw(g);
        for (let n = 0; n < N; n++)
          for (let c = 0; c < C; c++)
            for (let s = 0; s < S; s++) {
              const p = (n * C + c) * S + s;
              if (K[p] !== 0) K[p] *= G.d[G.o + n * S + s];
            }
        return [coef, null];
      },
      [target],
    );
  }
  return out;
}

/** nll_loss_nd: 1-D/2-D inputs directly, 4-D as nll_loss2d, 3-D and >4-D viewed as 4-D. */
function nllLossNd(input: Tensor, target: Tensor, weight: Tensor | null, red: Reduction, ii: number): Tensor {
  if (input.dim() < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.dim()})`);
  if (input.dim() !== 1 && input._shape[0] !== target._shape[0]) {
    throw new ValueError(`Expected input batch_size (${input._shape[0]}) to match target batch_size (${target._shape[0]}).`);
  }
  if (input.dim() <= 2) {
    if (target.dim() > 1) throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
    const noBatch = input.dim() === 1 && target.dim() === 0;
    if (!noBatch && input._shape[0] !== target._shape[0]) {
      throw new RuntimeError(`size mismatch (got input: [${input._shape.join(", ")}], target: [${target._shape.join(", ")}])`);
    }
    if (input.dim() === 1 && target.dim() === 1) {
      throw new RuntimeError(`Expected target to be 0D when input is 1D, but got target.dim =${target.dim()}`);
    }
    return nllCore(input, target, weight, red, ii, false);
  }
  if (input.dim() === 4) {
    if (target.dim() !== 3) {
      throw new RuntimeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.dim()}`);
    }
    const [n, , h, w] = input._shape;
    if (target._shape[0] !== n || target._shape[1] !== h || target._shape[2] !== w) {
      throw new RuntimeError(`size mismatch (got input: [${input._shape.join(", ")}] , target: [${target._shape.join(", ")}]`);
    }
    return nllCore(input, target, weight, red, ii, true);
  }
  const n = input._shape[0], c = input._shape[1];
  const outSize = [n, ...input._shape.slice(2)];
  if (!sameShape(target._shape.slice(1), input._shape.slice(2))) {
    throw new RuntimeError(`Expected target size [${outSize.join(", ")}], got [${target._shape.join(", ")}]`);
  }
  const x4 = input.contiguous().view(input.numel() > 0 ? [n, c, 1, -1] : [n, c, 0, 0]);
  const t3 = target.contiguous().view(target.numel() > 0 ? [n, 1, -1] : [n, 0, 0]);
  const r = nllCore(x4, t3, weight, red, ii, true);
  return red === "none" ? r.view(outSize) : r;
}

/** F.nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean') */
export function nll_loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<NllOpts & Record<string, unknown>>(args, ["weight", "size_average", "ignore_index", "reduce", "reduction"]);
  return nllLossNd(input, target, o.weight ?? null, reductionOf(o), o.ignore_index ?? -100);
}

interface CrossEntropyOpts extends NllOpts {
  label_smoothing?: number;
}

function weightView(weight: Tensor, ndim: number, classDim: number): Tensor {
  if (ndim <= 1) return weight;
  const shape = new Array<number>(ndim).fill(1);
  shape[classDim] = weight.numel();
  return weight.view(shape);
}

/**
 * F.cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0). Class-index targets go through the fused
 * log_softmax + nll_loss pair (grad_fn NllLossBackward0 -> LogSoftmaxBackward0, as PyTorch);
 * a target shaped like the input holds class probabilities.
 */
export function cross_entropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<CrossEntropyOpts & Record<string, unknown>>(args, ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"]);
  const red = reductionOf(o);
  const ii = o.ignore_index ?? -100;
  const ls = o.label_smoothing ?? 0;
  const weight = o.weight ?? null;
  const classDim = input.dim() === 1 ? 0 : 1;
  if (sameShape(input._shape, target._shape)) {
    if (target.dtype.kind !== "f") {
      throw new RuntimeError(`Expected floating point type for target with class probabilities, got ${typeName(target.dtype)}`);
    }
    if (ii >= 0) throw new RuntimeError("ignore_index is not supported for floating point target");
    return crossEntropyProbs(input, target, weight, red, ls, classDim);
  }
  if (ls > 0) {
    if (ls > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
    return crossEntropySmoothed(input, target, weight, red, ii, ls, classDim);
  }
  return nllLossNd(log_softmax(input, classDim), target, weight, red, ii);
}

function crossEntropyProbs(input: Tensor, target: Tensor, weight: Tensor | null, red: Reduction, ls: number, classDim: number): Tensor {
  const C = input._shape[classDim];
  if (weight && (weight.dim() !== 1 || weight.numel() !== C)) {
    throw new RuntimeError(`cross_entropy: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight._shape.join(", ")}]`);
  }
  const lsm = log_softmax(input, classDim);
  let tgt = target;
  if (ls > 0) {
    if (ls > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
    tgt = rename(rename(target.mul(1 - ls), "MulBackward1").add(ls / C), "AddBackward1");
  }
  let prod = lsm.mul(tgt);
  if (weight) prod = prod.mul(weightView(weight, input.dim(), classDim));
  if (red === "sum") return prod.sum().neg();
  if (red === "none") return prod.sum(classDim).neg();
  if (input.numel() === 0) return no_grad(() => prod.sum().neg().fill_(NaN));
  return rename(prod.sum().neg().div(input.numel() / C), "DivBackward1");
}

function crossEntropySmoothed(input: Tensor, target: Tensor, weight: Tensor | null, red: Reduction, ii: number, ls: number, classDim: number): Tensor {
  const lsm = log_softmax(input, classDim);
  const nll = nllLossNd(lsm, target, weight, red, ii);
  const C = lsm._shape[classDim];
  let smooth = weight ? lsm.mul(weightView(weight, lsm.dim(), classDim)).sum(classDim).neg() : lsm.sum(classDim).neg();
  const ignore = target.eq(ii);
  smooth = smooth.masked_fill(ignore, 0);
  let ret: Tensor;
  if (red === "mean") {
    if (weight) {
      // sum of the weights of the non-ignored targets, kept differentiable in `weight`
      const counts = empty([C], weight.dtype);
      const T = raw(target);
      for (let i = 0; i < target.numel(); i++) {
        const t = T.d[T.o + i];
        if (t !== ii) counts._storage.data[t]++;
      }
      ret = smooth.sum().div(weight.mul(counts).sum());
    } else {
      ret = smooth.sum().div(ignore.logical_not().sum());
    }
  } else ret = red === "sum" ? smooth.sum() : smooth;
  return rename(nll.mul(1 - ls), "MulBackward1").add(rename(ret.mul(ls / C), "MulBackward1"));
}

// ---------------------------------------------------------------------------------------------
// regression and binary losses

interface LossOpts extends LegacyReduction {
  weight?: Tensor | null;
  pos_weight?: Tensor | null;
}

function broadcastPair(input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (!sameShape(input._shape, target._shape)) {
    warn(
      `Using a target size (${sizeRepr(target._shape)}) that is different to the input size (${sizeRepr(input._shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    );
    const shape = broadcastShapes(input._shape, target._shape);
    return [sameShape(input._shape, shape) ? input : input.expand(shape), sameShape(target._shape, shape) ? target : target.expand(shape)];
  }
  return [input, target];
}

/** F.mse_loss(input, target, size_average=None, reduce=None, reduction='mean') */
export function mse_loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & Record<string, unknown>>(args, ["size_average", "reduce", "reduction"]);
  const red = reductionOf(o);
  const [a, b] = broadcastPair(input, target);
  if (a.dtype.kind !== "f" || b.dtype.kind !== "f") throw new RuntimeError(`"mse_cpu" not implemented for '${typeName(a.dtype.kind !== "f" ? a.dtype : b.dtype)}'`);
  const diff = no_grad(() => a.sub(b));
  const out = applyReduction(no_grad(() => diff.mul(diff)), red);
  const n = a.numel();
  if (needsGrad(a, b)) {
    record(
      out,
      "MseLossBackward0",
      [a, b],
      (g) => {
        const k = red === "mean" ? 2 / n : 2;
        const d = needsGrad(g, a, b) ? a.sub(b) : diff;
        const ga = d.mul(g).mul(k);
        return [a._requires_grad ? ga : null, b._requires_grad ? ga.neg() : null];
      },
      [a, b],
    );
  }
  return out;
}

/** F.l1_loss: |input - target| reduced (composite in PyTorch 1.13: MeanBackward0 <- AbsBackward0). */
export function l1_loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & Record<string, unknown>>(args, ["size_average", "reduce", "reduction"]);
  const red = reductionOf(o);
  const [a, b] = broadcastPair(input, target);
  const l = a.sub(b).abs();
  return red === "none" ? l : red === "sum" ? l.sum() : l.mean();
}

/** F.binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean') */
export function binary_cross_entropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & Record<string, unknown>>(args, ["weight", "size_average", "reduce", "reduction"]);
  const red = reductionOf(o);
  if (!sameShape(input._shape, target._shape)) {
    throw new ValueError(
      `Using a target size (${sizeRepr(target._shape)}) that is different to the input size (${sizeRepr(input._shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  checkFloat(input, "binary_cross_entropy");
  const weight = o.weight ? o.weight.expand(broadcastShapes(target._shape, o.weight._shape)) : null;
  const X = raw(input), T = raw(target.to(input.dtype));
  const n = input.numel();
  const elem = empty(input._shape.slice(), input.dtype);
  const L = elem._storage.data;
  // each step rounded to the dtype, as PyTorch's scalar kernel does
  const r = input.dtype === float32 ? Math.fround : (v: number) => v;
  for (let i = 0; i < n; i++) {
    const x = X.d[X.o + i], t = T.d[T.o + i];
    if (!(x >= 0 && x <= 1)) throw new RuntimeError("all elements of input should be between 0 and 1");
    const l1 = Math.max(r(Math.log(r(1 - x))), -100);
    const l2 = Math.max(r(Math.log(x)), -100);
    L[i] = r(r(r(t - 1) * l1) - r(t * l2));
  }
  const lossEl = weight ? no_grad(() => elem.mul(weight)) : elem;
  const out = applyReduction(lossEl, red);
  if (needsGrad(input, target)) {
    record(
      out,
      "BinaryCrossEntropyBackward0",
      [input, target],
      (g) => {
        const scale = red === "mean" ? 1 / n : 1;
        let gin: Tensor | null = null, gt: Tensor | null = null;
        if (input._requires_grad) {
          // grad * (x - t) / max((1 - x) x, 1e-12)
          const denom = input.neg().add(1).mul(input).clamp_min(1e-12);
          gin = input.sub(target).div(denom).mul(g);
          if (weight) gin = gin.mul(weight);
          if (scale !== 1) gin = gin.mul(scale);
        }
        if (target._requires_grad) {
          gt = input.neg().log1p().sub(input.log()).mul(g);
          if (weight) gt = gt.mul(weight);
          if (scale !== 1) gt = gt.mul(scale);
        }
        return [gin, gt];
      },
      [input, target],
    );
  }
  return out;
}

/** F.binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None) */
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & Record<string, unknown>>(args, ["weight", "size_average", "reduce", "reduction", "pos_weight"]);
  const red = reductionOf(o);
  if (!sameShape(input._shape, target._shape)) {
    throw new ValueError(`Target size (${sizeRepr(target._shape)}) must be the same as input size (${sizeRepr(input._shape)})`);
  }
  const weight = o.weight ?? null, pw = o.pos_weight ?? null;
  // the same operation sequence as PyTorch's kernel (1.13 Loss.cpp), so float32 roundings agree
  const elem = no_grad(() => {
    const maxVal = input.neg().clamp_min(0);
    const oneMinusT = target.neg().add(1);
    let loss: Tensor;
    const lse = maxVal.neg().exp().add(input.neg().sub(maxVal).exp()).log();
    if (pw) {
      const logWeight = pw.sub(1).mul(target).add(1);
      loss = oneMinusT.mul(input).add(logWeight.mul(lse.add(maxVal)));
    } else loss = oneMinusT.mul(input).add(maxVal).add(lse);
    if (weight) loss = loss.mul(weight);
    if (loss.dtype !== input.dtype) throw new RuntimeError(`result type ${typeName(loss.dtype)} can't be cast to the desired output type ${typeName(input.dtype)}`);
    return loss;
  });
  const out = applyReduction(elem, red);
  const n = input.numel();
  if (needsGrad(input, target)) {
    record(
      out,
      "BinaryCrossEntropyWithLogitsBackward0",
      [input, target],
      (g) => {
        const scale = red === "mean" ? 1 / n : 1;
        let gin: Tensor | null = null, gt: Tensor | null = null;
        if (input._requires_grad) {
          if (pw) {
            const t = pw.mul(target);
            gin = t.add(1).sub(target).mul(input.sigmoid()).sub(t).mul(g);
          } else gin = input.sigmoid().sub(target).mul(g);
          if (weight) gin = gin.mul(weight);
          if (scale !== 1) gin = gin.mul(scale);
        }
        if (target._requires_grad) {
          // d/dt [(1 - t) x + (1 + (pw - 1) t) softplus(-x)] = -x + (pw - 1) softplus(-x)
          gt = pw ? pw.sub(1).mul(softplus(input.neg())).sub(input).mul(g) : input.neg().mul(g);
          if (weight) gt = gt.mul(weight);
          if (scale !== 1) gt = gt.mul(scale);
        }
        return [gin, gt];
      },
      [input, target],
    );
  }
  return out;
}

/** F.smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0) */
export function smooth_l1_loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & { beta?: number } & Record<string, unknown>>(args, ["size_average", "reduce", "reduction", "beta"]);
  const beta = o.beta ?? 1;
  return robustLoss(input, target, reductionOf(o), "SmoothL1LossBackward0", beta, (d, ad) => (ad < beta ? (0.5 * d * d) / beta : ad - 0.5 * beta), (d, ad) => (ad < beta ? d / beta : Math.sign(d)));
}

/** F.huber_loss(input, target, reduction='mean', delta=1.0) */
export function huber_loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & { delta?: number } & Record<string, unknown>>(args, ["reduction", "delta"]);
  const delta = o.delta ?? 1;
  return robustLoss(input, target, reductionOf(o), "HuberLossBackward0", delta, (d, ad) => (ad < delta ? 0.5 * d * d : delta * (ad - 0.5 * delta)), (d, ad) => (ad < delta ? d : delta * Math.sign(d)));
}

function robustLoss(
  input: Tensor,
  target: Tensor,
  red: Reduction,
  node: string,
  k: number,
  f: (d: number, ad: number) => number,
  df: (d: number, ad: number) => number,
): Tensor {
  const [a, b] = broadcastPair(input, target);
  checkFloat(a, node === "HuberLossBackward0" ? "huber_cpu" : "smooth_l1_cpu");
  const diff = no_grad(() => a.sub(b));
  const D = raw(diff);
  const n = diff.numel();
  const elem = empty(diff._shape.slice(), diff.dtype);
  for (let i = 0; i < n; i++) {
    const d = D.d[D.o + i];
    elem._storage.data[i] = f(d, Math.abs(d));
  }
  const out = applyReduction(elem, red);
  if (needsGrad(a, b)) {
    record(
      out,
      node,
      [a, b],
      (g) => {
        const coef = empty(diff._shape.slice(), g.dtype);
        for (let i = 0; i < n; i++) {
          const d = D.d[D.o + i];
          coef._storage.data[i] = df(d, Math.abs(d)) * (red === "mean" ? 1 / n : 1);
        }
        // the derivative is piecewise linear in (a - b): keep the (a - b) dependence in the
        // quadratic zone so double backward sees it
        let ga: Tensor;
        if (needsGrad(g, a, b)) {
          const quad = diff.abs().lt(k);
          const lin = coef.masked_fill(quad, 0);
          const scaleQ = (node === "HuberLossBackward0" ? 1 : 1 / k) * (red === "mean" ? 1 / n : 1);
          ga = a.sub(b).mul(quad).mul(scaleQ).add(lin).mul(g);
        } else ga = coef.mul(g);
        return [a._requires_grad ? ga : null, b._requires_grad ? ga.neg() : null];
      },
      [a, b],
    );
  }
  return out;
}

/** F.kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False) */
export function kl_div(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const o = params<LossOpts & { log_target?: boolean } & Record<string, unknown>>(args, ["size_average", "reduce", "reduction", "log_target"]);
  let r = o.reduction ?? "mean";
  if ((o.size_average ?? null) !== null || (o.reduce ?? null) !== null) r = reductionOf(o);
  if (r === "mean") {
    warn(
      "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  const point = o.log_target ? target.exp().mul(target.sub(input)) : target.mul(target.log().sub(input)).masked_fill(target.le(0), 0);
  if (r === "batchmean") return input.dim() === 0 ? point.sum() : point.sum().div(input._shape[0]);
  if (r === "mean") return point.mean();
  if (r === "sum") return point.sum();
  if (r === "none") return point;
  throw new ValueError(`${r} is not a valid value for reduction`);
}

// ---------------------------------------------------------------------------------------------
// activations

type Inplace = boolean | { inplace?: boolean };
function inplaceOf(v: Inplace | undefined): boolean {
  return typeof v === "object" ? !!v.inplace : !!v;
}

/** F.relu(input, inplace=False) */
export function relu(input: Tensor, inplace?: Inplace): Tensor {
  return inplaceOf(inplace) ? input.relu_() : input.relu();
}
/** F.relu_ */
export function relu_(input: Tensor): Tensor {
  return input.relu_();
}
/** F.tanh (deprecated alias of torch.tanh in PyTorch, kept for ported code) */
export function tanh(input: Tensor): Tensor {
  warn("nn.functional.tanh is deprecated. Use torch.tanh instead.");
  return input.tanh();
}
/** F.sigmoid (deprecated alias of torch.sigmoid) */
export function sigmoid(input: Tensor): Tensor {
  warn("nn.functional.sigmoid is deprecated. Use torch.sigmoid instead.");
  return input.sigmoid();
}

const SQRT_2_OVER_PI = 0.7978845608028654; // sqrt(2/pi): PyTorch's M_SQRT2 * M_2_SQRTPI * 0.5
const GELU_KAPPA = 0.044715;

/** F.gelu(input, approximate='none' | 'tanh') */
export function gelu(input: Tensor, approximate: string | { approximate?: string } = "none"): Tensor {
  const approx = typeof approximate === "object" ? (approximate.approximate ?? "none") : approximate;
  if (approx !== "none" && approx !== "tanh") throw new RuntimeError("approximate argument must be either none or tanh.");
  checkFloat(input, "GeluKernelImpl");
  const tanhForm = approx === "tanh";
  const out = emptyStrided(input._shape.slice(), iterOutputStrides([input], input._shape), input.dtype);
  if (out.numel() > 0) backend.elementwise(tanhForm ? "gelu_tanh" : "gelu", out, [input], input.dtype);
  if (needsGrad(input)) {
    record(
      out,
      "GeluBackward0",
      [input],
      (g) => {
        const x = input;
        if (tanhForm) {
          const x2 = x.mul(x);
          const inner = x.add(x2.mul(x).mul(GELU_KAPPA)).mul(SQRT_2_OVER_PI);
          const th = inner.tanh();
          const left = x.mul(0.5);
          const right = th.add(1);
          const dInner = x2.mul(3 * GELU_KAPPA).add(1).mul(SQRT_2_OVER_PI);
          const dRight = left.mul(th.mul(th).neg().add(1)).mul(dInner);
          return [g.mul(right.mul(0.5).add(dRight))];
        }
        const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
        const pdf = x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
        return [g.mul(cdf.add(x.mul(pdf)))];
      },
      [input],
    );
  }
  return out;
}

function sigm(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** F.silu(input, inplace=False): x * sigmoid(x), computed as 1.13's silu kernel computes it (x / (1 + exp(-x))) */
export function silu(input: Tensor, inplace?: Inplace): Tensor {
  checkFloat(input, "silu_cpu");
  const out = pointwise(
    input,
    "SiluBackward0",
    "silu",
    (g, x) => {
      const s = sigm(x);
      return g * s * (1 + x * (1 - s));
    },
    (g, x) => {
      const s = x.sigmoid();
      return g.mul(s).mul(x.mul(s.neg().add(1)).add(1));
    },
    { inPlace: inplaceOf(inplace) },
  );
  return inplaceOf(inplace) ? inPlace(input, out) : out;
}

/** F.mish(input): x * tanh(softplus(x)) */
export function mish(input: Tensor, inplace?: Inplace): Tensor {
  checkFloat(input, "mish_cpu");
  const sp = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));
  const out = pointwise(
    input,
    "MishBackward0",
    "mish",
    (g, x) => {
      const t = Math.tanh(sp(x));
      return g * (t + x * sigm(x) * (1 - t * t));
    },
    (g, x) => {
      const t = softplus(x).tanh();
      return g.mul(t.add(x.mul(x.sigmoid()).mul(t.mul(t).neg().add(1))));
    },
    { inPlace: inplaceOf(inplace) },
  );
  return inplaceOf(inplace) ? inPlace(input, out) : out;
}

/** F.leaky_relu(input, negative_slope=0.01, inplace=False) */
export function leaky_relu(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ negative_slope: number; inplace: boolean }>(args, ["negative_slope", "inplace"]);
  const slope0 = o.negative_slope ?? 0.01;
  checkFloat(input, "leaky_relu_cpu");
  // the kernels take the slope in the tensor's dtype: x * slope is one float32 multiply
  const slope = input.dtype === float32 ? Math.fround(slope0) : slope0;
  if (o.inplace) {
    // leaky_relu_ saves its result (LeakyReluBackward1): the sign of the result is the sign of
    // the input only for a non-negative slope
    const negSlope = () => {
      throw new RuntimeError(
        "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu backward calculation with negative slope",
      );
    };
    const res = pointwise(
      input,
      "LeakyReluBackward1",
      "leaky_relu",
      (g, _x, y) => (slope < 0 ? negSlope() : y > 0 ? g : g * slope),
      (g, _x, y) => (slope < 0 ? negSlope() : g.mul(y.gt(0).to(g.dtype).mul(1 - slope).add(slope))),
      { saveOut: true, params: [slope] },
    );
    return inPlace(input, res, "LeakyReluBackward1");
  }
  return pointwise(
    input,
    "LeakyReluBackward0",
    "leaky_relu",
    (g, x) => (x > 0 ? g : g * slope),
    (g, x) => g.mul(x.gt(0).to(g.dtype).mul(1 - slope).add(slope)),
    { params: [slope] },
  );
}
export function leaky_relu_(input: Tensor, negative_slope = 0.01): Tensor {
  return leaky_relu(input, negative_slope, true);
}

/**
 * ATen's elu(x, alpha, scale, input_scale), which F.elu, F.selu and F.celu call: x * scale for
 * x > 0, else (exp(x * input_scale) - 1) * alpha * scale, with 1.13's kernel (its bits). The
 * in-place form saves its result (EluBackward1 / CeluBackward1), whose gradient is
 * input_scale * (result + alpha * scale) where x <= 0.
 */
function eluCore(input: Tensor, alpha: number, scale: number, inputScale: number, inplace: boolean, node: string): Tensor {
  checkFloat(input, "elu_cpu");
  const neg = alpha * scale;
  if (inplace) {
    const res = pointwise(
      input,
      `${node}1`,
      "elu",
      (g, _x, y) => (y > 0 ? g * scale : g * inputScale * (y + neg)),
      (g, _x, y) => g.mul(where(y.gt(0), y.mul(0).add(scale), y.add(neg).mul(inputScale))),
      { saveOut: true, params: [alpha, scale, inputScale] },
    );
    return inPlace(input, res, `${node}1`);
  }
  return pointwise(
    input,
    `${node}0`,
    "elu",
    (g, x) => (x > 0 ? g * scale : g * inputScale * neg * Math.exp(x * inputScale)),
    (g, x) => g.mul(where(x.gt(0), x.mul(0).add(scale), x.mul(inputScale).exp().mul(inputScale * neg))),
    { params: [alpha, scale, inputScale] },
  );
}

/** F.elu(input, alpha=1.0, inplace=False) */
export function elu(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ alpha: number; inplace: boolean }>(args, ["alpha", "inplace"]);
  return eluCore(input, o.alpha ?? 1, 1, 1, !!o.inplace, "EluBackward");
}
export function elu_(input: Tensor, alpha = 1): Tensor {
  return elu(input, alpha, true);
}

// ATen's SELU_ALPHA and SELU_SCALE
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** F.selu(input, inplace=False): elu with alpha 1.6733 and scale 1.0507 */
export function selu(input: Tensor, inplace?: Inplace): Tensor {
  return eluCore(input, SELU_ALPHA, SELU_SCALE, 1, inplaceOf(inplace), "EluBackward");
}
export function selu_(input: Tensor): Tensor {
  return selu(input, true);
}

/** F.celu(input, alpha=1.0, inplace=False): elu with input_scale 1 / alpha */
export function celu(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ alpha: number; inplace: boolean }>(args, ["alpha", "inplace"]);
  const alpha = o.alpha ?? 1;
  if (alpha === 0) throw new RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU");
  return eluCore(input, alpha, 1, 1 / alpha, !!o.inplace, "CeluBackward");
}
export function celu_(input: Tensor, alpha = 1): Tensor {
  return celu(input, alpha, true);
}

function where(c: Tensor, a: Tensor, b: Tensor): Tensor {
  return a.where(c, b);
}

/** F.softplus(input, beta=1, threshold=20) */
export function softplus(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ beta: number; threshold: number }>(args, ["beta", "threshold"]);
  const beta = o.beta ?? 1, threshold = o.threshold ?? 20;
  checkFloat(input, "softplus_cpu");
  return pointwise(
    input,
    "SoftplusBackward0",
    "softplus",
    (g, x) => {
      if (x * beta > threshold) return g;
      const z = Math.exp(x * beta);
      return (g * z) / (z + 1);
    },
    (g, x) => {
      const lin = x.mul(beta).gt(threshold);
      return g.mul(where(lin, x.mul(0).add(1), x.mul(beta).sigmoid()));
    },
    { params: [beta, threshold] },
  );
}

/** F.hardtanh(input, min_val=-1, max_val=1, inplace=False) */
export function hardtanh(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ min_val: number; max_val: number; inplace: boolean }>(args, ["min_val", "max_val", "inplace"]);
  const lo = o.min_val ?? -1, hi = o.max_val ?? 1;
  // 1.13's hardtanh is clamp(x, min_val, max_val), for every dtype; the in-place form reads the
  // clamped result, which gives the same mask
  const out = pointwise(
    input,
    "HardtanhBackward0",
    "clamp",
    (g, x, y) => ((o.inplace ? y : x) <= lo || (o.inplace ? y : x) >= hi ? 0 : g),
    (g, x, y) => {
      const v = o.inplace ? y : x;
      return g.mul(v.gt(lo).logical_and(v.lt(hi)));
    },
    { saveOut: !!o.inplace, params: [lo, hi] },
  );
  return o.inplace ? inPlace(input, out) : out;
}
export function hardtanh_(input: Tensor, min_val = -1, max_val = 1): Tensor {
  return hardtanh(input, min_val, max_val, true);
}

/** F.relu6(input, inplace=False) = hardtanh(input, 0, 6) */
export function relu6(input: Tensor, inplace?: Inplace): Tensor {
  return hardtanh(input, 0, 6, inplaceOf(inplace));
}

/** F.logsigmoid(input) = -softplus(-x), computed stably */
export function logsigmoid(input: Tensor): Tensor {
  checkFloat(input, "log_sigmoid_cpu");
  return pointwise(
    input,
    "LogSigmoidBackward0",
    "log_sigmoid",
    (g, x) => g * sigm(-x),
    (g, x) => g.mul(x.neg().sigmoid()),
    { contiguous: true },
  );
}

/** F.hardsigmoid(input, inplace=False): min(max(x + 3, 0), 6) / 6 in the tensor's dtype */
export function hardsigmoid(input: Tensor, inplace?: Inplace): Tensor {
  checkFloat(input, "hardsigmoid_cpu");
  const sixth = input.dtype === float32 ? Math.fround(1 / 6) : 1 / 6;
  const out = pointwise(
    input,
    "HardsigmoidBackward0",
    "hardsigmoid",
    (g, x) => (x > -3 && x < 3 ? g * sixth : 0),
    (g, x) => g.mul(x.gt(-3).logical_and(x.lt(3))).mul(sixth),
    { inPlace: inplaceOf(inplace) },
  );
  return inplaceOf(inplace) ? inPlace(input, out) : out;
}

/** F.hardswish(input, inplace=False): x * min(max(x + 3, 0), 6) / 6 */
export function hardswish(input: Tensor, inplace?: Inplace): Tensor {
  checkFloat(input, "hardswish_cpu");
  // hardswish_backward's vector form: 0 below -3, grad from 3 on, grad * (x / 3 + 0.5) between
  const out = pointwise(
    input,
    "HardswishBackward0",
    "hardswish",
    (g, x) => (x < -3 ? 0 : x >= 3 ? g : g * (x / 3 + 0.5)),
    (g, x) => g.mul(where(x.lt(-3), x.mul(0), where(x.ge(3), x.mul(0).add(1), x.div(3).add(0.5)))),
    { inPlace: inplaceOf(inplace) },
  );
  return inplaceOf(inplace) ? inPlace(input, out) : out;
}

/** F.softshrink(input, lambd=0.5): x - lambd above lambd, x + lambd below -lambd, else 0 */
export function softshrink(input: Tensor, lambd = 0.5): Tensor {
  checkFloat(input, "softshrink_cpu");
  if (!(lambd >= 0)) throw new RuntimeError(`lambda must be greater or equal to 0, but found to be ${cppDouble(lambd)}.`);
  return pointwise(
    input,
    "SoftshrinkBackward0",
    "softshrink",
    (g, x) => (x >= -lambd && x <= lambd ? 0 : g),
    (g, x) => g.mul(x.lt(-lambd).logical_or(x.gt(lambd))),
    { params: [lambd] },
  );
}

/** F.hardshrink(input, lambd=0.5): x where |x| > lambd, else 0 */
export function hardshrink(input: Tensor, lambd = 0.5): Tensor {
  checkFloat(input, "hardshrink_cpu");
  return pointwise(
    input,
    "HardshrinkBackward0",
    "hardshrink",
    (g, x) => (x >= -lambd && x <= lambd ? 0 : g),
    (g, x) => g.mul(x.lt(-lambd).logical_or(x.gt(lambd))),
    { params: [lambd] },
  );
}

/** F.softsign(input) = input / (input.abs() + 1), as PyTorch's Python function composes it */
export function softsign(input: Tensor): Tensor {
  return input.div(input.abs().add(1));
}

/** F.tanhshrink(input) = input - input.tanh() */
export function tanhshrink(input: Tensor): Tensor {
  return input.sub(input.tanh());
}

/**
 * F.prelu(input, weight): x where x > 0, else weight * x, with one weight or one per channel
 * (dim 1). The backward is 1.13's: grad * weight below 0, and the weight's gradient the sum of
 * x * grad over the elements below 0 (a torch.sum over the other dims, so in its order).
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  const nw = weight.numel();
  const channels = input.dim() >= 2 ? input._shape[1] : 1;
  if (input.dim() === 0 && nw !== 1) throw new RuntimeError("Not allow zero-dim input tensor.");
  if (nw !== 1 && nw !== channels) {
    throw new RuntimeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${nw} and channel size = ${channels}.`);
  }
  if (input.dtype !== weight.dtype) {
    throw new RuntimeError(`prelu: Type promoting not supported. Got ${typeName(input.dtype)} and ${typeName(weight.dtype)}`);
  }
  // the weight laid along dim 1 (or one value), broadcast against the input
  const wShape = nw === 1 ? [] : input._shape.map((n, i) => (i === 1 ? n : 1));
  const wb = (w: Tensor) => w.reshape(wShape);
  const out = no_grad(() => {
    const x = input.detach();
    return x.where(x.gt(0), x.mul(wb(weight.detach())));
  });
  if (needsGrad(input, weight)) {
    const reduced = nw === 1 ? input._shape.map((_, i) => i) : input._shape.map((_, i) => i).filter((i) => i !== 1);
    record(
      out,
      "PreluBackward0",
      [input, weight],
      (g) => {
        const pos = input.gt(0);
        const gx = input._requires_grad ? g.where(pos, g.mul(wb(weight))) : null;
        let gw: Tensor | null = null;
        if (weight._requires_grad) {
          const terms = input.mul(g).where(pos.logical_not(), 0);
          gw = (reduced.length ? terms.sum(reduced) : terms).reshape(weight._shape);
        }
        return [gx, gw];
      },
      [input, weight],
    );
  }
  return out;
}

/** F.glu(input, dim=-1): a * sigmoid(b) for the two halves of dim */
export function glu(input: Tensor, dim = -1): Tensor {
  const d = wrapDim(dim, input.dim());
  const n = input._shape[d];
  if (n % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  const [a, b] = no_grad(() => input.detach().split(n / 2, d));
  const sb = no_grad(() => b.sigmoid());
  const out = no_grad(() => a.mul(sb));
  if (needsGrad(input)) {
    record(
      out,
      "GluBackward0",
      [input],
      (g) => {
        // d/da = sigmoid(b), d/db = a sigmoid(b) (1 - sigmoid(b))
        const [ai, bi] = needsGrad(g, input) ? input.split(n / 2, d) : [a, b];
        const s = needsGrad(g, input) ? bi.sigmoid() : sb;
        return [cat([g.mul(s), g.mul(ai).mul(s).mul(s.neg().add(1))], d)];
      },
      [input],
    );
  }
  return out;
}

/** F.dropout(input, p=0.5, training=True, inplace=False). The mask is `bernoulli_(1 - p)` drawn
 * from the default generator element by element (uniform53 < 1 - p), scaled by 1/(1 - p). */
export function dropout(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ p: number; training: boolean; inplace: boolean }>(args, ["p", "training", "inplace"]);
  const p = o.p ?? 0.5;
  const training = o.training ?? true;
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || input.numel() === 0) return input;
  if (input.dtype.kind !== "f") throw new RuntimeError(`result type Float can't be cast to the desired output type ${typeName(input.dtype)}`);
  let noise: Tensor;
  if (p === 1) noise = empty([], input.dtype);
  else {
    // noise = empty_like(x).bernoulli_(1 - p).div_(1 - p), drawn in memory order
    noise = empty(input._shape.slice(), input.dtype);
    dropoutMask(default_generator, noise._storage.data as Float32Array | Float64Array, p);
  }
  if (o.inplace) return input.mul_(noise);
  return input.mul(noise);
}

/** F.one_hot(tensor, num_classes=-1): int64 result with a trailing class dim */
export function one_hot(t: Tensor, num_classes: number | { num_classes?: number } = -1): Tensor {
  let C = typeof num_classes === "object" ? (num_classes.num_classes ?? -1) : num_classes;
  if (t.dtype !== int64) throw new RuntimeError("one_hot is only applicable to index tensor.");
  const { d, o } = raw(t);
  const n = t.numel();
  if (n === 0) {
    if (C <= 0) throw new RuntimeError("Can not infer total number of classes from empty tensor.");
    return empty([...t._shape, C], int64);
  }
  let mn = Infinity, mx = -Infinity;
  for (let i = 0; i < n; i++) {
    mn = Math.min(mn, d[o + i]);
    mx = Math.max(mx, d[o + i]);
  }
  if (mn < 0) throw new RuntimeError("Class values must be non-negative.");
  if (C === -1) C = mx + 1;
  else if (mx >= C) throw new RuntimeError("Class values must be smaller than num_classes.");
  const out = empty([...t._shape, C], int64);
  for (let i = 0; i < n; i++) out._storage.data[i * C + d[o + i]] = 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// linear, embedding

/** F.linear(input, weight, bias=None) = input @ weight.T + bias, with PyTorch's addmm fast paths. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null | { bias?: Tensor | null }): Tensor {
  const b = bias instanceof Tensor ? bias : bias && typeof bias === "object" ? (bias.bias ?? null) : null;
  if (input.dim() === 2 && b) return addmm(b, input, weight.t());
  if (b && input.dim() === 3 && input.is_contiguous()) {
    const [s0, s1, s2] = input._shape;
    const r = addmm(b, input.view([s0 * s1, s2]), weight.t());
    return r.view([s0, s1, r._shape[1]]);
  }
  const out = input.matmul(weight.t());
  if (!b) return out;
  // ATen: output.add_(bias), in place on the matmul result (version 1, AddBackward0)
  const r = out.add(b);
  r._bump();
  return r;
}

/** F.bilinear(input1, input2, weight, bias=None): x1^T W_k x2 + b_k */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  // [..., i] x [k, i, j] x [..., j] -> [..., k]
  const lead = input1._shape.slice(0, -1);
  const x1 = input1.reshape([-1, input1._shape[input1.dim() - 1]]);
  const x2 = input2.reshape([-1, input2._shape[input2.dim() - 1]]);
  const K = weight._shape[0];
  const t = x1.matmul(weight.permute(1, 0, 2).reshape([weight._shape[1], -1])).view([x1._shape[0], K, -1]);
  const out = t.mul(x2.unsqueeze(1)).sum(-1).view([...lead, K]);
  return bias ? out.add(bias) : out;
}

interface EmbeddingOpts {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}

/** Rows of `weight` picked by `indices`; its gradient scatter-adds rows (EmbeddingBackward0). */
function embeddingRows(indices: Tensor, weight: Tensor, padIdx: number, scaleByFreq: boolean): Tensor {
  const V = weight._shape[0], D = weight._shape[1];
  const { d: I, o: io } = raw(indices);
  const n = indices.numel();
  for (let i = 0; i < n; i++) {
    const v = I[io + i];
    if (v < 0 || v >= V) throw new IndexError("index out of range in self");
  }
  const out = empty([...indices._shape, D], weight.dtype);
  const W = raw(weight);
  const O = out._storage.data;
  if (fused.gatherRows && W.d instanceof Float32Array && O instanceof Float32Array && (I instanceof Float64Array || I instanceof Int32Array)) {
    fused.gatherRows(W.d, W.o, V, D, I, io, n, O, 0);
  } else {
    for (let i = 0; i < n; i++) {
      const src = W.o + I[io + i] * D;
      for (let j = 0; j < D; j++) O[i * D + j] = W.d[src + j];
    }
  }
  if (needsGrad(weight)) {
    record(out, "EmbeddingBackward0", [weight], (g) => [embeddingGrad(g, indices, V, padIdx, scaleByFreq)], [indices]);
  }
  return out;
}

/** The dense embedding gradient: rows of g summed into [V, D] (its own backward gathers rows). */
function embeddingGrad(g: Tensor, indices: Tensor, V: number, padIdx: number, scaleByFreq: boolean): Tensor {
  const D = g._shape[g.dim() - 1];
  const { d: I, o: io } = raw(indices);
  const n = indices.numel();
  const counts = scaleByFreq ? new Float64Array(V) : null;
  if (counts) for (let i = 0; i < n; i++) counts[I[io + i]]++;
  const out = empty([V, D], g.dtype);
  const G = raw(g);
  const O = out._storage.data;
  if (fused.scatterAddRows && G.d instanceof Float32Array && O instanceof Float32Array && (I instanceof Float64Array || I instanceof Int32Array)) {
    fused.scatterAddRows(G.d, G.o, I, io, n, D, O, 0, V, padIdx, scaleByFreq);
  } else {
    for (let i = 0; i < n; i++) {
      const r = I[io + i];
      if (r === padIdx) continue;
      const s = counts ? 1 / counts[r] : 1;
      for (let j = 0; j < D; j++) O[r * D + j] += G.d[G.o + i * D + j] * s;
    }
  }
  if (needsGrad(g)) {
    record(out, "EmbeddingDenseBackwardBackward0", [g], (gg) => {
      let rows = embeddingRows(indices, gg, -1, false);
      const keep = empty([n, 1], gg.dtype);
      for (let i = 0; i < n; i++) keep._storage.data[i] = I[io + i] === padIdx ? 0 : counts ? 1 / counts[I[io + i]] : 1;
      rows = rows.reshape([n, D]).mul(keep);
      return [rows.reshape(g._shape.slice())];
    });
  }
  return out;
}

/** F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False) */
export function embedding(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const o = params<EmbeddingOpts & Record<string, unknown>>(args, ["padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"]);
  if (input.dtype !== int64 && input.dtype.name !== "int32") {
    throw new RuntimeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${typeName(input.dtype)}Tensor instead (while checking arguments for embedding)`,
    );
  }
  if (weight.dim() !== 2) throw new RuntimeError("'weight' must be 2-D");
  const V = weight._shape[0];
  let pad = o.padding_idx ?? null;
  if (pad !== null) {
    if (pad > 0 && pad >= V) throw new AssertionError("Padding_idx must be within num_embeddings");
    if (pad < 0) {
      if (pad < -V) throw new AssertionError("Padding_idx must be within num_embeddings");
      pad = V + pad;
    }
  } else pad = -1;
  if (o.sparse) throw new NotImplementedError("torchlette has no sparse tensors: use sparse=False");
  if (o.max_norm !== undefined && o.max_norm !== null) embeddingRenorm(weight, input, o.max_norm, o.norm_type ?? 2);
  return embeddingRows(input, weight, pad, !!o.scale_grad_by_freq);
}

/** embedding_renorm_: rows used by `input` whose norm exceeds max_norm are scaled down in place. */
function embeddingRenorm(weight: Tensor, input: Tensor, maxNorm: number, p: number): void {
  const { d: I, o: io } = raw(input);
  const D = weight._shape[1];
  const rows = [...new Set(Array.from({ length: input.numel() }, (_, i) => I[io + i]))].sort((a, b) => a - b);
  no_grad(() => {
    for (const r of rows) {
      if (r < 0 || r >= weight._shape[0]) throw new IndexError("index out of range in self");
      // through a detached alias: the write must not count as an autograd in-place op on a leaf
      const row = weight.detach().select(0, r);
      const vals = row._values();
      let norm = 0;
      if (p === Infinity) for (let j = 0; j < D; j++) norm = Math.max(norm, Math.abs(vals[j]));
      else {
        for (let j = 0; j < D; j++) norm += Math.pow(Math.abs(vals[j]), p);
        norm = Math.pow(norm, 1 / p);
      }
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// normalization

/** F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5) */
export function layer_norm(input: Tensor, normalized_shape: number[] | number, ...args: unknown[]): Tensor {
  const o = params<{ weight: Tensor | null; bias: Tensor | null; eps: number }>(args, ["weight", "bias", "eps"]);
  const ns = typeof normalized_shape === "number" ? [normalized_shape] : Array.from(normalized_shape);
  const weight = o.weight ?? null, bias = o.bias ?? null;
  const eps = o.eps ?? 1e-5;
  if (ns.length < 1) {
    throw new RuntimeError(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = [${ns.join(", ")}]`);
  }
  if (weight && !sameShape(weight._shape, ns)) {
    throw new RuntimeError(`Expected weight to be of same shape as normalized_shape, but got weight of shape [${weight._shape.join(", ")}] and normalized_shape = [${ns.join(", ")}]`);
  }
  if (bias && !sameShape(bias._shape, ns)) {
    throw new RuntimeError(`Expected bias to be of same shape as normalized_shape, but got bias of shape [${bias._shape.join(", ")}] and normalized_shape = [${ns.join(", ")}]`);
  }
  const nd = input.dim(), k = ns.length;
  if (nd < k || !sameShape(input._shape.slice(nd - k), ns)) {
    throw new RuntimeError(`Given normalized_shape=[${ns.join(", ")}], expected input with shape [*, ${ns.join(", ")}], but got input of size[${input._shape.join(", ")}]`);
  }
  checkFloat(input, "LayerNormKernelImpl");
  const N = numel(ns);
  const M = N === 0 ? 0 : input.numel() / N;
  const X = raw(input);
  const Wd = weight ? raw(weight) : null, Bd = bias ? raw(bias) : null;
  const out = uninit(input._shape.slice(), input.dtype);
  const Y = out._storage.data;
  const mean = new Float64Array(M), rstd = new Float64Array(M);
  const Xd = X.d, xo0 = X.o;
  // float32: torch 1.13's kernel bit for bit (layer_norm_f32.ts, or the backend's copy of it);
  // gamma and beta as float32 copies, null when absent (1.13 computes differently without them).
  // Other dtypes: as double arrays, ones/zeros when absent, keeping the loops branch-free.
  const f32 = Xd instanceof Float32Array && Y instanceof Float32Array;
  const part = (r: { d: TypedArray; o: number }) => r.d.subarray(r.o, r.o + N);
  const W32 = f32 && Wd ? Float32Array.from(part(Wd)) : null, B32 = f32 && Bd ? Float32Array.from(part(Bd)) : null;
  const doublesOfW = () => (Wd ? Float64Array.from(part(Wd)) : new Float64Array(N).fill(1));
  const Wv = f32 ? null : doublesOfW();
  const Bv = f32 ? null : Bd ? Float64Array.from(part(Bd)) : new Float64Array(N);
  if (f32) {
    if (fused.layerNormRows) fused.layerNormRows(Xd, xo0, Y, M, N, eps, W32, B32, mean, rstd);
    else layerNormF32(Xd, xo0, Y, M, N, eps, W32, B32, mean, rstd);
  } else layerNormRows(Xd, xo0, Y, M, N, eps, Wv!, Bv!, mean, rstd);
  if (needsGrad(input, weight, bias)) {
    const normDims = ns.map((_, i) => nd - k + i);
    const batchDims = input._shape.slice(0, nd - k).map((_, i) => i);
    record(
      out,
      "NativeLayerNormBackward0",
      [input, weight, bias],
      (g) => {
        if (needsGrad(g, input, weight)) {
          // the same gradient as tensor ops, so that it is itself differentiable
          const mu = input.mean(normDims, true);
          const xc = input.sub(mu);
          const rs = xc.mul(xc).mean(normDims, true).add(eps).rsqrt();
          const xhat = xc.mul(rs);
          const gw = weight ? g.mul(weight) : g;
          const gx = input._requires_grad
            ? gw.sub(gw.mean(normDims, true)).sub(xhat.mul(gw.mul(xhat).mean(normDims, true))).mul(rs)
            : null;
          const gW = weight && weight._requires_grad ? sumBatch(g.mul(xhat), batchDims) : null;
          const gB = bias && bias._requires_grad ? sumBatch(g, batchDims) : null;
          return [gx, gW, gB];
        }
        const G = raw(g);
        const Gd = G.d, go0 = G.o;
        const gx = input._requires_grad ? uninit(input._shape.slice(), g.dtype) : null;
        const gW = weight && weight._requires_grad ? new Float64Array(N) : null;
        const gB = bias && bias._requires_grad ? new Float64Array(N) : null;
        const R = gx ? gx._storage.data : null;
        if (f32 && Gd instanceof Float32Array && (R === null || R instanceof Float32Array)) {
          if (fused.layerNormBackwardRows) fused.layerNormBackwardRows(Gd, go0, Xd as Float32Array, xo0, R, M, N, W32, mean, rstd, gW, gB);
          else layerNormBackwardF32(Gd, go0, Xd, xo0, R, M, N, W32, mean, rstd, gW, gB);
        } else layerNormBackwardRows(Gd, go0, Xd, xo0, R, M, N, Wv ?? doublesOfW(), mean, rstd, gW, gB);
        const toT = (a: Float64Array | null) => {
          if (!a) return null;
          const t = empty(ns.slice(), g.dtype);
          t._storage.data.set(a);
          return t;
        };
        return [gx, toT(gW), toT(gB)];
      },
      [input, ...(weight ? [weight] : []), ...(bias ? [bias] : [])],
    );
  }
  return out;
}

// layer_norm's row loops, apart from the op so that the JIT compiles them on their own (as part
// of layer_norm, on-stack replacement of the long loops kept recompiling the whole op)
function layerNormRows(
  Xd: TypedArray, xo0: number, Y: TypedArray, M: number, N: number, eps: number,
  Wv: Float64Array, Bv: Float64Array, mean: Float64Array, rstd: Float64Array,
): void {
  for (let m = 0; m < M; m++) {
    const base = xo0 + m * N, ob = m * N;
    let s = 0;
    for (let j = 0; j < N; j++) s += Xd[base + j];
    const mu = s / N;
    let v = 0;
    for (let j = 0; j < N; j++) {
      const c = Xd[base + j] - mu;
      v += c * c;
    }
    const r = 1 / Math.sqrt(v / N + eps);
    mean[m] = mu;
    rstd[m] = r;
    for (let j = 0; j < N; j++) Y[ob + j] = (Xd[base + j] - mu) * r * Wv[j] + Bv[j];
  }
}

function layerNormBackwardRows(
  Gd: TypedArray, go0: number, Xd: TypedArray, xo0: number, R: TypedArray | null, M: number, N: number,
  Wv: Float64Array, mean: Float64Array, rstd: Float64Array, gW: Float64Array | null, gB: Float64Array | null,
): void {
  for (let m = 0; m < M; m++) {
    const xb = xo0 + m * N, gb = go0 + m * N;
    const mu = mean[m], r = rstd[m];
    let ds = 0, db = 0;
    // one pass for the row sums and the weight/bias accumulators (each sum still adds the
    // same terms in the same order)
    if (gW && gB) {
      for (let j = 0; j < N; j++) {
        const gv = Gd[gb + j], xv = Xd[xb + j];
        const gy = gv * Wv[j];
        ds += gy * xv;
        db += gy;
        gW[j] += gv * (xv - mu) * r;
        gB[j] += gv;
      }
    } else {
      for (let j = 0; j < N; j++) {
        const gy = Gd[gb + j] * Wv[j];
        ds += gy * Xd[xb + j];
        db += gy;
      }
      if (gW) for (let j = 0; j < N; j++) gW[j] += Gd[gb + j] * (Xd[xb + j] - mu) * r;
      if (gB) for (let j = 0; j < N; j++) gB[j] += Gd[gb + j];
    }
    if (R) {
      const b = ((db * mu - ds) * r * r * r) / N;
      const c = -b * mu - (db * r) / N;
      const ob = m * N;
      for (let j = 0; j < N; j++) R[ob + j] = r * Gd[gb + j] * Wv[j] + b * Xd[xb + j] + c;
    }
  }
}

function sumBatch(t: Tensor, dims: number[]): Tensor {
  return dims.length ? t.sum(dims) : t;
}

interface BatchNormOpts {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
 * momentum=0.1, eps=1e-5). Statistics over every dim but 1. In training the running stats are
 * updated in place with the unbiased batch variance, as PyTorch does.
 */
export function batch_norm(input: Tensor, running_mean: Tensor | null, running_var: Tensor | null, ...args: unknown[]): Tensor {
  const o = params<BatchNormOpts & Record<string, unknown>>(args, ["weight", "bias", "training", "momentum", "eps"]);
  const weight = o.weight ?? null, bias = o.bias ?? null;
  const training = o.training ?? false;
  const momentum = o.momentum ?? 0.1;
  const eps = o.eps ?? 1e-5;
  if (training) {
    let prod = input._shape[0];
    for (let i = 2; i < input.dim(); i++) prod *= input._shape[i];
    if (prod === 1) throw new ValueError(`Expected more than 1 value per channel when training, got input size ${sizeRepr(input._shape)}`);
  }
  if (input.dim() < 2) throw new RuntimeError(`batch_norm: expected input with at least 2 dims, got ${input.dim()}`);
  checkFloat(input, "batch_norm");
  const C = input._shape[1];
  const check = (t: Tensor | null, name: string) => {
    if (t && t.numel() !== C) throw new RuntimeError(`${name} should contain ${C} elements not ${t.numel()}`);
  };
  check(running_mean, "running_mean");
  check(running_var, "running_var");
  check(weight, "weight");
  check(bias, "bias");
  if (!training && (!running_mean || !running_var)) {
    throw new RuntimeError(`${!running_mean ? "running_mean" : "running_var"} must be defined in evaluation mode`);
  }
  const N = input._shape[0];
  const S = input.numel() / Math.max(N * C, 1);
  const cnt = N * S;
  const X = raw(input);
  const Wd = weight ? raw(weight) : null, Bd = bias ? raw(bias) : null;
  const mean = new Float64Array(C), invstd = new Float64Array(C);
  if (training) {
    const varUnbiased = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let n = 0; n < N; n++) for (let i = 0; i < S; i++) s += X.d[X.o + (n * C + c) * S + i];
      const mu = s / cnt;
      let v = 0;
      for (let n = 0; n < N; n++)
        for (let i = 0; i < S; i++) {
          const dlt = X.d[X.o + (n * C + c) * S + i] - mu;
          v += dlt * dlt;
        }
      mean[c] = mu;
      invstd[c] = 1 / Math.sqrt(v / cnt + eps);
      varUnbiased[c] = v / (cnt - 1);
    }
    // running stats: momentum * batch + (1 - momentum) * running, written in place
    if (running_mean) updateRunning(running_mean, mean, momentum);
    if (running_var) updateRunning(running_var, varUnbiased, momentum);
  } else {
    const RM = raw(running_mean!), RV = raw(running_var!);
    for (let c = 0; c < C; c++) {
      mean[c] = RM.d[RM.o + c];
      invstd[c] = 1 / Math.sqrt(RV.d[RV.o + c] + eps);
    }
  }
  const out = empty(input._shape.slice(), input.dtype);
  const Y = out._storage.data;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const w = Wd ? Wd.d[Wd.o + c] : 1, b = Bd ? Bd.d[Bd.o + c] : 0;
      const mu = mean[c], r = invstd[c];
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) Y[base + i] = (X.d[X.o + base + i] - mu) * r * w + b;
    }
  if (needsGrad(input, weight, bias)) {
    const dims = [0, ...input._shape.slice(2).map((_, i) => i + 2)];
    const bshape = input._shape.map((s, i) => (i === 1 ? s : 1));
    const statT = (a: Float64Array, dt: DType) => {
      const t = empty(bshape.slice(), dt);
      t._storage.data.set(a);
      return t;
    };
    record(
      out,
      "NativeBatchNormBackward0",
      [input, weight, bias],
      (g) => {
        const wv = weight ? weight.view(bshape) : null;
        if (needsGrad(g, input, weight)) {
          let xhat: Tensor, rs: Tensor;
          let gx: Tensor | null = null;
          const gw = wv ? g.mul(wv) : g;
          if (training) {
            const mu = input.mean(dims, true);
            const xc = input.sub(mu);
            rs = xc.mul(xc).mean(dims, true).add(eps).rsqrt();
            xhat = xc.mul(rs);
            if (input._requires_grad) gx = gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true))).mul(rs);
          } else {
            rs = statT(invstd, g.dtype);
            xhat = input.sub(statT(mean, g.dtype)).mul(rs);
            if (input._requires_grad) gx = gw.mul(rs);
          }
          const gW = weight && weight._requires_grad ? g.mul(xhat).sum(dims) : null;
          const gB = bias && bias._requires_grad ? g.sum(dims) : null;
          return [gx, gW, gB];
        }
        const G = raw(g);
        const gx = input._requires_grad ? empty(input._shape.slice(), g.dtype) : null;
        const R = gx ? gx._storage.data : null;
        const gW = weight && weight._requires_grad ? empty([C], g.dtype) : null;
        const gB = bias && bias._requires_grad ? empty([C], g.dtype) : null;
        for (let c = 0; c < C; c++) {
          const mu = mean[c], r = invstd[c];
          const w = Wd ? Wd.d[Wd.o + c] : 1;
          let sg = 0, sgx = 0;
          for (let n = 0; n < N; n++) {
            const base = (n * C + c) * S;
            for (let i = 0; i < S; i++) {
              const gv = G.d[G.o + base + i];
              sg += gv;
              sgx += gv * (X.d[X.o + base + i] - mu) * r;
            }
          }
          if (gW) gW._storage.data[c] = sgx;
          if (gB) gB._storage.data[c] = sg;
          if (!R) continue;
          for (let n = 0; n < N; n++) {
            const base = (n * C + c) * S;
            for (let i = 0; i < S; i++) {
              const gv = G.d[G.o + base + i];
              if (training) {
                const xh = (X.d[X.o + base + i] - mu) * r;
                R[base + i] = ((w * r) / cnt) * (cnt * gv - sg - xh * sgx);
              } else R[base + i] = gv * w * r;
            }
          }
        }
        return [gx, gW, gB];
      },
      [input, ...(weight ? [weight] : []), ...(bias ? [bias] : [])],
    );
  }
  return out;
}

function updateRunning(t: Tensor, batch: Float64Array, momentum: number): void {
  const vals = t._values();
  const next = empty(t._shape.slice(), t.dtype);
  for (let i = 0; i < batch.length; i++) next._storage.data[i] = momentum * batch[i] + (1 - momentum) * vals[i];
  no_grad(() => t.copy_(next));
}

/** F.normalize(input, p=2.0, dim=1, eps=1e-12): input / max(||input||_p, eps) along dim */
export function normalize(input: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ p: number; dim: number; eps: number }>(args, ["p", "dim", "eps"]);
  const p = o.p ?? 2, dim = o.dim ?? 1, eps = o.eps ?? 1e-12;
  if (input.dtype.kind !== "f") throw new RuntimeError(`norm(): input dtype should be either floating point or complex. Got ${typeName(input.dtype)} instead.`);
  const denom = input.norm(p, dim, true).clamp_min(eps).expand_as(input);
  return input.div(denom);
}

/** F.cosine_similarity(x1, x2, dim=1, eps=1e-8) */
export function cosine_similarity(x1: Tensor, x2: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ dim: number; eps: number }>(args, ["dim", "eps"]);
  const dim = o.dim ?? 1, eps = o.eps ?? 1e-8;
  // PyTorch 1.13: each input divided by its own norm clamped at eps, then the dot product
  const n1 = x1.norm(2, dim, true).clamp_min(eps);
  const n2 = x2.norm(2, dim, true).clamp_min(eps);
  return x1.div(n1).mul(x2.div(n2)).sum(dim);
}

// ---------------------------------------------------------------------------------------------
// padding

/** Index maps for reflect/replicate padding of the last k dims. */
function padMaps(inSizes: number[], pads: number[], mode: "reflect" | "replicate" | "circular"): number[][] {
  const k = inSizes.length;
  const maps: number[][] = [];
  for (let i = 0; i < k; i++) {
    // pads are given last dim first: (left, right) of dim -1, then of dim -2, ...
    const lo = pads[2 * (k - 1 - i)], hi = pads[2 * (k - 1 - i) + 1];
    const n = inSizes[i];
    const m: number[] = [];
    for (let j = -lo; j < n + hi; j++) {
      let s: number;
      if (mode === "replicate") s = Math.min(Math.max(j, 0), n - 1);
      else if (mode === "circular") s = ((j % n) + n) % n;
      else {
        s = j;
        if (s < 0) s = -s;
        if (s >= n) s = 2 * (n - 1) - s;
      }
      m.push(s);
    }
    maps.push(m);
  }
  return maps;
}

/** out[..., i1..ik] = x[..., maps[0][i1], ..., maps[k-1][ik]]; backward scatter-adds. */
function gatherLast(x: Tensor, maps: number[][], node: string): Tensor {
  const k = maps.length;
  const lead = x._shape.slice(0, x.dim() - k);
  const inBlock = x._shape.slice(x.dim() - k);
  const outBlock = maps.map((m) => m.length);
  const src = blockOffsets(inBlock, maps);
  const inN = numel(inBlock), outN = src.length;
  const outer = numel(lead);
  const out = empty([...lead, ...outBlock], x.dtype);
  const X = raw(x);
  const O = out._storage.data;
  for (let a = 0; a < outer; a++) for (let j = 0; j < outN; j++) O[a * outN + j] = X.d[X.o + a * inN + src[j]];
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, node, [x], (g) => [scatterLast(g, maps, inShape, node)]);
  }
  return out;
}

function scatterLast(g: Tensor, maps: number[][], inShape: number[], node: string): Tensor {
  const k = maps.length;
  const inBlock = inShape.slice(inShape.length - k);
  const src = blockOffsets(inBlock, maps);
  const inN = numel(inBlock), outN = src.length;
  const outer = numel(inShape.slice(0, inShape.length - k));
  const out = empty(inShape.slice(), g.dtype);
  const G = raw(g);
  const O = out._storage.data;
  for (let a = 0; a < outer; a++) for (let j = 0; j < outN; j++) O[a * inN + src[j]] += G.d[G.o + a * outN + j];
  if (needsGrad(g)) record(out, node.replace("Backward0", "BackwardBackward0"), [g], (gg) => [gatherLast(gg, maps, node)]);
  return out;
}

function blockOffsets(inBlock: number[], maps: number[][]): Int32Array {
  const k = maps.length;
  const strides = new Array<number>(k);
  let s = 1;
  for (let i = k - 1; i >= 0; i--) {
    strides[i] = s;
    s *= inBlock[i];
  }
  const outN = maps.reduce((a, m) => a * m.length, 1);
  const res = new Int32Array(outN);
  const idx = new Array<number>(k).fill(0);
  for (let j = 0; j < outN; j++) {
    let off = 0;
    for (let i = 0; i < k; i++) off += maps[i][idx[i]] * strides[i];
    res[j] = off;
    for (let i = k - 1; i >= 0; i--) {
      if (++idx[i] < maps[i].length) break;
      idx[i] = 0;
    }
  }
  return res;
}

/** F.pad(input, pad, mode='constant', value=None): pad = (left, right) for the last dim, then the
 * dim before it, ... Negative constant padding crops. */
export function pad(input: Tensor, padArg: number[], ...args: unknown[]): Tensor {
  const o = params<{ mode: string; value: number | null }>(args, ["mode", "value"]);
  const mode = o.mode ?? "constant";
  const pads = Array.from(padArg);
  if (pads.length % 2 !== 0) throw new RuntimeError("Padding length must be divisible by 2");
  const k = pads.length / 2;
  if (k > input.dim()) throw new RuntimeError("Padding length too large");
  if (mode === "constant") return constantPad(input, pads, o.value ?? 0);
  if (mode !== "reflect" && mode !== "replicate" && mode !== "circular") throw new NotImplementedError(`Unrecognised padding mode ${mode}`);
  if (o.value !== undefined && o.value !== null && o.value !== 0) {
    throw new RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
  }
  const nd = input.dim();
  if (!((k === 1 && (nd === 2 || nd === 3)) || (k === 2 && (nd === 3 || nd === 4)) || (k === 3 && (nd === 4 || nd === 5)))) {
    throw new NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  }
  const inBlock = input._shape.slice(nd - k);
  if (mode === "reflect") {
    if (input.dtype.kind !== "f") throw new RuntimeError(`"reflection_pad${k}d" not implemented for '${typeName(input.dtype)}'`);
    // PyTorch names the argument position of the offending pair (#4 width, #6 height, #8 depth)
    for (let i = 0; i < k; i++) {
      const dimIdx = nd - 1 - i;
      const lo = pads[2 * i], hi = pads[2 * i + 1];
      const n = input._shape[dimIdx];
      if (lo >= n || hi >= n) {
        const shown = i === 0 ? `[${input._shape.join(", ")}]` : String(nd);
        throw new RuntimeError(
          `Argument #${4 + 2 * i}: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${dimIdx} of input ${shown}`,
        );
      }
    }
  } else if (mode === "replicate") {
    if (input.dtype.kind !== "f") throw new RuntimeError(`"replication_pad${k}d" not implemented for '${typeName(input.dtype)}'`);
    if (inBlock.some((s) => s === 0)) {
      throw new RuntimeError(
        `Expected ${k + 1}D or ${k + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [${input._shape.join(", ")}]`,
      );
    }
  }
  const maps = padMaps(inBlock, pads, mode);
  const node = mode === "reflect" ? `ReflectionPad${k}DBackward0` : mode === "replicate" ? `ReplicationPad${k}DBackward0` : "CircularPadBackward0";
  return gatherLast(input, maps, node);
}

function constantPad(input: Tensor, pads: number[], value: number): Tensor {
  const nd = input.dim(), k = pads.length / 2;
  const outShape = input._shape.slice();
  for (let i = 0; i < k; i++) {
    const d = nd - 1 - i;
    outShape[d] = input._shape[d] + pads[2 * i] + pads[2 * i + 1];
    if (outShape[d] < 0) {
      throw new RuntimeError(
        `The input size ${input._shape[d]}, plus negative padding ${pads[2 * i]} and ${pads[2 * i + 1]} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    }
  }
  const out = empty(outShape, input.dtype);
  if (value !== 0) out._storage.data.fill(value);
  // copy the overlap of input and output (negative pads crop the input)
  let src = input.detach(), dst = out;
  for (let i = 0; i < k; i++) {
    const d = nd - 1 - i;
    const lo = pads[2 * i];
    const inStart = Math.max(-lo, 0), outStart = Math.max(lo, 0);
    const len = Math.min(input._shape[d] - inStart, outShape[d] - outStart);
    if (len <= 0) return finishPad(out, input, pads);
    src = src.narrow(d, inStart, len);
    dst = dst.narrow(d, outStart, len);
  }
  if (src.numel() > 0) backend.elementwise("copy", dst, [src], out.dtype);
  return finishPad(out, input, pads);
}

function finishPad(out: Tensor, input: Tensor, pads: number[]): Tensor {
  if (needsGrad(input)) {
    record(out, "ConstantPadNdBackward0", [input], (g) => [constantPad(g, pads.map((p) => -p), 0)]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// attention

interface SdpaOpts {
  attn_mask?: Tensor | null;
  dropout_p?: number;
  is_causal?: boolean;
  scale?: number | null;
}

/** F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
 * softmax(q @ k^T * scale + bias) @ v, PyTorch's math reference. */
export function scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): Tensor {
  const o = params<SdpaOpts & Record<string, unknown>>(args, ["attn_mask", "dropout_p", "is_causal", "scale"]);
  const mask = o.attn_mask ?? null;
  if (o.is_causal && mask) throw new RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  const L = query._shape[query.dim() - 2], S = key._shape[key.dim() - 2];
  const scale = o.scale ?? 1 / Math.sqrt(query._shape[query.dim() - 1]);
  let attn = query.matmul(key.transpose(-2, -1)).mul(scale);
  if (o.is_causal) {
    const causal = empty([L, S], bool);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) causal._storage.data[i * S + j] = 1;
    attn = attn.masked_fill(causal, -Infinity);
  }
  if (mask) attn = mask.dtype === bool ? attn.masked_fill(mask.logical_not(), -Infinity) : attn.add(mask);
  attn = softmax(attn, -1);
  const p = o.dropout_p ?? 0;
  if (p > 0) attn = dropout(attn, p, true);
  return attn.matmul(value);
}

// ---------------------------------------------------------------------------------------------
// Tensor methods that PyTorch defines on Tensor itself

declare module "../tensor.js" {
  interface Tensor {
    softmax(dim: number, dtype?: DType | { dtype?: DType }): Tensor;
    log_softmax(dim: number, dtype?: DType | { dtype?: DType }): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const dt = (d?: DType | { dtype?: DType }) => (d instanceof DType ? d : d?.dtype);
  P.softmax = function (this: Tensor, dim: number, d?: DType | { dtype?: DType }) {
    return softmax(this, dim, { dtype: dt(d) ?? null });
  };
  P.log_softmax = function (this: Tensor, dim: number, d?: DType | { dtype?: DType }) {
    return log_softmax(this, dim, { dtype: dt(d) ?? null });
  };
}
