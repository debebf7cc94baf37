// Portable path: GCC/Clang vector extensions, compiled for the baseline target (SSE2 on
// x86-64, NEON/whatever elsewhere). No fused multiply-add, so results may differ from the
// SIMD paths in the last bits; they are checked against the same tolerance in the tests.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "gemm_isa.h"

namespace tl {
namespace generic_detail {
template <typename TT, int WW>
struct VG {
  using T = TT;
  typedef TT R __attribute__((vector_size(sizeof(TT) * WW)));
  using M = int;  // number of valid lanes
  static constexpr int W = WW;
  static inline M mask(int n) { return n; }
  static inline R zero() { return R{}; }
  static inline R load(const T* p) {
    R r;
    std::memcpy(&r, p, sizeof r);
    return r;
  }
  static inline R loadm(const T* p, M m) {
    R r = R{};
    for (int i = 0; i < W && i < m; ++i) r[i] = p[i];
    return r;
  }
  static inline void store(T* p, R r) { std::memcpy(p, &r, sizeof r); }
  static inline void storem(T* p, R r, M m) {
    for (int i = 0; i < W && i < m; ++i) p[i] = r[i];
  }
  static inline R set1(T x) { return R{} + x; }
  static inline R fma(R a, R b, R c) { return a * b + c; }
  static inline R add(R a, R b) { return a + b; }
  static inline R mul(R a, R b) { return a * b; }
  static constexpr bool kFreeMask = false;
  static constexpr bool kTranspose = false;
  static inline void transpose(R*) {}
};
}  // namespace generic_detail

namespace generic_f32 {
using V = generic_detail::VG<float, 4>;
constexpr int MR = 6;
constexpr int NV = 2;
#include "gemm_impl.inc"
}  // namespace generic_f32

namespace generic_f64 {
using V = generic_detail::VG<double, 2>;
constexpr int MR = 6;
constexpr int NV = 2;
#include "gemm_impl.inc"
}  // namespace generic_f64

const IsaOps<float> kGenericF32 = {"generic", generic_f32::MR, generic_f32::NR, 120, 256,
                                   4096, generic_f32::pack_a, generic_f32::pack_b,
                                   generic_f32::macro};
const IsaOps<double> kGenericF64 = {"generic", generic_f64::MR, generic_f64::NR, 120, 256,
                                    4096, generic_f64::pack_a, generic_f64::pack_b,
                                    generic_f64::macro};
}  // namespace tl
