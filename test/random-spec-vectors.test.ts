// Every value in the RNG spec's vector files (copied to test/vectors/rng/spec_*.json, produced
// by torch 1.13.1, Debian build, AVX2) reproduced bit for bit.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Generator, default_generator, manual_seed } from "../src/random/generator.js";
import {
  bernoulliScalarFill,
  bernoulliTensorFill,
  dropoutMask,
  exponentialFill,
  multinomial,
  normalFill,
  randomFill,
  randperm,
  setCpuCapability,
  uniformFill,
} from "../src/random/kernels.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const load = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`./vectors/rng/spec_${name}.json`, import.meta.url), "utf8"));

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
const hex32 = (v: number) => {
  F32[0] = v;
  return "0x" + U32[0].toString(16).padStart(8, "0");
};
const hex64 = (v: number) => {
  F64[0] = v;
  return "0x" + U64[0].toString(16).padStart(16, "0");
};
const hexes = (a: ArrayLike<number>, f64 = false) => Array.from(a, f64 ? hex64 : hex32);
const sha = (a: Float32Array) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
const gen = (seed: number | bigint) => new Generator().manual_seed(seed);

function rand(g: Generator, n: number, f64 = false) {
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  uniformFill(g, a);
  return a;
}
function randn(g: Generator, n: number, f64 = false) {
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  normalFill(g, a, 0, 1, true);
  return a;
}
function linear(g: Generator, fin: number, fout: number) {
  // nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) then bias uniform(+-1/sqrt(fan_in))
  const gain = Math.sqrt(2.0 / (1 + Math.sqrt(5) ** 2));
  const wb = Math.sqrt(3.0) * (gain / Math.sqrt(fin));
  const w = new Float32Array(fin * fout);
  uniformFill(g, w, -wb, wb);
  const bb = 1 / Math.sqrt(fin);
  const b = new Float32Array(fout);
  uniformFill(g, b, -bb, bb);
  return { w, b, wb, bb };
}

test("mt19937.json: engine outputs, seeding, state bytes", () => {
  const d = load("mt19937");
  assert.equal(String(new Generator().initial_seed()), d.default_generator_seed_of_torch_Generator);
  for (const c of d.cases) {
    const seed = BigInt(c.seed);
    const g = gen(seed);
    assert.deepEqual(Array.from({ length: 8 }, () => g.random()), c.random32_first8, c.seed);
    const g2 = gen(seed);
    assert.deepEqual(Array.from({ length: 4 }, () => String(g2.random64())), c.random64_first4, c.seed);
    const st = gen(seed).get_state_bytes();
    const dv = new DataView(st.buffer);
    assert.deepEqual([0, 1, 2, 3].map((j) => Number(dv.getBigUint64(24 + 8 * j, true))), c.state_after_seeding_first4);
    assert.equal(Number(dv.getBigUint64(24 + 8 * 623, true)), c.state_after_seeding_last);
    assert.equal(String(gen(seed).initial_seed()), c.seed);
  }
  const g = gen(42);
  randn(g, 3);
  const st = g.get_state_bytes();
  assert.equal(st.length, d.get_state_example.size);
  assert.equal(Buffer.from(st).toString("hex"), d.get_state_example.hex);
});

test("uniform.json", () => {
  const c = load("uniform").cases;
  const g = gen(2147483647);
  assert.deepEqual(hexes(rand(g, 3)), c[0].hex);
  assert.deepEqual(hexes(rand(g, 12)), c[1].hex);
  assert.deepEqual(hexes(rand(gen(2147483647), 12)), c[2].hex);
  assert.deepEqual(hexes(rand(gen(2147483647), 5, true), true), c[3].hex);
  const a = new Float32Array(8);
  uniformFill(gen(7), a, -1 / Math.sqrt(30), 1 / Math.sqrt(30));
  assert.deepEqual(hexes(a), c[4].hex);
  const b = new Float64Array(4);
  uniformFill(gen(7), b, -2.0, 3.0);
  assert.deepEqual(hexes(b, true), c[5].hex);
  manual_seed(42);
  assert.deepEqual(hexes(rand(default_generator, 5)), c[6].hex);
});

test("normal.json: block path, cached pairs, float64, mean/std, non-contiguous", () => {
  const d = load("normal");
  for (const c of d.cases) {
    const m = /^torch\.manual_seed\(1337\); torch\.randn\(([\d, ]+)(, dtype=torch\.float64)?\)$/.exec(c.construct);
    if (!m) continue;
    const n = m[1].split(",").filter((s: string) => s.trim()).reduce((p: number, s: string) => p * Number(s), 1);
    manual_seed(1337);
    const out = randn(default_generator, n, !!m[2]);
    if (c.hex) assert.deepEqual(hexes(out, !!m[2]), c.hex, c.construct);
    if (c.first8) {
      assert.deepEqual(hexes(out.subarray(0, 8)), c.first8.hex);
      assert.deepEqual(hexes(out.subarray(n - 8)), c.last8.hex);
    }
    if (c.sha256_f32le) assert.equal(sha(out as Float32Array), c.sha256_f32le, c.construct);
  }
  const seq = d.cases.find((c: Json) => c.results);
  manual_seed(5);
  const got = [
    hexes(randn(default_generator, 1)),
    hexes(randn(default_generator, 1)),
    hexes(randn(default_generator, 3)),
    hexes(randn(default_generator, 16)),
    hexes(randn(default_generator, 1)),
    hexes(randn(default_generator, 1, true), true),
  ];
  assert.deepEqual(got, seq.results.map((r: Json) => r.hex));
  for (const n of [20, 7]) {
    const c = d.cases.find((c: Json) => c.construct.startsWith(`torch.empty(${n}).normal_(0.37, 2.9`));
    const a = new Float32Array(n);
    normalFill(gen(3), a, 0.37, 2.9, true);
    assert.deepEqual(hexes(a), c.hex);
  }
  const nc = d.cases.find((c: Json) => c.construct.startsWith("t = torch.empty(8, 4).t()"));
  const t = new Float32Array(32);
  normalFill(gen(5), t, 0, 1, false);
  assert.deepEqual(hexes(t), nc.hex);
});

test("normal.json: ATEN_CPU_CAPABILITY=default (glibc logf/sinf/cosf, no FMA)", () => {
  const d = load("normal");
  setCpuCapability("default");
  try {
    for (const c of d.scalar_path_cases) {
      const n = Number(/randn\((\d+)\)/.exec(c.construct)![1]);
      manual_seed(1337);
      assert.deepEqual(hexes(randn(default_generator, n)), c.hex, c.construct);
    }
    manual_seed(42);
    const { w, b } = linear(default_generator, 30, 200);
    assert.deepEqual([...hexes(w.subarray(0, 5)), ...hexes(b.subarray(0, 5))], d.scalar_linear_30_200.hex);
  } finally {
    setCpuCapability("avx2");
  }
});

test("nn_init.json: nn.Linear and nn.Embedding default init", () => {
  const [c0, c1, c2] = load("nn_init").cases;
  manual_seed(42);
  const { w, b, wb, bb } = linear(default_generator, 30, 200);
  assert.equal(String(wb), c0.weight_bound);
  assert.equal(String(bb), c0.bias_bound);
  assert.deepEqual(hexes(w.subarray(0, 5)), c0.weight_first2rows_first5cols[0].hex);
  assert.deepEqual(hexes(w.subarray(30, 35)), c0.weight_first2rows_first5cols[1].hex);
  assert.deepEqual(hexes(w.subarray(6000 - 5)), c0.weight_last_row_last5.hex);
  assert.deepEqual(hexes(b.subarray(0, 5)), c0.bias_first5.hex);
  assert.deepEqual(hexes(b.subarray(195)), c0.bias_last5.hex);
  assert.equal(sha(w), c0.weight_sha256_f32le);
  assert.equal(sha(b), c0.bias_sha256_f32le);
  manual_seed(42);
  const l2 = linear(default_generator, 4, 3);
  assert.deepEqual(hexes(l2.w), c1.weight.hex);
  assert.deepEqual(hexes(l2.b), c1.bias.hex);
  manual_seed(42);
  const emb = randn(default_generator, 270) as Float32Array;
  assert.deepEqual(hexes(emb.subarray(0, 10)), c2.row0.hex);
  assert.deepEqual(hexes(emb.subarray(260)), c2.row26.hex);
  assert.equal(sha(emb), c2.sha256_f32le);
});

test("integers.json: randint, randperm", () => {
  const c = load("integers").cases;
  const ri = (g: Generator, lo: number, hi: number, n: number) => {
    const a = new Float64Array(n);
    randomFill(g, a, lo, hi, "int64");
    return Array.from(a);
  };
  assert.deepEqual(ri(gen(2147483647), 0, 27, 100), c[0].values);
  manual_seed(42);
  assert.deepEqual(ri(default_generator, 0, 27, 100), c[1].values);
  assert.deepEqual(ri(gen(1), -(2 ** 40), 2 ** 40, 6), c[2].values);
  assert.deepEqual(ri(gen(1), 0, 10, 8), c[3].values);
  assert.deepEqual(Array.from(randperm(gen(2147483647), 10)), c[4].values);
  assert.deepEqual(Array.from(randperm(gen(2147483647), 1000)), c[5].values);
  manual_seed(42);
  assert.deepEqual(Array.from(randperm(default_generator, 10)), c[6].values);
});

test("multinomial.json: CDF path (replacement, incl. one sample) and exponential trick", () => {
  const c = load("multinomial").cases;
  const g = gen(2147483647);
  const r = rand(g, 3) as Float32Array;
  const s = Math.fround(Math.fround(r[0] + r[1]) + r[2]);
  const p = r.map((v) => v / s);
  assert.deepEqual(hexes(p), c[0].p.hex);
  assert.deepEqual(Array.from(multinomial(g, p, 1, 3, 100, true)), c[0].values);
  assert.deepEqual(Array.from(multinomial(gen(42), p, 1, 3, 20, true)), c[1].values);
  const ones = Array.from({ length: 10 }, (_, seed) => multinomial(gen(seed), p, 1, 3, 1, true)[0]);
  assert.deepEqual(ones, c[2].values_torch_1_13_cdf_path);
  const w = new Float32Array([0, 10, 3, 1]);
  for (const k of c[3].cases) {
    const q = new Float32Array(4);
    exponentialFill(gen(k.seed), q, 1);
    assert.deepEqual(hexes(q), k.q_exponential.hex);
    assert.deepEqual(Array.from(multinomial(gen(k.seed), w, 1, 4, 2, false)), k.result);
  }
  manual_seed(0);
  assert.deepEqual(Array.from(multinomial(default_generator, w, 1, 4, 3, false)), c[4].values);
});

test("bernoulli_exponential.json: bernoulli_, bernoulli, dropout, exponential_", () => {
  const c = load("bernoulli_exponential").cases;
  const b = new Float32Array(20);
  bernoulliScalarFill(gen(42), b, 0.5);
  assert.deepEqual(Array.from(b), c[0].values);
  const probs = rand(gen(1), 10) as Float32Array;
  assert.deepEqual(hexes(probs), c[1].probs.hex);
  const bt = new Float32Array(10);
  bernoulliTensorFill(gen(2), bt, probs);
  assert.deepEqual(Array.from(bt), c[1].values);
  manual_seed(42);
  const mask = new Float32Array(20);
  dropoutMask(default_generator, mask, 0.2);
  const x = new Float32Array(20).fill(1).map((v, i) => v * mask[i]);
  assert.deepEqual(hexes(x), c[2].hex);
  const e = new Float32Array(10);
  exponentialFill(gen(42), e);
  assert.deepEqual(hexes(e), c[3].hex);
  const e2 = new Float64Array(5);
  exponentialFill(gen(42), e2, 2.0);
  assert.deepEqual(hexes(e2, true), c[4].hex);
});
