// Byte-level plumbing shared by the checkpoint readers and writers: bounded reads from a file or
// a buffer, and conversion between raw element bytes and torchlette storages.
//
// Every read is bounds-checked here as a backstop, but callers validate offsets first so that a
// corrupt file is reported with what was wrong, not just "out of range".
import * as fs from "node:fs";
import { bool, DType, float32, float64, int16, int32, int64, int8, type TypedArray, uint8 } from "../dtype.js";
import { RuntimeError } from "../errors.js";

export interface ByteSource {
  readonly length: number;
  /** `len` bytes from `offset`, copied (the caller may keep them). */
  read(offset: number, len: number): Uint8Array;
  close(): void;
}

function checkRange(src: ByteSource, offset: number, len: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(len) || offset < 0 || len < 0 || offset + len > src.length) {
    throw new RuntimeError(`${what}: attempted to read ${len} bytes at offset ${offset}, but the file has only ${src.length} bytes (truncated or corrupt file)`);
  }
}

export class BufferSource implements ByteSource {
  private readonly buf: Uint8Array;
  constructor(
    buf: Uint8Array,
    private readonly what: string,
  ) {
    // a plain Uint8Array view: Buffer (a subclass) makes slice() a view into its shared pool
    this.buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get length(): number {
    return this.buf.length;
  }
  read(offset: number, len: number): Uint8Array {
    checkRange(this, offset, len, this.what);
    return this.buf.slice(offset, offset + len);
  }
  close(): void {}
}

/** Reads only the byte ranges asked for, so a large checkpoint is never held twice in memory. */
export class FileSource implements ByteSource {
  private fd: number;
  readonly length: number;
  constructor(
    path: string,
    private readonly what: string,
  ) {
    this.fd = fs.openSync(path, "r");
    try {
      this.length = fs.fstatSync(this.fd).size;
    } catch (e) {
      fs.closeSync(this.fd);
      throw e;
    }
  }
  read(offset: number, len: number): Uint8Array {
    checkRange(this, offset, len, this.what);
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(this.fd, out, done, len - done, offset + done);
      if (n === 0) throw new RuntimeError(`${this.what}: the file shrank while it was being read`);
      done += n;
    }
    return out;
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Element encodings found in checkpoints. F16/BF16 have no torchlette dtype: they load as
 * float32, which holds every half and bfloat16 value exactly. */
export type ElemKind = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

export const KIND_SIZE: Record<ElemKind, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
export const KIND_DTYPE: Record<ElemKind, DType> = {
  F64: float64, F32: float32, F16: float32, BF16: float32, I64: int64, I32: int32, I16: int16, I8: int8, U8: uint8, BOOL: bool,
};
export function dtypeKind(d: DType): ElemKind {
  const k = ({ float64: "F64", float32: "F32", int64: "I64", int32: "I32", int16: "I16", int8: "I8", uint8: "U8", bool: "BOOL" } as const)[d.name as "float32"];
  if (!k) throw new RuntimeError(`cannot serialize tensors of dtype ${d}`);
  return k;
}

/** 2^53: int64 values beyond it have no exact float64 (torchlette's int64 storage) form. */
export const INT64_LIMIT = 9007199254740992;

function swapped(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j];
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const SAME_LAYOUT: Partial<Record<ElemKind, new (b: ArrayBufferLike, o: number, n: number) => TypedArray>> = {
  F64: Float64Array, F32: Float32Array, I32: Int32Array, I16: Int16Array, I8: Int8Array, U8: Uint8Array,
};

export interface Decoded {
  data: TypedArray;
  dtype: DType;
  /** int64 only: indices whose value lies beyond ±2^53 (stored as NaN, never a valid int64). */
  outOfRange: number[];
  /** the raw int64 values at those indices, for the error message */
  raw: Map<number, bigint>;
}

/** Raw element bytes (`count` elements) -> a fresh typed array of the torchlette dtype.
 * `into`, when given, is filled instead of allocating (legacy files read storages late). */
export function decodeElements(bytes: Uint8Array, kind: ElemKind, littleEndian: boolean, what: string, into?: TypedArray, owned = false): Decoded {
  const size = KIND_SIZE[kind];
  if (bytes.length % size !== 0) throw new RuntimeError(`${what}: ${bytes.length} bytes is not a whole number of ${size}-byte elements`);
  const n = bytes.length / size;
  // bytes the caller hands over (a fresh read) become the storage itself when no conversion is needed
  if (owned && !into && littleEndian === HOST_LITTLE_ENDIAN && bytes.byteOffset % size === 0 && SAME_LAYOUT[kind]) {
    return { data: new SAME_LAYOUT[kind]!(bytes.buffer, bytes.byteOffset, n), dtype: KIND_DTYPE[kind], outOfRange: [], raw: new Map() };
  }
  // An aligned copy in host byte order, so typed arrays can view it directly.
  const aligned = littleEndian === HOST_LITTLE_ENDIAN ? new Uint8Array(bytes) : swapped(bytes, size);
  const buf = aligned.buffer;
  const dtype = KIND_DTYPE[kind];
  const data = into ?? new dtype.ArrayType(n);
  if (data.length !== n) throw new RuntimeError(`${what}: expected ${data.length} elements, found ${n}`);
  const outOfRange: number[] = [];
  const raw = new Map<number, bigint>();
  switch (kind) {
    case "F64": data.set(new Float64Array(buf, 0, n)); break;
    case "F32": data.set(new Float32Array(buf, 0, n)); break;
    case "I32": data.set(new Int32Array(buf, 0, n)); break;
    case "I16": data.set(new Int16Array(buf, 0, n)); break;
    case "I8": data.set(new Int8Array(buf, 0, n)); break;
    case "U8": data.set(aligned); break;
    case "BOOL": {
      for (let i = 0; i < n; i++) {
        const b = aligned[i];
        if (b > 1) throw new RuntimeError(`${what}: invalid bool value ${b} at element ${i} (bool tensors hold only 0 and 1; the file is corrupt)`);
        data[i] = b;
      }
      break;
    }
    case "F16": {
      const h = new Uint16Array(buf, 0, n);
      for (let i = 0; i < n; i++) data[i] = halfToFloat(h[i]);
      break;
    }
    case "BF16": {
      const h = new Uint16Array(buf, 0, n);
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      for (let i = 0; i < n; i++) {
        u[0] = h[i] << 16;
        data[i] = f[0];
      }
      break;
    }
    case "I64": {
      const big = new BigInt64Array(buf, 0, n);
      for (let i = 0; i < n; i++) {
        const v = big[i];
        if (v > 9007199254740992n || v < -9007199254740992n) {
          data[i] = NaN;
          outOfRange.push(i);
          raw.set(i, v);
        } else data[i] = Number(v);
      }
      break;
    }
  }
  return { data, dtype, outOfRange, raw };
}

/** A tensor's elements in row-major order as little-endian bytes of its dtype. */
export function encodeElements(values: ArrayLike<number>, dtype: DType, what: string): Uint8Array {
  const n = values.length;
  let out: Uint8Array;
  if (dtype === int64) {
    const big = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v >= 9223372036854775808 || v < -9223372036854775808) {
        throw new RuntimeError(`${what}: int64 element ${i} is ${v}, which is not a 64-bit integer`);
      }
      big[i] = BigInt(v);
    }
    out = new Uint8Array(big.buffer);
    return HOST_LITTLE_ENDIAN ? out : swapped(out, 8);
  }
  const arr = new dtype.ArrayType(n);
  arr.set(values as ArrayLike<number>);
  out = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  return HOST_LITTLE_ENDIAN || dtype.itemsize === 1 ? out : swapped(out, dtype.itemsize);
}

let crcTable: Int32Array | null = null;
/** CRC-32 (zip's polynomial), to catch flipped bytes in checkpoint entries. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
