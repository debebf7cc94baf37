// Bit-exact ports of the libm functions PyTorch's CPU sampling kernels call.
//
// * log, sin, cos (double) and logf, sinf, cosf (float): glibc 2.36 as shipped in Debian 12 on
//   x86-64. On CPUs with FMA+AVX2 glibc's ifunc selects the variants compiled with
//   `-mfma -mavx2`, where GCC contracted many a*b+c into fused multiply-adds. The operation
//   order and every contraction below follow the machine code of those variants
//   (__log_fma, __sin_fma, __cos_fma, __logf_fma, __sinf_fma, __cosf_fma); algorithms are
//   glibc's (ARM optimized-routines log/logf/sinf/cosf, IBM Accurate Mathematical Library
//   sin/cos with __branred for huge arguments, which is compiled without FMA).
//   V8's Math.log/sin/cos disagree with glibc in a few percent of double results.
// * log256 / sincos256: one lane of avx_mathfun.h's float32 log256_ps / sincos256_ps with the
//   FMA contractions of PyTorch 1.13's AVX2 kernel (spec section 5.2, exhaustively verified).
//
// Verified against glibc through ctypes by scripts/gen_libm_vectors.py.

import { fma32, fma64 } from "./fma.js";
import {
  INV_PIO4,
  LOGF_MISC,
  LOGF_TAB,
  LOG_LN2,
  LOG_POLY,
  LOG_POLY1,
  LOG_TAB,
  PI63,
  SINCOSF,
  SINCOSTAB,
} from "./libm_tables.js";

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const F32 = new Float32Array(1);
const U32F = new Uint32Array(F32.buffer);

// ---------------------------------------------------------------------------------------------
// log (double)
// ---------------------------------------------------------------------------------------------

const LN2HI = LOG_LN2[0];
const LN2LO = LOG_LN2[1];
const A0 = LOG_POLY[0], A1 = LOG_POLY[1], A2 = LOG_POLY[2], A3 = LOG_POLY[3], A4 = LOG_POLY[4];
const B0 = LOG_POLY1[0], B1 = LOG_POLY1[1], B2 = LOG_POLY1[2], B3 = LOG_POLY1[3];
const B4 = LOG_POLY1[4], B5 = LOG_POLY1[5], B6 = LOG_POLY1[6], B7 = LOG_POLY1[7];
const B8 = LOG_POLY1[8], B9 = LOG_POLY1[9], B10 = LOG_POLY1[10];
const TWO27 = 134217728;
const SPLIT = 134217729;

/**
 * fma(z, c, -1) for z*c in [0.5, 2]: with the exact product z*c = ph + pl, ph - 1 is exact
 * (Sterbenz), so (ph - 1) + pl is the single rounding of z*c - 1.
 */
function fmaMinusOne(z: number, c: number): number {
  const ph = z * c;
  let t = SPLIT * z;
  const zh = t - (t - z);
  const zl = z - zh;
  t = SPLIT * c;
  const ch = t - (t - c);
  const cl = c - ch;
  const pl = zh * ch - ph + zh * cl + zl * ch + zl * cl;
  return ph - 1 + pl;
}

/** glibc log(x). */
export function log(x: number): number {
  F64[0] = x;
  let hi = U32[1];
  let lo = U32[0];
  if (((hi - 0x3fee0000) >>> 0) < 0x30900) {
    // x in [1 - 2^-4, 1 + 0x1.09p-4): dedicated polynomial, hi/lo split of r*r/2
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    let p2 = fma64(r, B2, B1);
    let p3 = fma64(r, B5, B4);
    const p5 = fma64(r, B8, B7);
    p2 = fma64(r2, B3, p2);
    p3 = fma64(r2, B6, p3);
    let p1 = fma64(r2, B9, p5);
    p1 = fma64(r3, B10, p1);
    p1 = fma64(p1, r3, p3);
    p1 = fma64(p1, r3, p2);
    // r*2^27 and rhi*rhi*(-0.5) are exact, so the fused forms equal the plain ones
    const w = r * TWO27 + r;
    const rhi = w - r * TWO27;
    const rhi2 = rhi * rhi;
    const rlo = r - rhi;
    const h = r + rhi2 * B0;
    let l = r - h + rhi2 * B0;
    l = fma64(B0 * rlo, r + rhi, l);
    return h + fma64(p1, r3, l);
  }
  const top = hi >>> 16;
  if (((top - 0x10) >>> 0) >= 0x7fe0) {
    if ((hi & 0x7fffffff) === 0 && lo === 0) return -Infinity;
    if (hi === 0x7ff00000 && lo === 0) return x;
    if (top & 0x8000 || (top & 0x7ff0) === 0x7ff0) return NaN;
    // subnormal: normalise
    F64[0] = x * 4503599627370496;
    hi = (U32[1] - (52 << 20)) >>> 0;
    lo = U32[0];
  }
  const tmpHi = (hi - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 0x7f;
  const k = tmpHi >> 20;
  U32[1] = hi - (tmpHi & 0xfff00000);
  U32[0] = lo;
  const z = F64[0];
  const invc = LOG_TAB[2 * i];
  const logc = LOG_TAB[2 * i + 1];
  // k*LN2HI is exact (LN2HI has 42 significant bits)
  const w = k * LN2HI + logc;
  const r = fmaMinusOne(z, invc);
  const t5 = fma64(r, A2, A1);
  const h = r + w;
  const r2 = r * r;
  let l = w - h + r;
  l = fma64(k, LN2LO, l);
  const r3 = r * r2;
  let t6 = fma64(r, A4, A3);
  l = fma64(r2, A0, l);
  t6 = fma64(t6, r2, t5);
  return fma64(r3, t6, l) + h;
}

// ---------------------------------------------------------------------------------------------
// sin, cos (double)
// ---------------------------------------------------------------------------------------------

const SN3 = -0.16666666666666488;
const SN5 = 0.008333332142857223;
const CS2 = 0.5;
const CS4 = -0.04166666666666644;
const CS6 = 0.001388888740079376;
const S1 = -0.16666666666666666;
const S2 = 0.008333333333332329;
const S3 = -0.00019841269834414642;
const S4 = 2.755729806860771e-6;
const S5 = -2.5022014848318398e-8;
const BIG = 52776558133248; // 1.5 * 2^45: u - BIG rounds |x| to a multiple of 1/128
const HP0 = 1.5707963267948966;
const HP1 = 6.123233995736766e-17;
const HPINV = 0.6366197723675814;
const TOINT = 6755399441055744; // 1.5 * 2^52
const MP1 = 1.5707963407039642;
const MP2 = -1.3909067564377153e-8;
const PP3 = -4.97899623147991e-17;
const PP4 = -1.9034889620193266e-25;

/** sin(x + dx) for |x| < 0.855469 (do_sin, including its Taylor branch). */
function doSin(x: number, dx: number): number {
  const ax = x < 0 ? -x : x;
  if (ax < 0.126) {
    const xx = x * x;
    let p = fma64(xx, S5, S4);
    p = fma64(xx, p, S3);
    p = fma64(xx, p, S2);
    p = fma64(xx, p, S1);
    const t = fma64(p, x, -0.5 * dx);
    return x + fma64(t, xx, dx);
  }
  if (x <= 0) dx = -dx;
  const ub = BIG + ax - BIG;
  const xr = ax - ub;
  const k = ub * 512;
  const xx = xr * xr;
  const s = xr + fma64(xr * xx, fma64(xx, SN5, SN3), dx);
  const c = fma64(xr, dx, xx * fma64(xx, fma64(xx, CS6, CS4), CS2));
  let cor = fma64(s, SINCOSTAB[k + 3], SINCOSTAB[k + 1]);
  cor = fma64(-c, SINCOSTAB[k], cor);
  cor = fma64(s, SINCOSTAB[k + 2], cor);
  const r = SINCOSTAB[k] + cor;
  return x < 0 ? -r : r;
}

/** cos(x + dx) for |x| < 0.855469 (do_cos). */
function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = x < 0 ? -x : x;
  const ub = BIG + ax - BIG;
  const xr = ax - ub + dx;
  const k = ub * 512;
  const xx = xr * xr;
  const s = fma64(xr * xx, fma64(xx, SN5, SN3), xr);
  const c = xx * fma64(xx, fma64(xx, CS6, CS4), CS2);
  let cor = fma64(-s, SINCOSTAB[k + 1], SINCOSTAB[k + 3]);
  cor = fma64(-c, SINCOSTAB[k + 2], cor);
  cor = fma64(-s, SINCOSTAB[k], cor);
  return SINCOSTAB[k + 2] + cor;
}

// range-reduction results (a + da, quadrant returned by the reducers)
let redA = 0;
let redDa = 0;

/** reduce_sincos: x = n*pi/2 + (a + da) for |x| < 105414350. */
function reduceSinCos(x: number): number {
  const t = fma64(x, HPINV, TOINT);
  const xn = t - TOINT;
  // xn has at most 26 significant bits, so xn*MP1, xn*MP2 and xn*PP3 are exact products
  const y = x - xn * MP1 - xn * MP2;
  const t2 = y - xn * PP3;
  let db = y - t2 - xn * PP3;
  const b = fma64(-xn, PP4, t2);
  db += fma64(-xn, PP4, t2 - b);
  redA = b;
  redDa = db;
  return ((xn % 4) + 4) % 4;
}

const TOVERP = [
  10680707.0, 7228996.0, 1387004.0, 2578385.0, 16069853.0, 12639074.0, 9804092.0, 4427841.0,
  16666979.0, 11263675.0, 12935607.0, 2387514.0, 4345298.0, 14681673.0, 3074569.0, 13734428.0,
  16653803.0, 1880361.0, 10960616.0, 8533493.0, 3062596.0, 8710556.0, 7349940.0, 6258241.0,
  3772886.0, 3769171.0, 3798172.0, 8675211.0, 12450088.0, 3874808.0, 9961438.0, 366607.0,
  15675153.0, 9132554.0, 7151469.0, 3571407.0, 2607881.0, 12013382.0, 4155038.0, 6285869.0,
  7677882.0, 13102053.0, 15825725.0, 473591.0, 9065106.0, 15363067.0, 6271263.0, 9264392.0,
  5636912.0, 4652155.0, 7056368.0, 13614112.0, 10155062.0, 1944035.0, 9527646.0, 15080200.0,
  6658437.0, 6231200.0, 6832269.0, 16767104.0, 5075751.0, 3212806.0, 1398474.0, 7579849.0,
  6349435.0, 12618859.0, 4703257.0, 12806093.0, 14477321.0, 2786137.0, 12875403.0, 9837734.0,
  14528324.0, 13719321.0, 343717.0,
]; // 2/pi in base 2^24
const BR_BIG = 6755399441055744; // 1.5 * 2^52
const BR_BIG1 = 27021597764222976; // 1.5 * 2^54
const BR_MP1 = 1.5707963407039642;
const BR_MP2 = -1.3909067675399456e-8;
const BR_R = new Float64Array(6);

/** One half of __branred: accumulates x_part * 2/pi; returns the integer part, sets brB/brBb. */
let brB = 0;
let brBb = 0;
function branredPart(xp: number): number {
  const r = BR_R;
  F64[0] = xp;
  let k = (U32[1] >>> 20) & 2047;
  k = Math.trunc((k - 450) / 24);
  if (k < 0) k = 0;
  let gor = 2 ** (576 - 24 * k);
  for (let i = 0; i < 6; i++) {
    r[i] = xp * TOVERP[k + i] * gor;
    gor *= 5.9604644775390625e-8; // 2^-24
  }
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    const s = r[i] + BR_BIG - BR_BIG;
    sum += s;
    r[i] -= s;
  }
  let t = 0;
  for (let i = 0; i < 6; i++) t += r[5 - i];
  let bb = r[0] - t + r[1] + r[2] + r[3] + r[4] + r[5];
  const s = t + BR_BIG - BR_BIG;
  sum += s;
  t -= s;
  const b = t + bb;
  bb = t - b + bb;
  const s2 = sum + BR_BIG1 - BR_BIG1;
  sum -= s2;
  brB = b;
  brBb = bb;
  return sum;
}

/** __branred: reduction for 105414350 <= |x| < 2^1024 (glibc compiles it without FMA). */
function branred(xin: number): number {
  const x = xin * 2.409919865102884e-181; // 2^-600
  const t0 = x * SPLIT;
  const x1 = t0 - (t0 - x);
  const x2 = x - x1;
  const sum1 = branredPart(x1);
  const b1 = brB;
  const bb1 = brBb;
  const sum2 = branredPart(x2);
  const b2 = brB;
  const bb2 = brBb;
  let sum = sum1 + sum2;
  let b = b1 + b2;
  let bb = Math.abs(b1) > Math.abs(b2) ? b1 - b + b2 : b2 - b + b1;
  if (b > 0.5) {
    b -= 1.0;
    sum += 1.0;
  } else if (b < -0.5) {
    b += 1.0;
    sum -= 1.0;
  }
  let s = b + (bb + bb1 + bb2);
  const t = b - s + bb + (bb1 + bb2);
  b = s * SPLIT;
  const t1 = b - (b - s);
  const t2 = s - t1;
  b = s * HP0;
  bb = t1 * BR_MP1 - b + t1 * BR_MP2 + t2 * BR_MP1 + (t2 * BR_MP2 + s * HP1 + t * HP0);
  s = b + bb;
  redA = s;
  redDa = b - s + bb;
  return Math.trunc(sum) & 3;
}

function doSinCos(a: number, da: number, n: number): number {
  const r = n & 1 ? doCos(a, da) : doSin(a, da);
  return n & 2 ? -r : r;
}

/** glibc sin(x). */
export function sin(x: number): number {
  F64[0] = x;
  const k = U32[1] & 0x7fffffff;
  if (k < 0x3e500000) return x;
  if (k < 0x3feb6000) return doSin(x, 0);
  if (k < 0x400368fd) {
    const r = doCos(HP0 - (x < 0 ? -x : x), HP1);
    return x < 0 ? -r : r;
  }
  if (k < 0x419921fb) {
    const n = reduceSinCos(x);
    return doSinCos(redA, redDa, n);
  }
  if (k < 0x7ff00000) {
    const n = branred(x);
    return doSinCos(redA, redDa, n);
  }
  return NaN;
}

/** glibc cos(x). */
export function cos(x: number): number {
  F64[0] = x;
  const k = U32[1] & 0x7fffffff;
  if (k < 0x3e400000) return 1.0;
  if (k < 0x3feb6000) return doCos(x, 0);
  if (k < 0x400368fd) {
    const y = HP0 - (x < 0 ? -x : x);
    const a = y + HP1;
    const da = y - a + HP1;
    return doSin(a, da);
  }
  if (k < 0x419921fb) {
    const n = reduceSinCos(x);
    return doSinCos(redA, redDa, n + 1);
  }
  if (k < 0x7ff00000) {
    const n = branred(x);
    return doSinCos(redA, redDa, n + 1);
  }
  return NaN;
}

// ---------------------------------------------------------------------------------------------
// logf, sinf, cosf (float32 argument and result; computed in double)
// ---------------------------------------------------------------------------------------------

const LOGF_LN2 = LOGF_MISC[0];
const LOGF_A0 = LOGF_MISC[1];
const LOGF_A1 = LOGF_MISC[2];
const LOGF_A2 = LOGF_MISC[3];

/** glibc logf(x); x must be a float32 value. */
export function logf(x: number): number {
  F32[0] = x;
  let ix = U32F[0];
  if (ix === 0x3f800000) return 0;
  if (((ix - 0x00800000) >>> 0) >= 0x7f000000) {
    if (((ix << 1) >>> 0) === 0) return -Infinity;
    if (ix === 0x7f800000) return x;
    if (ix & 0x80000000 || ((ix << 1) >>> 0) >= 0xff000000) return NaN;
    F32[0] = x * 8388608; // 2^23: exact for subnormals
    ix = (U32F[0] - (23 << 23)) >>> 0;
  }
  const tmp = (ix - 0x3f330000) | 0;
  const i = (tmp >>> 19) & 15;
  const k = tmp >> 23;
  U32F[0] = ix - (tmp & 0xff800000);
  const z = F32[0];
  const y0 = fma64(k, LOGF_LN2, LOGF_TAB[2 * i + 1]);
  const r = fmaMinusOne(z, LOGF_TAB[2 * i]);
  let y = fma64(r, LOGF_A1, LOGF_A2);
  const r2 = r * r;
  const t = r + y0;
  y = fma64(r2, LOGF_A0, y);
  return Math.fround(fma64(r2, y, t));
}

/** sinf_poly with the quadrant-adjusted argument; o = 0 or 14 selects the sincos_t record. */
function sinfPolySin(x1: number, x2: number, o: number): number {
  const t = fma64(x2, SINCOSF[o + 12], SINCOSF[o + 10]);
  const x3 = x2 * x1;
  const x7 = x3 * x2;
  const s = fma64(x3, SINCOSF[o + 8], x1);
  return Math.fround(fma64(t, x7, s));
}

function sinfPolyCos(x2: number, o: number): number {
  const x4 = x2 * x2;
  const c1 = fma64(x2, SINCOSF[o + 7], SINCOSF[o + 6]);
  const c2 = fma64(x2, SINCOSF[o + 13], SINCOSF[o + 11]);
  const x6 = x2 * x4;
  const c = fma64(x4, SINCOSF[o + 9], c1);
  return Math.fround(fma64(c2, x6, c));
}

const M64 = (1n << 64n) - 1n;

/** reduce_large for |x| >= 120: exact fixed-point product with 4/pi; returns n, sets redA. */
function reduceLargeF(xi: number): number {
  const o = (xi >>> 26) & 15;
  const shift = (xi >>> 23) & 7;
  const m = (((xi & 0xffffff) | 0x800000) << shift) >>> 0;
  const res0 = BigInt(Math.imul(m, INV_PIO4[o]) >>> 0);
  const res1 = BigInt(m) * BigInt(INV_PIO4[o + 4]);
  const res2 = BigInt(m) * BigInt(INV_PIO4[o + 8]);
  let r = (((res2 >> 32n) | (res0 << 32n)) + res1) & M64;
  const n = ((r + (1n << 61n)) & M64) >> 62n;
  r = (r - (n << 62n)) & M64;
  redA = Number(BigInt.asIntN(64, r)) * PI63;
  return Number(n);
}

function sinfcosf(y: number, wantCos: number): number {
  F32[0] = y;
  const ix = U32F[0];
  const top = (ix >>> 20) & 0x7ff;
  const x = y;
  if (top < 0x3f4) {
    if (top < 0x398) return wantCos ? 1 : y;
    const x2 = x * x;
    return wantCos ? sinfPolyCos(x2, 0) : sinfPolySin(x, x2, 0);
  }
  let n: number;
  let xr: number;
  let sgnIdx: number;
  if (top < 0x42f) {
    n = ((Math.trunc(x * SINCOSF[4]) + 0x800000) | 0) >> 24;
    xr = fma64(-n, SINCOSF[5], x);
    sgnIdx = n & 3;
  } else if (top < 0x7f8) {
    n = reduceLargeF(ix);
    xr = redA;
    sgnIdx = (n + (ix >>> 31)) & 3;
  } else {
    return NaN;
  }
  const o = sgnIdx & 2 ? 14 : 0;
  const x2 = xr * xr;
  if ((n ^ wantCos) & 1) return sinfPolyCos(x2, o);
  return sinfPolySin(xr * SINCOSF[sgnIdx], x2, o);
}

/** glibc sinf(x); x must be a float32 value. */
export function sinf(x: number): number {
  return sinfcosf(x, 0);
}

/** glibc cosf(x); x must be a float32 value. */
export function cosf(x: number): number {
  return sinfcosf(x, 1);
}

// ---------------------------------------------------------------------------------------------
// avx_mathfun.h log256_ps / sincos256_ps, one float32 lane (PyTorch 1.13 AVX2 kernel)
// ---------------------------------------------------------------------------------------------

function f32bits(b: number): number {
  U32F[0] = b;
  return F32[0];
}

const C_SQRTHF = f32bits(0x3f3504f3);
const LP0 = f32bits(0x3d9021bb), LP1 = f32bits(0xbdebd1b8), LP2 = f32bits(0x3def251a);
const LP3 = f32bits(0xbdfe5d4f), LP4 = f32bits(0x3e11e9bf), LP5 = f32bits(0xbe2aae50);
const LP6 = f32bits(0x3e4cceac), LP7 = f32bits(0xbe7ffffc), LP8 = f32bits(0x3eaaaaaa);
const LQ1 = f32bits(0xb95e8083);
const LQ2 = f32bits(0x3f318000);
const FOPI = f32bits(0x3fa2f983);
const DP1 = f32bits(0xbf490000), DP2 = f32bits(0xb97da000), DP3 = f32bits(0xb3222169);
const SP0 = f32bits(0xb94ca1f9), SP1 = f32bits(0x3c08839e), SP2 = f32bits(0xbe2aaaa3);
const CP0 = f32bits(0x37ccf5ce), CP1 = f32bits(0xbab6061a), CP2 = f32bits(0x3d2aaaa5);
/** float32(2*pi), the AVX2 kernel's two_pi constant. */
export const TWO_PI_F32 = f32bits(0x40c90fdb);

/**
 * Lane results for the kernels: [0] = log256, [1] = sin, [2] = cos. Writing doubles to a typed
 * array instead of returning them keeps V8 from boxing a number per call in the hot loop.
 */
export const LANE = new Float64Array(3);

/** log256_ps lane: natural log of a float32 x (NaN for x <= 0 or NaN). */
export function log256(x: number): number {
  log256Lane(x);
  return LANE[0];
}

/** log256 into LANE[0]. */
export function log256Lane(x: number): void {
  if (!(x > 0)) {
    LANE[0] = NaN;
    return;
  }
  if (x < 1.1754943508222875e-38) x = 1.1754943508222875e-38; // max(x, FLT_MIN)
  F32[0] = x;
  const b = U32F[0];
  U32F[0] = (b & 0x807fffff) | 0x3f000000;
  let m = F32[0];
  let e = Math.fround(((b >>> 23) - 127) + 1);
  if (m < C_SQRTHF) {
    e = Math.fround(e - 1);
    m = Math.fround(Math.fround(m - 1) + m);
  } else {
    m = Math.fround(m - 1);
  }
  const z = Math.fround(m * m);
  let y = fma32(LP0, m, LP1);
  y = fma32(y, m, LP2);
  y = fma32(y, m, LP3);
  y = fma32(y, m, LP4);
  y = fma32(y, m, LP5);
  y = fma32(y, m, LP6);
  y = fma32(y, m, LP7);
  y = fma32(y, m, LP8);
  y = Math.fround(y * m);
  y = fma32(y, z, Math.fround(e * LQ1));
  y = fma32(-z, 0.5, y);
  LANE[0] = fma32(e, LQ2, Math.fround(m + y));
}

/** sincos256_ps lane for a float32 x: sin into LANE[1], cos into LANE[2]. */
export function sincos256(xin: number): void {
  let signSin = xin < 0 || Object.is(xin, -0);
  const x0 = xin < 0 ? -xin : xin;
  let j = Math.trunc(Math.fround(x0 * FOPI));
  j = (j + 1) & ~1;
  const yq = j;
  const swapSin = (j & 4) !== 0;
  const polyIsSin = (j & 2) === 0;
  let x = fma32(yq, DP1, x0);
  x = fma32(yq, DP2, x);
  x = fma32(yq, DP3, x);
  const negCos = ((j - 2) & 4) === 0;
  if (swapSin) signSin = !signSin;
  const z = Math.fround(x * x);
  let yc = fma32(CP0, z, CP1);
  yc = fma32(yc, z, CP2);
  yc = Math.fround(yc * z);
  yc = fma32(yc, z, -Math.fround(z * 0.5));
  yc = Math.fround(yc + 1);
  let ys = fma32(SP0, z, SP1);
  ys = fma32(ys, z, SP2);
  ys = Math.fround(ys * z);
  ys = fma32(ys, x, x);
  // the kernel adds +0.0 to the selected values, turning -0 into +0 before the sign flips
  const s = (polyIsSin ? ys : yc) + 0;
  const c = (polyIsSin ? yc : ys) + 0;
  LANE[1] = signSin ? -s : s;
  LANE[2] = negCos ? -c : c;
}
