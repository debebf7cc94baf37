// Shape arithmetic shared by every op: sizes, strides, broadcasting, dim wrapping.
import { INSPECT } from "./dtype.js";
import { IndexError, RuntimeError, TypeError } from "./errors.js";

/** torch.Size: an array of ints that prints as `torch.Size([2, 3])`. */
export class Size extends Array<number> {
  static from_(shape: readonly number[]): Size {
    const s = new Size();
    for (const d of shape) s.push(d);
    return s;
  }
  static override get [Symbol.species]() {
    return Array;
  }
  numel(): number {
    return numel(this);
  }
  override toString(): string {
    return `torch.Size([${this.join(", ")}])`;
  }
  [INSPECT](): string {
    return this.toString();
  }
  equals(other: readonly number[]): boolean {
    return sameShape(this, other);
  }
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return st;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wrap a possibly negative dim, with PyTorch's IndexError text. */
export function wrapDim(dim: number, ndim: number, scalarOk = true): number {
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${dim}`);
  let n = ndim;
  if (n === 0 && scalarOk) n = 1;
  if (dim < -n || dim >= n) {
    throw new IndexError(
      `Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // from the last dim, as ATen's infer_size (the error names the last mismatching dim)
  for (let i = n - 1; i >= 0; i--) {
    const ai = i - (n - a.length);
    const bi = i - (n - b.length);
    const da = ai >= 0 ? a[ai] : 1;
    const db = bi >= 0 ? b[bi] : 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new RuntimeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
  }
  return out;
}

/** Accept `f(2, 3)`, `f([2, 3])`, `f(size)` forms of a size argument. */
export function parseSize(args: readonly unknown[]): number[] {
  if (args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0]))) {
    return checkSize(Array.from(args[0] as ArrayLike<number>));
  }
  return checkSize(args as number[]);
}

function checkSize(s: unknown[]): number[] {
  for (const d of s) {
    if (typeof d !== "number" || !Number.isInteger(d)) {
      throw new TypeError(`size must be a sequence of ints, but got ${String(d)}`);
    }
  }
  return s as number[];
}

/** Resolve a single -1 in a view/reshape target, PyTorch's infer_size. */
export function inferSize(shape: readonly number[], n: number): number[] {
  let infer = -1;
  let prod = 1;
  const out = shape.slice();
  for (let i = 0; i < out.length; i++) {
    if (out[i] === -1) {
      if (infer >= 0) throw new RuntimeError("only one dimension can be inferred");
      infer = i;
    } else if (out[i] >= 0) prod *= out[i];
    else throw new RuntimeError(`invalid shape dimension ${out[i]}`);
  }
  if (n === prod || (infer >= 0 && prod > 0 && n % prod === 0)) {
    if (infer >= 0) {
      if (prod === 0)
        throw new RuntimeError(
          `cannot reshape tensor of 0 elements into shape [${shape.join(", ")}] because the unspecified dimension size -1 can be any value and is ambiguous`,
        );
      out[infer] = n / prod;
    }
    return out;
  }
  throw new RuntimeError(`shape '[${shape.join(", ")}]' is invalid for input of size ${n}`);
}

/** PyTorch's computeStride: strides for viewing (shape, strides) as newShape without a copy,
 * or null when the layout does not allow it. */
export function viewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  const n = numel(oldShape);
  if (oldShape.length === 0) return newShape.map(() => 1);
  if (n === 0) return sameShape(oldShape, newShape) ? oldStrides.slice() : contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** torch.broadcast_shapes(*shapes): the broadcast of all shapes, with PyTorch 2.x's message
 * naming the first shape that does not fit the broadcast of those before it. */
export function broadcastShapesOf(shapes: readonly (readonly number[])[]): number[] {
  let result: number[] = [];
  shapes.forEach((shape, index) => {
    const n = Math.max(result.length, shape.length);
    const next = new Array<number>(n);
    for (let j = 1; j <= n; j++) {
      const r = result.length - j >= 0 ? result[result.length - j] : 1;
      const s = shape.length - j >= 0 ? shape[shape.length - j] : 1;
      if (s !== 1 && r !== 1 && r !== s) {
        throw new RuntimeError(
          `Attempting to broadcast a dimension of length ${s} at ${-j}! Mismatching argument at index ${index} had [${shape.join(", ")}]; but expected shape should be broadcastable to [${result.join(", ")}]`,
        );
      }
      next[n - j] = s === 1 ? r : s;
    }
    result = next;
  });
  return result;
}
