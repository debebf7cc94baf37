// Shared plumbing of the op layer: argument parsing, scalars as tensors, type promotion, and
// autograd recording.
import { Node, refreshView, type BackwardFn, type Edge } from "../autograd/node.js";
import { is_grad_enabled } from "../autograd/grad_mode.js";
import { bool, DType, float32, float64, get_default_dtype, int64, promoteTypes } from "../dtype.js";
import { TypeError } from "../errors.js";
import { allocate, Storage } from "../storage.js";
import { numel } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";

/** Marks a 0-dim tensor made from a JS number (PyTorch's "wrapped number"): it takes part in
 * type promotion with the lowest priority. */
export const WRAPPED = Symbol("wrapped");
type Wrapped = Tensor & { [WRAPPED]?: true };

/** A fresh contiguous tensor whose every element the caller writes before anything reads it
 * (kernel outputs): its memory is not zero-filled. */
export function uninit(shape: number[], dtype: DType): Tensor {
  return new Tensor(allocate(dtype, numel(shape), false), shape);
}

export function scalarTensor(v: number | boolean, dtype?: DType): Tensor {
  const dt = dtype ?? (typeof v === "boolean" ? bool : Number.isInteger(v) ? int64 : get_default_dtype());
  const t = new Tensor(new Storage(new dt.ArrayType(1), dt), []);
  t._storage.data[0] = typeof v === "boolean" ? (v ? 1 : 0) : v;
  return t;
}

export function wrap(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number" || typeof x === "boolean") {
    // a Python float is a double: keep every bit (float64 ops need them; float32 ops round it
    // when they cast); promotion still treats it as the default dtype
    const t = scalarTensor(x, typeof x === "number" && !Number.isInteger(x) ? float64 : undefined) as Wrapped;
    t[WRAPPED] = true;
    return t;
  }
  throw new TypeError(`expected Tensor or Number as argument, but got ${describe(x)}`);
}

export function isWrapped(t: Tensor): boolean {
  return (t as Wrapped)[WRAPPED] === true;
}

/** Python's type name of a JS argument, for PyTorch's argument-parser messages. */
export function pyTypeName(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "string") return "str";
  if (Array.isArray(x)) return "list";
  if (x instanceof Tensor) return "Tensor";
  return typeof x;
}

const CPP_NAMES: Record<string, string> = {
  float32: "float", float64: "double", int64: "long int", int32: "int", int16: "short int",
  int8: "signed char", uint8: "unsigned char", bool: "bool",
};
/** The C++ type name some ATen messages print (`long int`, `unsigned char` ...). */
export function cppTypeName(d: DType): string {
  return CPP_NAMES[d.name];
}

/** PyTorch's argument parser rejects Python numbers where an op takes only tensors. */
export function requireTensor(x: unknown, fn: string, arg: string, position: number): Tensor {
  if (x instanceof Tensor) return x;
  throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be Tensor, not ${pyTypeName(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return "NoneType";
  if (Array.isArray(x)) return "list";
  return typeof x;
}

/** torch.result_type over operands: dim>0 tensors, then 0-dim tensors, then wrapped scalars. */
export function resultType(...ts: Tensor[]): DType {
  // two tensors of one dtype (most binary ops): that dtype, whatever their dims
  if (ts.length === 2 && ts[0].dtype === ts[1].dtype && !isWrapped(ts[0]) && !isWrapped(ts[1])) return ts[0].dtype;
  let dimR: DType | null = null;
  let zeroR: DType | null = null;
  let wrapR: DType | null = null;
  for (const t of ts) {
    if (isWrapped(t)) {
      const d = t.dtype.kind === "f" ? get_default_dtype() : t.dtype;
      wrapR = wrapR ? promoteTypes(wrapR, d) : d;
    } else if (t._shape.length === 0) zeroR = zeroR ? promoteTypes(zeroR, t.dtype) : t.dtype;
    else dimR = dimR ? promoteTypes(dimR, t.dtype) : t.dtype;
  }
  return combine(dimR, combine(zeroR, wrapR)) ?? float32;
}

const ORDER = { b: 0, i: 1, f: 2 };
/** ATen's combine_categories: a lower-priority operand only matters when it is of a higher
 * category (bool < integer < float). null = no operand of that priority. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (ORDER[lower.kind] > ORDER[higher.kind]) return promoteTypes(higher, lower);
  return higher;
}

/** Trailing `{...}` options object (a plain object, not a tensor/array) after positional args. */
export function splitOpts<T extends object>(args: unknown[]): [unknown[], Partial<T>] {
  const last = args[args.length - 1];
  if (
    last !== null &&
    typeof last === "object" &&
    !(last instanceof Tensor) &&
    !Array.isArray(last) &&
    !ArrayBuffer.isView(last) &&
    !(last instanceof DType) &&
    Object.getPrototypeOf(last) === Object.prototype
  ) {
    return [args.slice(0, -1), last as Partial<T>];
  }
  return [args, {}];
}

/** A copy of an options object that the caller may then extend. Copied key by key: a spread
 * copy (`{...o}`) that then takes another property costs ~0.45 µs in V8 (its slow path for a
 * property added to a spread clone), more than many small ops cost. */
export function copyOpts<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) out[k] = o[k];
  return out;
}

/** Merge positional args into named options in PyTorch's parameter order. */
export function params<T extends Record<string, unknown>>(args: unknown[], names: (keyof T)[]): Partial<T> {
  const [pos, kw] = splitOpts<T>(args);
  const out = copyOpts(kw);
  for (let i = 0; i < pos.length; i++) {
    if (pos[i] === undefined) continue;
    if (i >= names.length) throw new TypeError(`too many positional arguments`);
    out[names[i]] = pos[i] as T[keyof T];
  }
  return out;
}

// ---- autograd recording ----

export function needsGrad(...ts: (Tensor | null | undefined)[]): boolean {
  if (!is_grad_enabled()) return false;
  for (const t of ts) {
    if (!t) continue;
    if (t._viewVersion !== undefined) refreshView(t);
    if (t._requires_grad) return true;
  }
  return false;
}

function edgeOf(t: Tensor | null | undefined): Edge {
  if (t && t._viewVersion !== undefined) refreshView(t);
  if (!t || !t._requires_grad) return { fn: null, leaf: null };
  return t.grad_fn ? { fn: t.grad_fn, leaf: null } : { fn: null, leaf: t };
}

/**
 * Attach a backward node to `out` if any input requires grad. `backward(g)` returns one
 * gradient per input (null where none flows). `saved` are tensors whose in-place modification
 * must invalidate this node (PyTorch's version counter check).
 */
export function record(out: Tensor, name: string, inputs: (Tensor | null | undefined)[], backward: BackwardFn, saved: Tensor[] = []): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.grad_fn = new Node(name, inputs.map(edgeOf), backward, saved, out._shape);
  out.grad_fn.outDtype = out.dtype;
  if (saved.includes(out)) out.grad_fn.markOutput(out);
  out._requires_grad = true;
  return out;
}
