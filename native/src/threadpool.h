// A persistent pool of worker threads for the kernels. The calling thread always takes part
// as thread 0, so a pool of n threads owns n - 1 std::threads. Workers spin for a short while
// after each job (back-to-back kernels then skip a futex wake-up) and then sleep on a
// condition variable.
//
// Jobs hand out their work dynamically (atomic counters), so any subset of the threads
// completes a job, the caller alone included. That is what lets the caller finish without a
// worker that has not started yet: on a machine busy with other processes a worker may wait
// milliseconds for a core, and a job split statically would wait with it.
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

// Spins on pred() briefly, then yields the core between checks: with more runnable threads
// than cores, the thread we wait for may need ours.
template <typename Pred>
inline void spin_until(Pred pred) {
  for (uint32_t i = 0; !pred(); ++i) {
    if (i < 2048) cpu_relax(); else std::this_thread::yield();
  }
}

class ThreadPool {
 public:
  // fn(ctx, tid, nthreads): must complete the whole job whichever subset of tids runs it.
  using Fn = void (*)(void* ctx, int tid, int nthreads);
  static ThreadPool& instance();  // process-wide; never destroyed (workers may outlive main)
  int size();                     // threads including the caller
  bool resize(int n);             // false if the threads could not be created
  // Runs fn(ctx, 0, n) on the caller and offers the job to the n - 1 workers; returns once
  // the caller's part is done and every worker that joined has left. Workers that have not
  // joined by then skip the job. Returns false without running anything when the pool does
  // not have exactly n threads or another thread (a Node worker_thread) is using it.
  bool try_run(int n, Fn fn, void* ctx);
  void set_spin_us(int us) { spin_us_.store(us, std::memory_order_relaxed); }

 private:
  ThreadPool();
  void worker(int tid, uint64_t seen);
  void stop_workers();

  static constexpr uint64_t kClosed = uint64_t(1) << 31;
  static constexpr uint64_t kCountMask = kClosed - 1;

  std::mutex run_mu_;  // held for the duration of a job and of a resize
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> gen_{0};
  // (job generation << 32) | closed flag | number of workers inside the job
  std::atomic<uint64_t> entry_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> spin_us_{200};
  Fn fn_ = nullptr;
  void* ctx_ = nullptr;
  int size_ = 1;
  std::vector<std::thread> threads_;
};

int available_cpus();

}  // namespace tl
