// AVX-512 kernels. Only the functions in this region are compiled for AVX-512 (function
// target via pragma, no file-level -m flags), so the library still loads on any x86-64;
// gemm.cc calls into them only after __builtin_cpu_supports("avx512f").
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
