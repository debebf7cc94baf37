// Float sums in PyTorch's exact accumulation order: a C++ port of src/backend/sum_order.ts
// (itself a port of ATen's SumKernel.cpp cascade_sum plus the TensorIterator logic that decides
// which elements share an accumulator), for inputs whose dtype is the output's (float32 or
// float64). Same operations in the same order, so the results equal the TypeScript backend's
// (and PyTorch's) bit for bit.
#pragma once
#include <cstdint>

namespace tl {

constexpr int kSumMaxDims = 16;

// out[...] = sum of x over the dims with reduced[d], written contiguously (row-major over the
// kept dims) at O. threads: PyTorch's intra-op thread count to emulate (the split of inputs of
// >= 32768 elements between threads changes which elements meet first); the work itself runs
// on the calling thread. skip_nan: nansum.
template <typename T>
void sum_into(const T* X, const int64_t* shape, const int64_t* strides, const bool* reduced, int nd,
              T* O, int threads, bool skip_nan);

}  // namespace tl
