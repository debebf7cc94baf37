// Element-wise kernels of the TypeScript backend. Each op is one JS expression over the
// operands `a`, `b`, `c` (already converted to the compute dtype) and parameters `P[i]`; a loop is
// generated once per (op, operand conversions) so every op runs its own monomorphic loop.
import type { DType } from "../dtype.js";
import type { Tensor } from "../tensor.js";
import { layoutOf } from "./strided.js";
import { RuntimeError } from "../errors.js";
import { F32_LANE_EXPRS, F32_LANE_FNS, f32RowKernel, hasF32RowKernel } from "./js_math.js";
import { fused } from "./index.js";

type Expr = string | { f: string; i: string }; // float compute / integer-or-bool compute

/** glibc-compatible helpers the expressions call (names are in scope of the generated code). */
const helpers = {
  // ATen's clamp: a bound replaces x only when x lies beyond it, so clamp(-0, 0, 6) is -0; x NaN
  // stays NaN, a NaN bound gives NaN (2.x), and with min > max every element becomes max
  clamp: (a: number, lo: number, hi: number) => {
    if (lo !== lo || hi !== hi) return NaN;
    const t = a < lo ? lo : a;
    return t > hi ? hi : t;
  },
  // ATen: (0 < x) - (x < 0), so sign(NaN) = 0 and sign(-0) = +0
  sign: (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  // Python/ATen round: half to even
  roundEven: (x: number) => {
    if (!Number.isFinite(x)) return x;
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  // torch.remainder: result has the sign of the divisor
  fmod: (a: number, b: number) => a % b,
  remainder: (a: number, b: number) => {
    const m = a % b;
    return m !== 0 && m < 0 !== b < 0 ? m + b : m;
  },
  // integer division by zero is an error in ATen (floats give inf/nan instead)
  iremainder: (a: number, b: number) => {
    if (b === 0) throw new RuntimeError("ZeroDivisionError");
    const m = a % b;
    return m !== 0 && m < 0 !== b < 0 ? m + b : m;
  },
  ifmod: (a: number, b: number) => {
    if (b === 0) throw new RuntimeError("ZeroDivisionError");
    return a % b;
  },
  // c10::div_floor_floating (Python's //): floor((a - fmod(a, b)) / b), corrected, each step
  // rounded by R (Math.fround for float32). Not floor(a / b): 1 // 0.1 is 9.
  divFloor: (a: number, b: number, R: (x: number) => number) => {
    if (b === 0) return a / b;
    const mod = a % b;
    let div = R(R(a - mod) / b);
    if (mod !== 0 && b < 0 !== mod < 0) div = R(div - 1);
    if (div === 0) {
      const q = a / b;
      return q < 0 || Object.is(q, -0) ? -0 : 0;
    }
    let fd = Math.floor(div);
    if (R(div - fd) > 0.5) fd = R(fd + 1);
    return fd;
  },
  id: (x: number) => x,
  // int64 bitwise ops: JS's & | ^ ~ work on 32 bits; int64 values live in doubles (|v| < 2^53)
  and64: (a: number, b: number) => ((a | 0) === a && (b | 0) === b ? a & b : Number(BigInt(a) & BigInt(b))),
  or64: (a: number, b: number) => ((a | 0) === a && (b | 0) === b ? a | b : Number(BigInt(a) | BigInt(b))),
  xor64: (a: number, b: number) => ((a | 0) === a && (b | 0) === b ? a ^ b : Number(BigInt(a) ^ BigInt(b))),
  idiv: (a: number, b: number) => {
    if (b === 0) throw new RuntimeError("ZeroDivisionError");
    return Math.floor(a / b);
  },
  itrunc: (a: number, b: number) => {
    if (b === 0) throw new RuntimeError("ZeroDivisionError");
    return Math.trunc(a / b);
  },
  // ATen's powi: a negative exponent gives 1 for 1, +-1 for -1 and 0 for any other base (the
  // "negative integer powers" error is raised by the op for scalar exponents only)
  ipow: (a: number, b: number) => {
    if (b < 0) {
      if (a === 1) return 1;
      if (a === -1) return b % 2 === 0 ? 1 : -1;
      return 0;
    }
    let r = 1;
    let base = a;
    let e = b;
    while (e > 0) {
      if (e & 1) r *= base;
      base *= base;
      e = Math.floor(e / 2);
    }
    return r;
  },
  gelu: (x: number) => 0.5 * x * (1 + erf(x * Math.SQRT1_2)),
  geluTanh: (x: number) => 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))),
  erf,
  log1p: Math.log1p,
  expm1: Math.expm1,
  // float32 transcendentals, bit-exact with 1.13's SLEEF / glibc (js_math.ts)
  ...F32_LANE_FNS,
};

// erf with ~1e-16 relative error (W. J. Cody's rational approximations)
function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 6)) return ax === ax ? (x < 0 ? -1 : 1) : x; // erfc(6) < 2^-54: erf is +-1 in double
  if (ax < 0.5) {
    const t = x * x;
    const num = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const den = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    return (x * num) / den;
  }
  return x < 0 ? -(1 - erfcPos(ax)) : 1 - erfcPos(ax);
}
function erfcPos(x: number): number {
  let r: number;
  if (x < 4) {
    const num = ((((((((2.15311535474403846e-8 * x + 5.64188496988670089e-1) * x + 8.88314979438837594) * x + 66.1191906371416295) * x + 298.635138197400131) * x + 881.952221241769090) * x + 1712.04761263407058) * x + 2051.07837782607147) * x + 1230.33935479799725);
    const den = (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x + 1621.38957456669019) * x + 3290.79923573345963) * x + 4362.61909014324716) * x + 3439.36767414372164) * x + 1230.33935480374942;
    r = num / den;
  } else {
    const z = 1 / (x * x);
    const num = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z + 1.25781726111229246e-1) * z + 1.60837851487422766e-2) * z + 6.58749161529837803e-4;
    const den = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z + 6.05183413124413191e-2) * z + 2.33520497626869185e-3;
    r = (0.56418958354775628695 - (z * num) / den) / x;
  }
  const xs = Math.floor(x * 16) / 16;
  const del = (x - xs) * (x + xs);
  return Math.exp(-xs * xs) * Math.exp(-del) * r;
}

/** op name -> expression. Float expressions run in double and are rounded on store, which is the
 * correctly rounded float32 result for + - * / sqrt. With float32 compute the transcendental ops
 * use js_math.ts instead (F32_LANE_EXPRS, f32RowKernel), matching 1.13 bit for bit; float64 ones
 * use Math.* here and may differ from 1.13's SLEEF by an ulp. */
export const EXPRS: Record<string, Expr> = {
  copy: "a",
  neg: "-a",
  abs: "Math.abs(a)",
  sign: "H.sign(a)",
  exp: "Math.exp(a)",
  exp2: "Math.pow(2, a)",
  log: "Math.log(a)",
  log2: "Math.log2(a)",
  log10: "Math.log10(a)",
  log1p: "Math.log1p(a)",
  expm1: "Math.expm1(a)",
  sqrt: "Math.sqrt(a)",
  rsqrt: "$R(1 / $R(Math.sqrt(a)))", // ATen: 1 / sqrt(a), each step rounded to the dtype
  sin: "Math.sin(a)",
  cos: "Math.cos(a)",
  tan: "Math.tan(a)",
  asin: "Math.asin(a)",
  acos: "Math.acos(a)",
  atan: "Math.atan(a)",
  sinh: "Math.sinh(a)",
  cosh: "Math.cosh(a)",
  tanh: "Math.tanh(a)",
  // ATen: 1 / (1 + exp(-a)) with each step rounded to the dtype
  sigmoid: "$R(1 / $R(1 + $R(Math.exp(-a))))",
  relu: { f: "(a > 0 ? a : (a === a ? 0 : a))", i: "(a > 0 ? a : 0)" },
  floor: { f: "Math.floor(a)", i: "a" },
  ceil: { f: "Math.ceil(a)", i: "a" },
  round: { f: "H.roundEven(a)", i: "a" },
  trunc: { f: "Math.trunc(a)", i: "a" },
  frac: "a - Math.trunc(a)",
  reciprocal: "1 / a",
  square: "a * a",
  erf: "H.erf(a)",
  gelu: "H.gelu(a)",
  gelu_tanh: "H.geluTanh(a)",
  silu: "a / (1 + Math.exp(-a))",
  // the activations of nn/functional.ts (float32: js_math.ts's 1.13 lanes); P as their kernels
  // take them: leaky_relu negative_slope; elu alpha, scale, input_scale; softplus beta, threshold
  leaky_relu: "(a > 0 ? a : a * P[0])",
  elu: "(a <= 0 ? (Math.exp(a * P[2]) - 1) * (P[0] * P[1]) : a * P[1])",
  softplus: "(a * P[0] > P[1] ? a : Math.log1p(Math.exp(a * P[0])) / P[0])",
  mish: "a * Math.tanh(Math.log1p(Math.exp(a)))",
  log_sigmoid: "(a !== a ? a : (a < 0 ? a : 0) - Math.log1p(Math.exp(-Math.abs(a))))",
  // Activation.cpp's float expressions step by step ($R: rounded to the dtype); softshrink's and
  // hardshrink's threshold lambd in P[0]
  hardsigmoid: "Math.min(Math.max($R(a + 3), 0), 6) / 6",
  hardswish: "$R(a * Math.min(Math.max($R(a + 3), 0), 6)) / 6",
  softshrink: "(a > P[0] ? a - P[0] : a < -P[0] ? a + P[0] : 0)",
  hardshrink: "(a >= -P[0] && a <= P[0] ? 0 : a)",
  isnan: "a !== a",
  isinf: "(a === Infinity || a === -Infinity)",
  isfinite: "Number.isFinite(a)",
  logical_not: "(a === 0)",
  bitwise_not: { f: "~a", i: "~a" },
  to_bool: "(a !== 0)",
  to_int: "Math.trunc(a)",
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  add_alpha: "a + P[0] * b",
  div: "a / b",
  div_floor: { f: "H.divFloor(a, b, $R)", i: "H.idiv(a, b)" },
  div_trunc: { f: "Math.trunc(a / b)", i: "H.itrunc(a, b)" },
  remainder: { f: "H.remainder(a, b)", i: "H.iremainder(a, b)" },
  fmod: { f: "a % b", i: "H.ifmod(a, b)" },
  pow: { f: "Math.pow(a, b)", i: "H.ipow(a, b)" },
  atan2: "Math.atan2(a, b)",
  maximum: { f: "(a !== a || b !== b ? NaN : a > b ? a : b)", i: "(a > b ? a : b)" },
  minimum: { f: "(a !== a || b !== b ? NaN : a < b ? a : b)", i: "(a < b ? a : b)" },
  fmax: "(a !== a ? b : b !== b ? a : a > b ? a : b)",
  fmin: "(a !== a ? b : b !== b ? a : a < b ? a : b)",
  eq: "a === b",
  ne: "a !== b",
  lt: "a < b",
  le: "a <= b",
  gt: "a > b",
  ge: "a >= b",
  logical_and: "(a !== 0 && b !== 0)",
  logical_or: "(a !== 0 || b !== 0)",
  logical_xor: "((a !== 0) !== (b !== 0))",
  bitwise_and: "a & b",
  bitwise_or: "a | b",
  bitwise_xor: "a ^ b",
  clamp: "H.clamp(a, P[0], P[1])",
  clamp_min: "(a !== a ? a : a < P[0] ? P[0] : a)",
  clamp_max: "(a !== a ? a : a > P[0] ? P[0] : a)",
  clamp_t: "(a !== a ? a : b !== b ? b : c !== c ? c : H.clamp(a, b, c))",
  where: "(a ? b : c)",
  lerp: "(b - a) * c + a",
  // input a, tensor1 b, tensor2 c, value P[0] (already of the dtype); float32: js_math.ts
  addcmul: { f: "a + $R(P[0] * b) * c", i: "a + P[0] * b * c" },
  addcdiv: "a + $R($R(P[0] * b) / c)",
  mul_scalar_add: "a * P[0] + P[1]",
  pow_scalar: { f: "Math.pow(a, P[0])", i: "H.ipow(a, P[0])" },
  rpow_scalar: { f: "Math.pow(P[0], a)", i: "H.ipow(P[0], a)" },
  threshold_backward: "(b <= P[0] ? 0 : a)",
  tanh_backward: "a * (1 - b * b)",
  // relu's gradient from (result, grad): where(result > 0, grad, 0), the zero +0 whatever grad's sign
  relu_backward: "(a > 0 ? b : 0)",
  // ATen: grad * (1 - y) * y, each step rounded to the dtype
  sigmoid_backward: "$R(a * $R(1 - b)) * b",
  masked_fill: "(b ? P[0] : a)",
};

type Kernel = (
  shape: number[],
  st: number[][],
  off: number[],
  P: ArrayLike<number>,
  O: ArrayLike<number> & { [i: number]: number },
  ...I: ArrayLike<number>[]
) => void;

/** A contiguous loop: operand i is read at p_i + j, or once at p_i when it is a broadcast scalar. */
type FlatKernel = (
  n: number,
  P: ArrayLike<number>,
  O: ArrayLike<number> & { [i: number]: number },
  o: number,
  I0: ArrayLike<number>, p0: number,
  I1?: ArrayLike<number>, p1?: number,
  I2?: ArrayLike<number>, p2?: number,
) => void;

interface Entry {
  strided: Kernel | null;
  /** by scalar pattern: bit i set = input i is a broadcast scalar */
  flat: (FlatKernel | undefined)[];
  op: string;
  inDtypes: DType[];
  compute: DType;
  out: DType;
}

/** op -> (dtype combination -> kernels); no key strings are built per call */
const cache = new Map<string, Map<number, Entry>>();
const dtypeIds = new Map<DType, number>();
function dtypeId(d: DType): number {
  let id = dtypeIds.get(d);
  if (id === undefined) dtypeIds.set(d, (id = dtypeIds.size + 1));
  return id;
}

function castExpr(v: string, from: DType, to: DType): string {
  if (from === to) return v;
  if (to.kind === "f") return to.name === "float32" && !(from.kind === "f" && from.itemsize < 4) ? `Math.fround(${v})` : v;
  if (to.kind === "b") return `(${v} !== 0 ? 1 : 0)`;
  // float -> int truncates, int -> narrower int wraps
  const t = from.kind === "f" ? `Math.trunc(${v})` : v;
  switch (to.name) {
    case "int32":
      return `(${t} | 0)`;
    case "int16":
      return `((${t} << 16) >> 16)`;
    case "int8":
      return `((${t} << 24) >> 24)`;
    case "uint8":
      return `(${t} & 255)`;
    default:
      return t;
  }
}

interface Parts {
  names: string[];
  load: (i: number, p: string) => string;
  store: string;
}

function parts(op: string, inDtypes: DType[], compute: DType, out: DType): Parts {
  const e = EXPRS[op];
  if (e === undefined) throw new Error(`no TypeScript kernel for ${op}`);
  let expr = typeof e === "string" ? e : compute.kind === "f" ? e.f : e.i;
  if (compute.name === "float32" && F32_LANE_EXPRS[op] !== undefined) expr = F32_LANE_EXPRS[op];
  // $R: the rounding of the compute dtype, for helpers that round each step like ATen does
  expr = expr.replace(/\$R/g, compute.name === "float32" ? "Math.fround" : "H.id");
  if (compute.name === "int64") {
    const wide: Record<string, string> = { bitwise_and: "H.and64(a, b)", bitwise_or: "H.or64(a, b)", bitwise_xor: "H.xor64(a, b)", bitwise_not: "(-a - 1)" };
    if (wide[op]) expr = wide[op];
  }
  if (compute.name === "int32" && op === "mul") expr = "Math.imul(a, b)";
  const names = ["a", "b", "c"].slice(0, inDtypes.length);
  const n = names.length;
  // int64 outputs are Float64Array: truncate float results explicitly, and `+ 0` turns the -0 of
  // e.g. -(0) or 0 * -3 into the 0 an integer holds. bool outputs hold 0/1 (True + True = True).
  let store = expr;
  if (out.name === "int64") store = compute.kind === "f" ? `(Math.trunc(${expr}) + 0)` : `((${expr}) + 0)`;
  else if (out.name === "bool" && compute.kind === "b") store = `((${expr}) ? 1 : 0)`;
  const load = (i: number, p: string) => `const ${names[i]} = ${castExpr(`I${i}[${p}]`, inDtypes[i], compute)};`;
  void n;
  return { names, load, store };
}

function compile(op: string, inDtypes: DType[], compute: DType, out: DType): Kernel {
  const { names, load, store } = parts(op, inDtypes, compute, out);
  const args = names.map((_, i) => `I${i}`).join(", ");
  const src = `
"use strict";
return function kernel(shape, st, off, P, O, ${args}) {
  const nd = shape.length, n = shape[nd - 1];
  const so = st[0][nd - 1]${names.map((_, i) => `, s${i} = st[${i + 1}][nd - 1]`).join("")};
  let po = off[0]${names.map((_, i) => `, p${i} = off[${i + 1}]`).join("")};
  if (nd === 1 && so === 1${names.map((_, i) => ` && s${i} === 1`).join("")}) {
    ${names.map((_, i) => `const q${i} = p${i} - po;`).join(" ")}
    const end = po + n;
    for (let j = po; j < end; j++) {
      ${names.map((_, i) => load(i, `j + q${i}`)).join(" ")}
      O[j] = ${store};
    }
    return;
  }
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= shape[d];
  const idx = new Int32Array(nd);
  for (let o = 0; o < outer; o++) {
    let qo = po${names.map((_, i) => `, q${i} = p${i}`).join("")};
    for (let j = 0; j < n; j++) {
      ${names.map((_, i) => load(i, `q${i}`)).join(" ")}
      O[qo] = ${store};
      qo += so;${names.map((_, i) => ` q${i} += s${i};`).join("")}
    }
    for (let d = nd - 2; d >= 0; d--) {
      po += st[0][d];${names.map((_, i) => ` p${i} += st[${i + 1}][d];`).join("")}
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      po -= st[0][d] * shape[d];${names.map((_, i) => ` p${i} -= st[${i + 1}][d] * shape[d];`).join("")}
    }
  }
};`;
  const outer = new Function("H", src) as (h: typeof helpers) => Kernel;
  return outer(helpers);
}

/** The loop for contiguous operands (same expressions as the strided kernel, so the same numbers). */
function compileFlat(e: Entry, pattern: number): FlatKernel {
  const { names, load, store } = parts(e.op, e.inDtypes, e.compute, e.out);
  const scalar = (i: number) => (pattern >> i) & 1;
  const args = names.map((_, i) => `I${i}, p${i}`).join(", ");
  const src = `
"use strict";
return function flat(n, P, O, o, ${args}) {
  ${names.map((_, i) => (scalar(i) ? load(i, `p${i}`) : "")).join(" ")}
  for (let j = 0; j < n; j++) {
    ${names.map((_, i) => (scalar(i) ? "" : load(i, `p${i} + j`))).join(" ")}
    O[o + j] = ${store};
  }
};`;
  return (new Function("H", src) as (h: typeof helpers) => FlatKernel)(helpers);
}

function entryOf(op: string, out: Tensor, inputs: readonly Tensor[], compute: DType): Entry {
  let byOp = cache.get(op);
  if (byOp === undefined) cache.set(op, (byOp = new Map()));
  let key = dtypeId(compute) * 16 + dtypeId(out.dtype);
  for (let i = 0; i < inputs.length; i++) key = key * 16 + dtypeId(inputs[i].dtype);
  let e = byOp.get(key);
  if (e === undefined) {
    const inDtypes = inputs.map((t) => t.dtype);
    e = { strided: null, flat: [], op, inDtypes, compute, out: out.dtype };
    if (EXPRS[op] === undefined) throw new Error(`no TypeScript kernel for ${op}`);
    byOp.set(key, e);
  }
  return e;
}

/** stride 0 in every dim of size > 1: one element broadcast over the output */
function isBroadcastScalar(t: Tensor): boolean {
  const sh = t._shape, st = t._strides;
  for (let d = 0; d < sh.length; d++) if (sh[d] !== 1 && st[d] !== 0) return false;
  return true;
}

// scalar parameters take the compute dtype first, as PyTorch casts them (alpha, clamp bounds);
// one scratch array serves every call (kernels run synchronously and never re-enter)
const P32 = new Float32Array(4);

/** out[...] = op(inputs[...]) elementwise; inputs are already expanded to out's shape. */
export function elementwise(op: string, out: Tensor, inputs: readonly Tensor[], compute: DType, params: ArrayLike<number> = EMPTY): void {
  if (out.numel() === 0) return;
  if (op === "log_sigmoid" && compute.name === "float32" && fused.activationLanes !== undefined) {
    // every element is one lane of 1.13's vector code: a backend's lanes take contiguous runs
    const x = inputs[0], X = x._storage.data, O = out._storage.data;
    if (X instanceof Float32Array && O instanceof Float32Array && x.is_contiguous() && out.is_contiguous()) {
      fused.activationLanes("log_sigmoid", X, x._offset, O, out._offset, out.numel());
      return;
    }
  }
  if (compute.name === "float32" && inputs.length === 1 && hasF32RowKernel(op)) {
    // sin/cos/tan and the cpu_kernel_vec ops depend on where an element sits in its row
    f32RowKernel(op, out, inputs[0], params);
    return;
  }
  const e = entryOf(op, out, inputs, compute);
  let P = params;
  if (compute.name === "float32" && params.length) {
    if (params.length > P32.length) P = Float32Array.from(params);
    else {
      for (let i = 0; i < params.length; i++) P32[i] = params[i];
      P = P32;
    }
  }
  const O = out._storage.data;
  const ni = inputs.length;
  if (ni <= 3 && out.is_contiguous()) {
    // the common case: every input contiguous like out, or one broadcast element
    let pattern = 0;
    for (let i = 0; i < ni; i++) {
      const t = inputs[i];
      if (isBroadcastScalar(t)) pattern |= 1 << i;
      else if (!t.is_contiguous()) {
        pattern = -1;
        break;
      }
    }
    if (pattern >= 0) {
      const f = e.flat[pattern] ?? (e.flat[pattern] = compileFlat(e, pattern));
      const n = out.numel();
      const a = inputs[0], b = inputs[1], c = inputs[2];
      if (ni === 1) f(n, P, O, out._offset, a._storage.data, a._offset);
      else if (ni === 2) f(n, P, O, out._offset, a._storage.data, a._offset, b._storage.data, b._offset);
      else f(n, P, O, out._offset, a._storage.data, a._offset, b._storage.data, b._offset, c._storage.data, c._offset);
      return;
    }
  }
  const k = e.strided ?? (e.strided = compile(op, e.inDtypes, compute, e.out));
  const lay = layoutOf(out, inputs);
  k(lay.shape, lay.strides, lay.offsets, P, O, ...inputs.map((t) => t._storage.data));
}
const EMPTY = new Float64Array(0);
