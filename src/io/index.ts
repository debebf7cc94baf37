// torch.save / torch.load, and a `safetensors` namespace mirroring Python's safetensors.torch.
//
// torch.save(obj, path) writes the safetensors format. `obj` may be a Tensor or any tree of
// plain objects, Maps, arrays, Sets and plain values (numbers, strings, booleans, null,
// undefined, bigint, Uint8Array bytes, dtypes, torch.Size) with tensors at the leaves: a module's state_dict(), an optimizer's state_dict(), a
// checkpoint dict. Each tensor is stored under its path joined with "." ("0.weight",
// "optimizer.state.0.exp_avg"); a lone Tensor is stored under the key "tensor". The tree itself
// (containers, non-tensor values, which tensor is a Parameter or requires grad, and tensors that
// appear more than once) is kept as JSON in the "torchlette.tree" metadata entry, so torch.load
// gives back what was saved, while Python's safetensors still reads the tensors by their
// dotted names. Metadata also carries {"format": "pt"}, which Hugging Face loaders check.
//
// torch.load(path) reads:
//  - safetensors files (any writer). Without torchlette's tree metadata the result is a plain
//    object {name: Tensor}, like safetensors.torch.load_file.
//  - the zip checkpoints Python's torch.save writes (PyTorch >= 1.6) and the legacy format
//    (`_use_new_zipfile_serialization=False`). Only data is ever rebuilt: tensors, storages,
//    Parameters, OrderedDict, torch.Size, dtypes and plain Python values; any other pickle global
//    is refused with an error naming it (torch.load here is always `weights_only`). dict and
//    OrderedDict become plain objects (an OrderedDict's `_metadata` attribute is kept as a
//    non-enumerable property), lists and tuples arrays, None null, bytes Uint8Array.
//
// dtypes: float16 and bfloat16 tensors load as float32 (torchlette has no 16-bit floats; every
// such value is exact in float32). int64 tensors are real int64 bytes in every format; torchlette
// holds int64 as float64 numbers, so a stored value beyond ±2^53 is refused on load.
//
// Corrupt or truncated files raise RuntimeError naming what is wrong; zip entries are CRC-checked.
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { DType, dtypes } from "../dtype.js";
import { RuntimeError, TypeError, ValueError } from "../errors.js";
import { Parameter } from "../nn/parameter.js";
import { Size } from "../shape.js";
import { Tensor } from "../tensor.js";
import { BufferSource, FileSource, type ByteSource } from "./bytes.js";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { loadLegacy, loadZip } from "./torch_format.js";

type PathLike = string | URL;
export type LoadSource = PathLike | Uint8Array | ArrayBuffer;

const TREE_KEY = "torchlette.tree";
/** the safetensors key of a Tensor saved on its own */
export const SINGLE_TENSOR_KEY = "tensor";

function toPath(f: unknown, fn: string): string {
  if (typeof f === "string") return f;
  if (f instanceof URL) return fileURLToPath(f);
  throw new TypeError(`${fn}(): expected a file path (str or URL), got ${f === null ? "null" : typeof f}`);
}

function checkOpts(opts: object, allowed: string[], fn: string): void {
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new TypeError(`${fn}() got an unexpected keyword argument '${k}'`);
  }
}

function openSource(f: unknown, fn: string): { src: ByteSource; what: string } {
  if (f instanceof Uint8Array) return { src: new BufferSource(f, "buffer"), what: "buffer" };
  if (f instanceof ArrayBuffer) return { src: new BufferSource(new Uint8Array(f), "buffer"), what: "buffer" };
  const path = toPath(f, fn);
  return { src: new FileSource(path, path), what: path };
}

/** Runs a reader, so that whatever malformed input trips over surfaces as a RuntimeError. */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError(`failed reading ${what} (corrupt file?): ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ---------------------------------------------------------------- tree <-> JSON

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

/** Encodes `obj` as JSON, collecting its tensors under dotted-path keys. Every JSON object in
 * the encoding is a one-key tag ({"dict": ...}, {"tensor": key}, ...), so decoding is unambiguous. */
function encodeTree(obj: unknown): { tree: Json; tensors: Array<[string, Tensor]> } {
  const tensors: Array<[string, Tensor]> = [];
  const keyOf = new Map<Tensor, string>();
  const pathOfKey = new Map<string, string>();
  const active = new Set<object>();
  const show = (path: string[]) => (path.length ? path.map((p) => JSON.stringify(p)).join(" -> ") : "the top level");

  const enc = (x: unknown, path: string[]): Json => {
    if (x instanceof Tensor) {
      let key = keyOf.get(x);
      if (key === undefined) {
        key = path.length ? path.join(".") : SINGLE_TENSOR_KEY;
        if (key === "__metadata__") throw new RuntimeError(`torch.save: the path ${show(path)} gives the tensor key "__metadata__", which safetensors reserves`);
        const other = pathOfKey.get(key);
        if (other !== undefined) {
          throw new RuntimeError(`torch.save: the tensors at ${other} and at ${show(path)} would both be stored under the key ${JSON.stringify(key)}; rename one`);
        }
        pathOfKey.set(key, show(path));
        keyOf.set(x, key);
        tensors.push([key, x]);
      }
      const tag: { [k: string]: Json } = x._is_param ? { parameter: key } : { tensor: key };
      if (x.requires_grad) tag.requires_grad = true;
      return tag;
    }
    if (x === null || typeof x === "string" || typeof x === "boolean") return x;
    if (typeof x === "number") {
      if (Number.isNaN(x)) return { float: "nan" };
      if (x === Infinity) return { float: "inf" };
      if (x === -Infinity) return { float: "-inf" };
      if (Object.is(x, -0)) return { float: "-0" };
      return x;
    }
    if (typeof x === "bigint") return { int: x.toString() };
    if (x === undefined) return { undefined: true };
    if (x instanceof DType) return { dtype: x.name };
    if (typeof x !== "object") throw new TypeError(`torch.save: cannot save a ${typeof x} (at ${show(path)})`);
    if (active.has(x)) throw new ValueError(`torch.save: circular reference at ${show(path)}`);
    active.add(x);
    try {
      if (x instanceof Size) return { size: [...x] };
      if (Array.isArray(x)) return x.map((v, i) => enc(v, [...path, String(i)]));
      if (x instanceof Map) {
        const entries: Json[] = [];
        for (const [k, v] of x) {
          if (typeof k !== "string" && typeof k !== "number") throw new TypeError(`torch.save: Map keys must be strings or numbers (at ${show(path)})`);
          entries.push([enc(k, path), enc(v, [...path, String(k)])]);
        }
        return { map: entries };
      }
      if (x instanceof Set) return { set: [...x].map((v, i) => enc(v, [...path, String(i)])) };
      if (x instanceof Uint8Array && Object.getPrototypeOf(x) === Uint8Array.prototype) return { bytes: Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("base64") };
      if (isPlainObject(x)) {
        const d: { [k: string]: Json } = {};
        for (const [k, v] of Object.entries(x)) Object.defineProperty(d, k, { value: enc(v, [...path, k]), enumerable: true, writable: true, configurable: true });
        return { dict: d };
      }
      const name = (x as object).constructor?.name ?? "object";
      throw new TypeError(`torch.save: cannot save a ${name} (at ${show(path)}); save its state_dict() or plain data instead`);
    } finally {
      active.delete(x);
    }
  };
  const tree = enc(obj, []);
  return { tree, tensors };
}

function decodeTree(tree: unknown, tensors: Map<string, Tensor>, what: string): unknown {
  const bad = (why: string): never => {
    throw new RuntimeError(`${what}: corrupt ${TREE_KEY} metadata: ${why}`);
  };
  const made = new Map<string, Tensor>();
  const dec = (j: unknown): unknown => {
    if (j === null || typeof j === "string" || typeof j === "boolean" || typeof j === "number") return j;
    if (Array.isArray(j)) return j.map(dec);
    if (typeof j !== "object") return bad(`unexpected ${typeof j}`);
    const o = j as Record<string, unknown>;
    const keys = Object.keys(o);
    if ("tensor" in o || "parameter" in o) {
      const key = (o.tensor ?? o.parameter) as unknown;
      if (typeof key !== "string") return bad("tensor reference is not a string");
      // the encoder keys tensors by identity, so one key always comes with the same tag
      const cached = made.get(key);
      if (cached) return cached;
      const t = tensors.get(key);
      if (!t) return bad(`it refers to a tensor ${JSON.stringify(key)} that the file does not contain`);
      const out = "parameter" in o ? new Parameter(t, o.requires_grad === true) : o.requires_grad === true ? t.requires_grad_(true) : t;
      made.set(key, out);
      return out;
    }
    if (keys.length !== 1) return bad(`unexpected object with keys ${keys.join(", ")}`);
    const v = o[keys[0]];
    switch (keys[0]) {
      case "dict": {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("dict is not an object");
        const d: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) Object.defineProperty(d, k, { value: dec(x), enumerable: true, writable: true, configurable: true });
        return d;
      }
      case "map": {
        if (!Array.isArray(v) || !v.every((e) => Array.isArray(e) && e.length === 2)) return bad("map is not a list of pairs");
        return new Map((v as unknown[][]).map(([k, x]) => [dec(k), dec(x)]));
      }
      case "set":
        if (!Array.isArray(v)) return bad("set is not a list");
        return new Set(v.map(dec));
      case "size":
        if (!Array.isArray(v) || !v.every((d) => Number.isSafeInteger(d))) return bad("size is not a list of ints");
        return Size.from_(v as number[]);
      case "float": {
        const f = ({ nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 } as Record<string, number>)[v as string];
        return f === undefined ? bad(`unknown float ${String(v)}`) : f;
      }
      case "int":
        if (typeof v !== "string" || !/^-?\d+$/.test(v)) return bad("int is not a decimal string");
        return BigInt(v);
      case "undefined":
        return undefined;
      case "bytes":
        if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return bad("bytes are not base64");
        return new Uint8Array(Buffer.from(v, "base64"));
      case "dtype": {
        const d = (dtypes as Record<string, DType>)[v as string];
        return d ?? bad(`unknown dtype ${String(v)}`);
      }
      default:
        return bad(`unknown tag ${keys[0]}`);
    }
  };
  return dec(tree);
}

// ---------------------------------------------------------------- public API

export interface SaveOptions {
  /** extra string metadata for the safetensors header */
  metadata?: Record<string, string>;
}

/** torch.save(obj, f): writes `obj` (a Tensor, a state dict, or a tree of them) as safetensors. */
export function save(obj: unknown, f: PathLike, opts: SaveOptions = {}): void {
  checkOpts(opts, ["metadata"], "save");
  const path = toPath(f, "save");
  const { tree, tensors } = encodeTree(obj);
  const user = opts.metadata ?? {};
  if (!isPlainObject(user)) throw new TypeError("save(): metadata must be an object of strings");
  if (TREE_KEY in user) throw new ValueError(`save(): the metadata key ${JSON.stringify(TREE_KEY)} is reserved`);
  const metadata: Record<string, string> = { format: "pt", ...user, [TREE_KEY]: JSON.stringify(tree) };
  fs.writeFileSync(path, writeSafetensors(tensors, metadata, "torch.save"));
}

export interface LoadOptions {
  /** only "cpu" (torchlette runs on the CPU; CUDA checkpoints load onto it) */
  map_location?: string | null;
  /** accepted for compatibility: torchlette's torch.load never runs code from a file */
  weights_only?: boolean;
}

/** torch.load(f): reads a safetensors file, or a checkpoint written by Python's torch.save. */
export function load(f: LoadSource, opts: LoadOptions = {}): any {
  checkOpts(opts, ["map_location", "weights_only"], "load");
  const ml = opts.map_location;
  if (ml !== undefined && ml !== null && ml !== "cpu") {
    throw new TypeError(`load(): torchlette runs on the CPU only; map_location must be "cpu", got ${JSON.stringify(ml)}`);
  }
  const { src, what } = openSource(f, "load");
  try {
    return guarded(what, () => {
      if (src.length === 0) throw new RuntimeError(`${what} is empty (0 bytes): not a checkpoint`);
      const head = src.read(0, Math.min(src.length, 9));
      if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return loadZip(src, what);
      if (head[0] === 0x80 && head[1] === 0x02 && head[2] === 0x8a && head[3] === 0x0a) return loadLegacy(src, what);
      if (head.length === 9 && head[8] === 0x7b) return fromSafetensors(readSafetensors(src, what), what);
      if (head.length < 9) throw new RuntimeError(`${what} is too short (${src.length} bytes) to be a checkpoint (truncated file?)`);
      throw new RuntimeError(
        `${what} is not a checkpoint torchlette can read: expected a safetensors file or a PyTorch zip checkpoint ` +
          "(torch.save with PyTorch >= 1.6, or _use_new_zipfile_serialization=False)",
      );
    });
  } finally {
    src.close();
  }
}

function fromSafetensors(c: ReturnType<typeof readSafetensors>, what: string): unknown {
  const treeJson = c.metadata?.[TREE_KEY];
  if (treeJson === undefined) return flatObject(c.tensors);
  let tree: unknown;
  try {
    tree = JSON.parse(treeJson);
  } catch (e) {
    throw new RuntimeError(`${what}: corrupt ${TREE_KEY} metadata: ${(e as Error).message}`);
  }
  return decodeTree(tree, c.tensors, what);
}

function flatObject(m: Map<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of m) Object.defineProperty(out, k, { value: t, enumerable: true, writable: true, configurable: true });
  return out;
}

function flatEntries(tensors: unknown, fn: string): Array<[string, Tensor]> {
  const entries: Array<[string, unknown]> = tensors instanceof Map ? [...tensors] : isPlainObject(tensors) ? Object.entries(tensors) : [];
  if (!(tensors instanceof Map) && !isPlainObject(tensors)) throw new TypeError(`${fn}(): expected a dict of tensors (object or Map)`);
  return entries.map(([k, v]) => {
    if (!(v instanceof Tensor)) throw new ValueError(`Key \`${k}\` is invalid, expected torch.Tensor but received ${v === null ? "null" : typeof v}`);
    return [k, v];
  });
}

/** Python's safetensors.torch API: flat {name: Tensor} dicts, string metadata, no tree key. */
export const safetensors = {
  /** bytes of a safetensors file (byte-identical to Python's safetensors.torch.save) */
  save(tensors: Record<string, Tensor> | Map<string, Tensor>, metadata: Record<string, string> | null = null): Uint8Array {
    return writeSafetensors(flatEntries(tensors, "save"), metadata, "safetensors.save");
  },
  save_file(tensors: Record<string, Tensor> | Map<string, Tensor>, filename: PathLike, metadata: Record<string, string> | null = null): void {
    fs.writeFileSync(toPath(filename, "save_file"), writeSafetensors(flatEntries(tensors, "save_file"), metadata, "safetensors.save_file"));
  },
  /** {name: Tensor} from the bytes of a safetensors file */
  load(data: Uint8Array | ArrayBuffer): Record<string, Tensor> {
    const { src, what } = openSource(data, "load");
    return guarded(what, () => flatObject(readSafetensors(src, what).tensors));
  },
  load_file(filename: PathLike): Record<string, Tensor> {
    const { src, what } = openSource(toPath(filename, "load_file"), "load_file");
    try {
      return guarded(what, () => flatObject(readSafetensors(src, what).tensors));
    } finally {
      src.close();
    }
  },
  /** the "__metadata__" of a safetensors file (null when it has none) */
  metadata(f: LoadSource): Record<string, string> | null {
    const { src, what } = openSource(f, "metadata");
    try {
      return guarded(what, () => readSafetensors(src, what, true).metadata);
    } finally {
      src.close();
    }
  },
};
