// The tensor-level random API (src/ops/random.ts) against PyTorch 1.13: replays the programs of
// test/goldens/random_api.json (scripts/gen_random_api_goldens.py, Debian torch 1.13). Each step
// is the same call written in Python and in torchlette JS; results are compared bit for bit
// (floats by bit pattern, ints by value), with dtype, shape, strides, requires_grad, grad_fn,
// the printed repr, errors (class and message), and the state of both generators after every
// step, so a failing call that consumes (or does not consume) random numbers is checked too.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import * as torch from "../src/index.js";
import { DType } from "../src/dtype.js";
import { Generator } from "../src/random/generator.js";
import { Tensor } from "../src/tensor.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const GOLD: Json = JSON.parse(readFileSync(new URL("./goldens/random_api.json", import.meta.url), "utf8"));

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function hexValues(vals: ArrayLike<number>, dtype: string): string {
  let s = "";
  for (let i = 0; i < vals.length; i++) {
    if (dtype === "float32") {
      F32[0] = vals[i];
      s += U32[0].toString(16).padStart(8, "0");
    } else {
      F64[0] = vals[i];
      s += U64[0].toString(16).padStart(16, "0");
    }
  }
  return s;
}

/** sha256 of the tensor's contiguous bytes as numpy lays them out (int64 as 8-byte integers). */
function shaBytes(t: Tensor): string {
  const vals = t._values();
  const n = vals.length;
  let bytes: Uint8Array;
  switch (t.dtype.name) {
    case "float32":
      bytes = new Uint8Array(Float32Array.from(vals).buffer);
      break;
    case "float64":
      bytes = new Uint8Array(Float64Array.from(vals).buffer);
      break;
    case "int64": {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) a[i] = BigInt(vals[i]);
      bytes = new Uint8Array(a.buffer);
      break;
    }
    case "int32":
      bytes = new Uint8Array(Int32Array.from(vals).buffer);
      break;
    case "int16":
      bytes = new Uint8Array(Int16Array.from(vals).buffer);
      break;
    case "int8":
      bytes = new Uint8Array(Int8Array.from(vals).buffer);
      break;
    default:
      bytes = Uint8Array.from(vals);
  }
  return createHash("sha256").update(bytes).digest("hex");
}

function stateDigest(g: Generator): string {
  return createHash("sha256").update(g.get_state_bytes()).digest("hex").slice(0, 16);
}

function encode(r: unknown, digestOnly: boolean): Json {
  if (r instanceof Tensor) {
    const out: Json = {
      dtype: r.dtype.name,
      shape: r._shape.slice(),
      stride: r._strides.slice(),
      rg: r.requires_grad,
      gf: r.grad_fn?.name ?? null,
    };
    if (r.numel() > GOLD_BIG || digestOnly) out.sha = shaBytes(r);
    else {
      const vals = r._values();
      out.v = r.dtype.kind === "f" ? hexValues(vals, r.dtype.name) : Array.from(vals);
      if (r.numel() <= GOLD_REPR_MAX) out.repr = String(r);
    }
    return out;
  }
  if (r instanceof Generator) return { gen: 1 };
  if (r instanceof DType) return { dtype: r.name };
  if (r === undefined || r === null) return { none: 1 };
  if (typeof r === "number" || typeof r === "boolean") return { n: r };
  if (typeof r === "bigint") return { n: r.toString() };
  if (typeof r === "string") return { s: r };
  if (Array.isArray(r)) return { list: r.map((x) => encode(x, digestOnly)) };
  throw new Error(`cannot encode ${String(r)}`);
}
const GOLD_BIG = 120;
const GOLD_REPR_MAX = 40;

const JS_ERRORS: ErrorConstructor[] = [Error, globalThis.TypeError, RangeError, ReferenceError, SyntaxError];

type StepFn = (t: typeof torch, g: Generator, S: Record<string, unknown>) => unknown;
function compile(js: string, isDo: boolean): StepFn {
  return new Function("torch", "g", "S", isDo ? js : `return (${js});`) as StepFn;
}

/** Golden ints beyond 2^53 are strings; compare them as the double torchlette holds. */
function sameInts(actual: number[], expected: (number | string)[]): boolean {
  return actual.length === expected.length && actual.every((v, i) => v === Number(expected[i]));
}

function compareResult(actual: Json, expected: Json, where: string): void {
  if (expected.err !== undefined) {
    assert.deepEqual(actual, { err: expected.err, msg: expected.msg }, where);
    return;
  }
  if (expected.dtype !== undefined && expected.shape !== undefined) {
    assert.ok(actual.shape !== undefined, `${where}: expected a tensor, got ${JSON.stringify(actual)}`);
    const { v, ...restA } = actual;
    const { v: ev, ...restE } = expected;
    if (ev !== undefined && typeof ev !== "string") {
      assert.ok(sameInts(v, ev), `${where}: values\n  got      ${JSON.stringify(v)}\n  expected ${JSON.stringify(ev)}`);
      // int64 lives in doubles (exact to 2^53): random_() on int64 draws up to 2^63, which
      // torchlette holds rounded, so its printed digits differ; everything else still matches
      if (ev.some((x: number | string) => typeof x === "string")) {
        assert.ok(typeof restA.repr === "string" && typeof restE.repr === "string");
        delete restA.repr;
        delete restE.repr;
      }
    } else assert.equal(v, ev, `${where}: values`);
    assert.deepEqual(restA, restE, where);
    return;
  }
  if (expected.list !== undefined) {
    assert.ok(Array.isArray(actual.list), `${where}: expected a list`);
    assert.equal(actual.list.length, expected.list.length, `${where}: list length`);
    expected.list.forEach((e: Json, i: number) => compareResult(actual.list[i], e, `${where}[${i}]`));
    return;
  }
  if (expected.n !== undefined && typeof expected.n === "string") {
    assert.equal(String(actual.n), expected.n, where);
    return;
  }
  assert.deepEqual(actual, expected, where);
}

for (const prog of GOLD.programs) {
  test(`random api: ${prog.id}`, () => {
    const g = new torch.Generator();
    const S: Record<string, unknown> = {};
    prog.steps.forEach((st: Json, i: number) => {
      const where = `${prog.id}[${i}] py: ${st.py}\n  js: ${st.js}`;
      const fn = compile(st.js, !!st.do);
      if (st.do) fn(torch, g, S);
      else {
        let actual: Json;
        try {
          actual = encode(fn(torch, g, S), !!st.h);
        } catch (e) {
          // JS's own errors (a native TypeError, RangeError...) are bugs in the port, never
          // PyTorch's errors, which torchlette raises with its own classes
          if (!(e instanceof Error) || JS_ERRORS.includes(e.constructor as ErrorConstructor)) throw e;
          actual = { err: e.name, msg: e.message };
        }
        compareResult(actual, st.r, where);
      }
      if (st.gs !== undefined) assert.equal(stateDigest(g), st.gs, `${where}: state of g after the step`);
      assert.equal(stateDigest(torch.default_generator), st.ds, `${where}: state of the default generator after the step`);
    });
  });
}

test("torch.seed() reseeds the default generator nondeterministically and returns the seed", () => {
  const a = torch.seed();
  const b = torch.seed();
  assert.notEqual(a, b);
  assert.equal(torch.initial_seed(), b);
  const x = torch.rand(5);
  torch.manual_seed(b);
  assert.deepEqual(Array.from(torch.rand(5)._values()), Array.from(x._values()));
  const g = new torch.Generator();
  const s = g.seed();
  assert.equal(g.initial_seed(), s);
  assert.notEqual(s, new torch.Generator().seed());
});

test("the default generator is seeded nondeterministically at start (two processes differ)", async () => {
  const run = promisify(execFile);
  const src = fileURLToPath(new URL("../src/index.ts", import.meta.url));
  const code = `const t = await import(${JSON.stringify(src)}); console.log(String(t.initial_seed()), Array.from(t.rand(4)._values()).join(","));`;
  const args = ["--import", "tsx", "--input-type=module", "-e", code];
  const [p1, p2] = await Promise.all([run(process.execPath, args), run(process.execPath, args)]);
  const [s1, v1] = p1.stdout.trim().split(" ");
  const [s2, v2] = p2.stdout.trim().split(" ");
  assert.match(s1, /^\d+$/);
  assert.notEqual(s1, s2);
  assert.notEqual(v1, v2);
  // and not the fixed seed of a fresh torch.Generator()
  assert.notEqual(s1, String(67280421310721));
});
