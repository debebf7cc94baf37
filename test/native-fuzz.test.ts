// Fuzzing the native GEMM entry points (and, at the end, the reduction and optimizer step entries the same way).
// 1. Random bad arguments (negative, fractional, NaN, huge, wrong types, arrays too short,
//    strides that run past the end, overlapping output) must make the checked wrappers throw
//    torchlette's error classes and the raw addon throw a plain TypeError/RangeError (or
//    return its overlap code); the process must never crash, and nothing outside the
//    arrays may change (guard zones around every array are checked after each call).
// 2. Random good arguments (shapes, offsets, strides, batch strides, beta) must give the
//    float64 reference within the float32 bound |err| <= K * 2^-24 * sum_k |A_ik B_kj|
//    (+ 2^-24 |C_ij| with beta = 1), whatever the summation order.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { RuntimeError, TypeError as TorchTypeError, ValueError, IndexError } from "../src/errors.js";
import { native, sgemm, dgemm, set_num_threads, sumRows, extremeRows, varianceRows, adamStep, sgdStep, activationLanes } from "../src/backend/native.js";
import { xorshift as rng } from "./rng.js";
import { nativeSkip, addonOrFail } from "./native-env.js";

const skip = nativeSkip;


const GUARD = 16;
const SENTINEL = 12345.5;

/** A Float32Array/Float64Array of n elements with guard zones on both sides in one buffer. */
function guarded(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, rand: () => number) {
  const whole = new Ctor(n + 2 * GUARD).fill(SENTINEL);
  const arr = whole.subarray(GUARD, GUARD + n);
  for (let i = 0; i < n; i++) arr[i] = rand() * 2 - 1;
  const intact = () => {
    for (let i = 0; i < GUARD; i++) {
      if (whole[i] !== SENTINEL || whole[GUARD + n + i] !== SENTINEL) return false;
    }
    return true;
  };
  return { arr, intact };
}

/** Draws over rand: a random element of xs, an integer in [lo, hi]. */
function draws(rand: () => number) {
  return {
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)],
    int: (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1)),
  };
}

/** v when it is a number, else 0 (a fuzzed argument may be anything) */
const num = (v: unknown) => (typeof v === "number" ? v : 0);

interface Args {
  batch: number; M: number; N: number; K: number;
  aOff: number; aBS: number; aRS: number; aCS: number;
  bOff: number; bBS: number; bRS: number; bCS: number;
  cOff: number; cBS: number; cRS: number; beta: number;
}

/** Random valid arguments and the element counts the arrays need. */
function randomGood(rand: () => number): { a: Args; nA: number; nB: number; nC: number } {
  const { int } = draws(rand);
  const batch = int(0, 3), M = int(0, 40), N = int(0, 40), K = int(0, 40);
  // A and B: row-major, transposed, or gapped; batch stride 0 (broadcast) or past the matrix.
  const layout = (rows: number, cols: number) => {
    const kind = int(0, 2);
    let rs: number, cs: number;
    if (kind === 0) (rs = cols + int(0, 3)), (cs = 1);
    else if (kind === 1) (rs = 1), (cs = rows + int(0, 3));
    else (rs = (cols + 1) * int(1, 3)), (cs = int(1, 3));
    const span = rows && cols ? (rows - 1) * rs + (cols - 1) * cs + 1 : 0;
    const bs = rand() < 0.3 ? 0 : span + int(0, 5);
    const off = int(0, 6);
    const n = off + (batch && span ? (batch - 1) * bs + span : 0) + int(0, 3);
    return { off, bs, rs, cs, n };
  };
  const la = layout(M, K), lb = layout(K, N);
  const cRS = N + int(0, 3);
  const cSpan = M && N ? (M - 1) * cRS + N : 0;
  const cBS = cSpan + int(0, 5);
  const cOff = int(0, 6);
  const nC = cOff + (batch && cSpan ? (batch - 1) * cBS + cSpan : 0) + int(0, 3);
  return {
    a: {
      batch, M, N, K,
      aOff: la.off, aBS: la.bs, aRS: la.rs, aCS: la.cs,
      bOff: lb.off, bBS: lb.bs, bRS: lb.rs, bCS: lb.cs,
      cOff, cBS, cRS, beta: rand() < 0.3 ? 1 : 0,
    },
    nA: la.n, nB: lb.n, nC,
  };
}

function reference(a: Args, A: ArrayLike<number>, B: ArrayLike<number>, C0: ArrayLike<number>, C: ArrayLike<number>, u: number, tag: string): void {
  for (let b = 0; b < a.batch; b++) {
    for (let i = 0; i < a.M; i++) {
      for (let j = 0; j < a.N; j++) {
        let s = 0, mag = 0;
        for (let k = 0; k < a.K; k++) {
          const t = A[a.aOff + b * a.aBS + i * a.aRS + k * a.aCS] * B[a.bOff + b * a.bBS + k * a.bRS + j * a.bCS];
          s += t;
          mag += Math.abs(t);
        }
        const at = a.cOff + b * a.cBS + i * a.cRS + j;
        const old = a.beta ? C0[at] : 0;
        const tol = 1.01 * (a.K + (a.beta ? 1 : 0)) * u * (mag + Math.abs(old)) + Number.MIN_VALUE;
        if (!(Math.abs(C[at] - (s + old)) <= tol)) {
          assert.fail(`${tag} ${JSON.stringify(a)}: C[${b}][${i}][${j}] = ${C[at]}, want ${s + old}`);
        }
      }
    }
  }
}

const order = ["batch", "M", "N", "K", "aOff", "aBS", "aRS", "aCS", "bOff", "bBS", "bRS", "bCS", "cOff", "cBS", "cRS", "beta"] as const;
function positional(a: Record<string, unknown>, A: unknown, B: unknown, C: unknown): unknown[] {
  return [
    a.batch, a.M, a.N, a.K,
    A, a.aOff, a.aBS, a.aRS, a.aCS,
    B, a.bOff, a.bBS, a.bRS, a.bCS,
    C, a.cOff, a.cBS, a.cRS, a.beta,
  ];
}

const BAD_NUMBERS: unknown[] = [-1, -7, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 60, 1e300, -0.25, "3", null, undefined, {}, [], true, 10n];

function isTorchError(e: unknown): boolean {
  return e instanceof RuntimeError || e instanceof TorchTypeError || e instanceof ValueError || e instanceof IndexError;
}

describe("native gemm fuzz", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;

  it("random good arguments match the reference (float32 and float64, 1 and 2 threads)", () => {
    const rand = rng(2024);
    const threads0 = nat.get_num_threads();
    const thr0 = nat.set_thresholds();
    try {
      for (let iter = 0; iter < 400; iter++) {
        const f64 = iter % 2 === 1;
        nat.set_num_threads(1 + (iter % 3 === 0 ? 1 : 0));
        // Every third call: parallel and packed paths even for these small products.
        if (iter % 3 === 0) nat.set_thresholds(-1, 0);
        else nat.set_thresholds(thr0[0], thr0[1]);
        const { a, nA, nB, nC } = randomGood(rand);
        const Ctor = f64 ? Float64Array : Float32Array;
        const A = guarded(Ctor, nA, rand), B = guarded(Ctor, nB, rand), C = guarded(Ctor, nC, rand);
        const C0 = C.arr.slice();
        const args = positional(a as unknown as Record<string, unknown>, A.arr, B.arr, C.arr);
        (f64 ? (dgemm as (...x: unknown[]) => void) : (sgemm as (...x: unknown[]) => void))(...args, rand() < 0.3);
        assert.ok(A.intact() && B.intact() && C.intact(), "guard zone changed");
        reference(a, A.arr, B.arr, C0, C.arr, f64 ? 2 ** -53 : 2 ** -24, f64 ? "dgemm" : "sgemm");
        // Elements of C outside the product are untouched.
        const touched = new Set<number>();
        for (let b = 0; b < a.batch; b++) for (let i = 0; i < a.M; i++) for (let j = 0; j < a.N; j++) touched.add(a.cOff + b * a.cBS + i * a.cRS + j);
        for (let i = 0; i < nC; i++) if (!touched.has(i)) assert.ok(Object.is(C.arr[i], C0[i]), `C[${i}] changed`);
      }
    } finally {
      nat.set_num_threads(threads0);
      nat.set_thresholds(thr0[0], thr0[1]);
    }
  });

  it("random bad arguments throw torchlette errors (wrapper) or TypeError/RangeError (addon), never crash", () => {
    const rand = rng(99);
    const { pick } = draws(rand);
    let wrapperThrew = 0, nativeThrew = 0, accepted = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const { a, nA, nB, nC } = randomGood(rand);
      const f64 = rand() < 0.3;
      const Ctor = f64 ? Float64Array : Float32Array;
      const A = guarded(Ctor, nA, rand), B = guarded(Ctor, nB, rand), C = guarded(Ctor, nC, rand);
      const args: Record<string, unknown> = { ...a };
      let arrA: unknown = A.arr, arrB: unknown = B.arr, arrC: unknown = C.arr;
      const mutations = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < mutations; m++) {
        const what = rand();
        if (what < 0.45) {
          args[pick(order)] = pick(BAD_NUMBERS);
        } else if (what < 0.7) {
          // A valid-looking integer that is too large for the arrays.
          const key = pick(order);
          args[key] = (typeof args[key] === "number" ? (args[key] as number) : 0) + 1 + Math.floor(rand() * 50);
        } else if (what < 0.8) {
          const bad = pick([new Int32Array(nA + 4), f64 ? new Float32Array(nA + 4) : new Float64Array(nA + 4), [1, 2, 3], null, "A", new Uint8Array(8)]);
          const slot = pick(["A", "B", "C"]);
          if (slot === "A") arrA = bad;
          else if (slot === "B") arrB = bad;
          else arrC = bad;
        } else if (what < 0.9) {
          // Arrays one element too short (when anything is read at all).
          const slot = pick(["A", "B", "C"]);
          if (slot === "A") arrA = A.arr.subarray(0, Math.max(0, nA - 1 - Math.floor(rand() * 3)));
          else if (slot === "B") arrB = B.arr.subarray(0, Math.max(0, nB - 1 - Math.floor(rand() * 3)));
          else arrC = C.arr.subarray(0, Math.max(0, nC - 1 - Math.floor(rand() * 3)));
        } else {
          // Output overlapping an input, or itself.
          if (rand() < 0.5) arrA = arrC;
          else (args.cRS = Math.floor(rand() * 3)), (args.cBS = Math.floor(rand() * 3));
        }
      }
      const call = positional(args, arrA, arrB, arrC);
      let ok = true;
      try {
        (f64 ? (dgemm as (...x: unknown[]) => void) : (sgemm as (...x: unknown[]) => void))(...call);
        accepted++;
      } catch (e) {
        ok = false;
        wrapperThrew++;
        assert.ok(isTorchError(e), `wrapper threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
      assert.ok(A.intact() && B.intact() && C.intact(), "guard zone changed by the wrapper");
      try {
        const raw = (f64 ? nat.dgemm : nat.sgemm) as (...x: unknown[]) => number;
        const r = raw(...call);
        assert.ok(r === 0 || r === 1, `addon returned ${r}`);
      } catch (e) {
        nativeThrew++;
        assert.ok(e instanceof globalThis.TypeError || e instanceof RangeError, `addon threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
        // What the addon refuses, the wrapper must refuse too.
        assert.ok(!ok, `wrapper accepted what the addon refused: ${(e as Error).message}`);
      }
      assert.ok(A.intact() && B.intact() && C.intact(), "guard zone changed by the addon");
    }
    // The mutations must mostly hit: otherwise this test checks nothing.
    assert.ok(wrapperThrew > 2000 && nativeThrew > 1000 && accepted > 50, JSON.stringify({ wrapperThrew, nativeThrew, accepted }));
  });

  it("the packed-parameter entry rejects bad parameter arrays", () => {
    const A = new Float32Array(4), B = new Float32Array(4), C = new Float32Array(4);
    const P = new Float64Array([1, 2, 2, 2, 0, 0, 2, 1, 0, 0, 2, 1, 0, 0, 2, 0, 0]);
    assert.equal(nat.sgemm_p(A, B, C, P), 0);
    for (const [i, v] of [[0, -1], [1, 0.5], [3, NaN], [6, 2 ** 60], [15, Infinity], [12, 3], [15, 2], [16, 2]] as const) {
      const Q = P.slice();
      Q[i] = v;
      assert.throws(() => nat.sgemm_p(A, B, C, Q), RangeError);
    }
    assert.throws(() => nat.sgemm_p(A, B, C, P.subarray(0, 16)), RangeError);
    assert.throws(() => nat.sgemm_p(A, B, C, new Float32Array(16) as unknown as Float64Array), globalThis.TypeError);
    assert.throws(() => (nat.sgemm_p as (...x: unknown[]) => number)(A, B, C), globalThis.TypeError);
    assert.throws(() => nat.dgemm_p(A as unknown as Float64Array, B as unknown as Float64Array, C as unknown as Float64Array, P), globalThis.TypeError);
  });

  it("ew_flat_f32: random parameter arrays throw or stay inside the arrays, never crash", async () => {
    const { FLAT_PARAMS } = await import("../src/backend/native.js");
    const rand = rng(99);
    const nat = native!;
    const P = new Float64Array(8);
    nat.ew_flat_params(P);
    const pick = (): number => {
      const r = rand();
      if (r < 0.1) return NaN;
      if (r < 0.2) return -1 - Math.floor(rand() * 5);
      if (r < 0.3) return 2 ** 53 + 2;
      if (r < 0.4) return rand() * 10;
      if (r < 0.45) return Infinity;
      return Math.floor(rand() * 40);
    };
    let threw = 0, ran = 0;
    try {
      for (let t = 0; t < 3000; t++) {
        const o = guarded(Float32Array, Math.floor(rand() * 33), rand);
        const a = guarded(Float32Array, Math.floor(rand() * 33), rand);
        const b = guarded(Float32Array, Math.floor(rand() * 33), rand);
        P[0] = rand() < 0.8 ? Math.floor(rand() * 32) : pick();
        if (rand() < 0.5) {
          // in range, mostly: n and offsets that fit (some off by one)
          const lens = [o.arr.length, a.arr.length, b.arr.length];
          const n = Math.floor(rand() * (Math.min(...lens) + 1));
          P[1] = n;
          for (let i = 0; i < 3; i++) P[2 + i] = Math.floor(rand() * (lens[i] - n + 1)) + (rand() < 0.1 ? 1 : 0);
        } else for (let i = 1; i < 5; i++) P[i] = pick();
        P[5] = rand() * 4 - 2, P[6] = rand() * 4 - 2;
        const bArg = rand() < 0.1 ? (null as unknown as Float32Array) : rand() < 0.05 ? (new Float64Array(4) as unknown as Float32Array) : (b.arr as Float32Array);
        // sometimes an operand is a plain ArrayBuffer of the same length (the form allocate()'s
        // storages are passed in): bounded by its own length, nothing to guard around it
        const asBuf = (x: Float32Array): Float32Array | ArrayBuffer => (rand() < 0.25 ? new ArrayBuffer(x.byteLength) : x);
        try {
          nat.ew_flat_f32(asBuf(o.arr as Float32Array), asBuf(a.arr as Float32Array), bArg instanceof Float32Array ? asBuf(bArg) : bArg);
          ran++;
        } catch (e) {
          assert.ok(e instanceof TypeError || e instanceof RangeError, String(e));
          threw++;
        }
        assert.ok(o.intact() && a.intact() && b.intact(), `call ${t} wrote outside its arrays`);
      }
    } finally {
      nat.ew_flat_params(FLAT_PARAMS);
    }
    assert.ok(threw > 100 && ran > 100, `threw ${threw}, ran ${ran}`);
  });

  it("errors name the problem in PyTorch's words", () => {
    const A = new Float32Array(6), B = new Float32Array(6), C = new Float32Array(4);
    const good: unknown[] = [1, 2, 2, 3, A, 0, 0, 3, 1, B, 0, 0, 2, 1, C, 0, 0, 2, 0];
    const call = (i: number, v: unknown) => {
      const x = good.slice();
      x[i] = v;
      (sgemm as (...a: unknown[]) => void)(...x);
    };
    (sgemm as (...a: unknown[]) => void)(...good);
    assert.throws(() => call(1, -2), (e) => e instanceof RuntimeError && e.message === "Trying to create tensor with negative dimension -2: [1, -2, 2, 3]");
    assert.throws(() => call(2, 1.5), (e) => e instanceof TorchTypeError && e.message === "sgemm(): argument 'N' must be int, not float");
    assert.throws(() => call(4, new Float64Array(6)), (e) => e instanceof RuntimeError && e.message === "expected scalar type Float but found Double");
    assert.throws(() => call(4, [1, 2]), (e) => e instanceof TorchTypeError && e.message === "sgemm(): argument 'A' must be Float32Array, not Array");
    assert.throws(() => call(7, 4), (e) => e instanceof RuntimeError && e.message.startsWith("setStorage: sizes [1, 2, 3], strides [0, 4, 1], storage offset 0, and itemsize 4 requiring a storage size of 28 are out of bounds for storage of size 24"));
    assert.throws(() => call(8, -1), (e) => e instanceof RuntimeError && e.message.startsWith("as_strided: Negative strides are not supported"));
    assert.throws(() => call(5, -1), (e) => e instanceof RuntimeError && e.message === "Tensor: invalid storage offset -1");
    assert.throws(() => call(18, 2), (e) => e instanceof ValueError);
    assert.throws(() => call(17, 1), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation: more than one element of the written-to tensor"));
    assert.throws(() => call(14, A.subarray(0, 4)), (e) => e instanceof RuntimeError && e.message.startsWith("unsupported operation: some elements of the input tensor and the written-to tensor"));
    assert.throws(() => set_num_threads(0), (e) => e instanceof RuntimeError && e.message === "set_num_threads expects a positive integer");
    assert.throws(() => set_num_threads(1.5), (e) => e instanceof TorchTypeError);
    assert.throws(() => nat.set_num_threads(0), RangeError);
    assert.throws(() => nat.set_num_threads(5000), RangeError);
  });

  it("concurrent calls from worker threads (pool busy: each runs alone) give right answers", async () => {
    // Each worker loads the addon itself (context-aware module) and checks its products
    // against a float64 reference; they run at once so they contend for the thread pool.
    const path = new URL("../build/Release/torchlette_native.node", import.meta.url).pathname;
    const src = `
      const { parentPort, workerData } = require("node:worker_threads");
      const m = require(workerData.path);
      let s = workerData.seed, bad = 0;
      const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
      for (let it = 0; it < 6; it++) {
        const M = 90 + it, N = 120, K = 110;
        const A = Float32Array.from({ length: M * K }, r), B = Float32Array.from({ length: K * N }, r);
        const C = new Float32Array(M * N);
        m.sgemm(1, M, N, K, A, 0, 0, K, 1, B, 0, 0, N, 1, C, 0, 0, N, 0);
        for (let i = 0; i < M; i += 7) for (let j = 0; j < N; j += 5) {
          let x = 0, mag = 0;
          for (let k = 0; k < K; k++) { x += A[i * K + k] * B[k * N + j]; mag += Math.abs(A[i * K + k] * B[k * N + j]); }
          if (!(Math.abs(C[i * N + j] - x) <= K * 2 ** -24 * mag * 1.01)) bad++;
        }
      }
      parentPort.postMessage(bad);`;
    const runs = [1, 2, 3, 4].map(
      (seed) =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(src, { eval: true, workerData: { path, seed } });
          w.once("message", resolve);
          w.once("error", reject);
        }),
    );
    const bad = await Promise.all(runs);
    assert.deepEqual(bad, [0, 0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// The reduction entries: sum_f32/f64, extreme_f32/f64 (max/min and indices), var_f32/f64

type RedKind = "sum" | "extreme" | "var";
interface RedArgs {
  xOff: unknown; shape: unknown[]; strides: unknown[]; dims: unknown[];
  o0: unknown; o1: unknown; flag: unknown; correction: unknown;
}

/** A valid reduction: its arguments, the input's length and the outputs' count. */
function redGood(rand: () => number): { a: RedArgs; nX: number; outN: number } {
  const { int } = draws(rand);
  const nd = int(0, 4);
  const shape = Array.from({ length: nd }, () => (rand() < 0.1 ? 0 : int(1, 6)));
  const strides = Array.from({ length: nd }, () => (rand() < 0.15 ? 0 : int(1, 40)));
  const dims = Array.from({ length: nd }, (_, d) => d).filter(() => rand() < 0.5);
  const xOff = int(0, 3);
  let top = xOff, outN = 1, numel = 1;
  shape.forEach((s, d) => ((top += (s - 1) * strides[d]), (numel *= s), (outN *= dims.includes(d) ? 1 : s)));
  const nX = (numel ? top + 1 : xOff) + int(0, 2);
  return { a: { xOff, shape, strides, dims, o0: int(0, 3), o1: int(0, 3), flag: rand() < 0.5, correction: int(-1, 2) }, nX, outN };
}

/** The raw entry's params for these arguments (bad values pass through as numbers). */
function redParams(kind: RedKind, a: RedArgs): Float64Array {
  const nd = a.shape.length;
  // sumRows' skipNaN defaults to false
  const flag = a.flag === true || a.flag === false || (kind === "sum" && a.flag === undefined) ? Number(a.flag ?? 0) : Number(a.flag);
  const head = kind === "sum" ? [a.xOff, a.o0, nd, 1, flag] : kind === "extreme" ? [a.xOff, a.o0, a.o1, nd, flag] : [a.xOff, a.o0, a.o1, nd, flag, a.correction];
  const reduced = a.shape.map((_, d) => (a.dims.includes(d) ? 1 : 0));
  return Float64Array.from([...head, ...a.shape, ...a.strides, ...reduced], (v) => (typeof v === "bigint" ? Number(v) : (v as number)));
}

describe("native reduction fuzz", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;

  it("random arguments: the wrappers throw torchlette errors, the addon TypeError/RangeError, nothing outside the arrays changes", () => {
    const rand = rng(7);
    const { pick } = draws(rand);
    let wrapperThrew = 0, nativeThrew = 0, accepted = 0;
    for (let iter = 0; iter < 4000; iter++) {
      const kind = pick(["sum", "extreme", "var"] as const);
      const f64 = rand() < 0.4;
      const Ctor = f64 ? Float64Array : Float32Array;
      const { a, nX, outN } = redGood(rand);
      const X = guarded(Ctor, nX, rand);
      const A = guarded(Ctor, outN + 4, rand);
      const B = guarded(kind === "extreme" ? Float64Array : Ctor, outN + 4, rand);
      let arrX: unknown = X.arr, arrA: unknown = A.arr, arrB: unknown = kind === "sum" ? null : B.arr;
      let P = redParams(kind, a);
      // a valid-looking integer, too large for the arrays
      const bump = (v: unknown) => num(v) + 1 + Math.floor(rand() * 8);
      for (let m = 0, n = Math.floor(rand() * 3); m < n; m++) {
        const what = rand();
        const fields = ["xOff", "o0", "o1", "flag", "correction"] as const;
        if (what < 0.35) {
          const list = pick([a.shape, a.strides, a.dims]);
          const i = Math.floor(rand() * list.length);
          if (list.length > 0) list[i] = rand() < 0.5 ? pick(BAD_NUMBERS) : bump(list[i]);
          else a[pick(fields)] = pick(BAD_NUMBERS);
        } else if (what < 0.55) {
          const key = pick(fields);
          a[key] = rand() < 0.5 ? pick(BAD_NUMBERS) : bump(a[key]);
        } else if (what < 0.65) {
          const bad = pick([new Int32Array(8), f64 ? new Float32Array(8) : new Float64Array(8), [1, 2], null, "x"]);
          const slot = pick(["x", "a", "b"]);
          if (slot === "x") arrX = bad;
          else if (slot === "a") arrA = bad;
          else arrB = bad;
        } else if (what < 0.75) {
          // 17 dims of size 1
          a.shape = [...a.shape, ...new Array(17).fill(1)], a.strides = [...a.strides, ...new Array(17).fill(1)];
        } else if (what < 0.85) {
          arrA = A.arr.subarray(0, Math.max(0, outN - 1));
        } else {
          // an output over the input, or over the other output
          if (rand() < 0.5 || kind === "extreme") arrA = arrX;
          else arrB = arrA;
        }
        P = redParams(kind, a);
      }
      // params cut short: the addon alone sees these
      const cut = rand() < 0.05;
      if (cut) P = P.subarray(0, Math.floor(rand() * P.length));
      let ok = true;
      try {
        if (kind === "sum") (sumRows as (...x: unknown[]) => void)(arrX, a.xOff, a.shape, a.strides, a.dims, arrA, a.o0, a.flag);
        else if (kind === "extreme") (extremeRows as (...x: unknown[]) => void)(arrX, a.xOff, a.shape, a.strides, a.dims, a.flag, arrA, a.o0, arrB, a.o1);
        else (varianceRows as (...x: unknown[]) => void)(arrX, a.xOff, a.shape, a.strides, a.dims, a.correction, a.flag, arrA, a.o0, arrB, a.o1);
        accepted++;
      } catch (e) {
        ok = false;
        wrapperThrew++;
        assert.ok(isTorchError(e), `${kind} wrapper threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
      assert.ok(X.intact() && A.intact() && B.intact(), `${kind}: guard zone changed by the wrapper`);
      try {
        // the variant the wrappers pick: by x's type
        const d = arrX instanceof Float64Array;
        const raw = (kind === "sum" ? (d ? nat.sum_f64 : nat.sum_f32) : kind === "extreme" ? (d ? nat.extreme_f64 : nat.extreme_f32) : d ? nat.var_f64 : nat.var_f32) as (...x: unknown[]) => number;
        const r = kind === "sum" ? raw(arrX, arrA, P) : raw(arrX, arrA, arrB, P);
        assert.ok(r === 0 || r === 1, `${kind} addon returned ${r}`);
      } catch (e) {
        nativeThrew++;
        assert.ok(e instanceof globalThis.TypeError || e instanceof RangeError, `${kind} addon threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
        assert.ok(!ok || cut, `${kind} wrapper accepted what the addon refused: ${(e as Error).message}`);
      }
      assert.ok(X.intact() && A.intact() && B.intact(), `${kind}: guard zone changed by the addon`);
    }
    assert.ok(wrapperThrew > 1000 && nativeThrew > 800 && accepted > 500, JSON.stringify({ wrapperThrew, nativeThrew, accepted }));
  });
});

// ---------------------------------------------------------------------------------------------
// The optimizer step entries: adam_f32 and sgd_f32 (arrays, then [offsets..., n, flags...,
// scalars...]; the last array may be null)

interface StepEntry {
  names: string[];
  flagMax: number[];
  nScalars: number;
  wrapper: (arrs: unknown[], n: unknown, offsets: unknown[], o: Record<string, unknown>) => void;
  raw: (arrs: unknown[], params: Float64Array) => number;
  options: (rand: () => number) => Record<string, unknown>;
}

describe("native optimizer step fuzz", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;
  const call = (f: unknown, ...x: unknown[]) => (f as (...a: unknown[]) => number)(...x);
  const entries: Record<string, StepEntry> = {
    adam_f32: {
      names: ["p", "g", "m", "v", "vmax"], flagMax: [1, 2], nScalars: 10,
      wrapper: (a, n, offs, o) => call(adamStep, ...a, n, o, offs),
      raw: (a, P) => call(nat.adam_f32, ...a, P),
      options: (rand) => ({ lr: rand(), beta1: 0.9, beta2: 0.99, eps: 1e-8, weight_decay: rand() < 0.5 ? 0 : 0.1, step: 1 + Math.floor(rand() * 5), decoupled: rand() < 0.5, maximize: rand() < 0.5 }),
    },
    sgd_f32: {
      names: ["p", "g", "buf"], flagMax: [1, 1, 1], nScalars: 4,
      wrapper: (a, n, offs, o) => call(sgdStep, ...a, n, o, offs),
      raw: (a, P) => call(nat.sgd_f32, ...a, P),
      options: (rand) => ({ lr: rand(), momentum: 0.9, dampening: rand() < 0.5 ? 0 : 0.3, weight_decay: rand() < 0.5 ? 0 : 0.1, nesterov: rand() < 0.5, maximize: rand() < 0.5 }),
    },
  };

  it("random arguments: the wrappers throw torchlette errors, the addon TypeError/RangeError, nothing outside the arrays changes", () => {
    const rand = rng(11);
    const { pick, int } = draws(rand);
    const counts: Record<string, number> = { wrapperThrew: 0, nativeThrew: 0, overlap: 0, accepted: 0 };
    for (let iter = 0; iter < 3000; iter++) {
      const [name, e] = pick(Object.entries(entries));
      const k = e.names.length;
      const n = int(0, 40);
      const offs: unknown[] = e.names.map(() => int(0, 4));
      const zones = e.names.map((_, i) => guarded(Float32Array, (offs[i] as number) + n + int(0, 2), rand));
      const arrs: unknown[] = zones.map((z) => z.arr);
      if (rand() < 0.3) arrs[k - 1] = null;
      let nArg: unknown = n;
      const o = e.options(rand);
      const flags = e.flagMax.map((m) => int(0, m));
      // what only the raw entry sees (its own flags, params cut short): it may refuse alone
      let rawOnly = false, cut = -1;
      for (let m = 0, count = int(0, 2); m < count; m++) {
        const what = rand();
        const i = int(0, k - 1);
        if (what < 0.2) offs[i] = rand() < 0.5 ? pick(BAD_NUMBERS) : num(offs[i]) + int(1, 8);
        else if (what < 0.35) nArg = rand() < 0.5 ? pick(BAD_NUMBERS) : n + int(1, 8);
        else if (what < 0.5) arrs[i] = pick([new Float64Array(n + 8), new Int32Array(n + 8), [1, 2], "x", i < k - 1 ? null : 7]);
        else if (what < 0.6) arrs[i] = zones[i].arr.subarray(0, Math.max(0, num(offs[i]) + n - int(1, 3)));
        else if (what < 0.75) arrs[i] = zones[(i + int(1, k - 1)) % k].arr;
        else if (what < 0.85) o[pick(Object.keys(o))] = pick(["1", null, {}, 1.5, true]);
        else if (what < 0.93) (flags[int(0, flags.length - 1)] = pick([2, 3, 7, -1, 0.5])), (rawOnly = true);
        else (cut = int(0, k + 1 + flags.length + e.nScalars - 1)), (rawOnly = true);
      }
      let ok = true;
      try {
        e.wrapper(arrs, nArg, offs, o);
        counts.accepted++;
      } catch (err) {
        ok = false;
        counts.wrapperThrew++;
        assert.ok(isTorchError(err), `${name} wrapper threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
      }
      assert.ok(zones.every((z) => z.intact()), `${name}: guard zone changed by the wrapper`);
      // as the wrappers write them: offset 0 for an absent array or one not given
      const nums = [...offs.map((x, i) => (i === k - 1 && arrs[i] === null ? 0 : x ?? 0)), nArg, ...flags, ...Array.from({ length: e.nScalars }, () => rand() * 2 - 1)];
      const P = Float64Array.from(cut >= 0 ? nums.slice(0, cut) : nums, (v) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN));
      try {
        const r = e.raw(arrs, P);
        assert.ok(r === 0 || r === 1, `${name} addon returned ${r}`);
        if (r === 1) counts.overlap++;
      } catch (err) {
        counts.nativeThrew++;
        assert.ok(err instanceof globalThis.TypeError || err instanceof RangeError, `${name} addon threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
        assert.ok(!ok || rawOnly, `${name} wrapper accepted what the addon refused: ${(err as Error).message}`);
      }
      assert.ok(zones.every((z) => z.intact()), `${name}: guard zone changed by the addon`);
    }
    assert.ok(counts.wrapperThrew > 800 && counts.nativeThrew > 500 && counts.overlap > 50 && counts.accepted > 500, JSON.stringify(counts));
  });
});

/** activationLanes' ops in the addon's order (act_lanes_f32's op codes) */
const ACT_NAMES = ["sigmoid", "silu", "gelu_tanh", "gelu", "elu", "softplus", "mish", "log_sigmoid"];

describe("native activation lanes fuzz", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;

  it("act_lanes_f32: random arguments throw torchlette errors (wrapper) or TypeError/RangeError (addon), nothing outside the arrays changes", () => {
    const rand = rng(13);
    const { pick, int } = draws(rand);
    let wrapperThrew = 0, nativeThrew = 0, accepted = 0;
    for (let iter = 0; iter < 2000; iter++) {
      const n = int(0, 40);
      let op: unknown = pick(ACT_NAMES);
      const lane = [rand() * 4 - 2, rand() * 4, rand() * 40 - 20]; // elu's and softplus's float parameters
      let xOff: unknown = int(0, 4), yOff: unknown = int(0, 4), nArg: unknown = n;
      const X = guarded(Float32Array, (xOff as number) + n + int(0, 2), rand);
      const Y = guarded(Float32Array, (yOff as number) + n + int(0, 2), rand);
      let x: unknown = X.arr, y: unknown = Y.arr;
      for (let m = 0, count = int(0, 2); m < count; m++) {
        const what = rand();
        if (what < 0.15) op = pick(["tanh", 2, 8, null]);
        else if (what < 0.35) xOff = rand() < 0.5 ? pick(BAD_NUMBERS) : num(xOff) + int(1, 8);
        else if (what < 0.5) yOff = rand() < 0.5 ? pick(BAD_NUMBERS) : num(yOff) + int(1, 8);
        else if (what < 0.65) nArg = rand() < 0.5 ? pick(BAD_NUMBERS) : n + int(1, 8);
        else if (what < 0.8) y = X.arr; // over x: exactly (allowed) or shifted (refused)
        else if (what < 0.9) x = pick([new Float64Array(n + 8), new Int32Array(n + 8), [1, 2], null]);
        else y = Y.arr.subarray(0, Math.max(0, num(yOff) + n - int(1, 3)));
      }
      let ok = true;
      try {
        (activationLanes as (...a: unknown[]) => void)(op, x, xOff, y, yOff, nArg, ...lane);
        accepted++;
      } catch (e) {
        ok = false;
        wrapperThrew++;
        assert.ok(isTorchError(e), `activationLanes threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
      assert.ok(X.intact() && Y.intact(), "guard zone changed by the wrapper");
      const code = typeof op === "number" ? op : ACT_NAMES.indexOf(op as string);
      const P = Float64Array.from([code, xOff, yOff, nArg, ...lane], (v) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN));
      try {
        const r = nat.act_lanes_f32(x as Float32Array, y as Float32Array, P);
        assert.ok(r === 0 || r === 1, `addon returned ${r}`);
      } catch (e) {
        nativeThrew++;
        assert.ok(e instanceof globalThis.TypeError || e instanceof RangeError, `addon threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
        assert.ok(!ok, `the wrapper accepted what the addon refused: ${(e as Error).message}`);
      }
      assert.ok(X.intact() && Y.intact(), "guard zone changed by the addon");
    }
    assert.ok(wrapperThrew > 300 && nativeThrew > 200 && accepted > 300, JSON.stringify({ wrapperThrew, nativeThrew, accepted }));
  });
});
