// AVX-512 element-wise kernels (8 doubles per register). See pointwise_impl.inc.
#pragma GCC diagnostic ignored "-Wpsabi"  // 64-byte vector values in static functions of this file only
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"  // _mm512_undefined_pd in GCC 12's own headers
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
#pragma GCC target("avx512f,fma,avx2,bmi,bmi2,popcnt")
// after the target pragma: compiled with this file's instruction set (VEX-encoded scalar code;
// legacy SSE code between AVX-512 kernels paid transition stalls, ~10 ns an exp instead of ~1.5)

namespace tl {
namespace ew_avx512 {
struct D {
  using R = __m512d;
  using K = __mmask8;
  static constexpr int N = 8;
  static inline __mmask16 m16(int n) { return (__mmask16)((1u << n) - 1u); }
  static inline R loadf(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
  static inline R loadf_n(const float* p, int n) {
    return _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps(m16(n), p)));
  }
  static inline void storef(float* p, R r) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(r)); }
  static inline void storef_n(float* p, R r, int n) {
    _mm512_mask_storeu_ps(p, m16(n), _mm512_castps256_ps512(_mm512_cvtpd_ps(r)));
  }
  static inline R loadd(const double* p) { return _mm512_loadu_pd(p); }
  static inline void stored(double* p, R r) { _mm512_storeu_pd(p, r); }
  static inline R set1(double x) { return _mm512_set1_pd(x); }
  static inline R add(R a, R b) { return _mm512_add_pd(a, b); }
  static inline R sub(R a, R b) { return _mm512_sub_pd(a, b); }
  static inline R mul(R a, R b) { return _mm512_mul_pd(a, b); }
  static inline R div(R a, R b) { return _mm512_div_pd(a, b); }
  static inline R sqrt(R a) { return _mm512_sqrt_pd(a); }
  static inline __m512i sign() { return _mm512_set1_epi64((long long)0x8000000000000000ull); }
  static inline R neg(R a) {
    return _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a), sign()));
  }
  static inline R abs(R a) {
    return _mm512_castsi512_pd(_mm512_andnot_si512(sign(), _mm512_castpd_si512(a)));
  }
  static inline R min(R a, R b) { return _mm512_min_pd(a, b); }
  static inline R max(R a, R b) { return _mm512_max_pd(a, b); }
  static inline K lt(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static inline K le(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
  static inline K gt(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static inline K eq(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  static inline K unord(R a, R b) { return _mm512_cmp_pd_mask(a, b, _CMP_UNORD_Q); }
  static inline R blend(K k, R a, R b) { return _mm512_mask_blend_pd(k, a, b); }
  static inline R round_int(R x) {
    return _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static inline R pow2(R n) {
    __m512i w = _mm512_cvtepi32_epi64(_mm512_cvtpd_epi32(n));
    w = _mm512_slli_epi64(_mm512_add_epi64(w, _mm512_set1_epi64(1023)), 52);
    return _mm512_castsi512_pd(w);
  }
  static inline void frexp12(R x, R& m, R& e) {
    m = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
    e = _mm512_getexp_pd(x);
  }
  static inline R tof(R x) { return _mm512_cvtps_pd(_mm512_cvtpd_ps(x)); }
  static inline R and_bits(R a, R b) {
    return _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(a), _mm512_castpd_si512(b)));
  }
  static inline R or_bits(R a, R b) {
    return _mm512_castsi512_pd(_mm512_or_si512(_mm512_castpd_si512(a), _mm512_castpd_si512(b)));
  }
  static inline R copysign(R mag, R sgn) {
    return _mm512_castsi512_pd(_mm512_or_si512(_mm512_andnot_si512(sign(), _mm512_castpd_si512(mag)),
                                                _mm512_and_si512(sign(), _mm512_castpd_si512(sgn))));
  }
};
struct F {
  using R = __m512;
  using I = __m512i;
  using K = __mmask16;
  static constexpr int N = 16;
  static inline K m(int n) { return (K)((1u << n) - 1u); }
  static inline R loadf(const float* p) { return _mm512_loadu_ps(p); }
  static inline R loadf_n(const float* p, int n) { return _mm512_maskz_loadu_ps(m(n), p); }
  static inline void storef(float* p, R r) { _mm512_storeu_ps(p, r); }
  static inline void storef_n(float* p, R r, int n) { _mm512_mask_storeu_ps(p, m(n), r); }
  static inline R set1(float x) { return _mm512_set1_ps(x); }
  static inline R sqrt(R a) { return _mm512_sqrt_ps(a); }
  static inline R add(R a, R b) { return _mm512_add_ps(a, b); }
  static inline R sub(R a, R b) { return _mm512_sub_ps(a, b); }
  static inline R mul(R a, R b) { return _mm512_mul_ps(a, b); }
  static inline R div(R a, R b) { return _mm512_div_ps(a, b); }
  static inline R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static inline I sign() { return _mm512_set1_epi32((int)0x80000000u); }
  static inline R neg(R a) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), sign())); }
  static inline R abs(R a) { return _mm512_castsi512_ps(_mm512_andnot_si512(sign(), _mm512_castps_si512(a))); }
  static inline K gt(R a, R b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static inline K lt(R a, R b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static inline K unord(R a, R b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q); }
  static inline R blend(K k, R a, R b) { return _mm512_mask_blend_ps(k, a, b); }
  static inline R round_nearest(R x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline R floor(R x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static inline I cvt_round(R x) { return _mm512_cvtps_epi32(x); }
  static inline R cvt_float(I q) { return _mm512_cvtepi32_ps(q); }
  static inline I sub_i(I a, I b) { return _mm512_sub_epi32(a, b); }
  static inline I srai1(I e) { return _mm512_srai_epi32(e, 1); }
  static inline R pow2i(I q) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(q, _mm512_set1_epi32(127)), 23));
  }
  static inline R xor_sign(R y, R x) {
    return _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(y), _mm512_and_si512(_mm512_castps_si512(x), sign())));
  }
  static inline K eq(R a, R b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static inline I seti(int v) { return _mm512_set1_epi32(v); }
  static inline I ilogb2k(R x) {
    return _mm512_sub_epi32(_mm512_and_si512(_mm512_srli_epi32(_mm512_castps_si512(x), 23), _mm512_set1_epi32(0xff)),
                            _mm512_set1_epi32(0x7f));
  }
  static inline R add_exp(R x, I q) {
    return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(x), _mm512_slli_epi32(q, 23)));
  }
  static inline I blend_i(K k, I a, I b) { return _mm512_mask_blend_epi32(k, a, b); }
};
#include "pointwise_impl.inc"
}  // namespace ew_avx512

const PointwiseOps kPwAvx512 = ew_avx512::kOps;
}  // namespace tl

#pragma GCC pop_options
