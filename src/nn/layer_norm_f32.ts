// float32 layer_norm rows as torch 1.13 computes them on the CPU (Debian's AVX2 build;
// aten/src/ATen/native/cpu/layer_norm_kernel.cpp and moments_utils.h), found against 1.13's
// output (test/goldens/math_exact.json "layer_norm"):
//
// * the row's mean and variance by RowwiseMoments: Welford over 8 float lanes in chunks of 16
//   vectors (lane update m1 += (x - m1) / k with 1 / k as a float, m2 += delta * (x - m1)), the
//   chunks merged in a binary cascade (AddMoments), the tail after the last whole vector by
//   scalar Welford, then the 8 lanes merged into it in order; every float operation rounded on
//   its own (no FMA here);
// * rstd = 1 / sqrt(var + eps), y = (x * rstd + (-rstd * mean)) * gamma + beta with both
//   multiply-adds fused (GCC contracted them);
// * backward (layerNormBackwardF32): per row ds = sum(dy * x * gamma) and db = sum(dy * gamma)
//   over 8 lanes (vec_reduce.ts), b = (db * mean - ds) * rstd^3 / N, c = -b * mean - db * rstd / N,
//   dx = rstd * dy * gamma + b * x + c; dgamma and dbeta add each row's dy * (rstd * x - rstd *
//   mean) and dy in row order. Which multiplications GCC fused into FMAs is spelled out below
//   (the right operand of an overloaded +, the left one of a plain -).
import { fma32 } from "../random/fma.js";
import { dot8, dot8w, sum8 } from "./vec_reduce.js";

const fr = Math.fround;
type Arr = ArrayLike<number>;

const K = 8; // floats per vector
const CHUNK = 16; // vectors per Welford chunk

function ceilLog2(x: number): number {
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

// the merge stack (depth levels of 8 lanes), reused
let M0 = new Float64Array(0), M1 = new Float64Array(0), M2 = new Float64Array(0);
const V1 = new Float64Array(K), V2 = new Float64Array(K);

/** AddMoments of (m0add, a1[ao..], a2[ao..]) into level j of the stack, lane by lane */
function addInto(m0add: number, a1: Float64Array, a2: Float64Array, ao: number, j: number): void {
  const m0 = M0[j], n = m0 + m0add;
  const c = n === 0 ? 0 : fr(fr(m0add) / fr(n));
  const b = j * K;
  for (let l = 0; l < K; l++) {
    const delta = fr(a1[ao + l] - M1[b + l]);
    M1[b + l] = fr(M1[b + l] + fr(c * delta));
    M2[b + l] = fr(M2[b + l] + fr(a2[ao + l] + fr(fr(fr(delta * delta) * c) * m0)));
  }
  M0[j] = n;
}

/** RowwiseMoments(x[o..o+N)): [mean, biased variance] */
export function rowMoments(x: Arr, o: number, N: number): [number, number] {
  const n = Math.floor(N / K), m = Math.ceil(n / CHUNK), depth = ceilLog2(m);
  if (M0.length < depth) {
    M0 = new Float64Array(depth);
    M1 = new Float64Array(depth * K);
    M2 = new Float64Array(depth * K);
  }
  M0.fill(0, 0, depth);
  M1.fill(0, 0, depth * K);
  M2.fill(0, 0, depth * K);
  for (let i = 0; i < m; i++) {
    const base = o + i * CHUNK * K;
    const cnt = Math.min(CHUNK, n - i * CHUNK);
    V1.fill(0);
    V2.fill(0);
    for (let j = 0; j < cnt; j++) {
      const c = fr(1 / (j + 1));
      for (let l = 0; l < K; l++) {
        const xv = x[base + j * K + l];
        const delta = fr(xv - V1[l]);
        V1[l] = fr(V1[l] + fr(delta * c));
        V2[l] = fr(V2[l] + fr(delta * fr(xv - V1[l])));
      }
    }
    addInto(cnt, V1, V2, 0, 0);
    let mask = i + 1;
    for (let j = 1; j < depth && (mask & 1) === 0; j++) {
      addInto(M0[j - 1], M1, M2, (j - 1) * K, j);
      M0[j - 1] = 0;
      M1.fill(0, (j - 1) * K, j * K);
      M2.fill(0, (j - 1) * K, j * K);
      mask >>= 1;
    }
  }
  for (let i = 1; i < depth; i++) addInto(M0[i], M1, M2, i * K, 0);
  let m0 = 0, m1 = 0, m2 = 0;
  for (let i = n * K; i < N; i++) {
    const xv = x[o + i];
    const delta = fr(xv - m1);
    m0++;
    m1 = fr(m1 + fr(delta / m0));
    m2 = fr(m2 + fr(delta * fr(xv - m1)));
  }
  for (let l = 0; l < K; l++) {
    const nn = m0 + n;
    const c = nn === 0 ? 0 : fr(fr(n) / fr(nn));
    const delta = fr(M1[l] - m1);
    m1 = fr(m1 + fr(c * delta));
    m2 = fr(m2 + fr(M2[l] + fr(fr(fr(delta * delta) * c) * m0)));
    m0 = nn;
  }
  return [m1, fr(m2 / N)];
}

/**
 * y = layer_norm of M rows of N floats (x at xo, y at 0) with gamma W and beta B (null: 1 and 0),
 * mean and rstd per row into mean / rstd.
 */
export function layerNormF32(
  X: Arr, xo: number, Y: { [i: number]: number }, M: number, N: number, eps: number,
  W: Arr | null, B: Arr | null, mean: { [i: number]: number }, rstd: { [i: number]: number },
): void {
  const e = fr(eps);
  for (let r = 0; r < M; r++) {
    const b = xo + r * N, ob = r * N;
    const [mu, v] = rowMoments(X, b, N);
    const rs = fr(1 / fr(Math.sqrt(fr(v + e))));
    const bias = fr(-rs * mu);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < N; j++) Y[ob + j] = fma32(fma32(X[b + j], rs, bias), W ? W[j] : 1, B ? B[j] : 0);
  }
}

/**
 * The gradient of layerNormF32 from dy (G at go), x (X at xo), the rows' mean and rstd: dx into
 * R (null: not wanted) and dgamma / dbeta added into gW / gB (null: not wanted; start them at 0),
 * then finished as 1.13 finishes them (0 + sum, so a -0 sum becomes +0).
 */
export function layerNormBackwardF32(
  G: Arr, go: number, X: Arr, xo: number, R: { [i: number]: number } | null, M: number, N: number, W: Arr | null,
  mean: Arr, rstd: Arr, gW: { [i: number]: number } | null, gB: { [i: number]: number } | null,
): void {
  const scale = fr(1 / N);
  for (let r = 0; r < M; r++) {
    const gb = go + r * N, xb = xo + r * N;
    const a = rstd[r], mu = mean[r];
    if (gW) {
      const bb = fr(-a * mu);
      for (let j = 0; j < N; j++) gW[j] = fma32(G[gb + j], fma32(a, X[xb + j], bb), gW[j]);
    }
    if (gB) for (let j = 0; j < N; j++) gB[j] = fr(gB[j] + G[gb + j]);
    if (R === null) continue;
    const ds = W ? dot8w(G, gb, X, xb, W, 0, N) : dot8(G, gb, X, xb, N);
    const db = W ? dot8(G, gb, W, 0, N) : sum8(G, gb, N);
    const b = fr(fr(fr(fr(fma32(db, mu, -ds) * a) * a) * a) * scale);
    const c = fma32(-b, mu, -fr(fr(db * a) * scale));
    const ob = r * N;
    if (W) for (let j = 0; j < N; j++) R[ob + j] = fr(fma32(b, X[xb + j], fr(fr(a * G[gb + j]) * W[j])) + c);
    else for (let j = 0; j < N; j++) R[ob + j] = fr(fma32(b, X[xb + j], fr(a * G[gb + j])) + c);
  }
  if (gW) for (let j = 0; j < N; j++) gW[j] = fr(0 + gW[j]);
  if (gB) for (let j = 0; j < N; j++) gB[j] = fr(0 + gB[j]);
}
