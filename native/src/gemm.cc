// GEMM driver: cache blocking (the three outer loops of the BLIS/GotoBLAS scheme), the choice
// between packing an operand and reading it in place, and the split of work over threads.
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "gemm_isa.h"
#include "pointwise.h"
#include "threadpool.h"

namespace tl {

namespace {

struct Tuning {
  int MC, KC, NC;
};

template <typename T>
struct State {
  const IsaOps<T>* ops;
  Tuning tune;
};

State<float> g_f32;
State<double> g_f64;
std::string g_isa;

bool cpu_has(const char* isa) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (std::strcmp(isa, "avx512") == 0) return __builtin_cpu_supports("avx512f");
  if (std::strcmp(isa, "avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return std::strcmp(isa, "generic") == 0;
}

template <typename T>
void select(State<T>& s, const IsaOps<T>& ops) {
  s.ops = &ops;
  s.tune = {ops.MC, ops.KC, ops.NC};
}

bool use_isa(const char* name) {
#if defined(__x86_64__) || defined(__i386__)
  if (std::strcmp(name, "avx512") == 0 && cpu_has(name)) {
    select(g_f32, kAvx512F32);
    select(g_f64, kAvx512F64);
  } else if (std::strcmp(name, "avx2") == 0 && cpu_has(name)) {
    select(g_f32, kAvx2F32);
    select(g_f64, kAvx2F64);
  } else
#endif
      if (std::strcmp(name, "generic") == 0) {
    select(g_f32, kGenericF32);
    select(g_f64, kGenericF64);
  } else {
    return false;
  }
  g_isa = name;
  ew_use_isa(name);  // the element-wise kernels follow the same choice
  return true;
}

struct Init {
  Init() {
    if (!use_isa("avx512") && !use_isa("avx2")) use_isa("generic");
  }
} g_init;

std::atomic<int> g_threads{0};  // 0: not yet set, use the pool's default

// Products below this many multiply-adds run on the calling thread: waking a worker and
// splitting the work costs a few microseconds (see native/README.md).
int64_t g_parallel_min_fma = int64_t(1) << 20;
// Products up to this many multiply-adds read A and (row-contiguous) B in place.
int64_t g_raw_max_fma = int64_t(1) << 21;
// Split over threads, products from this many multiply-adds (and with at least MC rows per
// thread) share one packed B block; smaller ones give each thread its own. Reading a block
// that another core packed moves every line across cores: for the GPT's products (up to
// 1024 x 512 x 128) that cost more than packing twice, e.g. [128, 1024]^T @ [1024, 32] took
// 66 us shared, 34 us private, 57 us on one thread; at 512^3 private 324 GFLOP/s vs 313,
// 256 x 2048 x 2048 258 vs 242; sharing wins at 1024^3 (318 vs 311) and 2048^3 (304 vs 289).
int64_t g_shared_b_min_fma = int64_t(1) << 29;

// Aligned scratch owned by one calling thread; workers receive slices of the caller's.
struct Scratch {
  void* p = nullptr;
  size_t cap = 0;
  void* get(size_t bytes) {
    if (bytes == 0) bytes = 64;  // never hand out null for an empty request
    if (bytes <= cap) return p;
    std::free(p);
    cap = 0;
    p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (p) cap = bytes;
    return p;
  }
  ~Scratch() { std::free(p); }
};
thread_local Scratch t_scratch;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

template <typename T>
struct Plan {
  const IsaOps<T>* ops;
  int64_t MR, NR, MC, KC, NC;
  bool rawA, rawB;
};

// Whether to read an operand in place instead of packing it. Packing costs one pass over
// the operand per outer block; it pays off when the packed block is reused many times.
// Small products (the makemore MLP's) are dominated by the packing pass, so they read both
// operands directly (A with any strides through scalar broadcasts, B only when its rows are
// contiguous).
template <typename T>
void choose_raw(Plan<T>& p, const GemmArgs<T>& g) {
  const int64_t fma = g.M * g.N * g.K;
  p.rawB = g.bCS == 1 && (fma <= g_raw_max_fma || (g_raw_max_fma >= 0 && g.M <= 2 * p.MR));
  p.rawA = fma <= g_raw_max_fma || (g_raw_max_fma >= 0 && g.N <= p.NR);
}

template <typename T>
Plan<T> make_plan(const State<T>& s, const GemmArgs<T>& g) {
  Plan<T> p;
  p.ops = s.ops;
  p.MR = s.ops->MR;
  p.NR = s.ops->NR;
  p.MC = std::max<int64_t>(p.MR, s.tune.MC / p.MR * p.MR);
  p.KC = std::max(1, s.tune.KC);
  p.NC = std::max<int64_t>(p.NR, s.tune.NC / p.NR * p.NR);
  choose_raw(p, g);
  return p;
}

template <typename T>
size_t a_buf_elems(const Plan<T>& p, const GemmArgs<T>& g) {
  if (p.rawA) return 0;
  return (size_t)(round_up(std::min(g.M, p.MC), p.MR) * std::min(g.K, p.KC));
}
template <typename T>
size_t b_buf_elems(const Plan<T>& p, const GemmArgs<T>& g, int64_t n) {
  if (p.rawB) return 0;
  return (size_t)(round_up(std::min(n, p.NC), p.NR) * std::min(g.K, p.KC));
}

// One thread computes C[m0:m1, n0:n1] of one batch item.
template <typename T>
void gemm_block(const Plan<T>& p, const GemmArgs<T>& g, const T* A, const T* B, T* C,
                int64_t m0, int64_t m1, int64_t n0, int64_t n1, T* abuf, T* bbuf) {
  const IsaOps<T>& ops = *p.ops;
  for (int64_t jc = n0; jc < n1; jc += p.NC) {
    const int64_t nc = std::min(p.NC, n1 - jc);
    for (int64_t pc = 0; pc < g.K; pc += p.KC) {
      const int64_t kc = std::min(p.KC, g.K - pc);
      const bool acc = g.accumulate || pc > 0;
      const T* bsrc = B + pc * g.bRS + jc * g.bCS;
      const T* bp;
      int64_t rsB, bPanel;
      if (p.rawB) {
        bp = bsrc, rsB = g.bRS, bPanel = p.NR;
      } else {
        ops.pack_b(bsrc, g.bRS, g.bCS, kc, nc, bbuf);
        bp = bbuf, rsB = p.NR, bPanel = kc * p.NR;
      }
      for (int64_t ic = m0; ic < m1; ic += p.MC) {
        const int64_t mc = std::min(p.MC, m1 - ic);
        const T* asrc = A + ic * g.aRS + pc * g.aCS;
        T* c = C + ic * g.cRS + jc;
        if (p.rawA) {
          ops.macro(mc, nc, kc, asrc, g.aRS, g.aCS, p.MR * g.aRS, false, bp, rsB, bPanel,
                    !p.rawB, c, g.cRS, acc, g.exact);
        } else {
          ops.pack_a(asrc, g.aRS, g.aCS, mc, kc, abuf);
          ops.macro(mc, nc, kc, abuf, 1, p.MR, kc * p.MR, true, bp, rsB, bPanel, !p.rawB, c,
                    g.cRS, acc, g.exact);
        }
      }
    }
  }
}

enum class Mode { kBatch, kSplitN, kSplitM, kSharedB };

// Per-iteration counters of the shared-B mode (one iteration = one KC x NC block of B).
struct IterState {
  std::atomic<int64_t> pack_next{0}, pack_done{0}, comp_next{0}, comp_done{0};
};

template <typename T>
struct Job {
  const Plan<T>* plan;
  const GemmArgs<T>* g;
  Mode mode;
  T* abuf;  // per-thread slices of aStride elements
  T* bbuf;  // per-thread slices of bStride, or (kSharedB) two shared blocks of bStride
  size_t aStride, bStride;
  // kBatch / kSplitM / kSplitN: tasks = batch items x chunks of rows or columns
  int64_t chunks, chunk;  // chunks per batch item, rows or columns per chunk
  std::atomic<int64_t> next{0};
  // kSharedB
  int64_t njc, npc, packChunks, panelsPerChunk, compTasks, rowsPerTask;
  IterState* iters;
  std::atomic<uint8_t>* taskDone;  // [iteration][task]
};

// The shared-B mode: the threads pack each KC x NC block of B together (chunks of panels),
// then multiply row chunks of A against it. Everything is claimed through counters, so a
// thread that starts late (or never) only means the others do more. Two buffers alternate:
// block i may be packed once every task of block i-2 (same buffer) is done, which lets
// the packing of block i+1 overlap the last multiplications of block i. Row task t of
// block i adds into the same C rows as task t of block i-1 (the previous KC slice), so it
// waits for that one; no wait ever points to a later block, so there is no cycle.
template <typename T>
void run_shared_b(Job<T>& j, int tid) {
  const Plan<T>& p = *j.plan;
  const GemmArgs<T>& g = *j.g;
  const IsaOps<T>& ops = *p.ops;
  T* abuf = j.abuf + tid * j.aStride;
  const int64_t total = g.batch * j.njc * j.npc;
  for (int64_t i = 0; i < total; ++i) {
    IterState& st = j.iters[i];
    if (st.comp_next.load(std::memory_order_relaxed) >= j.compTasks) continue;  // all taken
    const int64_t b = i / (j.njc * j.npc);
    const int64_t jc = (i / j.npc) % j.njc * p.NC;
    const int64_t pc = i % j.npc * p.KC;
    const int64_t nc = std::min(p.NC, g.N - jc), kc = std::min(p.KC, g.K - pc);
    const T* A = g.A + b * g.aBS;
    T* C = g.C + b * g.cBS;
    T* bp = j.bbuf + (i & 1) * j.bStride;
    if (st.pack_next.load(std::memory_order_relaxed) < j.packChunks) {
      if (i >= 2) {
        IterState& old = j.iters[i - 2];
        spin_until([&] { return old.comp_done.load(std::memory_order_acquire) == j.compTasks; });
      }
      const int64_t npanels = ceil_div(nc, p.NR);
      for (int64_t c; (c = st.pack_next.fetch_add(1, std::memory_order_relaxed)) < j.packChunks;) {
        const int64_t q0 = std::min(npanels, c * j.panelsPerChunk);
        const int64_t q1 = std::min(npanels, q0 + j.panelsPerChunk);
        if (q0 < q1) {
          const int64_t c0 = q0 * p.NR, c1 = std::min(nc, q1 * p.NR);
          ops.pack_b(g.B + b * g.bBS + pc * g.bRS + (jc + c0) * g.bCS, g.bRS, g.bCS, kc, c1 - c0,
                     bp + q0 * kc * p.NR);
        }
        st.pack_done.fetch_add(1, std::memory_order_release);
      }
    }
    spin_until([&] { return st.pack_done.load(std::memory_order_acquire) == j.packChunks; });
    const bool acc = g.accumulate || pc > 0;
    for (int64_t t; (t = st.comp_next.fetch_add(1, std::memory_order_relaxed)) < j.compTasks;) {
      if (pc > 0) {
        std::atomic<uint8_t>& prev = j.taskDone[(i - 1) * j.compTasks + t];
        spin_until([&] { return prev.load(std::memory_order_acquire) != 0; });
      }
      const int64_t m0 = t * j.rowsPerTask, m1 = std::min(g.M, m0 + j.rowsPerTask);
      for (int64_t ic = m0; ic < m1; ic += p.MC) {
        const int64_t mc = std::min(p.MC, m1 - ic);
        const T* asrc = A + ic * g.aRS + pc * g.aCS;
        T* c = C + ic * g.cRS + jc;
        if (p.rawA) {
          ops.macro(mc, nc, kc, asrc, g.aRS, g.aCS, p.MR * g.aRS, false, bp, p.NR, kc * p.NR,
                    true, c, g.cRS, acc, g.exact);
        } else {
          ops.pack_a(asrc, g.aRS, g.aCS, mc, kc, abuf);
          ops.macro(mc, nc, kc, abuf, 1, p.MR, kc * p.MR, true, bp, p.NR, kc * p.NR, true, c,
                    g.cRS, acc, g.exact);
        }
      }
      j.taskDone[i * j.compTasks + t].store(1, std::memory_order_release);
      st.comp_done.fetch_add(1, std::memory_order_release);
    }
  }
}

template <typename T>
void run_job(void* ctx, int tid, int) {
  Job<T>& j = *static_cast<Job<T>*>(ctx);
  if (j.mode == Mode::kSharedB) return run_shared_b(j, tid);
  const Plan<T>& p = *j.plan;
  const GemmArgs<T>& g = *j.g;
  T* abuf = j.abuf + tid * j.aStride;
  T* bbuf = j.bbuf + tid * j.bStride;
  const int64_t tasks = g.batch * j.chunks;
  for (int64_t t; (t = j.next.fetch_add(1, std::memory_order_relaxed)) < tasks;) {
    const int64_t b = t / j.chunks, c = t % j.chunks;
    int64_t m0 = 0, m1 = g.M, n0 = 0, n1 = g.N;
    if (j.mode == Mode::kSplitM) m0 = c * j.chunk, m1 = std::min(g.M, m0 + j.chunk);
    if (j.mode == Mode::kSplitN) n0 = c * j.chunk, n1 = std::min(g.N, n0 + j.chunk);
    gemm_block(p, g, g.A + b * g.aBS, g.B + b * g.bBS, g.C + b * g.cBS, m0, m1, n0, n1, abuf,
               bbuf);
  }
}

template <typename T>
bool gemm_serial(const Plan<T>& p, const GemmArgs<T>& g, size_t aStride) {
  const size_t bElems = round_up(b_buf_elems(p, g, g.N), 64 / sizeof(T));
  T* buf = static_cast<T*>(t_scratch.get((aStride + bElems) * sizeof(T)));
  if (!buf) return false;
  for (int64_t b = 0; b < g.batch; ++b)
    gemm_block(p, g, g.A + b * g.aBS, g.B + b * g.bBS, g.C + b * g.cBS, 0, g.M, 0, g.N, buf,
               buf + aStride);
  return true;
}

// `parts` chunks of `total` in multiples of `unit`, as even as the unit allows.
int64_t chunk_size(int64_t total, int64_t parts, int64_t unit) {
  return round_up(ceil_div(total, parts), unit);
}

template <typename T>
bool gemm(const State<T>& s, const GemmArgs<T>& g) {
  if (g.batch <= 0 || g.M <= 0 || g.N <= 0) return true;
  if (g.K <= 0) {
    if (!g.accumulate)
      for (int64_t b = 0; b < g.batch; ++b)
        for (int64_t i = 0; i < g.M; ++i) std::fill_n(g.C + b * g.cBS + i * g.cRS, g.N, T(0));
    return true;
  }
  Plan<T> p = make_plan(s, g);
  const int64_t fma = g.batch * g.M * g.N * g.K;
  // Small products never touch the pool (not even to ask its size).
  const int nt = fma < g_parallel_min_fma ? 1 : get_num_threads();
  const size_t align = 64 / sizeof(T);
  const size_t aStride = round_up(a_buf_elems(p, g), align);

  if (nt == 1) return gemm_serial(p, g, aStride);

  Job<T> job;
  job.plan = &p;
  job.g = &g;
  job.aStride = aStride;
  std::unique_ptr<IterState[]> iters;
  std::unique_ptr<std::atomic<uint8_t>[]> taskDone;
  size_t bStride, bTotal;
  if (g.batch >= nt && (g.batch % nt == 0 || g.batch >= 4 * nt)) {
    // Whole batch items per task.
    job.mode = Mode::kBatch;
    job.chunks = 1, job.chunk = g.M;
    bStride = round_up(b_buf_elems(p, g, g.N), align);
    bTotal = bStride * nt;
  } else if (g.M >= 2 * nt * p.MR && !p.rawB && fma >= g_shared_b_min_fma && g.M >= nt * p.MC) {
    job.mode = Mode::kSharedB;
    job.njc = ceil_div(g.N, p.NC);
    job.npc = ceil_div(g.K, p.KC);
    const int64_t panels = ceil_div(std::min(g.N, p.NC), p.NR);
    job.packChunks = std::min<int64_t>(panels, nt);
    job.panelsPerChunk = ceil_div(panels, job.packChunks);
    // Equal row tasks, a multiple of nt of them, each at most MC rows where M allows.
    const int64_t tasks = nt * ceil_div(g.M, nt * p.MC);
    // Row tasks need not be multiples of MR (Panels balances a short last panel); multiples
    // of MR would split 256 rows 140 + 116 between two threads.
    job.rowsPerTask = chunk_size(g.M, tasks, 8);
    job.compTasks = ceil_div(g.M, job.rowsPerTask);
    const int64_t total = g.batch * job.njc * job.npc;
    iters.reset(new (std::nothrow) IterState[total]);
    taskDone.reset(new (std::nothrow) std::atomic<uint8_t>[total * job.compTasks]);
    if (!iters || !taskDone) return false;
    for (int64_t i = 0; i < total * job.compTasks; ++i) taskDone[i].store(0, std::memory_order_relaxed);
    job.iters = iters.get();
    job.taskDone = taskDone.get();
    bStride = round_up(b_buf_elems(p, g, g.N), align);
    bTotal = 2 * bStride;
  } else if (g.M >= 2 * nt * p.MR) {
    // Row chunks, each thread with B read in place or packed on its own: independent tasks.
    job.mode = Mode::kSplitM;
    job.chunks = nt * ceil_div(g.M, nt * p.MC);
    job.chunk = chunk_size(g.M, job.chunks, 8);
    job.chunks = ceil_div(g.M, job.chunk);
    bStride = round_up(b_buf_elems(p, g, g.N), align);
    bTotal = bStride * nt;
  } else if (g.N >= 2 * nt * p.NR) {
    // Few rows: split the columns; each task packs its own (small) A.
    job.mode = Mode::kSplitN;
    job.chunks = nt * ceil_div(g.N, nt * p.NC);
    job.chunk = chunk_size(g.N, job.chunks, p.NR);
    job.chunks = ceil_div(g.N, job.chunk);
    bStride = round_up(b_buf_elems(p, g, job.chunk), align);
    bTotal = bStride * nt;
  } else if (g.batch >= 2) {
    job.mode = Mode::kBatch;
    job.chunks = 1, job.chunk = g.M;
    bStride = round_up(b_buf_elems(p, g, g.N), align);
    bTotal = bStride * nt;
  } else {
    return gemm_serial(p, g, aStride);  // too thin to split
  }
  job.bStride = bStride;
  T* buf = static_cast<T*>(t_scratch.get((aStride * nt + bTotal) * sizeof(T)));
  if (!buf) return false;
  job.abuf = buf;
  job.bbuf = buf + aStride * nt;
  // Another JS thread holding the pool (or a pool that lost threads) leaves the caller to do
  // the whole job alone, which the dynamic hand-out allows.
  if (!ThreadPool::instance().try_run(nt, &run_job<T>, &job)) run_job<T>(&job, 0, 1);
  return true;
}

}  // namespace

bool sgemm(const GemmArgs<float>& a) { return gemm(g_f32, a); }
bool dgemm(const GemmArgs<double>& a) { return gemm(g_f64, a); }

void set_num_threads(int n) {
  if (n < 1) n = 1;
  ThreadPool::instance().resize(n);
  g_threads.store(ThreadPool::instance().size(), std::memory_order_relaxed);
}
int get_num_threads() {
  int n = g_threads.load(std::memory_order_relaxed);
  if (n == 0) {
    // The pool starts with one thread per available CPU; asking must not start it.
    n = available_cpus();
    g_threads.store(n, std::memory_order_relaxed);
  }
  return n;
}
int default_num_threads() { return available_cpus(); }

const char* isa_name() { return g_isa.c_str(); }
bool isa_supported(const char* name) { return cpu_has(name); }
bool force_isa(const char* name) { return use_isa(name); }

void set_thresholds(int64_t raw_max_fma, int64_t parallel_min_fma, int64_t shared_b_min_fma) {
  g_raw_max_fma = raw_max_fma;
  g_parallel_min_fma = parallel_min_fma;
  if (shared_b_min_fma >= 0) g_shared_b_min_fma = shared_b_min_fma;
}
void get_thresholds(int64_t* raw_max_fma, int64_t* parallel_min_fma, int64_t* shared_b_min_fma) {
  *raw_max_fma = g_raw_max_fma;
  *parallel_min_fma = g_parallel_min_fma;
  if (shared_b_min_fma) *shared_b_min_fma = g_shared_b_min_fma;
}

Blocking blocking_f32() {
  return {g_f32.ops->MR, g_f32.ops->NR, g_f32.tune.MC, g_f32.tune.KC, g_f32.tune.NC};
}
Blocking blocking_f64() {
  return {g_f64.ops->MR, g_f64.ops->NR, g_f64.tune.MC, g_f64.tune.KC, g_f64.tune.NC};
}
void set_blocking_f32(int MC, int KC, int NC) {
  if (MC > 0) g_f32.tune.MC = MC;
  if (KC > 0) g_f32.tune.KC = KC;
  if (NC > 0) g_f32.tune.NC = NC;
}
void set_blocking_f64(int MC, int KC, int NC) {
  if (MC > 0) g_f64.tune.MC = MC;
  if (KC > 0) g_f64.tune.KC = KC;
  if (NC > 0) g_f64.tune.NC = NC;
}

}  // namespace tl
