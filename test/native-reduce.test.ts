// Native max/min/argmax/argmin and var/std (Welford) against the TypeScript loops on the same
// inputs: src/backend/js_reduce.ts's reduce and src/ops/reduction.ts's varianceCore must agree
// with the addon bit for bit (Object.is per element: -0 stays -0, the first NaN wins, ties keep
// the first index). Random shapes of 0 to 5 dims (some long enough for every vector path),
// random reduced dims, permuted / gapped / expanded (stride 0) / offset views, data with NaN,
// ±inf, ±0, ties and denormals, float32 and float64, on every kernel set this CPU runs; then
// the public API (torch.max, argmax, amax, var, std, var_mean, ...) on both backends.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { jsBackend } from "../src/backend/index.js";
import { extremeRows, nativeExtremeInto, nativeVarianceInto, varianceRows } from "../src/backend/native.js";
import { float32, float64, int64, type DType } from "../src/dtype.js";
import { IndexError, RuntimeError, TypeError as TorchTypeError } from "../src/errors.js";
import { Storage } from "../src/storage.js";
import { empty, Tensor } from "../src/tensor.js";
import { Rng } from "./rng.js";
import { withJsBackend, withTsKernels } from "./ts-kernels.js";
import { nativeSkip, addonOrFail, onEveryIsa } from "./native-env.js";
import { randomReduceCase, type ReduceCase } from "./reduce-cases.js";

const skip = nativeSkip;

/** Random data: normals, small integers (ties, both zeros), and at `special` rate NaN, ±inf, denormals. */
function randomData(r: Rng, f64: boolean, len: number): Float32Array | Float64Array {
  const X = f64 ? new Float64Array(len) : new Float32Array(len);
  const tiny = f64 ? 5e-324 : 1e-45;
  const specials = [NaN, Infinity, -Infinity, tiny, -tiny, 3 * tiny, 0, -0];
  const special = r.pick([0, 0, 0.003, 0.03, 0.3]);
  const ties = r.pick([0, 0.3, 0.9]);
  const scale = r.pick([1, 1e-3, 1e30]);
  for (let i = 0; i < len; i++) {
    X[i] = r.bool(special) ? r.pick(specials) : r.bool(ties) ? r.int(-2, 2) || r.pick([0, -0]) : r.normal() * scale;
  }
  return X;
}

function view(X: Float32Array | Float64Array, c: ReduceCase): Tensor {
  return new Tensor(new Storage(X, X instanceof Float64Array ? float64 : float32), c.shape, c.strides, c.off);
}

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] native ${got[i]}, TypeScript ${want[i]}`);
  }
}

function data(t: Tensor): ArrayLike<number> {
  const c = t.contiguous();
  return c._storage.data.subarray(c._offset, c._offset + c.numel());
}

const EXTREMES = ["amax", "amin", "argmax", "argmin"] as const;

/** Each op through nativeExtremeInto and through js_reduce's loop; amax/amin also through
 * extremeRows at offsets inside larger arrays, which must stay untouched around them. */
function checkExtremes(x: Tensor, c: ReduceCase, r: Rng, tag: string): void {
  const oshape = c.shape.filter((_, d) => !c.dims.includes(d));
  for (const op of EXTREMES) {
    const arg = op.startsWith("arg");
    const out = (dt: DType) => empty(oshape.slice(), dt);
    const want = out(arg ? int64 : x.dtype), wantIdx = arg ? undefined : out(int64);
    jsBackend.reduce(op, x, c.dims, want, wantIdx);
    const got = out(arg ? int64 : x.dtype), gotIdx = arg ? undefined : out(int64);
    assert.ok(nativeExtremeInto(op, x, c.dims, got, gotIdx), `${tag} ${op} declined`);
    sameBits(data(got), data(want), `${tag} ${op}`);
    if (!arg) sameBits(data(gotIdx!), data(wantIdx!), `${tag} ${op} indices`);
    if (arg) continue;
    const n = want.numel(), vOff = r.int(0, 3), iOff = r.int(0, 3);
    const values = new (x._storage.data.constructor as Float32ArrayConstructor)(n + vOff + 2).fill(7);
    const indices = new Float64Array(n + iOff + 2).fill(7);
    extremeRows(x._storage.data as Float32Array, x._offset, c.shape, c.strides, c.dims, op === "amax", values, vOff, indices, iOff);
    sameBits(values.subarray(vOff, vOff + n), data(want), `${tag} extremeRows ${op}`);
    sameBits(indices.subarray(iOff, iOff + n), data(wantIdx!), `${tag} extremeRows ${op} indices`);
    assert.ok([...values.subarray(0, vOff), ...values.subarray(vOff + n), ...indices.subarray(0, iOff), ...indices.subarray(iOff + n)].every((v) => v === 7));
  }
}

/** var_mean / std_mean through varianceCore's TypeScript loop, and through nativeVarianceInto. */
function checkVariance(x: Tensor, c: ReduceCase, r: Rng, tag: string): void {
  const dims = c.dims.length > 0 ? c.dims : c.shape.map((_, d) => d);
  const correction = r.pick([0, 1, 1, 2, 0.5, -1, 1000]);
  const takeSqrt = r.bool();
  const [wantV, wantM] = withTsKernels(() => (takeSqrt ? torch.std_mean : torch.var_mean)(x, { dim: dims, correction }));
  const oshape = c.shape.filter((_, d) => !dims.includes(d));
  const V = empty(oshape.slice(), x.dtype), M = empty(oshape.slice(), x.dtype);
  assert.ok(nativeVarianceInto(x, dims, correction, takeSqrt, V, M), `${tag} declined`);
  sameBits(data(V), data(wantV), `${tag} ${takeSqrt ? "std" : "var"} (correction ${correction})`);
  sameBits(data(M), data(wantM), `${tag} mean`);
}

/** Both checks on the view c of X. */
function checkCase(X: Float32Array | Float64Array, c: ReduceCase, r: Rng, isa: string): void {
  const x = view(X, c);
  const tag = `${isa} ${X instanceof Float64Array ? "float64" : "float32"} ${JSON.stringify({ ...c, len: undefined })}`;
  checkExtremes(x, c, r, tag);
  checkVariance(x, c, r, tag);
}

describe("native max/min and var/std reductions", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;

  it("max/min/argmax/argmin and Welford var/std equal the TypeScript loops bit for bit, every kernel set", () => {
    const r = new Rng(17);
    const rand = () => r.next();
    onEveryIsa(nat, (isa) => {
      for (let iter = 0; iter < 500; iter++) {
        const c = randomReduceCase(rand, { minDims: 0, maxDims: 5, maxSize: 9, longDim: 150 });
        checkCase(randomData(r, r.bool(0.4), c.len), c, r, isa);
      }
    });
  });

  it("the layouts the kernels special-case: rows, columns, BatchNorm's statistics, long runs", () => {
    const r = new Rng(5);
    // [rows, cols] contiguous, transposed, and a column slice, with NaN, zeros of both signs and
    // infinities here and there
    const sizes = [[32, 27], [32, 200], [3, 1000], [1000, 3], [17, 64], [1, 129]];
    onEveryIsa(nat, (isa) => {
      for (const [m, n] of sizes) {
        for (const f64 of [false, true]) {
          const X = randomData(r, f64, m * n + 8);
          for (let k = 0; k < 6; k++) X[r.int(0, X.length - 1)] = r.pick([NaN, 0, -0, Infinity]);
          const layouts = [
            { shape: [m, n], strides: [n, 1], off: 0 },
            { shape: [n, m], strides: [1, n], off: 1 },
            { shape: [m, n - 1 || 1], strides: [n, 1], off: 1 },
          ];
          for (const base of layouts) for (const dims of [[0], [1], [0, 1]]) checkCase(X, { ...base, dims, len: X.length }, r, isa);
        }
      }
    });
  });

  it("the public ops give the same bits on the native and the TypeScript backend", () => {
    const r = new Rng(3);
    for (const dtype of [torch.float32, torch.float64]) {
      for (const shape of [[32, 27], [32, 200], [4, 5, 6]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = torch.tensor(Array.from(randomData(r, true, n)), { dtype }).reshape(shape);
        const cases: [string, (t: Tensor) => Tensor[]][] = [
          ["max(x, 1)", (t) => { const m = torch.max(t, 1) as unknown as { values: Tensor; indices: Tensor }; return [m.values, m.indices]; }],
          ["min(x, 0, true)", (t) => { const m = torch.min(t, 0, true) as unknown as { values: Tensor; indices: Tensor }; return [m.values, m.indices]; }],
          ["max()", (t) => [torch.max(t)]],
          ["argmax(0)", (t) => [t.argmax(0)]],
          ["argmax(-1)", (t) => [t.argmax(-1)]],
          ["argmin()", (t) => [t.argmin()]],
          ["amax([0, 1])", (t) => [t.amax([0, 1])]],
          ["amin(-1, true)", (t) => [t.amin(-1, true)]],
          ["t().amax(0)", (t) => [t.transpose(0, 1).amax(0)]],
          ["var(0, keepdim)", (t) => [t.var(0, { keepdim: true })]],
          ["std(0, keepdim)", (t) => [t.std(0, { keepdim: true })]],
          ["std(1)", (t) => [t.std(1)]],
          ["var()", (t) => [t.var()]],
          ["var(1, correction 0)", (t) => [t.var(1, { correction: 0 })]],
          ["var_mean(x, 1)", (t) => torch.var_mean(t, 1)],
          ["std_mean(x, [0, 1])", (t) => torch.std_mean(t, [0, 1])],
          ["t().var(1)", (t) => [t.transpose(0, 1).var(1)]],
        ];
        for (const [name, f] of cases) {
          const want = withJsBackend(() => f(x));
          const got = f(x);
          want.forEach((w, i) => sameBits(data(got[i]), data(w), `${dtype.name} ${JSON.stringify(shape)} ${name}`));
        }
      }
    }
  });

  it("rejects bad arguments and declines what it does not cover", () => {
    const x = new Float32Array(12), v = new Float32Array(4), idx = new Float64Array(4);
    extremeRows(x, 0, [3, 4], [4, 1], [0], true, v, 0, idx, 0);
    varianceRows(x, 0, [3, 4], [4, 1], [0], 1, false, v, 0, new Float32Array(4), 0);
    assert.throws(() => extremeRows(x, 1, [3, 4], [4, 1], [0], true, v, 0, null, 0), RuntimeError);
    assert.throws(() => extremeRows(x, 0, [3, 4], [4, 1], [2], true, v, 0, null, 0), IndexError);
    assert.throws(() => extremeRows(x, 0, [3, 0], [4, 1], [1], true, v, 0, null, 0), (e) => e instanceof IndexError && e.message.includes("non-zero size"));
    assert.throws(() => extremeRows(x, 0, [3, 4], [4, 1], [1], true, v, 2, null, 0), RuntimeError);
    assert.throws(() => extremeRows(x, 0, [3, 4], [4, 1], [0], true, x, 0, null, 0), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation"));
    assert.throws(() => extremeRows(x, 0, [3, 4], [4, 1], [0], true, new Float64Array(4), 0, null, 0), RuntimeError);
    assert.throws(() => extremeRows(x, 0, [3, 4], [4, 1], [0], 1 as unknown as boolean, v, 0, null, 0), TorchTypeError);
    assert.throws(() => varianceRows(x, 0, [3, 4], [4, 1], [0], 1, false, v, 0, v, 0), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation"));
    assert.throws(() => varianceRows(x, 0, [3, 4], [4, -1], [0], 1, false, v, 0, new Float32Array(4), 0), RuntimeError);
    assert.throws(() => varianceRows(x, 0, [3, 4], [4, 1], [0], "1" as unknown as number, false, v, 0, new Float32Array(4), 0), TorchTypeError);
    // the raw addon: plain RangeError/TypeError
    const P = (a: number[]) => Float64Array.from(a);
    assert.equal(nat.extreme_f32(x, v, idx, P([0, 0, 0, 2, 1, 3, 4, 4, 1, 1, 0])), 0);
    assert.throws(() => nat.extreme_f32(x, v, idx, P([0, 0, 0, 2, 1, 0, 4, 4, 1, 1, 0])), RangeError);
    assert.throws(() => nat.extreme_f32(x, v, idx, P([0, 0, 0, 2, 2, 3, 4, 4, 1, 1, 0])), RangeError);
    assert.throws(() => nat.extreme_f32(x, v, idx, P([0, 0, 0, 2, 1, 3, 5, 4, 1, 1, 0])), RangeError);
    assert.throws(() => nat.extreme_f32(x, idx as unknown as Float32Array, null, P([0, 0, 0, 2, 1, 3, 4, 4, 1, 1, 0])), TypeError);
    assert.equal(nat.var_f32(x, v, new Float32Array(4), P([0, 0, 0, 2, 0, 1, 3, 4, 4, 1, 1, 0])), 0);
    assert.throws(() => nat.var_f32(x, v, new Float32Array(4), P([0, 0, 0, 2, 0])), RangeError);
    assert.throws(() => nat.var_f32(x, v, new Float32Array(4), P([0, 0, 1, 2, 0, 1, 3, 4, 4, 1, 1, 0])), RangeError);
    // other dtypes, empty inputs and dims past the end go to the TypeScript loops
    const i32 = torch.tensor([[1, 2], [3, 4]], { dtype: torch.int32 });
    assert.equal(nativeExtremeInto("amax", i32, [0], empty([2], torch.int32)), false);
    assert.equal(nativeExtremeInto("amax", torch.zeros([0, 3]), [0], empty([3], float32)), false);
    assert.equal(nativeExtremeInto("argmax", torch.zeros([]), [0], empty([], int64)), false);
  });
});
