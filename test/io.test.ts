// torch.save / torch.load against files written by real PyTorch and Hugging Face's safetensors
// (test/fixtures/io/, made by scripts/gen_io_fixtures.py with torch 2.13 and Debian's torch 1.13;
// expected.json holds every value). Round trips of torchlette's own files, refusals, and, when
// the oracle venv is present, Python's safetensors reading what torchlette wrote
// (scripts/read_safetensors.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as torch from "../src/index.js";
import { Parameter } from "../src/nn/parameter.js";
import { Tensor } from "../src/tensor.js";

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, "fixtures/io");
const fixture = (f: string) => join(FIX, f);
const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "torchlette-io-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

type J = any;

/** Tensor -> the JSON scripts/read_safetensors.py writes for it. */
function leafJson(v: number | boolean): J {
  if (typeof v === "boolean") return v;
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
}
function tensorJson(t: Tensor): J {
  const walk = (x: unknown): J => (Array.isArray(x) ? x.map(walk) : leafJson(x as number));
  return { type: "tensor", dtype: t.dtype.name, shape: [...t.shape], values: walk(t.tolist()) };
}

interface Ctx {
  objects: Map<number, unknown>;
  storages: Map<number, ArrayBufferLike>;
  /** false for files torchlette wrote: they hold every tensor contiguous, in its own memory */
  layout: boolean;
}

/** Compares a loaded value with scripts/gen_io_fixtures.py's tree_json of the Python original. */
function check(actual: unknown, exp: J, path: string, ctx: Ctx): void {
  const at = `at ${path || "top"}`;
  if (exp === null || typeof exp === "boolean" || typeof exp === "string") {
    assert.equal(actual, exp, at);
    return;
  }
  switch (exp.type) {
    case "int":
      assert.equal(actual, typeof exp.value === "object" ? BigInt(exp.value.value) : exp.value, at);
      return;
    case "float":
      assert.ok(Object.is(actual, typeof exp.value === "string" ? ({ nan: NaN, inf: Infinity, "-inf": -Infinity } as J)[exp.value] : exp.value), `${at}: ${String(actual)} vs ${exp.value}`);
      return;
    case "tensor": {
      assert.ok(actual instanceof Tensor, `${at}: not a tensor`);
      const t = actual as Tensor;
      const dtype = exp.dtype === "float16" || exp.dtype === "bfloat16" ? "float32" : exp.dtype;
      assert.deepEqual(tensorJson(t), { ...pick(exp, ["type", "shape", "values"]), dtype }, at);
      if (exp.stride && ctx.layout) assert.deepEqual(t.stride(), exp.stride, `${at}: stride`);
      if (exp.storage_offset !== undefined && ctx.layout) assert.equal(t.storage_offset(), exp.storage_offset, `${at}: storage_offset`);
      if (exp.requires_grad !== undefined) assert.equal(t.requires_grad, exp.requires_grad, `${at}: requires_grad`);
      if (exp.is_param !== undefined) {
        assert.equal(t instanceof Parameter, exp.is_param, `${at}: is Parameter`);
        assert.equal(t._is_param, exp.is_param, `${at}: _is_param`);
      }
      if (exp.object !== undefined) {
        // the same Python object must load as the same JS object, different ones as different
        const seen = ctx.objects.get(exp.object);
        if (seen !== undefined) assert.equal(t, seen, `${at}: should be the same tensor object`);
        else {
          assert.ok(![...ctx.objects.values()].includes(t), `${at}: unexpectedly the same object as another tensor`);
          ctx.objects.set(exp.object, t);
        }
      }
      if (exp.storage !== undefined && t._storage.data.length > 0 && ctx.layout) {
        const buf = t._storage.data.buffer;
        const seen = ctx.storages.get(exp.storage);
        if (seen !== undefined) assert.equal(buf, seen, `${at}: should share memory like in PyTorch`);
        else {
          assert.ok(![...ctx.storages.values()].includes(buf), `${at}: shares memory it should not`);
          ctx.storages.set(exp.storage, buf);
        }
      }
      return;
    }
    case "dict": {
      assert.ok(typeof actual === "object" && actual !== null && Object.getPrototypeOf(actual) === Object.prototype, `${at}: not a plain object`);
      const obj = actual as Record<string, unknown>;
      const keys = (exp.items as [string | number, J][]).map(([k]) => String(k));
      // JS objects list integer-like keys first, ascending; all other keys keep Python's order
      const jsOrder = Object.keys(Object.fromEntries(keys.map((k) => [k, 0])));
      assert.deepEqual(Object.keys(obj), jsOrder, `${at}: keys`);
      for (const [k, v] of exp.items as [string, J][]) check(obj[String(k)], v, `${path}.${k}`, ctx);
      for (const [name, v] of Object.entries((ctx.layout ? exp.attrs ?? {} : {}) as Record<string, J>)) {
        const d = Object.getOwnPropertyDescriptor(obj, name);
        assert.ok(d && !d.enumerable, `${at}: attribute ${name} should be a non-enumerable property`);
        check(d.value, v, `${path}.${name}`, ctx);
      }
      return;
    }
    case "list":
    case "tuple":
      assert.ok(Array.isArray(actual), `${at}: not an array`);
      assert.equal((actual as unknown[]).length, exp.items.length, `${at}: length`);
      (exp.items as J[]).forEach((v, i) => check((actual as unknown[])[i], v, `${path}[${i}]`, ctx));
      return;
    case "set": {
      assert.ok(actual instanceof Set, `${at}: not a Set`);
      const items = [...(actual as Set<unknown>)].sort((a, b) => Number(a) - Number(b));
      assert.equal(items.length, exp.items.length, `${at}: size`);
      (exp.items as J[]).forEach((v, i) => check(items[i], v, `${path}{${i}}`, ctx));
      return;
    }
    case "size":
      assert.ok(actual instanceof torch.Size, `${at}: not a torch.Size`);
      assert.deepEqual([...(actual as number[])], exp.value, at);
      return;
    case "dtype":
      assert.equal(actual, (torch as J)[exp.value], at);
      return;
    case "bytes":
      assert.ok(actual instanceof Uint8Array, `${at}: not bytes`);
      assert.equal(Buffer.from(actual as Uint8Array).toString("hex"), exp.hex, at);
      return;
    default:
      throw new Error(`unknown expected type ${exp.type}`);
  }
}
function pick(o: J, keys: string[]): J {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
const newCtx = (layout = true): Ctx => ({ objects: new Map(), storages: new Map(), layout });

test("fixtures: checkpoint files cover torch 2.x and 1.13, zip and legacy", () => {
  assert.deepEqual(expected.checkpoint.files, ["torch2_zip.pt", "torch2_legacy.pt", "torch2_zip_proto1.pt", "torch2_zip_proto4.pt", "torch113_zip.pt", "torch113_legacy.pt"]);
});

for (const f of expected.checkpoint.files as string[]) {
  test(`torch.load reads PyTorch's ${f} exactly`, () => {
    const v = torch.load(fixture(f));
    check(v, expected.checkpoint.tree, "", newCtx());
  });
}

test("a PyTorch checkpoint re-saved by torch.save loads back with the same values and structure", () => {
  const p = join(tmp, "resaved.safetensors");
  torch.save(torch.load(fixture("torch113_zip.pt")), p);
  check(torch.load(p), expected.checkpoint.tree, "", newCtx(false));
});

test("torch.load: loaded tensors share storage like PyTorch's (writes show through)", () => {
  const v = torch.load(fixture("torch2_zip.pt"));
  const full = v.shared_full as Tensor;
  const view = v.shared_view as Tensor;
  assert.equal(view.storage_offset(), 2);
  full._storage.data[3] = 100;
  assert.equal((view.tolist() as number[][])[0][1], 100);
  assert.equal(v.twice[0], v.twice[1]);
  // the optimizer state dict keeps its layout: int keys, tuples as arrays
  assert.deepEqual(v.optim.param_groups[0].params, [0, 1, 2, 3]);
  assert.deepEqual(v.optim.param_groups[0].betas, [0.9, 0.999]);
  assert.deepEqual(Object.keys(v.optim.state), ["0", "1", "2", "3"]);
});

test("torch.load: a saved single tensor, from a path, a URL and bytes; deflated entries", () => {
  for (const src of [fixture("torch2_tensor.pt"), pathToFileURL(fixture("torch2_tensor.pt")), readFileSync(fixture("torch2_tensor.pt")), fixture("torch2_tensor_deflated.pt")]) {
    check(torch.load(src), expected.single_tensor, "", newCtx());
  }
  const buf = readFileSync(fixture("torch2_tensor.pt"));
  check(torch.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)), expected.single_tensor, "", newCtx());
});

test("torch.load reads protocol 0 pickles (text opcodes) of plain data", () => {
  check(torch.load(fixture("torch2_proto0.pt")), expected.proto0, "", newCtx());
});

test("torch.load reads a zip64 archive (PyTorch writes zip64 for huge checkpoints)", () => {
  check(torch.load(toZip64(readFileSync(fixture("torch2_tensor.pt")))), expected.single_tensor, "", newCtx());
});

/** Rewrites a zip's end records in zip64 form: EOCD fields 0xFFFF.. pointing to a zip64 record. */
function toZip64(zip: Uint8Array): Uint8Array {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const e = zip.length - 22;
  assert.equal(dv.getUint32(e, true), 0x06054b50);
  const count = dv.getUint16(e + 10, true);
  const cdSize = dv.getUint32(e + 12, true);
  const cdOff = dv.getUint32(e + 16, true);
  const out = new Uint8Array(e + 56 + 20 + 22);
  out.set(zip.subarray(0, e));
  const o = new DataView(out.buffer);
  o.setUint32(e, 0x06064b50, true);
  o.setBigUint64(e + 4, 44n, true);
  o.setUint16(e + 12, 45, true);
  o.setUint16(e + 14, 45, true);
  o.setBigUint64(e + 24, BigInt(count), true);
  o.setBigUint64(e + 32, BigInt(count), true);
  o.setBigUint64(e + 40, BigInt(cdSize), true);
  o.setBigUint64(e + 48, BigInt(cdOff), true);
  const l = e + 56;
  o.setUint32(l, 0x07064b50, true);
  o.setBigUint64(l + 8, BigInt(e), true);
  o.setUint32(l + 16, 1, true);
  const q = l + 20;
  o.setUint32(q, 0x06054b50, true);
  o.setUint16(q + 8, 0xffff, true);
  o.setUint16(q + 10, 0xffff, true);
  o.setUint32(q + 12, 0xffffffff, true);
  o.setUint32(q + 16, 0xffffffff, true);
  return out;
}

test("torch.load refuses pickle globals outside the allow-list, naming them", () => {
  assert.throws(() => torch.load(fixture("torch2_malicious.pt")), (e: Error) =>
    e instanceof torch.RuntimeError && e.message.includes("refusing to load the pickle global 'posix.system'") && e.message.includes("never runs code"));
  assert.throws(() => torch.load(fixture("torch2_numpy.pt")), (e: Error) =>
    e instanceof torch.RuntimeError && /refusing to load the pickle global 'numpy\.(_core|core)\.multiarray\._reconstruct'/.test(e.message));
});

test("torch.load refuses Parameters carrying extra Python attributes instead of dropping them", () => {
  assert.throws(() => torch.load(fixture("torch2_param_state.pt")), /_rebuild_parameter_with_state: parameters with extra Python attributes are not supported/);
});

test("torch.load refuses int64 values beyond 2^53 (torchlette's int64 is float64), in every format", () => {
  assert.throws(() => torch.load(fixture("torch2_int64_big.pt")), (e: Error) =>
    e instanceof torch.RuntimeError && e.message.includes("9007199254740993") && e.message.includes("beyond ±2^53"));
  assert.throws(() => torch.load(fixture("st_int64_big.safetensors")), (e: Error) =>
    e instanceof torch.RuntimeError && e.message.includes("-9007199254740993") && e.message.includes("beyond ±2^53"));
  // a view whose own elements are in range loads even when its storage holds 2^60 (checkpoint "i64_slice_of_big")
  const huge = torch.tensor([1, 2 ** 60], { dtype: torch.int64 });
  const p = join(tmp, "huge.safetensors");
  torch.save(huge, p);
  assert.throws(() => torch.load(p), /the int64 value 1152921504606846976 is beyond ±2\^53/);
});

test("safetensors written by Python's safetensors package load exactly (float16/bfloat16 as float32)", () => {
  const exp = expected.safetensors;
  for (const v of [torch.load(fixture("st_python.safetensors")), torch.safetensors.load_file(fixture("st_python.safetensors"))]) {
    assert.deepEqual(Object.keys(v), Object.keys(exp.tensors));
    for (const [k, t] of Object.entries(v)) assert.deepEqual(tensorJson(t as Tensor), { ...exp.tensors[k], dtype: exp.tensors[k].dtype.replace(/b?float16/, "float32") }, k);
  }
  assert.deepEqual({ ...torch.safetensors.metadata(fixture("st_python.safetensors")) }, exp.metadata);
});

test("safetensors.save is byte-identical to Python's safetensors.torch.save", () => {
  const file = readFileSync(fixture("st_python_nohalf.safetensors"));
  const loaded = torch.safetensors.load(file);
  assert.deepEqual(Buffer.from(torch.safetensors.save(loaded, { format: "pt" })), file);
  // from a Map, with non-contiguous inputs written contiguous
  const m = new Map(Object.entries(loaded).map(([k, t]) => [k, t.ndim === 2 && t.numel() > 0 ? t.t().contiguous().t() : t]));
  assert.ok(!m.get("f32")!.is_contiguous());
  assert.deepEqual(Buffer.from(torch.safetensors.save(m, { format: "pt" })), file);
  torch.safetensors.save_file(loaded, join(tmp, "nohalf.safetensors"), { format: "pt" });
  assert.deepEqual(readFileSync(join(tmp, "nohalf.safetensors")), file);
  // empty dict: Python writes "{}" padded to 8 bytes
  assert.deepEqual(Buffer.from(torch.safetensors.save({})), Buffer.from("0800000000000000" + Buffer.from("{}      ").toString("hex"), "hex"));
});

/** A tree with every kind of value torch.save keeps. */
function sampleTree() {
  const base = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
  const shared = torch.tensor([7, 8, 9], { dtype: torch.int64 });
  const p = new Parameter(torch.tensor([0.5, -0.25]));
  return {
    model: new Map<string, Tensor>([["0.weight", base.t()], ["0.bias", torch.tensor([1, 2, 3], { dtype: torch.float64 })], ["1.weight", p]]),
    ints: { i64: torch.tensor([2 ** 53, -(2 ** 53), 0, -5], { dtype: torch.int64 }), i32: torch.tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: torch.int32 }), i16: torch.tensor([-3], { dtype: torch.int16 }), i8: torch.tensor([-128], { dtype: torch.int8 }), u8: torch.tensor([255], { dtype: torch.uint8 }), b: torch.tensor([true, false]) },
    special: torch.tensor([NaN, Infinity, -Infinity, -0, 1e-45], { dtype: torch.float32 }),
    scalar: torch.tensor(2.5),
    empty: torch.zeros([0, 4]),
    grad: torch.ones(2).requires_grad_(),
    sliced: base.narrow(0, 1, 2).narrow(1, 1, 2),
    twice: [shared, shared],
    state: { 0: { step: 3, lr: 0.001, betas: [0.9, 0.999], nesterov: false, name: "adam", none: null, big: 2n ** 70n, nan: NaN, inf: -Infinity, negzero: -0, undef: undefined } },
    set: new Set(["a", 1]),
    bytes: Uint8Array.from([0, 255, 7]),
    size: torch.Size.from_([2, 3]),
    dtype: torch.float64,
    nested: { "a.b": { c: torch.tensor([1]) } },
  };
}

test("torch.save -> torch.load round trip keeps the whole tree", () => {
  const src = sampleTree();
  const p = join(tmp, "tree.safetensors");
  torch.save(src, p);
  const v = torch.load(p);
  assert.ok(v.model instanceof Map);
  assert.deepEqual([...v.model.keys()], ["0.weight", "0.bias", "1.weight"]);
  assert.deepEqual(tensorJson(v.model.get("0.weight")), tensorJson(src.model.get("0.weight")!));
  assert.ok(v.model.get("0.weight").is_contiguous(), "saved contiguous");
  assert.equal(v.model.get("0.bias").dtype, torch.float64);
  const param = v.model.get("1.weight");
  assert.ok(param instanceof Parameter && param.requires_grad);
  for (const k of Object.keys(src.ints)) assert.deepEqual(tensorJson(v.ints[k]), tensorJson((src.ints as J)[k]), k);
  assert.deepEqual(tensorJson(v.special), tensorJson(src.special));
  assert.ok(Object.is(v.special.tolist()[3], -0));
  assert.deepEqual(tensorJson(v.scalar), tensorJson(src.scalar));
  assert.deepEqual([...v.empty.shape], [0, 4]);
  assert.ok(v.grad.requires_grad && v.grad.is_leaf && !(v.grad instanceof Parameter));
  assert.deepEqual(v.sliced.tolist(), [[5, 6], [9, 10]]);
  assert.equal(v.twice[0], v.twice[1], "one tensor saved twice loads as one object");
  assert.deepEqual(Object.keys(v.state), ["0"]);
  const s = v.state[0];
  assert.deepEqual([s.step, s.lr, s.betas, s.nesterov, s.name, s.none, s.big], [3, 0.001, [0.9, 0.999], false, "adam", null, 2n ** 70n]);
  assert.ok(Number.isNaN(s.nan) && s.inf === -Infinity && Object.is(s.negzero, -0) && "undef" in s && s.undef === undefined);
  assert.deepEqual(v.set, new Set(["a", 1]));
  assert.deepEqual(v.bytes, Uint8Array.from([0, 255, 7]));
  assert.ok(v.size instanceof torch.Size && v.size.equals([2, 3]));
  assert.equal(v.dtype, torch.float64);
  assert.deepEqual(v.nested["a.b"].c.tolist(), [1]);
  // the flat view Python sees: dotted keys
  assert.deepEqual(Object.keys(torch.safetensors.load_file(p)).sort(), [
    "0.weight", "0.bias", "1.weight", "ints.i64", "ints.i32", "ints.i16", "ints.i8", "ints.u8", "ints.b", "special", "scalar", "empty", "grad", "sliced", "twice.0", "nested.a.b.c",
  ].map((k) => (k.startsWith("0.") || k.startsWith("1.") ? `model.${k}` : k)).sort());
  assert.equal(torch.safetensors.metadata(p)!.format, "pt");
});

test("torch.save of a lone tensor and of a module-style state dict", () => {
  const p = join(tmp, "one.safetensors");
  const t = torch.tensor([[1, 2], [3, 4]], { dtype: torch.int32 });
  torch.save(t, p);
  const back = torch.load(p);
  assert.ok(back instanceof Tensor);
  assert.deepEqual(tensorJson(back), tensorJson(t));
  assert.deepEqual(Object.keys(torch.safetensors.load_file(p)), ["tensor"]);
  // a state dict as PyTorch's torch.load gives it back (plain object) saves and loads unchanged
  const sd = torch.load(fixture("torch2_zip.pt")).model;
  torch.save(sd, p, { metadata: { epoch: "3" } });
  const sd2 = torch.load(p);
  assert.deepEqual(Object.keys(sd2), Object.keys(sd));
  for (const k of Object.keys(sd)) assert.deepEqual(tensorJson(sd2[k]), tensorJson(sd[k]));
  assert.equal(torch.safetensors.metadata(p)!.epoch, "3");
});

test("torch.save refuses what safetensors cannot hold, with clear errors", () => {
  const p = join(tmp, "bad.safetensors");
  assert.throws(() => torch.save({ "a.b": torch.ones(1), a: { b: torch.zeros(1) } }, p), /both be stored under the key "a.b"/);
  assert.throws(() => torch.save({ __metadata__: torch.ones(1) }, p), /reserves/);
  assert.throws(() => torch.save({ opt: new (class Adam {})() }, p), (e: Error) => e instanceof torch.TypeError && /cannot save a Adam \(at "opt"\)/.test(e.message));
  const loop: J = { a: [] };
  loop.a.push(loop);
  assert.throws(() => torch.save(loop, p), /circular reference/);
  assert.throws(() => torch.save(new Map<unknown, unknown>([[{}, 1]]), p), /Map keys must be strings or numbers/);
  assert.throws(() => torch.save(torch.ones(1), p, { metadata: { "torchlette.tree": "x" } }), /reserved/);
  assert.throws(() => torch.save(torch.ones(1), p, { format: "torch" } as J), /unexpected keyword argument 'format'/);
  assert.throws(() => torch.safetensors.save({ x: 1 } as J), /Key `x` is invalid, expected torch.Tensor but received number/);
  assert.throws(() => torch.load(p, { map_location: "cuda" }), /CPU only/);
});

test("torch.load: clear errors for files that are not checkpoints", () => {
  const p = join(tmp, "junk.bin");
  writeFileSync(p, "hello, this is not a checkpoint at all");
  assert.throws(() => torch.load(p), (e: Error) => e instanceof torch.RuntimeError && /is not a checkpoint torchlette can read/.test(e.message));
  writeFileSync(p, "");
  assert.throws(() => torch.load(p), /is empty \(0 bytes\)/);
  // a TorchScript-like archive: zip without data.pkl
  const zip = readFileSync(fixture("torch2_tensor.pt"));
  const renamed = Buffer.from(zip.toString("latin1").replaceAll("torch2_tensor/data.pkl", "torch2_tensor/data.pkX"), "latin1");
  assert.throws(() => torch.load(renamed), /failed (locating file data\.pkl|reading)/);
});

const PY = process.env.TORCHLETTE_PYTHON ?? "/work/.venv-oracle/bin/python";
const hasOracle = existsSync(PY) && spawnSync(PY, ["-c", "import safetensors, torch"]).status === 0;
const READER = join(here, "../scripts/read_safetensors.py");
function readWithPython(...files: string[]): J[] {
  const r = spawnSync(PY, [READER, ...files], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("Python's safetensors reads the files torchlette writes", { skip: hasOracle ? false : `no Python with safetensors at ${PY} (set TORCHLETTE_PYTHON)` }, () => {
  const tree = join(tmp, "for-python.safetensors");
  const src = sampleTree();
  torch.save(src, tree);
  // int64 beyond 2^53 is written as exact int64 bytes
  const big = join(tmp, "big-int64.safetensors");
  torch.safetensors.save_file({ x: torch.tensor([2 ** 60, -(2 ** 62)], { dtype: torch.int64 }) }, big);
  const flat = join(tmp, "flat.safetensors");
  torch.safetensors.save_file({ w: src.model.get("0.weight")!, b: src.ints.b, e: src.empty }, flat, { format: "pt" });
  const [py, pyBig, pyFlat] = readWithPython(tree, big, flat);

  const mine = torch.safetensors.load_file(tree);
  assert.deepEqual(Object.keys(py.tensors).sort(), Object.keys(mine).sort());
  for (const [k, t] of Object.entries(mine)) assert.deepEqual(py.tensors[k], tensorJson(t), k);
  assert.equal(py.metadata.format, "pt");
  assert.deepEqual(py.tensors["ints.i64"].values, [2 ** 53, -(2 ** 53), 0, -5]);
  assert.deepEqual(pyBig.tensors.x.values, [{ type: "bigint", value: String(2n ** 60n) }, { type: "bigint", value: String(-(2n ** 62n)) }]);
  // a flat file with one metadata key: Python re-serializes it to the same bytes
  assert.equal(pyFlat.resave_identical, true);
  assert.deepEqual(Object.keys(pyFlat.tensors).sort(), ["b", "e", "w"]);
});
