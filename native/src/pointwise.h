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
  kSilu, kClampMin, kClampMax, kClamp, kMulScalarAdd, kErf, kLeakyRelu,
  // binary
  kAdd, kSub, kMul, kDiv, kAddAlpha, kMaximum, kMinimum, kThresholdBackward, kTanhBackward,
  kSigmoidBackward, kReluBackward,
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

// Element-wise ops whose operands are not all float32: a uint8 (bool) condition or mask, or a
// bool result (pointwise_u8.cc). Each mirrors its js_elementwise.ts expression; they only
// select, copy or compare float32 values, so there is nothing to round.
// Keep in step with EW_U8_OPS in src/backend/native.ts.
enum EwU8Op : int {
  kWhere,       // out f32 = a (u8) != 0 ? b (f32) : c (f32)
  kMaskedFill,  // out f32 = b (u8) != 0 ? (float)P : a (f32)
  kEq, kNe, kLt, kLe, kGt, kGe,  // out u8 = a (f32) <op> b (f32), 1 or 0
  kEwU8OpCount
};
int ew_u8_arity(int op);  // 2 or 3 inputs; 0 for an unknown op
// What each operand holds: 4 = float32, 1 = uint8 (out, a, b, c; 0 = unused).
void ew_u8_itemsizes(int op, int sizes[4]);

struct EwU8Args {
  int op;
  int nd;                          // 1..kEwMaxDims, innermost last
  int64_t shape[kEwMaxDims];
  int64_t st[4][kEwMaxDims];       // strides of out, a, b, c in elements
  void* out;                       // already offset
  const void* in[3];
  double P;                        // masked_fill's value
};
void ew_u8(const EwU8Args& a);

// softmax / log_softmax over `rows` contiguous rows of n floats (the last dim), as torch 1.13's
// row kernels compute them (src/nn/softmax_f32.ts, its last-dim case): the row max, exp(x - max)
// on SLEEF's expf lanes, their sum in float over 8 lanes (vec::reduce_all), then (x - max) -
// log(sum) with SLEEF's logf, or exp * (1 / sum).
void softmax_fwd_f32(const float* x, float* y, int64_t rows, int64_t n, bool log);
// Its gradient: log_softmax g - exp(y) * sum(g) (one FMA), softmax (g - sum(g * y)) * y, the
// sums in softmax_f32.ts's 8-lane order (sum(g * y) with FMAs).
void softmax_bwd_f32(const float* g, const float* y, float* gi, int64_t rows, int64_t n, bool log);

// F.layer_norm over M contiguous rows of N floats as torch 1.13 computes it
// (src/nn/layer_norm_f32.ts): RowwiseMoments (Welford over 8 lanes, cascade), rstd = 1 / sqrt(var
// + eps), y = fma(fma(x, rstd, -rstd * mean), w, b); w, b: N floats or null (1 and 0). mean and
// rstd (floats, kept as doubles) for the backward.
void layer_norm_fwd_f32(const float* x, float* y, int64_t M, int64_t N, float eps, const float* w,
                        const float* b, double* mean, double* rstd);
// Its backward (layerNormBackwardF32): r (may be null) the input gradient; gw, gb (either may be
// null) set to the weight and bias gradients over all M rows (each column adds its rows in order).
void layer_norm_bwd_f32(const float* g, const float* x, float* r, int64_t M, int64_t N, const float* w,
                        const double* mean, const double* rstd, double* gw, double* gb);

// One Adam/AdamW step over n float32 elements, with the roundings of src/optim/adam.ts's
// tensor-op sequence (torch 1.13's): every op rounds to float32, add_'s and addcmul_'s
// multiply-adds are FMAs. The scalars arrive already computed (in JS, by the same expressions
// as adam.ts) and rounded to float32, as the ops cast them.
struct AdamArgs {
  float* p;
  const float* g;
  float* m;
  float* v;
  float* vmax;        // amsgrad's running max, or null
  int64_t n;
  bool maximize;
  int wd_mode;        // 0: none, 1: decoupled (AdamW: p *= decay), 2: L2 (Adam: g += wd * p)
  float decay;        // fround(1 - lr * wd)
  float wd;           // fround(wd)
  float beta1, one_minus_beta1;  // m = fma(g, 1 - beta1, m * beta1)
  float beta2, one_minus_beta2, bc2_sqrt, eps, neg_step;  // neg_step = fround(-(lr / bc1))
};
void adam_f32(const AdamArgs& a);

// One SGD step over n float32 elements (momentum, weight decay, nesterov, maximize), with the
// roundings of the float32 loop of src/optim/fused.ts's sgdFused: each step that loop rounds
// with Math.fround is rounded here, the rest computed in double (a * b + c: two operations, one
// rounding). The scalars arrive rounded to float32, as that loop rounds them.
struct SgdArgs {
  float* p;
  const float* g;
  float* buf;         // the momentum buffer (already created), or null: no momentum
  int64_t n;
  bool maximize;      // d = -1 * g: a NaN keeps its sign, as JavaScript's multiply leaves it
  bool use_wd;        // d = d + wd * p
  bool nesterov;      // with buf: d = d + momentum * buf, else d = buf
  float wd;           // fround(weight_decay)
  float momentum;     // fround(momentum)
  float damp;         // fround(1 - dampening)
  float neg_lr;       // fround(-lr)
};
void sgd_f32(const SgdArgs& a);

// y = op(x) over n contiguous floats the way torch 1.13's vector path computes them (pointwise_impl.inc
// act_lane): sigmoid, silu, gelu(tanh) for the chunks of 16 of a contiguous row (the rest of
// which src/backend/js_math.ts computes with glibc's functions), gelu (erf) for every element of
// a contiguous tensor (oneDNN's lane). y may be x (the same elements), nothing else of it.
// elu, softplus, mish: their vector lambdas, likewise for the chunks of 16, with float parameters
// p (elu: negcoef, poscoef, negiptcoef; softplus: beta, threshold); log_sigmoid: every element.
constexpr int kActSigmoid = 0, kActSilu = 1, kActGeluTanh = 2, kActGeluErf = 3, kActElu = 4, kActSoftplus = 5,
              kActMish = 6, kActLogSigmoid = 7, kActCount = 8;
void act_lanes_f32(int op, const float* x, float* y, int64_t n, const float* p);

// Per instruction set (pointwise_<isa>.cc).
using EwFn = void (*)(const EwArgs&);
struct PointwiseOps {
  EwFn ew;
  void (*softmax_fwd)(const float*, float*, int64_t, int64_t, bool);
  void (*softmax_bwd)(const float*, const float*, float*, int64_t, int64_t, bool);
  void (*adam)(const AdamArgs&);
  void (*sgd)(const SgdArgs&);
  void (*layer_norm_fwd)(const float*, float*, int64_t, int64_t, float, const float*, const float*, double*,
                         double*);
  void (*layer_norm_bwd)(const float*, const float*, float*, int64_t, int64_t, const float*, const double*,
                         const double*, double*, double*);
  void (*act_lanes)(int, const float*, float*, int64_t, const float*);
};
extern const PointwiseOps kPwAvx512, kPwAvx2, kPwGeneric;
void ew_use_isa(const char* name);

}  // namespace tl
