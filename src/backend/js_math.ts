// float32 transcendental functions bit-exact with PyTorch 1.13's CPU kernels (Debian build, AVX2,
// no MKL, one intra-op thread).
//
// Where 1.13 computes what (aten/src/ATen/native/cpu/UnaryOpsKernel.cpp, Activation.cpp, vml.h,
// cpu/vec/vec256/vec256_float.h, Loops.h):
// * exp log log2 log10 log1p expm1 sin cos tan tanh erf asin acos atan are "vml" kernels:
//   every element, including the tail of a row and non-contiguous rows (copied to a buffer), goes
//   through Vectorized<float> = SLEEF 3.5.1 Sleef_*f8_u10 (AVX2 + FMA). The tail is zero-padded
//   to a full vector, so each lane's value depends only on its input -- except sin/cos/tan,
//   whose vector takes the slow (Payne-Hanek) reduction for all 8 lanes when any lane has
//   |x| >= 125 or is inf/nan: `big` below says which path the element's group took.
// * sigmoid, silu, gelu(tanh), sinh, cosh and nn.functional's elu (selu, celu), softplus, mish
//   are cpu_kernel_vec: a contiguous row is done in chunks of 16 with the vector lambda (SLEEF)
//   and the remainder with the scalar lambda (glibc 2.36 expf/erff/tanhf/sinhf/coshf/log1pf); a
//   strided row is all scalar. log_sigmoid runs its vector code on every element (partial loads
//   for the tail). gelu (erf form) is the same
//   except that a contiguous tensor of more than one element goes to oneDNN 2.6's eltwise
//   gelu_erf (Abramowitz-Stegun erf with oneDNN's exp), through ATen's use_mkldnn().
// * exp2 is a plain cpu_kernel: glibc exp2f everywhere.
// * sqrt, rsqrt (1 / sqrt) are correctly rounded IEEE operations in both paths (no code here).
//
// SLEEF's vector code is a sequence of float32 operations; every step is Math.fround-ed here and
// every FMA instruction (vmla / vfma* with ENABLE_FMA_SP) is fma32 -- or a plain
// fround(a * b + c) where a search over all 2^32 inputs found no input for which the two differ
// (the double sum rounds to a float midpoint only rarely). SLEEF is compiled with
// -ffp-contract=off, so nothing else is fused. The glibc functions follow the machine code of
// Debian's libm.so.6 (x86-64; FMA ifunc variants of expf/exp2f; the Sun float code of erff,
// tanhf, expm1f, sinhf, coshf has no FMA variant). scripts/check_math_exhaustive.ts compares
// each function with the libraries over all 2^32 inputs.
//
// SLEEF is Boost-licensed (Copyright Naoki Shibata and contributors); glibc is LGPL-2.1+;
// oneDNN is Apache-2.0.

import { fma32 } from "../random/fma.js";
import { contiguousStrides } from "../shape.js";
import { fused, type ActivationOp } from "./index.js";
import { getReductionThreads } from "./sum_order.js";

const fr = Math.fround;

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const I32 = new Int32Array(F32.buffer);

/** 2^q as float32 for q in [-126, 127] (index q + 126). */
const POW2 = new Float64Array(254);
for (let q = -126; q <= 127; q++) POW2[q + 126] = 2 ** q;
/** 2^k as double for k in [-160, 160] (index k + 160). */
const POW2W = new Float64Array(321);
for (let k = -160; k <= 160; k++) POW2W[k + 160] = 2 ** k;

/** SLEEF vpow2i_vf_vi2: the float with bits (q + 127) << 23, wrapping like the integer SIMD ops. */
function pow2i(q: number): number {
  if (q >= -126 && q <= 127) return POW2[q + 126];
  I32[0] = (q + 0x7f) << 23;
  return F32[0];
}

/** vldexp2_vf_vf_vi2 */
function ldexp2(d: number, e: number): number {
  const h = e >> 1;
  return fr(fr(d * pow2i(h)) * pow2i(e - h));
}

/** vilogb2k_vi2_vf: biased exponent field - 127 */
function ilogb2k(d: number): number {
  F32[0] = d;
  return ((U32[0] >>> 23) & 0xff) - 0x7f;
}

/** _mm256_round_ps(x, nearest): ties to even, keeps the sign of zero */
function rintf(x: number): number {
  if (!(x < 4503599627370496 && x > -4503599627370496)) return x;
  const r = x + 6755399441055744 - 6755399441055744;
  return r === 0 ? x * 0 : r;
}

/** _mm256_cvtps_epi32: round to nearest even; out of range or nan gives INT_MIN */
function cvtRound(x: number): number {
  const r = rintf(x);
  return r >= -2147483648 && r < 2147483648 ? r | 0 : -2147483648;
}

/** _mm256_cvttps_epi32 */
function cvtTrunc(x: number): number {
  const r = Math.trunc(x);
  return r >= -2147483648 && r < 2147483648 ? r | 0 : -2147483648;
}

function signbit(x: number): boolean {
  return x < 0 || (x === 0 && 1 / x < 0);
}

/** vmulsign_vf_vf_vf(x, y): x with its sign flipped when y's sign bit is set */
function mulsign(x: number, y: number): number {
  return signbit(y) ? -x : x;
}

// ---------------------------------------------------------------------------------------------
// double-float arithmetic (SLEEF df.h, ENABLE_FMA_SP variants). Results in (P[0], P[1]).
// A product x*y of two float32 values is exact in double and x*y - fl32(x*y) is exact too, so
// SLEEF's fma(x, y, -s) error terms are fround(x*y - s).
// ---------------------------------------------------------------------------------------------

/** the double-float result (hi, lo): a typed array, so that storing it does not box numbers */
const P = new Float64Array(2);

function dfnormalize(x: number, y: number): void {
  const s = fr(x + y);
  P[1] = fr(fr(x - s) + y);
  P[0] = s;
}
/** dfadd_vf2_vf_vf */
function dfaddFF(x: number, y: number): void {
  const s = fr(x + y);
  P[1] = fr(fr(x - s) + y);
  P[0] = s;
}
/** dfadd2_vf2_vf_vf */
function dfadd2FF(x: number, y: number): void {
  const s = fr(x + y);
  const v = fr(s - x);
  P[1] = fr(fr(x - fr(s - v)) + fr(y - v));
  P[0] = s;
}
/** dfadd2_vf2_vf_vf2 */
function dfadd2FD(x: number, yx: number, yy: number): void {
  const s = fr(x + yx);
  const v = fr(s - x);
  P[1] = fr(fr(fr(x - fr(s - v)) + fr(yx - v)) + yy);
  P[0] = s;
}
/** dfadd_vf2_vf2_vf */
function dfaddDF(xx: number, xy: number, y: number): void {
  const s = fr(xx + y);
  P[1] = fr(fr(fr(xx - s) + y) + xy);
  P[0] = s;
}
/** dfadd2_vf2_vf2_vf */
function dfadd2DF(xx: number, xy: number, y: number): void {
  const s = fr(xx + y);
  const v = fr(s - xx);
  const t = fr(fr(xx - fr(s - v)) + fr(y - v));
  P[1] = fr(t + xy);
  P[0] = s;
}
/** dfadd_vf2_vf_vf2 */
function dfaddFD(x: number, yx: number, yy: number): void {
  const s = fr(x + yx);
  P[1] = fr(fr(fr(x - s) + yx) + yy);
  P[0] = s;
}
/** dfadd_vf2_vf2_vf2 */
function dfaddDD(xx: number, xy: number, yx: number, yy: number): void {
  const s = fr(xx + yx);
  P[1] = fr(fr(fr(fr(xx - s) + yx) + xy) + yy);
  P[0] = s;
}
/** dfadd2_vf2_vf2_vf2 */
function dfadd2DD(xx: number, xy: number, yx: number, yy: number): void {
  const s = fr(xx + yx);
  const v = fr(s - xx);
  const t = fr(fr(xx - fr(s - v)) + fr(yx - v));
  P[1] = fr(t + fr(xy + yy));
  P[0] = s;
}
/** dfsub_vf2_vf2_vf */
function dfsubDF(xx: number, xy: number, y: number): void {
  const s = fr(xx - y);
  P[1] = fr(fr(fr(xx - s) - y) + xy);
  P[0] = s;
}
/** dfsub_vf2_vf2_vf2 */
function dfsubDD(xx: number, xy: number, yx: number, yy: number): void {
  const s = fr(xx - yx);
  let t = fr(xx - s);
  t = fr(t - yx);
  t = fr(t + xy);
  P[1] = fr(t - yy);
  P[0] = s;
}
/** dfmul_vf2_vf_vf */
function dfmulFF(x: number, y: number): void {
  const p = x * y;
  const s = fr(p);
  P[1] = fr(p - s);
  P[0] = s;
}
/** dfmul_vf2_vf2_vf */
function dfmulDF(xx: number, xy: number, y: number): void {
  const p = xx * y;
  const s = fr(p);
  P[1] = fma32(xy, y, fr(p - s));
  P[0] = s;
}
/** dfmul_vf2_vf2_vf2 */
function dfmulDD(xx: number, xy: number, yx: number, yy: number): void {
  const p = xx * yx;
  const s = fr(p);
  P[1] = fma32(xx, yy, fma32(xy, yx, fr(p - s)));
  P[0] = s;
}
/** dfsqu_vf2_vf2 */
function dfsqu(x: number, y: number): void {
  const p = x * x;
  const s = fr(p);
  P[1] = fma32(fr(x + x), y, fr(p - s));
  P[0] = s;
}
/** dfrec_vf2_vf2 */
function dfrecD(dx: number, dy: number): void {
  const s = fr(1 / dx);
  P[1] = fr(s * fma32(-dy, s, fma32(-dx, s, 1)));
  P[0] = s;
}
/** dfrec_vf2_vf */
function dfrecF(d: number): void {
  const s = fr(1 / d);
  P[1] = fr(s * fma32(-d, s, 1));
  P[0] = s;
}
/** dfdiv_vf2_vf2_vf2 */
function dfdiv(nx: number, ny: number, dx: number, dy: number): void {
  const t = fr(1 / dx);
  const s = fr(nx * t);
  const u = fr(t * nx - s);
  const v = fma32(-dy, t, fma32(-dx, t, 1));
  P[1] = fma32(s, v, fma32(ny, t, u));
  P[0] = s;
}

// ---------------------------------------------------------------------------------------------
// SLEEF float constants (misc.h)
// ---------------------------------------------------------------------------------------------

const R_LN2F = fr(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = 0.693145751953125;
const L2LF = fr(1.428606765330187045e-6);
const FLT_MIN = 1.1754943508222875e-38;
// comparison thresholds are float32 constants in SLEEF
const EXPM1_LO = fr(-16.635532333438687426013570);
const TANH_HI = fr(8.664339742);
const F1E38 = fr(1e38);
const F1_1 = fr(1.1);
const F2_4 = fr(2.4);
const F0_7 = fr(0.7);
const TWO64 = 18446744073709551616;
const C4_3 = fr(1 / 0.75);
const LN2HI = fr(0.69314718246459960938);
const LN2LO = fr(-1.904654323148236017e-9);
const PI_A2F = 3.1414794921875;
const PI_B2F = fr(0.00011315941810607910156);
const PI_C2F = fr(1.9841872589410058936e-9);
const M_1_PI_F = fr(0.318309886183790671537767526745028724);
const M_2_PI_F = fr(2 * 0.318309886183790671537767526745028724);
const PI2HI = fr(3.1415927410125732422 * 2);
const PI2LO = fr(-8.7422776573475857731e-8 * 2);
const PIHI = fr(3.1415927410125732422);
const PILO = fr(-8.7422776573475857731e-8);

// ---------------------------------------------------------------------------------------------
// exp family
// ---------------------------------------------------------------------------------------------

const E0 = fr(0.000198527617612853646278381);
const E1 = fr(0.00139304355252534151077271);
const E2 = fr(0.00833336077630519866943359);
const E3 = fr(0.0416664853692054748535156);
const E4 = fr(0.166666671633720397949219);

/** Sleef_expf8_u10 (xexpf) lane. */
export function expf(d: number): number {
  if (!(d >= -104 && d <= 100)) return d > 100 ? Infinity : d < -104 ? 0 : NaN;
  // rint(d / ln2) by the 1.5 * 2^52 trick (|q| <= 150; a zero's sign is lost in the int anyway)
  const q = fr(d * R_LN2F) + 6755399441055744 - 6755399441055744;
  // these FMAs round the same as a*b+c in double then float, for all 2^32 inputs; the last does not
  const s = fr(q * -L2LF + fr(q * -L2UF + d));
  let u = fr(E0 * s + E1);
  u = fr(u * s + E2);
  u = fr(u * s + E3);
  u = fr(u * s + E4);
  u = fr(u * s + 0.5);
  u = fr(1 + fma32(fr(s * s), u, s));
  const h = q >> 1;
  return fr(fr(u * POW2[h + 126]) * POW2[q - h + 126]);
}

const K0 = fr(0.1980960224e-3);
const K1 = fr(0.1394256484e-2);
const K2 = fr(0.8333456703e-2);
const K3 = fr(0.4166637361e-1);
const K4 = fr(0.166666659414234244790680580464);

/** expk2f: exp of the double-float (dx, dy) as a double-float in (P[0], P[1]); df.h written out.
 * Its FMAs round like a*b+c in double then float for all 2^32 inputs of tanh, erf and expm1. */
function expk2f(dx: number, dy: number): void {
  const u0 = fr(fr(dx + dy) * R_LN2F);
  // cvtps2dq: nan or out of range gives INT_MIN
  const q = u0 > -2147483648 && u0 < 2147483648 ? rintf(u0) | 0 : -2147483648;
  // s = d + q * -ln2 (two steps of dfadd2_vf2_vf2_vf)
  let y = fr(q * -L2UF);
  let s = fr(dx + y);
  let v = fr(s - dx);
  let sy = fr(fr(fr(dx - fr(s - v)) + fr(y - v)) + dy);
  let sx = s;
  y = fr(q * -L2LF);
  s = fr(sx + y);
  v = fr(s - sx);
  sy = fr(fr(fr(sx - fr(s - v)) + fr(y - v)) + sy);
  sx = s;
  let u = fr(K0 * sx + K1);
  u = fma32(u, sx, K2); // the one FMA here that a plain a*b+c would round differently (1 input of expm1)
  u = fr(u * sx + K3);
  // t = s * u + K4
  let p = sx * u;
  let tx = fr(p);
  let e = fr(p - tx);
  let ty = fr(sy * u + e);
  s = fr(tx + K4);
  v = fr(s - tx);
  ty = fr(fr(fr(tx - fr(s - v)) + fr(K4 - v)) + ty);
  tx = s;
  // t = s * t + 0.5
  p = sx * tx;
  let ax = fr(p);
  e = fr(p - ax);
  e = fr(sy * tx + e);
  let ay = fr(sx * ty + e);
  s = fr(ax + 0.5);
  v = fr(s - ax);
  ay = fr(fr(fr(ax - fr(s - v)) + fr(0.5 - v)) + ay);
  ax = s;
  // s + s^2 * t
  p = sx * sx;
  const qx = fr(p);
  e = fr(p - qx);
  const x2 = fr(sx + sx);
  const qy = fr(x2 * sy + e);
  p = qx * ax;
  const bx = fr(p);
  e = fr(p - bx);
  e = fr(qy * ax + e);
  const by = fr(qx * ay + e);
  const cx = fr(sx + bx);
  v = fr(cx - sx);
  const cy = fr(fr(fr(sx - fr(cx - v)) + fr(bx - v)) + fr(sy + by));
  // 1 + c
  const ex = fr(1 + cx);
  const ey = fr(fr(fr(1 - ex) + cx) + cy);
  if (dx < -104) {
    P[0] = 0;
    P[1] = 0;
    return;
  }
  P[0] = ldexp2(ex, q);
  P[1] = ldexp2(ey, q);
}

/** Sleef_expm1f8_u10 (xexpm1f) lane. */
export function expm1f(a: number): number {
  if (a > 88.72283172607421875) return Infinity;
  if (a < EXPM1_LO) return -1;
  expk2f(a, 0);
  dfadd2DF(P[0], P[1], -1);
  if (a === 0 && 1 / a < 0) return -0;
  return fr(P[0] + P[1]);
}

/** Sleef_tanhf8_u10 (xtanhf) lane. Its FMAs (here and in expk2f) round the same as a*b+c in double
 * then float, for all 2^32 inputs. */
export function tanhf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax > TANH_HI) return signbit(x) ? -1 : 1;
  expk2f(ax, 0);
  const dx = P[0];
  const dy = P[1];
  // e = 1 / d
  const r = fr(1 / dx);
  const mdx = -dx;
  const mdy = -dy;
  let w = fr(mdx * r + 1);
  w = fr(mdy * r + w);
  const ey = fr(r * w);
  // (d - e) / (d + e)
  let s = fr(dx + r);
  const bx = s;
  const by = fr(fr(fr(fr(dx - s) + r) + dy) + ey);
  s = fr(dx - r);
  const nx = s;
  const ny = fr(fr(fr(fr(dx - s) - r) + dy) - ey);
  const t = fr(1 / bx);
  const qx = fr(nx * t);
  const uu = fr(t * nx - qx);
  const mbx = -bx;
  const mby = -by;
  let vv = fr(mbx * t + 1);
  vv = fr(mby * t + vv);
  let qy = fr(ny * t + uu);
  qy = fr(qx * vv + qy);
  let y = fr(qx + qy);
  if (y !== y) y = 1;
  return signbit(x) ? -y : y;
}

/** Sleef_sinhf8_u10 (xsinhf) lane. */
export function sinhf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax > 89) return signbit(x) ? -Infinity : Infinity;
  expk2f(ax, 0);
  const dx = P[0];
  const dy = P[1];
  dfrecD(dx, dy);
  dfsubDD(dx, dy, P[0], P[1]);
  let y = fr(fr(P[0] + P[1]) * 0.5);
  if (ax > 89 || y !== y) y = Infinity;
  return signbit(x) ? -y : y;
}

/** Sleef_coshf8_u10 (xcoshf) lane. */
export function coshf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax > 89) return Infinity;
  expk2f(ax, 0);
  const dx = P[0];
  const dy = P[1];
  dfrecD(dx, dy);
  dfaddDD(dx, dy, P[0], P[1]);
  let y = fr(fr(P[0] + P[1]) * 0.5);
  if (ax > 89 || y !== y) y = Infinity;
  return y;
}

// ---------------------------------------------------------------------------------------------
// log family
// ---------------------------------------------------------------------------------------------

const LG0 = fr(0.3027294874);
const LG1 = fr(0.3996108174);
const LG2 = fr(0.666669488);

/** Special values shared by the log functions (their final selects), or 0 for a normal input. */
function logSpecial(d: number): number {
  if (d === Infinity) return Infinity;
  if (d < 0 || d !== d) return NaN;
  if (d === 0) return -Infinity;
  return 0;
}

/** Sleef_logf8_u10 (xlogf_u1) lane: the df.h helpers written out, so that V8 inlines it all.
 * Every FMA here rounds the same as a*b+c in double then float, for all 2^32 inputs. */
export function logf(d: number): number {
  if (!(d > 0 && d < Infinity)) return logSpecial(d);
  const o = d < FLT_MIN;
  if (o) d = fr(d * TWO64);
  F32[0] = fr(d * C4_3);
  let e = ((U32[0] >>> 23) & 0xff) - 0x7f;
  const m = d * POW2W[160 - e];
  if (o) e -= 64;
  // s = (ln2 hi, lo) * e
  const sp = LN2HI * e;
  const sx = fr(sp);
  const sy = fr(LN2LO * e + fr(sp - sx));
  // (m - 1) / (m + 1) in double-float
  let a = fr(m - 1);
  let v = fr(a + 1);
  const nx = a;
  const ny = fr(fr(-1 - fr(a - v)) + fr(m - v));
  a = fr(1 + m);
  v = fr(a - 1);
  const dx = a;
  const dy = fr(fr(1 - fr(a - v)) + fr(m - v));
  const t = fr(1 / dx);
  const xx = fr(nx * t);
  const uu = fr(t * nx - xx);
  const vv = fr(-dy * t + fr(-dx * t + 1));
  const xy = fr(xx * vv + fr(ny * t + uu));
  const x2 = fr(xx * xx);
  let p = fr(LG0 * x2 + LG1);
  p = fr(p * x2 + LG2);
  // s + 2x + x^3 p
  const bx = fr(xx * 2);
  const r0 = fr(sx + bx);
  const r1 = fr(fr(fr(fr(sx - r0) + bx) + sy) + fr(xy * 2));
  const w = fr(fr(x2 * xx) * p);
  const r2 = fr(r0 + w);
  return fr(r2 + fr(fr(fr(r0 - r2) + w) + r1));
}

const L10_0 = fr(0.1314289868);
const L10_1 = fr(0.1735493541);
const L10_2 = fr(0.2895309627);
const LOG10_2HI = fr(0.30103001);
const LOG10_2LO = fr(-1.432098889e-8);
const LOG10_EHI = fr(0.868588984);
const LOG10_ELO = fr(-2.170757285e-8);

/** Sleef_log10f8_u10 (xlog10f) lane. */
export function log10f(d: number): number {
  if (!(d > 0 && d < Infinity)) return logSpecial(d);
  const o = d < FLT_MIN;
  if (o) d = fr(d * TWO64);
  let e = ilogb2k(fr(d * C4_3));
  const m = d * POW2W[160 - e];
  if (o) e -= 64;
  dfadd2FF(-1, m);
  const nx = P[0];
  const ny = P[1];
  dfadd2FF(1, m);
  dfdiv(nx, ny, P[0], P[1]);
  const xx = P[0];
  const xy = P[1];
  const x2 = fr(xx * xx);
  let t = fma32(L10_0, x2, L10_1);
  t = fma32(t, x2, L10_2);
  dfmulDF(LOG10_2HI, LOG10_2LO, fr(e));
  const sx = P[0];
  const sy = P[1];
  dfmulDD(xx, xy, LOG10_EHI, LOG10_ELO);
  dfaddDD(sx, sy, P[0], P[1]);
  dfaddDF(P[0], P[1], fr(fr(x2 * xx) * t));
  return fr(P[0] + P[1]);
}

const L2_0 = fr(0.4374550283);
const L2_1 = fr(0.5764790177);
const L2_2 = fr(0.961801290512);
const LOG2_EHI = fr(2.8853900432586669922);
const LOG2_ELO = fr(3.2734474483568488616e-8);

/** Sleef_log2f8_u10 (xlog2f) lane. */
export function log2f(d: number): number {
  if (!(d > 0 && d < Infinity)) return logSpecial(d);
  const o = d < FLT_MIN;
  if (o) d = fr(d * TWO64);
  let e = ilogb2k(fr(d * C4_3));
  const m = d * POW2W[160 - e];
  if (o) e -= 64;
  dfadd2FF(-1, m);
  const nx = P[0];
  const ny = P[1];
  dfadd2FF(1, m);
  dfdiv(nx, ny, P[0], P[1]);
  const xx = P[0];
  const xy = P[1];
  const x2 = fr(xx * xx);
  let t = fma32(L2_0, x2, L2_1);
  t = fma32(t, x2, L2_2);
  dfmulDD(xx, xy, LOG2_EHI, LOG2_ELO);
  dfadd2FD(fr(e), P[0], P[1]);
  dfadd2DF(P[0], P[1], fr(fr(x2 * xx) * t));
  return fr(P[0] + P[1]);
}

/** Sleef_log1pf8_u10 (xlog1pf) lane. */
export function log1pf(d: number): number {
  if (!(d > -1 && d <= F1E38)) {
    if (d > F1E38) return Infinity;
    if (d === -1) return -Infinity;
    return NaN;
  }
  if (d === 0 && 1 / d < 0) return -0;
  let dp1 = fr(d + 1);
  const o = dp1 < FLT_MIN;
  if (o) dp1 = fr(dp1 * TWO64);
  let e = ilogb2k(fr(dp1 * C4_3));
  const t0 = POW2W[160 - e];
  const m = fma32(d, t0, fr(t0 - 1));
  if (o) e -= 64;
  dfmulFF(LN2HI, fr(e));
  const s0x = P[0];
  const s0y = fma32(LN2LO, fr(e), P[1]);
  dfaddFF(2, m);
  dfdiv(m, 0, P[0], P[1]);
  const xx = P[0];
  const xy = P[1];
  const x2 = fr(xx * xx);
  let t = fma32(LG0, x2, LG1);
  t = fma32(t, x2, LG2);
  dfaddDD(s0x, s0y, fr(xx * 2), fr(xy * 2));
  dfaddDF(P[0], P[1], fr(fr(x2 * xx) * t));
  return fr(P[0] + P[1]);
}

// ---------------------------------------------------------------------------------------------
// erf
// ---------------------------------------------------------------------------------------------

const ERF_T = [
  [fr(0.7089292194e-4), fr(-0.1792667899e-4), fr(-0.9495757695e-5)],
  [fr(-0.7768311189e-3), fr(0.393763301e-3), fr(0.2481465926e-3)],
  [fr(0.5159463733e-2), fr(-0.3949181177e-2), fr(-0.2918176819e-2)],
  [fr(-0.2683781274e-1), fr(0.244547464e-1), fr(0.2059706673e-1)],
  [fr(0.1128318012), fr(-0.107099615), fr(-0.9901899844e-1)],
];
function pairOf(d: number): [number, number] {
  const h = fr(d);
  return [h, fr(d - h)];
}
const ERF_D1 = [pairOf(-0.376125876000657465175213237214), pairOf(-0.63458890590841038997121080921), pairOf(-0.643598050547891613081201721633)];
const ERF_D2 = [pairOf(1.12837916021059138255978217023), pairOf(-1.12879855826694507209862753992), pairOf(-1.12461487742845562801052956293)];

/** Sleef_erff8_u10 (xerff_u1) lane. */
export function erff(s: number): number {
  if (s !== s) return NaN;
  const a = Math.abs(s);
  if (!(a < 4)) return signbit(s) ? -1 : 1;
  const k = a < F1_1 ? 0 : a < F2_4 ? 1 : 2;
  const u = k === 0 ? fr(a * a) : a;
  // its FMAs (here and in expk2f) round the same as a*b+c in double then float, for all 2^32 inputs
  let t = ERF_T[0][k];
  t = fr(t * u + ERF_T[1][k]);
  t = fr(t * u + ERF_T[2][k]);
  t = fr(t * u + ERF_T[3][k]);
  t = fr(t * u + ERF_T[4][k]);
  // d = (t u + D1) u + D2) a in double-float
  let p = t * u;
  let dx = fr(p);
  let dy = fr(p - dx);
  let c = ERF_D1[k];
  let z = fr(dx + c[0]);
  let v = fr(z - dx);
  dy = fr(fr(fr(dx - fr(z - v)) + fr(c[0] - v)) + fr(dy + c[1]));
  dx = z;
  p = dx * u;
  z = fr(p);
  dy = fr(dy * u + fr(p - z));
  dx = z;
  c = ERF_D2[k];
  z = fr(dx + c[0]);
  v = fr(z - dx);
  dy = fr(fr(fr(dx - fr(z - v)) + fr(c[0] - v)) + fr(dy + c[1]));
  dx = z;
  p = dx * a;
  z = fr(p);
  dy = fr(dy * a + fr(p - z));
  dx = z;
  if (k !== 0) {
    // 1 - exp(d)
    expk2f(dx, dy);
    const ex = -P[0];
    z = fr(1 + ex);
    dy = fr(fr(fr(1 - z) + ex) - P[1]);
    dx = z;
  }
  const r = fr(dx + dy);
  return signbit(s) ? -r : r;
}

// ---------------------------------------------------------------------------------------------
// sin, cos, tan (u1). `big`: the element's vector of 8 took the rempif path.
// ---------------------------------------------------------------------------------------------

// Sleef_rempitabsp: 2/pi split in float pieces by exponent range (rempitab.c)
const REMPITAB = Float32Array.from([
  0.159154892, 5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 0.03415493667, 6.420638243e-09, 7.342738037e-17, 8.135951656e-24,
  0.03415493667, 6.420638243e-09, 7.342738037e-17, 8.135951656e-24, 0.002904943191, -9.861969574e-11, -9.839336547e-18, -1.790215892e-24,
  0.002904943191, -9.861969574e-11, -9.839336547e-18, -1.790215892e-24, 0.002904943191, -9.861969574e-11, -9.839336547e-18, -1.790215892e-24,
  0.002904943191, -9.861969574e-11, -9.839336547e-18, -1.790215892e-24, 0.0009518179577, 1.342109202e-10, 1.791623576e-17, 1.518506657e-24,
  0.0009518179577, 1.342109202e-10, 1.791623576e-17, 1.518506657e-24, 0.0004635368241, 1.779561221e-11, 4.038449606e-18, -1.358546052e-25,
  0.0002193961991, 1.779561221e-11, 4.038449606e-18, -1.358546052e-25, 9.73258866e-05, 1.779561221e-11, 4.038449606e-18, -1.358546052e-25,
  3.62907449e-05, 3.243700447e-12, 5.690024473e-19, 7.09405479e-26, 5.773168596e-06, 1.424711477e-12, 1.3532163e-19, 1.92417627e-26,
  5.773168596e-06, 1.424711477e-12, 1.3532163e-19, 1.92417627e-26, 5.773168596e-06, 1.424711477e-12, 1.3532163e-19, 1.92417627e-26,
  1.958472239e-06, 5.152167755e-13, 1.3532163e-19, 1.92417627e-26, 5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30,
  5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30, 5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30,
  5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30, 5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30,
  5.112411827e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30, 2.132179588e-08, 3.626141271e-15, -2.036222915e-22, 6.177847236e-30,
  6.420638243e-09, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.420638243e-09, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31,
  2.695347945e-09, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 8.327027956e-10, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31,
  8.327027956e-10, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 3.670415083e-10, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31,
  1.342109202e-10, 1.791623576e-17, 1.518506361e-24, 2.613904e-31, 1.779561221e-11, 4.038449606e-18, -1.358545683e-25, -3.443243946e-32,
  1.779561221e-11, 4.038449606e-18, -1.358545683e-25, -3.443243946e-32, 1.779561221e-11, 4.038449606e-18, -1.358545683e-25, -3.443243946e-32,
  3.243700447e-12, 5.690024473e-19, 7.094053557e-26, 1.487136711e-32, 3.243700447e-12, 5.690024473e-19, 7.094053557e-26, 1.487136711e-32,
  3.243700447e-12, 5.690024473e-19, 7.094053557e-26, 1.487136711e-32, 1.424711477e-12, 1.3532163e-19, 1.924175961e-26, 2.545416018e-33,
  5.152167755e-13, 1.3532163e-19, 1.924175961e-26, 2.545416018e-33, 6.046956013e-14, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36,
  6.046956013e-14, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36, 6.046956013e-14, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36,
  3.626141271e-15, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36, 3.626141271e-15, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36,
  3.626141271e-15, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36, 3.626141271e-15, -2.036222915e-22, 6.177846108e-30, 1.082084378e-36,
  7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.296048013e-40, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.296048013e-40,
  7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.296048013e-40, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.296048013e-40,
  7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.296048013e-40, 7.342738037e-17, 8.135951656e-24, -1.330400526e-31, 6.296048013e-40,
  1.791623576e-17, 1.518506361e-24, 2.61390353e-31, 4.764937743e-38, 1.791623576e-17, 1.518506361e-24, 2.61390353e-31, 4.764937743e-38,
  4.038449606e-18, -1.358545683e-25, -3.443243946e-32, 6.296048013e-40, 4.038449606e-18, -1.358545683e-25, -3.443243946e-32, 6.296048013e-40,
  5.690024473e-19, 7.094053557e-26, 1.487136711e-32, 6.296048013e-40, 5.690024473e-19, 7.094053557e-26, 1.487136711e-32, 6.296048013e-40,
  5.690024473e-19, 7.094053557e-26, 1.487136711e-32, 6.296048013e-40, 1.3532163e-19, 1.924175961e-26, 2.545415467e-33, 6.296048013e-40,
  1.3532163e-19, 1.924175961e-26, 2.545415467e-33, 6.296048013e-40, 2.690143217e-20, -1.452834402e-28, -6.441077673e-36, -1.764234767e-42,
  2.690143217e-20, -1.452834402e-28, -6.441077673e-36, -1.764234767e-42, 2.690143217e-20, -1.452834402e-28, -6.441077673e-36, -1.764234767e-42,
  1.334890502e-20, -1.452834402e-28, -6.441077673e-36, -1.764234767e-42, 6.572641438e-21, -1.452834402e-28, -6.441077673e-36, -1.764234767e-42,
  0.05874381959, 1.222115387e-08, 7.693612965e-16, 1.792054435e-22, 0.02749382704, 4.77057327e-09, 7.693612965e-16, 1.792054435e-22,
  0.01186883077, 1.045283415e-09, 3.252721926e-16, 7.332633139e-23, 0.00405633077, 1.045283415e-09, 3.252721926e-16, 7.332633139e-23,
  0.000150081818, -2.454155802e-12, 1.161414894e-20, 1.291319272e-27, 0.000150081818, -2.454155802e-12, 1.161414894e-20, 1.291319272e-27,
  0.000150081818, -2.454155802e-12, 1.161414894e-20, 1.291319272e-27, 0.000150081818, -2.454155802e-12, 1.161414894e-20, 1.291319272e-27,
  0.000150081818, -2.454155802e-12, 1.161414894e-20, 1.291319272e-27, 2.801149822e-05, 4.821800945e-12, 8.789757674e-19, 1.208447639e-25,
  2.801149822e-05, 4.821800945e-12, 8.789757674e-19, 1.208447639e-25, 2.801149822e-05, 4.821800945e-12, 8.789757674e-19, 1.208447639e-25,
  1.275271279e-05, 1.183823005e-12, 1.161414894e-20, 1.291319272e-27, 5.12331826e-06, 1.183823005e-12, 1.161414894e-20, 1.291319272e-27,
  1.308621904e-06, 2.743283031e-13, 1.161414894e-20, 1.291319272e-27, 1.308621904e-06, 2.743283031e-13, 1.161414894e-20, 1.291319272e-27,
  3.549478151e-07, 4.695462769e-14, 1.161414894e-20, 1.291319272e-27, 3.549478151e-07, 4.695462769e-14, 1.161414894e-20, 1.291319272e-27,
  1.165292645e-07, 1.853292503e-14, 4.837885366e-21, 1.291319272e-27, 1.165292645e-07, 1.853292503e-14, 4.837885366e-21, 1.291319272e-27,
  5.69246339e-08, 4.322073705e-15, 1.449754789e-21, 7.962890365e-29, 2.712231151e-08, 4.322073705e-15, 1.449754789e-21, 7.962890365e-29,
  1.222115387e-08, 7.693612965e-16, 1.792054182e-22, 2.91418027e-29, 4.77057327e-09, 7.693612965e-16, 1.792054182e-22, 2.91418027e-29,
  1.045283415e-09, 3.252721926e-16, 7.332632508e-23, 3.898253736e-30, 1.045283415e-09, 3.252721926e-16, 7.332632508e-23, 3.898253736e-30,
  1.139611461e-10, 1.996093359e-17, 5.344349223e-25, 1.511644828e-31, 1.139611461e-10, 1.996093359e-17, 5.344349223e-25, 1.511644828e-31,
  1.139611461e-10, 1.996093359e-17, 5.344349223e-25, 1.511644828e-31, 1.139611461e-10, 1.996093359e-17, 5.344349223e-25, 1.511644828e-31,
  5.575349904e-11, 6.083145782e-18, 5.344349223e-25, 1.511644828e-31, 2.664967552e-11, -8.557475018e-19, -8.595036458e-26, -2.139883875e-32,
  1.209775682e-11, 2.61369883e-18, 5.344349223e-25, 1.511644828e-31, 4.821800945e-12, 8.789757674e-19, 1.208447639e-25, 3.253064536e-33,
  1.183823005e-12, 1.161414894e-20, 1.29131908e-27, 1.715766248e-34, 1.183823005e-12, 1.161414894e-20, 1.29131908e-27, 1.715766248e-34,
  2.743283031e-13, 1.161414894e-20, 1.29131908e-27, 1.715766248e-34,
]);

// rempif results: (P[0], P[1]) the reduced argument (in units of pi/2... scaled by 2pi), RQ the quadrant
let RQ = 0;

/** rempisubf (FULL_FP_ROUNDING): x - round(4x)/4 and the integer part, in RD[0], RI. */
const RD = new Float64Array(1);
let RI = 0;
function rempisubf(x: number): void {
  const y = rintf(fr(x * 4));
  RI = cvtTrunc(fr(y - fr(rintf(x) * 4)));
  RD[0] = fr(x - fr(y * 0.25));
}

/** rempif (Payne-Hanek reduction) for a finite float a. */
function rempif(a: number): void {
  let ex = ilogb2k(a) - 25;
  if (ex > 65) a = fr(a * 5.421010862427522e-20); // ldexp3(a, -64): exact for these exponents
  if (ex < 0) ex = 0;
  ex <<= 2;
  dfmulFF(a, REMPITAB[ex]);
  rempisubf(P[0]);
  let q = RI;
  dfnormalize(RD[0], P[1]);
  let xx = P[0];
  let xy = P[1];
  dfmulFF(a, REMPITAB[ex + 1]);
  dfadd2DD(xx, xy, P[0], P[1]);
  rempisubf(P[0]);
  q += RI;
  dfnormalize(RD[0], P[1]);
  xx = P[0];
  xy = P[1];
  dfmulDF(REMPITAB[ex + 2], REMPITAB[ex + 3], a);
  dfadd2DD(xx, xy, P[0], P[1]);
  dfnormalize(P[0], P[1]);
  dfmulDD(P[0], P[1], PI2HI, PI2LO);
  if (Math.abs(a) < F0_7) {
    P[0] = a;
    P[1] = 0;
  }
  RQ = q | 0;
}

const SC0 = fr(2.6083159809786593541503e-6);
const SC1 = fr(-0.0001981069071916863322258);
const SC2 = fr(0.00833307858556509017944336);
const SC3 = fr(-0.166666597127914428710938);
const HPIHI = fr(3.1415927410125732422 * -0.5);
const HPILO = fr(-8.7422776573475857731e-8 * -0.5);
const PI_A2F_H = fr(-PI_A2F * 0.5);
const PI_B2F_H = fr(-PI_B2F * 0.5);
const PI_C2F_H = fr(-PI_C2F * 0.5);

/** sin/cos polynomial on the reduced double-float (sx, sy); df.h written out. */
function sinPoly(sx: number, sy: number): number {
  let p = sx * sx;
  const qx = fr(p);
  let e = fr(p - qx);
  const x2 = fr(sx + sx);
  const qy = fma32(x2, sy, e);
  let u = fma32(SC0, qx, SC1);
  u = fma32(u, qx, SC2);
  const w = fr(u * qx);
  const ax = fr(SC3 + w);
  const ay = fr(fr(SC3 - ax) + w);
  p = ax * qx;
  const bx = fr(p);
  e = fr(p - bx);
  e = fma32(ay, qx, e);
  const by = fma32(ax, qy, e);
  const cx = fr(1 + bx);
  const cy = fr(fr(fr(1 - cx) + bx) + by);
  const f = fr(sx * cy);
  const g = fma32(sy, cx, f);
  return fma32(sx, cx, g);
}

/** Sleef_sinf8_u10 (xsinf_u1) lane; big: the vector took the rempif path. */
export function sinf(d: number, big: boolean): number {
  let q: number;
  let sx: number;
  let sy: number;
  if (!big) {
    // |d| < 125: q fits easily; the df.h steps written out
    const u = rintf(fr(d * M_1_PI_F));
    q = u | 0;
    const v = fma32(u, -PI_A2F, d);
    const w = fr(u * -PI_B2F);
    const s0 = fr(v + w);
    const vv = fr(s0 - v);
    const s0y = fr(fr(v - fr(s0 - vv)) + fr(w - vv));
    const w2 = fr(u * -PI_C2F);
    sx = fr(s0 + w2);
    sy = fr(fr(fr(s0 - sx) + w2) + s0y);
  } else {
    if (!(d - d === 0)) return NaN;
    rempif(d);
    const rx = P[0];
    const ry = P[1];
    q = ((RQ & 3) * 2 + (rx > 0 ? 2 : 1)) >> 2;
    if ((RQ & 1) === 1) {
      dfadd2DD(rx, ry, mulsign(HPIHI, rx), mulsign(HPILO, rx));
      dfnormalize(P[0], P[1]);
    } else {
      dfnormalize(rx, ry);
    }
    sx = P[0];
    sy = P[1];
  }
  let u = sinPoly(sx, sy);
  if ((q & 1) === 1) u = -u;
  if (d === 0 && 1 / d < 0) return d;
  return u;
}

/** Sleef_cosf8_u10 (xcosf_u1) lane. */
export function cosf(d: number, big: boolean): number {
  let q: number;
  let sx: number;
  let sy: number;
  if (!big) {
    const h = fma32(d, M_1_PI_F, -0.5);
    const dq = 2 * rintf(h) + 1; // exact: a small odd integer (SLEEF's fma)
    q = dq | 0;
    let w = fr(dq * PI_A2F_H);
    let s0 = fr(d + w);
    let vv = fr(s0 - d);
    let s0y = fr(fr(d - fr(s0 - vv)) + fr(w - vv));
    w = fr(dq * PI_B2F_H);
    const s1 = fr(s0 + w);
    vv = fr(s1 - s0);
    s0y = fr(fr(fr(s0 - fr(s1 - vv)) + fr(w - vv)) + s0y);
    w = fr(dq * PI_C2F_H);
    s0 = fr(s1 + w);
    vv = fr(s0 - s1);
    sy = fr(fr(fr(s1 - fr(s0 - vv)) + fr(w - vv)) + s0y);
    sx = s0;
  } else {
    if (!(d - d === 0)) return NaN;
    rempif(d);
    const rx = P[0];
    const ry = P[1];
    q = ((RQ & 3) * 2 + (rx > 0 ? 8 : 7)) >> 1;
    if ((RQ & 1) === 0) {
      const y = rx > 0 ? 0 : -1;
      dfadd2DD(rx, ry, mulsign(HPIHI, y), mulsign(HPILO, y));
      dfnormalize(P[0], P[1]);
    } else {
      dfnormalize(rx, ry);
    }
    sx = P[0];
    sy = P[1];
  }
  const u = sinPoly(sx, sy);
  return (q & 2) === 0 ? -u : u;
}

const TN0 = fr(0.00446636462584137916564941);
const TN1 = fr(-8.3920182078145444393158e-5);
const TN2 = fr(0.0109639242291450500488281);
const TN3 = fr(0.0212360303848981857299805);
const TN4 = fr(0.0540687143802642822265625);
const TN5 = fr(0.133325666189193725585938);
const TN6 = fr(0.33333361148834228515625);

/** Sleef_tanf8_u10 (xtanf_u1) lane. */
export function tanf(d: number, big: boolean): number {
  let q: number;
  let sx: number;
  let sy: number;
  if (!big) {
    const u = rintf(fr(d * M_2_PI_F));
    q = cvtRound(u);
    const v = fma32(u, PI_A2F_H, d);
    dfadd2FF(v, fr(u * PI_B2F_H));
    dfaddDF(P[0], P[1], fr(u * PI_C2F_H));
    sx = P[0];
    sy = P[1];
  } else {
    if (!(d - d === 0)) return NaN;
    rempif(d);
    q = RQ;
    sx = P[0];
    sy = P[1];
  }
  const o = (q & 1) === 1;
  if (o) {
    sx = -sx;
    sy = -sy;
  }
  dfsqu(sx, sy);
  dfnormalize(P[0], P[1]);
  const qx = P[0];
  const qy = P[1];
  let u = fma32(TN0, qx, TN1);
  u = fma32(u, qx, TN2);
  u = fma32(u, qx, TN3);
  u = fma32(u, qx, TN4);
  dfaddFF(TN5, fr(u * qx));
  dfmulDD(qx, qy, P[0], P[1]);
  dfaddFD(TN6, P[0], P[1]);
  dfmulDD(P[0], P[1], qx, qy);
  dfaddFD(1, P[0], P[1]);
  dfmulDD(sx, sy, P[0], P[1]);
  if (o) dfrecD(P[0], P[1]);
  const r = fr(P[0] + P[1]);
  if (d === 0 && 1 / d < 0) return d;
  return r;
}

/** The vector of 8 containing this element takes sin/cos/tan's slow path. */
export function trigBig(x: number): boolean {
  return !(x < 125 && x > -125);
}

// ---------------------------------------------------------------------------------------------
// asin, acos, atan (u1)
// ---------------------------------------------------------------------------------------------

/** dfsqrt_vf2_vf */
function dfsqrtF(d: number): void {
  const t = fr(Math.sqrt(d));
  dfmulFF(t, t);
  dfadd2FD(d, P[0], P[1]);
  const ax = P[0];
  const ay = P[1];
  dfrecF(t);
  dfmulDD(ax, ay, P[0], P[1]);
  P[0] = fr(P[0] * 0.5);
  P[1] = fr(P[1] * 0.5);
}

const AS0 = fr(0.4197454825e-1);
const AS1 = fr(0.2424046025e-1);
const AS2 = fr(0.4547423869e-1);
const AS3 = fr(0.7495029271e-1);
const AS4 = fr(0.1666677296);
const PI4HI = fr(3.1415927410125732422 / 4);
const PI4LO = fr(-8.7422776573475857731e-8 / 4);
const PIH2HI = fr(3.1415927410125732422 / 2);
const PIH2LO = fr(-8.7422776573475857731e-8 / 2);

/** shared start of asin/acos: x2 and the double-float x in (P[0], P[1]); returns u */
function asinCore(d: number, o: boolean): number {
  const ad = Math.abs(d);
  const x2 = o ? fr(d * d) : fr(fr(1 - ad) * 0.5);
  if (o) {
    P[0] = ad;
    P[1] = 0;
  } else {
    dfsqrtF(x2);
  }
  if (ad === 1) {
    P[0] = 0;
    P[1] = 0;
  }
  let u = fma32(AS0, x2, AS1);
  u = fma32(u, x2, AS2);
  u = fma32(u, x2, AS3);
  u = fma32(u, x2, AS4);
  return fr(u * fr(x2 * P[0]));
}

/** Sleef_asinf8_u10 (xasinf_u1) lane. */
export function asinf(d: number): number {
  const o = Math.abs(d) < 0.5;
  const u = asinCore(d, o);
  let r: number;
  if (o) {
    r = fr(u + P[0]);
  } else {
    dfsubDD(PI4HI, PI4LO, P[0], P[1]);
    dfsubDF(P[0], P[1], u);
    r = fr(fr(P[0] + P[1]) * 2);
  }
  return mulsign(r, d);
}

/** Sleef_acosf8_u10 (xacosf_u1) lane. */
export function acosf(d: number): number {
  const o = Math.abs(d) < 0.5;
  const u = asinCore(d, o);
  const xx = P[0];
  const xy = P[1];
  let yx: number;
  let yy: number;
  if (o) {
    dfaddFF(mulsign(xx, d), mulsign(u, d));
    dfsubDD(PIH2HI, PIH2LO, P[0], P[1]);
    yx = P[0];
    yy = P[1];
  } else {
    dfaddDF(xx, xy, u);
    yx = fr(P[0] * 2);
    yy = fr(P[1] * 2);
    if (d < 0) {
      dfsubDD(PIHI, PILO, yx, yy);
      yx = P[0];
      yy = P[1];
    }
  }
  return fr(yx + yy);
}

const AT = [
  -0.00176397908944636583328247, 0.0107900900766253471374512, -0.0309564601629972457885742, 0.0577365085482597351074219,
  -0.0838950723409652709960938, 0.109463557600975036621094, -0.142626821994781494140625, 0.199983194470405578613281,
].map(fr);
const AT8 = fr(-0.333332866430282592773438);
const HPI2HI = fr(1.5707963705062866211);
const HPI2LO = fr(-4.3711388286737928865e-8);
const HPI_F = fr(1.570796326794896557998982);

/** Sleef_atanf8_u10 (xatanf_u1) lane: atan2kf_u1((|d|, 0), (1, 0)). */
export function atanf(d: number): number {
  if (d !== d) return NaN;
  const ay = Math.abs(d);
  if (ay === Infinity) return mulsign(HPI_F, d);
  let q = 0;
  let sx: number;
  let sy: number;
  if (1 < ay) {
    q = 1;
    dfdiv(-1, -0, ay, 0);
  } else {
    dfdiv(ay, 0, 1, 0);
  }
  sx = P[0];
  sy = P[1];
  dfsqu(sx, sy);
  dfnormalize(P[0], P[1]);
  const tx = P[0];
  const ty = P[1];
  let u = AT[0];
  for (let i = 1; i < 8; i++) u = fma32(u, tx, AT[i]);
  dfaddFF(AT8, fr(u * tx));
  dfmulDD(tx, ty, P[0], P[1]);
  dfaddFD(1, P[0], P[1]);
  dfmulDD(sx, sy, P[0], P[1]);
  const rx = P[0];
  const ry = P[1];
  dfmulDF(HPI2HI, HPI2LO, q);
  dfaddDD(P[0], P[1], rx, ry);
  return mulsign(fr(P[0] + P[1]), d);
}

// ---------------------------------------------------------------------------------------------
// glibc 2.36 scalar functions (the tails of the cpu_kernel_vec ops)
// ---------------------------------------------------------------------------------------------

const DV = new DataView(new ArrayBuffer(8));
function f64FromBits(hex: bigint): number {
  DV.setBigUint64(0, hex);
  return DV.getFloat64(0);
}
// __exp2f_data (read from libm.so.6): tab[i] = bits of 2^(i/32) minus i << 47
const EXP2F_TAB_BITS = [
  0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n, 0x3fef72b83c7d517bn, 0x3fef54873168b9aan,
  0x3fef387a6e756238n, 0x3fef1e9df51fdee1n, 0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn,
  0x3feebfdad5362a27n, 0x3feeb42b569d4f82n, 0x3feeab07dd485429n, 0x3feea47eb03a5585n, 0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n,
  0x3feea11473eb0187n, 0x3feea589994cce13n, 0x3feeace5422aa0dbn, 0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn,
  0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n, 0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn,
  0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
];
/** 2^(j/32) as stored (tab[j] + (j << 47)) */
const EXP2F_TAB = Float64Array.from(EXP2F_TAB_BITS, (b, j) => f64FromBits(b + (BigInt(j) << 47n)));
const EXPF_INVLN2N = f64FromBits(0x40471547652b82fen); // 32/ln2
const EXPF_C0 = f64FromBits(0x3ebc6af84b912394n);
const EXPF_C1 = f64FromBits(0x3f2ebfce50fac4f3n);
const EXPF_C2 = f64FromBits(0x3f962e42ff0c52d6n);
// InvLn2N = H + L with H of 29 significant bits: H*x and L*x are exact for a float x
const EXPF_H = f64FromBits(0x40471547652b82fen & ~0xffffffn);
const EXPF_L = EXPF_INVLN2N - EXPF_H;

const EXPF_UFLOW = -103.97207641601562; // 0xc2cff1b4
const EXPF_MAY_UFLOW = -103.27892303466797; // 0xc2ce8ecf

/** glibc expf (__expf_fma: the FMA-compiled variant the ifunc picks on AVX2 machines). */
export function glibcExpf(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < 88)) {
    if (x === -Infinity) return 0;
    if (x !== x || x === Infinity) return x + x;
    if (x > 88.72283172607421875) return Infinity;
    if (x < EXPF_UFLOW) return 0;
    if (x < EXPF_MAY_UFLOW) return 1.401298464324817e-45; // __math_may_uflowf: (0x1.4p-75f)^2 rounds up
  }
  // k = round(x * 32/ln2) and r = x * 32/ln2 - k from the exact product (both are fma in glibc)
  const ph = EXPF_H * x;
  const e = EXPF_L * x;
  let k = Math.round(ph);
  let dd = ph - k; // exact
  const t = dd + e;
  if (t > 0.5 || (t === 0.5 && dd - 0.5 + e > 0)) {
    k += 1;
    dd -= 1;
  } else if (t < -0.5 || (t === -0.5 && dd + 0.5 + e < 0)) {
    k -= 1;
    dd += 1;
  }
  const r = dd + e;
  const s = EXP2F_TAB[k & 31] * POW2W[160 + (k >> 5)];
  // glibc fuses these three; rounding them twice gives the same float for all 2^32 inputs
  const z = EXPF_C0 * r + EXPF_C1;
  const y = z * (r * r) + (EXPF_C2 * r + 1);
  return fr(y * s);
}

const EXP2F_SHIFT = f64FromBits(0x42e8000000000000n); // 0x1.8p52 / 32
const EXP2F_C0 = f64FromBits(0x3fac6af84b912394n);
const EXP2F_C1 = f64FromBits(0x3fcebfce50fac4f3n);
const EXP2F_C2 = f64FromBits(0x3fe62e42ff0c52d6n);

/** glibc exp2f (__exp2f_fma); 1.13's exp2 is a plain cpu_kernel: every element takes it. */
export function glibcExp2f(x: number): number {
  if (!(x < 128 && x > -128)) {
    if (x === -Infinity) return 0;
    if (x !== x || x === Infinity) return x + x;
    if (x > 0) return Infinity;
    if (x <= -150) return 0;
    if (x < -149) return 1.401298464324817e-45; // __math_may_uflowf
  }
  // x = k/32 + r: adding the shift rounds to a multiple of 1/32, ties to even
  const kd0 = x + EXP2F_SHIFT;
  const kd = kd0 - EXP2F_SHIFT;
  const k = kd * 32;
  const r = x - kd;
  const s = EXP2F_TAB[k & 31] * POW2W[160 + (k >> 5)];
  // glibc fuses these three; rounding them twice gives the same float for all 2^32 inputs
  const z = EXP2F_C0 * r + EXP2F_C1;
  const y = z * (r * r) + (EXP2F_C2 * r + 1);
  return fr(y * s);
}

function setExp(y: number, k: number): number {
  F32[0] = y;
  I32[0] = (I32[0] + (k << 23)) | 0;
  return F32[0];
}
function floatFromBits(b: number): number {
  I32[0] = b;
  return F32[0];
}
function floatBits(x: number): number {
  F32[0] = x;
  return I32[0];
}

const EM1_OTH = fr(8.8721679688e1);
const EM1_LN2HI = fr(6.9313812256e-1);
const EM1_LN2LO = fr(9.0580006145e-6);
const EM1_INVLN2 = fr(1.4426950216);
const EM1_Q1 = fr(-3.3333335072e-2);
const EM1_Q2 = fr(1.5873016091e-3);
const EM1_Q3 = fr(-7.936507609e-5);
const EM1_Q4 = fr(4.0082177293e-6);
const EM1_Q5 = fr(-2.0109921195e-7);

/** glibc expm1f (Sun s_expm1f.c, float arithmetic). */
export function glibcExpm1f(x: number): number {
  let hx = floatBits(x);
  const xsb = hx & 0x80000000;
  hx &= 0x7fffffff;
  if (hx >= 0x4195b844) {
    if (hx >= 0x42b17218) {
      if (hx > 0x7f800000) return x + x;
      if (hx === 0x7f800000) return xsb === 0 ? x : -1;
      if (x > EM1_OTH) return Infinity;
    }
    if (xsb !== 0) return -1;
  }
  let hi: number;
  let lo: number;
  let k: number;
  let c = 0;
  if (hx > 0x3eb17218) {
    if (hx < 0x3f851592) {
      if (xsb === 0) {
        hi = fr(x - EM1_LN2HI);
        lo = EM1_LN2LO;
        k = 1;
      } else {
        hi = fr(x + EM1_LN2HI);
        lo = -EM1_LN2LO;
        k = -1;
      }
    } else {
      k = Math.trunc(fr(fr(EM1_INVLN2 * x) + (xsb === 0 ? 0.5 : -0.5)));
      const t = k;
      hi = fr(x - fr(t * EM1_LN2HI));
      lo = fr(t * EM1_LN2LO);
    }
    x = fr(hi - lo);
    c = fr(fr(hi - x) - lo);
  } else if (hx < 0x33000000) {
    return x;
  } else {
    k = 0;
  }
  const hfx = fr(0.5 * x);
  const hxs = fr(x * hfx);
  const r1 = fr(1 + fr(hxs * fr(EM1_Q1 + fr(hxs * fr(EM1_Q2 + fr(hxs * fr(EM1_Q3 + fr(hxs * fr(EM1_Q4 + fr(hxs * EM1_Q5))))))))));
  let t = fr(3 - fr(r1 * hfx));
  let e = fr(hxs * fr(fr(r1 - t) / fr(6 - fr(x * t))));
  if (k === 0) return fr(x - fr(fr(x * e) - hxs));
  e = fr(fr(x * fr(e - c)) - c);
  e = fr(e - hxs);
  if (k === -1) return fr(fr(0.5 * fr(x - e)) - 0.5);
  if (k === 1) {
    if (x < -0.25) return fr(-2 * fr(e - fr(x + 0.5)));
    return fr(1 + fr(2 * fr(x - e)));
  }
  if (k <= -2 || k > 56) {
    let y = fr(1 - fr(e - x));
    y = setExp(y, k);
    return fr(y - 1);
  }
  let y: number;
  if (k < 23) {
    t = floatFromBits(0x3f800000 - (0x1000000 >> k));
    y = fr(t - fr(e - x));
  } else {
    t = floatFromBits((0x7f - k) << 23);
    y = fr(x - fr(e + t));
    y = fr(y + 1);
  }
  return setExp(y, k);
}

const L1P_LP = [6.6666668653e-1, 4.0000000596e-1, 2.8571429849e-1, 2.2222198546e-1, 1.818357259e-1, 1.5313838422e-1, 1.479819864e-1].map(fr);
const L1P_TWO_THIRDS = fr(0.66666666666666666);

/** glibc log1pf (Sun s_log1pf.c, float arithmetic): softplus's and mish's scalar path. */
export function glibcLog1pf(x: number): number {
  const hx = floatBits(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3ed413d7) {
    // x < 0.41422
    if (ax >= 0x3f800000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x31000000) {
      // |x| < 2^-29
      if (ax < 0x24800000) return x;
      return fr(x - fr(fr(x * x) * 0.5));
    }
    if (hx > 0 || hx <= (0xbe95f61f | 0)) {
      // -0.2929 < x < 0.41422
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7f800000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x5a000000) {
      u = fr(1 + x);
      hu = floatBits(u);
      k = (hu >> 23) - 127;
      // correction term
      c = k > 0 ? fr(1 - fr(u - x)) : fr(x - fr(u - 1));
      c = fr(c / u);
    } else {
      u = x;
      hu = floatBits(u);
      k = (hu >> 23) - 127;
      c = 0;
    }
    hu &= 0x007fffff;
    if (hu < 0x3504f7) u = floatFromBits(hu | 0x3f800000);
    else {
      k += 1;
      u = floatFromBits(hu | 0x3f000000);
      hu = (0x00800000 - hu) >> 2;
    }
    f = fr(u - 1);
  }
  const hfsq = fr(fr(0.5 * f) * f);
  const kf = fr(k);
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      c = fr(c + fr(kf * EM1_LN2LO));
      return fr(fr(kf * EM1_LN2HI) + c);
    }
    const R = fr(hfsq * fr(1 - fr(L1P_TWO_THIRDS * f)));
    if (k === 0) return fr(f - R);
    return fr(fr(kf * EM1_LN2HI) - fr(fr(R - fr(fr(kf * EM1_LN2LO) + c)) - f));
  }
  const s = fr(f / fr(2 + f));
  const z = fr(s * s);
  let R = L1P_LP[6];
  for (let i = 5; i >= 0; i--) R = fr(L1P_LP[i] + fr(z * R));
  R = fr(z * R);
  if (k === 0) return fr(f - fr(hfsq - fr(s * fr(hfsq + R))));
  return fr(fr(kf * EM1_LN2HI) - fr(fr(hfsq - fr(fr(s * fr(hfsq + R)) + fr(fr(kf * EM1_LN2LO) + c))) - f));
}

/** glibc tanhf (Sun s_tanhf.c). */
export function glibcTanhf(x: number): number {
  const jx = floatBits(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7f800000) return jx >= 0 ? fr(fr(1 / x) + 1) : fr(fr(1 / x) - 1);
  let z: number;
  if (ix < 0x41b00000) {
    if (ix === 0) return x;
    if (ix < 0x24000000) return fr(x * fr(1 + x));
    if (ix >= 0x3f800000) {
      const t = glibcExpm1f(fr(2 * Math.abs(x)));
      z = fr(1 - fr(2 / fr(t + 2)));
    } else {
      const t = glibcExpm1f(fr(-2 * Math.abs(x)));
      z = fr(-t / fr(t + 2));
    }
  } else {
    z = 1;
  }
  return jx >= 0 ? z : -z;
}

/** glibc sinhf (Sun e_sinhf.c). */
export function glibcSinhf(x: number): number {
  const jx = floatBits(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7f800000) return x + x;
  const h = jx < 0 ? -0.5 : 0.5;
  const ax = Math.abs(x);
  if (ix < 0x41b00000) {
    if (ix < 0x31800000) return x;
    const t = glibcExpm1f(ax);
    if (ix < 0x3f800000) return fr(h * fr(fr(2 * t) - fr(fr(t * t) / fr(t + 1))));
    return fr(h * fr(t + fr(t / fr(t + 1))));
  }
  if (ix < 0x42b17180) return fr(h * glibcExpf(ax));
  if (ix <= 0x42b2d4fc) {
    const w = glibcExpf(fr(0.5 * ax));
    const t = fr(h * w);
    return fr(t * w);
  }
  return jx < 0 ? -Infinity : Infinity;
}

/** glibc coshf (Sun e_coshf.c). */
export function glibcCoshf(x: number): number {
  const ix = floatBits(x) & 0x7fffffff;
  const ax = Math.abs(x);
  if (ix < 0x41b00000) {
    if (ix < 0x3eb17218) {
      const t = glibcExpm1f(ax);
      const w = fr(1 + t);
      if (ix < 0x24000000) return w;
      return fr(1 + fr(fr(t * t) / fr(w + w)));
    }
    const t = glibcExpf(ax);
    return fr(fr(0.5 * t) + fr(0.5 / t));
  }
  if (ix < 0x42b17180) return fr(0.5 * glibcExpf(ax));
  if (ix <= 0x42b2d4fc) {
    const w = glibcExpf(fr(0.5 * ax));
    const t = fr(0.5 * w);
    return fr(t * w);
  }
  if (ix >= 0x7f800000) return x * x;
  return Infinity;
}

const ERX = fr(8.4506291151e-1);
const EFX = fr(1.2837916613e-1);
const EFX16 = fr(16 * EFX);
const PP = [1.2837916613e-1, -3.2504209876e-1, -2.8481749818e-2, -5.770270247e-3, -2.3763017452e-5].map(fr);
const QQ = [0, 3.9791721106e-1, 6.50222525e-2, 5.0813062117e-3, 1.3249473704e-4, -3.9602282413e-6].map(fr);
const PA = [-2.3621185683e-3, 4.1485610604e-1, -3.7220788002e-1, 3.1834661961e-1, -1.1089469492e-1, 3.5478305072e-2, -2.1663755178e-3].map(fr);
const QA = [0, 1.0642088205e-1, 5.4039794207e-1, 7.1828655899e-2, 1.2617121637e-1, 1.3637083583e-2, 1.1984500103e-2].map(fr);
const RA = [-9.8649440333e-3, -6.938585639e-1, -1.0558626175e1, -6.2375331879e1, -1.6239666748e2, -1.8460508728e2, -8.1287437439e1, -9.8143291473].map(fr);
const SA = [0, 1.965127182e1, 1.3765776062e2, 4.3456588745e2, 6.4538726807e2, 4.2900814819e2, 1.0863500214e2, 6.5702495575, -6.0424413532e-2].map(fr);
const RB = [-9.864943102e-3, -7.9928326607e-1, -1.7757955551e1, -1.6063638306e2, -6.3756646729e2, -1.0250950928e3, -4.8351919556e2].map(fr);
const SB = [0, 3.0338060379e1, 3.2579251099e2, 1.5367296143e3, 3.1998581543e3, 2.553050293e3, 4.7452853394e2, -2.2440952301e1].map(fr);

/** Horner in float: c[0] + s*(c[1] + s*(... + s*c[n-1])) */
function hornerF(c: readonly number[], s: number, from: number): number {
  let r = c[c.length - 1];
  for (let i = c.length - 2; i >= from; i--) r = fr(c[i] + fr(s * r));
  return r;
}
/** 1 + s*(c[1] + s*(...)) */
function horner1F(c: readonly number[], s: number): number {
  return fr(1 + fr(s * hornerF(c, s, 1)));
}

/** glibc erff (Sun s_erff.c; calls glibc expf). */
export function glibcErff(x: number): number {
  const hx = floatBits(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7f800000) {
    const i = (hx >>> 31) << 1;
    return fr(1 - i + fr(1 / x));
  }
  if (ix < 0x3f580000) {
    if (ix < 0x31800000) {
      if (ix < 0x04000000) return fr(0.0625 * fr(fr(16 * x) + fr(EFX16 * x)));
      return fr(x + fr(EFX * x));
    }
    const z = fr(x * x);
    const r = hornerF(PP, z, 0);
    const s = horner1F(QQ, z);
    const y = fr(r / s);
    return fr(x + fr(x * y));
  }
  if (ix < 0x3fa00000) {
    const s = fr(Math.abs(x) - 1);
    const P = hornerF(PA, s, 0);
    const Q = horner1F(QA, s);
    return hx >= 0 ? fr(ERX + fr(P / Q)) : fr(-ERX - fr(P / Q));
  }
  if (ix >= 0x40c00000) return hx >= 0 ? 1 : -1;
  const ax = Math.abs(x);
  const s = fr(1 / fr(ax * ax));
  let R: number;
  let S: number;
  if (ix < 0x4036db6e) {
    R = hornerF(RA, s, 0);
    S = horner1F(SA, s);
  } else {
    R = hornerF(RB, s, 0);
    S = horner1F(SB, s);
  }
  const z = floatFromBits(floatBits(ax) & 0xfffff000);
  const r = fr(glibcExpf(fr(fr(-z * z) - 0.5625)) * glibcExpf(fr(fr(fr(z - ax) * fr(z + ax)) + fr(R / S))));
  return hx >= 0 ? fr(1 - fr(r / ax)) : fr(fr(r / ax) - 1);
}

// ---------------------------------------------------------------------------------------------
// oneDNN 2.6 gelu_erf (jit eltwise injector): 1.13 sends F.gelu of a contiguous float32 tensor
// with more than one element to oneDNN instead of its own kernel
// ---------------------------------------------------------------------------------------------

const DNNL_LN_FLT_MIN = floatFromBitsInit(0xc2aeac50);
const DNNL_LN_FLT_MAX = floatFromBitsInit(0x42b17218);
const DNNL_LOG2E = floatFromBitsInit(0x3fb8aa3b);
const DNNL_LN2 = floatFromBitsInit(0x3f317218);
const DNNL_EXP_POL = [0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce].map(floatFromBitsInit);
const DNNL_GELU_P = floatFromBitsInit(0x3ea7ba05);
const DNNL_SQRT1_2 = floatFromBitsInit(0x3f3504f3);
const DNNL_GELU_POL = [0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22].map(floatFromBitsInit);

function floatFromBitsInit(b: number): number {
  I32[0] = b;
  return F32[0];
}

/** exp_compute_vector_fwd lane */
function dnnlExp(x0: number): number {
  const zero = x0 < DNNL_LN_FLT_MIN;
  // minps/maxps return the second operand when one is nan
  let x = x0 < DNNL_LN_FLT_MAX ? x0 : DNNL_LN_FLT_MAX;
  x = x > DNNL_LN_FLT_MIN ? x : DNNL_LN_FLT_MIN;
  const fx = Math.floor(fr(fr(x * DNNL_LOG2E) + 0.5));
  const r = fma32(-fx, DNNL_LN2, x);
  const p2 = zero ? 0 : pow2i(cvtRound(fr(fx - 1)));
  let y = DNNL_EXP_POL[4];
  for (let i = 3; i >= 0; i--) y = fma32(y, r, DNNL_EXP_POL[i]);
  y = fma32(y, r, 1);
  return fr(fr(y * p2) * 2);
}

/** gelu_erf_compute_vector_fwd lane (Abramowitz-Stegun erf) */
export function dnnlGeluErf(s: number): number {
  const x = fr(s * DNNL_SQRT1_2);
  const t = fr(1 / fma32(DNNL_GELU_P, Math.abs(x), 1));
  const e = -dnnlExp(-fr(x * x));
  const et = fr(e * t);
  let r = DNNL_GELU_POL[4];
  for (let i = 3; i >= 0; i--) r = fma32(r, t, DNNL_GELU_POL[i]);
  let erf = fma32(et, r, 1);
  if (signbit(s)) erf = -erf;
  const half = fr(s * 0.5);
  return fma32(erf, half, half);
}

// ---------------------------------------------------------------------------------------------
// Kernels: which lane function each element gets, as 1.13's TensorIterator loops decide
// ---------------------------------------------------------------------------------------------

const KALPHA = fr(Math.SQRT1_2);
const KBETA = fr(1.4142135623730951 * 1.1283791670955126 * 0.5); // M_SQRT2 * M_2_SQRTPI * 0.5 in double
const KKAPPA = fr(0.044715);

/** float32 expressions that replace EXPRS': the lane-independent "vml" ops (the float32 compute
 * `a` in scope) and kernels whose float operations 1.13 orders or fuses differently. */
export const F32_LANE_EXPRS: Record<string, string> = {
  exp: "H.expf(a)",
  exp2: "H.glibcExp2f(a)",
  log: "H.logf(a)",
  log2: "H.log2f(a)",
  log10: "H.log10f(a)",
  log1p: "H.log1pf(a)",
  expm1: "H.expm1f(a)",
  tanh: "H.tanhf(a)",
  erf: "H.erff(a)",
  asin: "H.asinf(a)",
  acos: "H.acosf(a)",
  atan: "H.atanf(a)",
  log_sigmoid: "H.logSigmoidf(a)",
  // tanh's gradient from (grad, result): 1.13 computes 1 - y * y as one FMA (GCC contracted it)
  tanh_backward: "a * H.fma32(-b, b, 1)",
  // a + alpha * b: 1.13's vector path is vec::fmadd(b, alpha, a) (the scalar one contracted too)
  add_alpha: "H.fma32(b, Math.fround(P[0]), a)",
  // addcmul's self + value * t1 * t2: one FMA after the rounded value * t1 (GCC contracted it)
  addcmul: "H.fma32(Math.fround(P[0] * b), c, a)",
};

/** 1.13's log_sigmoid: every element, the tail of a row too (partial loads), through the vector
 * code min(x, 0) - log1p(exp(-|x|)); vec::minimum is _mm256_min_ps (min(-0, 0) is +0) with NaN
 * from either operand. */
function logSigmoidf(a: number): number {
  if (a !== a) return a;
  return fr((a < 0 ? a : 0) - log1pf(expf(-Math.abs(a))));
}

/** The functions F32_LANE_EXPRS calls, for the kernel compiler's helper object. */
export const F32_LANE_FNS = { glibcExp2f, expf, logf, log2f, log10f, log1pf, expm1f, tanhf, erff, asinf, acosf, atanf, logSigmoidf, fma32 };

type Lane = (x: number) => number;
/** a lane with the op's scalar parameters, already float32 (elu: negcoef, poscoef, negiptcoef;
 * softplus: beta, threshold) */
type ParamLane = (x: number, p0: number, p1: number, p2: number) => number;
interface VecOp {
  vec: ParamLane; // Vectorized<float> lambda (SLEEF), for 16-element chunks of a contiguous row
  scalar: ParamLane; // scalar lambda (glibc), for the rest of a row and for strided rows
  /** float32 lane parameters from the op's scalar arguments (as the kernel casts them) */
  params?: (P: ArrayLike<number>) => [number, number, number];
}

// cpu_kernel_vec ops: vector and scalar lambdas of UnaryOpsKernel.cpp / Activation.cpp
const VEC_OPS: Record<string, VecOp> = {
  sigmoid: {
    vec: (a) => fr(1 / fr(1 + expf(-a))),
    scalar: (a) => fr(1 / fr(1 + glibcExpf(-a))),
  },
  silu: {
    vec: (x) => fr(x / fr(1 + expf(-x))),
    scalar: (x) => fr(x / fr(1 + glibcExpf(-x))),
  },
  gelu: {
    vec: (x) => fr(fr(x * 0.5) * fr(1 + erff(fr(x * KALPHA)))),
    scalar: (x) => fr(fr(x * 0.5) * fr(1 + glibcErff(fr(x * KALPHA)))),
  },
  // x + kKappa * x^3 is contracted to an FMA by GCC in both lambdas
  gelu_tanh: {
    vec: (x) => fr(fr(0.5 * x) * fr(1 + tanhf(fr(KBETA * fma32(KKAPPA, fr(fr(x * x) * x), x))))),
    scalar: (x) => fr(fr(0.5 * x) * fr(1 + glibcTanhf(fr(KBETA * fma32(KKAPPA, fr(fr(x * x) * x), x))))),
  },
  sinh: { vec: sinhf, scalar: glibcSinhf },
  cosh: { vec: coshf, scalar: glibcCoshf },
  // Activation.cpp elu_kernel (F.elu, selu, celu) with arguments alpha, scale, input_scale:
  // negcoef = alpha * scale in float; x > 0 (vector) / x <= 0 (scalar) picks the branch
  elu: {
    vec: (a, neg, pos, ipt) => (a > 0 ? fr(a * pos) : fr(fr(expf(fr(a * ipt)) - 1) * neg)),
    scalar: (a, neg, pos, ipt) => (a <= 0 ? fr(fr(glibcExpf(fr(a * ipt)) - 1) * neg) : fr(a * pos)),
    params: (P) => [fr(fr(P[0]) * fr(P[1])), fr(P[1]), fr(P[2])],
  },
  // softplus_kernel with arguments beta, threshold
  softplus: {
    vec: (a, beta, thr) => {
      const t = fr(a * beta);
      return t > thr ? a : fr(log1pf(expf(t)) / beta);
    },
    scalar: (a, beta, thr) => {
      const t = fr(a * beta);
      return t > thr ? a : fr(glibcLog1pf(glibcExpf(t)) / beta);
    },
    params: (P) => [fr(P[0]), fr(P[1]), 0],
  },
  mish: {
    vec: (x) => fr(x * tanhf(log1pf(expf(x)))),
    scalar: (x) => fr(x * glibcTanhf(glibcLog1pf(glibcExpf(x)))),
  },
};

type Trig = (x: number, big: boolean) => number;
const TRIG_OPS: Record<string, Trig> = { sin: sinf, cos: cosf, tan: tanf };

/** X[xo..xo+n) -> O[oo..): the part of one row from a multiple of 16 of its start; the first nv
 * elements take the vector path (sin/cos/tan: groups of 8 from the start instead). */
type RowFn = (X: ArrayLike<number>, xo: number, O: { [i: number]: number }, oo: number, n: number, nv: number, p0?: number, p1?: number, p2?: number) => void;
const ROW_CACHE = new Map<string, RowFn>();

/** One compiled loop per op, so that each calls its own lane functions monomorphically. */
function rowKernel(op: string): RowFn {
  let k = ROW_CACHE.get(op);
  if (k) return k;
  if (op in TRIG_OPS) {
    k = new Function(
      "T",
      "B",
      `"use strict";
return function ${op}Row(X, xo, O, oo, n) {
  for (let g = 0; g < n; g += 8) {
    const e = g + 8 < n ? g + 8 : n;
    let big = false;
    for (let i = g; i < e; i++) if (B(X[xo + i])) big = true;
    for (let i = g; i < e; i++) O[oo + i] = T(X[xo + i], big);
  }
};`,
    )(TRIG_OPS[op], trigBig) as RowFn;
  } else {
    k = new Function(
      "V",
      "S",
      `"use strict";
return function ${op}Row(X, xo, O, oo, n, nv, p0, p1, p2) {
  for (let i = 0; i < nv; i++) O[oo + i] = V(X[xo + i], p0, p1, p2);
  for (let i = nv; i < n; i++) O[oo + i] = S(X[xo + i], p0, p1, p2);
};`,
    )(VEC_OPS[op].vec, VEC_OPS[op].scalar) as RowFn;
  }
  ROW_CACHE.set(op, k);
  return k;
}

/** Ops that need the row structure of the iteration (elementwise() routes float32 ones here). */
export function hasF32RowKernel(op: string): boolean {
  return op in VEC_OPS || op in TRIG_OPS;
}

/** Tensor.is_contiguous(): row-major, size-1 dims ignored */
function rowMajorContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let want = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== want) return false;
    want *= shape[d];
  }
  return true;
}

/** out[i] = f(x[i]) over the logical elements, x float32 and row-major contiguous */
function forEachPair(out: TensorView, x: TensorView, f: Lane): void {
  const X = x._storage.data;
  const O = out._storage.data;
  const shape = out._shape;
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  const xo = x._offset;
  if (rowMajorContiguous(shape, out._strides)) {
    const oo = out._offset;
    for (let i = 0; i < n; i++) O[oo + i] = f(X[xo + i]);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let oo = out._offset;
  for (let i = 0; i < n; i++) {
    O[oo] = f(X[xo + i]);
    for (let d = nd - 1; d >= 0; d--) {
      oo += out._strides[d];
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      oo -= out._strides[d] * shape[d];
    }
  }
}

/** Which tensors count as 1.13 "non-overlapping and dense" (a dtype cast keeps their strides). */
function denseStrides(shape: readonly number[], strides: readonly number[]): boolean {
  const dims = shape.map((_, i) => i).filter((d) => shape[d] > 1);
  dims.sort((a, b) => strides[a] - strides[b]);
  let want = 1;
  for (const d of dims) {
    if (strides[d] !== want) return false;
    want *= shape[d];
  }
  return true;
}

interface TensorView {
  _shape: number[];
  _strides: number[];
  _offset: number;
  dtype: { name: string };
  _storage: { data: ArrayLike<number> & { [i: number]: number } };
}

/** The float32 lane parameters (FusedKernels.activationLanes' p0-p2) of an op's scalar arguments. */
export function laneParams(op: string, params: ArrayLike<number>): [number, number, number] {
  return VEC_OPS[op]?.params?.(params) ?? NO_LANE_PARAMS;
}

/** the VEC_OPS whose vector lanes a backend may provide (FusedKernels.activationLanes) */
const LANE_OPS = new Set(["sigmoid", "silu", "gelu_tanh", "elu", "softplus", "mish"]);
const NO_PARAMS: number[] = [];
const NO_LANE_PARAMS: [number, number, number] = [0, 0, 0];

const BLOCK = 8192; // a multiple of 16: blocks do not move chunk or group boundaries
const XB = new Float32Array(BLOCK);
const YB = new Float64Array(BLOCK);
const IB = new Float64Array(BLOCK);
const OB = new Float64Array(BLOCK);

/**
 * out = op(x) for float32 compute, element by element as 1.13 assigns the vector and scalar
 * paths. The iteration follows TensorIterator: dims ordered by the input's strides (a freshly
 * allocated output follows the input's layout), merged where the input is contiguous; each
 * merged row is processed from its start, sin/cos/tan in groups of 8 (vml map), the
 * cpu_kernel_vec ops in chunks of 16 with a scalar remainder when the row is contiguous (or the
 * input is a broadcast scalar) and all-scalar otherwise. With several intra-op threads rows are
 * further cut where 1.13's threads split the work (segmenter).
 */
export function f32RowKernel(op: string, out: TensorView, x: TensorView, params: ArrayLike<number> = NO_PARAMS): void {
  const shape = x._shape;
  if (op === "gelu" && x.dtype.name === "float32" && rowMajorContiguous(shape, x._strides)) {
    let numel = 1;
    for (const d of shape) numel *= d;
    // 1.13's use_mkldnn(): oneDNN's gelu for contiguous float tensors of more than one element
    if (numel > 1) {
      const X = x._storage.data, O = out._storage.data;
      if (fused.activationLanes && X instanceof Float32Array && O instanceof Float32Array && rowMajorContiguous(shape, out._strides)) {
        fused.activationLanes("gelu", X, x._offset, O, out._offset, numel);
      } else forEachPair(out, x, dnnlGeluErf);
      return;
    }
  }
  // a dtype conversion makes TensorIterator read a converted copy: same strides when dense
  let xs = x._strides;
  if (x.dtype.name !== "float32" && !denseStrides(shape, xs)) xs = contiguousStrides(shape);
  const os = out._strides;
  const dims: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) if (shape[d] > 1) dims.push(d); // fastest first
  // insertion sort of TensorIterator::reorder_dimensions on the input's strides
  for (let i = 1; i < dims.length; i++) {
    for (let j = i - 1; j >= 0; j--) {
      const a = dims[j];
      const b = dims[j + 1];
      const s0 = xs[a];
      const s1 = xs[b];
      let cmp = 0;
      if (s0 !== 0 && s1 !== 0) cmp = s0 < s1 ? -1 : s0 > s1 ? 1 : shape[a] > shape[b] ? 1 : 0;
      if (cmp > 0) {
        dims[j] = b;
        dims[j + 1] = a;
      } else if (cmp < 0) break;
    }
  }
  let numel = 1;
  for (const d of shape) numel *= d;
  // length of the rows the kernel sees: the leading dims the input walks contiguously
  let rowLen = dims.length ? shape[dims[0]] : 1;
  let k = 1;
  while (k < dims.length && xs[dims[k]] === xs[dims[k - 1]] * shape[dims[k - 1]]) rowLen *= shape[dims[k++]];
  const innerStride = dims.length ? xs[dims[0]] : 1;
  const X = x._storage.data;
  const O = out._storage.data;
  const row = rowKernel(op);
  const [p0, p1, p2] = laneParams(op, params);
  const vecRow = innerStride === 1 || innerStride === 0;
  const segs = segmenter(op, numel, rowLen, innerStride);

  // fast path: one contiguous row in both tensors
  let direct = rowLen === numel && innerStride === 1 && (dims.length === 0 || os[dims[0]] === 1);
  for (let i = 1; direct && i < dims.length; i++) if (os[dims[i]] !== os[dims[i - 1]] * shape[dims[i - 1]]) direct = false;
  if (direct && x.dtype.name === "float32") {
    const n = segs(0);
    // the chunks of 16 to the backend's lanes where it has them (the native addon's)
    const lanes = LANE_OPS.has(op) && X instanceof Float32Array && O instanceof Float32Array ? fused.activationLanes : undefined;
    for (let k = 0; k < n; k++) {
      const a = SEG[2 * k];
      const len = SEG[2 * k + 1];
      const nv = vecRow ? len - (len % 16) : 0;
      if (lanes !== undefined && nv > 0) {
        lanes(op as ActivationOp, X as Float32Array, x._offset + a, O as Float32Array, out._offset + a, nv, p0, p1, p2);
        row(X, x._offset + a + nv, O, out._offset + a + nv, len - nv, 0, p0, p1, p2);
      } else row(X, x._offset + a, O, out._offset + a, len, nv, p0, p1, p2);
    }
    return;
  }

  // general path: the segments of each row in iteration order, in blocks that start at multiples
  // of 16 of their segment
  const nd = dims.length;
  const size = dims.map((d) => shape[d]);
  const xst = dims.map((d) => xs[d]);
  const ost = dims.map((d) => os[d]);
  const ctr = new Array<number>(nd).fill(0);
  const castIn = x.dtype.name !== "float32";
  let xo = x._offset;
  let oo = out._offset;
  for (let rowStart = 0; rowStart < numel; rowStart += rowLen) {
    const nseg = segs(rowStart);
    for (let k = 0; k < nseg; k++) {
      const len = SEG[2 * k + 1];
      const vecEnd = vecRow ? len - (len % 16) : 0;
      for (let pos = 0; pos < len; pos += BLOCK) {
        const nb = Math.min(BLOCK, len - pos);
        for (let i = 0; i < nb; i++) {
          IB[i] = xo;
          OB[i] = oo;
          for (let d = 0; d < nd; d++) {
            xo += xst[d];
            oo += ost[d];
            if (++ctr[d] < size[d]) break;
            ctr[d] = 0;
            xo -= xst[d] * size[d];
            oo -= ost[d] * size[d];
          }
        }
        for (let i = 0; i < nb; i++) XB[i] = castIn ? fr(X[IB[i]]) : X[IB[i]];
        row(XB, 0, YB, 0, nb, Math.max(0, Math.min(nb, vecEnd - pos)), p0, p1, p2);
        for (let i = 0; i < nb; i++) O[OB[i]] = YB[i];
      }
    }
  }
}

/** segments of one row: SEG[2k] start (within the row), SEG[2k + 1] length */
let SEG = new Float64Array(64);
function pushSeg(k: number, a: number, len: number): number {
  if (2 * k + 2 > SEG.length) {
    const bigger = new Float64Array(2 * SEG.length);
    bigger.set(SEG);
    SEG = bigger;
  }
  SEG[2 * k] = a;
  SEG[2 * k + 1] = len;
  return k + 1;
}

/** at::parallel_for's split of [a, a + n) into the chunks its threads run, appended to SEG */
function parallelSplit(k: number, a: number, n: number, grain: number, threads: number): number {
  if (!(n > grain && n > 1 && threads > 1)) return pushSeg(k, a, n);
  const nt = Math.min(threads, Math.ceil(n / grain));
  const chunk = Math.ceil(n / nt);
  for (let b = 0; b < n; b += chunk) k = pushSeg(k, a + b, Math.min(chunk, n - b));
  return k;
}

/**
 * How 1.13 cuts the rows into independently processed pieces (each starts its vectors anew),
 * with the intra-op thread count of torch.set_num_threads (sum_order.ts; 1 by default):
 * cpu_kernel_vec ops split the whole iteration among threads (for_each, grain 32768; gelu's own
 * grain), the vml ops run rows serially and split each row's (or each 32768-element buffer's)
 * vml call among threads (grain 2048). Returns a function filling SEG for the row starting at
 * `rowStart` (a multiple of rowLen) and returning the number of segments.
 */
function segmenter(op: string, numel: number, rowLen: number, innerStride: number): (rowStart: number) => number {
  const threads = getReductionThreads();
  if (op in TRIG_OPS) {
    return () => {
      if (innerStride === 1) return parallelSplit(0, 0, rowLen, 2048, threads);
      let k = 0;
      for (let b = 0; b < rowLen; b += 32768) k = parallelSplit(k, b, Math.min(32768, rowLen - b), 2048, threads);
      return k;
    };
  }
  let grain = 32768;
  if ((op === "gelu" || op === "gelu_tanh") && numel > 16384) grain = Math.floor(numel / threads);
  if (numel < grain || threads === 1) return () => pushSeg(0, 0, rowLen);
  // thread ranges of the whole iteration, cut at row ends
  const nt = numel > grain && numel > 1 ? Math.min(threads, Math.ceil(numel / grain)) : 1;
  const chunk = Math.ceil(numel / nt);
  return (rowStart) => {
    let k = 0;
    let a = rowStart;
    const end = rowStart + rowLen;
    while (a < end) {
      const b = Math.min(end, (Math.floor(a / chunk) + 1) * chunk);
      k = pushSeg(k, a - rowStart, b - a);
      a = b;
    }
    return k;
  };
}
