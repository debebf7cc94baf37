// float32 transcendental ops bit for bit against PyTorch 1.13 (Debian, AVX2 kernels, one
// thread): test/goldens/math_exact.json from scripts/gen_math_goldens.py. Per op 20000 inputs
// (specials, ranges, log-uniform magnitudes, raw bit patterns) contiguous; for sin/cos/tan,
// log_sigmoid and the cpu_kernel_vec ops (sigmoid, silu, gelu, gelu tanh, sinh, cosh, and
// nn.functional's leaky_relu, elu, softplus, mish with their arguments) also lengths 1..40,
// non-merging rows, transposed, broadcast and permuted views, small sin/cos/tan arguments that
// share their 8-lane vector with a large one, and (cpu_kernel_vec) the 20000 inputs at stride 2,
// which takes the scalar glibc path. NaN results compare as NaN (payloads
// are not compared); everything else compares by bits, including the sign of zero.
//
// Each case runs through the public op and through the TypeScript backend's kernel directly.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import * as torch from "../src/index.js";
import { Tensor } from "../src/tensor.js";
import { Storage } from "../src/storage.js";
import { float32, type DType } from "../src/dtype.js";
import { jsBackend } from "../src/backend/index.js";
import { withJsBackend, withTsKernels } from "./ts-kernels.js";
import { contiguousStrides } from "../src/shape.js";
import { getReductionThreads, setReductionThreads } from "../src/backend/sum_order.js";

interface Doc {
  torch: string;
  n: number;
  seed: number;
  specials: number[]; // float32 bit patterns
  ranges: Record<string, [[number, number], [number, number]]>;
  ops: Record<string, Record<string, string>>;
  threads16: Record<string, { sha256: string; diff: [number, number][] }>;
}
const doc = JSON.parse(readFileSync(new URL("./goldens/math_exact.json", import.meta.url), "utf8")) as Doc;

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const bits = (x: number) => ((F32[0] = x), U32[0]);
const fromBits = (b: number) => ((U32[0] = b), F32[0]);

/** the generator of scripts/gen_math_goldens.py inputs() */
function inputs(op: string): Float32Array {
  let h = 0;
  for (const c of op) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  let s = (doc.seed ^ h) >>> 0 || 1;
  const next = () => {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    return s;
  };
  const [[lo, hi], [mlo, mhi]] = doc.ranges[op];
  const blo = bits(Math.fround(mlo));
  const bhi = bits(Math.fround(mhi));
  const out: number[] = doc.specials.map(fromBits);
  while (out.length < doc.n) {
    const kind = next() % 16;
    for (let k = 0; k < 8; k++) {
      if (kind < 7) out.push(Math.fround(lo + (hi - lo) * (next() / 4294967296)));
      else if (kind < 13) {
        const m = fromBits(blo + (next() % (bhi - blo + 1)));
        out.push(next() & 1 ? -m : m);
      } else out.push(fromBits(next()));
    }
  }
  return Float32Array.from(out.slice(0, doc.n));
}

function decode(b64: string): Float32Array {
  const buf = Buffer.from(b64, "base64");
  const a = new Float32Array(buf.length / 4);
  new Uint8Array(a.buffer).set(buf);
  return a;
}

function contiguous(shape: number[]): number[] {
  const st = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) st[d] = st[d + 1] * shape[d + 1];
  return st;
}

function view(data: Float32Array, shape: number[], strides: number[], offset = 0): Tensor {
  return new Tensor(new Storage(data, float32), shape, strides, offset, float32);
}

/** values in logical (row-major) order */
function values(t: Tensor): number[] {
  const out: number[] = [];
  const nd = t._shape.length;
  const idx = new Array<number>(nd).fill(0);
  const n = t.numel();
  const d = t._storage.data;
  for (let i = 0; i < n; i++) {
    let off = t._offset;
    for (let k = 0; k < nd; k++) off += idx[k] * t._strides[k];
    out.push(d[off]);
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < t._shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

const F = torch.nn.functional;
/** golden name -> the backend op (null: the function composes other ops), its scalar arguments,
 * the public call (nn.functional activations) */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const ACTIVATIONS: Record<string, [string | null, number[], (x: Tensor) => Tensor]> = {
  leaky_relu: ["leaky_relu", [0.01], (x) => F.leaky_relu(x)],
  leaky_relu_p3: ["leaky_relu", [0.3], (x) => F.leaky_relu(x, 0.3)],
  elu: ["elu", [1, 1, 1], (x) => F.elu(x)],
  elu_a07: ["elu", [0.7, 1, 1], (x) => F.elu(x, 0.7)],
  softplus: ["softplus", [1, 20], (x) => F.softplus(x)],
  softplus_b2t5: ["softplus", [2, 5], (x) => F.softplus(x, { beta: 2, threshold: 5 })],
  mish: ["mish", [], (x) => F.mish(x)],
  logsigmoid: ["log_sigmoid", [], (x) => F.logsigmoid(x)],
  selu: ["elu", [SELU_ALPHA, SELU_SCALE, 1], (x) => F.selu(x)],
  celu_a07: ["elu", [0.7, 1, 1 / 0.7], (x) => F.celu(x, 0.7)],
  hardsigmoid: ["hardsigmoid", [], (x) => F.hardsigmoid(x)],
  hardswish: ["hardswish", [], (x) => F.hardswish(x)],
  softshrink: ["softshrink", [0.5], (x) => F.softshrink(x)],
  hardshrink_p3: ["hardshrink", [0.3], (x) => F.hardshrink(x, 0.3)],
  softsign: [null, [], (x) => F.softsign(x)],
  tanhshrink: [null, [], (x) => F.tanhshrink(x)],
};
function publicOp(op: string, x: Tensor): Tensor {
  if (op in ACTIVATIONS) return ACTIVATIONS[op][2](x);
  if (op === "gelu") return F.gelu(x);
  if (op === "gelu_tanh") return F.gelu(x, "tanh");
  if (op === "silu") return F.silu(x);
  return (torch as unknown as Record<string, (t: Tensor) => Tensor>)[op](x);
}

function kernelOp(op: string, x: Tensor, outDtype: DType = float32): Tensor {
  const [name, params, call] = ACTIVATIONS[op] ?? [op, []];
  if (name === null) return withJsBackend(() => call!(x));
  const out = torch.empty(x._shape.slice(), { dtype: outDtype });
  jsBackend.elementwise(name, out, [x], float32, params);
  return out;
}

function compare(got: ArrayLike<number>, want: Float32Array, xs: ArrayLike<number> | null): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length}, want ${want.length}`];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (w !== w ? g === g : bits(g) !== bits(w)) {
      if (bad.length < 8) bad.push(`[${i}] x=${xs ? xs[i] : "?"}: got ${g} want ${w}`);
      else if (bad.length === 8) bad.push("...");
    }
  }
  return bad;
}

/** The input tensor of each golden case, built like the generator builds it. */
function caseInputs(name: string, x: Float32Array): { t: Tensor; xs: ArrayLike<number> | null }[] {
  switch (name) {
    case "random":
      return [{ t: view(x.slice(), [x.length], [1]), xs: x }];
    case "strided": {
      const base = new Float32Array(2 * x.length);
      for (let i = 0; i < x.length; i++) base[2 * i] = x[i];
      return [{ t: view(base, [x.length], [2]), xs: x }];
    }
    case "sizes": {
      const parts = [];
      for (let n = 1; n <= 40; n++) parts.push({ t: view(x.slice(), [n], [1], 1000 + 50 * n), xs: null });
      return parts;
    }
    case "rows35":
      return [{ t: view(x.slice(0, 259), [7, 35], [37, 1]), xs: null }];
    case "transposed":
      return [{ t: view(x.slice(300, 395), [5, 19], [1, 5]), xs: null }];
    case "expanded":
      return [{ t: view(x.slice(400, 423), [23, 21], [1, 0]), xs: null }];
    case "permuted":
      return [{ t: view(x.slice(500, 620), [5, 4, 6], [1, 30, 5]), xs: null }];
    case "mixgroup": {
      const small = Array.from(x).filter((v) => Math.abs(v) < 125).slice(0, 7000);
      const arr: number[] = [];
      for (let g = 0; g < 1000; g++) arr.push(...small.slice(7 * g, 7 * g + 7), 1000);
      return [{ t: view(Float32Array.from(arr), [arr.length], [1]), xs: arr }];
    }
    case "int":
      return [{ t: torch.arange(-30, 30), xs: null }];
  }
  throw new Error(`unknown case ${name}`);
}

test("math goldens come from torch 1.13 and cover every op", () => {
  assert.match(doc.torch, /^1\.13/);
  assert.equal(doc.n, 20000);
  for (const op of ["exp", "log", "tanh", "sigmoid", "sin", "cos", "tan", "log1p", "expm1", "erf", "gelu", "gelu_tanh", "silu", ...Object.keys(ACTIVATIONS)]) {
    assert.ok(doc.ops[op]?.random, op);
  }
});

for (const [op, cases] of Object.entries(doc.ops)) {
  describe(`float32 ${op} bit-exact with 1.13`, () => {
    const x = inputs(op);
    for (const [name, b64] of Object.entries(cases)) {
      test(name, () => {
        const want = decode(b64);
        const ins = caseInputs(name, x);
        const xs = ins.length === 1 ? ins[0].xs : null;
        const viaKernel: number[] = [];
        const viaOp: number[] = [];
        for (const { t } of ins) {
          viaKernel.push(...values(kernelOp(op, t)));
          const r = publicOp(op, t);
          assert.equal(r.dtype, float32);
          viaOp.push(...values(r));
        }
        const bad = compare(viaKernel, want, xs);
        assert.equal(bad.length, 0, `kernel ${op}/${name}:\n${bad.join("\n")}`);
        const bad2 = compare(viaOp, want, xs);
        assert.equal(bad2.length, 0, `torch op ${op}/${name}:\n${bad2.join("\n")}`);
      });
    }
  });
}

describe("16 intra-op threads (torch.set_num_threads(16))", () => {
  // 1.13's threads start their vectors anew where they split the work; the golden keeps a hash of
  // the result and the elements that differ from the one-thread result
  for (const [name, g] of Object.entries(doc.threads16)) {
    test(name, () => {
      const [op, dims] = name.split("/");
      const shape = dims.split("x").map(Number);
      const n = shape.reduce((a, b) => a * b, 1);
      const x0 = inputs(op);
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = x0[i % x0.length];
      const t = view(x, shape, contiguous(shape));
      const before = getReductionThreads();
      setReductionThreads(16);
      let got: number[];
      try {
        got = values(kernelOp(op, t));
      } finally {
        setReductionThreads(before);
      }
      assert.ok(g.diff.length > 0, `${name}: the golden shows no effect of threads`);
      const bad = g.diff.filter(([i, b]) => bits(got[i]) !== b).map(([i, b]) => `[${i}] got ${got[i]} want ${fromBits(b)}`);
      assert.equal(bad.length, 0, `${name}:\n${bad.slice(0, 8).join("\n")}`);
      const canon = Uint32Array.from(got, (v) => (v !== v ? 0x7fc00000 : bits(v)));
      const bytes = Buffer.from(canon.buffer);
      assert.equal(createHash("sha256").update(bytes).digest("hex"), g.sha256, `${name}: output hash`);
    });
  }
});

describe("vector/scalar split", () => {
  // the two paths of a cpu_kernel_vec op differ on some inputs; the split must follow the row
  test("sigmoid of a 17-element row: 16 vector lanes, 1 scalar", () => {
    const x = inputs("sigmoid");
    const want = decode(doc.ops.sigmoid.random); // all-vector results
    const wantScalar = decode(doc.ops.sigmoid.strided); // all-scalar results
    let i0 = -1;
    for (let i = 0; i + 17 <= x.length && i0 < 0; i++) {
      if (bits(want[i + 16]) !== bits(wantScalar[i + 16]) && bits(want[i]) !== bits(wantScalar[i])) i0 = i;
    }
    assert.ok(i0 >= 0, "no input where vector and scalar sigmoid differ");
    const got = values(torch.sigmoid(view(x.slice(), [17], [1], i0)));
    assert.equal(bits(got[0]), bits(want[i0]));
    assert.equal(bits(got[16]), bits(wantScalar[i0 + 16]));
  });

  test("a golden case exercises each path", () => {
    // 1.13's vector and scalar sigmoid, and sin's fast and slow reductions, differ on some of
    // these inputs: otherwise the split and grouping above would go untested
    const differ = (a: Float32Array, b: Float32Array) => a.some((v, i) => bits(v) !== bits(b[i]) && v === v);
    assert.ok(differ(decode(doc.ops.sigmoid.random), decode(doc.ops.sigmoid.strided)));
    const x = inputs("sin");
    const small = Array.from(x).filter((v) => Math.abs(v) < 125).slice(0, 7000);
    const mixed = decode(doc.ops.sin.mixgroup).filter((_, i) => i % 8 !== 7);
    const alone = values(torch.sin(view(Float32Array.from(small), [small.length], [1])));
    assert.ok(alone.some((v, i) => bits(v) !== bits(mixed[i])));
  });
});

describe("float32 softmax / log_softmax and their backward bit-exact with 1.13", () => {
  interface SoftmaxCase { shape: number[]; dim: number; x: string; g: string; [k: string]: unknown }
  const cases = (doc as unknown as { softmax: SoftmaxCase[] }).softmax;
  test("the goldens cover the last dim (every length 1..40 and longer rows, masks, NaN) and other dims", () => {
    assert.ok(cases.length >= 60);
    assert.ok(cases.some((c) => c.dim !== c.shape.length - 1));
  });
  for (const via of ["the active backend", "the TypeScript loops"] as const) {
    test(`through F.softmax / F.log_softmax and backward (${via})`, () => {
      const bad: string[] = [];
      const run = () => {
        for (const c of cases) {
          const x = view(decode(c.x), c.shape, contiguousStrides(c.shape));
          const g = view(decode(c.g), c.shape, contiguousStrides(c.shape));
          for (const name of ["softmax", "log_softmax"] as const) {
            const xr = x.detach().requires_grad_();
            const y = F[name](xr, c.dim);
            y.backward(g);
            const what = `${name} ${JSON.stringify(c.shape)} dim ${c.dim}`;
            for (const p of compare(values(y.detach()), decode(c[name] as string), null)) bad.push(`${what}: ${p}`);
            for (const p of compare(values(xr.grad!), decode(c[`${name}_grad`] as string), null)) bad.push(`${what} grad: ${p}`);
          }
        }
      };
      if (via === "the TypeScript loops") withTsKernels(run);
      else run();
      assert.deepEqual(bad.slice(0, 10), []);
    });
  }
});

describe("float32 backward formulas bit-exact with 1.13", () => {
  const B = (doc as unknown as { backward: Record<string, string> }).backward;
  const FNS: Record<string, (t: Tensor) => Tensor> = {
    sigmoid: (t) => torch.sigmoid(t),
    tanh: (t) => torch.tanh(t),
    relu: (t) => torch.relu(t),
    exp: (t) => torch.exp(t),
    log_abs: (t) => t.abs().log(),
    sqrt_abs: (t) => t.abs().sqrt(),
    pow2: (t) => t.pow(2),
    pow3: (t) => t.pow(3),
    mul_self: (t) => t.mul(t),
    erf: (t) => torch.erf(t),
    leaky_relu: (t) => F.leaky_relu(t),
    normalize: (t) => t.sub(t.mean()).div(t.std()),
  };
  test("every function has a golden", () => assert.deepEqual(Object.keys(FNS).sort(), Object.keys(B).filter((k) => k !== "x" && k !== "g").sort()));
  for (const [name, f] of Object.entries(FNS)) {
    test(name, () => {
      const x = view(decode(B.x), [5000], [1]).requires_grad_();
      f(x).backward(view(decode(B.g), [5000], [1]));
      const bad = compare(values(x.grad!), decode(B[name]), null);
      assert.equal(bad.length, 0, bad.join("\n"));
    });
  }
});

describe("float32 layer_norm and its backward bit-exact with 1.13", () => {
  interface LnCase { M: number; N: number; [k: string]: string | number }
  const cases = (doc as unknown as { layer_norm: LnCase[] }).layer_norm;
  for (const via of ["the active backend", "the TypeScript loops"] as const) {
    test(`through F.layer_norm and backward (${via}): output, input/weight/bias gradients`, () => {
      const bad: string[] = [];
      const run = () => {
        for (const c of cases) {
          const mat = (k: string) => view(decode(c[k] as string), [c.M, c.N], [c.N, 1]);
          const vec = (k: string) => (c[k] === undefined ? null : view(decode(c[k] as string), [c.N], [1]).requires_grad_());
          const x = mat("x").requires_grad_(), w = vec("w"), b = vec("b");
          const y = F.layer_norm(x, [c.N], w, b, 1e-5);
          y.backward(mat("g"));
          const check = (t: Tensor | null, k: string) => {
            if (t === null) return;
            for (const p of compare(values(t), decode(c[k] as string), null)) bad.push(`N ${c.N} ${k}: ${p}`);
          };
          check(y.detach(), "y");
          check(x.grad, "gx");
          check(w?.grad ?? null, "gw");
          check(b?.grad ?? null, "gb");
        }
      };
      if (via === "the TypeScript loops") withTsKernels(run);
      else run();
      assert.deepEqual(bad.slice(0, 10), []);
    });
  }
});

describe("float32 add with alpha, addcmul and addcdiv bit-exact with 1.13", () => {
  interface AddcCase { op: "add" | "addcmul" | "addcdiv"; value: number; shapes: number[][]; ins: string[]; y: string; g: string; grads: string[] }
  const cases = (doc as unknown as { addc: AddcCase[] }).addc;
  for (const via of ["the active backend", "the TypeScript loops"] as const) {
    for (const layout of ["contiguous", "transposed"] as const) {
      test(`${layout} operands (${via}): results and gradients`, () => {
        const bad: string[] = [];
        const run = () => {
          for (const c of cases) {
            const ins = c.ins.map((b64, i) => {
              const sh = c.shapes[i];
              const v = decode(b64);
              if (layout === "contiguous" || sh.length < 2) return view(v, sh, contiguousStrides(sh)).requires_grad_();
              // the same values stored column-major: the kernels walk strided operands
              const t = new Float32Array(v.length);
              for (let r = 0; r < sh[0]; r++) for (let k = 0; k < sh[1]; k++) t[k * sh[0] + r] = v[r * sh[1] + k];
              return view(t, sh, [1, sh[0]]).requires_grad_();
            });
            const y = c.op === "add" ? torch.add(ins[0], ins[1], { alpha: c.value }) : torch[c.op](ins[0], ins[1], ins[2], { value: c.value });
            y.backward(view(decode(c.g), y.shape, contiguousStrides(y.shape)));
            const tag = `${c.op}(${c.value}) [${c.shapes.map((s) => s.join("x")).join(", ")}]`;
            for (const p of compare(values(y.detach()), decode(c.y), null)) bad.push(`${tag} y: ${p}`);
            ins.forEach((t, i) => {
              for (const p of compare(values(t.grad!), decode(c.grads[i]), null)) bad.push(`${tag} grad ${i}: ${p}`);
            });
          }
        };
        if (via === "the TypeScript loops") withTsKernels(run);
        else run();
        assert.deepEqual(bad.slice(0, 10), []);
      });
    }
  }
});
