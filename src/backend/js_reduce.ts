// Reductions of the TypeScript backend. The input is split into kept dims (one output element
// each) and reduced dims (walked per output element). Float sums follow PyTorch's accumulation
// order (see sum_order.ts) so that printed sums agree bit for bit.
import type { Tensor } from "../tensor.js";
import { sumInto } from "./sum_order.js";

export type ReduceOp = "sum" | "prod" | "amax" | "amin" | "all" | "any" | "argmax" | "argmin" | "nansum";

interface Split {
  outerShape: number[];
  outerStrides: number[];
  innerShape: number[];
  innerStrides: number[];
}

function split(x: Tensor, dims: readonly number[]): Split {
  const s: Split = { outerShape: [], outerStrides: [], innerShape: [], innerStrides: [] };
  for (let d = 0; d < x._shape.length; d++) {
    if (dims.includes(d)) {
      s.innerShape.push(x._shape[d]);
      s.innerStrides.push(x._strides[d]);
    } else {
      s.outerShape.push(x._shape[d]);
      s.outerStrides.push(x._strides[d]);
    }
  }
  return s;
}

/** Visit the base offset of every outer position, in row-major order. */
function forOuter(shape: number[], strides: number[], base: number, fn: (off: number, i: number) => void): void {
  const nd = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  const idx = new Array<number>(nd).fill(0);
  let p = base;
  for (let i = 0; i < total; i++) {
    fn(p, i);
    for (let k = nd - 1; k >= 0; k--) {
      p += strides[k];
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
      p -= strides[k] * shape[k];
    }
  }
}

/** Collect the element offsets of the reduced block (in row-major order of the reduced dims). */
function innerOffsets(shape: number[], strides: number[]): Int32Array | Float64Array {
  let n = 1;
  for (const d of shape) n *= d;
  const offs = new Float64Array(n);
  let i = 0;
  forOuter(shape, strides, 0, (off) => {
    offs[i++] = off;
  });
  return offs;
}

/**
 * out (contiguous, outer shape) = op over `dims` of x. For argmax/argmin `out` holds indices
 * (flat over the reduced dims). `idxOut` receives indices alongside values for amax/amin.
 */
export function reduce(op: ReduceOp, x: Tensor, dims: readonly number[], out: Tensor, idxOut?: Tensor): void {
  if (op === "sum" || op === "nansum") {
    // any number of reduced dims: the order of additions depends on the whole layout
    sumInto(x._storage.data, x._offset, x._shape, x._strides, dims, out._storage.data, out._offset, x.dtype, out.dtype, op === "nansum");
    return;
  }
  const sp = split(x, dims);
  const X = x._storage.data;
  const O = out._storage.data;
  const I = idxOut?._storage.data;
  const o0 = out._offset;
  const i0 = idxOut?._offset ?? 0;
  let innerN = 1;
  for (const d of sp.innerShape) innerN *= d;
  if (sp.innerShape.length === 1 && innerN > 0 && op !== "prod" && op !== "all" && op !== "any") {
    // max/min and their indices over one dim (x.max(1), argmax, amax(-1)): the loop below
    // without the offset closure and the switch per output, several times faster
    const isMax = op === "amax" || op === "argmax";
    const wantIdx = op === "argmax" || op === "argmin";
    const step = sp.innerStrides[0];
    forOuter(sp.outerShape, sp.outerStrides, x._offset, (base, i) => {
      const [best, bi] = scanExtreme(X, base, step, innerN, isMax ? 1 : -1);
      if (wantIdx) O[o0 + i] = bi;
      else {
        O[o0 + i] = best;
        if (I) I[i0 + i] = bi;
      }
    });
    return;
  }
  // a single reduced dim (the common case) needs no offset table
  const single = sp.innerShape.length <= 1;
  const step = sp.innerStrides[0] ?? 1;
  const offs = single ? null : innerOffsets(sp.innerShape, sp.innerStrides);
  const at = (base: number, j: number) => (single ? base + j * step : base + offs![j]);

  forOuter(sp.outerShape, sp.outerStrides, x._offset, (base, i) => {
    switch (op) {
      case "prod": {
        let acc = 1;
        for (let j = 0; j < innerN; j++) {
          acc = out.dtype.name === "float32" ? Math.fround(acc * X[at(base, j)]) : acc * X[at(base, j)];
        }
        O[o0 + i] = out.dtype.kind === "f" ? acc : acc + 0; // an int64 never holds -0 (0 * -3)
        break;
      }
      case "all": {
        let r = 1;
        for (let j = 0; j < innerN; j++) if (X[at(base, j)] === 0) { r = 0; break; }
        O[o0 + i] = r;
        break;
      }
      case "any": {
        let r = 0;
        for (let j = 0; j < innerN; j++) if (X[at(base, j)] !== 0) { r = 1; break; }
        O[o0 + i] = r;
        break;
      }
      case "amax":
      case "amin":
      case "argmax":
      case "argmin": {
        const isMax = op === "amax" || op === "argmax";
        let best = X[at(base, 0)];
        let bi = 0;
        if (!(best !== best)) {
          for (let j = 1; j < innerN; j++) {
            const v = X[at(base, j)];
            if (v !== v) {
              best = v;
              bi = j;
              break; // NaN propagates and wins (first NaN)
            }
            if (isMax ? v > best : v < best) {
              best = v;
              bi = j;
            }
          }
        }
        if (op === "argmax" || op === "argmin") O[o0 + i] = bi;
        else {
          O[o0 + i] = best;
          if (I) I[i0 + i] = bi;
        }
        break;
      }
    }
  });
}

// The first NaN wins (and ends the scan); otherwise the first value strictly greater
// (sign = 1) or smaller (sign = -1): negation is exact, so -v > -best is v < best.
const scanResult: [number, number] = [0, 0];
function scanExtreme(X: ArrayLike<number>, base: number, step: number, n: number, sign: number): [number, number] {
  let best = X[base], bi = 0;
  if (best === best) {
    let key = sign * best;
    for (let j = 1, p = base + step; j < n; j++, p += step) {
      const v = X[p];
      if (sign * v > key) (best = v), (bi = j), (key = sign * v);
      else if (v !== v) {
        best = v;
        bi = j;
        break;
      }
    }
  }
  scanResult[0] = best, scanResult[1] = bi;
  return scanResult;
}
