// Native sums against src/backend/sum_order.ts's sumInto (PyTorch's accumulation order) on the
// same inputs: every result must agree bit for bit. Random shapes of 1 to 5 dims, random
// reduced dims, permuted / gapped / expanded (stride 0) views, NaNs with nansum, float32 and
// float64, and inputs of >= 32768 elements under 1 to 4 emulated PyTorch threads (the full
// reduction's two passes and the split of a kept dim).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { native, nativeSumInto, sumRows } from "../src/backend/native.js";
import { sumInto, setReductionThreads, getReductionThreads } from "../src/backend/sum_order.js";
import { float32, float64 } from "../src/dtype.js";
import { IndexError, RuntimeError } from "../src/errors.js";
import { xorshift as rng } from "./rng.js";
import { nativeSkip, addonOrFail } from "./native-env.js";
import { randomReduceCase } from "./reduce-cases.js";

const skip = nativeSkip;


describe("native sums in PyTorch's order", { skip }, () => {
  if (addonOrFail() === null) return;

  for (const big of [false, true]) {
    it(`${big ? "large (>= 32768 elements, 1-4 threads)" : "small"} sums equal sumInto bit for bit`, () => {
      const rand = rng(big ? 8 : 6);
      const t0 = getReductionThreads();
      try {
        for (let iter = 0; iter < (big ? 60 : 600); iter++) {
          const c = randomReduceCase(rand, big ? { minDims: 1, maxDims: 3, maxSize: 90, minNumel: 40000 } : { minDims: 1, maxDims: 5, maxSize: 20 });
          const f64 = rand() < 0.3;
          const dt = f64 ? float64 : float32;
          const X = f64 ? new Float64Array(c.len) : new Float32Array(c.len);
          const scale = rand() < 0.5 ? 1 : 1e6;
          for (let i = 0; i < c.len; i++) X[i] = (rand() * 2 - 1) * scale * (rand() < 0.1 ? 1e-3 : 1);
          const nan = rand() < 0.2;
          if (nan) for (let i = 0; i < 3; i++) X[Math.floor(rand() * c.len)] = NaN;
          const threads = big ? 1 + Math.floor(rand() * 4) : 1;
          setReductionThreads(threads);
          let outN = 1;
          c.shape.forEach((s, d) => (outN *= c.dims.includes(d) ? 1 : s));
          const want = f64 ? new Float64Array(outN + 2) : new Float32Array(outN + 2);
          const got = f64 ? new Float64Array(outN + 2) : new Float32Array(outN + 2);
          want.fill(7), got.fill(7);
          sumInto(X, c.off, c.shape, c.strides, c.dims, want, 1, dt, dt, nan);
          assert.ok(nativeSumInto(X, c.off, c.shape, c.strides, c.dims, got, 1, dt, dt, nan));
          for (let i = 0; i < want.length; i++) {
            if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
              assert.fail(`${JSON.stringify({ ...c, f64, nan, threads })}: out[${i}] native ${got[i]}, sum_order ${want[i]}`);
            }
          }
        }
      } finally {
        setReductionThreads(t0);
      }
    });
  }

  it("rejects bad arguments and declines other dtypes", () => {
    const x = new Float32Array(12), out = new Float32Array(4);
    sumRows(x, 0, [3, 4], [4, 1], [0], out, 0);
    assert.throws(() => sumRows(x, 1, [3, 4], [4, 1], [0], out, 0), RuntimeError);
    assert.throws(() => sumRows(x, 0, [3, 4], [4, 1], [2], out, 0), IndexError);
    assert.throws(() => sumRows(x, 0, [3, 4], [4, 1], [1], out, 2), RuntimeError);
    assert.throws(() => sumRows(x, 0, [3, 4], [4, 1], [0], x, 0), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation"));
    assert.equal(nativeSumInto(new Float64Array(4), 0, [4], [1], [0], new Float64Array(1), 0, float32, float32, false), false);
    assert.throws(() => native!.sum_f32(x, out, Float64Array.from([0, 0, 1, 1, 0, 13, 1, 1])), RangeError);
    assert.throws(() => native!.sum_f32(x, out, Float64Array.from([0, 0, 1, 0, 0, 12, 1, 1])), RangeError);
    assert.throws(() => native!.sum_f32(x, out, Float64Array.from([0, 0, 1, 1, 0, 12, 1, 2])), RangeError);
  });
});
