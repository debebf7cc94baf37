// Reading the files Python's torch.save writes: the zip archive (PyTorch >= 1.6 default:
// `<name>/data.pkl` + `<name>/data/<key>` raw storages + `<name>/byteorder`) and the legacy
// stream (`_use_new_zipfile_serialization=False`: magic number, protocol version and system
// info pickles, the data pickle, a list of storage keys, then each storage as an int64 element
// count followed by its bytes).
//
// The data pickle rebuilds tensors through torch._utils._rebuild_tensor_v2(storage, offset,
// size, stride, requires_grad, backward_hooks) where `storage` comes from a persistent id
// ('storage', StorageType, key, location, numel). Tensors that share a storage in the file
// share one torchlette Storage after loading, exactly as in PyTorch.
import { bool, DType, float32, float64, int16, int32, int64, int8, uint8 } from "../dtype.js";
import { RuntimeError } from "../errors.js";
import { Parameter } from "../nn/parameter.js";
import { Size } from "../shape.js";
import { Storage } from "../storage.js";
import { Tensor } from "../tensor.js";
import { decodeElements, KIND_DTYPE, KIND_SIZE, type ByteSource, type ElemKind } from "./bytes.js";
import { isDict, newDict, printable, PyGlobal, pyTypeName, unpickle, type UnpickleHooks } from "./pickle.js";
import { ZipReader } from "./zip.js";

/** torch.<X>Storage -> element encoding. Half and BFloat16 load as float32 (exact). */
const STORAGE_KINDS: Record<string, ElemKind> = {
  DoubleStorage: "F64",
  FloatStorage: "F32",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
};
const DTYPES: Record<string, DType> = { float32, float64, int64, int32, int16, int8, uint8, bool, float: float32, double: float64, long: int64, int: int32, short: int16 };

class StorageType {
  constructor(
    readonly name: string,
    readonly kind: ElemKind,
  ) {}
}

interface LoadedStorage {
  key: string;
  kind: ElemKind;
  numel: number;
  storage: Storage;
  /** int64 elements beyond ±2^53 (stored as NaN) and their raw values, for the message */
  outOfRange: number[];
  raw: Map<number, bigint>;
  filled: boolean;
  /** legacy storage views: the storage whose memory (and int64 range check) this one shares */
  root?: LoadedStorage;
}

const MAX_NUMEL = Number.MAX_SAFE_INTEGER;

/** The pickle-side state of one torch.load: storages by key, tensors built, the allow-list. */
class TorchUnpickler implements UnpickleHooks {
  readonly storages = new Map<string, LoadedStorage>();
  readonly tensors: Array<{ t: Tensor; st: LoadedStorage }> = [];
  readonly orderedDicts = new WeakSet<object>();
  private readonly globals: Map<string, unknown>;

  constructor(
    readonly what: string,
    /** (storage type, key, numel, view metadata) -> the storage record to use */
    private readonly makeStorage: (type: StorageType, key: string, numel: number, view: unknown) => LoadedStorage,
  ) {
    const g = new Map<string, unknown>();
    g.set("torch._utils._rebuild_tensor_v2", new PyGlobal("torch._utils._rebuild_tensor_v2", { call: (a) => this.rebuildTensor(a) }));
    g.set("torch._utils._rebuild_parameter", new PyGlobal("torch._utils._rebuild_parameter", { call: (a) => this.rebuildParameter(a, false) }));
    g.set("torch._utils._rebuild_parameter_with_state", new PyGlobal("torch._utils._rebuild_parameter_with_state", { call: (a) => this.rebuildParameter(a, true) }));
    const od = (args: unknown[]) => {
      if (args.length !== 0) throw new RuntimeError(`${what}: collections.OrderedDict() with arguments is not supported`);
      const d = newDict();
      this.orderedDicts.add(d);
      return d;
    };
    g.set("collections.OrderedDict", new PyGlobal("collections.OrderedDict", { call: od, newobj: od }));
    for (const [name, kind] of Object.entries(STORAGE_KINDS)) g.set(`torch.${name}`, new StorageType(name, kind));
    for (const [name, d] of Object.entries(DTYPES)) g.set(`torch.${name}`, d);
    g.set("torch.Size", new PyGlobal("torch.Size", { call: (a) => Size.from_(this.intList(a[0], "torch.Size")) }));
    // protocol 2 pickles Python 3 bytes as _codecs.encode(str, "latin1") and sets as set(list)
    g.set("_codecs.encode", new PyGlobal("_codecs.encode", {
      call: (a) => {
        const [s, enc] = a;
        if (typeof s !== "string" || (enc !== "latin1" && enc !== "latin-1")) throw new RuntimeError(`${what}: _codecs.encode is only allowed with a str and the latin1 encoding`);
        return Uint8Array.from(s, (c) => c.charCodeAt(0));
      },
    }));
    const mkSet = (a: unknown[]) => new Set(a.length ? (a[0] as Iterable<unknown>) : []);
    // protocols 0 and 1 name Python 2's module (__builtin__), which Python maps to builtins
    for (const m of ["builtins", "__builtin__"]) {
      g.set(`${m}.set`, new PyGlobal(`${m}.set`, { call: mkSet }));
      g.set(`${m}.frozenset`, new PyGlobal(`${m}.frozenset`, { call: mkSet }));
    }
    this.globals = g;
  }

  findClass(module: string, name: string): unknown {
    const q = `${module}.${name}`;
    if (this.globals.has(q)) return this.globals.get(q);
    const hint = module.startsWith("__torch__") ? " (this looks like a TorchScript archive: torch.jit.save files are not supported)"
      : q.endsWith("Storage") && module === "torch" ? " (torchlette has no such dtype)"
      : module === "torch" && /^(float16|half|bfloat16|complex|cfloat|cdouble|uint16|uint32|uint64|qint|quint)/.test(name) ? " (torchlette has no such dtype)"
      : "";
    throw new RuntimeError(
      `${this.what}: refusing to load the pickle global '${printable(q)}'${hint}. torch.load in torchlette only rebuilds tensors, ` +
        "storages, OrderedDict, torch.Size, dtypes and plain Python data, and never runs code from a file",
    );
  }

  persistentLoad(pid: unknown): unknown {
    if (!Array.isArray(pid) || pid[0] !== "storage") {
      throw new RuntimeError(`${this.what}: Unknown saved id type: ${Array.isArray(pid) ? String(pid[0]) : pyTypeName(pid)}`);
    }
    if (pid.length !== 5 && pid.length !== 6) throw new RuntimeError(`${this.what}: malformed storage record (${pid.length} fields)`);
    const [, type, key, location, numel, view] = pid;
    if (!(type instanceof StorageType)) throw new RuntimeError(`${this.what}: storage record names ${pyTypeName(type)}, not a storage type`);
    if (typeof key !== "string" || typeof location !== "string") throw new RuntimeError(`${this.what}: malformed storage record for key ${String(key)}`);
    if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) throw new RuntimeError(`${this.what}: storage ${key} has an invalid element count ${String(numel)}`);
    return this.makeStorage(type, key, numel, pid.length === 6 ? view : null);
  }

  build(obj: unknown, state: unknown): boolean {
    if (isDict(obj) && this.orderedDicts.has(obj)) {
      // a state_dict's OrderedDict carries `_metadata` (per-module versions) as an attribute:
      // kept as a non-enumerable property so iterating the state dict sees only tensors
      const attrs = Array.isArray(state) ? state[0] : state;
      if (attrs === null) return true;
      if (!isDict(attrs)) return false;
      for (const [k, v] of Object.entries(attrs)) Object.defineProperty(obj, k, { value: v, writable: true, enumerable: false, configurable: true });
      return true;
    }
    return false;
  }

  private intList(x: unknown, what: string): number[] {
    if (!Array.isArray(x) || !x.every((v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0)) {
      throw new RuntimeError(`${this.what}: ${what} must be a tuple of non-negative ints, got ${Array.isArray(x) ? `(${x.map(String).join(", ")})` : pyTypeName(x)}`);
    }
    return x as number[];
  }

  private rebuildTensor(args: unknown[]): Tensor {
    const [st, offset, sizeArg, strideArg, requiresGrad, hooks, metadata] = args;
    const where = `${this.what}: _rebuild_tensor_v2`;
    if (args.length < 6 || args.length > 7) throw new RuntimeError(`${where}: expected 6 or 7 arguments, got ${args.length}`);
    if (!isStorage(st)) throw new RuntimeError(`${where}: first argument is a ${pyTypeName(st)}, not a storage`);
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) throw new RuntimeError(`${where}: invalid storage offset ${String(offset)}`);
    const size = this.intList(sizeArg, "tensor size").slice();
    const stride = this.intList(strideArg, "tensor stride").slice();
    if (size.length !== stride.length) throw new RuntimeError(`${where}: size has ${size.length} dims but stride has ${stride.length}`);
    let numel = 1;
    let last = offset; // largest element index the tensor reads
    for (let i = 0; i < size.length; i++) {
      numel *= size[i];
      last += (size[i] - 1) * stride[i];
    }
    if (numel > MAX_NUMEL) throw new RuntimeError(`${where}: tensor of size (${size.join(", ")}) is too large`);
    if (numel > 0 && last >= st.numel) {
      throw new RuntimeError(
        `${where}: a tensor of size (${size.join(", ")}), stride (${stride.join(", ")}) and offset ${offset} reads element ${last}, ` +
          `but its storage ${st.key} has only ${st.numel} elements (corrupt file)`,
      );
    }
    if (typeof requiresGrad !== "boolean") throw new RuntimeError(`${where}: requires_grad must be a bool, got ${pyTypeName(requiresGrad)}`);
    if (!(isDict(hooks) && Object.keys(hooks).length === 0)) throw new RuntimeError(`${where}: tensors saved with backward hooks are not supported`);
    if (metadata !== undefined && metadata !== null && !(isDict(metadata) && Object.keys(metadata).length === 0)) {
      throw new RuntimeError(`${where}: tensor metadata ${Object.keys(metadata as object).join(", ")} is not supported`);
    }
    const t = new Tensor(st.storage, size, stride, offset, st.storage.dtype);
    if (requiresGrad === true) t.requires_grad_(true);
    this.tensors.push({ t, st });
    return t;
  }

  private rebuildParameter(args: unknown[], withState: boolean): Tensor {
    const [data, requiresGrad, hooks, state] = args;
    const where = `${this.what}: torch._utils._rebuild_parameter${withState ? "_with_state" : ""}`;
    if (args.length !== (withState ? 4 : 3)) throw new RuntimeError(`${where}: expected ${withState ? 4 : 3} arguments, got ${args.length}`);
    if (!(data instanceof Tensor)) throw new RuntimeError(`${where}: data is a ${pyTypeName(data)}, not a tensor`);
    if (typeof requiresGrad !== "boolean") throw new RuntimeError(`${where}: requires_grad must be a bool`);
    if (!(isDict(hooks) && Object.keys(hooks).length === 0)) throw new RuntimeError(`${where}: parameters saved with backward hooks are not supported`);
    if (withState && state !== null && !(isDict(state) && Object.keys(state).length === 0)) {
      throw new RuntimeError(`${where}: parameters with extra Python attributes are not supported`);
    }
    return new Parameter(data, requiresGrad);
  }

  /** After all storages hold their data: refuse int64 values torchlette cannot hold exactly. */
  checkInt64(): void {
    for (const { t, st: view } of this.tensors) {
      const st = view.root ?? view;
      if (st.outOfRange.length === 0) continue;
      const base = view.root ? view.storage.data.byteOffset / 8 - st.storage.data.byteOffset / 8 : 0;
      const idx = firstNaN(t);
      if (idx >= 0) {
        throw new RuntimeError(
          `${this.what}: an int64 tensor holds the value ${st.raw.get(base + idx)} (storage ${st.key}), which is beyond ±2^53; ` +
            "torchlette keeps int64 as float64 numbers, which cannot hold it exactly",
        );
      }
    }
  }
}

/** Storage index of the first NaN element of `t` (int64 out-of-range sentinel), or -1. */
function firstNaN(t: Tensor): number {
  const d = t._storage.data;
  const shape = t._shape;
  const nd = shape.length;
  const n = t.numel();
  const idx = new Array<number>(nd).fill(0);
  let p = t._offset;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(d[p])) return p;
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      p += t._strides[k];
      if (idx[k] < shape[k]) break;
      p -= t._strides[k] * shape[k];
      idx[k] = 0;
    }
  }
  return -1;
}

function isStorage(x: unknown): x is LoadedStorage {
  return typeof x === "object" && x !== null && "storage" in x && (x as LoadedStorage).storage instanceof Storage;
}

function newStorage(type: StorageType, key: string, numel: number): LoadedStorage {
  const dtype = KIND_DTYPE[type.kind];
  return { key, kind: type.kind, numel, storage: new Storage(new dtype.ArrayType(numel), dtype), outOfRange: [], raw: new Map(), filled: false };
}

function fill(st: LoadedStorage, bytes: Uint8Array, littleEndian: boolean, what: string): void {
  const dec = decodeElements(bytes, st.kind, littleEndian, `${what}: storage ${st.key}`, st.storage.data);
  st.outOfRange = dec.outOfRange;
  st.raw = dec.raw;
  st.filled = true;
}

/** torch.load of a zip checkpoint. */
export function loadZip(src: ByteSource, what: string): unknown {
  const zip = new ZipReader(src, what);
  const first = zip.names[0];
  const slash = first?.indexOf("/") ?? -1;
  if (slash <= 0) throw new RuntimeError(`PytorchStreamReader failed reading zip archive: file in archive is not in a subdirectory: ${first ?? "(empty archive)"}`);
  const prefix = first.slice(0, slash + 1);
  const record = (name: string) => zip.read(prefix + name);
  if (!zip.has(prefix + "data.pkl")) {
    const jit = zip.has(prefix + "constants.pkl") || zip.names.some((n) => n.startsWith(prefix + "code/"));
    throw new RuntimeError(
      jit ? `${what} is a TorchScript archive (torch.jit.save); torchlette cannot load TorchScript programs`
        : `PytorchStreamReader failed locating file data.pkl: file not found`,
    );
  }
  let little = true;
  if (zip.has(prefix + "byteorder")) {
    const bo = new TextDecoder().decode(record("byteorder"));
    if (bo !== "little" && bo !== "big") throw new RuntimeError(`${what}: unknown byteorder '${bo}'`);
    little = bo === "little";
  }
  const u = new TorchUnpickler(what, (type, key, numel, view) => {
    if (view !== null) throw new RuntimeError(`${what}: storage views are not used by zip checkpoints (corrupt record for ${key})`);
    const seen = u.storages.get(key);
    if (seen) {
      if (seen.kind !== type.kind) throw new RuntimeError(`${what}: storage ${key} is read both as ${seen.kind} and ${type.kind}`);
      return seen;
    }
    const name = `data/${key}`;
    const ent = zip.entries.get(prefix + name);
    if (!ent) throw new RuntimeError(`PytorchStreamReader failed locating file ${name}: file not found`);
    const nbytes = numel * KIND_SIZE[type.kind];
    if (ent.size !== nbytes) {
      throw new RuntimeError(`${what}: storage ${key} should hold ${numel} ${type.name} elements (${nbytes} bytes) but its record has ${ent.size} bytes (corrupt file)`);
    }
    const dec = decodeElements(record(name), type.kind, little, `${what}: storage ${key}`, undefined, true);
    const st: LoadedStorage = { key, kind: type.kind, numel, storage: new Storage(dec.data, dec.dtype), outOfRange: dec.outOfRange, raw: dec.raw, filled: true };
    u.storages.set(key, st);
    return st;
  });
  const pkl = record("data.pkl");
  const { value, end } = unpickle(pkl, 0, u, `${what}: data.pkl`);
  if (end !== pkl.length) throw new RuntimeError(`${what}: data.pkl has ${pkl.length - end} bytes after the end of the pickle (corrupt file)`);
  u.checkInt64();
  return value;
}

/** The first pickle of a legacy checkpoint: 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** torch.load of a legacy (`_use_new_zipfile_serialization=False`) checkpoint. */
export function loadLegacy(src: ByteSource, what: string): unknown {
  const data = src.read(0, src.length);
  const plain: UnpickleHooks = {
    findClass: (m, n) => {
      throw new RuntimeError(`${what}: unexpected pickle global '${printable(`${m}.${n}`)}' in the file header (corrupt file)`);
    },
    persistentLoad: () => {
      throw new RuntimeError(`${what}: unexpected persistent id in the file header (corrupt file)`);
    },
    build: () => false,
  };
  let r = unpickle(data, 0, plain, what);
  if (r.value !== LEGACY_MAGIC) throw new RuntimeError("Invalid magic number; corrupt file?");
  r = unpickle(data, r.end, plain, what);
  if (r.value !== 1001) throw new RuntimeError(`Invalid protocol version: ${String(r.value)}`);
  r = unpickle(data, r.end, plain, what);
  const sys = r.value;
  if (!isDict(sys)) throw new RuntimeError(`${what}: invalid system info record (corrupt file)`);
  if (sys.little_endian !== true) throw new RuntimeError(`${what}: legacy checkpoints written on big-endian machines are not supported`);
  const u = new TorchUnpickler(what, (type, key, numel, view) => {
    let root = u.storages.get(key);
    if (!root) {
      root = newStorage(type, key, numel);
      u.storages.set(key, root);
    } else if (root.kind !== type.kind || root.numel !== numel) {
      throw new RuntimeError(`${what}: storage ${key} is described inconsistently (corrupt file)`);
    }
    if (view === null) return root;
    // (view_key, offset, size): a slice of the root storage sharing its memory
    if (!Array.isArray(view) || view.length !== 3) throw new RuntimeError(`${what}: malformed storage view record`);
    const [viewKey, off, size] = view;
    if (typeof viewKey !== "string" || typeof off !== "number" || typeof size !== "number" || !Number.isSafeInteger(off) || !Number.isSafeInteger(size) || off < 0 || size < 0 || off + size > numel) {
      throw new RuntimeError(`${what}: storage view of ${key} lies outside it (corrupt file)`);
    }
    const existing = u.storages.get(viewKey);
    if (existing) return existing;
    const vs: LoadedStorage = {
      key: viewKey, kind: type.kind, numel: size, storage: new Storage(root.storage.data.subarray(off, off + size), root.storage.dtype),
      outOfRange: [], raw: new Map(), filled: true, root,
    };
    u.storages.set(viewKey, vs);
    return vs;
  });
  r = unpickle(data, r.end, u, what);
  const value = r.value;
  r = unpickle(data, r.end, plain, what);
  const keys = r.value;
  if (!Array.isArray(keys)) throw new RuntimeError(`${what}: invalid storage key list (corrupt file)`);
  let pos = r.end;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const key of keys) {
    const st = typeof key === "string" ? u.storages.get(key) : undefined;
    if (!st || st.root) throw new RuntimeError(`${what}: storage ${String(key)} is listed but never used (corrupt file)`);
    if (pos + 8 > data.length) throw new RuntimeError(`${what}: file ends before storage ${key} (truncated file)`);
    const count = dv.getUint32(pos, true) + dv.getUint32(pos + 4, true) * 4294967296;
    if (count !== st.numel) throw new RuntimeError(`${what}: storage ${key} should hold ${st.numel} elements but its record says ${count} (corrupt file)`);
    const nbytes = count * KIND_SIZE[st.kind];
    pos += 8;
    if (pos + nbytes > data.length) throw new RuntimeError(`${what}: file ends inside storage ${key} (truncated file)`);
    fill(st, data.subarray(pos, pos + nbytes), true, what);
    pos += nbytes;
  }
  for (const st of u.storages.values()) {
    if (!st.filled) throw new RuntimeError(`${what}: storage ${st.key} has no data (truncated or corrupt file)`);
  }
  u.checkInt64();
  return value;
}

