// Nested JS arrays read as PyTorch reads a nested Python list (torch/csrc/utils/tensor_new.cpp:
// compute_sizes, infer_scalar_type, recursive_store), for torch.tensor and for a list used as an
// index: the sizes come from the first element at each depth, the dtype from every element, and
// every element is checked against the sizes only while it is stored, so a ragged or mixed list
// fails with PyTorch's message instead of being read with a shape it does not have.
import { bool, DType, float32, float64, int16, int32, int64, int8, promoteTypes, uint8 } from "../dtype.js";
import { RuntimeError, TypeError, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { pyTypeName } from "./util.js";

type Seq = ArrayLike<unknown>;

/** A JS array or typed array: what a Python sequence is to torch.tensor. */
export function isSequence(x: unknown): x is Seq {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** The dtype a typed array stands for (a NumPy array's dtype to PyTorch). */
export function typedDtype(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return float32;
  if (a instanceof Float64Array) return float64;
  if (a instanceof Int32Array) return int32;
  if (a instanceof Int16Array) return int16;
  if (a instanceof Int8Array) return int8;
  if (a instanceof Uint8Array) return uint8;
  if (a instanceof BigInt64Array) return int64;
  return null;
}

/** compute_sizes: the length at each depth along the first elements (a tensor is a leaf). */
export function sequenceSizes(data: unknown): number[] {
  const shape: number[] = [];
  let x = data;
  while (isSequence(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = x[0];
  }
  return shape;
}

/** The dtype of a number as a list element: JS cannot tell `2.0` from `2`, so integral numbers
 * count as Python ints (`intDtype`, int64 unless the caller knows floats were meant). */
function leafDtype(x: unknown, intDtype: DType, floatDtype: DType): DType {
  if (typeof x === "boolean") return bool;
  if (typeof x === "number") return Number.isInteger(x) ? intDtype : floatDtype;
  if (typeof x === "bigint") return int64;
  if (x instanceof Tensor) return x.dtype;
  if (x === null) throw new RuntimeError("Could not infer dtype of NoneType");
  throw new TypeError(`new(): invalid data type '${pyTypeName(x)}'`);
}

/** infer_scalar_type over every element (tensors and typed arrays bring their dtype), promoted;
 * null for a list without elements. */
export function inferSequenceDtype(data: unknown, intDtype: DType, floatDtype: DType): DType | null {
  if (!isSequence(data)) return leafDtype(data, intDtype, floatDtype);
  if (!Array.isArray(data)) return typedDtype(data as unknown as ArrayBufferView);
  let dt: DType | null = null;
  for (const x of data) {
    const d = inferSequenceDtype(x, intDtype, floatDtype);
    if (d !== null) dt = dt === null ? d : promoteTypes(dt, d);
  }
  return dt;
}

/** store_scalar's conversion of one element to a value of `dtype`, with its errors. */
function scalarOf(x: unknown, dtype: DType): number | boolean {
  const integral = dtype.kind !== "f";
  if (typeof x === "number" || typeof x === "boolean") return x;
  if (typeof x === "bigint") return Number(x);
  if (x instanceof Tensor) {
    if (integral) {
      if (x.numel() !== 1 || x.dtype.kind === "f") throw new TypeError("only integer tensors of a single element can be converted to an index");
    } else if (x.numel() !== 1) throw new ValueError("only one element tensors can be converted to Python scalars");
    return x.item();
  }
  const name = pyTypeName(x);
  throw new TypeError(integral ? `'${name}' object cannot be interpreted as an integer` : `must be real number, not ${name}`);
}

/** recursive_store: every element of `data` (of sizes `shape`) as a value of `dtype`, row-major.
 * Call only when the sizes hold elements (PyTorch checks nothing of an empty list's rest). */
export function flattenSequence(data: unknown, shape: readonly number[], dtype: DType): (number | boolean)[] {
  const flat: (number | boolean)[] = [];
  const nd = shape.length;
  const store = (x: unknown, dim: number): void => {
    if (dim === nd) {
      flat.push(scalarOf(x, dtype));
      return;
    }
    let items: ArrayLike<unknown>;
    if (isSequence(x)) items = x;
    else if (x instanceof Tensor && x._shape.length > 0) {
      // a tensor inside the list where a sequence is due is iterated like one
      items = Array.from({ length: x._shape[0] }, (_, i) => x.select(0, i));
    } else throw new TypeError("not a sequence");
    if (items.length !== shape[dim]) {
      throw new ValueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${items.length})`);
    }
    for (let i = 0; i < items.length; i++) store(items[i], dim + 1);
  };
  store(data, 0);
  return flat;
}
