// Bit-exact torch.sum / nansum / mean against goldens from Debian's torch 1.13 (AVX2), written by
// scripts/gen_sum_goldens.py into test/vectors/sum/sum_goldens.json. Inputs are not stored:
// `values` below mirrors the script's integer hash, so both sides see the same storage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bool, float32, float64, int32, int64, type DType, type TypedArray } from "../src/dtype.js";
import { getReductionThreads, setReductionThreads, sumInto, sumLane } from "../src/backend/sum_order.js";

interface Case {
  name: string;
  shape: number[];
  strides: number[];
  offset: number;
  storage: number;
  dims: number[] | null;
  dtype: "float32" | "float64" | "int64" | "int32" | "bool";
  kind: number;
  seed: number;
  op?: "sum" | "nansum" | "mean";
  out_dtype?: "float32" | "float64" | "int64";
  threads?: number;
  keepdim?: boolean;
  expect: { hex: string } | { sha256: string; n: number };
}

const here = dirname(fileURLToPath(import.meta.url));
const gold = JSON.parse(readFileSync(join(here, "vectors/sum/sum_goldens.json"), "utf8")) as {
  cases: Case[];
  lecture: Record<string, string | boolean[]>;
};
const DT: Record<string, DType> = { float32, float64, int64, int32, bool };

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const storages = new Map<string, TypedArray>(); // the big cases reuse storage across thread counts

/** Storage element i of a case (mirror of values() in scripts/gen_sum_goldens.py). */
function values(seed: number, n: number, kind: number, dtype: DType): TypedArray {
  const key = `${seed}/${n}/${kind}/${dtype.name}`;
  const hit = storages.get(key);
  if (hit) return hit;
  const out = new dtype.ArrayType(n);
  const span = kind === 1 || kind === 3 ? 8 : 24;
  for (let i = 0; i < n; i++) {
    const h1 = fmix32((Math.imul(i, 0x9e3779b1) + Math.imul(seed, 0x85ebca77) + 1) >>> 0);
    const h2 = fmix32((h1 ^ 0x27d4eb2f) >>> 0);
    let v: number;
    if (kind === 5) v = -0;
    else if (kind === 6) v = (h1 % 2001) - 1000;
    else if (kind === 7) v = h1 & 1;
    else if (kind === 4) v = h1 * 256 + (h2 >>> 24) - 2 ** 39;
    else {
      const m = dtype === float32 ? (h1 >>> 8) / 2 ** 24 : ((h1 >>> 5) * 2 ** 26 + (h2 >>> 6)) / 2 ** 53;
      if (kind === 0) v = m;
      else {
        const e = (h2 % (2 * span + 1)) - span;
        v = (h2 >>> 31 === 1 ? -1 : 1) * m * 2 ** e;
        if (kind === 3 && h1 % 7 === 0) v = NaN;
      }
    }
    out[i] = v;
  }
  storages.set(key, out);
  return out;
}

function encode(a: TypedArray, dtype: DType): { hex: string } | { sha256: string; n: number } {
  const bytes =
    dtype === int64 ? new Uint8Array(BigInt64Array.from(a as Float64Array, (v) => BigInt(v)).buffer) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (a.length > 256) return { sha256: createHash("sha256").update(bytes).digest("hex"), n: a.length };
  const w = dtype.itemsize;
  let hex = "";
  for (let k = 0; k < bytes.length; k += w) {
    for (let b = w - 1; b >= 0; b--) hex += bytes[k + b].toString(16).padStart(2, "0");
  }
  return { hex };
}

function runCase(c: Case): TypedArray {
  const inDt = DT[c.dtype];
  const outDt = c.out_dtype ? DT[c.out_dtype] : inDt;
  const X = values(c.seed, c.storage, c.kind, inDt);
  const dims = c.dims ?? c.shape.map((_, d) => d);
  let outN = 1;
  let count = 1;
  c.shape.forEach((s, d) => (dims.includes(d) ? (count *= s) : (outN *= s)));
  const O = new outDt.ArrayType(outN);
  sumInto(X, c.offset, c.shape, c.strides, dims, O, 0, inDt, outDt, c.op === "nansum");
  if (c.op === "mean") {
    // at::mean on CPU: sum_out(...).div_(count), a true division by the count in the out dtype
    for (let i = 0; i < outN; i++) O[i] = outDt === float32 ? Math.fround(O[i] / Math.fround(count)) : O[i] / count;
  }
  return O;
}

test("sum/nansum/mean goldens from torch 1.13 are matched bit for bit", () => {
  const failed: string[] = [];
  const saved = getReductionThreads();
  try {
    for (const c of gold.cases) {
      setReductionThreads(c.threads ?? 1);
      const outDt = DT[c.out_dtype ?? c.dtype];
      const got = encode(runCase(c), outDt);
      if (JSON.stringify(got) !== JSON.stringify(c.expect)) failed.push(`${c.name}: got ${JSON.stringify(got)} want ${JSON.stringify(c.expect)}`);
    }
  } finally {
    setReductionThreads(saved);
  }
  assert.ok(gold.cases.length > 1500);
  assert.deepEqual(failed.slice(0, 20), [], `${failed.length} of ${gold.cases.length} cases differ`);
});

function fromHex(hex: string): Float32Array {
  const u = new Uint32Array(hex.length / 8);
  for (let i = 0; i < u.length; i++) u[i] = parseInt(hex.slice(8 * i, 8 * i + 8), 16);
  return new Float32Array(u.buffer);
}
const L = gold.lecture as Record<string, string> & { good_eq1: boolean[]; bad_eq1: boolean[] };

/** Row-wise and full sums of a contiguous [R, C] float32 matrix, as torchlette's reduce calls them. */
function sum2d(a: Float32Array, R: number, C: number, dims: number[]): Float32Array {
  const n = dims.length === 2 ? 1 : dims[0] === 0 ? C : R;
  const o = new Float32Array(n);
  sumInto(a, 0, [R, C], [C, 1], dims, o, 0, float32, float32, false);
  return o;
}

test("lecture: probs = logits / logits.sum(1, keepdim=True) rows sum to exactly 1", () => {
  const logits = fromHex(L.logits);
  const s = sum2d(logits, 3, 3, [1]);
  assert.deepEqual(Array.from(s), Array.from(fromHex(L.s_keep)));
  const good = logits.map((v, k) => Math.fround(v / s[Math.floor(k / 3)]));
  const bad = logits.map((v, k) => Math.fround(v / s[k % 3])); // s of shape [3] broadcasts along rows
  const goodRows = Array.from({ length: 3 }, (_, i) => sumLane(good, 3 * i, 3, 1, float32, float32, false));
  const badRows = Array.from({ length: 3 }, (_, i) => sumLane(bad, 3 * i, 3, 1, float32, float32, false));
  assert.deepEqual(goodRows, Array.from(fromHex(L.good_rows)));
  assert.deepEqual(badRows, Array.from(fromHex(L.bad_rows)));
  assert.deepEqual(goodRows.map((v) => v === 1), [true, true, true]);
  assert.deepEqual(badRows.map((v) => v === 1), [false, false, false]);
  assert.deepEqual(L.good_eq1, [true, true, true]);
  assert.deepEqual(L.bad_eq1, [false, false, false]);
});

test("lecture: p = rand(100, 27); p / p.sum(1, keepdim=True) matches bit for bit", () => {
  const p = fromHex(L.p);
  const ps = sum2d(p, 100, 27, [1]);
  assert.deepEqual(Array.from(ps), Array.from(fromHex(L.p_rowsum)));
  const pn = p.map((v, k) => Math.fround(v / ps[Math.floor(k / 27)]));
  assert.deepEqual(Array.from(pn), Array.from(fromHex(L.pn)));
  assert.deepEqual(Array.from(sum2d(pn, 100, 27, [1])), Array.from(fromHex(L.pn_rowsums)));
  assert.deepEqual(Array.from(sum2d(pn, 100, 27, [0])), Array.from(fromHex(L.pn_colsums)));
  assert.deepEqual(Array.from(sum2d(pn, 100, 27, [0, 1])), Array.from(fromHex(L.pn_total)));
});

test("float32 sums accumulate in float32, not double", () => {
  // 2^24 + 1 + 1 ...: a float32 accumulator loses every +1 that a double one would keep
  const a = new Float32Array(5).fill(1);
  a[0] = 2 ** 24;
  assert.equal(sumLane(a, 0, 5, 1, float32, float32, false), 2 ** 24);
  assert.equal(sumLane(a, 0, 5, 1, float32, float64, false), 2 ** 24 + 4);
});

test("threads only matter from 32768 elements", () => {
  const saved = getReductionThreads();
  try {
    const x = values(3, 40000, 1, float32);
    setReductionThreads(1);
    const one = [sumLane(x, 0, 32767, 1, float32, float32, false), sumLane(x, 0, 40000, 1, float32, float32, false)];
    setReductionThreads(2);
    const two = [sumLane(x, 0, 32767, 1, float32, float32, false), sumLane(x, 0, 40000, 1, float32, float32, false)];
    assert.equal(one[0], two[0]);
    assert.notEqual(one[1], two[1]); // two partial sums of 20000 each, then added
  } finally {
    setReductionThreads(saved);
  }
  assert.throws(() => setReductionThreads(0));
});
