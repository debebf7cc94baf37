// Generator API (seeding, state bytes, validation), the mt19937 engine's bulk path, and error
// messages checked against torch 1.13 (keys of goldens_1_13.json "errors").
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  DEFAULT_RNG_SEED,
  Generator,
  default_generator,
  get_rng_state_bytes,
  initial_seed,
  manual_seed,
  seed,
  set_rng_state_bytes,
} from "../src/random/generator.js";
import {
  bernoulliScalarFill,
  bernoulliTensorFill,
  cppDouble,
  dropoutMask,
  exponentialFill,
  multinomial,
  normalFill,
  randomFill,
  randperm,
  uniformFill,
} from "../src/random/kernels.js";
import { MT19937 } from "../src/random/mt19937.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ERR: Record<string, any> = JSON.parse(
  readFileSync(new URL("./vectors/rng/goldens_1_13.json", import.meta.url), "utf8"),
).errors;

test("manual_seed wraps Python ints to uint64 and rejects the rest like 1.13", () => {
  assert.equal(new Generator().initial_seed(), DEFAULT_RNG_SEED);
  assert.equal(new Generator().manual_seed(-1).initial_seed(), 18446744073709551615n);
  assert.equal(new Generator().manual_seed(-(2n ** 63n)).initial_seed(), 2n ** 63n);
  assert.equal(new Generator().manual_seed(2n ** 64n - 1n).initial_seed(), 2n ** 64n - 1n);
  assert.equal(new Generator().manual_seed(2 ** 53 - 1).initial_seed(), 2 ** 53 - 1);
  assert.equal(new Generator().manual_seed(2 ** 53).initial_seed(), 2n ** 53n);
  // only the low 32 bits drive the engine
  const a = new Generator().manual_seed(7);
  const b = new Generator().manual_seed(2 ** 32 + 7);
  for (let i = 0; i < 1000; i++) assert.equal(a.random(), b.random());
  assert.throws(() => new Generator().manual_seed(2n ** 64n), { name: ERR.seed_overflow[0], message: ERR.seed_overflow[1] });
  assert.throws(() => new Generator().manual_seed(-(2n ** 63n) - 1n), { message: ERR.seed_overflow_neg[1] });
  assert.throws(() => new Generator().manual_seed(1.5), { name: ERR.seed_float[0], message: ERR.seed_float[1] });
  assert.throws(() => new Generator().manual_seed(NaN), { message: "manual_seed expected a long, but got float" });
  // torch.manual_seed applies int() first
  assert.equal(manual_seed(1.9).initial_seed(), 1);
  assert.equal(manual_seed(-1.5).initial_seed(), 2n ** 64n - 1n);
  assert.throws(() => manual_seed(NaN), { name: "ValueError", message: "cannot convert float NaN to integer" });
  assert.equal(initial_seed(), 2n ** 64n - 1n);
});

test("manual_seed resets the stream and the cached normal", () => {
  const g = new Generator().manual_seed(3);
  const first = Array.from({ length: 5 }, () => g.random());
  const x = new Float64Array(1);
  normalFill(g, x); // leaves a cached sample
  assert.notEqual(g.next_double_normal_sample, null);
  g.manual_seed(3);
  assert.equal(g.next_double_normal_sample, null);
  assert.deepEqual(Array.from({ length: 5 }, () => g.random()), first);
});

test("seed() reseeds nondeterministically and returns the seed; default generator starts random", () => {
  const g = new Generator();
  const s1 = g.seed();
  assert.equal(g.initial_seed(), s1);
  const s2 = g.seed();
  assert.notEqual(s1, s2);
  const h = new Generator().manual_seed(BigInt(s2));
  const g2 = new Generator();
  g2.set_state_bytes(g.get_state_bytes());
  assert.equal(h.random(), g2.random());
  assert.notEqual(default_generator.initial_seed(), DEFAULT_RNG_SEED);
  const t = seed();
  assert.equal(initial_seed(), t);
});

test("get_state / set_state round-trip mid-stream, with and without a cached normal", () => {
  const g = new Generator().manual_seed(99);
  for (let i = 0; i < 1000; i++) g.random(); // past a twist
  const x = new Float32Array(3);
  normalFill(g, x); // odd count: one cached sample
  const st = g.get_state_bytes();
  assert.equal(st.length, 5056);
  const dv = new DataView(st.buffer);
  assert.equal(dv.getBigUint64(0, true), 99n);
  assert.equal(dv.getInt32(12, true), 1);
  assert.equal(dv.getInt32(5040, true), 1);
  assert.equal(dv.getFloat64(5024, true), g.next_double_normal_sample);
  const h = new Generator().set_state_bytes(st);
  assert.equal(h.initial_seed(), 99);
  const a = new Float32Array(40);
  const b = new Float32Array(40);
  normalFill(g, a.subarray(0, 1));
  normalFill(h, b.subarray(0, 1));
  uniformFill(g, a.subarray(1));
  uniformFill(h, b.subarray(1));
  assert.deepEqual(a, b);
  assert.deepEqual(g.get_state_bytes(), h.get_state_bytes());
  set_rng_state_bytes(st);
  assert.deepEqual(get_rng_state_bytes(), st);
});

test("set_state validates like CPUGeneratorImpl::set_state (1.13)", () => {
  assert.throws(() => new Generator().set_state_bytes(new Uint8Array(10)), { name: "RuntimeError", message: ERR.state_size[1] });
  assert.throws(() => new Generator().set_state_bytes(new Uint8Array(5056)), { message: ERR.state_invalid[1] });
  const make = (left: number, seeded: number, next: bigint) => {
    const s = new Generator().manual_seed(3).get_state_bytes();
    const dv = new DataView(s.buffer);
    dv.setInt32(8, left, true);
    dv.setInt32(12, seeded, true);
    dv.setBigUint64(16, next, true);
    return s;
  };
  const bad = [make(0, 1, 0n), make(625, 1, 0n), make(624, 1, 625n), make(624, 0, 624n), make(-1, 1, 0n)];
  for (const s of bad) assert.throws(() => new Generator().set_state_bytes(s), { message: "Invalid mt19937 state" });
  // accepted: any nonzero "seeded", next's high 32 bits are dropped (static_cast<uint32_t>)
  new Generator().set_state_bytes(make(624, 2, 624n));
  const g = new Generator().set_state_bytes(make(624, 1, 2n ** 32n + 5n));
  assert.equal(new DataView(g.get_state_bytes().buffer).getUint32(16, true), 5);
  // a failed set_state leaves the generator untouched
  const k = new Generator().manual_seed(5);
  const before = k.get_state_bytes();
  assert.throws(() => k.set_state_bytes(make(0, 1, 0n)));
  assert.deepEqual(k.get_state_bytes(), before);
});

test("random64 = (first << 32) | second; uniform53/uniform24 compose the same draws", () => {
  const a = new Generator().manual_seed(11);
  const b = new Generator().manual_seed(11);
  for (let i = 0; i < 100; i++) {
    const hi = BigInt(a.random());
    const lo = BigInt(a.random());
    assert.equal(b.random64(), (hi << 32n) | lo);
  }
  const c = new Generator().manual_seed(12);
  const d = new Generator().manual_seed(12);
  for (let i = 0; i < 100; i++) {
    assert.equal(c.uniform53(), Number(d.random64() & ((1n << 53n) - 1n)) / 2 ** 53);
    assert.equal(c.uniform24(), (d.random() & 0xffffff) / 2 ** 24);
  }
});

test("mt19937 fillU32 produces the nextU32 stream across twists", () => {
  const a = new MT19937(5489);
  const b = new MT19937(5489);
  const buf = new Uint32Array(2000);
  for (const n of [1, 623, 624, 625, 1, 1000, 1247, 2000]) {
    a.fillU32(buf, n);
    for (let i = 0; i < n; i++) assert.equal(buf[i], b.nextU32());
  }
  assert.equal(new MT19937(5489).nextU32(), 3499211612);
});

test("cppDouble formats like C++ ostream << double", () => {
  const cases: [number, string][] = [
    [2, "2"], [-1, "-1"], [0.1234567891, "0.123457"], [3e38, "3e+38"], [-1.5e-7, "-1.5e-07"],
    [1e-5, "1e-05"], [0.0001, "0.0001"], [123456, "123456"], [1234567, "1.23457e+06"], [NaN, "nan"],
    // exact ties round half to even like glibc printf (JS toExponential would round up)
    [1234565, "1.23456e+06"], [1234575, "1.23458e+06"], [0.00012345650000000001, "0.000123457"],
    [Infinity, "inf"], [-Infinity, "-inf"], [0, "0"], [100, "100"], [1e308, "1e+308"],
  ];
  for (const [x, s] of cases) assert.equal(cppDouble(x), s, String(x));
});

test("argument errors carry torch 1.13's messages", () => {
  const g = new Generator().manual_seed(0);
  const f32 = (n = 3) => new Float32Array(n);
  const calls: Record<string, () => unknown> = {
    uniform_order: () => uniformFill(g, f32(), 2, 1),
    uniform_order2: () => uniformFill(g, f32(), 0.1234567891, 0.1),
    uniform_from_oob: () => uniformFill(g, f32(), -3.5e38, 3e38),
    uniform_to_oob: () => uniformFill(g, f32(), 0, 1e39),
    uniform_span_f32: () => uniformFill(g, f32(), -3e38, 3e38),
    uniform_span_f64: () => uniformFill(g, new Float64Array(3), -1e308, 1e308),
    normal_std: () => normalFill(g, f32(), 0, -1),
    normal_std2: () => normalFill(g, f32(), 0, -0.123456789),
    normal_std3: () => normalFill(g, f32(), 0, -1.5e-7),
    exponential_lambda: () => exponentialFill(g, f32(), -1),
    bernoulli_p: () => bernoulliScalarFill(g, f32(), 1.5),
    bernoulli_tensor_p: () => bernoulliTensorFill(g, f32(2), new Float32Array([0.5, 1.5])),
    dropout_p: () => dropoutMask(g, f32(), 1.5),
    random_from_ge_to: () => randomFill(g, new Float64Array(3), 5, 5, "int64"),
    random_int32_to: () => randomFill(g, new Int32Array(3), 0, 2 ** 31 + 1, "int32"),
    random_uint8_from: () => randomFill(g, new Uint8Array(3), -1, 5, "uint8"),
    random_int8_to: () => randomFill(g, new Int8Array(3), 0, 200, "int8"),
    random_int16_to: () => randomFill(g, new Int16Array(3), 0, 2 ** 16, "int16"),
    random_bool_to: () => randomFill(g, new Uint8Array(3), 0, 3, "bool"),
    random_int64_from: () => randomFill(g, new Float64Array(3), 0, 2n ** 63n, "int64"),
    random_f32_from_none: () => randomFill(g, f32(), 2 ** 25, null, "float32"),
    random_full_int32: () => randomFill(g, new Int32Array(3), -(2n ** 63n), null, "int32"),
    randperm_neg: () => randperm(g, -1),
    randperm_f32: () => randperm(g, 2 ** 24 + 2, "float32"),
    randperm_uint8: () => randperm(g, 300, "uint8"),
    mn_nsample_gt: () => multinomial(g, new Float32Array([1, 2]), 1, 2, 3, false),
    mn_nsample_zero: () => multinomial(g, new Float32Array([1, 2]), 1, 2, 0, false),
    mn_neg: () => multinomial(g, new Float32Array([1, -2]), 1, 2, 1, false),
    mn_nan: () => multinomial(g, new Float32Array([1, NaN]), 1, 2, 1, false),
    mn_inf: () => multinomial(g, new Float32Array([1, Infinity]), 1, 2, 1, false),
    mn_zero: () => multinomial(g, new Float32Array([0, 0]), 1, 2, 1, false),
    mn_repl_neg: () => multinomial(g, new Float32Array([1, -2]), 1, 2, 1, true),
    mn_repl_nan: () => multinomial(g, new Float32Array([1, NaN]), 1, 2, 1, true),
    mn_repl_inf: () => multinomial(g, new Float32Array([1, Infinity]), 1, 2, 1, true),
    mn_repl_zero: () => multinomial(g, new Float32Array([0, 0]), 1, 2, 1, true),
  };
  let n = 0;
  for (const [key, call] of Object.entries(calls)) {
    assert.ok(ERR[key], key);
    assert.throws(call, { name: ERR[key][0], message: ERR[key][1] }, key);
    n++;
  }
  assert.equal(n, 35);
  assert.throws(() => randperm(g, 3, "bool"), { message: `"randperm" not implemented for 'Bool'` });
  assert.throws(() => randperm(g, 32769, "int16"), { message: "value cannot be converted to type int16_t without overflow" });
  assert.equal(randperm(g, 32768, "int16").length, 32768);
  // the second row's error comes after the first row's samples were drawn
  const h = new Generator().manual_seed(8);
  const row2 = ERR.mn_repl_row2;
  assert.throws(() => multinomial(h, new Float32Array([1, 2, 0, 0]), 2, 2, 3, true), { message: row2[1] });
  assert.equal(createHash("sha256").update(h.get_state_bytes()).digest("hex"), row2[2]);
});
