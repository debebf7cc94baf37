// Native sgemm/dgemm against a float64 reference, across shapes, strides (transposed and
// gapped views), batch broadcasting, beta = 1, thread counts, every kernel set this CPU can
// run, and every code path (operands read in place or packed, tiny cache blocks so that the
// MC/KC/NC loops and the shared packed-B double buffer turn over many times).
//
// Tolerance: the float32 result may differ from the exact sum by at most
// K' * 2^-24 * (sum_k |A_ik B_kj| + |C_ij|) with K' = K (+1 with beta = 1: one more
// addition), the textbook bound for any summation order with or without FMA (float64: 2^-53). A wrong element, index or stride
// shows up as an error of the size of a whole product term, far above the bound.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { dgemm, sgemm } from "../src/backend/native.js";
import { xorshift as rng } from "./rng.js";
import { nativeSkip, addonOrFail, supportedIsas } from "./native-env.js";

const skip = nativeSkip;


type Arr = Float32Array | Float64Array;
interface View {
  off: number;
  bs: number;
  rs: number;
  cs: number;
}
type Layout = "row" | "col" | "gap";

/** A random [batch, rows, cols] operand laid out as asked inside a larger array. */
function makeOperand(
  Ctor: Float32ArrayConstructor | Float64ArrayConstructor,
  batch: number,
  rows: number,
  cols: number,
  layout: Layout,
  broadcast: boolean,
  rand: () => number,
): { data: Arr; v: View } {
  const nb = broadcast ? 1 : batch;
  let rs: number, cs: number, mat: number;
  if (layout === "row") (rs = cols), (cs = 1), (mat = rows * cols);
  else if (layout === "col") (rs = 1), (cs = rows), (mat = rows * cols);
  else (rs = 2 * cols + 3), (cs = 2), (mat = rows * rs + 1);
  const off = 5;
  const bs = broadcast ? 0 : mat + 7;
  const data = new Ctor(off + nb * (mat + 7) + 3);
  for (let i = 0; i < data.length; i++) data[i] = rand() * 2 - 1;
  return { data, v: { off, bs, rs, cs } };
}

interface Case {
  batch: number;
  M: number;
  N: number;
  K: number;
  la: Layout;
  lb: Layout;
  bcA: boolean;
  bcB: boolean;
  beta: 0 | 1;
}

interface Prepared {
  f64: boolean;
  c: Case;
  A: { data: Arr; v: View };
  B: { data: Arr; v: View };
  cOff: number;
  cBS: number;
  cRS: number;
  before: Arr; // C's initial contents (NaN everywhere with beta = 0: the product must ignore them)
  want: Float64Array; // float64 sums (+ C's value with beta = 1), per C element (NaN: not written)
  tol: Float64Array;
  seq: Arr; // the sequential, rounded sums: what exact mode must return bit for bit
}

/** Operands and both references for one case: computed once, checked under every configuration. */
function prepare(f64: boolean, c: Case, seed: number): Prepared {
  const Ctor = f64 ? Float64Array : Float32Array;
  const u = f64 ? 2 ** -53 : 2 ** -24;
  const round = f64 ? (x: number) => x : Math.fround;
  const rand = rng(seed);
  const { batch, M, N, K } = c;
  const A = makeOperand(Ctor, batch, M, K, c.la, c.bcA, rand);
  const B = makeOperand(Ctor, batch, K, N, c.lb, c.bcB, rand);
  // C rows padded with sentinels that must survive.
  const cRS = N + 3, cBS = M * cRS + 2, cOff = 1;
  const before = new Ctor(cOff + batch * cBS + 4);
  for (let i = 0; i < before.length; i++) before[i] = c.beta ? rand() * 2 - 1 : NaN;
  const want = new Float64Array(before.length).fill(NaN);
  const tol = new Float64Array(before.length);
  const seq = before.slice();
  for (let b = 0; b < batch; b++) {
    const pa = A.v.off + b * A.v.bs, pb = B.v.off + b * B.v.bs;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const at = cOff + b * cBS + i * cRS + j;
        const old = c.beta ? before[at] : 0;
        let sum = 0, mag = 0, sq = old;
        for (let k = 0; k < K; k++) {
          const t = A.data[pa + i * A.v.rs + k * A.v.cs] * B.data[pb + k * B.v.rs + j * B.v.cs];
          sum += t;
          mag += Math.abs(t);
          sq = round(sq + round(t));
        }
        want[at] = sum + old;
        tol[at] = 1.01 * (K + c.beta) * u * (mag + Math.abs(old)) + Number.MIN_VALUE;
        seq[at] = sq;
      }
    }
  }
  return { f64, c, A, B, cOff, cBS, cRS, before, want, tol, seq };
}

/**
 * Runs the product and checks it: within the float64 reference's bound, untouched outside
 * C's elements, and with `exact` equal bit for bit to the sequential sum over k starting
 * from C (beta = 1) or 0 with each product and addition rounded: reference BLAS's (torch
 * 1.13's) order.
 */
function check(p: Prepared, exact: boolean): void {
  const { f64, c, A, B, cOff, cBS, cRS } = p;
  const C = p.before.slice();
  const args = [
    c.batch, c.M, c.N, c.K,
    A.data, A.v.off, A.v.bs, A.v.rs, A.v.cs,
    B.data, B.v.off, B.v.bs, B.v.rs, B.v.cs,
    C, cOff, cBS, cRS, c.beta, exact,
  ] as const;
  if (f64) (dgemm as (...a: unknown[]) => void)(...args);
  else (sgemm as (...a: unknown[]) => void)(...args);
  const tag = `${exact ? "exact " : ""}${f64 ? "dgemm" : "sgemm"} ${JSON.stringify(c)}`;
  for (let at = 0; at < C.length; at++) {
    const want = p.want[at];
    if (Number.isNaN(want)) {
      if (!Object.is(C[at], p.before[at])) assert.fail(`${tag}: wrote outside C at ${at}`);
    } else if (exact) {
      if (!Object.is(C[at], p.seq[at])) assert.fail(`${tag}: C at ${at} = ${C[at]}, sequential sum ${p.seq[at]}`);
    } else if (!(Math.abs(C[at] - want) <= p.tol[at])) {
      assert.fail(`${tag}: C at ${at} = ${C[at]}, want ${want} (tol ${p.tol[at]})`);
    }
  }
}

function cases(): Case[] {
  const out: Case[] = [];
  const rand = rng(12345);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const small = [1, 2, 3, 5, 7, 8, 13, 14, 15, 16, 17, 27, 28, 29, 31, 32, 33, 47, 48, 63, 65];
  const layouts: Layout[] = ["row", "col", "gap"];
  for (let i = 0; i < 60; i++) {
    out.push({
      batch: pick([1, 1, 2, 3]),
      M: pick(small), N: pick(small), K: pick([...small, 0]),
      la: pick(layouts), lb: pick(layouts),
      bcA: rand() < 0.25, bcB: rand() < 0.25,
      beta: rand() < 0.3 ? 1 : 0,
    });
  }
  // Sizes around the blocking and the makemore MLP's products (and their transposes).
  const fixed: [number, number, number, number, Layout, Layout][] = [
    [1, 32, 200, 30, "row", "row"],
    [1, 32, 27, 200, "row", "row"],
    [1, 30, 200, 32, "col", "row"],
    [1, 32, 30, 200, "row", "col"],
    [1, 200, 27, 32, "col", "row"],
    [1, 32, 200, 27, "row", "col"],
    [1, 100, 300, 257, "row", "row"],
    [1, 300, 1, 300, "row", "row"],
    [1, 1, 300, 300, "row", "col"],
    [1, 129, 67, 300, "gap", "col"],
    [2, 97, 161, 130, "col", "gap"],
    [4, 64, 64, 64, "row", "row"],
    [1, 257, 129, 64, "row", "row"],
  ];
  for (const [batch, M, N, K, la, lb] of fixed) out.push({ batch, M, N, K, la, lb, bcA: false, bcB: batch > 1, beta: 0 });
  out.push({ batch: 3, M: 45, N: 70, K: 33, la: "row", lb: "col", bcA: true, bcB: false, beta: 1 });
  return out;
}

const ALL = cases();
let prepared: Prepared[] | null = null;
/** Built on first use, inside a test, so that a skipped suite costs nothing. */
function allPrepared(): Prepared[] {
  prepared ??= ALL.flatMap((c, i) => [prepare(false, c, 2 * i + 1), prepare(true, c, 2 * i + 2)]);
  return prepared;
}

describe("native gemm", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;
  const isas = supportedIsas(nat);
  const isa0 = nat.isa();
  const threads0 = nat.get_num_threads();
  const thr0 = nat.set_thresholds();
  const blk32 = nat.blocking("float32"), blk64 = nat.blocking("float64");
  const restore = () => {
    nat.set_isa(isa0);
    nat.set_num_threads(threads0);
    nat.set_thresholds(thr0[0], thr0[1], thr0[2]);
  };
  after(restore);

  it("picks the widest kernel set the CPU supports", () => {
    assert.equal(isa0, isas[0]);
    assert.ok(nat.default_num_threads() >= 1);
    assert.equal(threads0, nat.default_num_threads());
  });

  // path: default heuristics; "pack": every operand packed, tiny cache blocks, parallel from
  // the smallest product, threads sharing one packed B wherever the shape allows; "private":
  // the same with each thread packing its own B; "raw": every operand read in place where
  // allowed, parallel too.
  const paths = ["default", "pack", "private", "raw"] as const;
  for (const isa of isas) {
    for (const path of paths) {
      for (const threads of [1, 2, 3]) {
        if (path === "default" && threads === 3) continue;
        it(`${isa} ${path} threads=${threads}: float32 and float64, fast and exact, match the references`, () => {
          assert.ok(nat.set_isa(isa));
          nat.set_num_threads(threads);
          const b32 = nat.blocking("float32"), b64 = nat.blocking("float64");
          try {
            if (path === "pack" || path === "private") {
              nat.set_thresholds(-1, 0, path === "pack" ? 0 : 2 ** 52);
              // Multiples of neither MR nor NR on purpose: the driver rounds them.
              nat.set_blocking("float32", 2 * b32.MR + 1, 19, 3 * b32.NR + 5);
              nat.set_blocking("float64", 2 * b64.MR + 1, 23, 2 * b64.NR + 3);
            } else if (path === "raw") {
              nat.set_thresholds(2 ** 52, 0);
            }
            for (const p of allPrepared()) {
              check(p, false);
              check(p, true);
            }
          } finally {
            nat.set_blocking("float32", b32.MC, b32.KC, b32.NC);
            nat.set_blocking("float64", b64.MC, b64.KC, b64.NC);
            restore();
          }
        });
      }
    }
  }

  it("restores the default blocking", () => {
    assert.deepEqual(nat.blocking("float32"), blk32);
    assert.deepEqual(nat.blocking("float64"), blk64);
  });

  it("large products split over threads agree with one thread bit for bit", () => {
    // Each C element's sum order depends only on the blocking, not on which thread runs it,
    // nor on whether the threads share one packed B or pack their own: FMA and exact mode.
    const rand = rng(7);
    // [M, N, K, A column-major, B column-major]: a generic size, and the GPT step's x^T @ g
    // (column-major A packed in memory order, private B) and x @ W^T (B^T packing).
    const shapes: [number, number, number, boolean, boolean][] = [
      [300, 260, 270, false, false],
      [128, 32, 1024, true, false],
      [1024, 32, 128, false, true],
      [512, 128, 300, true, false],
    ];
    try {
      for (const [M, N, K, ta, tb] of shapes) {
        const A = Float32Array.from({ length: M * K }, () => rand() - 0.5);
        const B = Float32Array.from({ length: K * N }, () => rand() - 0.5);
        const [aRS, aCS] = ta ? [1, M] : [K, 1];
        const [bRS, bCS] = tb ? [1, K] : [N, 1];
        for (const exact of [false, true]) {
          const C1 = new Float32Array(M * N);
          nat.set_num_threads(1);
          sgemm(1, M, N, K, A, 0, 0, aRS, aCS, B, 0, 0, bRS, bCS, C1, 0, 0, N, 0, exact);
          if (exact) {
            for (let i = 0; i < M; i += 37) {
              for (let j = 0; j < N; j += 7) {
                let s = 0;
                for (let k = 0; k < K; k++) s = Math.fround(s + Math.fround(A[i * aRS + k * aCS] * B[k * bRS + j * bCS]));
                assert.ok(Object.is(C1[i * N + j], s), `exact ${M}x${N}x${K} (${i},${j})`);
              }
            }
          }
          for (const shared of [0, 2 ** 52]) {
            nat.set_num_threads(2);
            nat.set_thresholds(thr0[0], thr0[1], shared);
            const C2 = new Float32Array(M * N);
            sgemm(1, M, N, K, A, 0, 0, aRS, aCS, B, 0, 0, bRS, bCS, C2, 0, 0, N, 0, exact);
            assert.deepEqual(C2, C1, `${M}x${N}x${K} ta=${ta} tb=${tb} exact=${exact} shared=${shared}`);
          }
        }
      }
    } finally {
      restore();
    }
  });

  it("K = 0 writes zeros (beta 0) or leaves C (beta 1)", () => {
    const C = new Float32Array([1, 2, 3, 4, 5, 6]);
    const E = new Float32Array(0);
    sgemm(1, 2, 3, 0, E, 0, 0, 0, 0, E, 0, 0, 0, 0, C, 0, 0, 3, 1);
    assert.deepEqual([...C], [1, 2, 3, 4, 5, 6]);
    sgemm(1, 2, 3, 0, E, 0, 0, 0, 0, E, 0, 0, 0, 0, C, 0, 0, 3, 0);
    assert.deepEqual([...C], [0, 0, 0, 0, 0, 0]);
  });

  it("a product of infinities and NaNs propagates like IEEE arithmetic", () => {
    const A = new Float32Array([Infinity, 1, NaN, 2]);
    const B = new Float32Array([1, 0, 0, 1]);
    const C = new Float32Array(4);
    sgemm(1, 2, 2, 2, A, 0, 0, 2, 1, B, 0, 0, 2, 1, C, 0, 0, 2, 0);
    // Inf * 0 = NaN, as in torch.
    assert.deepEqual([...C].map(String), ["Infinity", "NaN", "NaN", "NaN"]);
  });
});
