// AVX2 element-wise kernels (4 doubles per register). See pointwise_impl.inc.
#pragma GCC diagnostic ignored "-Wpsabi"  // 64-byte vector values in static functions of this file only
#include <immintrin.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <climits>
#include <utility>
#include <vector>

#include "pointwise.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma,avx,popcnt")
// after the target pragma: compiled with this file's instruction set (VEX-encoded scalar code;
// legacy SSE code between AVX-512 kernels paid transition stalls, ~10 ns an exp instead of ~1.5)

namespace tl {
namespace ew_avx2 {
struct D {
  using R = __m256d;
  using K = __m256d;  // all-ones lanes
  static constexpr int N = 4;
  static inline R loadf(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
  static inline R loadf_n(const float* p, int n) {
    float t[4] = {0, 0, 0, 0};
    for (int i = 0; i < n; ++i) t[i] = p[i];
    return loadf(t);
  }
  static inline void storef(float* p, R r) { _mm_storeu_ps(p, _mm256_cvtpd_ps(r)); }
  static inline void storef_n(float* p, R r, int n) {
    float t[4];
    storef(t, r);
    for (int i = 0; i < n; ++i) p[i] = t[i];
  }
  static inline R loadd(const double* p) { return _mm256_loadu_pd(p); }
  static inline void stored(double* p, R r) { _mm256_storeu_pd(p, r); }
  static inline R set1(double x) { return _mm256_set1_pd(x); }
  static inline R add(R a, R b) { return _mm256_add_pd(a, b); }
  static inline R sub(R a, R b) { return _mm256_sub_pd(a, b); }
  static inline R mul(R a, R b) { return _mm256_mul_pd(a, b); }
  static inline R div(R a, R b) { return _mm256_div_pd(a, b); }
  static inline R sqrt(R a) { return _mm256_sqrt_pd(a); }
  static inline R sign() { return _mm256_castsi256_pd(_mm256_set1_epi64x((long long)0x8000000000000000ull)); }
  static inline R neg(R a) { return _mm256_xor_pd(a, sign()); }
  static inline R abs(R a) { return _mm256_andnot_pd(sign(), a); }
  static inline R min(R a, R b) { return _mm256_min_pd(a, b); }
  static inline R max(R a, R b) { return _mm256_max_pd(a, b); }
  static inline K lt(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static inline K le(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
  static inline K gt(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static inline K eq(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  static inline K unord(R a, R b) { return _mm256_cmp_pd(a, b, _CMP_UNORD_Q); }
  static inline R blend(K k, R a, R b) { return _mm256_blendv_pd(a, b, k); }
  static inline R round_int(R x) { return _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline R pow2(R n) {
    __m256i w = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(n));
    w = _mm256_slli_epi64(_mm256_add_epi64(w, _mm256_set1_epi64x(1023)), 52);
    return _mm256_castsi256_pd(w);
  }
  static inline void frexp12(R x, R& m, R& e) {
    const __m256i u = _mm256_castpd_si256(x);
    m = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(u, _mm256_set1_epi64x(0x000fffffffffffffll)),
                                            _mm256_set1_epi64x(0x3ff0000000000000ll)));
    // exponent field -> double: OR it into the mantissa of 2^52, subtract 2^52 (and the bias)
    const __m256i ef = _mm256_and_si256(_mm256_srli_epi64(u, 52), _mm256_set1_epi64x(0x7ff));
    const R big = _mm256_castsi256_pd(_mm256_or_si256(ef, _mm256_set1_epi64x(0x4330000000000000ll)));
    e = _mm256_sub_pd(big, _mm256_set1_pd(4503599627370496.0 + 1023.0));
  }
  static inline R tof(R x) { return _mm256_cvtps_pd(_mm256_cvtpd_ps(x)); }
  static inline R and_bits(R a, R b) { return _mm256_and_pd(a, b); }
  static inline R or_bits(R a, R b) { return _mm256_or_pd(a, b); }
  static inline R copysign(R mag, R sgn) {
    return _mm256_or_pd(_mm256_andnot_pd(sign(), mag), _mm256_and_pd(sign(), sgn));
  }
};
struct F {
  using R = __m256;
  using I = __m256i;
  using K = __m256;  // all-ones lanes
  static constexpr int N = 8;
  static inline R loadf(const float* p) { return _mm256_loadu_ps(p); }
  static inline R loadf_n(const float* p, int n) {
    float t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < n; ++i) t[i] = p[i];
    return loadf(t);
  }
  static inline void storef(float* p, R r) { _mm256_storeu_ps(p, r); }
  static inline void storef_n(float* p, R r, int n) {
    float t[8];
    storef(t, r);
    for (int i = 0; i < n; ++i) p[i] = t[i];
  }
  static inline R set1(float x) { return _mm256_set1_ps(x); }
  static inline R sqrt(R a) { return _mm256_sqrt_ps(a); }
  static inline R add(R a, R b) { return _mm256_add_ps(a, b); }
  static inline R sub(R a, R b) { return _mm256_sub_ps(a, b); }
  static inline R mul(R a, R b) { return _mm256_mul_ps(a, b); }
  static inline R div(R a, R b) { return _mm256_div_ps(a, b); }
  static inline R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static inline R sign() { return _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u)); }
  static inline R neg(R a) { return _mm256_xor_ps(a, sign()); }
  static inline R abs(R a) { return _mm256_andnot_ps(sign(), a); }
  static inline K gt(R a, R b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static inline K lt(R a, R b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static inline K unord(R a, R b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
  static inline R blend(K k, R a, R b) { return _mm256_blendv_ps(a, b, k); }
  static inline R round_nearest(R x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline R floor(R x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static inline I cvt_round(R x) { return _mm256_cvtps_epi32(x); }
  static inline R cvt_float(I q) { return _mm256_cvtepi32_ps(q); }
  static inline I sub_i(I a, I b) { return _mm256_sub_epi32(a, b); }
  static inline I srai1(I e) { return _mm256_srai_epi32(e, 1); }
  static inline R pow2i(I q) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(q, _mm256_set1_epi32(127)), 23));
  }
  static inline R xor_sign(R y, R x) { return _mm256_xor_ps(y, _mm256_and_ps(x, sign())); }
  static inline K eq(R a, R b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static inline I seti(int v) { return _mm256_set1_epi32(v); }
  static inline I ilogb2k(R x) {
    return _mm256_sub_epi32(_mm256_and_si256(_mm256_srli_epi32(_mm256_castps_si256(x), 23), _mm256_set1_epi32(0xff)),
                            _mm256_set1_epi32(0x7f));
  }
  static inline R add_exp(R x, I q) {
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(x), _mm256_slli_epi32(q, 23)));
  }
  static inline I blend_i(K k, I a, I b) {
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), k));
  }
};
#include "pointwise_impl.inc"
}  // namespace ew_avx2

const PointwiseOps kPwAvx2 = ew_avx2::kOps;
}  // namespace tl

#pragma GCC pop_options
