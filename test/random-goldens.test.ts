// Replays test/vectors/rng/goldens_1_13.json (scripts/gen_rng_goldens.py, torch 1.13.1 Debian
// build): interleaved call sequences on one generator, size sweeps, multinomial ties, every
// random_/randint bound form per dtype, state bytes, and error messages.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Generator, default_generator, manual_seed } from "../src/random/generator.js";
import {
  type OutArray,
  type RandomDtype,
  bernoulliScalarFill,
  bernoulliTensorFill,
  dropoutMask,
  exponentialFill,
  multinomial,
  normalFill,
  randomFill,
  randperm,
  uniformFill,
} from "../src/random/kernels.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const G: Json = JSON.parse(readFileSync(new URL("./vectors/rng/goldens_1_13.json", import.meta.url), "utf8"));

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
function encode(a: OutArray, dtype: string): string | number[] {
  if (dtype === "float32") {
    let s = "";
    for (const v of a) {
      F32[0] = v;
      s += U32[0].toString(16).padStart(8, "0");
    }
    return s;
  }
  if (dtype === "float64") {
    let s = "";
    for (const v of a) {
      F64[0] = v;
      s += U64[0].toString(16).padStart(16, "0");
    }
    return s;
  }
  return Array.from(a);
}
/** Golden ints beyond 2^53 are strings; int64 lives in doubles, so compare the rounded value. */
function expectInts(exp: (number | string)[]): number[] {
  return exp.map((v) => (typeof v === "string" ? Number(BigInt(v)) : v));
}
function check(got: OutArray, dtype: string, exp: Json, what: string) {
  const enc = encode(got, dtype);
  assert.deepEqual(enc, typeof exp === "string" ? exp : expectInts(exp), what);
}
function newArray(dtype: string, n: number): OutArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
    case "int64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "int16":
      return new Int16Array(n);
    case "int8":
      return new Int8Array(n);
    default:
      return new Uint8Array(n);
  }
}
const sha = (b: ArrayBufferView) => createHash("sha256").update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).digest("hex");
const big = (v: string | null) => (v === null ? null : BigInt(v));

function runOp(o: Json, g: Generator): string | number[] {
  const f = o.dtype === "float32" ? Float32Array : Float64Array;
  switch (o.op) {
    case "rand": {
      const a = new f(o.n);
      uniformFill(g, a);
      return encode(a, o.dtype);
    }
    case "uniform": {
      const a = new f(o.n);
      uniformFill(g, a, o.a, o.b);
      return encode(a, o.dtype);
    }
    case "randn": {
      const a = new f(o.n);
      normalFill(g, a, 0, 1, true);
      return encode(a, o.dtype);
    }
    case "normal": {
      const a = new f(o.n);
      normalFill(g, a, o.mean, o.std, o.contiguous || o.n === 1);
      return encode(a, o.dtype);
    }
    case "randint": {
      const a = new Float64Array(o.n);
      randomFill(g, a, BigInt(o.low), BigInt(o.high), "int64");
      return encode(a, "int64");
    }
    case "random_": {
      const a = newArray(o.dtype, o.n);
      randomFill(g, a, big(o.from), big(o.to), o.dtype);
      return encode(a, o.dtype);
    }
    case "randperm":
      return encode(randperm(g, o.n, o.dtype), o.dtype);
    case "bernoulli_p": {
      const a = newArray(o.dtype, o.n);
      bernoulliScalarFill(g, a, o.p);
      return encode(a, o.dtype);
    }
    case "bernoulli_t": {
      const probs = new f(o.probs);
      const a = new f(probs.length);
      bernoulliTensorFill(g, a, probs);
      return encode(a, o.dtype);
    }
    case "exponential": {
      const a = new f(o.n);
      exponentialFill(g, a, o.lambd);
      return encode(a, o.dtype);
    }
    case "multinomial":
      return encode(multinomial(g, new f(o.probs), o.rows, o.cats, o.k, o.replacement), "int64");
    case "dropout": {
      const mask = new f(o.n);
      dropoutMask(g, mask, o.p);
      const x = new f(o.n).fill(1).map((v, i) => v * mask[i]);
      return encode(x, o.dtype);
    }
    case "state":
      return sha(g.get_state_bytes()) as unknown as string;
  }
  throw new Error(`unknown op ${o.op}`);
}

test("programs: interleaved calls on one generator", () => {
  let ops = 0;
  for (const p of G.programs) {
    let g: Generator;
    if (p.gen === "default") {
      manual_seed(BigInt(p.seed));
      g = default_generator;
    } else {
      g = new Generator().manual_seed(BigInt(p.seed));
    }
    p.ops.forEach((o: Json, i: number) => {
      const got = runOp(o, g);
      const exp = typeof o.out === "string" ? o.out : expectInts(o.out);
      assert.deepEqual(got, exp, `${p.id} op${i} ${o.op} ${o.dtype ?? ""} n=${o.n ?? ""}`);
      ops++;
    });
  }
  assert.ok(ops > 400);
});

test("sweeps: rand/randn sizes 1..100, float32/float64, and a chained generator", () => {
  for (const s of G.sweeps) {
    const f = s.dtype === "float32" ? Float32Array : Float64Array;
    if (s.fn === "randn_chain") {
      const g = new Generator().manual_seed(s.seed);
      const h = createHash("sha256");
      for (let n = 1; n <= 100; n++) {
        const a = new f(n);
        normalFill(g, a, 0, 1, true);
        h.update(new Uint8Array(a.buffer));
      }
      assert.equal(h.digest("hex"), s.sha256[0], s.id);
      assert.equal(sha(g.get_state_bytes()), s.state, s.id);
      continue;
    }
    for (let n = 1; n <= 100; n++) {
      const a = new f(n);
      const g = new Generator().manual_seed(s.seed);
      if (s.fn === "randn") normalFill(g, a, 0, 1, true);
      else uniformFill(g, a);
      assert.equal(sha(a), s.sha256[n - 1], `${s.id} n=${n}`);
    }
  }
});

test("multinomial: ties through partial_sort / nth_element, 2-D rows, float64, replacement", () => {
  for (const c of G.multinomial) {
    for (const [key, exp] of Object.entries(c.outs)) {
      const [dtype, seed] = key.split("/");
      const probs = dtype === "float32" ? new Float32Array(c.probs) : new Float64Array(c.probs);
      const g = new Generator().manual_seed(Number(seed));
      const got = multinomial(g, probs, c.rows, c.cats, c.k, c.replacement);
      assert.deepEqual(Array.from(got), exp, `${c.id} ${key}`);
    }
  }
});

test("integers: random_/randint bound forms per dtype, randperm dtypes", () => {
  for (const c of G.integers) {
    const g = new Generator().manual_seed(c.seed);
    const run = () => {
      if (c.op === "randperm") return randperm(g, c.n, c.dtype as RandomDtype);
      const a = newArray(c.dtype, c.n);
      randomFill(g, a, big(c.from), big(c.to), c.dtype as RandomDtype);
      return a;
    };
    if (c.error) {
      assert.throws(run, { name: c.error[0], message: c.error[1] }, c.id);
      continue;
    }
    check(run(), c.dtype, c.out, c.id);
    if (c.state) assert.equal(sha(g.get_state_bytes()), c.state, c.id);
  }
});

test("states: digests along a call sequence; legacy 5048-byte set_state", () => {
  const seq = G.states.find((s: Json) => s.id === "state_seq");
  const g = new Generator().manual_seed(seq.seed);
  const f32 = (n: number) => new Float32Array(n);
  const calls = [
    () => {},
    () => normalFill(g, f32(1)),
    () => normalFill(g, f32(1)),
    () => normalFill(g, f32(3)),
    () => uniformFill(g, f32(700)),
    () => normalFill(g, new Float64Array(5)),
    () => randperm(g, 5),
  ];
  calls.forEach((call, i) => {
    call();
    assert.equal(sha(g.get_state_bytes()), seq.digests[i], `state_seq ${i}`);
  });
  let legacy = 0;
  for (const c of G.states.filter((s: Json) => s.id.startsWith("legacy"))) {
    const base = new Generator().manual_seed(c.seed).get_state_bytes().slice(0, 5048);
    const dv = new DataView(base.buffer);
    dv.setFloat64(5016, c.normal_x, true);
    dv.setFloat64(5024, 0, true);
    dv.setFloat64(5032, c.normal_rho, true);
    dv.setInt32(5040, c.valid, true);
    const g2 = new Generator().set_state_bytes(base);
    assert.equal(sha(g2.get_state_bytes()), c.state_after_set, c.id);
    assert.equal(String(g2.initial_seed()), c.initial_seed, c.id);
    const a = new Float64Array(2);
    normalFill(g2, a);
    assert.equal(encode(a, "float64"), c.randn2_f64, c.id);
    legacy++;
  }
  assert.equal(legacy, 5);
});
