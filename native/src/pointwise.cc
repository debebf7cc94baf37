#include "pointwise.h"
#include "parallel.h"

#include <atomic>
#include <cstring>

#include "gemm.h"
#include "threadpool.h"

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



// Element-wise results do not depend on how the elements are split: large calls are cut along
// the outermost dim. (An operand of stride 0 there, a broadcast or the unused second input of a
// unary op, stays in place.)
void ew_f32(const EwArgs& a) {
  int64_t total = 1;
  for (int d = 0; d < a.nd; ++d) {
    if (a.shape[d] <= 0) return;
    total *= a.shape[d];
  }
  if (total < kEwParallelMin) {
    ops().ew(a);
    return;
  }
  const int64_t per_row = total / a.shape[0];
  parallel_for(a.shape[0], (kRowsGrainElems + per_row - 1) / per_row, [&](int64_t r0, int64_t r1) {
    EwArgs c = a;
    c.shape[0] = r1 - r0;
    c.out += r0 * a.st[0][0];
    c.in[0] += r0 * a.st[1][0];
    c.in[1] += r0 * a.st[2][0];
    ops().ew(c);
  });
}

void softmax_fwd_f32(const float* x, float* y, int64_t rows, int64_t n, bool log) {
  if (rows <= 0 || n <= 0) return;
  parallel_for(rows, (kRowsGrainElems + n - 1) / n, [&](int64_t b, int64_t e) {
    ops().softmax_fwd(x + b * n, y + b * n, e - b, n, log);
  });
}

void softmax_bwd_f32(const float* g, const float* y, float* gi, int64_t rows, int64_t n, bool log) {
  if (rows <= 0 || n <= 0) return;
  parallel_for(rows, (kRowsGrainElems + n - 1) / n, [&](int64_t b, int64_t e) {
    ops().softmax_bwd(g + b * n, y + b * n, gi + b * n, e - b, n, log);
  });
}

void layer_norm_fwd_f32(const float* x, float* y, int64_t M, int64_t N, float eps, const float* w,
                        const float* b, double* mean, double* rstd) {
  if (M <= 0 || N < 0) return;
  // every row is computed on its own: any split gives the same bits
  const int64_t grain = N > 0 ? (kRowsGrainElems + N - 1) / N : M;
  parallel_for(M, grain, [&](int64_t r0, int64_t r1) {
    ops().layer_norm_fwd(x + r0 * N, y + r0 * N, r1 - r0, N, eps, w, b, mean + r0, rstd + r0);
  });
}

void layer_norm_bwd_f32(const float* g, const float* x, float* r, int64_t M, int64_t N, const float* w,
                        const double* mean, const double* rstd, double* gw, double* gb) {
  if (M <= 0 || N < 0) return;
  if (get_num_threads() <= 1 || M * N < 2 * kRowsGrainElems) {
    ops().layer_norm_bwd(g, x, r, M, N, w, mean, rstd, gw, gb);
    return;
  }
  // Threads: one task sums the weight and bias gradients over all rows (each column adds its
  // rows in order), the others compute the input gradient by blocks of rows.
  const int64_t rows = 128;
  const int64_t blocks = r != nullptr ? (M + rows - 1) / rows : 0;
  const bool wb = gw != nullptr || gb != nullptr;
  parallel_for(blocks + (wb ? 1 : 0), 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      if (wb && t == 0) {
        ops().layer_norm_bwd(g, x, nullptr, M, N, w, mean, rstd, gw, gb);
        continue;
      }
      const int64_t r0 = (t - (wb ? 1 : 0)) * rows, r1 = std::min(M, r0 + rows);
      ops().layer_norm_bwd(g + r0 * N, x + r0 * N, r + r0 * N, r1 - r0, N, w, mean + r0, rstd + r0, nullptr, nullptr);
    }
  });
}

// An optimizer step split over the pool: each element is updated on its own, so the bits do
// not depend on the split. at(c, b) moves c's arrays to element b.
template <class Args, class At>
static void step_f32(const Args& a, void (*PointwiseOps::*kernel)(const Args&), At at) {
  if (a.n <= 0) return;
  parallel_for(a.n, 4 * kRowsGrainElems, [&](int64_t b, int64_t e) {
    Args c = a;
    at(c, b);
    c.n = e - b;
    (ops().*kernel)(c);
  });
}

void adam_f32(const AdamArgs& a) {
  step_f32(a, &PointwiseOps::adam, [](AdamArgs& c, int64_t b) {
    c.p += b;
    c.g += b;
    c.m += b;
    c.v += b;
    if (c.vmax != nullptr) c.vmax += b;
  });
}

void sgd_f32(const SgdArgs& a) {
  step_f32(a, &PointwiseOps::sgd, [](SgdArgs& c, int64_t b) {
    c.p += b;
    c.g += b;
    if (c.buf != nullptr) c.buf += b;
  });
}

void act_lanes_f32(int op, const float* x, float* y, int64_t n, const float* p) {
  parallel_for(n, 4 * kRowsGrainElems, [&](int64_t b, int64_t e) { ops().act_lanes(op, x + b, y + b, e - b, p); });
}

}  // namespace tl
