// Tensor creation: tensor, zeros, ones, empty, full (+_like), arange, linspace, eye, tril/triu,
// frombuffer/as_tensor (no copy), scalar_tensor.
import { backend } from "../backend/index.js";
import { bool, DType, float32, float64, get_default_dtype, int16, int32, int64, int8, type TypedArray, uint8 } from "../dtype.js";
import { RuntimeError, TypeError, ValueError } from "../errors.js";
import { parseSize, sameShape } from "../shape.js";
import { preserveStrides } from "./shape_helpers.js";
import { flattenSequence, inferSequenceDtype, sequenceSizes, typedDtype } from "./sequence.js";
import { Storage } from "../storage.js";
import { empty as emptyOf, Tensor } from "../tensor.js";
import { copyOpts, needsGrad, record, splitOpts } from "./util.js";
import { fma32, fma64 } from "../random/fma.js";

export interface CreateOpts {
  dtype?: DType;
  requires_grad?: boolean;
  device?: string;
  generator?: unknown;
}

function finish(t: Tensor, o: CreateOpts): Tensor {
  if (o.device !== undefined && o.device !== "cpu") throw new TypeError(`torchlette runs on the CPU only; got device '${o.device}'`);
  if (o.requires_grad) {
    // factories check with the tensor-options message, not Tensor.requires_grad_'s
    if (t.dtype.kind !== "f") throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
    t.requires_grad_(true);
  }
  return t;
}

/** torch.tensor(data): nested arrays of numbers/booleans, a typed array, a scalar or a tensor. */
export function tensor(data: unknown, opts: CreateOpts = {}): Tensor {
  if (data instanceof Tensor) {
    const t = data.detach().clone();
    return finish(opts.dtype && opts.dtype !== t.dtype ? t.to(opts.dtype) : t, opts);
  }
  // JS cannot tell `2.0` from `2`: an all-integer list is int64 as in PyTorch, except when the
  // caller asks for requires_grad, which PyTorch only allows on floats (so `[2.0, 3.0]` was meant)
  const intDefault = opts.requires_grad ? get_default_dtype() : int64;
  const dtype = opts.dtype ?? inferSequenceDtype(data, intDefault, get_default_dtype()) ?? get_default_dtype();
  const shape = sequenceSizes(data);
  const t = emptyOf(shape, dtype);
  if (t.numel() === 0) return finish(t, opts);
  const flat = flattenSequence(data, shape, dtype);
  const d = t._storage.data;
  if (dtype === int64) for (let i = 0; i < flat.length; i++) d[i] = Math.trunc(Number(flat[i]));
  else if (dtype === bool) for (let i = 0; i < flat.length; i++) d[i] = flat[i] ? 1 : 0;
  else for (let i = 0; i < flat.length; i++) d[i] = Number(flat[i]);
  return finish(t, opts);
}

function sizeAndOpts(args: unknown[]): [number[], CreateOpts] {
  const [pos, o] = splitOpts<CreateOpts>(args);
  return [parseSize(pos), o];
}

export function empty(...args: unknown[]): Tensor {
  const [shape, o] = sizeAndOpts(args);
  return finish(emptyOf(shape, o.dtype ?? get_default_dtype()), o);
}
export function zeros(...args: unknown[]): Tensor {
  return empty(...args);
}
export function ones(...args: unknown[]): Tensor {
  const [shape, o] = sizeAndOpts(args);
  const t = emptyOf(shape, o.dtype ?? get_default_dtype());
  t._storage.data.fill(1);
  return finish(t, o);
}
export function full(size: number[], fill_value: number | boolean, opts: CreateOpts = {}): Tensor {
  const shape = parseSize([size]);
  const dt = opts.dtype ?? (typeof fill_value === "boolean" ? bool : Number.isInteger(fill_value) ? int64 : get_default_dtype());
  const t = emptyOf(shape, dt);
  if (t.numel() > 0) {
    const v = emptyOf([], float64);
    v._storage.data[0] = Number(fill_value);
    backend.elementwise("copy", t, [v.expand(shape)], dt);
  }
  return finish(t, opts);
}

function likeOpts(x: Tensor, o: CreateOpts = {}): CreateOpts {
  const r = copyOpts(o);
  r.dtype = o.dtype ?? x.dtype;
  return r;
}
/** *_like results take x's memory layout (memory_format=torch.preserve_format); every element
 * holds the same value, so relabelling the strides of the fresh dense tensor is enough. */
function likeLayout(x: Tensor, t: Tensor): Tensor {
  const st = preserveStrides(x);
  if (!sameShape(st, t._strides)) t._setLayout(t._shape, st, 0);
  return t;
}
export function empty_like(x: Tensor, o?: CreateOpts): Tensor {
  return likeLayout(x, empty(x._shape.slice(), likeOpts(x, o)));
}
export function zeros_like(x: Tensor, o?: CreateOpts): Tensor {
  return likeLayout(x, zeros(x._shape.slice(), likeOpts(x, o)));
}
export function ones_like(x: Tensor, o?: CreateOpts): Tensor {
  return likeLayout(x, ones(x._shape.slice(), likeOpts(x, o)));
}
export function full_like(x: Tensor, v: number | boolean, o?: CreateOpts): Tensor {
  return likeLayout(x, full(x._shape.slice(), v, likeOpts(x, o)));
}

export function scalar_tensor(v: number | boolean, o: CreateOpts = {}): Tensor {
  return full([], v, { dtype: get_default_dtype(), ...o });
}

/** arange(end) | arange(start, end, step?) with an options object last. */
export function arange(...args: unknown[]): Tensor {
  const [pos, o] = splitOpts<CreateOpts & { start?: number; end?: number; step?: number }>(args);
  let start = 0, end: number, step = 1;
  const nums = pos as number[];
  if (nums.length === 0) {
    if (o.end === undefined) throw new TypeError("arange() missing required argument 'end'");
    start = o.start ?? 0;
    end = o.end;
    step = o.step ?? 1;
  } else if (nums.length === 1) end = nums[0];
  else [start, end, step = o.step ?? 1] = nums;
  for (const v of [start, end, step])
    if (typeof v !== "number") throw new TypeError(`arange(): argument must be a number, not ${typeof v}`);
  if (step === 0) throw new RuntimeError("step must be nonzero");
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RuntimeError(`unsupported range: ${start} -> ${end}`);
  if ((step > 0 && end < start) || (step < 0 && end > start))
    throw new RuntimeError("upper bound and larger bound inconsistent with step sign");
  const dt = o.dtype ?? (Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step) ? int64 : get_default_dtype());
  const n = Math.ceil((end - start) / step);
  const t = emptyOf([Math.max(n, 0)], dt);
  const d = t._storage.data;
  // integer dtypes count in int64 from the truncated start and step (ATen's accscalar_t)
  const s0 = dt.kind === "f" ? start : Math.trunc(start), st = dt.kind === "f" ? step : Math.trunc(step);
  for (let i = 0; i < n; i++) d[i] = s0 + i * st;
  return finish(t, o);
}

export function linspace(start: number, end: number, stepsArg: number | (CreateOpts & { steps?: number }), o: CreateOpts = {}): Tensor {
  let steps: number;
  if (typeof stepsArg === "object") {
    o = stepsArg;
    if (stepsArg.steps === undefined) throw new TypeError("linspace() missing required argument 'steps' (pos 3)");
    steps = stepsArg.steps;
  } else steps = stepsArg;
  if (steps < 0) throw new RuntimeError("number of steps must be non-negative");
  const dt = o.dtype ?? get_default_dtype();
  const t = emptyOf([steps], dt);
  const d = t._storage.data;
  if (steps === 1) d[0] = start;
  else if (steps > 1) fillLinspace(d, start, end, steps, dt);
  return finish(t, o);
}

/**
 * torch 1.13's linspace kernel (the reference; 2.x differs in the last bit of some elements):
 * the first half counts up from start, the rest down from end. Runs of 2 vectors (8 floats or
 * 4 doubles each) compute a base with one fused multiply-add and add k * step to it; the tail
 * uses the fused form per element. Integer dtypes step in double and truncate.
 */
function fillLinspace(d: TypedArray, start: number, end: number, n: number, dt: DType): void {
  const half = Math.floor(n / 2);
  if (dt.kind !== "f") {
    const s = Math.trunc(start), e = Math.trunc(end);
    const step = (e - s) / (n - 1);
    for (let i = 0; i < n; i++) d[i] = Math.trunc(i < half ? s + step * i : e - step * (n - i - 1));
    return;
  }
  const f32 = dt === float32;
  const r = f32 ? Math.fround : (v: number) => v;
  const fma = f32 ? fma32 : fma64;
  const S = r(start), E = r(end);
  const step = r(r(E - S) / (n - 1));
  const at = (i: number) => (i < half ? fma(step, i, S) : fma(-step, n - i - 1, E));
  const W = f32 ? 8 : 4;
  let i = 0;
  for (; i + 2 * W <= n; i += 2 * W)
    for (const v of [i, i + W]) {
      const base = at(v);
      for (let k = 0; k < W; k++) d[v + k] = r(base + r(k * step));
    }
  for (; i < n; i++) d[i] = at(i);
}

export function logspace(start: number, end: number, steps: number, o: CreateOpts & { base?: number } = {}): Tensor {
  const base = o.base ?? 10;
  const t = linspace(start, end, steps, { dtype: float64 });
  const d = t._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.pow(base, d[i]);
  return finish(t.to(o.dtype ?? get_default_dtype()), o);
}

export function eye(n: number, m?: number | CreateOpts, o: CreateOpts = {}): Tensor {
  if (typeof m === "object") {
    o = m;
    m = undefined;
  }
  const cols = m ?? n;
  if (n < 0) throw new RuntimeError(`n must be greater or equal to 0, got ${n}`);
  const t = emptyOf([n, cols], o.dtype ?? get_default_dtype());
  for (let i = 0; i < Math.min(n, cols); i++) t._storage.data[i * cols + i] = 1;
  return finish(t, o);
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.dim() < 2) throw new RuntimeError(`${lower ? "tril" : "triu"}: input tensor must have at least 2 dimensions`);
  const R = x._shape[x.dim() - 2], C = x._shape[x.dim() - 1];
  const mask = emptyOf([R, C], bool);
  const md = mask._storage.data;
  for (let i = 0; i < R; i++)
    for (let j = 0; j < C; j++) md[i * C + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 0 : 1;
  const out = x.detach().masked_fill(mask, 0);
  if (needsGrad(x)) record(out, lower ? "TrilBackward0" : "TriuBackward0", [x], (g) => [triangle(g, diagonal, lower)]);
  return out;
}
export function tril(x: Tensor, diagonal: number | { diagonal?: number } = 0): Tensor {
  return triangle(x, typeof diagonal === "object" ? (diagonal.diagonal ?? 0) : diagonal, true);
}
export function triu(x: Tensor, diagonal: number | { diagonal?: number } = 0): Tensor {
  return triangle(x, typeof diagonal === "object" ? (diagonal.diagonal ?? 0) : diagonal, false);
}

/** torch.frombuffer: a 1-D tensor over an ArrayBuffer (or a typed array's memory), no copy. */
export function frombuffer(buffer: ArrayBufferLike | ArrayBufferView, o: { dtype: DType; count?: number; offset?: number; requires_grad?: boolean }): Tensor {
  const dt = o.dtype;
  if (dt === int64) throw new ValueError("torchlette stores int64 as float64 numbers and cannot alias int64 bytes; use as_tensor(BigInt64Array) to copy");
  const buf = ArrayBuffer.isView(buffer) ? buffer.buffer : buffer;
  const base = (ArrayBuffer.isView(buffer) ? buffer.byteOffset : 0) + (o.offset ?? 0);
  const avail = (ArrayBuffer.isView(buffer) ? buffer.byteLength : buf.byteLength) - (o.offset ?? 0);
  if (o.offset !== undefined && (o.offset < 0 || o.offset > avail + (o.offset ?? 0) - 1))
    throw new ValueError(`both buffer length (${avail + (o.offset ?? 0)}) and offset (${o.offset}) must be greater than zero and offset must be less than buffer length`);
  const count = o.count ?? -1;
  if (count === -1 && avail % dt.itemsize !== 0)
    throw new ValueError(`buffer length (${avail} bytes) after offset (${o.offset ?? 0} bytes) must be a multiple of element size (${dt.itemsize})`);
  const n = count === -1 ? avail / dt.itemsize : count;
  if (n * dt.itemsize > avail)
    throw new ValueError(`requested buffer length (${n} * ${dt.itemsize} bytes) after offset (${o.offset ?? 0} bytes) must not be greater than actual buffer length (${avail} bytes)`);
  if (base % dt.itemsize !== 0) throw new ValueError(`offset must be a multiple of the element size ${dt.itemsize}`);
  const arr = new dt.ArrayType(buf as ArrayBuffer, base, n) as TypedArray;
  const t = new Tensor(new Storage(arr, dt), [n]);
  return finish(t, o);
}

/** torch.as_tensor: shares memory with a typed array of the same dtype, otherwise copies. */
export function as_tensor(data: unknown, o: CreateOpts = {}): Tensor {
  if (data instanceof Tensor) return o.dtype && o.dtype !== data.dtype ? data.to(o.dtype) : data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const dt = typedDtype(data);
    if (dt && dt !== int64 && (!o.dtype || o.dtype === dt)) {
      const arr = data as TypedArray;
      return new Tensor(new Storage(arr, dt), [arr.length]);
    }
  }
  return tensor(data, o);
}
export const from_numpy = as_tensor;

declare module "../tensor.js" {
  interface Tensor {
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    new_zeros(...size: unknown[]): Tensor;
    new_ones(...size: unknown[]): Tensor;
    new_empty(...size: unknown[]): Tensor;
    new_full(size: number[], v: number, o?: CreateOpts): Tensor;
    new_tensor(data: unknown, o?: CreateOpts): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  P.tril = function (this: Tensor, d?: number) {
    return tril(this, d);
  };
  P.triu = function (this: Tensor, d?: number) {
    return triu(this, d);
  };
  const withDtype = (x: Tensor, args: unknown[]) => {
    const [pos, o] = splitOpts<CreateOpts>(args);
    return [...pos, { dtype: x.dtype, ...o }];
  };
  P.new_zeros = function (this: Tensor, ...a: unknown[]) {
    return zeros(...withDtype(this, a));
  };
  P.new_ones = function (this: Tensor, ...a: unknown[]) {
    return ones(...withDtype(this, a));
  };
  P.new_empty = function (this: Tensor, ...a: unknown[]) {
    return empty(...withDtype(this, a));
  };
  P.new_full = function (this: Tensor, s: number[], v: number, o?: CreateOpts) {
    return full(s, v, { dtype: this.dtype, ...o });
  };
  P.new_tensor = function (this: Tensor, d: unknown, o?: CreateOpts) {
    return tensor(d, { dtype: this.dtype, ...o });
  };
}
