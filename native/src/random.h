// PyTorch 1.13's CPU sampling loops over torchlette's MT19937 state (ports of
// src/random/kernels.ts, bit for bit: same draws, same twist points, same float operations,
// the FMAs where the TypeScript code calls fma32/fma64). The engine state stays in the caller's
// Uint32Array; `left`/`next` come in and go back out through Engine.
#pragma once
#include <cstdint>

namespace tl {
namespace rng {

constexpr int kMtN = 624;

// at::mt19937's state: words (untempered), outputs left before the next twist, next word.
// The entry point guarantees 1 <= left <= 624, next <= 624 and next + left - 1 <= 624, so every
// word read before the next twist lies inside the 624 (the TypeScript engine keeps the same
// invariant; a state breaking it is declined, and the TypeScript loop runs).
struct Engine {
  uint32_t* st;
  int32_t left;
  int32_t next;
};

// Output element types (the storage arrays of torchlette's dtypes).
enum Store : int { kF32 = 0, kF64 = 1, kI64 = 2, kI32 = 3, kI16 = 4, kI8 = 5, kU8 = 6, kBool = 7 };

// random_ / randint modes (src/random/kernels.ts randomFill / randomDefault).
enum RandomMode : int {
  kRand32 = 0,   // lo + random() % range (wrapping int64), stored like static_cast
  kRand64 = 1,   // lo + random64() % range
  kRandFull = 2, // (int64) random64()
  kRandDefault = 3,  // uniform_int_distribution<scalar_t> without bounds
};

struct Kernels {
  // uniform_: f32 (fused: one fmaf) / f64 (fused: one fma)
  void (*uniform_f32)(Engine&, float* out, int64_t n, double from, double to, bool fused);
  void (*uniform_f64)(Engine&, double* out, int64_t n, double from, double to, bool fused);
  // normal_ on >= 16 contiguous elements: uniforms first, then Box-Muller blocks of 16
  // (float32: the AVX2 kernel's avx_mathfun lanes, FMA build only; float64: glibc log/sin/cos)
  void (*normal16_f32)(Engine&, float* out, int64_t n, double mean, double std);
  void (*normal16_f64)(Engine&, double* out, int64_t n, double mean, double std, bool fused);
  // normal_ element by element from normal_distribution<double> (cached second sample in/out)
  void (*normal_scalar)(Engine&, void* out, bool f32, int64_t n, double mean, double std, bool fused,
                        bool* has_cached, double* cached);
  // exponential_: k * log(1 - uniform53), k = -1 / lambda
  void (*exponential)(Engine&, void* out, bool f32, int64_t n, double k);
  // bernoulli_(p) / dropout mask: value where uniform53 < p, else 0
  void (*bernoulli)(Engine&, void* out, Store s, int64_t n, double p, double value);
  // random_ / randint
  void (*random)(Engine&, void* out, Store s, int64_t n, RandomMode mode, uint64_t lo, uint64_t range);
};

extern const Kernels kRngAvx2;     // AVX2 + FMA instruction set (hardware FMA)
extern const Kernels kRngGeneric;  // baseline x86-64 / other CPUs (std::fma from libm)

// The set matching the GEMM's current ISA choice (gemm.h isa_name / force_isa).
const Kernels& kernels();

// glibc 2.36 log/sin/cos ports (generic set), exposed for the tests' comparison with libm.ts
double glibc_log(double x);
double glibc_sin(double x);
double glibc_cos(double x);

}  // namespace rng
}  // namespace tl
