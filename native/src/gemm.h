// Batched strided GEMM: C[b][i][j] (+)= sum_k A[b][i][k] * B[b][k][j].
// Strides are in elements; a batch stride of 0 broadcasts that operand. C's column stride is 1.
// All bounds checking happens in the callers (addon.cc, and the TypeScript wrappers).
#pragma once
#include <cstdint>

namespace tl {

template <typename T>
struct GemmArgs {
  int64_t batch, M, N, K;
  const T* A; int64_t aBS, aRS, aCS;
  const T* B; int64_t bBS, bRS, bCS;
  T* C; int64_t cBS, cRS;
  bool accumulate;  // beta == 1
  // Sequential sums over k without FMA (reference BLAS's order): bit-identical to torch 1.13
  // and to the TypeScript backend, at about half the speed. See gemm_impl.inc.
  bool exact;
};

// false: out of memory for the packing buffers (nothing was written).
bool sgemm(const GemmArgs<float>& a);
bool dgemm(const GemmArgs<double>& a);

void set_num_threads(int n);
int get_num_threads();
int default_num_threads();
const char* isa_name();            // the kernel set chosen at run time
bool force_isa(const char* name);  // "avx512", "avx2", "generic" (tests/benchmarks); false if unsupported
bool isa_supported(const char* name);

// Blocking parameters in effect (for the benchmark/report and for tuning experiments).
struct Blocking { int MR, NR, MC, KC, NC; };
Blocking blocking_f32();
Blocking blocking_f64();
void set_blocking_f32(int MC, int KC, int NC);  // tuning experiments only; 0 keeps a value
void set_blocking_f64(int MC, int KC, int NC);

// Size thresholds in multiply-adds (tests use them to reach every code path with small
// products): up to raw_max_fma the operands are read in place instead of packed (-1: always
// pack); from parallel_min_fma on the work is split over threads; from shared_b_min_fma on,
// the threads of a split product share one packed B block (-1 keeps the current value).
void set_thresholds(int64_t raw_max_fma, int64_t parallel_min_fma, int64_t shared_b_min_fma = -1);
void get_thresholds(int64_t* raw_max_fma, int64_t* parallel_min_fma,
                    int64_t* shared_b_min_fma = nullptr);

}  // namespace tl
