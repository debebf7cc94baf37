// RNG fill loops for any CPU: __builtin_fma(f) call libm's fma/fmaf (exact). See random_impl.inc.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "random.h"
#include "random_tables.h"

namespace tl {
namespace rng_generic {
#include "random_impl.inc"
}  // namespace rng_generic
namespace rng {
const Kernels kRngGeneric = rng_generic::kKernels;
double glibc_log(double x) { return rng_generic::g_log(x); }
double glibc_sin(double x) { return rng_generic::g_sin(x); }
double glibc_cos(double x) { return rng_generic::g_cos(x); }
}  // namespace rng
}  // namespace tl
