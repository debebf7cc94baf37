// RNG fill loops for CPUs with AVX2 and FMA: __builtin_fma(f) become vfmadd instructions, and the
// Box-Muller lanes may be vectorized. See random_impl.inc.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "random.h"
#include "random_tables.h"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,avx,popcnt")
#include <immintrin.h>
namespace tl {
namespace rng_avx2 {
namespace {
// normal_fill_16_AVX2 with the 8 lanes in one register: random_impl.inc's log256 / sincos256 /
// box_muller16_f32, operation for operation (the same FMAs, blends where it selects).
inline __m256 f(uint32_t b) { return _mm256_castsi256_ps(_mm256_set1_epi32((int)b)); }

inline __m256 log256_v(__m256 x) {
  const __m256 invalid = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NGT_UQ);
  x = _mm256_max_ps(x, f(0x00800000u));
  const __m256i b = _mm256_castps_si256(x);
  __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi32(0x807fffff)),
                                                 _mm256_set1_epi32(0x3f000000)));
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(b, 23), _mm256_set1_epi32(127))), one);
  const __m256 lt = _mm256_cmp_ps(m, f(0x3f3504f3u), _CMP_LT_OQ);
  e = _mm256_blendv_ps(e, _mm256_sub_ps(e, one), lt);
  const __m256 m1 = _mm256_sub_ps(m, one);
  m = _mm256_blendv_ps(m1, _mm256_add_ps(m1, m), lt);
  const __m256 z = _mm256_mul_ps(m, m);
  __m256 y = _mm256_fmadd_ps(f(0x3d9021bbu), m, f(0xbdebd1b8u));
  y = _mm256_fmadd_ps(y, m, f(0x3def251au));
  y = _mm256_fmadd_ps(y, m, f(0xbdfe5d4fu));
  y = _mm256_fmadd_ps(y, m, f(0x3e11e9bfu));
  y = _mm256_fmadd_ps(y, m, f(0xbe2aae50u));
  y = _mm256_fmadd_ps(y, m, f(0x3e4cceacu));
  y = _mm256_fmadd_ps(y, m, f(0xbe7ffffcu));
  y = _mm256_fmadd_ps(y, m, f(0x3eaaaaaau));
  y = _mm256_mul_ps(y, m);
  y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, f(0xb95e8083u)));
  y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
  const __m256 r = _mm256_fmadd_ps(e, f(0x3f318000u), _mm256_add_ps(m, y));
  return _mm256_blendv_ps(r, _mm256_set1_ps(NAN), invalid);
}

inline void sincos256_v(__m256 xin, __m256* so, __m256* co) {
  const __m256 sign = f(0x80000000u);
  const __m256 sign_in = _mm256_and_ps(xin, sign);
  const __m256 x0 = _mm256_andnot_ps(sign, xin);
  __m256i j = _mm256_cvttps_epi32(_mm256_mul_ps(x0, f(0x3fa2f983u)));
  j = _mm256_and_si256(_mm256_add_epi32(j, _mm256_set1_epi32(1)), _mm256_set1_epi32(~1));
  const __m256 yq = _mm256_cvtepi32_ps(j);
  const __m256 swap = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, _mm256_set1_epi32(4)), 29));
  const __m256 poly_is_sin = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(j, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
  __m256 x = _mm256_fmadd_ps(yq, f(0xbf490000u), x0);
  x = _mm256_fmadd_ps(yq, f(0xb97da000u), x);
  x = _mm256_fmadd_ps(yq, f(0xb3222169u), x);
  const __m256 neg_cos = _mm256_castsi256_ps(_mm256_slli_epi32(
      _mm256_andnot_si256(_mm256_sub_epi32(j, _mm256_set1_epi32(2)), _mm256_set1_epi32(4)), 29));
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 yc = _mm256_fmadd_ps(f(0x37ccf5ceu), z, f(0xbab6061au));
  yc = _mm256_fmadd_ps(yc, z, f(0x3d2aaaa5u));
  yc = _mm256_mul_ps(yc, z);
  yc = _mm256_fmadd_ps(yc, z, _mm256_xor_ps(_mm256_mul_ps(z, _mm256_set1_ps(0.5f)), sign));
  yc = _mm256_add_ps(yc, _mm256_set1_ps(1.0f));
  __m256 ys = _mm256_fmadd_ps(f(0xb94ca1f9u), z, f(0x3c08839eu));
  ys = _mm256_fmadd_ps(ys, z, f(0xbe2aaaa3u));
  ys = _mm256_mul_ps(ys, z);
  ys = _mm256_fmadd_ps(ys, x, x);
  const __m256 s = _mm256_add_ps(_mm256_blendv_ps(yc, ys, poly_is_sin), _mm256_setzero_ps());
  const __m256 c = _mm256_add_ps(_mm256_blendv_ps(ys, yc, poly_is_sin), _mm256_setzero_ps());
  *so = _mm256_xor_ps(s, _mm256_xor_ps(sign_in, swap));
  *co = _mm256_xor_ps(c, neg_cos);
}

inline void box_muller16_f32_simd(float* d, float mean, float std) {
  const __m256 u = _mm256_loadu_ps(d);
  const __m256 v = _mm256_loadu_ps(d + 8);
  const __m256 radius = _mm256_sqrt_ps(
      _mm256_mul_ps(_mm256_set1_ps(-2.0f), log256_v(_mm256_sub_ps(_mm256_set1_ps(1.0f), u))));
  __m256 s, c;
  sincos256_v(_mm256_mul_ps(f(0x40c90fdbu), v), &s, &c);
  const __m256 n1 = _mm256_mul_ps(radius, c);
  const __m256 n2 = _mm256_mul_ps(radius, s);
  const __m256 m = _mm256_set1_ps(mean);
  if (std == 1.0f) {
    _mm256_storeu_ps(d, _mm256_add_ps(n1, m));
    _mm256_storeu_ps(d + 8, _mm256_add_ps(n2, m));
  } else {
    const __m256 sd = _mm256_set1_ps(std);
    _mm256_storeu_ps(d, _mm256_fmadd_ps(n1, sd, m));
    _mm256_storeu_ps(d + 8, _mm256_fmadd_ps(n2, sd, m));
  }
}
}  // namespace
#define RNG_BOX_MULLER16_F32_SIMD box_muller16_f32_simd
#include "random_impl.inc"
}  // namespace rng_avx2
namespace rng {
const Kernels kRngAvx2 = rng_avx2::kKernels;
}  // namespace rng
}  // namespace tl
#pragma GCC pop_options
#endif
