#include "pointwise.h"

#include <cstring>

#include "gemm.h"

namespace tl {

namespace {
// Constant-initialized (null): gemm.cc's load-time ISA choice calls ew_use_isa, possibly
// before this file's dynamic initializers would run.
const PointwiseOps* g_pw = nullptr;

const PointwiseOps& ops() {
  if (g_pw == nullptr) ew_use_isa(isa_name());
  return *g_pw;
}
}

int ew_arity(int op) {
  if (op < 0 || op >= kEwOpCount) return 0;
  return op >= kAdd ? 2 : 1;
}

void ew_use_isa(const char* name) {
#if defined(__x86_64__) || defined(__i386__)
  if (std::strcmp(name, "avx512") == 0) { g_pw = &kPwAvx512; return; }
  if (std::strcmp(name, "avx2") == 0) { g_pw = &kPwAvx2; return; }
#endif
  g_pw = &kPwGeneric;
}

void ew_f32(const EwArgs& a) {
  for (int d = 0; d < a.nd; ++d)
    if (a.shape[d] <= 0) return;
  ops().ew(a);
}

void softmax_fwd_f32(const float* x, float* y, int64_t outer, int64_t n, int64_t inner, bool log) {
  if (outer > 0 && n > 0 && inner > 0) ops().softmax_fwd(x, y, outer, n, inner, log);
}

void softmax_bwd_f32(const float* g, const float* y, float* gi, int64_t outer, int64_t n,
                     int64_t inner, bool log) {
  if (outer > 0 && n > 0 && inner > 0) ops().softmax_bwd(g, y, gi, outer, n, inner, log);
}

void layer_norm_fwd_f32(const float* x, float* y, int64_t M, int64_t N, double eps, const double* w,
                        const double* b, double* mean, double* rstd) {
  if (M > 0 && N >= 0) ops().layer_norm_fwd(x, y, M, N, eps, w, b, mean, rstd);
}

void layer_norm_bwd_f32(const float* g, const float* x, float* r, int64_t M, int64_t N, const double* w,
                        const double* mean, const double* rstd, double* gw, double* gb) {
  if (M > 0 && N >= 0) ops().layer_norm_bwd(g, x, r, M, N, w, mean, rstd, gw, gb);
}

void adam_f32(const AdamArgs& a) {
  if (a.n > 0) ops().adam(a);
}

}  // namespace tl
