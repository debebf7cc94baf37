#include "threadpool.h"

#include <chrono>
#include <system_error>
#if defined(__linux__)
#include <sched.h>
#endif

namespace tl {

int available_cpus() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? (int)n : 1;
}

ThreadPool& ThreadPool::instance() {
  // Leaked on purpose: destroying joinable std::threads at exit would call std::terminate,
  // and Node may exit while workers sleep.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() { resize(available_cpus()); }

int ThreadPool::size() {
  std::lock_guard<std::mutex> lk(run_mu_);
  return size_;
}

void ThreadPool::stop_workers() {
  if (threads_.empty()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_.store(true, std::memory_order_seq_cst);
    gen_.fetch_add(1, std::memory_order_seq_cst);
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  stop_.store(false);
  size_ = 1;
}

bool ThreadPool::resize(int n) {
  if (n < 1) n = 1;
  std::lock_guard<std::mutex> lk(run_mu_);
  if (n == size_ && (int)threads_.size() == n - 1) return true;
  stop_workers();
  try {
    threads_.reserve(n - 1);
    for (int t = 1; t < n; ++t) threads_.emplace_back(&ThreadPool::worker, this, t, gen_.load());
  } catch (const std::system_error&) {
    // Keep the threads that did start.
  }
  size_ = (int)threads_.size() + 1;
  return size_ == n;
}

// `seen` is the generation when the thread was created, not when it first runs: a job or a
// stop posted in between must still count as new.
void ThreadPool::worker(int tid, uint64_t seen) {
  for (;;) {
    uint64_t g;
    const auto spin_until_t = std::chrono::steady_clock::now() +
                              std::chrono::microseconds(spin_us_.load(std::memory_order_relaxed));
    uint32_t i = 0;
    while ((g = gen_.load(std::memory_order_acquire)) == seen && !stop_.load()) {
      cpu_relax();
      if ((++i & 63) == 0 && std::chrono::steady_clock::now() > spin_until_t) {
        std::unique_lock<std::mutex> lk(mu_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        cv_.wait(lk, [&] { return gen_.load(std::memory_order_seq_cst) != seen || stop_.load(); });
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
      }
    }
    seen = g;
    if (stop_.load(std::memory_order_acquire)) return;
    // Join the job unless the caller has already closed it (or a newer one replaced it).
    uint64_t e = entry_.load(std::memory_order_acquire);
    for (;;) {
      if ((e >> 32) != (g & 0xffffffffu) || (e & kClosed)) break;
      if (entry_.compare_exchange_weak(e, e + 1, std::memory_order_acq_rel)) {
        fn_(ctx_, tid, size_);
        entry_.fetch_sub(1, std::memory_order_acq_rel);
        break;
      }
    }
  }
}

bool ThreadPool::try_run(int n, Fn fn, void* ctx) {
  std::unique_lock<std::mutex> lk(run_mu_, std::try_to_lock);
  if (!lk.owns_lock() || n != size_) return false;
  if (size_ == 1) {
    fn(ctx, 0, 1);
    return true;
  }
  fn_ = fn;
  ctx_ = ctx;
  const uint64_t g = gen_.load(std::memory_order_relaxed) + 1;
  entry_.store((g & 0xffffffffu) << 32, std::memory_order_relaxed);
  gen_.store(g, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    // Taking the mutex orders this notify after any worker that counted itself as a
    // sleeper has started waiting (it holds mu_ from the increment until wait releases it).
    std::lock_guard<std::mutex> guard(mu_);
    cv_.notify_all();
  }
  fn(ctx, 0, size_);
  entry_.fetch_or(kClosed, std::memory_order_acq_rel);
  spin_until([&] { return (entry_.load(std::memory_order_acquire) & kCountMask) == 0; });
  return true;
}

}  // namespace tl
