// Native row kernels against torchlette's own TypeScript implementations, on the same data:
//   softmaxRows / softmaxBackwardRows  vs  F.softmax / F.log_softmax and their autograd backward
//   adamStep                           vs  optim.Adam / optim.AdamW (with weight decay, amsgrad,
//                                          maximize, beta1 above and below 1/2) over several steps
//   sgdStep                            vs  optim/fused.ts's sgdFused float32 loop (every option,
//                                          NaN/inf/-0/denormal bit patterns, bits compared)
//   gatherRows / scatterAddRows        vs  F.embedding and its weight gradient, and C[Xb] (indexing
//                                          by one integer tensor) and its gradient
// All must agree bit for bit (same operations in the same order; softmax's exp and log are
// SLEEF's lanes on both sides, src/nn/softmax_f32.ts). The TypeScript side runs with the
// backend's fused entries removed (withTsKernels), since F.softmax uses them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { nn, optim } from "../src/index.js";
import type { Tensor } from "../src/tensor.js";
import { IndexError, RuntimeError, TypeError as TorchTypeError } from "../src/errors.js";
import {
  adamStep, gatherRows, scatterAddRows, sgdStep,
  softmaxBackwardRows, softmaxRows, type SgdStepOptions,
} from "../src/backend/native.js";
import { sgdFused } from "../src/optim/fused.js";
import { xorshift as rng } from "./rng.js";
import { withTsKernels } from "./ts-kernels.js";
import { nativeSkip, addonOrFail, onEveryIsa, supportedIsas } from "./native-env.js";

const F = nn.functional;
const skip = nativeSkip;


function randTensor(shape: number[], rand: () => number, scale = 4): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  return torch.tensor(Array.from(data)).reshape(shape);
}

function f32(t: Tensor): Float32Array {
  return t.contiguous()._storage.data.slice(t.contiguous()._offset, t.contiguous()._offset + t.numel()) as Float32Array;
}

function ulpDiff(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  const key = (x: number) => (x < 0 ? 0x80000000 - x : x);
  return Math.abs(key(i[0]) - key(i[1]));
}

/** Counts elements that differ; fails on any difference above 1 ulp. */
function compare(got: Float32Array, want: Float32Array, what: string): { diff: number; n: number } {
  assert.equal(got.length, want.length, what);
  let diff = 0;
  for (let i = 0; i < got.length; i++) {
    const d = ulpDiff(got[i], want[i]);
    if (d === 0) continue;
    assert.ok(d <= 1, `${what}: element ${i}: native ${got[i]}, TypeScript ${want[i]}`);
    diff++;
  }
  return { diff, n: got.length };
}

describe("native row kernels", { skip }, () => {
  const nat = addonOrFail();
  if (nat === null) return;
  const isa0 = nat.isa();
  const isas = supportedIsas(nat);

  it("softmax and log_softmax rows, forward and backward, match F.softmax / F.log_softmax over the last dim", () => {
    const rand = rng(9);
    let diff = 0, total = 0;
    const shapes = [[32, 27], [4, 33], [3, 5, 7], [2, 1, 9], [1, 100], [6, 17, 2], [5, 1], [3, 8], [2, 16], [7, 23], [2, 3, 64], [4, 129]];
    try {
      for (const isa of isas) {
        assert.ok(nat.set_isa(isa));
        for (const shape of shapes) {
          for (let dim = shape.length - 1; dim < shape.length; dim++) {
            for (const log of [false, true]) {
              const x = randTensor(shape, rand, rand() < 0.3 ? 40 : 4);
              // special rows: NaN and -inf entries, an all -inf row, ties, zeros of both signs
              const xd = x._storage.data as Float32Array;
              if (rand() < 0.5) xd[Math.floor(rand() * xd.length)] = NaN;
              if (rand() < 0.5) xd[Math.floor(rand() * xd.length)] = -Infinity;
              if (rand() < 0.3) xd.fill(-0, 0, Math.min(4, xd.length));
              const xg = x.detach().requires_grad_();
              const y = withTsKernels(() => (log ? F.log_softmax(xg, dim) : F.softmax(xg, dim)));
              const rows = shape.slice(0, dim).reduce((a, b) => a * b, 1);
              const n = shape[dim];
              const xs = f32(x);
              const yn = new Float32Array(xs.length);
              softmaxRows(xs, 0, yn, 0, rows, n, log);
              const c = compare(yn, f32(y), `${log ? "log_" : ""}softmax ${JSON.stringify(shape)} dim ${dim} (${isa})`);
              diff += c.diff;
              total += c.n;
              const g = randTensor(shape, rand, 1);
              withTsKernels(() => y.backward(g));
              const gi = new Float32Array(xs.length);
              softmaxBackwardRows(f32(g), 0, f32(y.detach()), 0, gi, 0, rows, n, log);
              const cb = compare(gi, f32(xg.grad!), `${log ? "log_" : ""}softmax backward ${JSON.stringify(shape)} dim ${dim} (${isa})`);
              diff += cb.diff;
              total += cb.n;
            }
          }
        }
      }
    } finally {
      nat.set_isa(isa0);
    }
    assert.equal(diff, 0, `${diff} of ${total} differ`);
    // a causal mask over 8-column blocks and a tail, with an all -inf row, on every kernel set
    try {
      for (const isa of isas) {
        assert.ok(nat.set_isa(isa));
        for (const log of [false, true]) {
          const [B, T, C] = [3, 16, 27];
          const x = randTensor([B, T, C], rand, 6);
          const xd = x._storage.data as Float32Array;
          for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let c = t + 1; c < C; c++) xd[(b * T + t) * C + c] = -Infinity;
          xd.fill(-Infinity, (1 * T + 5) * C, (1 * T + 6) * C);
          const y = withTsKernels(() => (log ? F.log_softmax(x, -1) : F.softmax(x, -1)));
          const yn = new Float32Array(xd.length);
          softmaxRows(f32(x), 0, yn, 0, B * T, C, log);
          const c = compare(yn, f32(y), `causal ${log ? "log_" : ""}softmax (${isa})`);
          assert.equal(c.diff, 0, `causal ${log ? "log_" : ""}softmax (${isa}): ${c.diff} of ${c.n} differ`);
        }
      }
    } finally {
      nat.set_isa(isa0);
    }
    // and through F.softmax itself (the fused entries in use): the same bits as the loops
    for (const log of [false, true]) {
      const x = randTensor([64, 65], rand, 8).requires_grad_();
      const g = randTensor([64, 65], rand, 1);
      const f = () => {
        const y = log ? F.log_softmax(x, -1) : F.softmax(x, -1);
        x.grad = null;
        y.backward(g);
        return [f32(y.detach()), f32(x.grad!)];
      };
      const [yn, gn] = f();
      const [yt, gt] = withTsKernels(f);
      assert.deepEqual(yn, yt);
      assert.deepEqual(gn, gt);
    }
  });

  it("large softmax, layer_norm, Adam and SGD calls shared between threads give the TypeScript loops' bits", () => {
    const rand = rng(123);
    const threads0 = nat.get_num_threads();
    try {
      for (const [shape, dim] of [[[300, 700], 1], [[300, 700], 0], [[40, 30, 50], 1]] as const) {
        for (const log of [false, true]) {
          const x = randTensor([...shape], rand, 6);
          const g = randTensor([...shape], rand, 1);
          const run = () => {
            const xg = x.detach().requires_grad_();
            const y = log ? F.log_softmax(xg, dim) : F.softmax(xg, dim);
            y.backward(g);
            return [f32(y.detach()), f32(xg.grad!)];
          };
          const want = withTsKernels(run);
          for (const nt of [2, 1]) {
            nat.set_num_threads(nt);
            const got = run();
            assert.deepEqual(got[0], want[0], `softmax ${JSON.stringify(shape)} dim ${dim} log ${log}, ${nt} threads`);
            assert.deepEqual(got[1], want[1], `softmax backward ${JSON.stringify(shape)} dim ${dim} log ${log}, ${nt} threads`);
          }
        }
      }
      for (const rows of [1000, 1037]) {
        const x = randTensor([rows, 96], rand, 3);
        const w = randTensor([96], rand, 1), b = randTensor([96], rand, 1);
        const run = () => f32(F.layer_norm(x, [96], w, b));
        const want = withTsKernels(run);
        for (const nt of [2, 1]) {
          nat.set_num_threads(nt);
          assert.deepEqual(run(), want, `layer_norm ${rows} rows, ${nt} threads`);
        }
      }
      const n = 300001;
      const p0 = randTensor([n], rand, 1), gr = randTensor([n], rand, 1);
      const stepAll = () => {
        const p = p0.clone().requires_grad_();
        const opt = new optim.AdamW([p], { lr: 0.01, weight_decay: 0.1 });
        for (let k = 0; k < 3; k++) {
          p.grad = gr.clone();
          opt.step();
        }
        return f32(p.detach());
      };
      const sgdAll = () => {
        const p = p0.clone().requires_grad_();
        const opt = new optim.SGD([p], { lr: 0.01, momentum: 0.9, nesterov: true, weight_decay: 0.1 });
        for (let k = 0; k < 3; k++) {
          p.grad = gr.clone();
          opt.step();
        }
        return f32(p.detach());
      };
      const want = withTsKernels(stepAll), wantSgd = withTsKernels(sgdAll);
      for (const nt of [2, 1]) {
        nat.set_num_threads(nt);
        assert.deepEqual(stepAll(), want, `AdamW over ${n} elements, ${nt} threads`);
        assert.deepEqual(sgdAll(), wantSgd, `SGD over ${n} elements, ${nt} threads`);
      }
    } finally {
      nat.set_num_threads(threads0);
    }
  });

  it("softmaxRows in place and argument checks", () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const want = new Float32Array(4);
    softmaxRows(x, 0, want, 0, 1, 4, false);
    softmaxRows(x, 0, x, 0, 1, 4, false);
    assert.deepEqual(x, want);
    assert.throws(() => softmaxRows(x, 1, want, 0, 1, 4, false), RuntimeError);
    assert.throws(() => softmaxRows(x, 0, want, 0, 1, -4, false), RuntimeError);
    assert.throws(() => softmaxRows(x, 0, want, 0, 1, 4.5, false), TorchTypeError);
    assert.throws(() => softmaxRows(x, 0, new Float64Array(4) as unknown as Float32Array, 0, 1, 4, false), RuntimeError);
    assert.throws(() => softmaxBackwardRows(x, 0, x, 0, want, 1, 2, 2, true), RuntimeError);
    assert.throws(() => nat.softmax_f32(x, want, Float64Array.from([0, 0, 1, 5, 0])), RangeError);
    assert.throws(() => nat.softmax_f32(x, want, Float64Array.from([0, 0, 1, 4, 2])), RangeError);
    assert.throws(() => nat.softmax_bwd_f32(x, x, want, Float64Array.from([0, 0, 0, 2 ** 60, 2 ** 60, 0])), RangeError);
  });

  it("adamStep follows optim.Adam / optim.AdamW bit for bit", () => {
    const rand = rng(21);
    const configs: Record<string, unknown>[] = [
      { cls: "AdamW", lr: 1e-3 },
      { cls: "AdamW", lr: 0.01, weight_decay: 0.1, betas: [0.8, 0.99], eps: 1e-6 },
      { cls: "Adam", lr: 0.003 },
      { cls: "Adam", lr: 0.003, weight_decay: 0.05, amsgrad: true },
      { cls: "AdamW", lr: 0.02, betas: [0.3, 0.9], amsgrad: true, maximize: true },
      { cls: "Adam", lr: 0.1, betas: [0, 0.5] },
    ];
    // the reference is the TypeScript loop (withTsKernels), on every kernel set (float lanes for
    // Adam without L2 decay, double lanes with it)
    for (const isa of isas) for (const cfg of configs) {
      assert.ok(nat.set_isa(isa));
      const { cls, ...kw } = cfg;
      const shapes = [[7, 5], [33], [1], [70], [6000]];
      const params = shapes.map((s) => randTensor(s, rand, 1).requires_grad_());
      const opt = cls === "AdamW" ? new optim.AdamW(params, kw) : new optim.Adam(params, kw);
      const mine = params.map((p) => ({ p: f32(p), m: new Float32Array(p.numel()), v: new Float32Array(p.numel()), mx: new Float32Array(p.numel()) }));
      const betas = (kw.betas as [number, number]) ?? [0.9, 0.999];
      for (let step = 1; step <= 5; step++) {
        const grads = params.map((p) => randTensor(p._shape, rand, 0.5));
        params.forEach((p, i) => (p.grad = grads[i]));
        withTsKernels(() => opt.step());
        params.forEach((p, i) => {
          const s = mine[i];
          adamStep(s.p, f32(grads[i]), s.m, s.v, kw.amsgrad ? s.mx : null, p.numel(), {
            lr: kw.lr as number, beta1: betas[0], beta2: betas[1], eps: (kw.eps as number) ?? 1e-8,
            weight_decay: (kw.weight_decay as number) ?? (cls === "AdamW" ? 1e-2 : 0), step,
            decoupled: cls === "AdamW", maximize: (kw.maximize as boolean) ?? false,
          });
          assert.deepEqual(s.p, f32(p), `${isa}: ${JSON.stringify(cfg)} step ${step} param ${i}`);
        });
      }
    }
    nat.set_isa(isa0);
  });

  it("adamStep rejects overlapping or short arrays", () => {
    const a = new Float32Array(8), b = new Float32Array(8), c = new Float32Array(8), d = new Float32Array(8);
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weight_decay: 0, step: 1, decoupled: true };
    adamStep(a, b, c, d, null, 8, o);
    assert.throws(() => adamStep(a, b, a, d, null, 8, o), RuntimeError);
    assert.throws(() => adamStep(a, b, c, d, null, 9, o), RuntimeError);
    assert.throws(() => adamStep(a, b, c, d, null, 4, o, [0, 0, 0, 5, 0]), RuntimeError);
    assert.throws(() => adamStep(a, b, c, d, null, 8, { ...o, step: 1.5 }), TorchTypeError);
    assert.equal(nat.adam_f32(a, b, c, d.subarray(0, 8), c, new Float64Array(17).fill(0).map((_, i) => (i === 5 ? 4 : 0))), 1);
    assert.throws(() => nat.adam_f32(a, b, c, d, null, new Float64Array(16)), RangeError);
  });

  it("sgdStep gives sgdFused's float32 loop's bits: every option, kernel set, 1 and 2 threads, special values", () => {
    const rand = rng(31);
    // NaNs of both signs and with payloads (0xff812345 signaling), infinities, zeros,
    // denormals, the largest finite values
    const SPECIAL = [0x7fc00000, 0xffc00000, 0x7fc12345, 0xff812345, 0x7f800000, 0xff800000, 0, 0x80000000,
      1, 0x80000001, 0x007fffff, 0x807fffff, 0x7f7fffff, 0xff7fffff];
    const words = (n: number): Uint32Array => {
      const u = new Uint32Array(n), f = new Float32Array(u.buffer);
      for (let i = 0; i < n; i++) {
        const r = rand();
        if (r < 0.15) u[i] = SPECIAL[Math.floor(rand() * SPECIAL.length)];
        else if (r < 0.2) u[i] = Math.floor(rand() * 2 ** 32);
        else f[i] = (rand() * 2 - 1) * 2 ** Math.floor(rand() * 40 - 20);
      }
      return u;
    };
    const tensorOf = (u: Uint32Array): Tensor => {
      const t = torch.zeros([u.length]);
      new Uint32Array(t._storage.data.buffer, t._storage.data.byteOffset, u.length).set(u);
      return t;
    };
    const isNaNBits = (x: number) => (x & 0x7fffffff) > 0x7f800000;
    const bitsOf = (t: Tensor) => new Uint32Array(t._storage.data.buffer, t._storage.data.byteOffset, t.numel());
    // [options, with a momentum buffer]: every combination of the flags, then scalars that
    // overflow, cancel, underflow or are NaN
    const cases: [SgdStepOptions, boolean][] = [];
    for (const weight_decay of [0, 0.01]) for (const maximize of [false, true]) {
      cases.push([{ lr: 0.1, momentum: 0, dampening: 0, weight_decay, maximize }, false]);
      for (const nesterov of [false, true]) for (const dampening of nesterov ? [0] : [0, 0.25]) {
        cases.push([{ lr: 0.05, momentum: 0.9, dampening, weight_decay, nesterov, maximize }, true]);
      }
    }
    cases.push([{ lr: Infinity, momentum: 1, dampening: 1, weight_decay: 3e38, maximize: true }, true]);
    cases.push([{ lr: 1e-3, momentum: 3e38, dampening: -2, weight_decay: 1e-42, nesterov: true }, true]);
    cases.push([{ lr: NaN, momentum: NaN, dampening: NaN, weight_decay: NaN, nesterov: true }, true]);
    cases.push([{ lr: 0, momentum: 1e-45, dampening: 0, weight_decay: -0 }, true]);
    const threads0 = nat.get_num_threads();
    try {
      // sizes around the vector widths (4 and 8 doubles), and one split over threads
      for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 67, 300001]) {
        for (const [o, withBuf] of cases) {
          // Two NaNs meet in x + s * y (fma32's a * b + c) whenever both operands are NaN, and
          // V8 picks either's payload depending on its tier (interpreter or optimized code), so
          // a NaN matches any NaN; every other value, signed zeros included, bit for bit
          const nanOption = true;
          const p = words(n), g = words(n), b = words(n);
          const tp = tensorOf(p), tb = withBuf ? tensorOf(b) : null;
          withTsKernels(() => sgdFused(tp, tensorOf(g), tb, { ...o, wd: o.weight_decay, nesterov: o.nesterov ?? false, maximize: o.maximize ?? false }));
          const want = [bitsOf(tp), tb === null ? b : bitsOf(tb)];
          // the native arrays at offsets inside longer ones whose ends must not change
          const at = (u: Uint32Array, k: number) => {
            const w = new Uint32Array(n + 2 * k).fill(0x7fc0dead);
            w.set(u, k);
            return w;
          };
          for (const nt of [1, 2]) {
            nat.set_num_threads(nt);
            onEveryIsa(nat, (isa) => {
              const P = at(p, 1), G = at(g, 2), B = at(b, 3);
              sgdStep(new Float32Array(P.buffer), new Float32Array(G.buffer), withBuf ? new Float32Array(B.buffer) : null, n, o, [1, 2, 3]);
              const what = `${isa}, ${nt} threads, n ${n}, ${JSON.stringify(o)}${withBuf ? ", buf" : ""}`;
              for (const [got, w, k, name] of [[P, want[0], 1, "p"], [B, want[1], 3, "buf"]] as const) {
                if (Buffer.compare(Buffer.from(got.buffer, 4 * k, 4 * n), Buffer.from(w.buffer, w.byteOffset, 4 * n)) !== 0) {
                  const i = got.subarray(k, k + n).findIndex((x, j) => x !== w[j] && !(nanOption && isNaNBits(x) && isNaNBits(w[j])));
                  if (i >= 0) assert.fail(`${what}: ${name}[${i}] ${got[k + i].toString(16)}, TypeScript ${w[i].toString(16)} (p ${p[i].toString(16)} g ${g[i].toString(16)} buf ${b[i].toString(16)})`);
                }
                for (let j = 0; j < k; j++) assert.ok(got[j] === 0x7fc0dead && got[k + n + j] === 0x7fc0dead, `${what}: wrote outside ${name}`);
              }
              assert.deepEqual(G.subarray(2, 2 + n), g, `${what}: g changed`);
            });
          }
        }
      }
    } finally {
      nat.set_num_threads(threads0);
    }
  });

  it("sgdStep rejects overlapping or short arrays and bad options", () => {
    const a = new Float32Array(8), b = new Float32Array(8), c = new Float32Array(8);
    const o = { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0 };
    sgdStep(a, b, c, 8, o);
    sgdStep(a, b, null, 8, o, [0, 0, -1]);
    assert.throws(() => sgdStep(a, b, a, 8, o), RuntimeError);
    assert.throws(() => sgdStep(a, a.subarray(2), null, 4, o), RuntimeError);
    assert.throws(() => sgdStep(a, b, c, 9, o), RuntimeError);
    assert.throws(() => sgdStep(a, b, c, 4, o, [0, 5, 0]), RuntimeError);
    assert.throws(() => sgdStep(a, b, c, -1, o), RuntimeError);
    assert.throws(() => sgdStep(a, b, c, 2.5, o), TorchTypeError);
    assert.throws(() => sgdStep(a, b, new Float64Array(8) as unknown as Float32Array, 8, o), RuntimeError);
    assert.throws(() => sgdStep(null as unknown as Float32Array, b, c, 8, o), TorchTypeError);
    assert.throws(() => sgdStep(a, b, c, 8, { ...o, lr: "1" as unknown as number }), TorchTypeError);
    assert.throws(() => sgdStep(a, b, c, 8, { ...o, nesterov: 1 as unknown as boolean }), TorchTypeError);
    assert.equal(nat.sgd_f32(a, b, c, Float64Array.from([0, 0, 0, 4, 0, 0, 0, 0, 0, 1, -1])), 0);
    assert.equal(nat.sgd_f32(a, b, a.subarray(2), Float64Array.from([0, 0, 0, 4, 0, 0, 0, 0, 0, 1, -1])), 1);
    assert.throws(() => nat.sgd_f32(a, b, c, new Float64Array(10)), RangeError);
    assert.throws(() => nat.sgd_f32(a, b, c, Float64Array.from([0, 0, 0, 4, 2, 0, 0, 0, 0, 1, -1])), RangeError);
    assert.throws(() => nat.sgd_f32(a, b, c, Float64Array.from([0, 0, 5, 4, 0, 0, 0, 0, 0, 1, -1])), RangeError);
  });

  it("gatherRows and scatterAddRows match F.embedding and its gradient", () => {
    const rand = rng(4);
    for (const [V, D, n] of [[27, 10, 96], [5, 3, 40], [100, 17, 7]]) {
      for (const padIdx of [-1, 2]) {
        for (const scale of [false, true]) {
          const W = randTensor([V, D], rand, 1).requires_grad_();
          const idxVals = Array.from({ length: n }, () => Math.floor(rand() * V));
          const idx = torch.tensor(idxVals, { dtype: torch.int64 });
          const g = randTensor([n, D], rand, 1);
          const out = withTsKernels(() => {
            const o = F.embedding(idx, W, padIdx < 0 ? null : padIdx, null, 2, scale);
            o.backward(g);
            return o;
          });
          // and F.embedding itself, on the fused entries: the same bits
          const W2 = W.detach().requires_grad_();
          const out2 = F.embedding(idx, W2, padIdx < 0 ? null : padIdx, null, 2, scale);
          out2.backward(g);
          assert.deepEqual(f32(out2.detach()), f32(out.detach()));
          assert.deepEqual(f32(W2.grad!), f32(W.grad!));
          const got = new Float32Array(n * D);
          const i64 = Float64Array.from(idxVals);
          gatherRows(f32(W), 0, V, D, i64, 0, n, got, 0);
          assert.deepEqual(got, f32(out));
          const gw = new Float32Array(V * D);
          scatterAddRows(f32(g), 0, i64, 0, n, D, gw, 0, V, padIdx, scale);
          assert.deepEqual(gw, f32(W.grad!), `V=${V} D=${D} n=${n} pad=${padIdx} scale=${scale}`);
          // int32 indices give the same
          const gw32 = new Float32Array(V * D);
          scatterAddRows(f32(g), 0, Int32Array.from(idxVals), 0, n, D, gw32, 0, V, padIdx, scale);
          assert.deepEqual(gw32, gw);
        }
      }
    }
    // C[Xb] as the makemore lectures index: repeated rows, int64 and int32 indices, a view of C
    // with an offset; negative indices keep the TypeScript loop, out-of-range ones its error
    for (const [V, D, shape] of [[27, 10, [32, 3]], [9, 1, [50]], [40, 7, [4, 5, 6]]] as const) {
      for (const dtype of [torch.int64, torch.int32]) {
        const base = randTensor([V + 2, D], rand, 1);
        const C = base.get("2:").requires_grad_();
        const n = shape.reduce((a, b) => a * b, 1);
        const Xb = torch.tensor(Array.from({ length: n }, () => Math.floor(rand() * V)), { dtype }).reshape([...shape]);
        const g = randTensor([...shape, D], rand, 1);
        const want = withTsKernels(() => {
          const e = C.get(Xb);
          e.backward(g);
          return [f32(e.detach()), f32(C.grad!)];
        });
        C.grad = null;
        const e = C.get(Xb);
        e.backward(g);
        assert.deepEqual(f32(e.detach()), want[0], `C[Xb] V=${V} D=${D} ${dtype.name}`);
        assert.deepEqual(f32(C.grad!), want[1], `C[Xb] gradient V=${V} D=${D} ${dtype.name}`);
      }
    }
    const C5 = randTensor([5, 2], rand, 1);
    assert.deepEqual(f32(C5.get(torch.tensor([-1, 0, -5]))), f32(torch.stack([C5.get(4), C5.get(0), C5.get(0)])));
    assert.throws(() => C5.get(torch.tensor([0, 5])), (e) => e instanceof IndexError && e.message === "index 5 is out of bounds for dimension 0 with size 5");
    assert.throws(() => C5.get(torch.tensor([-6])), (e) => e instanceof IndexError && e.message === "index -6 is out of bounds for dimension 0 with size 5");
    const w = new Float32Array(6), out = new Float32Array(4);
    assert.throws(() => gatherRows(w, 0, 3, 2, Float64Array.from([0, 3]), 0, 2, out, 0), (e) => e instanceof IndexError && e.message === "index out of range in self");
    assert.throws(() => gatherRows(w, 0, 3, 2, Float64Array.from([0, -1]), 0, 2, out, 0), IndexError);
    assert.throws(() => gatherRows(w, 0, 3, 2, Float64Array.from([0, 0.5]), 0, 2, out, 0), IndexError);
    assert.throws(() => gatherRows(w, 0, 4, 2, Float64Array.from([0, 1]), 0, 2, out, 0), RuntimeError);
    assert.throws(() => gatherRows(w, 0, 3, 2, [0, 1] as unknown as Int32Array, 0, 2, out, 0), TorchTypeError);
    assert.throws(() => scatterAddRows(out, 0, Int32Array.from([0, 7]), 0, 2, 2, w, 0, 3), IndexError);
    assert.equal(nat.gather_rows_f32(w, Float64Array.from([NaN]), out, Float64Array.from([0, 3, 2, 0, 1, 0])), 2);
    assert.throws(() => nat.gather_rows_f32(w, Float64Array.from([0]), out, Float64Array.from([0, 3, 2, 0, 3, 0])), RangeError);
  });
});
