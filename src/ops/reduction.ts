// Reductions: sum mean prod max min argmax argmin std var all any logsumexp cumsum norm ...
// Each takes `dim` (number or list), `keepdim` (alias `keepdims`) and PyTorch's other options.
import { backend } from "../backend/index.js";
import { bool, DType, float32, float64, get_default_dtype, int64 } from "../dtype.js";
import { IndexError, RuntimeError, TypeError } from "../errors.js";
import { wrapDim } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { needsGrad, params, record } from "./util.js";
import { typeName } from "./dtype_names.js";
import { cat, stack } from "./join.js";
import { arange } from "./creation.js";
import { where } from "./pointwise.js";

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
  for (const d of dims) n *= x._shape[d];
  const s = sum(x.detach(), { dim: dims, keepdim: keep, dtype: dt });
  const out = s.div_(n);
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
        // so zeros are handled
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
      [x],
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
      return isMax ? amax(x) : amin(x);
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
      for (const d of dims.length ? dims : [0])
        if (x.dim() === 0 || x._shape[d] === 0)
          throw new IndexError(
            `${name}(): Expected reduction dim ${d} to have non-zero size.`,
          );
    }
    const keep = o.keepdim ?? false;
    const out = empty(outShape(x, dims, keep), x.dtype);
    backend.reduce(isMax ? "amax" : "amin", x, dims, out);
    if (needsGrad(x)) {
      const inShape = x._shape.slice();
      const allDims = o.dim === undefined || o.dim === null;
      record(out, allDims ? (isMax ? "MaxBackward1" : "MinBackward1") : isMax ? "AmaxBackward0" : "AminBackward0", [x], (g) => {
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
    if (o.dim === undefined || o.dim === null) {
      if (x.numel() === 0)
        throw new RuntimeError(
          `${name}(): Expected reduction dim to be specified for input.numel() == 0.`,
        );
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
    return { ...o, unbiased: unb as boolean };
  }
  const o = params<VarOpts & Record<string, unknown>>(args, ["dim", "unbiased", "keepdim"]);
  if (o.keepdims !== undefined && o.keepdim === undefined) o.keepdim = o.keepdims;
  return o;
}

function variance(x: Tensor, o: VarOpts, name: string): Tensor {
  if (x.dtype.kind !== "f") {
    throw new RuntimeError(`${name}(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${typeName(x.dtype)}`);
  }
  const dims = reducedDims(x, o.dim);
  const keep = o.keepdim ?? false;
  const corr = o.correction ?? (o.unbiased === false ? 0 : 1);
  let n = 1;
  for (const d of dims) n *= x._shape[d];
  const mu = x.mean({ dim: dims, keepdim: true });
  const dev = x.sub(mu);
  const ss = dev.mul(dev).sum({ dim: dims, keepdim: keep });
  return ss.div(Math.max(n - corr, 0));
}

export function var_(x: Tensor, ...args: unknown[]): Tensor {
  return variance(x, parseVar(args), "var");
}
export function std(x: Tensor, ...args: unknown[]): Tensor {
  return variance(x, parseVar(args), "std").sqrt();
}
export function var_mean(x: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  const o = parseVar(args);
  return [variance(x, o, "var_mean"), x.mean({ dim: o.dim ?? null, keepdim: o.keepdim ?? false })];
}
export function std_mean(x: Tensor, ...args: unknown[]): [Tensor, Tensor] {
  const o = parseVar(args);
  return [variance(x, o, "std_mean").sqrt(), x.mean({ dim: o.dim ?? null, keepdim: o.keepdim ?? false })];
}

export function logsumexp(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduce(args);
  const xf = x.dtype.kind === "f" ? x : x.to(get_default_dtype());
  const dims = reducedDims(xf, o.dim);
  const keep = o.keepdim ?? false;
  // subtract the max so exp never overflows; an infinite max would give inf - inf
  const m = xf.detach().amax({ dim: dims, keepdim: true });
  const mSafe = m.masked_fill(m.isinf(), 0);
  const s = xf.sub(mSafe).exp().sum({ dim: dims, keepdim: true }).log().add(mSafe);
  return keep ? s : s.squeeze(dims);
}

export function cumsum(x: Tensor, dim: number | { dim: number; dtype?: DType }, opts?: { dtype?: DType }): Tensor {
  const o = typeof dim === "object" ? dim : { dim, ...opts };
  const d = wrapDim(o.dim, x.dim());
  const dt = o.dtype ?? (x.dtype.kind === "f" ? x.dtype : int64);
  const src = x.to(dt).contiguous();
  const out = empty(x._shape.slice(), dt);
  const n = x.dim() === 0 ? 1 : x._shape[d];
  const inner = x.dim() === 0 ? 1 : src._strides[d];
  const outer = src.numel() / Math.max(n * inner, 1);
  const S = src._storage.data, O = out._storage.data;
  const so = src._offset;
  const f32 = dt === float32;
  for (let a = 0; a < outer; a++)
    for (let b = 0; b < inner; b++) {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const p = a * n * inner + i * inner + b;
        acc = f32 ? Math.fround(acc + S[so + p]) : acc + S[so + p];
        O[p] = acc;
      }
    }
  if (needsGrad(x)) record(out, "CumsumBackward0", [x], (g) => [g.flip(d).cumsum(d).flip(d)]);
  return out;
}

export function cumprod(x: Tensor, dim: number): Tensor {
  const d = wrapDim(dim, x.dim());
  const dt = x.dtype.kind === "f" ? x.dtype : int64;
  const parts = x.to(dt).unbind(d);
  const outs: Tensor[] = [];
  let acc: Tensor | null = null;
  for (const p of parts) {
    acc = acc ? acc.mul(p) : p;
    outs.push(acc);
  }
  return stack(outs, d);
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
  if (p === "fro" || p === 2) return x.mul(x).sum(r).sqrt();
  if (p === Infinity || p === "inf") return x.abs().amax(r);
  if (p === -Infinity) return x.abs().amin(r);
  if (p === 1) return x.abs().sum(r);
  if (p === 0) return x.ne(0).to(x.dtype).sum(r);
  if (typeof p !== "number") throw new RuntimeError(`norm: unsupported p ${String(p)}`);
  return x.abs().pow(p).sum(r).pow(1 / p);
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
    cumprod(dim: number): Tensor;
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
