// Element-wise float32 kernels over strided views (a stride of 0 broadcasts). Each op
// computes in double precision and rounds once to float32 when it stores, exactly like the
// TypeScript backend's kernels (src/backend/js_elementwise.ts: "Float expressions run in
// double and are rounded on store", with its explicit roundings `$R` reproduced step by
// step), so + - * / sqrt and the other IEEE operations give the same bits, and exp, log,
// tanh (own double-precision polynomials, ~1 ulp of double) differ from V8's Math.* only
// when a result falls within ~1e-16 of a float32 rounding boundary.
#pragma once
#include <cstdint>

namespace tl {

// Keep in step with EW_OPS in src/backend/native.ts.
enum EwOp : int {
  // unary
  kCopy, kNeg, kAbs, kExp, kLog, kSqrt, kRsqrt, kTanh, kSigmoid, kRelu, kSquare, kReciprocal,
  kSilu, kClampMin, kClampMax, kClamp, kMulScalarAdd,
  // binary
  kAdd, kSub, kMul, kDiv, kAddAlpha, kMaximum, kMinimum, kThresholdBackward, kTanhBackward,
  kSigmoidBackward,
  kEwOpCount
};
int ew_arity(int op);  // 1 or 2 inputs; 0 for an unknown op

constexpr int kEwMaxDims = 8;

struct EwArgs {
  int op;
  int nd;                          // 1..kEwMaxDims, innermost last
  int64_t shape[kEwMaxDims];
  int64_t st[3][kEwMaxDims];       // strides of out, a, b
  float* out;                      // already offset
  const float* in[2];
  double P[2];                     // scalar parameters (alpha, bounds, ...)
};

void ew_f32(const EwArgs& a);

// Per instruction set (pointwise_<isa>.cc).
using EwFn = void (*)(const EwArgs&);
extern const EwFn kEwAvx512, kEwAvx2, kEwGeneric;
void ew_use_isa(const char* name);

}  // namespace tl
