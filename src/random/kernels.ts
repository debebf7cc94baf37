// PyTorch's CPU sampling kernels over typed arrays, bit-exact with torch 1.13 (Debian build,
// ATen CPU capability AVX2; algorithms as in the shared RNG spec, pytorch-rng.md). Every
// function fills its output in memory order, one element after another, as cpu_serial_kernel
// does; the tensor layer passes the output's storage in memory order (for a non-contiguous
// tensor: its elements sorted by address) and says whether the tensor is contiguous where that
// changes the algorithm (normal_). Argument checks raise PyTorch's errors with its message text.
//
// Where torch 2.x differs (test/vectors/rng/goldens_1_13.json lists the records), torchlette
// follows 1.13: multinomial(p, 1, replacement=True) uses the CDF search (2.x: exponential
// trick); randint/random_ ranges in [2^31, 2^32) draw 32 bits (2.x: 64); float64 results of the
// small-tensor normal path and exponential_ use glibc 2.36's log/sin/cos as 1.13 ran them.

import { RuntimeError, TypeError as TorchTypeError, ValueError } from "../errors.js";
import { cppDouble, pyFloatRepr } from "../printing.js";

export { cppDouble };
import { fma32, fma64 } from "./fma.js";
import type { Generator } from "./generator.js";
import { cos, cosf, LANE, log, log256Lane, logf, sin, sincos256, sinf, TWO_PI_F32 } from "./libm.js";
import { topkIndices } from "./stl_sort.js";
// the optional native loops (absent on the TypeScript backend); backend/index.ts is Node-free
import { fused as kernelTable } from "../backend/index.js";

export type FloatArray = Float32Array | Float64Array;
export type OutArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
/** torch dtype names of the arrays the tensor layer uses (int64 lives in a Float64Array). */
export type RandomDtype = "float32" | "float64" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

/**
 * ATen CPU capability whose kernel is emulated: "avx2" (PyTorch 1.13 on x86-64 with AVX2, the
 * reference; also what AVX512 machines ran in 1.13) or "default" (ATEN_CPU_CAPABILITY=default:
 * no FMA contraction, scalar float32 Box-Muller with glibc logf/sinf/cosf).
 */
export type CpuCapability = "avx2" | "default";
let capability: CpuCapability = "avx2";
export function setCpuCapability(c: CpuCapability): void {
  capability = c;
}
export function getCpuCapability(): CpuCapability {
  return capability;
}

const FLT_MAX = 3.4028234663852886e38;
const TWO_M24 = 2 ** -24;
const TWO_M53 = 2 ** -53;
const TWO32 = 4294967296;
const TWO_PI = 2 * Math.PI;
const fround = Math.fround;

function isFloat32(out: FloatArray): out is Float32Array {
  return out instanceof Float32Array;
}

// ---------------------------------------------------------------------------------------------
// uniform_  (torch.rand, Tensor.uniform_, nn.init.uniform_/kaiming_uniform_, nn.Linear init)
// ---------------------------------------------------------------------------------------------

/**
 * Tensor.uniform_(from, to) on a float32/float64 tensor. float32: x = uniform24,
 * out = x*(to-from)+from in float32 (one fma in the AVX2 build); float64: x = uniform53 and a
 * double fma. One random() per float32 element, two per float64 element.
 */
export function uniformFill(g: Generator, out: FloatArray, from = 0, to = 1): void {
  const f32 = isFloat32(out);
  const max = f32 ? FLT_MAX : Number.MAX_VALUE;
  const tname = f32 ? "float" : "double";
  if (!(from >= -max && from <= max)) throw new RuntimeError(`from is out of bounds for ${tname}`);
  if (!(to >= -max && to <= max)) throw new RuntimeError(`to is out of bounds for ${tname}`);
  if (!(from <= to)) {
    throw new RuntimeError(
      `uniform_ expects to return a [from, to) range, but found from=${cppDouble(from)} > to=${cppDouble(to)}`,
    );
  }
  if (!(to - from <= max)) {
    throw new RuntimeError(
      `uniform_ expects to-from <= std::numeric_limits<${f32 ? "Float" : "Double"}>::max(), but found to=${cppDouble(to)} and from=${cppDouble(from)} which result in to-from to exceed the limit`,
    );
  }
  const e = g.engine;
  const n = out.length;
  const fused = capability !== "default";
  if (n > 0 && kernelTable.rngUniform?.(g, out, from, to, fused)) return;
  if (f32) {
    const lo = fround(from);
    const span = fround(fround(to) - lo);
    if (lo === 0 && span === 1) {
      for (let i = 0; i < n; i++) out[i] = (e.nextU32() & 0xffffff) * TWO_M24;
    } else if (fused) {
      for (let i = 0; i < n; i++) out[i] = fma32((e.nextU32() & 0xffffff) * TWO_M24, span, lo);
    } else {
      for (let i = 0; i < n; i++) out[i] = fround((e.nextU32() & 0xffffff) * TWO_M24 * span) + lo;
    }
  } else {
    const span = to - from;
    for (let i = 0; i < n; i++) {
      const hi = e.nextU32();
      const x = ((hi & 0x1fffff) * TWO32 + e.nextU32()) * TWO_M53;
      out[i] = from === 0 && span === 1 ? x : fused ? fma64(x, span, from) : x * span + from;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// normal_  (torch.randn, Tensor.normal_, nn.init.normal_, nn.Embedding init)
// ---------------------------------------------------------------------------------------------

/**
 * Tensor.normal_(mean, std). `contiguous` is the tensor's is_contiguous(): with numel >= 16 and
 * a contiguous tensor, PyTorch fills all uniforms first and Box-Mullers blocks of 16 in place
 * (float32: the AVX2 polynomial kernel; float64: glibc log/sin/cos), re-drawing the last 16
 * when numel % 16 != 0; otherwise every element comes from normal_distribution<double> and its
 * cached second value, which lives on the generator.
 */
export function normalFill(g: Generator, out: FloatArray, mean = 0, std = 1, contiguous = true): void {
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${cppDouble(std)}`);
  const n = out.length;
  const fused = capability !== "default";
  if (n > 0 && kernelTable.rngNormal?.(g, out, mean, std, contiguous, fused)) return;
  if (n >= 16 && contiguous) {
    if (isFloat32(out)) {
      const m = fround(mean);
      const s = fround(std);
      const block = fused ? boxMullerAvx2 : boxMullerScalarF32;
      for (let i = 0; i < n; i++) out[i] = g.uniform24();
      for (let i = 0; i + 16 <= n; i += 16) block(out, i, m, s);
      if (n % 16 !== 0) {
        const base = n - 16;
        for (let k = 0; k < 16; k++) out[base + k] = g.uniform24();
        block(out, base, m, s);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = g.uniform53();
      for (let i = 0; i + 16 <= n; i += 16) boxMullerF64(out, i, mean, std, fused);
      if (n % 16 !== 0) {
        const base = n - 16;
        for (let k = 0; k < 16; k++) out[base + k] = g.uniform53();
        boxMullerF64(out, base, mean, std, fused);
      }
    }
    return;
  }
  // with std == 1 the fma is the single rounding of v + mean (its sign-of-zero rules included)
  const unit = std === 1;
  for (let i = 0; i < n; i++) {
    const v = g.normalSample();
    out[i] = unit ? v + mean : fused ? fma64(v, std, mean) : v * std + mean;
  }
}

/** normal_fill_16_AVX2: lanes j and j+8 of the block at i. */
function boxMullerAvx2(d: Float32Array, i: number, mean: number, std: number): void {
  const unit = std === 1;
  for (let j = i; j < i + 8; j++) {
    log256Lane(fround(1 - d[j]));
    const radius = fround(Math.sqrt(fround(-2 * LANE[0])));
    sincos256(fround(TWO_PI_F32 * d[j + 8]));
    const n1 = fround(radius * LANE[2]);
    const n2 = fround(radius * LANE[1]);
    d[j] = unit ? n1 + mean : fma32(n1, std, mean);
    d[j + 8] = unit ? n2 + mean : fma32(n2, std, mean);
  }
}

/** normal_fill_16<float> of the DEFAULT kernel: glibc logf/cosf/sinf, float arithmetic. */
function boxMullerScalarF32(d: Float32Array, i: number, mean: number, std: number): void {
  for (let j = i; j < i + 8; j++) {
    const u1 = fround(1 - d[j]);
    const radius = fround(Math.sqrt(fround(-2 * logf(u1))));
    const theta = fround(TWO_PI * d[j + 8]);
    d[j] = fround(fround(fround(radius * cosf(theta)) * std) + mean);
    d[j + 8] = fround(fround(fround(radius * sinf(theta)) * std) + mean);
  }
}

/** normal_fill_16<double>: glibc log/cos/sin; r*cos*std+mean is one fma in the AVX2 build. */
function boxMullerF64(d: Float64Array, i: number, mean: number, std: number, fused: boolean): void {
  const unit = std === 1;
  for (let j = i; j < i + 8; j++) {
    const radius = Math.sqrt(-2 * log(1 - d[j]));
    const theta = TWO_PI * d[j + 8];
    const a = radius * cos(theta);
    const b = radius * sin(theta);
    if (unit) {
      d[j] = a + mean;
      d[j + 8] = b + mean;
    } else if (fused) {
      d[j] = fma64(a, std, mean);
      d[j + 8] = fma64(b, std, mean);
    } else {
      d[j] = a * std + mean;
      d[j + 8] = b * std + mean;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// exponential_, bernoulli_, dropout
// ---------------------------------------------------------------------------------------------

/** Tensor.exponential_(lambd): (-1/lambd) * log(1 - uniform53) in double, cast to the dtype. */
export function exponentialFill(g: Generator, out: FloatArray, lambd = 1): void {
  if (!(lambd >= 0)) {
    throw new RuntimeError(`exponential_ expects lambda >= 0.0, but found lambda=${cppDouble(lambd)}`);
  }
  const k = -1.0 / lambd;
  const n = out.length;
  if (n > 0 && kernelTable.rngExponential?.(g, out, k)) return;
  if (!isFloat32(out)) {
    for (let i = 0; i < n; i++) out[i] = k * log(1.0 - g.uniform53());
    return;
  }
  // float32 output: V8's Math.log and glibc's log are both within one double ulp of the true
  // value, so when every double within 2^-40 (relative) of Math.log's result gives the same
  // float32 after * k, glibc's does too (k*y and rounding are monotone in y). Otherwise (about
  // one case in 2^16) take the exact glibc port.
  for (let i = 0; i < n; i++) {
    const x = 1.0 - g.uniform53();
    const y = Math.log(x);
    const m = (y < 0 ? -y : y) * 9.094947017729282e-13;
    const a = fround(k * (y - m));
    out[i] = a === fround(k * (y + m)) ? a : k * log(x);
  }
}

/** Tensor.bernoulli_(p: float) (non-MKL path): 1 where uniform53 < p, for any output dtype. */
export function bernoulliScalarFill(g: Generator, out: OutArray, p = 0.5): void {
  if (!(p >= 0 && p <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${cppDouble(p)}`);
  const e = g.engine;
  const n = out.length;
  if (n > 0 && kernelTable.rngBernoulli?.(g, out, p, 1)) return;
  for (let i = 0; i < n; i++) {
    const hi = e.nextU32();
    out[i] = ((hi & 0x1fffff) * TWO32 + e.nextU32()) * TWO_M53 < p ? 1 : 0;
  }
}

const BERNOULLI_P_MSG =
  "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)";

/**
 * torch.bernoulli(probs) / Tensor.bernoulli_(p_tensor): one draw per element, probs given in the
 * output's memory order (already broadcast). float32 probs compare against uniform24 (one
 * random()), float64 probs against uniform53. A probability outside [0, 1] raises when reached.
 */
export function bernoulliTensorFill(
  g: Generator,
  out: OutArray,
  probs: ArrayLike<number>,
  probsIsFloat64: boolean = probs instanceof Float64Array,
): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1)) throw new RuntimeError(BERNOULLI_P_MSG);
    const u = probsIsFloat64 ? g.uniform53() : g.uniform24();
    out[i] = u < p ? 1 : 0;
  }
}

/**
 * F.dropout(x, p, training=True) on the CPU: fills `mask` with what PyTorch multiplies x by,
 * i.e. bernoulli_(1 - p) divided by (1 - p) in the mask's dtype: f32(1 / f32(1 - p)) for float32,
 * 1 / (1 - p) for float64, or 0. The caller computes x * mask in the dtype. p == 0 (x returned
 * as is) and p == 1 (x * 0) draw nothing and give masks of 1 and 0.
 */
export function dropoutMask(g: Generator, mask: FloatArray, p: number): void {
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${pyFloatRepr(p)}`);
  if (!(p >= 0 && p <= 1)) {
    throw new RuntimeError(`dropout probability has to be between 0 and 1, but got ${cppDouble(p)}`);
  }
  if (p === 0 || p === 1) {
    mask.fill(p === 0 ? 1 : 0);
    return;
  }
  const keep = 1 - p;
  const scale = isFloat32(mask) ? fround(1 / fround(keep)) : 1 / keep;
  const e = g.engine;
  const n = mask.length;
  if (n > 0 && kernelTable.rngBernoulli?.(g, mask, keep, scale)) return;
  for (let i = 0; i < n; i++) {
    const hi = e.nextU32();
    mask[i] = ((hi & 0x1fffff) * TWO32 + e.nextU32()) * TWO_M53 < keep ? scale : 0;
  }
}

// ---------------------------------------------------------------------------------------------
// random_ / randint / randperm
// ---------------------------------------------------------------------------------------------

interface DtypeInfo {
  float: boolean;
  digits: number; // floating types: mantissa digits
  min: bigint; // integral types
  max: bigint;
  cname: string; // caffe2 TypeMeta name (bound errors)
  cvt: string; // c10 checked_convert name (randperm)
}
const DTYPES: Record<RandomDtype, DtypeInfo> = {
  float32: { float: true, digits: 24, min: 0n, max: 0n, cname: "float", cvt: "float" },
  float64: { float: true, digits: 53, min: 0n, max: 0n, cname: "double", cvt: "double" },
  int64: { float: false, digits: 0, min: -(1n << 63n), max: (1n << 63n) - 1n, cname: "long int", cvt: "int64_t" },
  int32: { float: false, digits: 0, min: -(1n << 31n), max: (1n << 31n) - 1n, cname: "int", cvt: "int" },
  int16: { float: false, digits: 0, min: -32768n, max: 32767n, cname: "short int", cvt: "int16_t" },
  int8: { float: false, digits: 0, min: -128n, max: 127n, cname: "signed char", cvt: "int8_t" },
  uint8: { float: false, digits: 0, min: 0n, max: 255n, cname: "unsigned char", cvt: "uint8_t" },
  bool: { float: false, digits: 0, min: 0n, max: 1n, cname: "bool", cvt: "bool" },
};

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const U64_MASK = (1n << 64n) - 1n;

function toInt64(v: number | bigint, what: string): bigint {
  // Python's argument parser rejects non-ints before ATen sees them (with a longer message
  // listing the overloads); this guard keeps BigInt() from throwing a SyntaxError instead
  if (typeof v === "number" && !Number.isInteger(v)) {
    throw new TorchTypeError(`random_(): argument '${what}' must be int, not float`);
  }
  const b = BigInt(v);
  if (b < INT64_MIN || b > INT64_MAX) throw new RuntimeError("Overflow when unpacking long");
  return b;
}

/** static_cast<int64_t>(static_cast<scalar_t>(v)) for an int64 v, scalar_t float/double. */
function castThroughFloat(v: bigint, digits: number): bigint {
  return BigInt.asIntN(64, roundBigInt(v, digits));
}

/** Round an integer to `digits` significant bits, ties to even (int64 -> float/double). */
function roundBigInt(v: bigint, digits: number): bigint {
  const neg = v < 0n;
  let a = neg ? -v : v;
  const len = a === 0n ? 0 : a.toString(2).length;
  if (len > digits) {
    const sh = BigInt(len - digits);
    const rem = a & ((1n << sh) - 1n);
    const half = 1n << (sh - 1n);
    a >>= sh;
    if (rem > half || (rem === half && (a & 1n) === 1n)) a += 1n;
    a <<= sh;
  }
  return neg ? -a : a;
}

function bitLen(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

// DistributionTemplates.h update_from / update_to: move a bound that float rounding would push
// outside [from, to) back inside (only matters beyond 2^24 / 2^53)
function updateFrom(from: bigint, digits: number): bigint {
  const fromPlus1 = castThroughFloat(BigInt.asIntN(64, from + 1n), digits);
  if (fromPlus1 < from) {
    const n = bitLen(from + 1n < 0n ? -(from + 1n) : from + 1n) - 1;
    from = BigInt.asIntN(64, fromPlus1 + (1n << BigInt(n - digits + 1)));
  }
  return from;
}

function updateTo(to: bigint, digits: number): bigint {
  const toMinus1 = castThroughFloat(BigInt.asIntN(64, to - 1n), digits);
  if (toMinus1 >= to) {
    const n = bitLen(to - 1n < 0n ? -(to - 1n) : to - 1n) - 1;
    to = BigInt.asIntN(64, toMinus1 - (1n << BigInt(n - digits + 1)));
  }
  return to;
}

function checkFromToInRange(from: bigint, toInc: bigint, info: DtypeInfo): void {
  // floating types: int64 bounds always lie within float's range (PyTorch only warns beyond
  // 2^digits, which torchlette does not reproduce)
  if (info.float) return;
  if (!(from >= info.min && from <= info.max)) throw new RuntimeError(`from is out of bounds for ${info.cname}`);
  if (!(toInc >= info.min && toInc <= info.max)) throw new RuntimeError(`to - 1 is out of bounds for ${info.cname}`);
}

/** Store an int64 value into an output of dtype `dt` as static_cast<scalar_t> does. */
function storeInt64(out: OutArray, i: number, v: bigint, dt: RandomDtype): void {
  switch (dt) {
    case "float32":
      out[i] = Number(roundBigInt(v, 24));
      break;
    case "bool":
      out[i] = v !== 0n ? 1 : 0;
      break;
    case "float64":
    case "int64":
      out[i] = Number(v); // correctly rounded; int64 beyond 2^53 is out of torchlette's range
      break;
    default:
      out[i] = Number(BigInt.asIntN(32, v)); // the typed array wraps to its width
  }
}

/**
 * Tensor.random_ / torch.randint. `from`/`to` are Python ints (number or bigint):
 * - from === null && to === null: random_() -> [0, 2^mantissa] for floats, [0, max] for ints;
 * - to !== null: [from ?? 0, to)  (randint(low, high), random_(to), random_(from, to));
 * - to === null: [from, max] (random_(from, None)); from = -2^63 draws full 64-bit values.
 * Ranges >= 2^32 on int64/float32/float64 outputs use random64(), others random(); the value
 * is low + (r mod range) (plain modulo, as PyTorch). int64 results go to a Float64Array.
 */
export function randomFill(
  g: Generator,
  out: OutArray,
  from: number | bigint | null,
  to: number | bigint | null,
  dtype: RandomDtype,
): void {
  const info = DTYPES[dtype];
  const e = g.engine;
  const n = out.length;
  if (from === null && to === null) {
    randomDefault(g, out, dtype);
    return;
  }
  let lo = toInt64(from ?? 0, "from");
  let range: bigint;
  if (to !== null) {
    let hi = toInt64(to, "to");
    if (!(lo < hi)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
    if (info.float) {
      lo = updateFrom(lo, info.digits);
      hi = updateTo(hi, info.digits);
      if (!(lo < hi)) {
        throw new RuntimeError(
          `random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${lo} >= to=${hi}`,
        );
      }
    }
    checkFromToInRange(lo, hi - 1n, info);
    range = (hi - lo) & U64_MASK;
  } else if (lo !== INT64_MIN) {
    let toInc: bigint;
    if (info.float) {
      toInc = 1n << BigInt(info.digits);
      lo = updateFrom(lo, info.digits);
      if (!(lo < toInc)) {
        throw new RuntimeError(
          `random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${lo} > to_inc=${toInc}`,
        );
      }
    } else {
      toInc = info.max;
    }
    checkFromToInRange(lo, toInc, info);
    range = (toInc - lo + 1n) & U64_MASK;
  } else {
    if (dtype === "bool") throw new RuntimeError(`"random_full_64_bits_range_kernel_cpu" not implemented for 'Bool'`);
    if (dtype !== "int64" && dtype !== "float64" && dtype !== "float32") {
      throw new RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16");
    }
    if (n > 0 && kernelTable.rngRandom?.(g, out, dtype, "full", 0n, 0n)) return;
    for (let i = 0; i < n; i++) {
      const hi = e.nextU32();
      storeInt64(out, i, BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(e.nextU32())), dtype);
    }
    return;
  }
  const use64 = (dtype === "int64" || dtype === "float64" || dtype === "float32") && range >= 1n << 32n;
  if (n > 0 && kernelTable.rngRandom?.(g, out, dtype, use64 ? "64" : "32", lo, range)) return;
  if (!use64) {
    // 32-bit draws: value = low + (random() % range) fits a double exactly when |low| < 2^52
    const r = Number(range); // < 2^32 here, or 2^32.. for narrow dtypes (the modulo is by range)
    if (lo > -(1n << 52n) && lo < 1n << 52n && range <= 1n << 52n) {
      const base = Number(lo);
      if (dtype === "bool") {
        for (let i = 0; i < n; i++) out[i] = (e.nextU32() % r) + base !== 0 ? 1 : 0;
      } else {
        // typed-array stores do static_cast's wrap (ints) and rounding (float32) here
        for (let i = 0; i < n; i++) out[i] = (e.nextU32() % r) + base;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      storeInt64(out, i, BigInt.asIntN(64, ((BigInt(e.nextU32()) % range) + lo) & U64_MASK), dtype);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const hi = e.nextU32();
    const r64 = (BigInt(hi) << 32n) | BigInt(e.nextU32());
    storeInt64(out, i, BigInt.asIntN(64, ((r64 % range) + lo) & U64_MASK), dtype);
  }
}

/** random_() without bounds: uniform_int_distribution<scalar_t>. */
function randomDefault(g: Generator, out: OutArray, dtype: RandomDtype): void {
  const e = g.engine;
  const n = out.length;
  if (n > 0 && kernelTable.rngRandom?.(g, out, dtype, "default", 0n, 0n)) return;
  switch (dtype) {
    case "bool":
      for (let i = 0; i < n; i++) out[i] = e.nextU32() & 1;
      return;
    case "uint8":
      for (let i = 0; i < n; i++) out[i] = e.nextU32() & 0xff;
      return;
    case "int8":
      for (let i = 0; i < n; i++) out[i] = e.nextU32() & 0x7f;
      return;
    case "int16":
      for (let i = 0; i < n; i++) out[i] = e.nextU32() & 0x7fff;
      return;
    case "int32":
      for (let i = 0; i < n; i++) out[i] = e.nextU32() & 0x7fffffff;
      return;
    case "float32":
      for (let i = 0; i < n; i++) out[i] = e.nextU32() % 16777217;
      return;
    case "int64":
      // random64() % 2^63; the double sum rounds once, like converting the int64
      for (let i = 0; i < n; i++) {
        const hi = e.nextU32();
        out[i] = (hi & 0x7fffffff) * TWO32 + e.nextU32();
      }
      return;
    case "float64": {
      const m = (1n << 53n) + 1n;
      for (let i = 0; i < n; i++) {
        const hi = e.nextU32();
        out[i] = Number(((BigInt(hi) << 32n) | BigInt(e.nextU32())) % m);
      }
    }
  }
}

/**
 * torch.randperm(n, dtype) on the CPU: p = [0..n); for i < n-1 swap p[i] with
 * p[i + random() % (n - i)]. Exactly n - 1 random() calls.
 */
export function randperm(g: Generator, n: number, dtype: RandomDtype = "int64"): OutArray {
  if (n < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  const info = DTYPES[dtype];
  if (dtype === "bool") throw new RuntimeError(`"randperm" not implemented for 'Bool'`);
  if (!info.float && BigInt(n > 0 ? n - 1 : n) > info.max) {
    throw new RuntimeError(`value cannot be converted to type ${info.cvt} without overflow`);
  }
  if (dtype === "float32" && n > 2 ** 24 + 1) throw new RuntimeError("n cannot be greater than 2^24+1 for Float type.");
  const out = newArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = i;
  const e = g.engine;
  for (let i = 0; i < n - 1; i++) {
    const z = e.nextU32() % (n - i);
    const t = out[i];
    out[i] = out[i + z];
    out[i + z] = t;
  }
  return out;
}

function newArray(dtype: RandomDtype, n: number): OutArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
    case "int64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "int16":
      return new Int16Array(n);
    case "int8":
      return new Int8Array(n);
    default:
      return new Uint8Array(n);
  }
}

// ---------------------------------------------------------------------------------------------
// multinomial
// ---------------------------------------------------------------------------------------------

/**
 * torch.multinomial(probs, numSamples, replacement) with torch 1.13 semantics, for `rows`
 * distributions of `cats` categories stored row-major in `probs` (float32 or float64; a 1-D
 * input is rows = 1). Writes rows*numSamples int64 indices (row-major) into `out`.
 * - replacement (any numSamples, including 1): per row, a running sum and cumulative
 *   distribution in the input dtype, normalised by the sum; each sample is a binary search of
 *   uniform53 (2 random() per sample). Invalid entries raise when their row is reached.
 * - no replacement: q = exponential_(1) over all of probs, scores p / q in the dtype, then
 *   argmax (numSamples 1) or topk with libstdc++'s tie order.
 * PyTorch 2.x routes numSamples == 1 with replacement through the second path; torchlette
 * follows 1.13 (the lectures' outputs).
 */
export function multinomial(
  g: Generator,
  probs: FloatArray,
  rows: number,
  cats: number,
  numSamples: number,
  replacement: boolean,
  out: Float64Array = new Float64Array(rows * numSamples),
): Float64Array {
  if (!(numSamples > 0)) throw new RuntimeError("cannot sample n_sample <= 0 samples");
  if (!replacement && numSamples > cats) {
    throw new RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  }
  if (cats > 2 ** 24) throw new RuntimeError("number of categories cannot exceed 2^24");
  if (rows * numSamples === 0) return out;
  const f32 = isFloat32(probs);
  const total = rows * cats;
  if (!replacement) {
    let valid = true;
    for (let i = 0; i < total; i++) {
      const p = probs[i];
      if (!(p >= 0 && p < Infinity)) valid = false;
    }
    if (!valid) throw new RuntimeError("probability tensor contains either `inf`, `nan` or element < 0");
    for (let r = 0; r < rows; r++) {
      let zero = true;
      for (let j = 0; j < cats; j++) if (probs[r * cats + j] !== 0) zero = false;
      if (zero) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
    }
    const q = f32 ? new Float32Array(total) : new Float64Array(total);
    exponentialFill(g, q, 1);
    const scores = new Float64Array(cats);
    const scratch = new Float64Array(cats);
    for (let r = 0; r < rows; r++) {
      const o = r * cats;
      for (let j = 0; j < cats; j++) scores[j] = f32 ? fround(probs[o + j] / q[o + j]) : probs[o + j] / q[o + j];
      if (numSamples === 1) {
        // argmax: first maximum, nan beats everything (first nan)
        let best = 0;
        for (let j = 1; j < cats; j++) {
          const a = scores[j];
          const b = scores[best];
          if (b !== b) break;
          if (a !== a || a > b) best = j;
        }
        out[r] = best;
      } else {
        topkIndices(scores, scratch, cats, numSamples, out, r * numSamples);
      }
    }
    return out;
  }
  const cum = f32 ? new Float32Array(cats) : new Float64Array(cats);
  for (let r = 0; r < rows; r++) {
    const o = r * cats;
    let sum = 0;
    for (let j = 0; j < cats; j++) {
      const v = probs[o + j];
      if (!(v >= 0)) throw new RuntimeError("invalid multinomial distribution (encountering probability entry < 0)");
      if (!(v < Infinity)) {
        throw new RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      }
      sum = f32 ? fround(sum + v) : sum + v;
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
    for (let j = 0; j < cats; j++) cum[j] = cum[j] / sum; // stored in the dtype
    cum[cats - 1] = 1;
    for (let s = 0; s < numSamples; s++) {
      const u = g.uniform53();
      let left = 0;
      let right = cats;
      while (right - left > 0) {
        const mid = left + ((right - left) >> 1);
        if (cum[mid] < u) left = mid + 1;
        else right = mid;
      }
      out[r * numSamples + s] = left;
    }
  }
  return out;
}
