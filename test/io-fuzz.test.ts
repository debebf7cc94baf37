// Corrupt and truncated checkpoints: torch.load must raise a RuntimeError saying what is wrong,
// never crash with another error, hang, or return a silently wrong tensor where the format can
// tell (zip entries carry CRC-32s; safetensors and legacy files have no checksum, so a flipped
// data byte there can only change a value). Inputs: test/fixtures/io/ (see io.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";

const FIX = join(dirname(fileURLToPath(import.meta.url)), "fixtures/io");
const read = (f: string) => new Uint8Array(readFileSync(join(FIX, f)));

/** deterministic xorshift32 so a failure names a reproducible offset */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };
function attempt(bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: torch.load(bytes) };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}
function mustFail(bytes: Uint8Array, what: string): void {
  const r = attempt(bytes);
  assert.ok(!r.ok, `${what}: loaded without error`);
  assert.ok(r.error instanceof torch.RuntimeError, `${what}: ${r.error.name}: ${r.error.message}`);
  assert.ok(r.error.message.length > 20, `${what}: unhelpful message ${r.error.message}`);
}
function flipped(bytes: Uint8Array, at: number, mask: number): Uint8Array {
  const b = bytes.slice();
  b[at] ^= mask;
  return b;
}

function smallSafetensors(): Uint8Array {
  return torch.safetensors.save(
    { w: torch.tensor([[1.5, -2], [0.25, 8]]), i: torch.tensor([1, -2], { dtype: torch.int64 }), b: torch.tensor([true, false]) },
    { format: "pt" },
  );
}

test("truncation at every offset is a RuntimeError (safetensors, zip, legacy)", () => {
  const files: Array<[string, Uint8Array]> = [
    ["safetensors", smallSafetensors()],
    ["torch2_tensor.pt", read("torch2_tensor.pt")],
    ["torch2_tensor_legacy.pt", read("torch2_tensor_legacy.pt")],
    ["st_python.safetensors", read("st_python.safetensors")],
  ];
  for (const [name, bytes] of files) {
    assert.doesNotThrow(() => torch.load(bytes), name);
    for (let n = 0; n < bytes.length; n++) mustFail(bytes.subarray(0, n), `${name} truncated to ${n} bytes`);
  }
  // the large checkpoints: a sample of cut points
  const pick = rng(7);
  for (const name of ["torch2_zip.pt", "torch113_zip.pt", "torch2_legacy.pt", "torch113_legacy.pt"]) {
    const bytes = read(name);
    for (let k = 0; k < 150; k++) {
      const n = pick(bytes.length);
      mustFail(bytes.subarray(0, n), `${name} truncated to ${n} bytes`);
    }
  }
});

test("zip checkpoints: any flipped byte is an error or changes nothing (CRC-32)", () => {
  const check = (name: string, offsets: number[]) => {
    const bytes = read(name);
    const good = torch.load(bytes);
    for (const at of offsets) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const r = attempt(flipped(bytes, at, mask));
        if (r.ok) assert.deepStrictEqual(r.value, good, `${name}: byte ${at} ^ ${mask} loaded a different value`);
        else assert.ok(r.error instanceof torch.RuntimeError, `${name}: byte ${at} ^ ${mask}: ${r.error.name}: ${r.error.message}`);
      }
    }
  };
  const small = read("torch2_tensor.pt");
  check("torch2_tensor.pt", [...small.keys()]);
  const pick = rng(11);
  check("torch2_zip.pt", Array.from({ length: 150 }, () => pick(read("torch2_zip.pt").length)));
});

test("safetensors and legacy files: flipped bytes never crash with a non-RuntimeError", () => {
  for (const [name, bytes] of [
    ["safetensors", smallSafetensors()],
    ["torch2_tensor_legacy.pt", read("torch2_tensor_legacy.pt")],
    ["st_python.safetensors", read("st_python.safetensors")],
  ] as Array<[string, Uint8Array]>) {
    for (let at = 0; at < bytes.length; at++) {
      for (const mask of [0x01, 0x20, 0xff]) {
        const r = attempt(flipped(bytes, at, mask));
        if (!r.ok) assert.ok(r.error instanceof torch.RuntimeError, `${name}: byte ${at} ^ ${mask}: ${r.error.name}: ${r.error.message}`);
      }
    }
  }
  const pick = rng(3);
  const legacy = read("torch113_legacy.pt");
  for (let k = 0; k < 400; k++) {
    const at = pick(legacy.length);
    const r = attempt(flipped(legacy, at, 1 << pick(8)));
    if (!r.ok) assert.ok(r.error instanceof torch.RuntimeError, `torch113_legacy.pt: byte ${at}: ${r.error.name}: ${r.error.message}`);
  }
});

/** A safetensors file with the given JSON header and data bytes. */
function st(header: object, data: number[] | Uint8Array = []): Uint8Array {
  const h = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

test("corrupt safetensors headers are named precisely", () => {
  const f32 = (begin: number, end: number, shape = [1]) => ({ dtype: "F32", shape, data_offsets: [begin, end] });
  const cases: Array<[Uint8Array, RegExp]> = [
    [st({ a: f32(0, 4), b: f32(2, 6) }, new Uint8Array(6)), /invalid offset for tensor "b".*overlap or leave a gap/],
    [st({ a: f32(0, 4), b: f32(8, 12) }, new Uint8Array(12)), /invalid offset for tensor "b"/],
    [st({ a: f32(0, 4) }, new Uint8Array(8)), /file not fully covered \(tensors span 4 bytes, the file has 8/],
    [st({ a: f32(0, 8) }, new Uint8Array(4)), /needs 4 bytes but data_offsets \[0, 8\] span 8/],
    [st({ a: f32(0, 8, [2]) }, new Uint8Array(4)), /tensors span 8 bytes, the file has 4 data bytes; truncated file\?/],
    [st({ a: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, [0]), /dtype F8_E4M3 is not supported/],
    [st({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 0] } }), /shape must be a list of non-negative integers/],
    [st({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }), /data_offsets must be two non-negative integers/],
    [st({ __metadata__: { n: 1 } }), /__metadata__ must map strings to strings/],
    [st({ a: { dtype: "BOOL", shape: [1], data_offsets: [0, 1] } }, [2]), /invalid bool value 2/],
    [st({ a: { dtype: "U8", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 1] } }, [0]), /shape \[1099511627776, 1099511627776\] is too large/],
    [Uint8Array.from([...Buffer.from("ffffffff00000000", "hex"), 0x7b]), /header too large/],
    [Uint8Array.from([...Buffer.from("0001000000000000", "hex"), 0x7b, 0x7d]), /invalid header length 256/],
    [Uint8Array.from([...Buffer.from("0200000000000000", "hex"), 0x7b, 0x5b]), /invalid JSON in header/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(() => torch.load(bytes), (e: Error) => e instanceof torch.RuntimeError && re.test(e.message), `${re}`);
  }
});

test("corrupt pickles in legacy files: views outside their storage, bad counts, unknown opcodes", () => {
  const legacy = read("torch2_tensor_legacy.pt");
  const text = Buffer.from(legacy).toString("latin1");
  // the data pickle's size tuple (2, 2): BININT1 2, BININT1 2, TUPLE2
  const at = text.indexOf("K\x02K\x02\x86");
  assert.ok(at > 0);
  const grown = legacy.slice();
  grown[at + 1] = 3;
  assert.throws(() => torch.load(grown), /a tensor of size \(3, 2\), stride \(2, 1\) and offset 0 reads element 5, but its storage \S+ has only 4 elements/);
  // the element count in front of the raw storage
  const counted = legacy.slice();
  const countAt = legacy.length - 4 * 8 - 8;
  assert.equal(counted[countAt], 4);
  counted[countAt] = 5;
  assert.throws(() => torch.load(counted), /should hold 4 elements but its record says 5/);
  // storage views (written by PyTorch before 1.0): ('storage', type, key, location, numel,
  // (view_key, offset, size)) aliases part of the root storage
  const pid = text.indexOf("K\x04Nt");
  assert.ok(pid > 0);
  const view = Buffer.from(text.slice(0, pid) + "K\x04(X\x01\x00\x00\x00vK\x01K\x02tt" + text.slice(pid + 4), "latin1");
  const viewText = view.toString("latin1");
  const sizeAt = viewText.indexOf("K\x02K\x02\x86");
  const small = Buffer.from(viewText.slice(0, sizeAt) + "K\x01K\x02\x86" + viewText.slice(sizeAt + 5), "latin1");
  const t = torch.load(small) as torch.Tensor;
  assert.deepEqual(t.tolist(), [[-2, 0.25]]);
  assert.equal(t._storage.data.length, 2);
  assert.throws(() => torch.load(view), /a tensor of size \(2, 2\), stride \(2, 1\) and offset 0 reads element 3, but its storage v has only 2 elements/);
  const outside = Buffer.from(text.slice(0, pid) + "K\x04(X\x01\x00\x00\x00vK\x03K\x02tt" + text.slice(pid + 4), "latin1");
  assert.throws(() => torch.load(outside), /storage view of \S+ lies outside it/);
  // an opcode that builds arbitrary objects (INST) is never run
  const inst = legacy.slice();
  inst[text.indexOf("ctorch._utils")] = 0x69;
  assert.throws(() => torch.load(inst), /unsupported pickle opcode 0x69 \('i'\).*never run/);
});
