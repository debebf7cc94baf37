// A persistent pool of worker threads for the kernels. The calling thread always takes part
// as thread 0, so a pool of n threads owns n - 1 std::threads. Workers spin for a short while
// after each job (so back-to-back kernels do not pay a futex wake-up) and then sleep on a
// condition variable.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tl {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class ThreadPool {
 public:
  using Fn = void (*)(void* ctx, int tid, int nthreads);
  static ThreadPool& instance();  // process-wide; never destroyed (workers may outlive main)
  int size();                     // threads including the caller
  bool resize(int n);             // false if the threads could not be created
  // Runs fn(ctx, tid, n) on every thread of the pool, the caller being tid 0, and returns
  // when all have finished. Returns false without running anything when the pool does not
  // have exactly n threads or another thread (a Node worker_thread) is using it right now;
  // the caller then works alone.
  bool try_run(int n, Fn fn, void* ctx);
  void set_spin_us(int us) { spin_us_.store(us, std::memory_order_relaxed); }

 private:
  ThreadPool();
  void worker(int tid, uint64_t seen);
  void stop_workers();

  std::mutex run_mu_;  // held for the duration of a job and of a resize
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> gen_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> spin_us_{200};
  Fn fn_ = nullptr;
  void* ctx_ = nullptr;
  int size_ = 1;
  std::vector<std::thread> threads_;
};

// Sense-reversing spin barrier for the threads of one job.
class SpinBarrier {
 public:
  explicit SpinBarrier(int n) : n_(n) {}
  void wait() {
    if (n_ <= 1) return;
    const int ph = phase_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      count_.store(0, std::memory_order_relaxed);
      phase_.store(ph + 1, std::memory_order_release);
      return;
    }
    // Yield after a while: with more threads than free cores (tests running in parallel)
    // pure spinning would wait out whole scheduler time slices.
    for (uint32_t i = 0; phase_.load(std::memory_order_acquire) == ph; ++i) {
      if (i < 4096) cpu_relax(); else std::this_thread::yield();
    }
  }

 private:
  const int n_;
  std::atomic<int> count_{0};
  std::atomic<int> phase_{0};
};

int available_cpus();

}  // namespace tl
