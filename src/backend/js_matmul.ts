// Batched matrix product of the TypeScript backend: out[b] = a[b] @ b[b] for any strides.
// i-k-j order keeps the inner loop streaming over a row of `b` and a row of `out`.
import type { Tensor } from "../tensor.js";

/** a: [...B, M, K], b: [...B, K, N] (batch dims already broadcast, any strides), out: contiguous [...B, M, N] */
export function matmul(a: Tensor, b: Tensor, out: Tensor): void {
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
  const acc = new Float64Array(N);
  for (let bt = 0; bt < batch; bt++) {
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const rowA = pa + i * sam;
      for (let k = 0; k < K; k++) {
        const av = A[rowA + k * sak];
        if (av === 0) continue;
        let q = pb + k * sbk;
        for (let j = 0; j < N; j++) {
          acc[j] += av * B[q];
          q += sbn;
        }
      }
      const row = po + i * N;
      if (f32) for (let j = 0; j < N; j++) O[row + j] = acc[j];
      else for (let j = 0; j < N; j++) O[row + j] = acc[j];
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
