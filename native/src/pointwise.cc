#include "pointwise.h"

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

// Element-wise results do not depend on how the elements are split, so large calls are shared
// with the pool: the outermost dim is cut into chunks handed out through an atomic counter.
// Below kEwParallelMin elements a job costs more than it saves (~2-5 us to wake a worker).
constexpr int64_t kEwParallelMin = int64_t(1) << 16;

struct EwJob {
  const EwArgs* a;
  int64_t rows;   // extent of dim 0
  int64_t chunk;  // rows per chunk
  std::atomic<int64_t> next{0};
};

static void ew_job(void* ctx, int, int) {
  EwJob& j = *static_cast<EwJob*>(ctx);
  const EwArgs& a = *j.a;
  for (;;) {
    const int64_t r0 = j.next.fetch_add(j.chunk, std::memory_order_relaxed);
    if (r0 >= j.rows) return;
    const int64_t r1 = r0 + j.chunk < j.rows ? r0 + j.chunk : j.rows;
    EwArgs c = a;
    c.shape[0] = r1 - r0;
    c.out += r0 * a.st[0][0];
    c.in[0] += r0 * a.st[1][0];
    c.in[1] += r0 * a.st[2][0];
    ops().ew(c);
  }
}

void ew_f32(const EwArgs& a) {
  int64_t total = 1;
  for (int d = 0; d < a.nd; ++d) {
    if (a.shape[d] <= 0) return;
    total *= a.shape[d];
  }
  const int nt = total >= kEwParallelMin ? get_num_threads() : 1;
  if (nt > 1 && a.shape[0] > 1) {
    EwJob j;
    j.a = &a;
    j.rows = a.shape[0];
    // about 4 chunks a thread, each of at least ~16k elements
    const int64_t per_row = total / a.shape[0];
    int64_t chunk = (j.rows + 4 * nt - 1) / (4 * nt);
    const int64_t min_rows = (16384 + per_row - 1) / per_row;
    if (chunk < min_rows) chunk = min_rows;
    j.chunk = chunk;
    // an input of one operand is a broadcast (stride 0) or the second input is unused (unary
    // ops pass in[1] = in[0] with stride 0): offsetting by stride 0 leaves it in place
    if (ThreadPool::instance().try_run(nt, &ew_job, &j)) return;
  }
  ops().ew(a);
}

void softmax_fwd_f32(const float* x, float* y, int64_t outer, int64_t n, int64_t inner, bool log) {
  if (outer > 0 && n > 0 && inner > 0) ops().softmax_fwd(x, y, outer, n, inner, log);
}

void softmax_bwd_f32(const float* g, const float* y, float* gi, int64_t outer, int64_t n,
                     int64_t inner, bool log, bool neg_zero_start) {
  if (outer > 0 && n > 0 && inner > 0) ops().softmax_bwd(g, y, gi, outer, n, inner, log, neg_zero_start);
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
