// AVX-512 kernels. Only the functions in this region are compiled for AVX-512 (function
// target via pragma, no file-level -m flags), so the library still loads on any x86-64;
// gemm.cc calls into them only after __builtin_cpu_supports("avx512f").
// GCC 12 warns about the _mm512_undefined_* placeholders inside its own intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "gemm_isa.h"

#ifndef TL_AVX512_F32_MR
#define TL_AVX512_F32_MR 14
#define TL_AVX512_F32_NV 2
#endif
#ifndef TL_AVX512_F64_MR
#define TL_AVX512_F64_MR 14
#define TL_AVX512_F64_NV 2
#endif

#pragma GCC push_options
#pragma GCC target("avx512f,fma,avx2,bmi,bmi2,popcnt")

namespace tl {
namespace avx512_f32 {
struct V {
  using T = float;
  using R = __m512;
  using M = __mmask16;
  static constexpr int W = 16;
  static inline M mask(int n) { return n >= 16 ? (M)0xFFFF : (M)((1u << n) - 1u); }
  static inline R zero() { return _mm512_setzero_ps(); }
  static inline R load(const T* p) { return _mm512_loadu_ps(p); }
  static inline R loadm(const T* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static inline void store(T* p, R r) { _mm512_storeu_ps(p, r); }
  static inline void storem(T* p, R r, M m) { _mm512_mask_storeu_ps(p, m, r); }
  static inline R set1(T x) { return _mm512_set1_ps(x); }
  static inline R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static inline R add(R a, R b) { return _mm512_add_ps(a, b); }
  static inline R mul(R a, R b) { return _mm512_mul_ps(a, b); }
  static constexpr bool kFreeMask = true;
  static constexpr bool kTranspose = true;
  // 16 x 16 transpose: unpack pairs of rows, then pairs of pairs, then 128-bit lanes twice.
  static inline void transpose(R* r) {
    R t[16];
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 4
    for (int g = 0; g < 4; ++g) {
      const __m512d a = _mm512_castps_pd(t[4 * g]), b = _mm512_castps_pd(t[4 * g + 1]);
      const __m512d c = _mm512_castps_pd(t[4 * g + 2]), d = _mm512_castps_pd(t[4 * g + 3]);
      r[4 * g + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));  // columns 4L+0, rows 4g..4g+3
      r[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));  // columns 4L+1
      r[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));  // columns 4L+2
      r[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));  // columns 4L+3
    }
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const R y0 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x88);
      const R y1 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xdd);
      const R y2 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x88);
      const R y3 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xdd);
      t[j] = _mm512_shuffle_f32x4(y0, y2, 0x88);
      t[8 + j] = _mm512_shuffle_f32x4(y0, y2, 0xdd);
      t[4 + j] = _mm512_shuffle_f32x4(y1, y3, 0x88);
      t[12 + j] = _mm512_shuffle_f32x4(y1, y3, 0xdd);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) r[i] = t[i];
  }
};
constexpr int MR = TL_AVX512_F32_MR;
constexpr int NV = TL_AVX512_F32_NV;
#include "gemm_impl.inc"
}  // namespace avx512_f32

namespace avx512_f64 {
struct V {
  using T = double;
  using R = __m512d;
  using M = __mmask8;
  static constexpr int W = 8;
  static inline M mask(int n) { return n >= 8 ? (M)0xFF : (M)((1u << n) - 1u); }
  static inline R zero() { return _mm512_setzero_pd(); }
  static inline R load(const T* p) { return _mm512_loadu_pd(p); }
  static inline R loadm(const T* p, M m) { return _mm512_maskz_loadu_pd(m, p); }
  static inline void store(T* p, R r) { _mm512_storeu_pd(p, r); }
  static inline void storem(T* p, R r, M m) { _mm512_mask_storeu_pd(p, m, r); }
  static inline R set1(T x) { return _mm512_set1_pd(x); }
  static inline R fma(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }
  static inline R add(R a, R b) { return _mm512_add_pd(a, b); }
  static inline R mul(R a, R b) { return _mm512_mul_pd(a, b); }
  static constexpr bool kFreeMask = true;
  static constexpr bool kTranspose = true;
  static inline void transpose(R* r) {
    R t[8];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      t[2 * i] = _mm512_unpacklo_pd(r[2 * i], r[2 * i + 1]);      // column 2L, rows 2i, 2i+1
      t[2 * i + 1] = _mm512_unpackhi_pd(r[2 * i], r[2 * i + 1]);  // column 2L+1
    }
#pragma GCC unroll 2
    for (int j = 0; j < 2; ++j) {
      const R y0 = _mm512_shuffle_f64x2(t[j], t[2 + j], 0x88);
      const R y1 = _mm512_shuffle_f64x2(t[j], t[2 + j], 0xdd);
      const R y2 = _mm512_shuffle_f64x2(t[4 + j], t[6 + j], 0x88);
      const R y3 = _mm512_shuffle_f64x2(t[4 + j], t[6 + j], 0xdd);
      r[j] = _mm512_shuffle_f64x2(y0, y2, 0x88);
      r[4 + j] = _mm512_shuffle_f64x2(y0, y2, 0xdd);
      r[2 + j] = _mm512_shuffle_f64x2(y1, y3, 0x88);
      r[6 + j] = _mm512_shuffle_f64x2(y1, y3, 0xdd);
    }
  }
};
constexpr int MR = TL_AVX512_F64_MR;
constexpr int NV = TL_AVX512_F64_NV;
#include "gemm_impl.inc"
}  // namespace avx512_f64

// MC x KC block of A in L2, KC x NR panel of B in L1 (see native/README.md for measurements).
const IsaOps<float> kAvx512F32 = {"avx512", avx512_f32::MR, avx512_f32::NR, 448, 256, 4096,
                                  avx512_f32::pack_a, avx512_f32::pack_b, avx512_f32::macro};
const IsaOps<double> kAvx512F64 = {"avx512", avx512_f64::MR, avx512_f64::NR, 224, 256, 4096,
                                   avx512_f64::pack_a, avx512_f64::pack_b, avx512_f64::macro};
}  // namespace tl

#pragma GCC pop_options
