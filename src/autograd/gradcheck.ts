// torch.autograd.gradcheck / gradgradcheck: compare the Jacobian that backward computes with
// central finite differences, as PyTorch's slow mode does (torch/autograd/gradcheck.py).
import { float64 } from "../dtype.js";
import { RuntimeError, ValueError } from "../errors.js";
import { empty, Tensor } from "../tensor.js";
import { warn } from "../warnings.js";
import { grad as autogradGrad } from "./engine.js";

/** PyTorch's GradcheckError (a RuntimeError subclass). */
export class GradcheckError extends RuntimeError {}

export interface GradcheckOpts {
  eps?: number;
  atol?: number;
  rtol?: number;
  raise_exception?: boolean;
  /** tolerance between two runs of backward with the same inputs (reentrancy check) */
  nondet_tol?: number;
}

type Fn = (...args: any[]) => Tensor | Tensor[] | readonly Tensor[]; // eslint-disable-line @typescript-eslint/no-explicit-any

function asList(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [x];
}

function outputsOf(r: unknown): Tensor[] {
  return asList(r).filter((t): t is Tensor => t instanceof Tensor);
}

/** Storage offsets of t's elements in row-major order. */
function offsets(t: Tensor): number[] {
  const n = t.numel();
  const out = new Array<number>(n);
  const nd = t.dim();
  const idx = new Array<number>(nd).fill(0);
  let p = t._offset;
  for (let i = 0; i < n; i++) {
    out[i] = p;
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      p += t._strides[k];
      if (idx[k] < t._shape[k]) break;
      p -= t._strides[k] * t._shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(t.detach()._values());
}


/** J[i][j] = d output_j / d input_i for each (input, output) pair, by central differences. */
function numericalJacobian(fn: () => Tensor[], inputs: Tensor[], outNumels: number[], eps: number): Float64Array[][] {
  const res: Float64Array[][] = [];
  for (const x of inputs) {
    const perOut = outNumels.map((m) => new Float64Array(x.numel() * m));
    const data = x._storage.data;
    const offs = offsets(x);
    offs.forEach((p, k) => {
      const orig = data[p];
      data[p] = orig - eps;
      const a = fn().map(flatValues);
      data[p] = orig + eps;
      const b = fn().map(flatValues);
      data[p] = orig;
      for (let o = 0; o < outNumels.length; o++) {
        const m = outNumels[o];
        for (let j = 0; j < m; j++) perOut[o][k * m + j] = (b[o][j] - a[o][j]) / (2 * eps);
      }
    });
    res.push(perOut);
  }
  return res;
}

/** Same layout as numericalJacobian, one vector-Jacobian product per output element. */
function analyticalJacobian(outputs: Tensor[], inputs: Tensor[]): Float64Array[][] {
  const res = inputs.map((x) => outputs.map((o) => new Float64Array(x.numel() * o.numel())));
  outputs.forEach((o, oi) => {
    const m = o.numel();
    for (let j = 0; j < m; j++) {
      const go = empty(o._shape.slice(), o.dtype);
      go._storage.data[j] = 1;
      const gs = autogradGrad([o], inputs, [go], { retain_graph: true, allow_unused: true });
      gs.forEach((g, ii) => {
        if (g === null) return;
        const v = g.detach()._values();
        for (let k = 0; k < v.length; k++) res[ii][oi][k * m + j] = v[k];
      });
    }
  });
  return res;
}

function jacobianTensor(a: Float64Array, rows: number, cols: number): Tensor {
  const t = empty([rows, cols], float64);
  t._storage.data.set(a);
  return t;
}

/**
 * torch.autograd.gradcheck(func, inputs, {eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True}).
 * Inputs that require grad should be float64. Returns true, or raises GradcheckError
 * ("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:...\nanalytical:...").
 */
export function gradcheck(func: Fn, inputs: unknown, opts: GradcheckOpts = {}): boolean {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const raise = opts.raise_exception ?? true;
  const nondetTol = opts.nondet_tol ?? 0;
  const args = asList(inputs);
  const diff = args.filter((t): t is Tensor => t instanceof Tensor && t._requires_grad);
  if (diff.length === 0) {
    throw new ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.");
  }
  args.forEach((t, i) => {
    if (!(t instanceof Tensor) || !t._requires_grad) return;
    if (t.dtype !== float64) {
      warn(
        `Input #${i} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `,
      );
    }
    for (let d = 0; d < t.dim(); d++)
      if (t._strides[d] === 0 && t._shape[d] > 1) {
        throw new RuntimeError(
          `The ${i}th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.`,
        );
      }
  });
  const fail = (msg: string): boolean => {
    if (raise) throw new GradcheckError(msg);
    return false;
  };
  const all = outputsOf(func(...args));
  const diffIdx = all.map((o, i) => (o._requires_grad ? i : -1)).filter((i) => i >= 0);
  const outputs = diffIdx.map((i) => all[i]);
  const outNumels = outputs.map((o) => o.numel());
  // evaluated with grad mode on, like PyTorch: gradgradcheck's function differentiates inside
  const evalDiff = () => {
    const r = outputsOf(func(...args));
    return diffIdx.map((i) => r[i]);
  };
  const numerical = numericalJacobian(evalDiff, diff, outNumels, eps);
  if (outputs.length === 0) {
    // every numerical derivative must be zero when nothing is differentiable
    for (const perOut of numerical) for (const j of perOut) for (const v of j) if (v !== 0) return fail("Numerical gradient for function expected to be zero");
    return true;
  }
  const analytical = analyticalJacobian(outputs, diff);
  const inputIndex = diff.map((t) => args.indexOf(t));
  for (let i = 0; i < diff.length; i++)
    for (let o = 0; o < outputs.length; o++) {
      const a = analytical[i][o], n = numerical[i][o];
      let ok = true;
      for (let k = 0; k < a.length; k++) if (!(Math.abs(a[k] - n[k]) <= atol + rtol * Math.abs(n[k]))) ok = false;
      if (!ok) {
        const rows = diff[i].numel(), cols = outNumels[o];
        return fail(
          `Jacobian mismatch for output ${o} with respect to input ${inputIndex[i]},\nnumerical:${jacobianTensor(n, rows, cols)}\nanalytical:${jacobianTensor(a, rows, cols)}\n`,
        );
      }
    }
  // reentrancy: a second backward with the same grad_output must give the same values
  const again = analyticalJacobian(outputs, diff);
  for (let i = 0; i < diff.length; i++)
    for (let o = 0; o < outputs.length; o++) {
      const a = analytical[i][o], b = again[i][o];
      for (let k = 0; k < a.length; k++)
        if (Math.abs(a[k] - b[k]) > nondetTol) {
          return fail(
            `Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was ${nondetTol}.`,
          );
        }
    }
  return true;
}

/** Deterministic values in [-1, 1) for gradgradcheck's random grad_outputs (does not touch torch's RNG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  };
}

/**
 * torch.autograd.gradgradcheck(func, inputs, grad_outputs=None, {eps, atol, rtol, raise_exception}):
 * gradcheck of the function inputs, grad_outputs -> autograd.grad(func(inputs), inputs,
 * grad_outputs, create_graph=True).
 */
export function gradgradcheck(func: Fn, inputs: unknown, grad_outputs?: Tensor | Tensor[] | null, opts: GradcheckOpts = {}): boolean {
  const args = asList(inputs);
  let gos: Tensor[];
  if (grad_outputs === undefined || grad_outputs === null) {
    const rnd = lcg(12345);
    const outs = outputsOf(func(...args)).filter((o) => o._requires_grad);
    gos = outs.map((o) => {
      const g = empty(o._shape.slice(), o.dtype);
      const d = g._storage.data;
      for (let i = 0; i < d.length; i++) d[i] = rnd();
      return g.requires_grad_(true);
    });
  } else gos = asList(grad_outputs) as Tensor[];
  const nIn = args.length;
  const newFunc = (...all: unknown[]): Tensor[] => {
    const ins = all.slice(0, nIn);
    const g = all.slice(nIn) as Tensor[];
    const outs = outputsOf(func(...ins)).filter((o) => o._requires_grad);
    const diffIns = ins.filter((t): t is Tensor => t instanceof Tensor && t._requires_grad);
    const r = autogradGrad(outs, diffIns, g, { create_graph: true, allow_unused: true });
    return r.filter((t): t is Tensor => t !== null);
  };
  return gradcheck(newFunc, [...args, ...gos], opts);
}
