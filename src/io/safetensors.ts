// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of
// JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__"?: {str: str}}
// padded with spaces, then the raw little-endian tensor bytes, offsets relative to the data start.
//
// The reader applies the reference implementation's checks (header size, UTF-8 JSON object,
// byte sizes matching dtype x shape, offsets contiguous from 0 with no gaps or overlaps and
// covering the data exactly), so a truncated or corrupt file is an error, never a wrong tensor.
// The writer orders tensors like the reference writer (larger dtypes first, then by name), so
// its output is byte-identical to Python's `safetensors.torch.save` for the same input.
import { RuntimeError, TypeError } from "../errors.js";
import { Storage } from "../storage.js";
import { Tensor } from "../tensor.js";
import { decodeElements, dtypeKind, encodeElements, KIND_SIZE, type ByteSource, type ElemKind } from "./bytes.js";

/** the reference implementation's limit on the JSON header */
const MAX_HEADER_SIZE = 100_000_000;

/** Position of each dtype in the reference implementation's Dtype enum (its sort key). */
const ENUM_RANK: Record<ElemKind, number> = { BOOL: 0, U8: 1, I8: 2, I16: 5, F16: 7, BF16: 8, I32: 9, F32: 11, F64: 12, I64: 13 };

export interface SafetensorsContents {
  /** name -> tensor, sorted by name (as safetensors' `safe_open(...).keys()`) */
  tensors: Map<string, Tensor>;
  metadata: Record<string, string> | null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const enc = new TextEncoder();

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Validates the whole file; reads tensor data unless `headerOnly` (then `tensors` is empty). */
export function readSafetensors(src: ByteSource, what: string, headerOnly = false): SafetensorsContents {
  const fail = (why: string): never => {
    throw new RuntimeError(`${what}: Error while deserializing safetensors header: ${why}`);
  };
  if (src.length < 8) fail(`header too small (the file has ${src.length} bytes; it must start with an 8-byte header length)`);
  const lenBytes = src.read(0, 8);
  const dv = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
  if (n > MAX_HEADER_SIZE) fail(`header too large (${n} bytes)`);
  if (8 + n > src.length) fail(`invalid header length ${n} (the file has only ${src.length - 8} bytes after the length field; truncated file?)`);
  let text: string;
  try {
    text = utf8.decode(src.read(8, n));
  } catch {
    return fail("invalid UTF-8 in header");
  }
  if (!text.startsWith("{")) fail("invalid header start (the JSON header must be an object)");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`invalid JSON in header: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return fail("the JSON header must be an object");
  const dataLen = src.length - 8 - n;
  let metadata: Record<string, string> | null = null;
  const infos: Array<{ name: string; kind: ElemKind; shape: number[]; begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (info === null) continue;
      if (typeof info !== "object" || Array.isArray(info) || !Object.values(info as object).every((v) => typeof v === "string")) {
        fail("__metadata__ must map strings to strings");
      }
      metadata = Object.assign(Object.create(null), info) as Record<string, string>;
      continue;
    }
    const bad = (why: string): never => fail(`tensor ${JSON.stringify(name)}: ${why}`);
    if (typeof info !== "object" || info === null || Array.isArray(info)) bad("entry is not an object");
    const { dtype, shape, data_offsets } = info as Record<string, unknown>;
    if (typeof dtype !== "string") return bad("missing dtype");
    if (!(dtype in KIND_SIZE)) bad(`dtype ${dtype} is not supported by torchlette (supported: ${Object.keys(KIND_SIZE).join(", ")})`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return bad("shape must be a list of non-negative integers");
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return bad("data_offsets must be two non-negative integers");
    }
    const kind = dtype as ElemKind;
    const [begin, end] = data_offsets as number[];
    let numel = 1;
    for (const d of shape as number[]) numel *= d;
    const nbytes = numel * KIND_SIZE[kind];
    if (!Number.isSafeInteger(nbytes)) bad(`shape [${shape.join(", ")}] is too large`);
    if (nbytes !== end - begin) bad(`shape [${shape.join(", ")}] of ${dtype} needs ${nbytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
    infos.push({ name, kind, shape: shape as number[], begin, end });
  }
  // contiguous from 0, no gaps or overlaps, covering the data section exactly
  const byOffset = infos.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const t of byOffset) {
    if (t.begin !== expected) fail(`invalid offset for tensor ${JSON.stringify(t.name)} (data_offsets [${t.begin}, ${t.end}]; expected it to start at ${expected}: tensors overlap or leave a gap)`);
    expected = t.end;
  }
  if (expected !== dataLen) fail(`incomplete metadata, file not fully covered (tensors span ${expected} bytes, the file has ${dataLen} data bytes${expected > dataLen ? "; truncated file?" : ""})`);

  infos.sort((a, b) => byteCompare(a.name, b.name));
  const tensors = new Map<string, Tensor>();
  if (headerOnly) return { tensors, metadata };
  for (const info of infos) {
    const where = `${what}: tensor ${JSON.stringify(info.name)}`;
    const dec = decodeElements(src.read(8 + n + info.begin, info.end - info.begin), info.kind, true, where, undefined, true);
    if (dec.outOfRange.length) {
      const v = dec.raw.get(dec.outOfRange[0]);
      throw new RuntimeError(`${where}: the int64 value ${v} is beyond ±2^53; torchlette keeps int64 as float64 numbers, which cannot hold it exactly`);
    }
    tensors.set(info.name, new Tensor(new Storage(dec.data, dec.dtype), info.shape.slice()));
  }
  return { tensors, metadata };
}

/** Serializes named tensors (any layout; written contiguous) and string metadata. */
export function writeSafetensors(entries: Array<[string, Tensor]>, metadata: Record<string, string> | null, what: string): Uint8Array {
  const names = new Set<string>();
  const items = entries.map(([name, t]) => {
    if (typeof name !== "string") throw new TypeError(`${what}: tensor names must be strings, got ${typeof name}`);
    if (name === "__metadata__") throw new RuntimeError(`${what}: "__metadata__" is reserved by the safetensors format and cannot name a tensor`);
    if (names.has(name)) throw new RuntimeError(`${what}: duplicate tensor name ${JSON.stringify(name)}`);
    names.add(name);
    if (!(t instanceof Tensor)) throw new TypeError(`${what}: ${JSON.stringify(name)} is not a Tensor`);
    return { name, t, kind: dtypeKind(t.dtype) };
  });
  items.sort((a, b) => ENUM_RANK[b.kind] - ENUM_RANK[a.kind] || byteCompare(a.name, b.name));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const parts: string[] = [];
  if (metadata !== null) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new TypeError(`${what}: metadata values must be strings; ${JSON.stringify(k)} is a ${typeof v}`);
    }
    parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  for (const { name, t, kind } of items) {
    const bytes = encodeElements(t._values(), t.dtype, `${what}: tensor ${JSON.stringify(name)}`);
    chunks.push(bytes);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${kind}","shape":[${t._shape.join(",")}],"data_offsets":[${offset},${offset + bytes.length}]}`);
    offset += bytes.length;
  }
  let header = enc.encode(`{${parts.join(",")}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded !== header.length) {
    const h = new Uint8Array(padded).fill(0x20);
    h.set(header);
    header = h;
  }
  const out = new Uint8Array(8 + header.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let p = 8 + header.length;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
