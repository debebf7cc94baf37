// dtypes mirror torch.dtype. int64 is stored in a Float64Array: JS numbers hold every integer
// up to 2^53 exactly and keep kernels on the fast number path (BigInt64Array would make every
// integer kernel allocate BigInts). Values beyond 2^53 are out of range for torchlette.

export const INSPECT = Symbol.for("nodejs.util.inspect.custom"); // console.log hook, no node import
import { TypeError as TorchTypeError } from "./errors.js";

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;
type ArrayCtor = { new (n: number | ArrayBufferLike, offset?: number, length?: number): TypedArray; BYTES_PER_ELEMENT: number };

export type Kind = "b" | "i" | "f"; // bool < integer < floating: promotion categories

export class DType {
  constructor(
    readonly name: string,
    readonly itemsize: number,
    readonly kind: Kind,
    readonly ArrayType: ArrayCtor,
    /** rank inside its kind, for promotion (higher wins) */
    readonly rank: number,
  ) {}
  get is_floating_point(): boolean {
    return this.kind === "f";
  }
  get is_signed(): boolean {
    return this.name !== "uint8" && this.name !== "bool";
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [INSPECT](): string {
    return this.toString();
  }
}

export const float32 = new DType("float32", 4, "f", Float32Array, 1);
export const float64 = new DType("float64", 8, "f", Float64Array, 2);
export const int64 = new DType("int64", 8, "i", Float64Array, 4);
export const int32 = new DType("int32", 4, "i", Int32Array, 3);
export const int16 = new DType("int16", 2, "i", Int16Array, 2);
export const int8 = new DType("int8", 1, "i", Int8Array, 1);
export const uint8 = new DType("uint8", 1, "i", Uint8Array, 1);
export const bool = new DType("bool", 1, "b", Uint8Array, 0);

export const dtypes = { float32, float64, int64, int32, int16, int8, uint8, bool };
export const aliases = {
  float: float32,
  double: float64,
  long: int64,
  int: int32,
  short: int16,
};

let defaultDtype: DType = float32;
export function get_default_dtype(): DType {
  return defaultDtype;
}
export function set_default_dtype(d: DType): void {
  if (d !== float32 && d !== float64) {
    throw new TorchTypeError("only floating-point types are supported as the default type");
  }
  defaultDtype = d;
}

/** PyTorch's promoteTypes lattice for the dtypes torchlette has. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a.kind !== b.kind) {
    const order = { b: 0, i: 1, f: 2 };
    return order[a.kind] > order[b.kind] ? a : b;
  }
  if (a.kind === "i") {
    // uint8 with a signed type: int8+uint8 -> int16, otherwise the signed one
    if (a === uint8 || b === uint8) {
      const other = a === uint8 ? b : a;
      return other === int8 ? int16 : other;
    }
  }
  return a.rank > b.rank ? a : b;
}

export function isFloating(d: DType): boolean {
  return d.kind === "f";
}

/** Scalar JS value -> the dtype PyTorch gives a Python scalar of that kind. JS numbers that are
 * integers count as Python ints (JS cannot tell `1` from `1.`). */
export function scalarDtype(v: number | boolean): DType {
  if (typeof v === "boolean") return bool;
  return Number.isInteger(v) ? int64 : defaultDtype;
}

/** Store-time conversion PyTorch applies when a value lands in an integer/bool tensor. */
export function castScalar(v: number, d: DType): number {
  if (d.kind === "f") return d === float32 ? Math.fround(v) : v;
  if (d === bool) return v !== 0 && !Number.isNaN(v) ? 1 : 0;
  const t = Math.trunc(v);
  if (d === int64) return t;
  const a = new d.ArrayType(1);
  a[0] = t;
  return a[0];
}

export function toDType(x: unknown): DType {
  if (x instanceof DType) return x;
  throw new TorchTypeError(`expected a torch dtype, got ${String(x)}`);
}
