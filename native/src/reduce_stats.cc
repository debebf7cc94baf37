// The layout of a max/min or var/std reduction, and reduce_stats_impl.inc compiled three times:
// for AVX-512 (16 floats or 8 doubles per max/min register; Welford on 4-double registers, whose
// divisions have the same throughput per element as 8-double ones and a shorter latency), AVX2
// (8 floats, 4 doubles) and any CPU (16-byte vectors: SSE2 on x86-64). The set in use follows
// the GEMM's instruction-set choice (gemm.h isa_name / force_isa).
#pragma GCC diagnostic ignored "-Wpsabi"  // vector values in static functions of this file only
#include "reduce_stats.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "gemm.h"

namespace tl {

// Function targets only (no file-level -m flags), so the library still loads on any CPU.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,avx,popcnt")
namespace stats_avx512 {
constexpr int kVecBytes = 64, kWelfordBytes = 32;
#include "reduce_stats_impl.inc"
}  // namespace stats_avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,avx,popcnt")
namespace stats_avx2 {
constexpr int kVecBytes = 32, kWelfordBytes = 32;
#include "reduce_stats_impl.inc"
}  // namespace stats_avx2
#pragma GCC pop_options
#endif

namespace stats_generic {
constexpr int kVecBytes = 16, kWelfordBytes = 16;
#include "reduce_stats_impl.inc"
}  // namespace stats_generic

namespace {

const StatKernels& kernels() {
#if defined(__x86_64__) || defined(__i386__)
  const char* isa = isa_name();
  if (std::strcmp(isa, "avx512") == 0) return stats_avx512::kKernels;
  if (std::strcmp(isa, "avx2") == 0) return stats_avx2::kKernels;
#endif
  return stats_generic::kKernels;
}

// Appends a dim after dims [0, n), merged into the last one when it continues that one's run.
void append(int& n, int64_t* size, int64_t* stride, int64_t s, int64_t st) {
  if (n > 0 && stride[n - 1] == s * st) {
    size[n - 1] *= s;
    stride[n - 1] = st;
    return;
  }
  size[n] = s;
  stride[n] = st;
  ++n;
}

template <typename T>
void welford_or_nan(const T* X, const StatLayout& L, double correction, bool take_sqrt, T* var, T* mean,
                    void (*kernel)(const T*, const StatLayout&, double, bool, T*, T*)) {
  if (L.rcount == 0) {
    for (int64_t o = 0; o < L.outN; ++o) var[o] = mean[o] = NAN;
    return;
  }
  kernel(X, L, correction, take_sqrt, var, mean);
}

}  // namespace

StatLayout stat_layout(const int64_t* shape, const int64_t* strides, const bool* reduced, int nd) {
  StatLayout L;
  for (int d = 0; d < nd; ++d) {
    if (reduced[d]) L.rcount *= shape[d];
    else L.outN *= shape[d];
    if (shape[d] == 1) continue;
    if (reduced[d]) append(L.rn, L.rsize, L.rstride, shape[d], strides[d]);
    else append(L.kn, L.ksize, L.kstride, shape[d], strides[d]);
  }
  return L;
}

void extreme_into(const float* X, const StatLayout& L, bool is_max, float* values, double* indices) {
  kernels().extreme_f32(X, L, is_max, values, indices);
}
void extreme_into(const double* X, const StatLayout& L, bool is_max, double* values, double* indices) {
  kernels().extreme_f64(X, L, is_max, values, indices);
}

void welford_into(const float* X, const StatLayout& L, double correction, bool take_sqrt, float* var, float* mean) {
  welford_or_nan(X, L, correction, take_sqrt, var, mean, kernels().welford_f32);
}
void welford_into(const double* X, const StatLayout& L, double correction, bool take_sqrt, double* var,
                  double* mean) {
  welford_or_nan(X, L, correction, take_sqrt, var, mean, kernels().welford_f64);
}

}  // namespace tl
