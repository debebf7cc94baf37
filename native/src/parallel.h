// parallel_for for the element-wise and row kernels (pointwise.cc, pointwise_u8.cc).
#pragma once
#include <atomic>
#include <cstdint>

#include "gemm.h"
#include "threadpool.h"

namespace tl {

// Runs f(begin, end) over [0, n) in chunks of at least `grain` items, on the pool when there
// is more than one chunk and more than one thread. For work whose items are independent (rows
// of softmax and layer_norm's forward, Adam's elements): the results do not depend on the split.
template <typename F>
inline void parallel_for(int64_t n, int64_t grain, F&& f) {
  const int nt = get_num_threads();
  if (nt <= 1 || n < 2 * grain) {
    f(int64_t(0), n);
    return;
  }
  struct Ctx {
    F* f;
    int64_t n, chunk;
    std::atomic<int64_t> next{0};
  } c;
  c.f = &f;
  c.n = n;
  int64_t chunk = (n + 4 * nt - 1) / (4 * nt);
  c.chunk = chunk < grain ? grain : chunk;
  auto job = [](void* p, int, int) {
    Ctx& c = *static_cast<Ctx*>(p);
    for (;;) {
      const int64_t b = c.next.fetch_add(c.chunk, std::memory_order_relaxed);
      if (b >= c.n) return;
      (*c.f)(b, b + c.chunk < c.n ? b + c.chunk : c.n);
    }
  };
  if (!ThreadPool::instance().try_run(nt, job, &c)) f(int64_t(0), n);
}

// elements of work per chunk handed to a thread (below that a job costs more than it saves)
constexpr int64_t kRowsGrainElems = 16384;
// Element-wise calls below this many elements stay on the calling thread (~2-5 us to wake a
// worker).
constexpr int64_t kEwParallelMin = int64_t(1) << 16;

}  // namespace tl
