// layer_norm rows (see pointwise.h): the arithmetic of src/nn/functional.ts's layerNormRows /
// layerNormBackwardRows, operation for operation in double (-ffp-contract=off keeps the
// multiplies and adds apart), so the results are the TypeScript backend's bits.
//
// Every row sum is a sequential chain of dependent adds; one row at a time the loop would wait
// on the add latency. Blocks of kRows rows run their chains side by side instead (each row
// still adds its own terms in its own order), and gw / gb still receive the rows' terms in row
// order for each column.
#include <cmath>
#include <cstdint>

#include "pointwise.h"

namespace tl {
namespace {

constexpr int kRows = 8;

template <int K>
void fwd_block(const float* x, float* y, int64_t N, double eps, const double* w, const double* b,
               double* mean, double* rstd) {
  const double n = (double)N;
  double s[K], mu[K], v[K], r[K];
  for (int k = 0; k < K; ++k) s[k] = 0;
  for (int64_t j = 0; j < N; ++j)
    for (int k = 0; k < K; ++k) s[k] += (double)x[k * N + j];
  for (int k = 0; k < K; ++k) mu[k] = s[k] / n, v[k] = 0;
  for (int64_t j = 0; j < N; ++j)
    for (int k = 0; k < K; ++k) {
      const double c = (double)x[k * N + j] - mu[k];
      v[k] += c * c;
    }
  for (int k = 0; k < K; ++k) {
    r[k] = 1 / std::sqrt(v[k] / n + eps);
    mean[k] = mu[k];
    rstd[k] = r[k];
  }
  for (int k = 0; k < K; ++k)
    for (int64_t j = 0; j < N; ++j) y[k * N + j] = (float)(((double)x[k * N + j] - mu[k]) * r[k] * w[j] + b[j]);
}

template <int K>
void bwd_block(const float* g, const float* x, float* ro, int64_t N, const double* w, const double* mean,
               const double* rstd, double* gw, double* gb) {
  double ds[K], db[K];
  for (int k = 0; k < K; ++k) ds[k] = 0, db[k] = 0;
  for (int64_t j = 0; j < N; ++j) {
    const double wj = w[j];
    for (int k = 0; k < K; ++k) {
      const double gy = (double)g[k * N + j] * wj;
      ds[k] += gy * (double)x[k * N + j];
      db[k] += gy;
    }
  }
  if (gw != nullptr)
    for (int64_t j = 0; j < N; ++j) {
      double acc = gw[j];
      for (int k = 0; k < K; ++k) acc += (double)g[k * N + j] * ((double)x[k * N + j] - mean[k]) * rstd[k];
      gw[j] = acc;
    }
  if (gb != nullptr)
    for (int64_t j = 0; j < N; ++j) {
      double acc = gb[j];
      for (int k = 0; k < K; ++k) acc += (double)g[k * N + j];
      gb[j] = acc;
    }
  if (ro != nullptr) {
    const double n = (double)N;
    for (int k = 0; k < K; ++k) {
      const double mu = mean[k], r = rstd[k];
      const double bb = ((db[k] * mu - ds[k]) * r * r * r) / n;
      const double c = -bb * mu - (db[k] * r) / n;
      for (int64_t j = 0; j < N; ++j)
        ro[k * N + j] = (float)(r * (double)g[k * N + j] * w[j] + bb * (double)x[k * N + j] + c);
    }
  }
}

}  // namespace

void layer_norm_fwd_f32(const float* x, float* y, int64_t M, int64_t N, double eps, const double* w,
                        const double* b, double* mean, double* rstd) {
  if (M <= 0 || N < 0) return;
  int64_t m = 0;
  for (; m + kRows <= M; m += kRows)
    fwd_block<kRows>(x + m * N, y + m * N, N, eps, w, b, mean + m, rstd + m);
  for (; m < M; ++m) fwd_block<1>(x + m * N, y + m * N, N, eps, w, b, mean + m, rstd + m);
}

void layer_norm_bwd_f32(const float* g, const float* x, float* r, int64_t M, int64_t N, const double* w,
                        const double* mean, const double* rstd, double* gw, double* gb) {
  if (M <= 0 || N < 0) return;
  int64_t m = 0;
  for (; m + kRows <= M; m += kRows)
    bwd_block<kRows>(g + m * N, x + m * N, r ? r + m * N : nullptr, N, w, mean + m, rstd + m, gw, gb);
  for (; m < M; ++m)
    bwd_block<1>(g + m * N, x + m * N, r ? r + m * N : nullptr, N, w, mean + m, rstd + m, gw, gb);
}

}  // namespace tl
