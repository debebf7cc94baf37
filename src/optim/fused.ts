// One loop over each parameter for the optimizers' updates, with exactly the numbers of the
// sequence of tensor ops they replace (adam.ts and sgd.ts keep that sequence as the general
// path). Each of those ops computes in double from operands already of the tensor's dtype, a
// Python-float scalar first rounded to that dtype (Math.fround for float32), and rounds its
// result on store; the loops below do the same steps in the same order on each element, so
// the results are bit-identical. No temporaries are allocated: AdamW's composed update
// creates about ten parameter-sized tensors per parameter per step. For float32 a backend may
// run a loop as a kernel of its own with the same bits (`adamStep`, `sgdStep`: the native
// addon's, in vector lanes and split over threads); float64 always runs the loops here.
import { backend } from "../backend/index.js";
import { float32, float64 } from "../dtype.js";
import type { Tensor } from "../tensor.js";
import { fma32 } from "../random/fma.js";

/** Off: the optimizers take their op-by-op path (the tests compare the two). */
export const fusedOptimizers = { enabled: true };

/** The tensors can be walked as one flat range each: same dtype (float32/float64), contiguous,
 * same number of elements, each in memory of its own (an update reading one tensor while
 * writing another that shares its storage must take the op-by-op path). */
export function fusable(ts: readonly Tensor[]): boolean {
  if (!fusedOptimizers.enabled) return false;
  const d = ts[0].dtype;
  if (d !== float32 && d !== float64) return false;
  const n = ts[0].numel();
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t.dtype !== d || !t.is_contiguous() || t.numel() !== n) return false;
    for (let j = 0; j < i; j++) if (ts[j]._storage === t._storage) return false;
  }
  return true;
}

export interface AdamScalars {
  /** AdamW: p *= 1 - lr * wd first; Adam: g + wd * p (0: neither) */
  decoupled: boolean;
  wd: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  step: number;
  maximize: boolean;
}

/**
 * adam.ts's op sequence:
 *   g = maximize ? -grad : grad; AdamW: p.mul_(1 - lr*wd) | Adam: g = g.add(p, {alpha: wd})
 *   m.mul_(beta1).add_(g, {alpha: 1 - beta1})
 *   v.mul_(beta2).addcmul_(g, g, {value: 1 - beta2})
 *   (amsgrad: mx.copy_(maximum(mx, v)); v' = mx)
 *   denom = sqrt(v').div(sqrt(bc2)).add_(eps);  p.addcdiv_(m, denom, {value: -lr/bc1})
 * (float32: add with alpha and addcmul are FMAs, as in 1.13's kernels)
 * Version counters move as those ops move them.
 */
export function adamFused(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, mx: Tensor | null, s: AdamScalars): void {
  const n = p.numel();
  const P = p._storage.data, G = grad._storage.data, M = m._storage.data, V = v._storage.data;
  const X = mx === null ? null : mx._storage.data;
  const po = p._offset, go = grad._offset, mo = m._offset, vo = v._offset, xo = mx === null ? 0 : mx._offset;
  const kernel = (backend as { adamStep?: AdamStepKernel }).adamStep;
  if (kernel !== undefined && p.dtype === float32) {
    // a backend's kernel for the same loop (the native addon's, when it provides one)
    kernel(P as Float32Array, G as Float32Array, M as Float32Array, V as Float32Array, X as Float32Array | null, n,
      { lr: s.lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weight_decay: s.wd, step: s.step, decoupled: s.decoupled, maximize: s.maximize },
      [po, go, mo, vo, xo]);
    bumpAdam(p, m, v, mx, s);
    return;
  }
  const bc1 = 1 - Math.pow(s.beta1, s.step);
  const bc2 = 1 - Math.pow(s.beta2, s.step);
  const stepSize = s.lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  const mode = s.wd === 0 ? 0 : s.decoupled ? 1 : 2;
  const sign = s.maximize ? -1 : 1;
  if (p.dtype === float32) {
    const R = Math.fround;
    const decay = R(1 - s.lr * s.wd), wd = R(s.wd), b1 = R(s.beta1), f1b1 = R(1 - s.beta1);
    const b2 = R(s.beta2), f1b2 = R(1 - s.beta2), fbc = R(bc2Sqrt), feps = R(s.eps), nss = R(-stepSize);
    for (let i = 0; i < n; i++) {
      let pi = P[po + i];
      let g = sign * G[go + i];
      if (mode === 1) pi = R(pi * decay);
      else if (mode === 2) g = fma32(pi, wd, g);
      const m2 = fma32(g, f1b1, R(M[mo + i] * b1));
      M[mo + i] = m2;
      const v2 = fma32(R(f1b2 * g), g, R(V[vo + i] * b2));
      V[vo + i] = v2;
      let vv = v2;
      if (X !== null) {
        const x = X[xo + i];
        vv = x !== x || v2 !== v2 ? NaN : x > v2 ? x : v2;
        X[xo + i] = vv;
      }
      const denom = R(R(R(Math.sqrt(vv)) / fbc) + feps);
      P[po + i] = R(pi + R(R(m2 * nss) / denom));
    }
  } else {
    const decay = 1 - s.lr * s.wd, wd = s.wd, nss = -stepSize;
    for (let i = 0; i < n; i++) {
      let pi = P[po + i];
      let g = sign * G[go + i];
      if (mode === 1) pi = pi * decay;
      else if (mode === 2) g = g + wd * pi;
      // (1.13's float64 kernels fuse these multiply-adds too: within a rounding here)
      const m2 = M[mo + i] * s.beta1 + g * (1 - s.beta1);
      M[mo + i] = m2;
      const v2 = V[vo + i] * s.beta2 + (1 - s.beta2) * g * g;
      V[vo + i] = v2;
      let vv = v2;
      if (X !== null) {
        const x = X[xo + i];
        vv = x !== x || v2 !== v2 ? NaN : x > v2 ? x : v2;
        X[xo + i] = vv;
      }
      const denom = Math.sqrt(vv) / bc2Sqrt + s.eps;
      P[po + i] = pi + (m2 * nss) / denom;
    }
  }
  bumpAdam(p, m, v, mx, s);
}

/** the version counter moves of the op sequence: p.mul_ (AdamW with decay), p.addcdiv_,
 * m.mul_, m.add_, v.mul_, v.addcmul_, mx.copy_ */
function bumpAdam(p: Tensor, m: Tensor, v: Tensor, mx: Tensor | null, s: AdamScalars): void {
  if (s.wd !== 0 && s.decoupled) p._bump();
  p._bump();
  m._bump();
  m._bump();
  v._bump();
  v._bump();
  if (mx !== null) mx._bump();
}

/**
 * An optional Backend entry, looked up at call time (`backend.adamStep`): one Adam/AdamW step
 * over n float32 elements in place, bit-identical to adam.ts's op sequence. Arguments as
 * src/backend/native.ts's adamStep: offsets of p, g, m, v, vmax; `step` counts this step.
 */
export type AdamStepKernel = (
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, n: number,
  o: { lr: number; beta1: number; beta2: number; eps: number; weight_decay: number; step: number; decoupled: boolean; maximize: boolean },
  offsets: readonly number[],
) => void;

/**
 * An optional Backend entry, looked up at call time (`backend.sgdStep`): one SGD step over n
 * float32 elements in place, bit-identical to sgdFused's float32 loop. Arguments as
 * src/backend/native.ts's sgdStep: buf null means no momentum; offsets of p, g, buf.
 */
export type SgdStepKernel = (
  p: Float32Array, g: Float32Array, buf: Float32Array | null, n: number,
  o: { lr: number; momentum: number; dampening: number; weight_decay: number; nesterov: boolean; maximize: boolean },
  offsets: readonly number[],
) => void;

/**
 * sgd.ts's op sequence without momentum, or with a momentum buffer that already exists:
 *   d = maximize ? -grad : grad; wd: d = d.add(p, {alpha: wd})
 *   buf.mul_(momentum).add_(d, {alpha: 1 - dampening}); d = nesterov ? d.add(buf, {alpha: momentum}) : buf
 *   p.add_(d, {alpha: -lr})
 * Version counters move as those ops move them.
 */
export function sgdFused(
  p: Tensor, grad: Tensor, buf: Tensor | null,
  s: { lr: number; wd: number; momentum: number; dampening: number; nesterov: boolean; maximize: boolean },
): void {
  const n = p.numel();
  const P = p._storage.data, G = grad._storage.data, B = buf === null ? null : buf._storage.data;
  const po = p._offset, go = grad._offset, bo = buf === null ? 0 : buf._offset;
  const sign = s.maximize ? -1 : 1;
  const useWd = s.wd !== 0;
  if (!useWd && B === null && sign === 1) {
    // plain SGD, the common case: p.add_(g, alpha=-lr) itself, one kernel call
    backend.elementwise("add_alpha", p, [p, grad], p.dtype, [-s.lr]);
    p._bump();
    return;
  }
  const kernel = (backend as { sgdStep?: SgdStepKernel }).sgdStep;
  if (kernel !== undefined && p.dtype === float32) {
    // a backend's kernel for the float32 loop below (the native addon's, when it provides one)
    kernel(P as Float32Array, G as Float32Array, B as Float32Array | null, n,
      { lr: s.lr, momentum: s.momentum, dampening: s.dampening, weight_decay: s.wd, nesterov: s.nesterov, maximize: s.maximize },
      [po, go, bo]);
  } else if (p.dtype === float32) {
    const R = Math.fround;
    const wd = R(s.wd), mom = R(s.momentum), damp = R(1 - s.dampening), nlr = R(-s.lr);
    for (let i = 0; i < n; i++) {
      const pi = P[po + i];
      let d = sign * G[go + i];
      // add_ with alpha: an FMA in 1.13 (and in the op-by-op path)
      if (useWd) d = fma32(pi, wd, d);
      if (B !== null) {
        const b = fma32(d, damp, R(B[bo + i] * mom));
        B[bo + i] = b;
        d = s.nesterov ? fma32(b, mom, d) : b;
      }
      P[po + i] = fma32(d, nlr, pi);
    }
  } else {
    const wd = s.wd, mom = s.momentum, damp = 1 - s.dampening, nlr = -s.lr;
    for (let i = 0; i < n; i++) {
      const pi = P[po + i];
      let d = sign * G[go + i];
      if (useWd) d = d + wd * pi;
      if (B !== null) {
        const b = B[bo + i] * mom + damp * d;
        B[bo + i] = b;
        d = s.nesterov ? d + mom * b : b;
      }
      P[po + i] = pi + nlr * d;
    }
  }
  if (buf !== null) {
    buf._bump();
    buf._bump();
  }
  p._bump();
}
