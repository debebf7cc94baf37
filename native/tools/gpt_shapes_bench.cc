// The char-GPT step's float32 products (bench/gpt_matmul_shapes.ts has the same list), timed
// straight on tl::sgemm: no Node, so tuning runs are quick and quiet.
//   (from native/) g++ -O3 -std=c++17 -pthread -ffp-contract=off -Isrc src/gemm*.cc \
//     src/pointwise*.cc src/threadpool.cc tools/gpt_shapes_bench.cc -o /tmp/gpt_bench
//   /tmp/gpt_bench [threads=1] [exact|fma|both] [cold=0] [index | MxKxN[t|n][t|n]]
// AB_SHARED=1 (2+ threads): alternates trials between threads sharing one packed B (where the
// shape allows) and each packing its own ([private B] columns).
// cold = 2: also A and B rotate through copies in 64 MiB (operands from L3 or memory).
// cold = 1: each call writes a different C out of a 64 MiB pool (C not in L2, as in a training
// step where every output is a fresh allocation); otherwise one C, hot in cache.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gemm.h"

struct Shape {
  int calls;
  int64_t batch, M, K, N;
  int64_t aBS, aRS, aCS, bBS, bRS, bCS;
};
// calls, batch, M, K, N, A strides (batch,row,col), B strides
static const Shape kShapes[] = {
    {48, 1, 1024, 32, 128, 0, 32, 1, 0, 128, 1},
    {48, 1, 128, 1024, 32, 0, 1, 128, 0, 32, 1},
    {48, 1, 1024, 128, 32, 0, 128, 1, 0, 1, 128},
    {4, 1, 512, 1024, 128, 0, 1, 512, 0, 128, 1},
    {4, 1, 1024, 128, 512, 0, 128, 1, 0, 512, 1},
    {4, 1, 128, 1024, 512, 0, 1, 128, 0, 512, 1},
    {4, 1, 1024, 128, 512, 0, 128, 1, 0, 1, 128},
    {4, 1, 1024, 512, 128, 0, 512, 1, 0, 1, 512},
    {4, 1, 1024, 512, 128, 0, 512, 1, 0, 128, 1},
    {4, 1, 128, 1024, 128, 0, 1, 128, 0, 128, 1},
    {4, 1, 1024, 128, 128, 0, 128, 1, 0, 1, 128},
    {4, 1, 1024, 128, 128, 0, 128, 1, 0, 128, 1},
    {32, 16, 64, 64, 32, 4096, 64, 1, 2048, 32, 1},
    {16, 16, 64, 32, 64, 8192, 128, 1, 2048, 1, 32},
    {16, 16, 64, 64, 32, 4096, 1, 64, 8192, 128, 1},
    {16, 16, 32, 64, 64, 2048, 1, 32, 4096, 64, 1},
    {16, 16, 64, 32, 64, 2048, 32, 1, 2048, 1, 32},
    {1, 1, 128, 1024, 65, 0, 1, 128, 0, 65, 1},
    {1, 1, 1024, 128, 65, 0, 128, 1, 0, 1, 128},
    {1, 1, 1024, 65, 128, 0, 65, 1, 0, 128, 1},
};

static int64_t span(int64_t b, int64_t r, int64_t c, int64_t bs, int64_t rs, int64_t cs) {
  return 1 + (b - 1) * bs + (r - 1) * rs + (c - 1) * cs;
}

int main(int argc, char** argv) {
  const int threads = argc > 1 ? atoi(argv[1]) : 1;
  const std::string mode = argc > 2 ? argv[2] : "both";
  const int coldLevel = argc > 3 ? atoi(argv[3]) : 0;
  const bool cold = coldLevel > 0;
  const std::string filter = argc > 4 ? argv[4] : "";
  tl::set_num_threads(threads);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> pool(cold ? (64 << 20) / 4 : 0);
  for (auto& x : pool) x = 0;
  double tot[2] = {0, 0}, totMin[2] = {0, 0};
  using clk = std::chrono::steady_clock;
  printf("threads %d %s C (GF/s median/max, us median)\n", threads, cold ? "cold" : "hot");
  std::vector<Shape> shapes(std::begin(kShapes), std::end(kShapes));
  long cm, ck, cn;
  char ta = 'n', tb = 'n';
  if (sscanf(filter.c_str(), "%ldx%ldx%ld%c%c", &cm, &ck, &cn, &ta, &tb) >= 3)
    shapes = {{1, 1, cm, ck, cn, 0, ta == 't' ? 1 : ck, ta == 't' ? cm : 1, 0, tb == 't' ? 1 : cn,
               tb == 't' ? ck : 1}};
  int idx = -1;
  for (const Shape& s : shapes) {
    ++idx;
    if (!filter.empty() && shapes.size() > 1 && std::to_string(idx) != filter) continue;
    // cold = 2: A and B rotate through copies too (operands made by earlier ops, not in L2)
    const int64_t aLen = span(s.batch, s.M, s.K, s.aBS, s.aRS, s.aCS), bLen = span(s.batch, s.K, s.N, s.bBS, s.bRS, s.bCS);
    const int copies = coldLevel >= 2 ? std::max<int64_t>(2, (64 << 20) / 4 / (aLen + bLen)) : 1;
    std::vector<float> A(aLen * copies), B(bLen * copies);
    const int64_t cN = s.batch * s.M * s.N;
    std::vector<float> Chot(cN);
    for (auto& x : A) x = d(rng);
    for (auto& x : B) x = d(rng);
    const double flop = 2.0 * s.batch * s.M * s.N * s.K;
    char name[160];
    snprintf(name, sizeof name, "%2dx b%-2ld [%ld,%ld](%ld,%ld)@[%ld,%ld](%ld,%ld)", s.calls, (long)s.batch,
             (long)s.M, (long)s.K, (long)s.aRS, (long)s.aCS, (long)s.K, (long)s.N, (long)s.bRS,
             (long)s.bCS);
    printf("%-50s", name);
    for (int ex = 0; ex < 2; ++ex) {
      if ((mode == "exact" && !ex) || (mode == "fma" && ex)) continue;
      const int reps = std::max(1, (int)(2e7 / flop));
      std::vector<double> ts, ts2;
      const bool ab = getenv("AB_SHARED") != nullptr;
      int64_t poolAt = 0;
      for (int t = 0; t < (ab ? 60 : 25); ++t) {
        if (ab) tl::set_thresholds(int64_t(1) << 21, int64_t(1) << 20, t % 2 ? int64_t(1) << 50 : 0);
        const auto t0 = clk::now();
        for (int r = 0; r < reps; ++r) {
          float* C = Chot.data();
          if (cold) {
            if (poolAt + cN > (int64_t)pool.size()) poolAt = 0;
            C = pool.data() + poolAt;
            poolAt += (cN + 15) / 16 * 16;
          }
          const int64_t cp = (int64_t)(r + t * reps) % copies;
          tl::GemmArgs<float> g{s.batch, s.M, s.N, s.K, A.data() + cp * aLen, s.aBS, s.aRS, s.aCS, B.data() + cp * bLen, s.bBS,
                                s.bRS, s.bCS, C, s.M * s.N, s.N, false, ex == 1};
          tl::sgemm(g);
        }
        (ab && t % 2 ? ts2 : ts).push_back(std::chrono::duration<double>(clk::now() - t0).count() / reps);
      }
      if (ab) {
        std::sort(ts2.begin(), ts2.end());
        printf("  [private B %4.0f/%4.0f]", flop / ts2[ts2.size() / 2] / 1e9, flop / ts2[0] / 1e9);
      }
      std::sort(ts.begin(), ts.end());
      const double med = ts[ts.size() / 2], mn = ts[0];
      printf("  %s %4.0f/%4.0f (%6.1f)", ex ? "exact" : "fma", flop / med / 1e9, flop / mn / 1e9, med * 1e6);
      tot[ex] += s.calls * med;
      totMin[ex] += s.calls * mn;
    }
    printf("\n");
  }
  printf("step total: fma %.2f ms (min %.2f), exact %.2f ms (min %.2f)\n", tot[0] * 1e3, totMin[0] * 1e3,
         tot[1] * 1e3, totMin[1] * 1e3);
}
