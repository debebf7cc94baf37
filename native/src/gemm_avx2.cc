// AVX2 + FMA kernels (16 ymm registers: a 6 x 2-vector tile leaves room for B and A).
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "gemm_isa.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma,avx,popcnt")

namespace tl {
namespace avx2_f32 {
struct V {
  using T = float;
  using R = __m256;
  using M = __m256i;
  static constexpr int W = 8;
  static inline M mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static inline R zero() { return _mm256_setzero_ps(); }
  static inline R load(const T* p) { return _mm256_loadu_ps(p); }
  static inline R loadm(const T* p, M m) { return _mm256_maskload_ps(p, m); }
  static inline void store(T* p, R r) { _mm256_storeu_ps(p, r); }
  static inline void storem(T* p, R r, M m) { _mm256_maskstore_ps(p, m, r); }
  static inline R set1(T x) { return _mm256_set1_ps(x); }
  static inline R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static inline R add(R a, R b) { return _mm256_add_ps(a, b); }
  static inline R mul(R a, R b) { return _mm256_mul_ps(a, b); }
  static constexpr bool kFreeMask = false;
  static constexpr bool kTranspose = false;
  static inline void transpose(R*) {}
};
constexpr int MR = 6;
constexpr int NV = 2;
#include "gemm_impl.inc"
}  // namespace avx2_f32

namespace avx2_f64 {
struct V {
  using T = double;
  using R = __m256d;
  using M = __m256i;
  static constexpr int W = 4;
  static inline M mask(int n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static inline R zero() { return _mm256_setzero_pd(); }
  static inline R load(const T* p) { return _mm256_loadu_pd(p); }
  static inline R loadm(const T* p, M m) { return _mm256_maskload_pd(p, m); }
  static inline void store(T* p, R r) { _mm256_storeu_pd(p, r); }
  static inline void storem(T* p, R r, M m) { _mm256_maskstore_pd(p, m, r); }
  static inline R set1(T x) { return _mm256_set1_pd(x); }
  static inline R fma(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
  static inline R add(R a, R b) { return _mm256_add_pd(a, b); }
  static inline R mul(R a, R b) { return _mm256_mul_pd(a, b); }
  static constexpr bool kFreeMask = false;
  static constexpr bool kTranspose = false;
  static inline void transpose(R*) {}
};
constexpr int MR = 6;
constexpr int NV = 2;
#include "gemm_impl.inc"
}  // namespace avx2_f64

const IsaOps<float> kAvx2F32 = {"avx2", avx2_f32::MR, avx2_f32::NR, 240, 256, 4096,
                                avx2_f32::pack_a, avx2_f32::pack_b, avx2_f32::macro};
const IsaOps<double> kAvx2F64 = {"avx2", avx2_f64::MR, avx2_f64::NR, 120, 256, 4096,
                                 avx2_f64::pack_a, avx2_f64::pack_b, avx2_f64::macro};
}  // namespace tl

#pragma GCC pop_options
