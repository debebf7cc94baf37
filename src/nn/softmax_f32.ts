// float32 softmax and log_softmax, forward and backward, as torch 1.13 computes them on the CPU
// (Debian's AVX2 build, one thread; aten/src/ATen/native/cpu/SoftMaxKernel.cpp), found against
// 1.13's output (test/goldens/math_exact.json "softmax"):
//
// * over the last dim, each row through the vectorized row kernels: the row max, exp(x - max)
//   on SLEEF's expf lanes (the tail too, by partial loads), their sum in float over 8 lanes
//   (sum8), then log_softmax = (x - max) - logf(sum) with SLEEF's logf, softmax = exp * (1 /
//   sum); backward: log_softmax g - exp(y) * sum(g) (one FMA), softmax (g - sum(g * y)) * y with
//   sum(g * y) over 8 lanes of FMAs (dot8);
// * over another dim, column by column (innerForward and the end of softmaxBackwardF32): the
//   first inner - inner % 8 columns of each inner row on vector lanes, the rest on the scalar
//   path (glibc's expf), with float sums along the dim. 1.13 with several threads moves that
//   boundary where the threads split the work; this follows one thread.
//
// Every float32 operation is rounded (Math.fround) where the C++ rounds it, and fused where GCC
// contracted it into an FMA (fma32). The native addon's softmax rows compute the same bits
// (test/native-rows.test.ts).
import { expf, glibcExpf, logf } from "../backend/js_math.js";
import { fma32 } from "../random/fma.js";
import { dot8, sum8 } from "./vec_reduce.js";

const fr = Math.fround;
type Arr = ArrayLike<number>;
type Out = { [i: number]: number };

let scratch = new Float64Array(64);
function buffer(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

/** vec::maximum's row max: any NaN makes it NaN */
function rowMax(X: Arr, b: number, n: number, stride: number): number {
  let m = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = X[b + k * stride];
    if (v > m || v !== v) m = v;
  }
  return m;
}

/** std::max's running max from the first element: a NaN there stays, a later one is skipped */
function scalarMax(X: Arr, b: number, n: number, stride: number): number {
  let m = X[b];
  for (let k = 1; k < n; k++) {
    const v = X[b + k * stride];
    if (m < v) m = v;
  }
  return m;
}

/** softmax / log_softmax of `rows` contiguous rows of n floats (the last dim) */
function lastDimForward(X: Arr, xo: number, Y: Out, yo: number, rows: number, n: number, log: boolean): void {
  const E = buffer(n);
  for (let r = 0; r < rows; r++) {
    const b = xo + r * n, ob = yo + r * n;
    const m = rowMax(X, b, n, 1);
    for (let k = 0; k < n; k++) E[k] = expf(fr(X[b + k] - m));
    const s = sum8(E, 0, n);
    if (log) {
      const ls = logf(s);
      for (let k = 0; k < n; k++) Y[ob + k] = fr(fr(X[b + k] - m) - ls);
    } else {
      const inv = fr(1 / s);
      for (let k = 0; k < n; k++) Y[ob + k] = fr(E[k] * inv);
    }
  }
}

/** softmax / log_softmax over the middle dim of [outer, n, inner] (inner > 1), column by column:
 * a column on the vector path (the first inner - inner % 8 of each inner row) takes the
 * vectorized max, SLEEF's expf and a float sum along the dim; the others the scalar path
 * (softmax: std::max from the first element; both: glibc's expf, a float sum). softmax divides
 * by the sum; log_softmax subtracts SLEEF's logf of it. */
function innerForward(X: Arr, xo: number, Y: Out, yo: number, outer: number, n: number, inner: number, log: boolean): void {
  const E = buffer(n);
  const vecCols = inner - (inner % 8);
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < inner; j++) {
      const b = xo + a * n * inner + j, ob = yo + a * n * inner + j;
      const lane = j < vecCols;
      const exp = lane ? expf : glibcExpf;
      const m = lane || log ? rowMax(X, b, n, inner) : scalarMax(X, b, n, inner);
      let s = 0;
      for (let k = 0; k < n; k++) {
        const e = exp(fr(X[b + k * inner] - m));
        E[k] = e;
        s = fr(s + e);
      }
      if (log) {
        const ls = logf(s);
        for (let k = 0; k < n; k++) Y[ob + k * inner] = fr(fr(X[b + k * inner] - m) - ls);
      } else {
        for (let k = 0; k < n; k++) Y[ob + k * inner] = fr(E[k] / s);
      }
    }
  }
}

/** y = softmax (log: log_softmax) of float32 x viewed as [outer, n, inner], over n; y contiguous at yo */
export function softmaxF32(X: Arr, xo: number, Y: Out, yo: number, outer: number, n: number, inner: number, log: boolean): void {
  if (inner === 1) lastDimForward(X, xo, Y, yo, outer, n, log);
  else innerForward(X, xo, Y, yo, outer, n, inner, log);
}

/** gradient of softmaxF32 from the incoming gradient G (at go) and the result Y, into R */
export function softmaxBackwardF32(G: Arr, go: number, Y: Arr, R: Out, outer: number, n: number, inner: number, log: boolean): void {
  if (inner === 1) {
    for (let r = 0; r < outer; r++) {
      const b = r * n, gb = go + b;
      if (log) {
        const s = sum8(G, gb, n);
        // GCC contracts g - exp(y) * sum into one FMA
        for (let k = 0; k < n; k++) R[b + k] = fma32(-expf(Y[b + k]), s, G[gb + k]);
      } else {
        const s = dot8(G, gb, Y, b, n);
        for (let k = 0; k < n; k++) R[b + k] = fr(fr(G[gb + k] - s) * Y[b + k]);
      }
    }
    return;
  }
  // other dims, column by column: float sums along the dim
  const vecCols = inner - (inner % 8);
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < inner; j++) {
      const b = a * n * inner + j;
      let s = 0;
      if (log) {
        const exp = j < vecCols ? expf : glibcExpf;
        for (let k = 0; k < n; k++) s = fr(s + G[go + b + k * inner]);
        for (let k = 0; k < n; k++) {
          const p = b + k * inner;
          R[p] = fma32(-exp(Y[p]), s, G[go + p]);
        }
      } else {
        for (let k = 0; k < n; k++) {
          const p = b + k * inner;
          s = fma32(G[go + p], Y[p], s);
        }
        for (let k = 0; k < n; k++) {
          const p = b + k * inner;
          R[p] = fr(fr(G[go + p] - s) * Y[p]);
        }
      }
    }
  }
}
