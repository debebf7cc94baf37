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
namespace tl {
namespace rng_avx2 {
#include "random_impl.inc"
}  // namespace rng_avx2
namespace rng {
const Kernels kRngAvx2 = rng_avx2::kKernels;
}  // namespace rng
}  // namespace tl
#pragma GCC pop_options
#endif
