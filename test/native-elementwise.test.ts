// Native element-wise float32 kernels on contiguous, broadcast (stride 0), transposed and gapped
// views, odd lengths (vector tails), offsets, and special values (NaN, +-inf, +-0, subnormals,
// huge). The ops nativeElementwise takes over (IEEE-exact ones: + - * / sqrt, comparisons,
// clamps, the backward formulas, and exp / log / tanh, ports of 1.13's SLEEF lanes) must agree
// bit for bit with the TypeScript backend (jsBackend.elementwise) on the same tensors; exp,
// log and tanh also on 2^17 random bit patterns (every class of float). sigmoid and silu are
// computed in double by the addon's own polynomials and checked against the same formulas
// over V8's Math.exp (fdlibm): the doubles differ by an ulp of double at times, which
// changes the float32 result only within ~1e-16 of a rounding boundary; allowed: 1 float32
// ulp, in at most a few elements of 400k. (The TypeScript backend's float32 versions of these
// follow 1.13's SLEEF / glibc instead, so nativeElementwise declines them.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EW_NOT_BIT_EXACT, EW_OPS, FLAT_PARAMS, activationLanes, ew, ewArity, nativeElementwise, type EwOp } from "../src/backend/native.js";
import { withTsKernels } from "./ts-kernels.js";
import { backend, jsBackend, type ActivationOp } from "../src/backend/index.js";
import { laneParams } from "../src/backend/js_math.js";
import { Tensor } from "../src/tensor.js";
import { Storage } from "../src/storage.js";
import { float32 } from "../src/dtype.js";
import { RuntimeError, TypeError as TorchTypeError, ValueError } from "../src/errors.js";
import { xorshift as rng } from "./rng.js";
import { nativeSkip, addonOrFail, supportedIsas } from "./native-env.js";

const skip = nativeSkip;


// What the TypeScript backend computed with Math.* in double before js_math.ts: the addon's
// reference for the ops nativeElementwise declines.
const R32 = Math.fround;
const DOUBLE_REF: Record<string, (a: number) => number> = {
  sigmoid: (a) => R32(1 / R32(1 + R32(Math.exp(-a)))),
  silu: (a) => a / (1 + Math.exp(-a)),
};
const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 1, -1, 0.5, 88.72, 88.73, -103.9, -87.3, 20, -20, 1e-8, -1e-8];

function randomValues(n: number, rand: () => number, op: string): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.08) out[i] = SPECIAL[Math.floor(rand() * SPECIAL.length)];
    else if (r < 0.5) out[i] = (rand() * 2 - 1) * 4;
    else if (r < 0.8) out[i] = (rand() * 2 - 1) * 100;
    else out[i] = Math.exp((rand() * 2 - 1) * 80) * (rand() < 0.5 ? -1 : 1);
    if (op === "log" && rand() < 0.7) out[i] = Math.abs(out[i]);
  }
  return out;
}

function tensor(data: Float32Array, shape: number[], strides: number[], offset: number): Tensor {
  return new Tensor(new Storage(data, float32), shape, strides, offset, float32);
}

/** A view of `shape` in one of several layouts over a fresh random array. */
function makeView(shape: number[], kind: "contig" | "bcast" | "transposed" | "gapped", rand: () => number, op: string): Tensor {
  const nd = shape.length;
  let strides = new Array<number>(nd);
  let span: number;
  if (kind === "bcast") {
    // broadcast along a random subset of dims
    let s = 1;
    for (let d = nd - 1; d >= 0; d--) {
      if (rand() < 0.5) strides[d] = 0;
      else (strides[d] = s), (s *= shape[d]);
    }
    span = s;
  } else if (kind === "transposed") {
    let s = 1;
    for (let d = 0; d < nd; d++) (strides[d] = s), (s *= shape[d]);
    span = s;
  } else {
    const gap = kind === "gapped" ? 2 : 1;
    let s = gap;
    for (let d = nd - 1; d >= 0; d--) (strides[d] = s), (s *= shape[d] + (kind === "gapped" ? 1 : 0));
    span = s;
    if (kind === "contig") strides = strides.map((x) => x);
  }
  const off = Math.floor(rand() * 5);
  return tensor(randomValues(off + span + 3, rand, op), shape, strides, off);
}

function viewIndices(t: Tensor): number[] {
  const out: number[] = [];
  const rec = (d: number, at: number) => {
    if (d === t._shape.length) return void out.push(at);
    for (let i = 0; i < t._shape[d]; i++) rec(d + 1, at + i * t._strides[d]);
  };
  rec(0, t._offset);
  return out;
}

function ulpDiff(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const key = (x: number) => (x < 0 ? 0x80000000 - x : x);
  return Math.abs(key(i[0]) - key(i[1]));
}

const PARAMS: Record<string, number[]> = {
  clamp_min: [-1.5],
  clamp_max: [2.25],
  clamp: [-0.75, 3.5],
  mul_scalar_add: [0.1, -3],
  leaky_relu: [0.01],
  add_alpha: [0.3],
  threshold_backward: [0],
};

describe("native element-wise kernels", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;
  const isa0 = nat.isa();
  const isas = supportedIsas(nat);

  it("every op nativeElementwise takes agrees with the TypeScript backend bit for bit, on every kernel set", () => {
    const rand = rng(77);
    const shapes = [[1], [7], [16], [33], [3, 5], [4, 17], [2, 3, 9], [5, 1, 8], [2, 2, 2, 3]];
    const kinds = ["contig", "bcast", "transposed", "gapped"] as const;
    try {
      for (const op of EW_OPS) {
        if (EW_NOT_BIT_EXACT.has(op)) {
          const t = makeView([4], "contig", rand, op);
          assert.equal(nativeElementwise(op, t, [t], float32), false, `${op} must be left to the TypeScript backend`);
          continue;
        }
        const arity = ewArity(op);
        const params = PARAMS[op] ?? [];
        for (const shape of shapes) {
          for (let rep = 0; rep < 4; rep++) {
            const ins = Array.from({ length: arity }, () => makeView(shape, kinds[Math.floor(rand() * kinds.length)], rand, op));
            const outKind = rand() < 0.7 ? "contig" : "gapped";
            const want = makeView(shape, outKind, rand, op);
            jsBackend.elementwise(op, want, ins, float32, params);
            const results: Float32Array[] = [];
            for (const isa of isas) {
              assert.ok(nat.set_isa(isa));
              const got = tensor(want._storage.data.slice() as Float32Array, shape, want._strides, want._offset);
              // Garbage in the output's elements (all must be written); the gaps between them
              // keep want's values and must survive.
              for (const i of viewIndices(got)) got._storage.data[i] = 12345;
              assert.ok(nativeElementwise(op, got, ins, float32, params));
              results.push(got._storage.data as Float32Array);
            }
            // (NaN payloads may differ: a hardware FMA and glibc's fmaf pass on different NaNs)
            for (const r of results.slice(1)) {
              for (let i = 0; i < r.length; i++) {
                if (Object.is(r[i], results[0][i]) || (Number.isNaN(r[i]) && Number.isNaN(results[0][i]))) continue;
                assert.fail(`${op}: kernel sets disagree at storage element ${i}: ${r[i]} vs ${results[0][i]}`);
              }
            }
            const got = results[0];
            const exp = want._storage.data as Float32Array;
            for (let i = 0; i < exp.length; i++) {
              if (Object.is(got[i], exp[i]) || (Number.isNaN(got[i]) && Number.isNaN(exp[i]))) continue;
              assert.fail(`${op} ${JSON.stringify(shape)}: storage element ${i}: native ${got[i]}, TypeScript ${exp[i]}`);
            }
          }
        }
      }
    } finally {
      nat.set_isa(isa0);
    }
  });

  it("copies from a source transposed in its last two dims (8x8 blocks and their edges) move every bit, on every kernel set", () => {
    const rand = rng(91);
    try {
      for (const [batch, R, C] of [[1, 8, 8], [1, 9, 17], [1, 16, 40], [3, 24, 16], [2, 33, 9], [1, 64, 32], [2, 7, 7]]) {
        // the source holds [batch, C, R] in memory; the view is its transpose, shifted by `off`
        const off = Math.floor(rand() * 3);
        const src = tensor(randomValues(off + batch * R * C + 2, rand, "copy"), [batch, R, C], [R * C, 1, R], off);
        const gapped = rand() < 0.5;
        const outStrides = gapped ? [R * (C + 3), C + 3, 1] : [R * C, C, 1];
        for (const isa of isas) {
          assert.ok(nat.set_isa(isa));
          const out = tensor(new Float32Array(batch * R * (C + 3)).fill(7), [batch, R, C], outStrides, 0);
          assert.ok(nativeElementwise("copy", out, [src], float32));
          const o = new Uint32Array(out._storage.data.buffer), x = new Uint32Array(src._storage.data.buffer);
          for (let b = 0; b < batch; b++)
            for (let i = 0; i < R; i++)
              for (let j = 0; j < C + (gapped ? 3 : 0); j++) {
                const at = b * outStrides[0] + i * outStrides[1] + j;
                const want = j < C ? x[off + b * R * C + i + j * R] : new Uint32Array(new Float32Array([7]).buffer)[0];
                if (o[at] !== want) assert.fail(`${isa} [${batch},${R},${C}] (${b},${i},${j}): ${o[at].toString(16)} != ${want.toString(16)}`);
              }
        }
      }
    } finally {
      nat.set_isa(isa0);
    }
  });

  it("large calls shared between threads give the single-thread bits (every layout kind)", () => {
    const rand = rng(31);
    const threads0 = nat.get_num_threads();
    const shapes = [[300, 700], [3, 150, 160], [70000], [2, 40000]];
    const kinds = ["contig", "bcast", "transposed", "gapped"] as const;
    try {
      for (const op of ["add", "mul", "exp", "tanh", "threshold_backward", "add_alpha", "relu", "copy"] as const) {
        for (const shape of shapes) {
          const ins = Array.from({ length: ewArity(op) }, () => makeView(shape, kinds[Math.floor(rand() * kinds.length)], rand, op));
          const want = makeView(shape, rand() < 0.5 ? "contig" : "gapped", rand, op);
          jsBackend.elementwise(op, want, ins, float32, PARAMS[op] ?? []);
          for (const nt of [2, 1]) {
            nat.set_num_threads(nt);
            const got = tensor(want._storage.data.slice() as Float32Array, shape, want._strides, want._offset);
            for (const i of viewIndices(got)) got._storage.data[i] = 12345;
            assert.ok(nativeElementwise(op, got, ins, float32, PARAMS[op] ?? []));
            const g = got._storage.data, w = want._storage.data;
            for (let i = 0; i < g.length; i++) {
              if (Object.is(g[i], w[i]) || (Number.isNaN(g[i]) && Number.isNaN(w[i]))) continue;
              assert.fail(`${op} ${JSON.stringify(shape)} ${nt} threads: storage element ${i}: native ${g[i]}, TypeScript ${w[i]}`);
            }
          }
        }
      }
    } finally {
      nat.set_num_threads(threads0);
    }
  });

  it("conversions to float32 (copy from float64, int64, int32, int16, int8, uint8, bool) equal the TypeScript kernel", async () => {
    const { FLAT_PARAMS } = await import("../src/backend/native.js");
    const dt = await import("../src/dtype.js");
    await import("../src/index.js"); // the Tensor methods (x.float())
    const rand = rng(404);
    const n = 5000;
    for (const d of [dt.float64, dt.int64, dt.int32, dt.int16, dt.int8, dt.uint8, dt.bool]) {
      const st = new Storage(new d.ArrayType(n + 3), d);
      const a = st.data;
      for (let i = 0; i < n + 3; i++) {
        const r = rand();
        a[i] =
          d === dt.float64 ? (r < 0.05 ? [NaN, Infinity, -Infinity, -0, 5e-324, 3.4028235677973366e38][i % 6] : (rand() - 0.5) * 10 ** Math.floor(rand() * 80 - 40))
          : d === dt.int64 ? Math.round((rand() - 0.5) * 2 ** Math.floor(rand() * 54))
          : d === dt.bool ? (r < 0.5 ? 1 : 0)
          : Math.floor(rand() * 2 ** 32) - 2 ** 31;
      }
      const src = new Tensor(st, [n], [1], 3);
      const want = new Tensor(new Storage(new Float32Array(n), float32), [n]);
      jsBackend.elementwise("copy", want, [src], float32);
      const got = new Tensor(new Storage(new Float32Array(n).fill(7), float32), [n]);
      assert.ok(nativeElementwise("copy", got, [src], float32), d.name);
      for (let i = 0; i < n; i++) {
        const g = got._storage.data[i], w = want._storage.data[i];
        if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) assert.fail(`${d.name} -> float32, element ${i} (${a[3 + i]}): native ${g}, TypeScript ${w}`);
      }
      // through the tensor API too
      assert.deepEqual(Array.from(src.float()._storage.data as Float32Array).map(String), Array.from(want._storage.data as Float32Array).map(String));
    }
    const P = new Float64Array(8);
    nat.ew_flat_params(P);
    try {
      const o = new Float32Array(4);
      P.set([0, 4, 0, 0]);
      nat.cast_flat_f32(o, new Float64Array(4));
      P.set([0, 5, 0, 0]);
      assert.throws(() => nat.cast_flat_f32(o, new Float64Array(8)), RangeError);
      P.set([0, 4, 0, 1]);
      assert.throws(() => nat.cast_flat_f32(o, new Int32Array(4)), RangeError);
      P.set([0, 4, 0, 0]);
      assert.throws(() => nat.cast_flat_f32(o, new Float32Array(4) as unknown as Float64Array), TypeError);
      assert.throws(() => nat.cast_flat_f32(new Float64Array(4) as unknown as Float32Array, new Float64Array(4)), TypeError);
      P.set([0, -1, 0, 0]);
      assert.throws(() => nat.cast_flat_f32(o, new Float64Array(4)), RangeError);
    } finally {
      nat.ew_flat_params(FLAT_PARAMS);
    }
  });

  it("the contiguous fast path (float lanes for + - * / neg square copy) on 2^16 random bit patterns, every kernel set", () => {
    const rand = rng(5);
    const n = 1 << 16;
    const mk = (off: number) => {
      const st = new Storage(new Float32Array(n + off), float32);
      const u = new Uint32Array(st.data.buffer, st.data.byteOffset, n + off);
      for (let i = 0; i < n + off; i++) u[i] = (rand() * 2 ** 32) >>> 0;
      return new Tensor(st, [n], [1], off);
    };
    try {
      for (const op of ["add", "sub", "mul", "div", "neg", "square", "copy", "relu", "relu_backward", "add_alpha", "exp"] as const) {
        const arity = ewArity(op);
        const ins = Array.from({ length: arity }, (_, k) => mk(k * 3));
        const want = new Tensor(new Storage(new Float32Array(n + 5), float32), [n], [1], 5);
        jsBackend.elementwise(op, want, ins, float32, PARAMS[op] ?? []);
        for (const isa of isas) {
          assert.ok(nat.set_isa(isa));
          const got = new Tensor(new Storage(new Float32Array(n + 5).fill(7), float32), [n], [1], 5);
          assert.ok(nativeElementwise(op, got, ins, float32, PARAMS[op] ?? []));
          const g = got._storage.data, w = want._storage.data;
          for (let i = 5; i < g.length; i++) {
            if (Object.is(g[i], w[i]) || (Number.isNaN(g[i]) && Number.isNaN(w[i]))) continue;
            assert.fail(`${op} (${isa}): element ${i}: native ${g[i]}, TypeScript ${w[i]}`);
          }
        }
      }
    } finally {
      nat.set_isa(isa0);
    }
    // the entry point checks what it is given
    const FP = new Float64Array(8);
    const a = new Float32Array(8), o = new Float32Array(8);
    const ADD = EW_OPS.indexOf("add");
    nat.ew_flat_params(FP);
    try {
      FP.set([ADD, 8, 0, 0, 0, 0, 0]);
      nat.ew_flat_f32(o, a, a);
      FP.set([ADD, 9, 0, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(o, a, a), RangeError);
      FP.set([ADD, 8, 0, 1, 0]);
      assert.throws(() => nat.ew_flat_f32(o, a, a), RangeError);
      FP.set([ADD, -1, 0, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(o, a, a), RangeError);
      FP.set([99, 8, 0, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(o, a, a), RangeError);
      FP.set([ADD, 8, 0, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(o, a, null), TypeError);
      assert.throws(() => nat.ew_flat_f32(o, new Float64Array(8) as unknown as Float32Array, a), TypeError);
      assert.throws(() => nat.ew_flat_params(new Float64Array(4)), RangeError);
      // operands as ArrayBuffers: offsets count floats from the buffer's start, bounded by its length
      const buf = new ArrayBuffer(64), view = new Float32Array(buf);
      view.set([1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, 50, 60, 70, 80]);
      FP.set([ADD, 4, 12, 0, 8]); // add: view[12..16) = view[0..4) + view[8..12)
      nat.ew_flat_f32(buf, buf, view); // a buffer and a typed array mixed
      assert.deepEqual([...view.subarray(12)], [11, 22, 33, 44]);
      FP.set([EW_OPS.indexOf("mul"), 2, 0, 4, 1]); // mul, typed array out, buffer a
      nat.ew_flat_f32(o, buf, a.fill(3));
      assert.deepEqual([...o.subarray(0, 2)], [15, 18]);
      FP.set([ADD, 4, 13, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(buf, buf, buf), RangeError);
      FP.set([ADD, 17, 0, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(buf, buf, buf), RangeError);
      FP.set([ADD, 1, 0, 0, 0]);
      assert.throws(() => nat.ew_flat_f32(buf, new SharedArrayBuffer(64) as unknown as ArrayBuffer, buf), TypeError);
      assert.throws(() => nat.ew_flat_f32(buf, {} as ArrayBuffer, buf), TypeError);
      const gone = new ArrayBuffer(16);
      structuredClone(gone, { transfer: [gone] }); // detached: no elements
      assert.throws(() => nat.ew_flat_f32(gone, buf, buf), RangeError);
    } finally {
      nat.ew_flat_params(FLAT_PARAMS);
    }
  });

  it("exp, log, tanh and erf equal the TypeScript backend's SLEEF ports on 2^17 random bit patterns, every kernel set", () => {
    const n = 1 << 17;
    const x = new Float32Array(n);
    const u = new Uint32Array(x.buffer);
    let s = 987654321;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      u[i] = (s ^ (s >>> 11) ^ (i << 20)) >>> 0;
    }
    for (let i = 0; i < 20000; i++) x[i] = (i - 10000) / 900; // dense over the interesting range (erf: its three intervals and the cut at 4)
    const T = (d: Float32Array) => tensor(d, [d.length], [1], 0);
    try {
      for (const op of ["exp", "log", "tanh", "erf"] as const) {
        const want = T(new Float32Array(n));
        jsBackend.elementwise(op, want, [T(x)], float32);
        const w = want._storage.data as Float32Array;
        for (const isa of isas) {
          assert.ok(nat.set_isa(isa));
          const got = new Float32Array(n);
          ew(op, got, 0, x, 0, null, 0, [n], [1], [1], null);
          for (let i = 0; i < n; i++) {
            if (!(Object.is(got[i], w[i]) || (Number.isNaN(got[i]) && Number.isNaN(w[i])))) {
              assert.fail(`${op}(${x[i]}) (${isa}): native ${got[i]}, TypeScript ${w[i]}`);
            }
          }
        }
      }
    } finally {
      nat.set_isa(isa0);
    }
  });

  it("sigmoid and silu give the same bits on every kernel set and in strided loops", () => {
    const rand = rng(15);
    const n = 4099;
    try {
      for (const op of EW_NOT_BIT_EXACT) {
        const x = randomValues(2 * n, rand, op);
        const outs: Float32Array[] = [];
        for (const isa of isas) {
          assert.ok(nat.set_isa(isa));
          const a = new Float32Array(n), b = new Float32Array(n);
          ew(op as EwOp, a, 0, x, 0, null, 0, [n], [1], [2], null); // strided input: the one-lane loop
          ew(op as EwOp, b, 0, x.filter((_, i) => i % 2 === 0), 0, null, 0, [n], [1], [1], null); // vector loop
          assert.deepEqual(a, b, `${op} (${isa}): strided and contiguous loops disagree`);
          outs.push(a);
        }
        for (const o of outs.slice(1)) assert.deepEqual(o, outs[0], `${op}: kernel sets disagree`);
      }
    } finally {
      nat.set_isa(isa0);
    }
  });

  it("sigmoid and silu: within an ulp of the double formulas over V8's Math on 400k arguments, nearly always equal", () => {
    const rand = rng(5);
    const n = 400_000;
    for (const op of ["sigmoid", "silu"] as const) {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rand();
        // uniform over [-110, 110] and log-uniform magnitudes down to 1e-30
        x[i] = r < 0.5 ? (rand() * 2 - 1) * 110 : Math.exp(-rand() * 69) * (rand() < 0.5 ? -1 : 1);
      }
      const out = new Float32Array(n);
      ew(op, out, 0, x, 0, null, 0, [n], [1], [1], null);
      const ref = DOUBLE_REF[op];
      let diff = 0;
      for (let i = 0; i < n; i++) {
        const want = R32(ref(x[i]));
        if (!Object.is(out[i], want)) {
          diff++;
          assert.ok(ulpDiff(out[i], want) <= 1, `${op}(${x[i]}) = ${out[i]}, Math gives ${want}`);
        }
      }
      assert.ok(diff <= 4, `${op}: ${diff} of ${n} differ by an ulp`);
    }
  });

  it("activation lanes (torch 1.13's vector paths) equal the TypeScript backend's bits, on every kernel set and thread count", () => {
    const rand = rng(21);
    const threads0 = nat.get_num_threads();
    // the ops' scalar arguments (elu: alpha, scale, input_scale; softplus: beta, threshold)
    const OP_PARAMS: Record<string, number[]> = { elu: [0.7, 1.05, 1.3], softplus: [1.5, 6] };
    /** the op over x's view as the TypeScript backend computes it (its own loops), or with the native table */
    const run = (op: ActivationOp, v: Tensor, ts: boolean): Float32Array => {
      const out = tensor(new Float32Array(v.numel()), [v.numel()], [1], 0);
      const params = OP_PARAMS[op] ?? [];
      if (ts) withTsKernels(() => jsBackend.elementwise(op, out, [v], float32, params));
      else backend.elementwise(op, out, [v], float32, params);
      return out._storage.data as Float32Array;
    };
    try {
      for (const op of ["sigmoid", "silu", "gelu_tanh", "gelu", "elu", "softplus", "mish", "log_sigmoid"] as const) {
        const [p0, p1, p2] = laneParams(op, OP_PARAMS[op] ?? []);
        for (const n of [16, 32, 48, 4096, 32768, 16 * 7001]) {
          const x = randomValues(n + 5, rand, op);
          // a row of n elements: the TypeScript backend takes its chunks of 16 through the vector
          // lambda (split where 1.13's threads would split it: multiples of 16 here), and gelu
          // every element through oneDNN's lane
          const want = run(op, tensor(x, [n], [1], 5), true);
          for (const isa of isas) {
            assert.ok(nat.set_isa(isa));
            for (const nt of [1, 2]) {
              nat.set_num_threads(nt);
              const got = new Float32Array(n + 3).fill(7);
              activationLanes(op, x, 5, got, 2, n, p0, p1, p2);
              for (let i = 0; i < n; i++) {
                if (Object.is(got[2 + i], want[i]) || (Number.isNaN(got[2 + i]) && Number.isNaN(want[i]))) continue;
                assert.fail(`${op}(${x[5 + i]}) (${isa}, ${nt} threads, n ${n}): native ${got[2 + i]}, TypeScript ${want[i]}`);
              }
              assert.equal(got[0], 7);
              assert.equal(got[n + 2], 7);
            }
          }
          // and the op on the native table (the lanes, then the TypeScript scalar tail but for gelu)
          for (const m of [n, n - 7]) {
            const v = tensor(x, [m], [1], 5);
            const exp = run(op, v, true), got = run(op, v, false);
            for (let i = 0; i < m; i++) assert.ok(Object.is(got[i], exp[i]) || (Number.isNaN(got[i]) && Number.isNaN(exp[i])), `${op} n ${m} at ${i}`);
          }
        }
        const inPlace = randomValues(64, rand, op), copy = inPlace.slice();
        activationLanes(op, inPlace, 0, inPlace, 0, 64, p0, p1, p2);
        const ref = new Float32Array(64);
        activationLanes(op, copy, 0, ref, 0, 64, p0, p1, p2);
        assert.deepEqual(inPlace, ref);
      }
    } finally {
      nat.set_isa(isa0);
      nat.set_num_threads(threads0);
    }
    const a = new Float32Array(32);
    assert.throws(() => activationLanes("sigmoid", a, 1, a, 0, 16), (e) => e instanceof RuntimeError);
    assert.throws(() => activationLanes("sigmoid", a, 20, a, 20, 16), RuntimeError);
    assert.throws(() => activationLanes("tanh" as "sigmoid", a, 0, a, 0, 16), ValueError);
    assert.throws(() => activationLanes("silu", new Float64Array(4) as unknown as Float32Array, 0, a, 0, 4), (e) => e instanceof RuntimeError && e.message === "expected scalar type Float but found Double");
    assert.equal(nat.act_lanes_f32(a, a, new Float64Array([0, 0, 1, 8, 0, 0, 0])), 1);
    assert.throws(() => nat.act_lanes_f32(a, a, new Float64Array([8, 0, 0, 8, 0, 0, 0])), RangeError);
    assert.throws(() => nat.act_lanes_f32(a, a, new Float64Array([0, 0, 0, 33, 0, 0, 0])), RangeError);
    assert.throws(() => nat.act_lanes_f32(a, a, new Float64Array([4, 0, 0, 8, 1, 1])), /params too short/);
  });

  it("broadcast scalars, in place, and every length up to 40 (vector tails)", () => {
    const rand = rng(3);
    for (let n = 1; n <= 40; n++) {
      const a = randomValues(n, rand, "add"), b = new Float32Array([rand() * 10 - 5]);
      const out = new Float32Array(n + 2).fill(7);
      ew("mul", out, 1, a, 0, b, 0, [n], [1], [1], [0]);
      for (let i = 0; i < n; i++) assert.ok(Object.is(out[i + 1], Math.fround(a[i] * b[0])));
      assert.equal(out[0], 7);
      assert.equal(out[n + 1], 7);
      // in place: out is a
      const c = a.slice();
      ew("add_alpha", c, 0, c, 0, a, 0, [n], [1], [1], [1], 0.5);
      for (let i = 0; i < n; i++) assert.ok(Object.is(c[i], Math.fround(a[i] + 0.5 * a[i])));
    }
  });

  it("rejects bad arguments with torchlette errors and never touches memory outside", () => {
    const a = new Float32Array(6), out = new Float32Array(6);
    assert.throws(() => ew("nope" as EwOp, out, 0, a, 0, null, 0, [6], [1], [1], null), ValueError);
    assert.throws(() => ew("exp", out, 0, a, 1, null, 0, [6], [1], [1], null), (e) => e instanceof RuntimeError && e.message.startsWith("setStorage:"));
    assert.throws(() => ew("exp", out, 0, a, 0, null, 0, [2, 3], [3, 1], [4, 1], null), RuntimeError);
    assert.throws(() => ew("exp", out, 0, a, 0, null, 0, [2, 3], [0, 1], [3, 1], null), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation"));
    assert.throws(() => ew("exp", out, 0, a, 0, null, 0, [6], [-1], [1], null), (e) => e instanceof RuntimeError && e.message.startsWith("as_strided"));
    assert.throws(() => ew("exp", out, 0, a, 0, null, 0, [6.5], [1], [1], null), TorchTypeError);
    assert.throws(() => ew("exp", out, 0, a, 0, null, 0, [6], [1, 1], [1], null), TorchTypeError);
    assert.throws(() => ew("add", out, 0, a, 0, null, 0, [6], [1], [1], [1]), TorchTypeError);
    assert.throws(() => ew("add", out, 0, a, 0, new Float64Array(6) as unknown as Float32Array, 0, [6], [1], [1], [1]), RuntimeError);
    // The raw addon refuses what the wrapper would, with plain errors.
    const P = (xs: number[]) => Float64Array.from(xs);
    assert.throws(() => nat.ew_f32(99, out, a, null, P([1, 0, 0, 0, 0, 0, 6, 1, 1, 0])), RangeError);
    assert.throws(() => nat.ew_f32(3, out, a, null, P([1, 0, 1, 0, 0, 0, 6, 1, 1, 0])), RangeError);
    assert.throws(() => nat.ew_f32(3, out, a, null, P([9, 0, 0, 0, 0, 0])), RangeError);
    assert.throws(() => nat.ew_f32(3, out, a, null, P([1, 0, 0, 0, 0, 0, 6, 1])), RangeError);
    assert.throws(() => nat.ew_f32(3, out, a, null, P([1, 0, 0, 0, 0, 0, 6.5, 1, 1, 0])), RangeError);
    assert.throws(() => nat.ew_f32(EW_OPS.indexOf("add"), out, a, null, P([1, 0, 0, 0, 0, 0, 6, 1, 1, 1])), TypeError);
    assert.throws(() => nat.ew_f32(3, out, new Float64Array(6) as unknown as Float32Array, null, P([1, 0, 0, 0, 0, 0, 6, 1, 1, 0])), TypeError);
    // Random garbage parameter arrays: thrown errors only.
    const rand = rng(11);
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rand() * 20);
      const p = new Float64Array(len);
      for (let j = 0; j < len; j++) p[j] = rand() < 0.1 ? NaN : Math.floor(rand() * 10) - (rand() < 0.1 ? 3 : 0);
      const whole = new Float32Array(26).fill(99);
      const o = whole.subarray(10, 16);
      try {
        nat.ew_f32(Math.floor(rand() * 30) - 2, o, a, rand() < 0.5 ? a : null, p);
      } catch (e) {
        assert.ok(e instanceof TypeError || e instanceof RangeError, String(e));
      }
      for (let j = 0; j < 10; j++) assert.equal(whole[j], 99);
      for (let j = 16; j < 26; j++) assert.equal(whole[j], 99);
    }
  });
});
