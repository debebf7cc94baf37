// glibc-exact log/sin/cos/logf/sinf/cosf and single-rounding fma32/fma64, against values from
// this machine's glibc and FMA hardware (test/vectors/rng/libm.json, scripts/gen_libm_vectors.py,
// which also checks > 1e6 inputs per function) plus an independent exact BigInt reference.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fma32, fma64 } from "../src/random/fma.js";
import { Generator } from "../src/random/generator.js";
import { LANE, cos, cosf, log, log256, logf, sin, sincos256, sinf } from "../src/random/libm.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const V: any = JSON.parse(readFileSync(new URL("./vectors/rng/libm.json", import.meta.url), "utf8")).functions;

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const d = (h: string) => {
  U64[0] = BigInt("0x" + h);
  return F64[0];
};
const f = (h: string) => {
  U32[0] = parseInt(h, 16);
  return F32[0];
};
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

const unary: [string, (x: number) => number, (x: number) => number, boolean][] = [
  ["log", log, Math.log, false],
  ["sin", sin, Math.sin, false],
  ["cos", cos, Math.cos, false],
  ["logf", logf, (x) => Math.fround(Math.log(x)), true],
  ["sinf", sinf, (x) => Math.fround(Math.sin(x)), true],
  ["cosf", cosf, (x) => Math.fround(Math.cos(x)), true],
];

for (const [name, fn, v8, isF32] of unary) {
  test(`${name} matches glibc bit for bit`, () => {
    const { x, y } = V[name];
    const dec = isF32 ? f : d;
    let v8wrong = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = dec(x[i]);
      const yi = dec(y[i]);
      assert.ok(same(fn(xi), yi), `${name}(${xi}) = ${fn(xi)}, glibc ${yi}`);
      if (!same(v8(xi), yi)) v8wrong++;
    }
    // the vectors include cases where V8's Math (rounded to float32 for the float functions)
    // is not glibc, so a Math-based implementation fails here
    assert.ok(v8wrong >= 300, `${name}: only ${v8wrong} V8 disagreements in the vectors`);
  });
}

test("fma64 / fma32 match the hardware fma (glibc fma/fmaf via ctypes)", () => {
  for (const [name, fn, dec, naive] of [
    ["fma", fma64, d, (a: number, b: number, c: number) => a * b + c],
    ["fmaf", fma32, f, (a: number, b: number, c: number) => Math.fround(a * b + c)],
  ] as const) {
    const { x, y } = V[name];
    let naiveWrong = 0;
    for (let i = 0; i < y.length; i++) {
      const [a, b, c] = [dec(x[3 * i]), dec(x[3 * i + 1]), dec(x[3 * i + 2])];
      const r = dec(y[i]);
      assert.ok(same(fn(a, b, c), r), `${name}(${a}, ${b}, ${c}) = ${fn(a, b, c)}, hardware ${r}`);
      if (!same(naive(a, b, c), r)) naiveWrong++;
    }
    assert.ok(naiveWrong >= 300, name);
  }
});

// ---- independent exact reference: a*b+c as a BigInt fraction, rounded to p bits -------------

function parts(x: number): [bigint, number] {
  // x = m * 2^e exactly
  let e = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    e--;
  }
  return [BigInt(x), e];
}

function exactFma(a: number, b: number, c: number, p: number, emin: number, emax: number): number {
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  const [mc, ec] = parts(c);
  const e = Math.min(ea + eb, ec);
  const m = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  if (m === 0n) return a * b === 0 && c === 0 && (a * b < 0 || Object.is(a * b, -0)) && Object.is(c, -0) ? -0 : 0;
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const len = abs.toString(2).length;
  // keep p bits, but never bits below 2^emin (subnormals)
  const keepExp = Math.max(e + len - p, emin);
  let q: bigint;
  if (keepExp > e) {
    const sh = BigInt(keepExp - e);
    q = abs >> sh;
    const rem = abs - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  } else {
    q = abs << BigInt(e - keepExp);
  }
  let r = Number(q) * 2 ** keepExp;
  if (q.toString(2).length + keepExp > emax) r = Infinity;
  return neg ? -r : r;
}

test("fma64 / fma32 agree with exact rational arithmetic on random and midpoint cases", () => {
  const g = new Generator().manual_seed(2024);
  const u = () => g.uniform53();
  let n = 0;
  for (let i = 0; i < 20000; i++) {
    // double: random magnitudes, and products that land just off a rounding midpoint of c
    let a = (u() - 0.5) * 2 ** Math.floor(u() * 40 - 20);
    let b = (u() - 0.5) * 2 ** Math.floor(u() * 40 - 20);
    let c = (u() - 0.5) * 2 ** Math.floor(u() * 40 - 20);
    if (i % 2) {
      c = (1 + Math.floor(u() * 2 ** 52) * 2 ** -52) * (u() < 0.5 ? -1 : 1);
      const r = Math.floor(u() * 2 ** 20);
      a = 2 ** -53 * (1 + r * 2 ** -50) * (u() < 0.5 ? -1 : 1);
      b = 1 - (r + Math.floor(u() * 3) - 1) * 2 ** -50;
    }
    assert.equal(fma64(a, b, c), exactFma(a, b, c, 53, -1074, 1024), `fma64(${a}, ${b}, ${c})`);
    // float32
    const fa = Math.fround(a * 2 ** 20);
    const fb = Math.fround(b);
    let fc = Math.fround(c);
    let fa2 = fa;
    let fb2 = fb;
    if (i % 2) {
      fc = Math.fround((1 + Math.floor(u() * 2 ** 23) * 2 ** -23) * (u() < 0.5 ? -1 : 1));
      const r = Math.floor(u() * 32);
      fa2 = Math.fround(2 ** -24 * (1 + r * 2 ** -21) * (u() < 0.5 ? -1 : 1));
      fb2 = Math.fround(1 - (r + Math.floor(u() * 3) - 1) * 2 ** -21);
    }
    assert.equal(fma32(fa2, fb2, fc), exactFma(fa2, fb2, fc, 24, -149, 128), `fma32(${fa2}, ${fb2}, ${fc})`);
    n++;
  }
  assert.equal(n, 20000);
  // edge cases of the exact path
  assert.equal(fma64(2 ** 1000, 2 ** 23, -(2 ** 1023)), exactFma(2 ** 1000, 2 ** 23, -(2 ** 1023), 53, -1074, 1024));
  assert.equal(fma64(2 ** -600, 2 ** -480, 2 ** -1074), exactFma(2 ** -600, 2 ** -480, 2 ** -1074, 53, -1074, 1024));
  assert.ok(Object.is(fma64(-(2 ** -600), 2 ** -600, 0), -0));
  assert.ok(Object.is(fma64(0, -1, 0), 0));
  assert.ok(Object.is(fma64(0, -1, -0), -0));
  assert.equal(fma64(Infinity, 0, 1), NaN);
  assert.equal(fma64(1e308, 10, -Infinity), -Infinity);
  // at FLT_MAX + half an ulp the tie goes to the even neighbour 2^128, i.e. overflow
  const FLT_MAX = 3.4028234663852886e38;
  assert.equal(fma32(FLT_MAX, 1, 2 ** 102), FLT_MAX);
  assert.equal(fma32(FLT_MAX, 1, 2 ** 103), Infinity);
  assert.equal(fma32(FLT_MAX, 1, 2 ** 103), exactFma(FLT_MAX, 1, 2 ** 103, 24, -149, 128));
  assert.equal(fma32(-FLT_MAX, 1, -(2 ** 102)), -FLT_MAX);
});

test("log256 / sincos256 (avx_mathfun lanes) on reference points", () => {
  assert.equal(log256(1), 0);
  assert.ok(Number.isNaN(log256(0)) && Number.isNaN(log256(-1)));
  assert.equal(log256(0.5), Math.fround(-Math.LN2));
  sincos256(0);
  assert.ok(Object.is(LANE[1], 0) && LANE[2] === 1);
  // the float32 polynomials agree with the true values to a couple of float32 ulps
  for (let k = 1; k < 1000; k++) {
    const x = Math.fround(k / 1000);
    assert.ok(Math.abs(log256(x) - Math.log(x)) <= 4e-7 * Math.max(1, Math.abs(Math.log(x))));
    const t = Math.fround((k / 1000) * 2 * Math.PI);
    sincos256(t);
    assert.ok(Math.abs(LANE[1] - Math.sin(t)) < 3e-7 && Math.abs(LANE[2] - Math.cos(t)) < 3e-7);
  }
});
