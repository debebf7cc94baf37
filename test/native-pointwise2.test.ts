// Native kernels for the ops the GPT step used to leave to the TypeScript backend:
//   where, masked_fill, eq/ne/lt/le/gt/ge (bool operands or results: the addon's ew_u8) and
//   relu_backward (ew_f32), against jsBackend.elementwise on the same tensors, over contiguous,
//   broadcast, transposed, gapped and 0-d views with offsets, empty shapes, more than 8 dims,
//   and values chosen so that NaN, +-inf, +-0 and equal pairs are common;
//   layer_norm rows (layerNormRows / layerNormBackwardRows), through F.layer_norm and autograd,
//   against the same calls with the backend's entries removed (functional.ts's TypeScript loops).
// Every result must agree bit for bit (NaN payloads aside), and bad calls to the wrappers and
// to the raw addon must throw, never write outside the arrays.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { nn } from "../src/index.js";
import { backend, jsBackend } from "../src/backend/index.js";
import {
  EW_U8_OPS, EW_U8_TYPES, ewU8, layerNormBackwardRows, layerNormRows, nativeElementwise,
  type EwU8Op,
} from "../src/backend/native.js";
import { Tensor } from "../src/tensor.js";
import { Storage } from "../src/storage.js";
import { bool, DType, float32, float64, int64, uint8 } from "../src/dtype.js";
import { RuntimeError, TypeError as TorchTypeError, ValueError } from "../src/errors.js";
import { xorshift as rng } from "./rng.js";
import { withTsKernels } from "./ts-kernels.js";
import { nativeSkip, addonOrFail, supportedIsas } from "./native-env.js";

const F = nn.functional;
const skip = nativeSkip;


// A small pool makes equal pairs (eq, le, ge true) and every special value frequent.
const POOL = [0, -0, 1, -1, 2.5, -2.5, NaN, Infinity, -Infinity, 1e-45, -3.4028235e38, 0.1];

function fillValues(data: Float32Array | Uint8Array, rand: () => number, dtype: DType): void {
  for (let i = 0; i < data.length; i++) {
    if (dtype === bool) data[i] = rand() < 0.5 ? 1 : 0;
    else if (dtype === uint8) data[i] = [0, 1, 2, 255][Math.floor(rand() * 4)];
    else data[i] = rand() < 0.7 ? POOL[Math.floor(rand() * POOL.length)] : (rand() * 2 - 1) * 100;
  }
}

type Kind = "contig" | "bcast" | "scalar" | "transposed" | "gapped";
const KINDS: Kind[] = ["contig", "bcast", "scalar", "transposed", "gapped"];

/** A view of `shape` in a layout of `kind` over a fresh random array with an offset and slack. */
function makeView(dtype: DType, shape: number[], kind: Kind, rand: () => number): Tensor {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  let span = 1;
  if (kind === "bcast" || kind === "scalar") {
    for (let d = nd - 1; d >= 0; d--) {
      if (kind === "scalar" || rand() < 0.5) strides[d] = 0;
      else (strides[d] = span), (span *= shape[d]);
    }
  } else if (kind === "transposed") {
    for (let d = 0; d < nd; d++) (strides[d] = span), (span *= shape[d]);
  } else {
    const gapped = kind === "gapped";
    span = gapped ? 2 : 1;
    for (let d = nd - 1; d >= 0; d--) (strides[d] = span), (span *= shape[d] + (gapped ? 1 : 0));
  }
  const off = Math.floor(rand() * 5);
  const data = new dtype.ArrayType(off + Math.max(span, 1) + 3) as Float32Array | Uint8Array;
  fillValues(data, rand, dtype);
  return new Tensor(new Storage(data, dtype), shape, strides, off, dtype);
}

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    if (Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))) continue;
    assert.fail(`${what}: element ${i}: native ${got[i]}, TypeScript ${want[i]}`);
  }
}

function cloneView(t: Tensor): Tensor {
  const data = t._storage.data.slice();
  return new Tensor(new Storage(data, t.dtype), t._shape.slice(), t._strides.slice(), t._offset, t.dtype);
}

/** Input dtypes, out dtype of each op as the ops call the backend (compute float32). */
const SIG: Record<EwU8Op, { ins: DType[]; out: DType; params?: number[] }> = {
  where: { ins: [bool, float32, float32], out: float32 },
  masked_fill: { ins: [float32, bool], out: float32, params: [-Infinity] },
  eq: { ins: [float32, float32], out: bool },
  ne: { ins: [float32, float32], out: bool },
  lt: { ins: [float32, float32], out: bool },
  le: { ins: [float32, float32], out: bool },
  gt: { ins: [float32, float32], out: bool },
  ge: { ins: [float32, float32], out: bool },
};

describe("native where, masked_fill, comparisons, relu_backward and layer_norm rows", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;
  const isa0 = nat.isa();
  const isas = supportedIsas(nat);

  it("where / masked_fill / comparisons equal the TypeScript kernels bit for bit on every layout", () => {
    const rand = rng(2024);
    // [9, 70, 110]: over 64K elements, split over two threads by blocks of the first dim
    const shapes = [[], [1], [7], [16], [33], [3, 5], [4, 17], [2, 3, 9], [5, 1, 8], [2, 2, 2, 3], [16, 4, 64], [2, 1, 2, 1, 2, 1, 2, 1, 2, 3], [9, 70, 110]];
    let cases = 0;
    const threads0 = torch.get_num_threads();
    torch.set_num_threads(2);
    try {
      for (const op of EW_U8_OPS) {
        const sig = SIG[op];
        for (const shape of shapes) {
          for (let rep = 0; rep < 6; rep++) {
            const ins = sig.ins.map((dt, i) => {
              // where's condition is uint8 at times (torch.where accepts it), masked_fill's mask too at the kernel level
              const d = dt === bool && rand() < 0.3 ? uint8 : dt;
              void i;
              return makeView(d, shape, KINDS[Math.floor(rand() * KINDS.length)], rand);
            });
            const outKind = (["contig", "gapped", "transposed"] as const)[Math.floor(rand() * 3)];
            const want = makeView(sig.out, shape, outKind, rand);
            const params = op === "masked_fill" ? [[-Infinity, NaN, -0, 0.1, 3e38 * 10][rep % 5]] : undefined;
            const got = cloneView(want);
            jsBackend.elementwise(op, want, ins, float32, params);
            assert.ok(nativeElementwise(op, got, ins, float32, params), `${op} must be taken natively`);
            sameBits(got._storage.data, want._storage.data, `${op} ${JSON.stringify(shape)}`);
            cases++;
          }
        }
      }
    } finally {
      torch.set_num_threads(threads0);
    }
    assert.ok(cases > 500);
  });

  it("the public ops give the same tensors with and without the native kernels (GPT's masked_fill and its backward)", () => {
    const run = (rand: () => number): Tensor[] => {
      const tril = torch.tril(torch.ones(8, 8));
      const mask = tril.get(":6", ":6").eq(0);
      const att = makeView(float32, [3, 6, 6], "contig", rand).requires_grad_(true);
      const filled = att.masked_fill(mask, -Infinity);
      filled.backward(makeView(float32, [3, 6, 6], "transposed", rand));
      const x = makeView(float32, [4, 5], "gapped", rand), y = makeView(float32, [5], "contig", rand);
      const c = makeView(uint8, [4, 5], "bcast", rand);
      return [filled, att.grad!, mask, torch.where(c, x, y), x.lt(y), x.ge(0.5), torch.where(x.gt(0), x, 0)];
    };
    const natRes = run(rng(77));
    const saved = backend.elementwise;
    backend.elementwise = jsBackend.elementwise;
    let jsRes: Tensor[];
    try {
      jsRes = run(rng(77));
    } finally {
      backend.elementwise = saved;
    }
    for (let i = 0; i < natRes.length; i++) {
      assert.deepEqual(natRes[i]._shape, jsRes[i]._shape);
      assert.equal(natRes[i].dtype, jsRes[i].dtype);
      sameBits(natRes[i].contiguous()._values(), jsRes[i].contiguous()._values(), `result ${i}`);
    }
  });

  it("declines what it does not cover (other dtypes), so the TypeScript kernel runs", () => {
    const rand = rng(8);
    const v = (dt: DType, shape = [4]) => makeView(dt, shape, "contig", rand);
    assert.equal(nativeElementwise("where", v(float64), [v(bool), v(float64), v(float64)], float64), false);
    assert.equal(nativeElementwise("where", v(float32), [v(float32), v(float32), v(float32)], float32), false);
    assert.equal(nativeElementwise("where", v(float32), [v(bool), v(float32), v(int64)], float32), false);
    assert.equal(nativeElementwise("masked_fill", v(float64), [v(float64), v(bool)], float64, [1]), false);
    assert.equal(nativeElementwise("masked_fill", v(float32), [v(float32), v(float32)], float32, [1]), false);
    assert.equal(nativeElementwise("eq", v(bool), [v(int64), v(int64)], int64), false);
    assert.equal(nativeElementwise("eq", v(bool), [v(float64), v(float64)], float64), false);
    assert.equal(nativeElementwise("lt", v(float32), [v(float32), v(float32)], float32), false);
    assert.equal(nativeElementwise("eq", v(bool), [v(float32)], float32), false);
    // flipped (negative-stride) views are left to the TypeScript kernel too
    const a = v(float32, [5]);
    const flipped = new Tensor(a._storage, [5], [-1], a._offset + 4, float32);
    assert.equal(nativeElementwise("gt", v(bool, [5]), [flipped, a], float32), false);
    // an empty output is done (nothing to write)
    assert.equal(nativeElementwise("eq", v(bool, [0]), [v(float32, [0]), v(float32, [0])], float32), true);
  });

  it("relu_backward: where(result > 0, grad, 0) with +0, unlike threshold_backward on NaN results", () => {
    const res = Float32Array.from([NaN, -0, 0, 1e-45, -1, Infinity, -Infinity, 3, 3, 2]);
    const grad = Float32Array.from([5, 5, 5, -0, 7, NaN, 1, -0, -Infinity, 1e-45]);
    const mk = (d: Float32Array) => new Tensor(new Storage(d, float32), [d.length], [1], 0, float32);
    const want = mk(new Float32Array(res.length)), got = mk(new Float32Array(res.length));
    jsBackend.elementwise("relu_backward", want, [mk(res), mk(grad)], float32);
    assert.ok(nativeElementwise("relu_backward", got, [mk(res), mk(grad)], float32));
    sameBits(got._storage.data, want._storage.data, "relu_backward");
    const g = got._storage.data as Float32Array;
    assert.ok(Object.is(g[0], 0) && Object.is(g[1], 0) && Object.is(g[3], -0) && Number.isNaN(g[5]) && Object.is(g[7], -0));
    // through autograd: relu's gradient
    const x = torch.tensor([NaN, -0, 0, -1, 2, 3]).requires_grad_(true);
    x.relu().backward(torch.tensor([1, 2, 3, 4, 5, 6]));
    sameBits(x.grad!._values(), [0, 0, 0, 0, 5, 6], "relu grad");
  });

  it("ewU8 and the raw ew_u8 reject bad arguments, never write outside", () => {
    const f = new Float32Array(6), u = new Uint8Array(6), out = new Float32Array(6), ob = new Uint8Array(6);
    const one = [[1], [1], [1], [1]];
    assert.throws(() => ewU8("nope" as EwU8Op, [out, u, f, f], [0, 0, 0, 0], [6], one), ValueError);
    assert.throws(() => ewU8("where", [out, f, f, f], [0, 0, 0, 0], [6], one), TorchTypeError);
    assert.throws(() => ewU8("where", [out, u, f], [0, 0, 0], [6], one.slice(0, 3)), TorchTypeError);
    assert.throws(() => ewU8("eq", [out, f, f], [0, 0, 0], [6], one.slice(0, 3)), TorchTypeError);
    assert.throws(() => ewU8("eq", [ob, f, f], [0, 1, 0], [6], one.slice(0, 3)), (e) => e instanceof RuntimeError && e.message.startsWith("setStorage:"));
    assert.throws(() => ewU8("eq", [ob, f, f], [0, -1, 0], [6], one.slice(0, 3)), RuntimeError);
    assert.throws(() => ewU8("eq", [ob, f, f], [0, 0, 0], [2, 3], [[0, 1], [3, 1], [3, 1]]), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation"));
    assert.throws(() => ewU8("eq", [ob, f, f], [0, 0, 0], [6], [[1], [-1], [1]]), (e) => e instanceof RuntimeError && e.message.startsWith("as_strided"));
    assert.throws(() => ewU8("eq", [ob, f, f], [0, 0, 0], [6.5], one.slice(0, 3)), TorchTypeError);
    assert.throws(() => ewU8("eq", [ob, f, f], [0, 0, 0], [-6], one.slice(0, 3)), RuntimeError);
    assert.throws(() => ewU8("masked_fill", [out, f, u], [0, 0, 0], [6], one.slice(0, 3), "x" as unknown as number), TorchTypeError);
    // good calls through the wrapper: a 0-d where and an empty one
    const o1 = new Float32Array(1);
    ewU8("where", [o1, Uint8Array.from([3]), Float32Array.from([-0]), Float32Array.from([9])], [0, 0, 0, 0], [], [[], [], [], []]);
    assert.ok(Object.is(o1[0], -0));
    ewU8("gt", [new Uint8Array(0), new Float32Array(0), new Float32Array(0)], [0, 0, 0], [3, 0], [[0, 1], [0, 1], [0, 1]]);
    // the raw addon refuses what the wrapper would, with plain errors
    const P = (xs: number[]) => Float64Array.from(xs);
    const good = [1, 0, 0, 0, 0, 0, 6, 1, 1, 1, 1];
    assert.doesNotThrow(() => nat.ew_u8(0, out, u, f, f, P(good)));
    assert.throws(() => nat.ew_u8(8, out, u, f, f, P(good)), RangeError);
    assert.throws(() => nat.ew_u8(-1, out, u, f, f, P(good)), RangeError);
    assert.throws(() => nat.ew_u8(0, out, f as unknown as Uint8Array, f, f, P(good)), TypeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, null, P(good)), TypeError);
    assert.throws(() => nat.ew_u8(2, out, f, f, null, P(good)), TypeError);
    assert.throws(() => nat.ew_u8(1, out, f, f, null, P(good)), TypeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, P([1, 0, 1, 0, 0, 0, 6, 1, 1, 1, 1])), RangeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, P([1, 0, 0, 0, 0, 0, 6, 1, 1, 1])), RangeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, P([9, 0, 0, 0, 0, 0])), RangeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, P([1, 0, 0, 0, 0, 0, 6, 0, 1, 1, 1])), RangeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, P([1, 0, 0, 0, 0, 0, 6.5, 1, 1, 1, 1])), RangeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, P([1, 0, 0, 0, 0, 0, 6, 1, 1, 1, 1]).subarray(0, 3)), RangeError);
    assert.throws(() => nat.ew_u8(0, out, u, f, f, null as unknown as Float64Array), TypeError);
    assert.throws(() => (nat.ew_u8 as unknown as (...a: unknown[]) => void)(0, out, u), TypeError);
    const rand = rng(12);
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rand() * 24);
      const p = new Float64Array(len);
      for (let j = 0; j < len; j++) p[j] = rand() < 0.05 ? NaN : Math.floor(rand() * 8) - (rand() < 0.1 ? 3 : 0);
      const wholeF = new Float32Array(26).fill(99), wholeU = new Uint8Array(26).fill(99);
      const op = Math.floor(rand() * 10) - 1;
      const types = op >= 0 && op < 8 ? EW_U8_TYPES[EW_U8_OPS[op]] : [Float32Array, Float32Array, Float32Array];
      const o = types[0] === Uint8Array ? wholeU.subarray(10, 16) : wholeF.subarray(10, 16);
      const arg = (k: number) => (types[k] === Uint8Array ? u : types[k] ? f : rand() < 0.5 ? f : null);
      try {
        nat.ew_u8(op, o, arg(1) as Float32Array, arg(2) as Float32Array, arg(3) as Float32Array | null, p);
      } catch (e) {
        assert.ok(e instanceof TypeError || e instanceof RangeError, String(e));
      }
      for (const whole of [wholeF, wholeU]) {
        for (let j = 0; j < 10; j++) assert.equal(whole[j], 99);
        for (let j = 16; j < 26; j++) assert.equal(whole[j], 99);
      }
    }
  });

  it("F.layer_norm and its backward: the native rows give the TypeScript loops' bits", () => {
    const b = backend as { layerNormRows?: unknown; layerNormBackwardRows?: unknown };
    assert.equal(typeof b.layerNormRows, "function");
    assert.equal(typeof b.layerNormBackwardRows, "function");
    const rand = rng(31);
    const threads0 = torch.get_num_threads();
    const cases: { shape: number[]; ns: number[]; w: boolean; b: boolean; gx: boolean; gw: boolean; special?: boolean; transposed?: boolean }[] = [
      { shape: [1024, 128], ns: [128], w: true, b: true, gx: true, gw: true },
      // threaded (>= 32K elements) with a column count that is not a multiple of 8
      { shape: [300, 131], ns: [131], w: true, b: true, gx: true, gw: true, special: true },
      { shape: [2, 150, 131], ns: [131], w: true, b: false, gx: false, gw: true },
      { shape: [3, 5, 7], ns: [5, 7], w: true, b: true, gx: true, gw: true, special: true },
      { shape: [17, 33], ns: [33], w: true, b: false, gx: true, gw: true, special: true },
      { shape: [71, 9], ns: [9], w: true, b: true, gx: true, gw: true, special: true },
      { shape: [2, 40, 24], ns: [24], w: true, b: true, gx: true, gw: true },
      // rows of 125 vectors (a three-level Welford cascade and a tail), 7 rows (4 side by side, then 3)
      { shape: [7, 1003], ns: [1003], w: true, b: true, gx: true, gw: true, special: true },
      { shape: [9, 3], ns: [3], w: false, b: true, gx: true, gw: true },
      { shape: [9, 3], ns: [3], w: false, b: false, gx: true, gw: false },
      { shape: [12, 6], ns: [6], w: true, b: true, gx: false, gw: true },
      { shape: [12, 6], ns: [6], w: true, b: true, gx: true, gw: false },
      { shape: [2, 1], ns: [1], w: true, b: true, gx: true, gw: true },
      { shape: [4], ns: [4], w: true, b: true, gx: true, gw: true, special: true },
      { shape: [0, 4], ns: [4], w: true, b: true, gx: true, gw: true },
      { shape: [5, 0], ns: [0], w: true, b: true, gx: true, gw: true },
      { shape: [6, 10], ns: [10], w: true, b: true, gx: true, gw: true, transposed: true },
    ];
    const vals = (n: number, special: boolean) =>
      Array.from({ length: n }, () => (special && rand() < 0.15 ? POOL[Math.floor(rand() * POOL.length)] : (rand() * 2 - 1) * 3 + 0.5));
    for (const c of cases) {
      const n = c.shape.reduce((x, y) => x * y, 1), N = c.ns.reduce((x, y) => x * y, 1);
      const xv = vals(n, !!c.special), gv = vals(n, !!c.special), wv = vals(N, false), bv = vals(N, false);
      if (c.special && n > 2 * N) for (let j = 0; j < N; j++) xv[N + j] = 1.25; // a constant row: variance 0
      const run = () => {
        let x = torch.tensor(xv, { dtype: float32 }).reshape(c.shape);
        if (c.transposed) x = torch.tensor(xv, { dtype: float32 }).reshape([c.shape[1], c.shape[0]]).t();
        x.requires_grad_(c.gx);
        const w = c.w ? torch.tensor(wv, { dtype: float32 }).reshape(c.ns).requires_grad_(c.gw) : null;
        const bb = c.b ? torch.tensor(bv, { dtype: float32 }).reshape(c.ns).requires_grad_(c.gw) : null;
        const y = F.layer_norm(x, c.ns, w, bb, 1e-5);
        if (y.requires_grad) y.backward(torch.tensor(gv, { dtype: float32 }).reshape(c.shape));
        return [y, x.grad, w?.grad ?? null, bb?.grad ?? null];
      };
      const want = withTsKernels(run);
      const saved = { f: b.layerNormRows, g: b.layerNormBackwardRows };
      // every kernel set (the row blocks are 4 vectors wide: 32, 16 or 4 rows, then the rest),
      // on one thread and on two (rows, then columns for gW / gB, split over the threads)
      for (const [isa, threads] of isas.flatMap((i) => [[i, 1], [i, 2]] as const)) {
        assert.ok(nat.set_isa(isa));
        torch.set_num_threads(threads);
        let calls = 0;
        const count = (fn: unknown) => (...a: unknown[]) => {
          calls++;
          return (fn as (...a: unknown[]) => void)(...a);
        };
        b.layerNormRows = count(saved.f);
        b.layerNormBackwardRows = count(saved.g);
        let got: (Tensor | null)[];
        try {
          got = run();
        } finally {
          b.layerNormRows = saved.f;
          b.layerNormBackwardRows = saved.g;
          nat.set_isa(isa0);
          torch.set_num_threads(threads0);
        }
        assert.equal(calls, c.gx || c.gw ? 2 : 1, `${JSON.stringify(c)}: native kernels used`);
        for (let i = 0; i < 4; i++) {
          assert.equal(got[i] === null, want[i] === null, `${JSON.stringify(c)} result ${i}`);
          if (got[i] && want[i]) sameBits(got[i]!._values(), want[i]!._values(), `${JSON.stringify(c)} ${isa} ${threads} thread(s) result ${i}`);
        }
      }
    }
    // float64 stays on the TypeScript loops
    let calls = 0;
    const saved = b.layerNormRows;
    b.layerNormRows = (...a: unknown[]) => {
      calls++;
      return (saved as (...a: unknown[]) => void)(...a);
    };
    try {
      F.layer_norm(torch.randn([3, 4], { dtype: float64 }), [4]);
    } finally {
      b.layerNormRows = saved;
    }
    assert.equal(calls, 0);
  });

  it("layerNormRows / layerNormBackwardRows and the raw addon reject bad arguments", () => {
    const M = 3, N = 4;
    const x = new Float32Array(M * N).fill(1), y = new Float32Array(M * N), g = new Float32Array(M * N), r = new Float32Array(M * N);
    const w = new Float32Array(N), bb = new Float32Array(N), mean = new Float64Array(M), rstd = new Float64Array(M);
    const gW = new Float64Array(N), gB = new Float64Array(N);
    assert.doesNotThrow(() => layerNormRows(x, 0, y, M, N, 1e-5, w, bb, mean, rstd));
    assert.doesNotThrow(() => layerNormBackwardRows(g, 0, x, 0, r, M, N, w, mean, rstd, gW, gB));
    assert.doesNotThrow(() => layerNormBackwardRows(g, 0, x, 0, null, M, N, w, mean, rstd, null, null));
    assert.throws(() => layerNormRows(x, 1, y, M, N, 1e-5, w, bb, mean, rstd), RuntimeError);
    assert.throws(() => layerNormRows(x, -1, y, M, N, 1e-5, w, bb, mean, rstd), RuntimeError);
    assert.throws(() => layerNormRows(x, 0.5, y, M, N, 1e-5, w, bb, mean, rstd), TorchTypeError);
    assert.throws(() => layerNormRows(x, 0, y, -M, N, 1e-5, w, bb, mean, rstd), RuntimeError);
    assert.throws(() => layerNormRows(x, 0, y, M, N, "1" as unknown as number, w, bb, mean, rstd), TorchTypeError);
    assert.throws(() => layerNormRows(x, 0, y, M, N, 1e-5, w.subarray(1), bb, mean, rstd), RuntimeError);
    assert.throws(() => layerNormRows(x, 0, y, M, N, 1e-5, w, bb, mean.subarray(1), rstd), RuntimeError);
    assert.throws(() => layerNormRows(x, 0, y, M, N, 1e-5, new Float64Array(N) as unknown as Float32Array, bb, mean, rstd), RuntimeError);
    assert.doesNotThrow(() => layerNormRows(x, 0, y, M, N, 1e-5, null, null, mean, rstd));
    assert.doesNotThrow(() => layerNormBackwardRows(g, 0, x, 0, r, M, N, null, mean, rstd, gW, gB));
    assert.throws(() => layerNormRows(new Float64Array(12) as unknown as Float32Array, 0, y, M, N, 1e-5, w, bb, mean, rstd), RuntimeError);
    assert.throws(() => layerNormRows([] as unknown as Float32Array, 0, y, M, N, 1e-5, w, bb, mean, rstd), TorchTypeError);
    // overlapping output and input: refused (the addon reports it, the wrapper throws)
    assert.throws(() => layerNormRows(x, 0, x, M, N, 1e-5, w, bb, mean, rstd), (e) => e instanceof RuntimeError && e.message.includes("single memory location"));
    assert.throws(() => layerNormRows(x, 0, y, M, N, 1e-5, w, bb, mean, mean), (e) => e instanceof RuntimeError && e.message.includes("single memory location"));
    assert.throws(() => layerNormBackwardRows(g, 0, x, 0, g, M, N, w, mean, rstd, gW, gB), RuntimeError);
    assert.throws(() => layerNormBackwardRows(g, 0, x, 0, r, M, N, w, mean, rstd, gW, gW), RuntimeError);
    assert.throws(() => layerNormBackwardRows(g, 0, x, 0, r, M, N, w, mean, rstd, new Float64Array(2), gB), RuntimeError);
    assert.throws(() => layerNormBackwardRows(g, 2, x, 0, r, M, N, w, mean, rstd, gW, gB), RuntimeError);
    // raw addon
    const P = (xs: number[]) => Float64Array.from(xs);
    assert.equal(nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([0, 0, M, N, 1e-5])), 0);
    assert.equal(nat.layer_norm_f32(x, x, w, bb, mean, rstd, P([0, 0, M, N, 1e-5])), 1);
    const whole = new Float32Array(40).fill(99);
    assert.equal(nat.layer_norm_f32(whole.subarray(0, 12), whole.subarray(11, 23), w, bb, mean, rstd, P([0, 0, M, N, 1e-5])), 1);
    assert.throws(() => nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([0, 0, M, N])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([1, 0, M, N, 1e-5])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([0, 0, M + 1, N, 1e-5])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([0, 0, -1, N, 1e-5])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([0, 0, 2 ** 40, 2 ** 40, 1e-5])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, w, bb, mean, rstd, P([0, 0, M, 2.5, 1e-5])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, w.subarray(1), bb, mean, rstd, P([0, 0, M, N, 1e-5])), RangeError);
    assert.throws(() => nat.layer_norm_f32(x, y, mean as unknown as Float32Array, bb, mean, rstd, P([0, 0, M, N, 1e-5])), TypeError);
    assert.equal(nat.layer_norm_f32(x, y, null, null, mean, rstd, P([0, 0, M, N, 1e-5])), 0);
    assert.equal(nat.layer_norm_f32(x, y, y.subarray(0, N), bb, mean, rstd, P([0, 0, M, N, 1e-5])), 1);
    assert.throws(() => (nat.layer_norm_f32 as unknown as (...a: unknown[]) => number)(x, y, w), TypeError);
    assert.equal(nat.layer_norm_bwd_f32(g, x, r, w, mean, rstd, gW, gB, P([0, 0, 0, M, N])), 0);
    assert.equal(nat.layer_norm_bwd_f32(g, x, null, w, mean, rstd, null, null, P([0, 0, 0, M, N])), 0);
    assert.equal(nat.layer_norm_bwd_f32(g, x, r, w, mean, rstd, gW, gW, P([0, 0, 0, M, N])), 1);
    assert.equal(nat.layer_norm_bwd_f32(g, x, r, null, mean, rstd, gW, gB, P([0, 0, 0, M, N])), 0);
    assert.equal(nat.layer_norm_bwd_f32(g, x, x, w, mean, rstd, gW, gB, P([0, 0, 0, M, N])), 1);
    assert.throws(() => nat.layer_norm_bwd_f32(g, x, r, w, mean, rstd, gW, gB, P([0, 0, 1, M, N])), RangeError);
    assert.throws(() => nat.layer_norm_bwd_f32(g, x, r, w, mean.subarray(1), rstd, gW, gB, P([0, 0, 0, M, N])), RangeError);
    assert.throws(() => nat.layer_norm_bwd_f32(g, x, r, w, mean, rstd, g as unknown as Float64Array, gB, P([0, 0, 0, M, N])), TypeError);
    assert.throws(() => nat.layer_norm_bwd_f32(g, x, mean as unknown as Float32Array, w, mean, rstd, gW, gB, P([0, 0, 0, M, N])), TypeError);
    assert.throws(() => nat.layer_norm_bwd_f32(g, x, r, mean as unknown as Float32Array, mean, rstd, gW, gB, P([0, 0, 0, M, N])), TypeError);
    assert.throws(() => nat.layer_norm_bwd_f32(g, x, r, w, mean, rstd, gW, gB, P([0, 0, 0, M])), RangeError);
    // random garbage sizes: thrown errors or 0/1 only, nothing written outside
    const rand = rng(4);
    for (let i = 0; i < 2000; i++) {
      const p = Float64Array.from({ length: Math.floor(rand() * 7) }, () => (rand() < 0.05 ? NaN : Math.floor(rand() * 6) - (rand() < 0.1 ? 2 : 0)));
      const wf = new Float32Array(30).fill(99), wd = new Float64Array(30).fill(99);
      const yo = wf.subarray(10, 20), mo = wd.subarray(10, 14), ro = wd.subarray(16, 20);
      try {
        if (rand() < 0.5) nat.layer_norm_f32(x, yo, w, bb, mo, ro, p);
        else nat.layer_norm_bwd_f32(g, x, rand() < 0.5 ? yo : null, w, mean, rstd, rand() < 0.5 ? mo : null, rand() < 0.5 ? ro : null, p);
      } catch (e) {
        assert.ok(e instanceof TypeError || e instanceof RangeError, String(e));
      }
      for (const a of [wf, wd]) {
        for (let j = 0; j < 10; j++) assert.equal(a[j], 99);
        for (let j = 20; j < 30; j++) assert.equal(a[j], 99);
      }
      for (let j = 14; j < 16; j++) assert.equal(wd[j], 99);
    }
  });
});
