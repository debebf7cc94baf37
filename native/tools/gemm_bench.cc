// Stand-alone tuning harness for the GEMM core (no Node): correctness spot checks and
// GFLOP/s for square and makemore-sized products under different blockings.
//   (from native/) g++ -O3 -std=c++17 -pthread -ffp-contract=off -Isrc src/gemm*.cc \
//     src/pointwise*.cc src/threadpool.cc tools/gemm_bench.cc -o /tmp/gemm_bench
//   /tmp/gemm_bench [isa] [threads] [MC KC NC]
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <algorithm>
#include <array>
#include <vector>

#include "gemm.h"

using clk = std::chrono::steady_clock;

template <typename T>
double check(int64_t M, int64_t N, int64_t K, bool ta, bool tb) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<T> A(M * K), B(K * N), C(M * N);
  for (auto& x : A) x = d(rng);
  for (auto& x : B) x = d(rng);
  tl::GemmArgs<T> g{1, M, N, K, A.data(), 0, ta ? 1 : K, ta ? M : 1,
                    B.data(), 0, tb ? 1 : N, tb ? K : 1, C.data(), 0, N, false};
  if constexpr (sizeof(T) == 4) tl::sgemm(g); else tl::dgemm(g);
  double maxerr = 0;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += (double)A[ta ? k * M + i : i * K + k] * (double)B[tb ? j * K + k : k * N + j];
      maxerr = std::max(maxerr, std::fabs(s - C[i * N + j]) / (1 + std::fabs(s)));
    }
  return maxerr;
}

double bench(int64_t M, int64_t N, int64_t K, bool ta = false, bool tb = false) {
  std::vector<float> A(M * K, 0.5f), B(K * N, 0.25f), C(M * N);
  tl::GemmArgs<float> g{1, M, N, K, A.data(), 0, ta ? 1 : K, ta ? M : 1,
                        B.data(), 0, tb ? 1 : N, tb ? K : 1, C.data(), 0, N, false};
  const double flop = 2.0 * M * N * K;
  // Best of many short trials: this VM's speed drifts by 10-20% from second to second.
  int reps = std::max<int>(1, (int)(3e7 / flop));
  for (int i = 0; i < 2; ++i) tl::sgemm(g);
  double best = 1e30;
  // One thread: count this thread's CPU time, which other processes on the VM do not inflate.
  const bool cpu = tl::get_num_threads() == 1;
  auto now = [cpu] {
    if (!cpu) return std::chrono::duration<double>(clk::now().time_since_epoch()).count();
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
  };
  for (int trial = 0; trial < (flop > 1e9 ? 8 : 30); ++trial) {
    const double t0 = now();
    for (int i = 0; i < reps; ++i) tl::sgemm(g);
    best = std::min(best, (now() - t0) / reps);
  }
  return best;
}

// tune MC,KC,NC[;MC,KC,NC...] n: the configurations are interleaved round by round so that
// the VM's drift hits them all alike; prints the best GFLOP/s of each.
int tune(const char* cfgs, int64_t n, int rounds) {
  std::vector<std::array<int, 3>> list;
  for (const char* p = cfgs; *p;) {
    std::array<int, 3> c{};
    std::sscanf(p, "%d,%d,%d", &c[0], &c[1], &c[2]);
    list.push_back(c);
    const char* q = std::strchr(p, ';');
    if (!q) break;
    p = q + 1;
  }
  std::vector<double> best(list.size(), 0);
  for (int r = 0; r < rounds; ++r)
    for (size_t i = 0; i < list.size(); ++i) {
      tl::set_blocking_f32(list[i][0], list[i][1], list[i][2]);
      best[i] = std::max(best[i], 2.0 * n * n * n / bench(n, n, n) / 1e9);
    }
  for (size_t i = 0; i < list.size(); ++i)
    std::printf("MC=%4d KC=%4d NC=%5d n=%lld: %.1f GFLOP/s\n", list[i][0], list[i][1], list[i][2],
                (long long)n, best[i]);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "tune") == 0) {
    tl::set_num_threads(argc > 5 ? std::atoi(argv[5]) : 1);
    return tune(argv[2], std::atoll(argv[3]), std::atoi(argv[4]));
  }
  if (argc > 1 && !tl::force_isa(argv[1])) { std::printf("isa %s unsupported\n", argv[1]); return 1; }
  if (argc > 2) tl::set_num_threads(std::atoi(argv[2]));
  if (argc > 5) tl::set_blocking_f32(std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]));
  auto b = tl::blocking_f32();
  std::printf("isa=%s threads=%d MR=%d NR=%d MC=%d KC=%d NC=%d\n", tl::isa_name(),
              tl::get_num_threads(), b.MR, b.NR, b.MC, b.KC, b.NC);
  double e = 0;
  for (int64_t s : {1, 7, 15, 33, 100, 257})
    for (int t = 0; t < 4; ++t)
    {
      double e1 = check<float>(s, s + 3, s + 1, t & 1, t & 2), e2 = check<double>(s + 2, s, s + 5, t & 1, t & 2);
      if (e1 > 1e-5 || e2 > 1e-12) std::printf("BAD s=%lld t=%d f32 %.3g f64 %.3g\n", (long long)s, t, e1, e2);
      e = std::max({e, e1, e2});
    }
  std::printf("max rel err %.3g\n", e);
  for (int64_t n : {64, 128, 256, 512, 1024, 2048}) {
    double t = bench(n, n, n);
    std::printf("n=%5lld  %8.1f GFLOP/s  %9.1f us\n", (long long)n, 2.0 * n * n * n / t / 1e9, t * 1e6);
  }
  struct S { int64_t m, n, k; bool ta, tb; const char* name; } shapes[] = {
      {32, 200, 30, false, false, "[32,30]@[30,200]"},
      {32, 27, 200, false, false, "[32,200]@[200,27]"},
      {30, 200, 32, true, false, "[30,32]^T.. dW1 = X^T@dH"},
      {32, 30, 200, false, true, "dX = dH@W1^T"},
      {200, 27, 32, true, false, "dW2 = H^T@dL"},
      {32, 200, 27, false, true, "dH = dL@W2^T"},
  };
  for (auto& s : shapes) {
    double t = bench(s.m, s.n, s.k, s.ta, s.tb);
    std::printf("%-28s %8.1f GFLOP/s  %7.2f us\n", s.name, 2.0 * s.m * s.n * s.k / t / 1e9, t * 1e6);
  }
}
