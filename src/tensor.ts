// Tensor = dtype + shape + strides + storage offset over a shared Storage. Metadata-only
// methods live here; every op (and its backward) is defined once in src/ops/ and attached to
// the prototype there, so this file stays the small core.
import { DType, INSPECT, type TypedArray, get_default_dtype } from "./dtype.js";
import { RuntimeError } from "./errors.js";
import type { Node } from "./autograd/node.js";
import { contiguousStrides, numel, Size, wrapDim } from "./shape.js";
import { allocate, Storage } from "./storage.js";
import { tensorRepr, parameterRepr } from "./printing.js";

/** Set by autograd/node.ts (which imports this module): the view refresh behind grad_fn. */
export const viewHooks: { refresh: ((t: Tensor) => void) | null } = { refresh: null };

export class Tensor {
  _storage: Storage;
  _shape: number[];
  _strides: number[];
  _offset: number;
  readonly dtype: DType;
  _requires_grad = false;
  grad: Tensor | null = null;
  /** grad_fn without the view refresh (autograd internals) */
  _gradFn: Node | null = null;
  _retains_grad = false;
  _is_param = false;
  /** the tensor this one is a view of (null for tensors that own their layout) */
  _base: Tensor | null = null;
  private _size: Size | null = null;

  /** Reading a view's grad_fn after an in-place write through its base (or another view)
   * regenerates it, as PyTorch does (AsStridedBackward0 onto the base's new history). */
  get grad_fn(): Node | null {
    const v = (this as { _viewVersion?: number })._viewVersion;
    if (v !== undefined && v !== this._storage.version) viewHooks.refresh?.(this);
    return this._gradFn;
  }
  set grad_fn(n: Node | null) {
    this._gradFn = n;
  }

  constructor(storage: Storage, shape: number[], strides?: number[], offset = 0, dtype?: DType) {
    this._storage = storage;
    this._shape = shape;
    this._strides = strides ?? contiguousStrides(shape);
    this._offset = offset;
    this.dtype = dtype ?? storage.dtype;
  }

  /** storage.data: the raw typed array (all views share it) */
  get _data(): TypedArray {
    return this._storage.data;
  }

  get shape(): Size {
    return (this._size ??= Size.from_(this._shape));
  }
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    return this._shape[wrapDim(dim, this._shape.length, false)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[wrapDim(dim, this._shape.length, false)];
  }
  storage_offset(): number {
    return this._offset;
  }
  dim(): number {
    return this._shape.length;
  }
  get ndim(): number {
    return this._shape.length;
  }
  numel(): number {
    return numel(this._shape);
  }
  nelement(): number {
    return this.numel();
  }
  element_size(): number {
    return this.dtype.itemsize;
  }
  get device(): string {
    return "cpu";
  }
  get is_cpu(): boolean {
    return true;
  }
  is_floating_point(): boolean {
    return this.dtype.kind === "f";
  }
  is_contiguous(): boolean {
    // c10: an empty tensor is contiguous whatever its strides; size-1 dims are ignored
    if (this._shape.includes(0)) return true;
    let expected = 1;
    for (let i = this._shape.length - 1; i >= 0; i--) {
      const s = this._shape[i];
      if (s === 1) continue;
      if (this._strides[i] !== expected) return false;
      expected *= s;
    }
    return true;
  }
  data_ptr(): number {
    return this._offset * this.dtype.itemsize;
  }
  untyped_storage(): Storage {
    return this._storage;
  }

  // ---- autograd flags ----
  get requires_grad(): boolean {
    return this._requires_grad;
  }
  set requires_grad(v: boolean) {
    this.requires_grad_(v);
  }
  requires_grad_(v = true): this {
    if (!this.is_leaf) {
      if (!v)
        throw new RuntimeError(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        );
      return this;
    }
    if (v && this.dtype.kind !== "f") {
      throw new RuntimeError("only Tensors of floating point dtype can require gradients");
    }
    this._requires_grad = v;
    return this;
  }
  get is_leaf(): boolean {
    return this.grad_fn === null;
  }
  retain_grad(): void {
    if (!this._requires_grad)
      throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.is_leaf || this._retains_grad) return;
    this._retains_grad = true;
    this.grad_fn!.retained.push(this);
  }
  get retains_grad(): boolean {
    return this._retains_grad;
  }
  /** `.data`: the same memory without autograd history */
  get data(): Tensor {
    return this._alias(this._shape, this._strides, this._offset, false);
  }
  set data(t: Tensor) {
    this._storage = t._storage;
    this._shape = t._shape;
    this._strides = t._strides;
    this._offset = t._offset;
    this._size = null;
    (this as { dtype: DType }).dtype = t.dtype;
  }

  /** A new tensor object over the same storage (a view's metadata, no autograd record). */
  _alias(shape: number[], strides: number[], offset: number, keepBase = true): Tensor {
    const t = new Tensor(this._storage, shape, strides, offset, this.dtype);
    if (keepBase) {
      t._base = this._base ?? this;
      // views of a split/chunk/unbind output inherit its in-place restriction
      if ((this as { _multiOutput?: boolean })._multiOutput) (t as { _multiOutput?: boolean })._multiOutput = true;
    }
    return t;
  }
  _setLayout(shape: number[], strides: number[], offset: number): void {
    this._shape = shape;
    this._strides = strides;
    this._offset = offset;
    this._size = null;
  }

  /** Bump the version counter after an in-place write (autograd checks it). */
  _bump(): void {
    this._storage.version++;
  }
  get _version(): number {
    return this._storage.version;
  }

  /** The elements in row-major order as plain numbers (bools as 0/1). */
  _values(): ArrayLike<number> {
    const n = this.numel();
    const d = this._storage.data;
    if (this.is_contiguous()) return d.subarray(this._offset, this._offset + n);
    const out = new Array<number>(n);
    const nd = this._shape.length;
    const idx = new Array<number>(nd).fill(0);
    let p = this._offset;
    for (let i = 0; i < n; i++) {
      out[i] = d[p];
      for (let k = nd - 1; k >= 0; k--) {
        idx[k]++;
        p += this._strides[k];
        if (idx[k] < this._shape[k]) break;
        p -= this._strides[k] * this._shape[k];
        idx[k] = 0;
      }
    }
    return out;
  }

  item(): number | boolean {
    if (this.numel() !== 1)
      throw new RuntimeError(
        `a Tensor with ${this.numel()} elements cannot be converted to Scalar`,
      );
    const v = this._storage.data[this._offset];
    return this.dtype.kind === "b" ? v !== 0 : v;
  }

  tolist(): unknown {
    const vals = this._values();
    const isBool = this.dtype.kind === "b";
    const shape = this._shape;
    let pos = 0;
    const build = (d: number): unknown => {
      if (d === shape.length) {
        const v = vals[pos++];
        return isBool ? v !== 0 : v;
      }
      const out: unknown[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }

  toString(): string {
    const input = {
      dtype: this.dtype.name,
      shape: this._shape,
      values: this._values(),
      requiresGrad: this._requires_grad,
      gradFn: this.grad_fn?.name ?? null,
      defaultDtype: get_default_dtype().name,
    };
    return this._is_param ? parameterRepr(input) : tensorRepr(input);
  }
  [INSPECT](): string {
    return this.toString();
  }
  get [Symbol.toStringTag](): string {
    return "Tensor";
  }
  /** `Number(t)` / template literals of a one-element tensor give its value, like Python's float(t). */
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === "number") return Number(this.item());
    return this.toString();
  }
  __len__(): number {
    if (this._shape.length === 0) throw new RuntimeError("len() of a 0-d tensor");
    return this._shape[0];
  }
  *[Symbol.iterator](): IterableIterator<Tensor> {
    if (this._shape.length === 0) throw new RuntimeError("iteration over a 0-d tensor");
    for (let i = 0; i < this._shape[0]; i++) yield (this as unknown as { select(d: number, i: number): Tensor }).select(0, i);
  }
}

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** A fresh contiguous tensor of the given shape and dtype (uninitialised = zeros). */
export function empty(shape: number[], dtype: DType = get_default_dtype()): Tensor {
  for (const d of shape)
    if (d < 0)
      throw new RuntimeError(`Trying to create tensor with negative dimension ${d}: [${shape.join(", ")}]`);
  return new Tensor(allocate(dtype, numel(shape)), shape);
}

