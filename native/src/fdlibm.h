// exp and log of double exactly as V8 computes Math.exp / Math.log (src/base/ieee754.cc, a port
// of fdlibm's e_exp.c / e_log.c, FreeBSD msun variant): the softmax rows run in double, and using
// these makes the native kernels and the TypeScript ones (which call Math.exp) agree bit for bit.
// Written from fdlibm's published algorithm (Sun Microsystems, 1993: "Permission to use, copy,
// modify, and distribute this software is freely granted, provided that this notice is
// preserved"). The build has -ffp-contract=off, so every operation below rounds as written.
#pragma once
// exp8 passes 64-byte vectors by value between functions of one file only
#pragma GCC diagnostic ignored "-Wpsabi"
#include <cstdint>
#include <cstring>

namespace tl {
namespace fdlibm {

static inline int32_t hi_word(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return static_cast<int32_t>(u >> 32);
}
static inline uint32_t lo_word(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return static_cast<uint32_t>(u);
}
static inline double from_words(uint32_t hi, uint32_t lo) {
  const uint64_t u = (static_cast<uint64_t>(hi) << 32) | lo;
  double x;
  std::memcpy(&x, &u, 8);
  return x;
}

static inline double exp(double x) {
  static const double one = 1.0, halF[2] = {0.5, -0.5}, huge = 1.0e+300,
                      o_threshold = 7.09782712893383973096e+02, u_threshold = -7.45133219101941108420e+02,
                      ln2HI[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01},
                      ln2LO[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10},
                      invln2 = 1.44269504088896338700e+00, P1 = 1.66666666666666019037e-01,
                      P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                      P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08,
                      twom1000 = 9.33263618503218878990e-302;
  double hi = 0, lo = 0, c, t;
  int32_t k = 0;
  uint32_t hx = static_cast<uint32_t>(hi_word(x));
  const int xsb = (hx >> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) {  // |x| >= 709.78...
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lo_word(x)) != 0) return x + x;  // NaN
      return xsb == 0 ? x : 0.0;                             // exp(+-inf) = inf, 0
    }
    if (x > o_threshold) return __builtin_inf();
    if (x < u_threshold) return twom1000 * twom1000;  // underflow to 0
  }
  if (hx > 0x3fd62e42) {    // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      // V8's one change to the algorithm: exp(1) returns E itself (the formula is 1 ulp above)
      if (x == 1.0) return 2.71828182845904523536;
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = static_cast<int32_t>(invln2 * x + halF[xsb]);
      t = k;
      hi = x - t * ln2HI[0];  // exact
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {  // |x| < 2^-28
    if (huge + x > one) return one + x;
  } else {
    k = 0;
  }
  t = x * x;
  double twopk;
  if (k >= -1021) twopk = from_words(0x3ff00000u + (static_cast<uint32_t>(k) << 20), 0);
  else twopk = from_words(0x3ff00000u + (static_cast<uint32_t>(k + 1000) << 20), 0);
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return one - ((x * c) / (c - 2.0) - x);
  const double y = one - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.98846567431157953865e+307;  // 0x1p1023
    return y * twopk;
  }
  return y * twopk * twom1000;
}

static inline double log(double x) {
  static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
                      two54 = 1.80143985094819840000e+16, Lg1 = 6.666666666666735130e-01,
                      Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                      Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01,
                      Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01, zero = 0.0;
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int32_t k, hx, i, j;
  uint32_t lx;
  hx = hi_word(x);
  lx = lo_word(x);
  k = 0;
  if (hx < 0x00100000) {  // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf();  // log(+-0) = -inf
    if (hx < 0) return __builtin_nan("");                         // log(-#) = NaN
    k -= 54;
    x *= two54;  // subnormal: scale up
    hx = hi_word(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i = (hx + 0x95f64) & 0x100000;
  x = from_words(static_cast<uint32_t>(hx | (i ^ 0x3ff00000)), lo_word(x));  // x or x/2 in [sqrt(2)/2, sqrt(2))
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {  // -2^-20 <= f < 2^-20
    if (f == zero) {
      if (k == 0) return zero;
      dk = static_cast<double>(k);
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = static_cast<double>(k);
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = static_cast<double>(k);
  z = s * s;
  i = hx - 0x6147a;
  w = z * z;
  j = 0x6b851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

}  // namespace fdlibm
}  // namespace tl

// exp over 8 doubles at once, lane for lane the bits of tl::fdlibm::exp above: every branch of
// the scalar code is computed for all lanes and the lanes pick theirs (GCC vector extensions,
// compiled with the including file's instruction set). The build's -ffp-contract=off keeps
// each operation rounded as written.
namespace tl {
namespace fdlibm {

typedef double v8d __attribute__((vector_size(64), aligned(8), may_alias));
typedef long long v8l __attribute__((vector_size(64), aligned(8), may_alias));

static inline v8d exp8(v8d x) {
  const v8d one = v8d{} + 1.0;
  const v8l ix = reinterpret_cast<v8l&>(x);
  const v8l hx = (ix >> 32) & 0x7fffffff;  // |x|'s high word
  const v8l neg = ix < 0;                   // -1 where x < 0 (sign bit set)
  // |x| > 0.5 ln2: k = +-1 when |x| < 1.5 ln2, else trunc(x / ln2 +- 0.5)
  const v8l mid = hx < 0x3FF0A2B2;
  const v8d sgn = neg ? v8d{} - 1.0 : one;  // (neg is all-ones / zero per lane)
  const v8d hiA1 = x - sgn * 6.93147180369123816490e-01;
  const v8d loA1 = sgn * 1.90821492927058770002e-10;
  const v8l kA1 = neg ? v8l{} - 1 : v8l{} + 1;
  const v8d half = neg ? v8d{} - 0.5 : v8d{} + 0.5;
  const v8d fk = 1.44269504088896338700e+00 * x + half;
  // clamp before the conversion: lanes outside (|x| >= 709.78, NaN) are replaced below, and an
  // out-of-range conversion is undefined behaviour
  const v8d fkc = fk > 2000.0 ? v8d{} + 2000.0 : (fk < -2000.0 ? v8d{} - 2000.0 : (fk == fk ? fk : v8d{}));
  const v8l kA2 = __builtin_convertvector(fkc, v8l);
  const v8d tA2 = __builtin_convertvector(kA2, v8d);
  const v8d hiA2 = x - tA2 * 6.93147180369123816490e-01;
  const v8d loA2 = tA2 * 1.90821492927058770002e-10;
  const v8d hi = mid ? hiA1 : hiA2;
  const v8d lo = mid ? loA1 : loA2;
  const v8l kA = mid ? kA1 : kA2;
  const v8l pathA = hx > 0x3fd62e42;
  const v8d xr = pathA ? hi - lo : x;
  const v8l k = pathA ? kA : v8l{};
  const v8d t = xr * xr;
  const v8d c = xr - t * (1.66666666666666019037e-01 +
                          t * (-2.77777777770155933842e-03 +
                               t * (6.61375632143793436117e-05 +
                                    t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  // one division serves both forms: (x c) / (2 - c) is exactly -((x c) / (c - 2)) (IEEE
  // subtraction and division are symmetric in sign), and lo - (-q) is exactly lo + q
  const v8d q = (xr * c) / (c - 2.0);
  const v8d rC = one - (q - xr);  // k == 0
  const v8d y = one - ((lo + q) - hi);
  const v8l small = k < -1021;
  const v8l e = (small ? k + 1000 : k) + 0x3ff;
  const v8l ebits = (e & 0x7ff) << 52;
  const v8d twopk = reinterpret_cast<const v8d&>(ebits);
  const v8d twopk1023 = v8d{} + 8.98846567431157953865e+307;
  v8d r = k == 1024 ? y * 2.0 * twopk1023 : (small ? y * twopk * 9.33263618503218878990e-302 : y * twopk);
  r = k == 0 ? rC : r;
  // |x| < 2^-28: 1 + x
  r = hx < 0x3e300000 ? one + x : r;
  // V8: exp(1) = E
  r = x == 1.0 ? v8d{} + 2.71828182845904523536 : r;
  // |x| >= 709.78..: overflow, underflow, inf, NaN
  const v8l big = hx >= 0x40862E42;
  const v8d inf = v8d{} + __builtin_inf();
  v8d rb = x > 7.09782712893383973096e+02 ? inf : (x < -7.45133219101941108420e+02 ? v8d{} : r);
  rb = x == x ? rb : x + x;                    // NaN
  rb = x == inf ? inf : (x == -inf ? v8d{} : rb);
  return big ? rb : r;
}

}  // namespace fdlibm
}  // namespace tl
