#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tl {

namespace {

constexpr int64_t kGrainSize = 32768;  // at::internal::GRAIN_SIZE
constexpr int kNumLevels = 4;          // multi_row_sum
constexpr int kLevelStride = 32;       // scratch slots per level: up to 4 rows x 8 lanes

int ceil_log2(int64_t x) {
  // c10 utils::CeilLog2: 1 for x <= 2 (also for 0 and 1)
  if (x <= 2) return 1;
  int r = 0;
  while ((int64_t(1) << r) < x) ++r;
  return r;
}

template <typename T>
struct Ctx {
  const T* X;
  T* O;
  T A[kNumLevels * kLevelStride];
  int W;  // lanes of Vectorized<acc_t>: 8 floats or 4 doubles (32-byte vectors, AVX2 kernel)
  bool nan;
  inline T val(T v) const { return nan && v != v ? T(0) : v; }
};

// multi_row_sum: `nrows` groups of `w` lanes; lane (k, l) of row i reads
// X[base + i*rowStride + k*colStride + l]. Leaves the sums in A[k*w + l].
// NR, WW: nrows and w known when compiled (0: at run time), so that the lanes become vector
// registers; the sums are the same (each lane adds its rows in order).
template <typename T, int NR, int WW, bool SKIPNAN>
void multi_row_sum_k(Ctx<T>& c, int64_t base, int64_t rowStride, int64_t colStride, int64_t size,
                     int nrowsR, int wR) {
  constexpr int kMaxLanes = kLevelStride;
  const int nrows = NR ? NR : nrowsR;
  const int w = WW ? WW : wR;
  T* A = c.A;
  const T* X = c.X;
  const int lanes = nrows * w;
  for (int q = 0; q < lanes; q++) A[q] = 0;
  const int levelPower = std::max(4, ceil_log2(size) / kNumLevels);
  const int64_t levelStep = int64_t(1) << levelPower;
  auto val = [](T v) { return SKIPNAN && v != v ? T(0) : v; };
  // rows [i, end) into the level-0 sums, held in a local array the compiler can keep in registers
  auto add_rows = [&](int64_t i, int64_t end) {
    T acc[kMaxLanes];
    for (int q = 0; q < lanes; q++) acc[q] = A[q];
    for (; i < end; ++i) {
      const T* rb = X + base + i * rowStride;
      for (int k = 0; k < nrows; k++) {
        const T* cb = rb + k * colStride;
        for (int l = 0; l < w; l++) acc[k * w + l] += val(cb[l]);
      }
    }
    for (int q = 0; q < lanes; q++) A[q] = acc[q];
  };
  int top = 0;
  int64_t i = 0;
  for (; i + levelStep <= size;) {
    add_rows(i, i + levelStep);
    i += levelStep;
    for (int j = 1; j < kNumLevels; j++) {
      T* o = A + j * kLevelStride;
      T* p = o - kLevelStride;
      if (j > top) {
        for (int q = 0; q < lanes; q++) {
          o[q] = p[q];
          p[q] = 0;
        }
        top = j;
      } else {
        for (int q = 0; q < lanes; q++) {
          o[q] += p[q];
          p[q] = 0;
        }
      }
      // (i & (level_mask << (j * level_power))) != 0
      const int shift = j * levelPower;
      if (shift < 63 && ((i >> shift) & (levelStep - 1)) != 0) break;
    }
  }
  add_rows(i, size);
  for (int j = 1; j <= top; j++) {
    const T* o = A + j * kLevelStride;
    for (int q = 0; q < lanes; q++) A[q] += o[q];
  }
}

template <typename T, int NR, int WW>
void multi_row_sum_n(Ctx<T>& c, int64_t base, int64_t rowStride, int64_t colStride, int64_t size, int nrows, int w) {
  if (c.nan) multi_row_sum_k<T, NR, WW, true>(c, base, rowStride, colStride, size, nrows, w);
  else multi_row_sum_k<T, NR, WW, false>(c, base, rowStride, colStride, size, nrows, w);
}

template <typename T>
void multi_row_sum(Ctx<T>& c, int64_t base, int64_t rowStride, int64_t colStride, int64_t size,
                   int nrows, int w) {
  // every caller sums 4 rows of 1 or W lanes (8 floats, 4 doubles)
  if (nrows == 4 && w == 8) multi_row_sum_n<T, 4, 8>(c, base, rowStride, colStride, size, nrows, w);
  else if (nrows == 4 && w == 4) multi_row_sum_n<T, 4, 4>(c, base, rowStride, colStride, size, nrows, w);
  else if (nrows == 4 && w == 1) multi_row_sum_n<T, 4, 1>(c, base, rowStride, colStride, size, nrows, w);
  else multi_row_sum_n<T, 0, 0>(c, base, rowStride, colStride, size, nrows, w);
}

// row_sum: 4 interleaved partial sums over `size` loads `stride` apart; result in A[0..w).
template <typename T>
void row_sum(Ctx<T>& c, int64_t base, int64_t stride, int64_t size, int w) {
  T* A = c.A;
  const int64_t sizeIlp = size / 4;
  if (sizeIlp > 0) multi_row_sum(c, base, stride * 4, stride, sizeIlp, 4, w);
  else for (int l = 0; l < w; l++) A[l] = 0;
  for (int64_t i = sizeIlp * 4; i < size; i++) {
    const int64_t b = base + i * stride;
    for (int l = 0; l < w; l++) A[l] += c.val(c.X[b + l]);
  }
  if (sizeIlp > 0) {
    for (int k = 1; k < 4; k++) {
      const T* o = A + k * w;
      for (int l = 0; l < w; l++) A[l] += o[l];
    }
  }
}

// cascade_sum's loop body for one 2-D block. Strides in elements; output accumulates (+=).
template <typename T>
void loop2d(Ctx<T>& c, int64_t inBase, int64_t outBase, int64_t inS0, int64_t outS0, int64_t inS1,
            int64_t outS1, int64_t size0, int64_t size1) {
  const T* X = c.X;
  T* O = c.O;
  T* A = c.A;
  const int W = c.W;
  if (outS0 != 0 && outS1 == 0) {
    std::swap(inS0, inS1);
    std::swap(outS0, outS1);
    std::swap(size0, size1);
  }
  if (outS0 != 0 && outS1 != 0) {
    for (int64_t j = 0; j < size1; j++)
      for (int64_t i = 0; i < size0; i++) O[outBase + j * outS1 + i * outS0] += c.val(X[inBase + j * inS1 + i * inS0]);
    return;
  }
  const int64_t outStride = outS1;
  if (inS0 == 1 && size0 >= W) {
    // vectorized_inner_sum
    const int64_t vecSize = size0 / W;
    const int64_t tail0 = vecSize * W;
    for (int64_t j = 0; j < size1; j++) {
      const int64_t row = inBase + j * inS1;
      row_sum(c, row, W, vecSize, W);
      T acc = 0;
      for (int64_t k = tail0; k < size0; k++) acc = acc + c.val(X[row + k]);
      for (int l = 0; l < W; l++) acc = acc + A[l];
      O[outBase + j * outStride] += acc;
    }
  } else if (inS1 == 1 && size1 >= W) {
    // vectorized_outer_sum
    const int64_t group = 4 * W;
    int64_t j = 0;
    for (; j + group <= size1; j += group) {
      multi_row_sum(c, inBase + j, inS0, W, size0, 4, W);
      for (int64_t q = 0; q < group; q++) O[outBase + (j + q) * outStride] += A[q];
    }
    for (; j + W <= size1; j += W) {
      row_sum(c, inBase + j, inS0, size0, W);
      for (int q = 0; q < W; q++) O[outBase + (j + q) * outStride] += A[q];
    }
    for (; j < size1; j++) {
      row_sum(c, inBase + j, inS0, size0, 1);
      O[outBase + j * outStride] += A[0];
    }
  } else if (inS0 < inS1) {
    // scalar_inner_sum
    for (int64_t j = 0; j < size1; j++) {
      row_sum(c, inBase + j * inS1, inS0, size0, 1);
      O[outBase + j * outStride] += A[0];
    }
  } else {
    // scalar_outer_sum
    int64_t j = 0;
    for (; j + 3 < size1; j += 4) {
      multi_row_sum(c, inBase + j * inS1, inS0, inS1, size0, 4, 1);
      for (int k = 0; k < 4; k++) O[outBase + (j + k) * outStride] += A[k];
    }
    for (; j < size1; j++) {
      row_sum(c, inBase + j * inS1, inS0, size0, 1);
      O[outBase + j * outStride] += A[0];
    }
  }
}

// serial_for_each over the linear range [begin, end) of an iteration space.
template <typename T>
void serial_for_each(Ctx<T>& c, const std::vector<int64_t>& size, const std::vector<int64_t>& sIn,
                     const std::vector<int64_t>& sOut, int64_t inBase, int64_t outBase, int64_t begin,
                     int64_t end) {
  const int nd = (int)size.size();
  if (nd <= 1) {
    const int64_t si = nd ? sIn[0] : 0, so = nd ? sOut[0] : 0;
    loop2d(c, inBase + begin * si, outBase + begin * so, si, so, 0, 0, end - begin, 1);
    return;
  }
  std::vector<int64_t> values(nd);
  int64_t lin = begin;
  for (int d = 0; d < nd; d++) {
    values[d] = lin % size[d];
    lin /= size[d];
  }
  int64_t offset = begin;
  while (offset < end) {
    int64_t pi = inBase, po = outBase;
    for (int d = 0; d < nd; d++) {
      pi += values[d] * sIn[d];
      po += values[d] * sOut[d];
    }
    const int64_t step0 = std::min(size[0] - values[0], end - offset);
    int64_t step1 = 1;
    if (step0 == size[0]) step1 = std::min(size[1] - values[1], (end - offset) / size[0]);
    loop2d(c, pi, po, sIn[0], sOut[0], sIn[1], sOut[1], step0, step1);
    offset += step0 * step1;
    int64_t overflow = step0;
    int d = 0;
    if (step1 != 1) {
      d = 1;
      overflow = step1;
    }
    for (; d < nd && overflow > 0; d++) {
      int64_t v = values[d] + overflow;
      if (v >= size[d]) {
        overflow = 1;
        v -= size[d];
      } else {
        overflow = 0;
      }
      values[d] = v;
    }
  }
}

// reorder_dimensions' should_swap: 1 if dim a goes after b, -1 before, 0 ambiguous.
int should_swap(int a, int b, const int64_t* shape, const int64_t* sIn, const int64_t* sOut) {
  int64_t s0 = sOut[a], s1 = sOut[b];
  if ((s0 == 0) != (s1 == 0)) return s1 == 0 ? 1 : -1;
  if (s0 != 0 && s1 != 0) {
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    if (shape[a] > shape[b]) return 1;
  }
  s0 = sIn[a];
  s1 = sIn[b];
  if (s0 != 0 && s1 != 0) {
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    if (shape[a] > shape[b]) return 1;
  }
  return 0;
}

// parallel_reduce's find_split_dim
int find_split_dim(const std::vector<int64_t>& size, const std::vector<int64_t>& sOut, int threads) {
  int best = (int)size.size() - 1;
  for (int d = best; d >= 0 && sOut[d] != 0; d--) {
    if (size[d] >= threads) return d;
    if (size[d] > size[best]) best = d;
  }
  return best;
}

// at::parallel_for's split of [0, n) into per-thread ranges (OpenMP backend).
std::vector<std::pair<int64_t, int64_t>> chunks(int64_t n, int64_t grain, int T) {
  std::vector<std::pair<int64_t, int64_t>> r;
  if (!(n > grain && n > 1 && T > 1)) {
    r.emplace_back(0, n);
    return r;
  }
  const int64_t nt = grain > 0 ? std::min<int64_t>(T, (n + grain - 1) / grain) : T;
  const int64_t chunk = (n + nt - 1) / nt;
  for (int t = 0; t < T; t++) {
    const int64_t b = t * chunk;
    r.emplace_back(b < n ? b : n, b < n ? std::min(n, b + chunk) : n);
  }
  return r;
}

}  // namespace

template <typename T>
void sum_into(const T* X, const int64_t* shape, const int64_t* strides, const bool* reduced, int nd,
              T* O, int threads, bool skip_nan) {
  std::vector<int64_t> sOut(nd, 0);
  int64_t outN = 1;
  for (int d = nd - 1; d >= 0; d--) {
    if (reduced[d]) continue;
    sOut[d] = outN;
    outN *= shape[d];
  }
  for (int64_t i = 0; i < outN; i++) O[i] = 0;
  int64_t numel = 1;
  for (int d = 0; d < nd; d++) numel *= shape[d];
  if (numel == 0) return;

  std::vector<int> perm;
  for (int d = nd - 1; d >= 0; d--)
    if (shape[d] != 1) perm.push_back(d);
  for (size_t i = 1; i < perm.size(); i++) {
    size_t d1 = i;
    for (size_t d0 = i; d0-- > 0;) {
      const int cmp = should_swap(perm[d0], perm[d1], shape, strides, sOut.data());
      if (cmp > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (cmp < 0) {
        break;
      }
    }
  }
  std::vector<int64_t> size, sIn, sO;
  for (int d : perm) {
    const size_t last = size.size();
    if (last > 0 && size[last - 1] * sIn[last - 1] == strides[d] && size[last - 1] * sO[last - 1] == sOut[d]) {
      size[last - 1] *= shape[d];
    } else {
      size.push_back(shape[d]);
      sIn.push_back(strides[d]);
      sO.push_back(sOut[d]);
    }
  }

  Ctx<T> c;
  c.X = X;
  c.O = O;
  c.W = sizeof(T) == 4 ? 8 : 4;
  c.nan = skip_nan;
  const int Tn = std::max(1, threads);
  if (numel < kGrainSize || Tn == 1) {
    serial_for_each(c, size, sIn, sO, 0, 0, 0, numel);
  } else if (outN == 1) {
    // two passes: one partial per thread, then the partials summed
    std::vector<T> buf(Tn, T(0));
    c.O = buf.data();
    const auto parts = chunks(numel, kGrainSize, Tn);
    for (size_t t = 0; t < parts.size(); t++)
      if (parts[t].first < parts[t].second)
        serial_for_each(c, size, sIn, sO, 0, (int64_t)t, parts[t].first, parts[t].second);
    c.O = O;
    c.X = buf.data();
    serial_for_each(c, std::vector<int64_t>{Tn}, std::vector<int64_t>{1}, std::vector<int64_t>{0}, 0, 0, 0, Tn);
  } else {
    const int dim = find_split_dim(size, sO, Tn);
    const int64_t cols = size[dim];
    const bool round = sIn[dim] == 1;
    const int64_t per128 = 128 / (int64_t)sizeof(T);
    for (auto [b, e] : chunks(cols, 1, Tn)) {
      if (b >= e) continue;
      if (round) {
        b -= b % per128;
        if (e != cols) e -= e % per128;
      }
      if (b == e) continue;
      std::vector<int64_t> sub = size;
      sub[dim] = e - b;
      int64_t n = 1;
      for (int64_t s : sub) n *= s;
      serial_for_each(c, sub, sIn, sO, b * sIn[dim], b * sO[dim], 0, n);
    }
  }
}

template void sum_into<float>(const float*, const int64_t*, const int64_t*, const bool*, int, float*, int, bool);
template void sum_into<double>(const double*, const int64_t*, const int64_t*, const bool*, int, double*, int, bool);

}  // namespace tl
