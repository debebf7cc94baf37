// Fused multiply-add with a single rounding, in float32 and float64.
//
// PyTorch's AVX2/AVX512 kernels are compiled with FMA contraction and glibc's libm picks its
// FMA-compiled variants on FMA-capable CPUs, so reproducing their bits needs a true fma in JS.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * float32 fma: fround(a*b + c) with one rounding. a, b, c must be float32 values.
 * a*b of two float32 values is exact in double; s = a*b + c carries at most one double rounding,
 * which can only change the float32 result when s lands exactly on a float32 midpoint: then the
 * sign of the TwoSum error says which neighbour the exact value is closer to.
 */
export function fma32(a: number, b: number, c: number): number {
  // kept tiny so V8 inlines it many times into the float32 polynomial kernels
  const s = a * b + c;
  const f = Math.fround(s);
  return f === s || Math.fround(2 * s - f) !== 2 * s - f ? f : fma32Tie(a * b, c, s, f, 2 * s - f);
}

/**
 * s = fl(p + c) is a float32 midpoint, f its float32 rounding and f2 the other neighbour (or
 * the sum overflowed): the exact sum's side of the midpoint decides.
 */
function fma32Tie(p: number, c: number, s: number, f: number, f2: number): number {
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  if (f - f !== 0) {
    // overflow: finite only when s is exactly the midpoint above FLT_MAX and the sum is below it
    if (s === 3.4028235677973366e38 && err < 0) return 3.4028234663852886e38;
    if (s === -3.4028235677973366e38 && err > 0) return -3.4028234663852886e38;
    return f;
  }
  if (err === 0) return f; // exact tie: fround already rounded half to even
  return err > 0 === f2 > f ? f2 : f;
}

const SPLIT = 134217729; // 2^27 + 1 (Veltkamp)
const BIG = 2 ** 970;
const TINY = 2 ** -960;
const SPLIT_MAX = 2 ** 995; // SPLIT * x must not overflow

/**
 * float64 fma: round(a*b + c) with one rounding, exact for all inputs.
 * Fast path: Dekker's exact product, TwoSum, and Boldo-Melquiond's round-to-odd on the low
 * part (the double rounding of th + (tl + pl) is harmless once the low sum is rounded to odd).
 * Inputs near the over/underflow limits take an exact BigInt path.
 */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  const ap = p < 0 ? -p : p;
  const ac = c < 0 ? -c : c;
  if (
    !(ap > TINY && ap < BIG && (ac < BIG && ac > TINY || c === 0) && a < SPLIT_MAX && a > -SPLIT_MAX && b < SPLIT_MAX && b > -SPLIT_MAX)
  ) {
    return fmaSlow(a, b, c);
  }
  if (c === 0) return p; // round(a*b) with the product's sign, whatever the sign of c
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ah * bh - p + ah * bl + al * bh + al * bl;
  const th = c + p;
  const bv = th - c;
  const tl = c - (th - bv) + (p - bv);
  let v = tl + pl;
  const bb = v - tl;
  const e = tl - (v - bb) + (pl - bb);
  if (e !== 0) {
    F64[0] = v;
    if ((U32[0] & 1) === 0) {
      // round to odd: step to the neighbour on the side of the exact value
      if (v > 0 === e > 0) {
        U32[0] = U32[0] + 1;
      } else if (U32[0] === 0) {
        U32[0] = 0xffffffff;
        U32[1] = U32[1] - 1;
      } else {
        U32[0] = U32[0] - 1;
      }
      v = F64[0];
    }
  }
  return th + v;
}

// ---- exact path ---------------------------------------------------------------------------

function decompose(x: number): [bigint, number] {
  // x = m * 2^e with integer m (x finite, nonzero)
  F64[0] = x;
  const hi = U32[1];
  const lo = U32[0];
  const exp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = exp - 1075;
  }
  return [hi >>> 31 ? -m : m, e];
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Correctly rounded (ties to even) double of m * 2^e. */
function roundToDouble(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  let a = neg ? -m : m;
  const len = bitLength(a);
  // target exponent of the last kept bit: 53 significant bits, but never below 2^-1074
  let shift = len - 53;
  if (e + shift < -1074) shift = -1074 - e;
  if (shift > 0) {
    const rem = a & ((1n << BigInt(shift)) - 1n);
    a >>= BigInt(shift);
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (a & 1n) === 1n)) a += 1n;
    e += shift;
  }
  // a < 2^54 here; a * 2^e is exact unless it overflows
  let r = Number(a);
  // scale in steps to avoid intermediate overflow/underflow of 2^e
  while (e > 0) {
    const s = Math.min(e, 1000);
    r *= 2 ** s;
    e -= s;
  }
  while (e < 0) {
    const s = Math.max(e, -1000);
    // exact: the result is representable (shift above kept it on the 2^-1074 grid)
    r *= 2 ** s;
    e -= s;
  }
  return neg ? -r : r;
}

function fmaSlow(a: number, b: number, c: number): number {
  if (a !== a || b !== b || c !== c) return NaN;
  if (a - a !== 0 || b - b !== 0) {
    // a or b infinite: the product is +-inf or NaN (inf * 0); c may cancel it
    return a * b + c;
  }
  if (c - c !== 0) return c;
  if (a === 0 || b === 0) return a * b + c; // exact zero product: IEEE sum rules decide the sign
  if (c === 0) return a * b;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const mp = ma * mb;
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = (mp << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) return 0; // exact cancellation of nonzero terms gives +0 in round-to-nearest
  return roundToDouble(sum, e);
}
