// A flat typed array shared by a tensor and all its views. The version counter lives here so
// that every view of the same memory sees in-place changes (autograd's saved-tensor check).
//
// Allocation (`allocate`): in Node 20 a typed array of more than 64 bytes gets a backing store
// of its own, zero-filled by calloc, and costs about a microsecond for a few KB and 20-60 µs
// for 256 KB-1 MB (measured: new Float32Array(864) 1.2-1.4 µs, (65536) 21 µs; mostly zero-fill
// and the GC's per-buffer bookkeeping). Tensors therefore get their memory two ways:
//   - up to SLAB_MAX (64 KB): a view carved from a slab of SLOTS equal slots of the request's
//     size class (4 classes per power of two, 64-byte steps up to 1 KB; classes under 256 bytes
//     get 4 KB slabs, so more slots, each 4 KB at most). A slab's memory is
//     freed by V8's GC when the allocator has moved on to the next slab and every view carved
//     from it is dead; it is never reused while any view lives, so views cannot alias;
//   - larger: a buffer of its own from Buffer.allocUnsafeSlow (not zeroed: ~0.4-2.4 µs for
//     64 KB-1 MB), zero-filled here only when the caller needs zeros.
// Slab slots are never reused either, so memory comes back only through the GC, as before;
// nothing depends on FinalizationRegistry (its callbacks do not run inside a synchronous loop).
// The one exception: buffers of their own that the autograd engine knows to be dead (gradients
// it made and consumed, see `recycle` below) go to a pool for the next allocation of their size.
//
// Memory risk of slabs, bounded: a tensor that stays alive keeps its whole slab alive, i.e. at
// most SLOTS slots of its class (a class is at most 1.25x the request): a retained tensor of
// 256 B-64 KB holds at most 20x its own size, a smaller one at most 4 KB. The allocator itself
// holds one partly used slab per class in use: at most ~7 MB over all 40 classes. Example: a
// loop that keeps one [32, 27] float32 tensor (3.4 KB) per step for 10,000 steps keeps 34 MB of
// tensors and in the worst case (each in a different slab) up to 0.7 GB of slabs (keeping
// `loss.item()` numbers instead keeps nothing). TORCHLETTE_ALLOC=plain switches to one typed
// array per tensor (debugging, or workloads that retain many small tensors for long).
import type { DType, TypedArray } from "./dtype.js";

export class Storage {
  version = 0;
  private _data: TypedArray;
  /** data's ArrayBuffer (null: a SharedArrayBuffer), undefined until asked for */
  private _buf: ArrayBuffer | null | undefined;
  /** data's first element's index in _buf */
  private _base = 0;
  constructor(
    data: TypedArray,
    readonly dtype: DType,
    buf?: ArrayBuffer,
    base = 0,
  ) {
    this._data = data;
    this._buf = buf;
    this._base = base;
  }
  /** the flat typed array (all views share it) */
  get data(): TypedArray {
    return this._data;
  }
  /** (buf and base follow a replaced array) */
  set data(a: TypedArray) {
    this._data = a;
    this._buf = undefined;
  }
  get length(): number {
    return this.data.length;
  }
  /** The ArrayBuffer under data, or null when data lies in a SharedArrayBuffer. The native
   * addon takes a buffer and an element index about 20 ns faster than a typed array (what a
   * tiny op's dispatch costs in all): the allocator hands it over, other storages find it once. */
  get buf(): ArrayBuffer | null {
    if (this._buf === undefined) {
      const b = this._data.buffer;
      this._buf = b instanceof ArrayBuffer ? b : null;
      this._base = this._data.byteOffset / this._data.BYTES_PER_ELEMENT;
    }
    return this._buf;
  }
  /** index of data[0] in buf's elements of this dtype */
  get base(): number {
    if (this._buf === undefined) void this.buf;
    return this._base;
  }
}

/** Bytes up to which a typed array is left to V8, which places arrays of up to 64 bytes inside
 * its own heap: cheap to make, but the first time native code reads one V8 moves it out
 * (a malloc and a copy, ~0.2-0.3 µs). Since the native kernels take most float tensors, every
 * allocation comes from a slab instead. */
const IN_HEAP_MAX = 0;
/** bytes up to which requests are carved from slabs */
export const SLAB_MAX = 64 * 1024;
/** slots per slab */
export const SLOTS = 16;

interface Slab {
  buf: ArrayBuffer;
  /** byte offset of the next free slot */
  next: number;
}

const plain = typeof process !== "undefined" && process.env?.TORCHLETTE_ALLOC === "plain";
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer;
/** memory that is not zero-filled where the platform offers it (Node's Buffer), else zeroed */
const rawBuffer: (bytes: number) => ArrayBuffer = NodeBuffer
  ? (bytes) => {
      const u = NodeBuffer.allocUnsafeSlow(bytes);
      // allocUnsafeSlow never pools: its buffer is its own, starting at 0
      return u.byteOffset === 0 && u.buffer.byteLength === bytes ? (u.buffer as ArrayBuffer) : new ArrayBuffer(bytes);
    }
  : (bytes) => new ArrayBuffer(bytes);

/** size classes: 64-byte steps up to 1 KB (ids 1-16), then 4 per power of two up to SLAB_MAX
 * (ids 17-40: 1280, 1536, 1792, 2048, 2560, ...) */
const NCLASSES = 41;
const slabs: (Slab | null)[] = new Array<Slab | null>(NCLASSES).fill(null);

/** the size class of a request of `bytes` (65 to SLAB_MAX) */
export function classId(bytes: number): number {
  if (bytes <= 1024) return (bytes + 63) >> 6;
  const e = 31 - Math.clz32(bytes - 1); // 2^e < bytes <= 2^(e+1)
  const step = 1 << (e - 2);
  return 16 + (e - 10) * 4 + Math.ceil(bytes / step) - 4;
}
/** the slot size of a class */
export function classBytes(id: number): number {
  if (id <= 16) return id << 6;
  const k = id - 17;
  const e = 10 + (k >> 2);
  return (1 << (e - 2)) * ((k & 3) + 5);
}

/** counters for tests and benchmarks */
export const allocStats = { heap: 0, carved: 0, slabs: 0, own: 0, bytesOwn: 0, bytesSlabs: 0, recycled: 0, reused: 0 };

// Buffers of storages known to be dead (autograd's engine hands back the gradients it made and
// consumed: src/autograd/engine.ts), by byte size, for the next allocation of that size. Each
// allocation of a new buffer counts towards V8's external memory, and every 64 MB of it costs a
// full garbage collection (the char-GPT step allocated ~150 MB, ~3 collections, ~15% of the
// step); reusing them avoids both the allocation and the collection. At most POOL_MAX bytes
// are kept.
const POOL_MAX = 256 * 1024 * 1024;
const pool = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;

/**
 * Takes a storage's memory back for reuse. Only for a storage nothing can reach any more: its
 * own buffer (larger than SLAB_MAX) goes to the pool, and the storage is left without memory
 * (zero elements), so a wrong call shows as empty reads instead of two tensors sharing memory.
 */
export function recycle(s: Storage): void {
  const a = s.data;
  const buf = a.buffer as ArrayBuffer;
  const bytes = buf.byteLength;
  if (plain || bytes <= SLAB_MAX || a.byteOffset !== 0 || a.byteLength !== bytes || pooledBytes + bytes > POOL_MAX) return;
  let list = pool.get(bytes);
  if (list === undefined) pool.set(bytes, (list = []));
  list.push(buf);
  pooledBytes += bytes;
  allocStats.recycled++;
  s.data = new s.dtype.ArrayType(0);
}

/**
 * A typed array of n elements of dtype. zero = false: the caller overwrites every element
 * before anything reads it (kernel outputs); the contents are then unspecified.
 */
export function allocArray(dtype: DType, n: number, zero = true): TypedArray {
  const item = dtype.ArrayType.BYTES_PER_ELEMENT;
  const bytes = n * item;
  if (bytes <= IN_HEAP_MAX || plain) {
    allocStats.heap++;
    return new dtype.ArrayType(n);
  }
  if (bytes > SLAB_MAX) {
    const free = pool.get(bytes);
    if (free !== undefined && free.length > 0) {
      allocStats.reused++;
      pooledBytes -= bytes;
      const a = new dtype.ArrayType(free.pop()!, 0, n);
      if (zero) a.fill(0);
      return a;
    }
    allocStats.own++;
    allocStats.bytesOwn += bytes;
    const a = new dtype.ArrayType(rawBuffer(bytes), 0, n);
    if (zero) a.fill(0);
    return a;
  }
  const id = classId(bytes);
  let s = slabs[id];
  const size = classBytes(id);
  if (s === null || s.next + size > s.buf.byteLength) {
    // small classes get 4 KB slabs (a buffer per 16 tiny tensors would cost more than it saves)
    const bytes = Math.max(size * SLOTS, 4096);
    allocStats.slabs++;
    allocStats.bytesSlabs += bytes;
    s = { buf: rawBuffer(bytes), next: 0 };
    slabs[id] = s;
  }
  allocStats.carved++;
  const a = new dtype.ArrayType(s.buf, s.next, n);
  carvedFrom.buf = s.buf;
  carvedFrom.base = s.next / item;
  s.next += size;
  if (zero) a.fill(0);
  return a;
}

/** The slab and element index of allocArray's latest carved array (allocate passes them on to
 * Storage, which would otherwise ask the array, ~20 ns) */
const carvedFrom: { buf: ArrayBuffer | undefined; base: number } = { buf: undefined, base: 0 };

/** While `born` is set, every storage allocate() makes is added to it: autograd's engine uses
 * this to know which gradients were made during its own run (and may be taken over). */
export const allocWatch: { born: Set<Storage> | null } = { born: null };

/** The single place storage memory is obtained (zero-filled unless zero = false). */
export function allocate(dtype: DType, n: number, zero = true): Storage {
  carvedFrom.buf = undefined;
  const s = new Storage(allocArray(dtype, n, zero), dtype, carvedFrom.buf, carvedFrom.base);
  if (allocWatch.born !== null) allocWatch.born.add(s);
  return s;
}
