// max/min with their indices, and var/std by Welford: C++ ports of the TypeScript loops
// (src/backend/js_reduce.ts's amax/amin/argmax/argmin, src/ops/reduction.ts's varianceCore),
// bit for bit. Each output is still the sequential scan (or Welford chain) over its reduced
// elements in row-major order; the vector kernels run several of them side by side, or split
// one scan into lanes whose results combine into the sequential one (reduce_stats_impl.inc).
#pragma once
#include <cstdint>

#include "reduce.h"

namespace tl {

constexpr int kStatMaxDims = kSumMaxDims;

// A strided input split into kept dims (one output each, row-major, written contiguously) and
// reduced dims (row-major: the order of the scan, and of the index argmax reports), each list
// coalesced (size-1 dims dropped, neighbours that form one run merged: the same elements in
// the same order).
struct StatLayout {
  int kn = 0, rn = 0;
  int64_t ksize[kStatMaxDims], kstride[kStatMaxDims];
  int64_t rsize[kStatMaxDims], rstride[kStatMaxDims];
  int64_t outN = 1, rcount = 1;  // outputs; reduced elements per output
};

StatLayout stat_layout(const int64_t* shape, const int64_t* strides, const bool* reduced, int nd);

// X: the input's first element. values[o] / indices[o] (flat over the reduced dims; either may
// be null) = the first NaN, else the first maximum (minimum) under > (<): -0 and +0 tie, and the
// earlier one wins. Needs L.rcount > 0.
void extreme_into(const float* X, const StatLayout& L, bool is_max, float* values, double* indices);
void extreme_into(const double* X, const StatLayout& L, bool is_max, double* values, double* indices);

// Welford in double per output: mean = 0, m2 = 0; per element v: d = v - mean, mean += d / n,
// m2 += d * (v - mean); var = m2 / (count > correction ? count - correction : 0), its square
// root when take_sqrt; both rounded once to T. NaN for both when nothing is reduced.
void welford_into(const float* X, const StatLayout& L, double correction, bool take_sqrt, float* var, float* mean);
void welford_into(const double* X, const StatLayout& L, double correction, bool take_sqrt, double* var, double* mean);

// A kernel set (reduce_stats.cc compiles one per instruction set)
struct StatKernels {
  void (*extreme_f32)(const float*, const StatLayout&, bool, float*, double*);
  void (*extreme_f64)(const double*, const StatLayout&, bool, double*, double*);
  void (*welford_f32)(const float*, const StatLayout&, double, bool, float*, float*);
  void (*welford_f64)(const double*, const StatLayout&, double, bool, double*, double*);
};

}  // namespace tl
