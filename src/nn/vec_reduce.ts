// torch 1.13's vec::reduce_all family on 8-float vectors (ATen/cpu/vec/functional_base.h, AVX2),
// float operation for float operation, for the kernels that reproduce 1.13's row reductions
// (softmax_f32.ts, layer_norm_f32.ts): lanes start from the first 8 values, each further block
// of 8 is added lane by lane (a partial last block into its own lanes), and the lanes fold as
// ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)); fewer than 8 values are added in order.
// Where the mapped value is a product, GCC fused its last multiplication into the lane's
// addition (FMA) for every block after the first.
import { fma32 } from "../random/fma.js";

const fr = Math.fround;
type Arr = ArrayLike<number>;

/**
 * vec::reduce_all(+) of n floats (v[o], v[o + 1], ...) with 8-float vectors: fewer than 8 are
 * added in order; otherwise lanes start from the first 8, each further full 8 is added lane by
 * lane, a partial last block into its own lanes, and the lanes fold as
 * ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)) (AVX2's VecReduceAllSIMD shuffles).
 */
export function sum8(v: Arr, o: number, n: number): number {
  if (n < 8) {
    let s = v[o];
    for (let k = 1; k < n; k++) s = fr(s + v[o + k]);
    return s;
  }
  let a0 = v[o], a1 = v[o + 1], a2 = v[o + 2], a3 = v[o + 3], a4 = v[o + 4], a5 = v[o + 5], a6 = v[o + 6], a7 = v[o + 7];
  let d = 8;
  const full = n - (n % 8);
  for (; d < full; d += 8) {
    const p = o + d;
    a0 = fr(a0 + v[p]), a1 = fr(a1 + v[p + 1]), a2 = fr(a2 + v[p + 2]), a3 = fr(a3 + v[p + 3]);
    a4 = fr(a4 + v[p + 4]), a5 = fr(a5 + v[p + 5]), a6 = fr(a6 + v[p + 6]), a7 = fr(a7 + v[p + 7]);
  }
  const r = n - d, p = o + d;
  if (r > 0) a0 = fr(a0 + v[p]);
  if (r > 1) a1 = fr(a1 + v[p + 1]);
  if (r > 2) a2 = fr(a2 + v[p + 2]);
  if (r > 3) a3 = fr(a3 + v[p + 3]);
  if (r > 4) a4 = fr(a4 + v[p + 4]);
  if (r > 5) a5 = fr(a5 + v[p + 5]);
  if (r > 6) a6 = fr(a6 + v[p + 6]);
  return fr(fr(fr(a0 + a4) + fr(a2 + a6)) + fr(fr(a1 + a5) + fr(a3 + a7)));
}

/**
 * vec::map2_reduce_all(x * y, +): sum8's order over the products a[i] * b[i], where GCC
 * contracts each addition of a product into the lanes into an FMA (only the first 8 products,
 * and all of them below 8 values, are rounded on their own).
 */
export function dot8(A: Arr, ao: number, B: Arr, bo: number, n: number): number {
  if (n < 8) {
    let s = fr(A[ao] * B[bo]);
    for (let k = 1; k < n; k++) s = fr(s + fr(A[ao + k] * B[bo + k]));
    return s;
  }
  const acc = LANES;
  for (let l = 0; l < 8; l++) acc[l] = fr(A[ao + l] * B[bo + l]);
  let d = 8;
  const full = n - (n % 8);
  for (; d < full; d += 8) for (let l = 0; l < 8; l++) acc[l] = fma32(A[ao + d + l], B[bo + d + l], acc[l]);
  for (let l = 0; d + l < n; l++) acc[l] = fma32(A[ao + d + l], B[bo + d + l], acc[l]);
  return fr(fr(fr(acc[0] + acc[4]) + fr(acc[2] + acc[6])) + fr(fr(acc[1] + acc[5]) + fr(acc[3] + acc[7])));
}
const LANES = new Float64Array(8);

/** vec::map3_reduce_all(x * y * z, +): dot8 with the products (a * b) * c */
export function dot8w(A: Arr, ao: number, B: Arr, bo: number, C: Arr, co: number, n: number): number {
  if (n < 8) {
    let s = fr(fr(A[ao] * B[bo]) * C[co]);
    for (let k = 1; k < n; k++) s = fr(s + fr(fr(A[ao + k] * B[bo + k]) * C[co + k]));
    return s;
  }
  const acc = LANES;
  for (let l = 0; l < 8; l++) acc[l] = fr(fr(A[ao + l] * B[bo + l]) * C[co + l]);
  let d = 8;
  const full = n - (n % 8);
  for (; d < full; d += 8) for (let l = 0; l < 8; l++) acc[l] = fma32(fr(A[ao + d + l] * B[bo + d + l]), C[co + d + l], acc[l]);
  for (let l = 0; d + l < n; l++) acc[l] = fma32(fr(A[ao + d + l] * B[bo + d + l]), C[co + d + l], acc[l]);
  return fr(fr(fr(acc[0] + acc[4]) + fr(acc[2] + acc[6])) + fr(fr(acc[1] + acc[5]) + fr(acc[3] + acc[7])));
}
