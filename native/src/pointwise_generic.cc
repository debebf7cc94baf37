// Portable element-wise kernels: one double at a time. See pointwise_impl.inc.
#pragma GCC diagnostic ignored "-Wpsabi"  // 64-byte vector values in static functions of this file only
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <climits>
#include <utility>
#include <vector>

#include "pointwise.h"

namespace tl {
namespace ew_generic {
#define TL_EW_SCALAR_ONLY
#include "pointwise_impl.inc"
}  // namespace ew_generic

const PointwiseOps kPwGeneric = ew_generic::kOps;
}  // namespace tl
