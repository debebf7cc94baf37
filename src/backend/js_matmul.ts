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
  // the terms a row adds, in k order: each k's A value and the start of B's row k
  const av = new Float64Array(K), bRow = new Int32Array(K);
  for (let bt = 0; bt < batch; bt++) {
    // a zero of `a` adds nothing (0 * b = +-0) unless b holds an inf or NaN: skip it then only,
    // which makes one-hot @ W cheap
    const skipZeros = allFinite(B, pb, K, N, sbk, sbn);
    for (let i = 0; i < M; i++) {
      if (accumulate) for (let j = 0; j < N; j++) acc[j] = O[po + i * N + j];
      else acc.fill(0);
      const rowA = pa + i * sam;
      let terms = 0;
      for (let k = 0; k < K; k++) {
        const v = A[rowA + k * sak];
        if (v === 0 && skipZeros) continue;
        av[terms] = v;
        bRow[terms++] = pb + k * sbk;
      }
      if (f32) addRowTermsF32(acc as Float32Array, B as Float32Array, av, bRow, terms, N, sbn);
      else addRowTerms(acc as Float64Array, B, av, bRow, terms, N, sbn);
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

// acc[j] += av[t] * B[bRow[t] + j * sbn] for t in order, each product and sum rounded to
// float32 (a float32 store rounds; rounding the double sum of two float32 values gives the
// float32 sum). Four terms per pass over the row: the same additions in the same order, with a
// quarter of the loads and stores of acc.
function addRowTermsF32(acc: Float32Array, B: Float32Array, av: Float64Array, bRow: Int32Array, terms: number, N: number, sbn: number): void {
  const R = Math.fround;
  let t = 0;
  for (; t + 4 <= terms; t += 4) {
    const a0 = av[t], a1 = av[t + 1], a2 = av[t + 2], a3 = av[t + 3];
    const q0 = bRow[t], q1 = bRow[t + 1], q2 = bRow[t + 2], q3 = bRow[t + 3];
    if (sbn === 1) {
      for (let j = 0; j < N; j++) {
        let s = R(acc[j] + R(a0 * B[q0 + j]));
        s = R(s + R(a1 * B[q1 + j]));
        s = R(s + R(a2 * B[q2 + j]));
        acc[j] = s + R(a3 * B[q3 + j]);
      }
    } else {
      for (let j = 0, o = 0; j < N; j++, o += sbn) {
        let s = R(acc[j] + R(a0 * B[q0 + o]));
        s = R(s + R(a1 * B[q1 + o]));
        s = R(s + R(a2 * B[q2 + o]));
        acc[j] = s + R(a3 * B[q3 + o]);
      }
    }
  }
  for (; t < terms; t++) {
    const a0 = av[t], q0 = bRow[t];
    for (let j = 0, o = 0; j < N; j++, o += sbn) acc[j] += R(a0 * B[q0 + o]);
  }
}

/** addRowTermsF32 in double (float64, and integer dtypes held in doubles) */
function addRowTerms(acc: Float64Array, B: ArrayLike<number>, av: Float64Array, bRow: Int32Array, terms: number, N: number, sbn: number): void {
  let t = 0;
  for (; t + 4 <= terms; t += 4) {
    const a0 = av[t], a1 = av[t + 1], a2 = av[t + 2], a3 = av[t + 3];
    const q0 = bRow[t], q1 = bRow[t + 1], q2 = bRow[t + 2], q3 = bRow[t + 3];
    for (let j = 0, o = 0; j < N; j++, o += sbn) acc[j] = acc[j] + a0 * B[q0 + o] + a1 * B[q1 + o] + a2 * B[q2 + o] + a3 * B[q3 + o];
  }
  for (; t < terms; t++) {
    const a0 = av[t], q0 = bRow[t];
    for (let j = 0, o = 0; j < N; j++, o += sbn) acc[j] += a0 * B[q0 + o];
  }
}

function allFinite(B: ArrayLike<number>, p0: number, K: number, N: number, sk: number, sn: number): boolean {
  for (let k = 0; k < K; k++)
    for (let j = 0, q = p0 + k * sk; j < N; j++, q += sn) if (!Number.isFinite(B[q])) return false;
  return true;
}
