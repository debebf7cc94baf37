// Batched matrix product of the TypeScript backend: out[b] = a[b] @ b[b] for any strides.
// i-k-j order keeps the inner loop streaming over a row of `b` and a row of `out`.
// Numbers follow torch 1.13 on the reference machine (Debian's build: reference BLAS sgemm/dgemm,
// sdot, and ATen's own small-bmm loop): every output is a sequential sum over k in the dtype,
// each product and each addition rounded (float32 accumulates in float32, no fused
// multiply-add). With `accumulate` the sums start from out's values (gemm with beta = 1,
// which is how addmm adds its input first).
import type { Tensor } from "../tensor.js";

/** a: [...B, M, K], b: [...B, K, N] (batch dims already broadcast, any strides), out: contiguous [...B, M, N] */
export function matmul(a: Tensor, b: Tensor, out: Tensor, accumulate = false): void {
  const nd = out._shape.length;
  const M = out._shape[nd - 2];
  const N = out._shape[nd - 1];
  const K = a._shape[nd - 1];
  const A = a._storage.data;
  const B = b._storage.data;
  const O = out._storage.data;
  const f32 = out.dtype.name === "float32";
  const sam = a._strides[nd - 2], sak = a._strides[nd - 1];
  const sbk = b._strides[nd - 2], sbn = b._strides[nd - 1];
  let batch = 1;
  for (let d = 0; d < nd - 2; d++) batch *= out._shape[d];
  const idx = new Array<number>(Math.max(nd - 2, 0)).fill(0);
  let pa = a._offset, pb = b._offset;
  let po = out._offset;
  const acc = f32 ? new Float32Array(N) : new Float64Array(N);
  for (let bt = 0; bt < batch; bt++) {
    // a zero of `a` adds nothing (0 * b = +-0) unless b holds an inf or NaN: skip it then only,
    // which makes one-hot @ W cheap
    const skipZeros = allFinite(B, pb, K, N, sbk, sbn);
    for (let i = 0; i < M; i++) {
      if (accumulate) for (let j = 0; j < N; j++) acc[j] = O[po + i * N + j];
      else acc.fill(0);
      const rowA = pa + i * sam;
      for (let k = 0; k < K; k++) {
        const av = A[rowA + k * sak];
        if (av === 0 && skipZeros) continue;
        let q = pb + k * sbk;
        if (f32)
          for (let j = 0; j < N; j++) {
            acc[j] += Math.fround(av * B[q]);
            q += sbn;
          }
        else
          for (let j = 0; j < N; j++) {
            acc[j] += av * B[q];
            q += sbn;
          }
      }
      const row = po + i * N;
      for (let j = 0; j < N; j++) O[row + j] = acc[j];
    }
    po += M * N;
    for (let d = nd - 3; d >= 0; d--) {
      pa += a._strides[d];
      pb += b._strides[d];
      if (++idx[d] < out._shape[d]) break;
      idx[d] = 0;
      pa -= a._strides[d] * out._shape[d];
      pb -= b._strides[d] * out._shape[d];
    }
  }
}

function allFinite(B: ArrayLike<number>, p0: number, K: number, N: number, sk: number, sn: number): boolean {
  for (let k = 0; k < K; k++)
    for (let j = 0, q = p0 + k * sk; j < N; j++, q += sn) if (!Number.isFinite(B[q])) return false;
  return true;
}
