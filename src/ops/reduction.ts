// Reductions: sum mean prod max min argmax argmin std var all any logsumexp cumsum norm ...
// Each takes `dim` (number or list), `keepdim` (alias `keepdims`) and PyTorch's other options.
import { backend, fused } from "../backend/index.js";
import { bool, DType, float32, float64, get_default_dtype, int64 } from "../dtype.js";
import { IndexError, RuntimeError, TypeError } from "../errors.js";
import { wrapDim } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { needsGrad, params, record } from "./util.js";
import { typeName } from "./dtype_names.js";
import { cat, stack } from "./join.js";
import { arange } from "./creation.js";
import { where } from "./pointwise.js";
import { is_grad_enabled, no_grad } from "../autograd/grad_mode.js";

export interface ReduceOpts {
  dim?: number | number[] | null;
  keepdim?: boolean;
  keepdims?: boolean;
  dtype?: DType;
}

function parseReduce(args: unknown[]): ReduceOpts {
  const o = params<ReduceOpts & Record<string, unknown>>(args, ["dim", "keepdim", "dtype"]);
  if (o.keepdims !== undefined && o.keepdim === undefined) o.keepdim = o.keepdims;
  return o;
}

/** Normalised reduced dims: all dims when dim is null/undefined/[] (PyTorch: empty list = all). */
function reducedDims(x: Tensor, dim: number | number[] | null | undefined): number[] {
  if (dim === undefined || dim === null) return x._shape.map((_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  if (list.length === 0) return x._shape.map((_, i) => i);
  const out = list.map((d) => wrapDim(d, x.dim()));
  for (let i = 0; i < out.length; i++)
    for (let j = i + 1; j < out.length; j++)
      if (out[i] === out[j]) throw new RuntimeError(`dim ${out[i]} appears multiple times in the list of dims`);
  return out.sort((a, b) => a - b);
}

function outShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  const s: number[] = [];
  for (let d = 0; d < x.dim(); d++) {
    if (dims.includes(d)) {
      if (keepdim) s.push(1);
    } else s.push(x._shape[d]);
  }
  return s;
}

/** expand a reduced gradient back over the reduced dims */
function unreduce(g: Tensor, inShape: number[], dims: number[], keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim && inShape.length > 0) for (const d of dims) r = r.unsqueeze(d);
  return r.expand(inShape);
}

function sumDtype(x: Tensor, dtype?: DType): DType {
  if (dtype) return dtype;
  return x.dtype.kind === "f" ? x.dtype : int64;
}

export function sum(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduce(args);
  const dims = reducedDims(x, o.dim);
  const keep = o.keepdim ?? false;
  const dt = sumDtype(x, o.dtype);
  const src = x.dtype === dt ? x : x.to(dt);
  const shape = outShape(x, dims, keep);
  const out = empty(shape, dt);
  backend.reduce("sum", src, dims, out);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, "SumBackward" + (o.dim === undefined || o.dim === null ? "0" : "1"), [x], (g) => [unreduce(g, inShape, dims, keep)]);
  }
  return out;
}

export function nansum(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduce(args);
  const dims = reducedDims(x, o.dim);
  const keep = o.keepdim ?? false;
  const dt = sumDtype(x, o.dtype);
  const out = empty(outShape(x, dims, keep), dt);
  backend.reduce("nansum", x.dtype === dt ? x : x.to(dt), dims, out);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, "NansumBackward0", [x], (g) => [unreduce(g, inShape, dims, keep).mul(x.isnan().logical_not())], [x]);
  }
  return out;
}

export function mean(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduce(args);
  const dt = o.dtype ?? x.dtype;
  if (dt.kind !== "f") {
    throw new RuntimeError(
      `mean(): could not infer output dtype. ${o.dtype ? "Optional" : "Input"} dtype must be either a floating point or complex dtype. Got: ${typeName(dt)}`,
    );
  }
  const dims = reducedDims(x, o.dim);
  const keep = o.keepdim ?? false;
  let n = 1;
  for (const d of dims) n *= x._shape[d] ?? 1; // a 0-dim tensor "reduces" over dim 0 of size 1
  const s = sum(x.detach(), { dim: dims, keepdim: keep, dtype: dt });
  // out of place: a fresh result starts at version 0 (version errors quote it)
  const out = s.div(n);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, "MeanBackward" + (o.dim === undefined || o.dim === null ? "0" : "1"), [x], (g) => [unreduce(g, inShape, dims, keep).div(n)]);
  }
  return out;
}

export function prod(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ dim: number; keepdim: boolean; dtype: DType; keepdims: boolean }>(args, ["dim", "keepdim", "dtype"]);
  const dims = o.dim === undefined ? x._shape.map((_, i) => i) : [wrapDim(o.dim, x.dim())];
  const keep = o.keepdim ?? o.keepdims ?? false;
  const dt = sumDtype(x, o.dtype);
  const out = empty(outShape(x, dims, keep), dt);
  backend.reduce("prod", x.dtype === dt ? x : x.to(dt), dims, out);
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(
      out,
      "ProdBackward" + (o.dim === undefined ? "0" : "1"),
      [x],
      (g) => {
        // d prod / d x_i = (product of the elements before i) * (product after i): no division,
        // so zeros are handled. A 0-dim x is its own product; the product of no elements is 1,
        // a constant
        if (x.dim() === 0) return [g];
        if (x.numel() === 0) return [empty(inShape.slice(), g.dtype)];
        const whole = o.dim === undefined;
        const xd = whole ? x.reshape(-1) : x;
        const d = whole ? 0 : dims[0];
        const n = xd._shape[d];
        const one = xd.narrow(d, 0, 1).detach().mul(0).add(1);
        const left = cat([one, xd.narrow(d, 0, n - 1)], d).cumprod(d);
        const right = cat([one, xd.flip(d).narrow(d, 0, n - 1)], d).cumprod(d).flip(d);
        const gg = whole ? g : unreduce(g, inShape, dims, keep);
        const r = left.mul(right).mul(gg);
        return [whole ? r.reshape(inShape) : r];
      },
      // ProdBackward0/1 save self and the result: writing into the result in place invalidates them
      [x, out],
    );
  }
  return out;
}

/** Result of max/min/sort/topk/mode with a dim: `.values`, `.indices`, and `[values, indices]`
 * (PyTorch's torch.return_types named tuple). */
export class ValuesIndices {
  readonly length = 2;
  constructor(
    readonly values: Tensor,
    readonly indices: Tensor,
  ) {}
  get 0(): Tensor {
    return this.values;
  }
  get 1(): Tensor {
    return this.indices;
  }
  *[Symbol.iterator](): IterableIterator<Tensor> {
    yield this.values;
    yield this.indices;
  }
  toString(): string {
    return `torch.return_types.${this.kind}(\nvalues=${this.values},\nindices=${this.indices})`;
  }
  kind = "max";
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function checkNonEmpty(x: Tensor, dims: number[], name: string, dimGiven: boolean): void {
  if (x.numel() !== 0) return;
  if (!dimGiven)
    throw new RuntimeError(
      `${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  for (const d of dims)
    if (x._shape[d] === 0)
      throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
}

function maxmin(isMax: boolean) {
  const name = isMax ? "max" : "min";
  return function (x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
    if (args.length > 0 && args[0] instanceof Tensor) return isMax ? x.maximum(args[0]) : x.minimum(args[0]);
    const o = params<{ dim: number; keepdim: boolean; keepdims: boolean }>(args, ["dim", "keepdim"]);
    if (o.dim === undefined) {
      if (x.numel() === 0)
        throw new RuntimeError(
          `${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
        );
      const r = isMax ? amax(x) : amin(x);
      if (r.grad_fn) {
        // MaxBackward1: evenly_distribute_backward (grad / count where x equals the result, or
        // where x is NaN for a NaN result; +0 elsewhere, unlike amax's grad * mask / count)
        record(r, isMax ? "MaxBackward1" : "MinBackward1", [x], (g) => {
          const mask = r.isnan().item() ? x.isnan() : x.eq(r);
          return [where(mask, g.div(mask.sum()), 0)];
        }, [x, r]);
      }
      return r;
    }
    const d = wrapDim(o.dim, x.dim());
    checkNonEmpty(x, [d], name, true);
    const keep = o.keepdim ?? o.keepdims ?? false;
    const shape = outShape(x, [d], keep);
    const values = empty(shape, x.dtype);
    const indices = empty(shape.slice(), int64);
    backend.reduce(isMax ? "amax" : "amin", x, x.dim() === 0 ? [] : [d], values, indices);
    if (needsGrad(x)) {
      const inShape = x._shape.slice();
      record(values, isMax ? "MaxBackward0" : "MinBackward0", [x], (g) => {
        const gi = keep || x.dim() === 0 ? g : g.unsqueeze(d);
        const ii = keep || x.dim() === 0 ? indices : indices.unsqueeze(d);
        if (x.dim() === 0) return [g];
        // route g to the selected position: one-hot along d built by comparing with an arange
        const pos = arange(inShape[d]).view([inShape[d], ...inShape.slice(d + 1).map(() => 1)]);
        return [where(ii.eq(pos), gi, 0)];
      }, [indices]);
    }
    const r = new ValuesIndices(values, indices);
    r.kind = name;
    return r;
  };
}
export const max = maxmin(true) as {
  (x: Tensor): Tensor;
  (x: Tensor, other: Tensor): Tensor;
  (x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
  (x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
};
export const min = maxmin(false) as typeof max;

function amaxmin(isMax: boolean) {
  return function (x: Tensor, ...args: unknown[]): Tensor {
    const o = parseReduce(args);
    const dims = reducedDims(x, o.dim);
    const name = isMax ? "amax" : "amin";
    if (x.numel() === 0) {
      const all = o.dim === undefined || o.dim === null || (Array.isArray(o.dim) && o.dim.length === 0);
      if (all)
        throw new RuntimeError(
          `${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
        );
      // the message names the dim as the caller wrote it (-1 stays -1)
      for (const d of Array.isArray(o.dim) ? o.dim : [o.dim as number])
        if (x._shape[wrapDim(d, x.dim())] === 0) throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
    }
    const keep = o.keepdim ?? false;
    const out = empty(outShape(x, dims, keep), x.dtype);
    backend.reduce(isMax ? "amax" : "amin", x, dims, out);
    if (needsGrad(x)) {
      const inShape = x._shape.slice();
      record(out, isMax ? "AmaxBackward0" : "AminBackward0", [x], (g) => {
        // the gradient is shared evenly between all elements equal to the extreme value
        const ov = unreduce(out, inShape, dims, keep);
        const mask = x.eq(ov).to(g.dtype);
        const count = mask.sum({ dim: dims, keepdim: true });
        return [unreduce(g, inShape, dims, keep).mul(mask).div(count.expand(inShape))];
      }, [x, out]);
    }
    return out;
  };
}
export const amax = amaxmin(true);
export const amin = amaxmin(false);

function argmaxmin(isMax: boolean) {
  return function (x: Tensor, ...args: unknown[]): Tensor {
    const o = params<{ dim: number | null; keepdim: boolean }>(args, ["dim", "keepdim"]);
    const name = isMax ? "argmax" : "argmin";
    if (x.dtype === bool) throw new RuntimeError(`${name}(): does not support bool input`);
    if (o.dim === undefined || o.dim === null) {
      if (x.numel() === 0)
        throw new IndexError(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
      const flat = x.reshape(-1);
      const out = empty(o.keepdim ? x._shape.map(() => 1) : [], int64);
      backend.reduce(name, flat, [0], out);
      return out;
    }
    const d = wrapDim(o.dim, x.dim());
    if (x.dim() > 0 && x._shape[d] === 0)
      throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
    const out = empty(outShape(x, [d], o.keepdim ?? false), int64);
    backend.reduce(name, x, x.dim() === 0 ? [] : [d], out);
    return out;
  };
}
export const argmax = argmaxmin(true);
export const argmin = argmaxmin(false);

function boolReduce(op: "all" | "any") {
  return function (x: Tensor, ...args: unknown[]): Tensor {
    const o = parseReduce(args);
    const dims = reducedDims(x, o.dim);
    const out = empty(outShape(x, dims, o.keepdim ?? false), x.dtype.name === "uint8" ? x.dtype : bool);
    backend.reduce(op, x, dims, out);
    return out;
  };
}
export const all = boolReduce("all");
export const any = boolReduce("any");

interface VarOpts extends ReduceOpts {
  unbiased?: boolean;
  correction?: number;
}
function parseVar(args: unknown[]): VarOpts {
  // var(dim, unbiased, keepdim) / var(unbiased) / var({dim, correction, keepdim})
  if (args.length >= 1 && typeof args[0] === "boolean") {
    const [unb, ...rest] = args;
    const o = params<VarOpts & Record<string, unknown>>(rest, []);
    o.unbiased = unb as boolean;
    return o;
  }
  const o = params<VarOpts & Record<string, unknown>>(args, ["dim", "unbiased", "keepdim"]);
  if (o.keepdims !== undefined && o.keepdim === undefined) o.keepdim = o.keepdims;
  return o;
}

/** Offsets (relative to the tensor's offset) of the elements of `dims`, row-major. */
function dimOffsets(x: Tensor, dims: readonly number[]): number[] {
  const shape = dims.map((d) => x._shape[d]), strides = dims.map((d) => x._strides[d]);
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Array<number>(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let k = 0; k < shape.length; k++) p += idx[k] * strides[k];
    out[i] = p;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** varianceCore's Welford loop: V, M (contiguous, the kept dims) = project(m2, count) and the
 * mean of each output's elements over `dims`. */
function welfordRows(x: Tensor, dims: readonly number[], V: Tensor, M: Tensor, project: (m2: number, n: number) => number): void {
  const X = x._storage.data, VD = V._storage.data, MD = M._storage.data;
  const kept = x._shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const outer = dimOffsets(x, kept), inner = dimOffsets(x, dims);
  // Each output's Welford chain waits on a division per element; four outputs side by side
  // keep four chains in flight (each still adds its own elements in order: the same numbers)
  const nIn = inner.length, x0 = x._offset;
  let i = 0;
  for (; i + 4 <= outer.length; i += 4) {
    const b0 = x0 + outer[i], b1 = x0 + outer[i + 1], b2 = x0 + outer[i + 2], b3 = x0 + outer[i + 3];
    let m0 = 0, m1 = 0, m2 = 0, m3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < nIn; j++) {
      const q = inner[j], n = j + 1;
      const v0 = X[b0 + q], v1 = X[b1 + q], v2 = X[b2 + q], v3 = X[b3 + q];
      const d0 = v0 - m0, d1 = v1 - m1, d2 = v2 - m2, d3 = v3 - m3;
      m0 += d0 / n, m1 += d1 / n, m2 += d2 / n, m3 += d3 / n;
      s0 += d0 * (v0 - m0), s1 += d1 * (v1 - m1), s2 += d2 * (v2 - m2), s3 += d3 * (v3 - m3);
    }
    VD[i] = project(s0, nIn), VD[i + 1] = project(s1, nIn), VD[i + 2] = project(s2, nIn), VD[i + 3] = project(s3, nIn);
    MD[i] = m0, MD[i + 1] = m1, MD[i + 2] = m2, MD[i + 3] = m3;
  }
  for (; i < outer.length; i++) {
    const base = x0 + outer[i];
    let mean = 0, m2 = 0;
    for (let j = 0; j < nIn; j++) {
      const v = X[base + inner[j]];
      const delta = v - mean;
      mean += delta / (j + 1);
      m2 += delta * (v - mean);
    }
    VD[i] = project(m2, nIn);
    MD[i] = mean;
  }
}

/**
 * var/std (and their _mean forms) the way ATen's CPU kernels compute them: in double, rounded
 * once to the output dtype. A reduction to a single element (std/var only) takes the mean in
 * the input dtype, then sums squared deviations in double (std_var_all_cpu); otherwise each
 * output runs Welford's algorithm in double (WelfordOps), whose mean var_mean returns.
 */
function varianceCore(x: Tensor, o: VarOpts, name: string, takeSqrt: boolean, withMean: boolean): [Tensor, Tensor] {
  if (x.dtype.kind !== "f") {
    throw new RuntimeError(
      name === "var" || name === "std"
        ? "std and var only support floating point and complex dtypes"
        : `${name} only support floating point and complex dtypes`,
    );
  }
  const dims = reducedDims(x, o.dim).filter((d) => d < x.dim());
  const keep = o.keepdim ?? false;
  const corr = o.correction ?? (o.unbiased === false ? 0 : 1);
  const shape = outShape(x, dims, keep);
  const V = empty(shape, x.dtype), Mn = empty(shape.slice(), x.dtype);
  const project = (m2: number, n: number) => {
    const v = m2 / (n > corr ? n - corr : 0);
    return takeSqrt ? Math.sqrt(v) : v;
  };
  if (x.numel() === 0) {
    V._storage.data.fill(NaN);
    Mn._storage.data.fill(NaN);
  } else if (!withMean && V.numel() === 1) {
    const mean = Number(x.detach().mean().item());
    let ss = 0;
    const inner = dimOffsets(x, dims), X = x._storage.data;
    for (const q of inner) {
      const dx = X[x._offset + q] - mean;
      ss += dx * dx;
    }
    V._storage.data[0] = project(ss, inner.length);
  } else if (!fused.varianceInto?.(x, dims, corr, takeSqrt, V, Mn)) {
    welfordRows(x, dims, V, Mn, project);
  }
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    let n = 1;
    for (const d of dims) n *= inShape[d];
    const node = ({ var: "VarBackward0", std: "StdBackward0", var_mean: "VarMeanBackward0", std_mean: "StdMeanBackward0" } as Record<string, string>)[name];
    // d var / dx = 2 (x - mean) / (n - correction); d std = d var / (2 std), 0 where std is 0
    record(V, node, [x], (g) => {
      const dev = x.sub(x.mean({ dim: dims, keepdim: true }));
      let gv = unreduce(g, inShape, dims, keep);
      if (takeSqrt) {
        const s = unreduce(V, inShape, dims, keep);
        gv = gv.div(s.mul(2)).masked_fill(s.eq(0), 0);
      }
      // ATen's var_backward: (2.0 / dof) * grad * (self - mean), in that order
      return [gv.mul(2 / Math.max(n - corr, 0)).mul(dev)];
      // var's node saves self only (an in-place write into the variance is fine), std's the result too
    }, takeSqrt ? [x, V] : [x]);
    if (withMean) record(Mn, node, [x], (g) => [unreduce(g, inShape, dims, keep).div(n)]);
  }
  return [V, Mn];
}

export function var_(x: Tensor, ...args: unknown[]): Tensor {
  return varianceCore(x, parseVar(args), "var", false, false)[0];
}
export function std(x: Tensor, ...args: unknown[]): Tensor {
  return varianceCore(x, parseVar(args), "std", true, false)[0];
}
export function var_mean(x: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  return varianceCore(x, parseVar(args), "var_mean", false, true);
}
export function std_mean(x: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  return varianceCore(x, parseVar(args), "std_mean", true, true);
}

export function logsumexp(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduce(args);
  const xf = x.dtype.kind === "f" ? x : x.to(get_default_dtype());
  const dims = reducedDims(xf, o.dim);
  const keep = o.keepdim ?? false;
  // subtract the max so exp never overflows; an infinite max would give inf - inf. ATen skips
  // the max for an empty input (log(sum of nothing) = -inf)
  const out = no_grad(() => {
    if (xf.numel() === 0) return xf.detach().exp().sum({ dim: dims, keepdim: keep }).log();
    const xd = xf.detach();
    const m = xd.amax({ dim: dims, keepdim: true });
    const mSafe = m.masked_fill(m.isinf(), 0);
    const s = xd.sub(mSafe).exp().sum({ dim: dims, keepdim: true }).log().add(mSafe);
    return keep ? s : s.squeeze(dims);
  });
  out._base = null; // a new tensor, not a view of the temporary (in-place ops on it are plain)
  if (needsGrad(xf)) {
    const inShape = xf._shape.slice();
    // d logsumexp / dx = exp(x - logsumexp)
    record(out, "LogsumexpBackward0", [xf], (g) => [unreduce(g, inShape, dims, keep).mul(xf.sub(unreduce(out, inShape, dims, keep)).exp())], [xf, out]);
  }
  return out;
}

type CumOpts = { dim: number; dtype?: DType };
function cumArgs(dim: number | CumOpts, opts?: { dtype?: DType }): CumOpts {
  return typeof dim === "object" ? dim : { dim, ...opts };
}

/** cumsum/cumprod along one dim. ATen accumulates in acc_type (double for float32, int64 for
 * integers) and rounds each output once. Ints and bools give int64 unless dtype is passed. */
function cumulative(x: Tensor, o: CumOpts, isProd: boolean): Tensor {
  const d = wrapDim(o.dim, x.dim());
  const dt = o.dtype ?? (x.dtype.kind === "f" ? x.dtype : int64);
  const src = x.detach().to(dt).contiguous();
  const out = empty(x._shape.slice(), dt);
  const n = x.dim() === 0 ? 1 : x._shape[d];
  // src is contiguous, so element (a, i, b) sits at a*n*inner + i*inner + b (not read from the
  // strides: those of size-1 dims can be anything)
  let inner = 1;
  for (let k = d + 1; k < x.dim(); k++) inner *= x._shape[k];
  const outer = n * inner === 0 ? 0 : src.numel() / (n * inner);
  const S = src._storage.data, O = out._storage.data;
  const so = src._offset;
  const int = dt.kind !== "f";
  for (let a = 0; a < outer; a++)
    for (let b = 0; b < inner; b++) {
      let acc = isProd ? 1 : 0;
      for (let i = 0; i < n; i++) {
        const p = a * n * inner + i * inner + b;
        acc = isProd ? acc * S[so + p] : acc + S[so + p];
        O[p] = int ? acc + 0 : acc; // + 0: an int64 never holds -0
      }
    }
  return out;
}

export function cumsum(x: Tensor, dim: number | CumOpts, opts?: { dtype?: DType }): Tensor {
  const o = cumArgs(dim, opts);
  const out = cumulative(x, o, false);
  if (needsGrad(x)) {
    const d = wrapDim(o.dim, x.dim());
    // cumsum_backward: g itself when there is nothing to sum (keeps -0), else the reversed cumsum
    record(out, "CumsumBackward0", [x], (g) => [x.numel() <= 1 || x._shape[d] === 1 ? g : g.flip(d).cumsum(d).flip(d)]);
  }
  return out;
}

export function cumprod(x: Tensor, dim: number | CumOpts, opts?: { dtype?: DType }): Tensor {
  const o = cumArgs(dim, opts);
  const out = cumulative(x, o, true);
  if (needsGrad(x)) {
    const d = wrapDim(o.dim, x.dim());
    record(
      out,
      "CumprodBackward0",
      [x],
      (g) => {
        if (x.numel() <= 1 || x._shape[d] === 1) return [g];
        // PyTorch's cumprod_backward outside create_graph, for inputs without zeros: the
        // reversed cumulative sum of out * g, divided by x (its roundings and signed zeros)
        if (!is_grad_enabled() && !x.eq(0).any().item()) return [out.mul(g).flip([d]).cumsum(d).flip([d]).div(x)];
        // d out_j / d x_i = out_{i-1} * x_{i+1} * ... * x_j (no division, so zeros are fine):
        // grad_i = out_{i-1} * S_i with S_i = g_i + x_{i+1} * S_{i+1}
        const n = x._shape[d];
        const xs = x.unbind(d), gs = g.unbind(d), os = out.unbind(d);
        const parts = new Array<Tensor>(n);
        let S: Tensor | null = null;
        for (let i = n - 1; i >= 0; i--) {
          S = S === null ? gs[i] : gs[i].add(xs[i + 1].mul(S));
          parts[i] = i === 0 ? S : os[i - 1].mul(S);
        }
        return [n === 0 ? g : stack(parts, d)];
      },
      [x, out],
    );
  }
  return out;
}

export function norm(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ p: number | string; dim: number | number[] | null; keepdim: boolean; dtype: DType }>(args, ["p", "dim", "keepdim", "dtype"]);
  const p = o.p ?? 2;
  if (x.dtype.kind !== "f") {
    throw new RuntimeError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${typeName(x.dtype)}`);
  }
  const dims = o.dim === undefined || o.dim === null ? null : o.dim;
  const keepdim = o.keepdim ?? false;
  const r = { dim: dims, keepdim };
  if (typeof p !== "number" && p !== "fro" && p !== "inf") throw new RuntimeError(`norm: unsupported p ${String(p)}`);
  const pn = p === "fro" ? 2 : p === "inf" ? Infinity : p;
  const out = no_grad(() => {
    const xd = x.detach();
    if (pn === 2) return xd.mul(xd).sum(r).sqrt();
    if (pn === Infinity) return xd.abs().amax(r);
    if (pn === -Infinity) return xd.abs().amin(r);
    if (pn === 1) return xd.abs().sum(r);
    if (pn === 0) return xd.ne(0).to(x.dtype).sum(r);
    return xd.abs().pow(pn).sum(r).pow(1 / pn);
  });
  if (needsGrad(x)) {
    // one node, as torch.norm in 1.13 (NormBackward1); formulas of PyTorch's norm_backward
    const inShape = x._shape.slice();
    const rd = reducedDims(x, dims);
    record(out, "NormBackward1", [x], (g) => {
      const gu = unreduce(g, inShape, rd, keepdim);
      const nu = unreduce(out, inShape, rd, keepdim);
      if (pn === 0) return [x.mul(0)];
      if (pn === 1) return [gu.mul(x.sign())];
      if (pn === Infinity || pn === -Infinity) {
        const mask = x.abs().eq(nu).to(g.dtype);
        const count = mask.sum({ dim: rd, keepdim: true });
        return [gu.mul(x.sign()).mul(mask).div(count)];
      }
      if (pn === 2) return [gu.mul(x.div(nu).masked_fill(nu.eq(0), 0))];
      const scale = gu.div(nu.pow(pn - 1)).masked_fill(nu.eq(0), 0);
      return [x.mul(x.abs().pow(pn - 2)).mul(scale)];
    }, [x, out]);
  }
  return out;
}

export { float64, TypeError };

type RArgs = (number | number[] | boolean | DType | ReduceOpts | null | undefined)[];
declare module "../tensor.js" {
  interface Tensor {
    sum(...args: RArgs): Tensor;
    nansum(...args: RArgs): Tensor;
    mean(...args: RArgs): Tensor;
    prod(...args: (number | boolean | DType | { dim?: number; keepdim?: boolean; dtype?: DType })[]): Tensor;
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(opts: { dim: number; keepdim?: boolean; keepdims?: boolean }): ValuesIndices;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(opts: { dim: number; keepdim?: boolean; keepdims?: boolean }): ValuesIndices;
    amax(...args: RArgs): Tensor;
    amin(...args: RArgs): Tensor;
    argmax(dim?: number | null | { dim?: number | null; keepdim?: boolean }, keepdim?: boolean): Tensor;
    argmin(dim?: number | null | { dim?: number | null; keepdim?: boolean }, keepdim?: boolean): Tensor;
    all(...args: RArgs): Tensor;
    any(...args: RArgs): Tensor;
    var(...args: (number | number[] | boolean | VarOpts | null)[]): Tensor;
    std(...args: (number | number[] | boolean | VarOpts | null)[]): Tensor;
    logsumexp(...args: RArgs): Tensor;
    cumsum(dim: number | { dim: number; dtype?: DType }, opts?: { dtype?: DType }): Tensor;
    cumprod(dim: number | { dim: number; dtype?: DType }, opts?: { dtype?: DType }): Tensor;
    norm(...args: (number | string | number[] | boolean | null | { p?: number | string; dim?: number | number[] | null; keepdim?: boolean })[]): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (x: Tensor, ...a: never[]) => unknown) =>
    function (this: Tensor, ...a: never[]) {
      return f(this, ...a);
    };
  Object.assign(P, {
    sum: m(sum), nansum: m(nansum), mean: m(mean), prod: m(prod), max: m(max), min: m(min), amax: m(amax), amin: m(amin),
    argmax: m(argmax), argmin: m(argmin), all: m(all), any: m(any), var: m(var_), std: m(std), logsumexp: m(logsumexp),
    cumsum: m(cumsum), cumprod: m(cumprod), norm: m(norm),
  });
}
