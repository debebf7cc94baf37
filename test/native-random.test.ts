// The native RNG fill loops (native/src/random_impl.inc, entries rngUniform ... rngRandom of the
// backend table) against src/random/kernels.ts's TypeScript loops: for many seeds, engine
// positions, sizes, dtypes and parameters, the output bits and the generator's state bytes
// after the call (mt19937 words, counters, cached normal sample) must be identical. The
// TypeScript side runs with the entries removed from the backend table (withTsKernels). Also: the
// addon's glibc log/sin/cos ports against libm.ts (and this machine's glibc), and bad arguments.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { backend } from "../src/backend/index.js";
import { native, nativeUnavailableReason, rngBernoulli, rngNormal, rngRandom, rngUniform } from "../src/backend/native.js";
import { RuntimeError, TypeError as TorchTypeError, ValueError } from "../src/errors.js";
import {
  bernoulliScalarFill, dropoutMask, exponentialFill, Generator, normalFill, randomFill, setCpuCapability, uniformFill,
  type OutArray, type RandomDtype,
} from "../src/random/index.js";
import { cos, log, sin } from "../src/random/libm.js";
import { withTsKernels } from "./ts-kernels.js";

const skip = process.env.TORCHLETTE_BACKEND === "js" ? "TORCHLETTE_BACKEND=js" : native === null ? `addon not built: ${nativeUnavailableReason}` : false;

const RNG_KEYS = ["rngUniform", "rngNormal", "rngExponential", "rngBernoulli", "rngRandom"] as const;
const table = backend as unknown as Record<string, unknown>;

/** Runs fn with the entries wrapped to count the calls that drew natively. */
function countingNative<T>(fn: () => T): [T, number] {
  const saved = Object.fromEntries(RNG_KEYS.map((k) => [k, table[k]]));
  let hits = 0;
  for (const k of RNG_KEYS) {
    const f = saved[k] as (...a: unknown[]) => boolean;
    table[k] = (...a: unknown[]) => {
      const r = f(...a);
      if (r) hits++;
      return r;
    };
  }
  try {
    return [fn(), hits];
  } finally {
    Object.assign(table, saved);
  }
}

const SIZES = [0, 1, 15, 16, 17, 100, 1000, 100003];
const SEEDS = [0, 1, 42, 2 ** 32 + 7, 123456789];

/** A generator at seed, moved `pre` draws on (crossing twists), with or without a cached normal. */
function makeGen(seed: number, pre: number, cache: boolean): Generator {
  const g = new Generator().manual_seed(seed);
  for (let i = 0; i < pre; i++) g.random();
  if (cache) g.next_double_normal_sample = 0.123456789 + pre;
  return g;
}

function bytesOf(a: OutArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

let cases = 0;
/** Same fill twice, native then TypeScript: same output bits, same state bytes after (or the same error). */
function same(label: string, seed: number, pre: number, cache: boolean, fill: (g: Generator) => OutArray, expectNative = true): void {
  const g1 = makeGen(seed, pre, cache);
  const g2 = makeGen(seed, pre, cache);
  let e1: unknown = null;
  let e2: unknown = null;
  let a: OutArray | null = null;
  let b: OutArray | null = null;
  let hits = 0;
  try {
    [a, hits] = countingNative(() => fill(g1));
  } catch (e) {
    e1 = e;
  }
  try {
    b = withTsKernels(() => fill(g2));
  } catch (e) {
    e2 = e;
  }
  cases++;
  if (e1 !== null || e2 !== null) {
    assert.equal(String(e1), String(e2), `${label}: errors differ`);
    assert.deepEqual(g1.get_state_bytes(), g2.get_state_bytes(), `${label}: state after the error`);
    return;
  }
  if (expectNative && a!.length > 0) assert.ok(hits > 0, `${label}: the native loop did not run`);
  const x = bytesOf(a!);
  const y = bytesOf(b!);
  if (!Buffer.from(x).equals(Buffer.from(y))) {
    let i = 0;
    while (a![i] === b![i] || (a![i] !== a![i] && b![i] !== b![i])) i++;
    assert.fail(`${label}: element ${i} of ${a!.length}: native ${a![i]} vs TypeScript ${b![i]}`);
  }
  assert.ok(Buffer.from(g1.get_state_bytes()).equals(Buffer.from(g2.get_state_bytes())), `${label}: generator state after`);
  assert.equal(g1.engine.left, g2.engine.left);
  assert.equal(g1.engine.next, g2.engine.next);
}

// Each test runs with every kernel set this CPU supports (native/src/random.cc picks the AVX2+FMA
// set on AVX-512 machines too; the generic set calls libm's fma).
const ISAS = native === null ? [] : ["avx2", "generic"].filter((i) => native!.isa_supported(i));
function eachIsa(fn: (isa: string) => void): void {
  const was = native!.isa();
  try {
    for (const isa of ISAS) {
      assert.ok(native!.set_isa(isa));
      fn(isa);
    }
  } finally {
    native!.set_isa(was);
  }
}

const POSITIONS: [number, boolean][] = [[0, false], [1, true], [623, false], [700, true]];

function floatArr(f64: boolean, n: number): Float32Array | Float64Array {
  return f64 ? new Float64Array(n) : new Float32Array(n);
}

describe("native RNG loops: same bits and state as the TypeScript loops", { skip }, () => {
  it("uniform_ (float32/float64, fused and DEFAULT capability)", () => {
    eachIsa(() => {
      const bounds: [number, number][] = [[0, 1], [-3, 5], [0.25, 0.25], [-1e30, 1e30], [1e-3, 2e-3]];
      for (const cap of ["avx2", "default"] as const) {
        setCpuCapability(cap);
        try {
          for (const [si, seed] of SEEDS.entries()) {
            for (const n of SIZES) {
              for (const f64 of [false, true]) {
                const [from, to] = bounds[(si + n) % bounds.length];
                const [pre, cache] = POSITIONS[(si + n) % POSITIONS.length];
                same(`uniform ${cap} ${seed} ${n} f64=${f64} [${from},${to})`, seed, pre, cache, (g) => {
                  const o = floatArr(f64, n);
                  uniformFill(g, o, from, to);
                  return o;
                });
              }
            }
          }
        } finally {
          setCpuCapability("avx2");
        }
      }
    });
  });

  it("normal_ (blocks of 16 and element by element, float32/float64, cached sample)", () => {
    eachIsa(() => {
      const params: [number, number][] = [[0, 1], [2.5, 0.1], [-1, 0], [0, 3], [1e3, 1]];
      for (const cap of ["avx2", "default"] as const) {
        setCpuCapability(cap);
        try {
          for (const [si, seed] of SEEDS.entries()) {
            for (const n of SIZES) {
              for (const f64 of [false, true]) {
                for (const contiguous of [true, false]) {
                  if (n === 100003 && (si + (contiguous ? 0 : 1) + (f64 ? 1 : 0)) % 4 !== 0) continue; // a sample of the large size
                  const [mean, std] = params[(si + n) % params.length];
                  const [pre, cache] = POSITIONS[(si + n + (contiguous ? 0 : 1)) % POSITIONS.length];
                  // the DEFAULT capability's float32 blocks (glibc logf/sinf/cosf) stay in TypeScript
                  const nat = !(cap === "default" && !f64 && contiguous && n >= 16);
                  same(`normal ${cap} ${seed} ${n} f64=${f64} contiguous=${contiguous} (${mean},${std})`, seed, pre, cache, (g) => {
                    const o = floatArr(f64, n);
                    normalFill(g, o, mean, std, contiguous);
                    return o;
                  }, nat);
                }
              }
            }
          }
        } finally {
          setCpuCapability("avx2");
        }
      }
    });
  });

  it("exponential_", () => {
    eachIsa(() => {
      const lambdas = [1, 0.5, 3, 1e-3, 0];
      for (const [si, seed] of SEEDS.entries()) {
        for (const n of SIZES) {
          for (const f64 of [false, true]) {
            const lambd = lambdas[(si + n) % lambdas.length];
            const [pre, cache] = POSITIONS[(si + n) % POSITIONS.length];
            same(`exponential ${seed} ${n} f64=${f64} ${lambd}`, seed, pre, cache, (g) => {
              const o = floatArr(f64, n);
              exponentialFill(g, o, lambd);
              return o;
            });
          }
        }
      }
    });
  });

  it("bernoulli_(p) on every storage type, dropout masks", () => {
    eachIsa(() => {
      const ctors = [Float32Array, Float64Array, Int32Array, Int16Array, Int8Array, Uint8Array];
      for (const [si, seed] of SEEDS.entries()) {
        for (const n of SIZES) {
          for (const p of [0, 0.2, 0.5, 1]) {
            const C = ctors[(si + n + p * 10) % ctors.length];
            const [pre, cache] = POSITIONS[(si + n) % POSITIONS.length];
            same(`bernoulli ${seed} ${n} ${C.name} ${p}`, seed, pre, cache, (g) => {
              const o = new C(n);
              bernoulliScalarFill(g, o, p);
              return o;
            });
            if (p > 0 && p < 1) {
              for (const f64 of [false, true]) {
                same(`dropout ${seed} ${n} f64=${f64} ${p}`, seed, pre, cache, (g) => {
                  const o = floatArr(f64, n);
                  dropoutMask(g, o, p);
                  return o;
                });
              }
            }
          }
        }
      }
    });
  });

  it("random_ / randint: every dtype, small, large, negative and full 64-bit ranges", () => {
    eachIsa(() => {
      const dtypes: [RandomDtype, new (n: number) => OutArray][] = [
        ["float32", Float32Array], ["float64", Float64Array], ["int64", Float64Array], ["int32", Int32Array],
        ["int16", Int16Array], ["int8", Int8Array], ["uint8", Uint8Array], ["bool", Uint8Array],
      ];
      const ranges: [number | bigint | null, number | bigint | null][] = [
        [0, 10], [-5, 5], [0, 2], [0, 256], [-128, 128], [0, 2 ** 32 + 7], [-(2 ** 40), 2 ** 40], [2 ** 31, 2 ** 32],
        [null, null], [-(2n ** 63n), null], [5, null], [-(2 ** 31), null], [0, 2 ** 53 + 1], [-(2n ** 62n), 2n ** 62n],
        [-(2n ** 63n), 2n ** 63n - 1n], [3, 4], [2 ** 24 - 3, 2 ** 25 + 5],
      ];
      for (const [si, seed] of SEEDS.slice(0, 3).entries()) {
        for (const n of SIZES) {
          for (const [dt, C] of dtypes) {
            for (const [ri, [from, to]] of ranges.entries()) {
              if (n === 100003 && ri % 4 !== si) continue; // keep the large size to a sample
              const [pre, cache] = POSITIONS[(si + ri + n) % POSITIONS.length];
              same(`random ${seed} ${n} ${dt} [${from}, ${to})`, seed, pre, cache, (g) => {
                const o = new C(n);
                randomFill(g, o, from, to, dt);
                return o;
              });
            }
          }
        }
      }
    });
  });

  it("through the tensor API: non-contiguous outputs, randint, randn, dropout, bernoulli", () => {
    eachIsa(() => {
      const run = (seed: number, f: () => torch.Tensor): OutArray => {
        torch.manual_seed(seed);
        const t = f();
        return t.contiguous()._storage.data as OutArray;
      };
      const ops: [string, () => torch.Tensor][] = [
        ["randn 40x30 .t()", () => torch.empty(40, 30).t().normal_(0.5, 2)],
        ["randn f64 5x3 .t()", () => torch.empty([5, 3], { dtype: torch.float64 }).t().normal_()],
        ["rand 7x9x3 permuted", () => torch.empty(7, 9, 3).permute(2, 0, 1).uniform_(-1, 1)],
        ["randint int32", () => torch.randint(-7, 100, [333], { dtype: torch.int32 })],
        ["randint uint8", () => torch.randint(0, 256, [17, 3], { dtype: torch.uint8 })],
        ["randint bool", () => torch.randint(0, 2, [99], { dtype: torch.bool })],
        ["random_ int64 .t()", () => torch.empty([6, 4], { dtype: torch.int64 }).t().random_()],
        ["dropout", () => torch.nn.functional.dropout(torch.ones(1000), 0.3, true)],
        ["bernoulli_ .t()", () => torch.empty(30, 20).t().bernoulli_(0.2)],
        ["exponential_ .t()", () => torch.empty(30, 20).t().exponential_(2)],
        ["randn 1", () => torch.randn(1)],
      ];
      for (const seed of SEEDS) {
        for (const [name, f] of ops) {
          same(`${name} seed ${seed}`, seed, 0, false, (g) => {
            const out = run(seed, f);
            // the default generator's state goes along into g for the state comparison
            g.set_state_bytes(torch.get_rng_state()._values() as unknown as Uint8Array);
            return out;
          });
        }
      }
    });
  });

  it(`covered ${">"} 1000 cases`, () => {
    assert.ok(cases > 1000 * ISAS.length, `only ${cases} cases ran`);
  });
});

describe("native glibc log/sin/cos ports", { skip }, () => {
  it("equal libm.ts's ports (and, with glibc 2.36, the C library) on 400k arguments", () => {
    let s = 0x9e3779b9;
    const rnd = () => {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      return s / 4294967296;
    };
    const n = 400000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 8;
      // what the kernels pass: 1 - uniform53 in (0, 1], 2 pi u; plus wide, huge and special arguments
      x[i] = k === 0 ? 1 - Math.floor(rnd() * 2 ** 53) * 2 ** -53
        : k === 1 ? 2 * Math.PI * Math.floor(rnd() * 2 ** 53) * 2 ** -53
        : k === 2 ? (rnd() - 0.5) * 2 ** (rnd() * 60 - 30)
        : k === 3 ? (rnd() - 0.5) * 2 ** (rnd() * 2040 - 1020)
        : k === 4 ? 1 + (rnd() - 0.5) * 0.2
        : k === 5 ? rnd() * 4e-308
        : k === 6 ? (rnd() - 0.5) * 2e9
        : [0, -0, Infinity, -Infinity, NaN, 1, -1, Number.MIN_VALUE, Number.MAX_VALUE, Math.PI / 2][i % 10];
    }
    const y = new Float64Array(n);
    const sys = new Float64Array(n);
    const glibc236 = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })?.header?.glibcVersionRuntime === "2.36";
    for (const [op, f] of [[0, log], [1, sin], [2, cos]] as const) {
      native!.rng_libm_f64(op, x, y);
      native!.rng_libm_f64(op + 3, x, sys);
      let sysDiff = 0;
      for (let i = 0; i < n; i++) {
        const want = f(x[i]);
        if (!Object.is(y[i], want)) assert.fail(`op ${op} at ${x[i]}: native ${y[i]} vs libm.ts ${want}`);
        if (!Object.is(sys[i], y[i])) sysDiff++;
      }
      // glibc's FMA variants on this CPU are what the ports reproduce
      if (glibc236) assert.equal(sysDiff, 0, `op ${op}: ${sysDiff} differences from the C library`);
    }
  });
});

describe("native RNG entries reject bad arguments", { skip }, () => {
  const nat = native!;
  const good = () => new Generator().manual_seed(3);
  const P = (vals: number[]) => Float64Array.from(vals);
  it("raw rng_fill throws TypeError/RangeError and touches nothing", () => {
    const st = good().engine.state.slice();
    const before = st.slice();
    const out = new Float32Array(8);
    const bad: [unknown[], RegExp][] = [
      [[9, out, st, P([1, 0, 0, 0, 1, 1])], /op must be/],
      [[-1, out, st, P([1, 0, 0, 0, 1, 1])], /op must be/],
      [["x", out, st, P([1, 0, 0, 0, 1, 1])], /op must be/],
      [[0, [1, 2], st, P([1, 0, 0, 0, 1, 1])], /out must be a typed array/],
      [[0, out, new Uint32Array(623), P([1, 0, 0, 0, 1, 1])], /624 words/],
      [[0, out, new Int32Array(624), P([1, 0, 0, 0, 1, 1])], /Uint32Array/],
      [[0, out, st, new Float32Array(6)], /Float64Array/],
      [[0, out, st, P([1, 0, 0])], /params too short/],
      [[0, out, st, P([0, 0, 0, 0, 1, 1])], /counters/],
      [[0, out, st, P([625, 0, 0, 0, 1, 1])], /counters/],
      [[0, out, st, P([1, 625, 0, 0, 1, 1])], /counters/],
      [[0, out, st, P([NaN, 0, 0, 0, 1, 1])], /non-negative safe integers/],
      [[0, out, st, P([1.5, 0, 0, 0, 1, 1])], /non-negative safe integers/],
      [[0, out, st, P([1, 0, 1, 0, 1, 1])], /element type/],
      [[0, out, st, P([1, 0, 9, 0, 1, 1])], /element type/],
      [[0, new Int32Array(4), st, P([1, 0, 3, 0, 1, 1])], /Float32Array or Float64Array/],
      [[0, out, st, P([1, 0, 0, 0, 1, 2])], /0 or 1/],
      [[1, out, st, P([1, 0, 0, 0, 1, 1, 1, 0.5, 0])], /0 or 1/],
      [[4, new Int32Array(4), st, P([1, 0, 3, 7, 0, 0, 0, 1])], /mode/],
      [[4, new Int32Array(4), st, P([1, 0, 3, 0, 0, 0, 0, 0])], /range must not be 0/],
      [[4, new Int32Array(4), st, P([1, 0, 3, 1, 0, 0, 0, 0])], /range must not be 0/],
      [[4, new Int32Array(4), st, P([1, 0, 3, 0, 2 ** 32, 0, 0, 1])], /32-bit word/],
      [[4, new Int32Array(4), st, P([1, 0, 3, 0, 0, -1, 0, 1])], /32-bit word/],
      [[0, new Float32Array(st.buffer, 0, 8), st, P([1, 0, 0, 0, 1, 1])], /must not overlap/],
      [[3, new Uint8Array(st.buffer), st, P([1, 0, 6, 0.5, 1])], /must not overlap/],
    ];
    for (const [args, re] of bad) {
      assert.throws(() => (nat.rng_fill as (...a: unknown[]) => number)(...args), (e: Error) => {
        assert.ok(e instanceof TypeError || e instanceof RangeError, `${e}`);
        assert.match(e.message, re);
        return true;
      }, String(args[0]) + " " + String(re));
    }
    assert.throws(() => (nat.rng_fill as (...a: unknown[]) => number)(0, out, st), /expected 4 arguments/);
    assert.deepEqual(st, before);
    assert.deepEqual(out, new Float32Array(8));
    // counters that would read past the 624 words: declined, nothing drawn
    const p = P([5, 624, 0, 0, 1, 1]);
    assert.equal(nat.rng_fill(0, out, st, p), 1);
    assert.deepEqual(st, before);
    assert.deepEqual(out, new Float32Array(8));
  });

  it("the checked wrappers throw torchlette's errors; a declined state falls back to TypeScript", () => {
    const g = good();
    assert.throws(() => rngUniform({} as Generator, new Float32Array(2), 0, 1, true), TorchTypeError);
    assert.throws(() => rngUniform(g, new Int32Array(2) as unknown as Float32Array, 0, 1, true), TorchTypeError);
    assert.throws(() => rngUniform(g, new Float32Array(2), "0" as unknown as number, 1, true), TorchTypeError);
    assert.throws(() => rngUniform(g, new Float32Array(2), 0, 1, 1 as unknown as boolean), TorchTypeError);
    assert.throws(() => rngNormal(g, new Float32Array(2), 0, -1, true, true), RuntimeError);
    assert.throws(() => rngBernoulli(g, [] as unknown as Float32Array, 0.5, 1), TorchTypeError);
    assert.throws(() => rngRandom(g, new Float64Array(2), "int64", "7" as "32", 0n, 5n), ValueError);
    assert.throws(() => rngRandom(g, new Float64Array(2), "int32", "32", 0n, 5n), TorchTypeError);
    assert.throws(() => rngRandom(g, new Float64Array(2), "int64", "32", 0n, 0n), RuntimeError);
    assert.throws(() => rngRandom(g, new Float64Array(2), "int64", "32", 2n ** 63n, 5n), RuntimeError);
    assert.throws(() => rngRandom(g, new Float64Array(2), "int64", "64", 0n, 2n ** 64n), RuntimeError);
    assert.throws(() => rngRandom(g, new Float64Array(2), "int64", "32", 0 as unknown as bigint, 5n), TorchTypeError);
    const bad = good();
    bad.engine.left = 0;
    assert.throws(() => rngUniform(bad, new Float32Array(2), 0, 1, true), RuntimeError);
    assert.throws(() => rngUniform(g, new Float32Array(g.engine.state.buffer, 0, 4), 0, 1, true), RuntimeError);
    // left + next - 1 > 624 (set_state accepts it): the TypeScript engine's loop runs instead
    const odd = good();
    odd.engine.left = 10;
    odd.engine.next = 620;
    const o = new Float32Array(4);
    assert.equal(rngUniform(odd, o, 0, 1, true), false);
    assert.equal(odd.engine.left, 10);
    uniformFill(odd, o);
    const ref = good();
    ref.engine.left = 10;
    ref.engine.next = 620;
    const o2 = new Float32Array(4);
    withTsKernels(() => uniformFill(ref, o2));
    assert.deepEqual(o, o2);
    assert.deepEqual(odd.get_state_bytes(), ref.get_state_bytes());
  });
});
