// matmul and its named forms (mm, bmm, dot, outer, mv). Shapes follow torch.matmul: 1-D operands
// are promoted to a matrix and the added dim removed afterwards; batch dims broadcast.
import { backend, jsBackend } from "../backend/index.js";
import { RuntimeError } from "../errors.js";
import { broadcastShapes, contiguousStrides, numel } from "../shape.js";
import { allocate } from "../storage.js";
import { empty, Tensor } from "../tensor.js";
import { expandTo, sumTo } from "./shape_helpers.js";
import { cppTypeName, needsGrad, record } from "./util.js";
import { no_grad } from "../autograd/grad_mode.js";
import { typeName } from "./dtype_names.js";

/** [..., M, K] @ [..., K, N] with broadcast batch dims; records MmBackward0/BmmBackward0-style grads. */
function batchedMatmul(a: Tensor, b: Tensor, node: string): Tensor {
  const M = a._shape[a.dim() - 2], K = a._shape[a.dim() - 1];
  const K2 = b._shape[b.dim() - 2], N = b._shape[b.dim() - 1];
  if (K !== K2) {
    throw new RuntimeError(
      `mat1 and mat2 shapes cannot be multiplied (${a._shape.slice(0, -1).reduce((x, y) => x * y, 1)}x${K} and ${K2}x${N})`,
    );
  }
  const batch = broadcastShapes(a._shape.slice(0, -2), b._shape.slice(0, -2));
  const outShape = [...batch, M, N];
  // every element is written below (the product, or zeros when K = 0)
  const out = new Tensor(allocate(a.dtype, numel(outShape), false), outShape);
  const ae = expandTo(a, [...batch, M, K]);
  const be = expandTo(b, [...batch, K, N]);
  if (out.numel() > 0) {
    if (K === 0) out._storage.data.fill(0);
    else backend.matmul(ae, be, out);
  }
  if (needsGrad(a, b)) {
    const as = a._shape.slice(), bs = b._shape.slice();
    record(
      out,
      node,
      [a, b],
      (g) => [
        a._requires_grad ? sumTo(g.matmul(b.mT), as) : null,
        b._requires_grad ? sumTo(a.mT.matmul(g), bs) : null,
      ],
      [a, b],
    );
  }
  return out;
}

/** ATen's _unsafe_view of a fresh contiguous result: same memory, new shape, its own node. */
function unsafeView(t: Tensor, shape: number[]): Tensor {
  const out = t._alias(shape, contiguousStrides(shape), t._offset, false);
  if (needsGrad(t)) {
    const inShape = t._shape.slice();
    record(out, "UnsafeViewBackward0", [t], (g) => [g.reshape(inShape)]);
  }
  return out;
}

const prodOf = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

/** ATen's should_fold: multiply an N-D (N >= 3) by a 1-D/2-D operand as one mm/mv when the
 * batch dims of the big one flatten without a copy (or the small one requires grad). */
function shouldFold(a: Tensor, b: Tensor): boolean {
  const aLarger = a.dim() >= b.dim();
  const t1 = aLarger ? a : b.mT;
  const dimT2 = aLarger ? b.dim() : a.dim();
  if (!(t1.dim() >= 3 && dimT2 <= 2)) return false;
  if ((aLarger ? b : a)._requires_grad) return true;
  if (a.dim() === 2) return false;
  if (t1.numel() === 0) return true;
  for (let i = 0; i < t1.dim() - 2; i++) if (t1._strides[i] !== t1._strides[i + 1] * t1._shape[i + 1]) return false;
  return true;
}

/** torch.matmul, dispatching like ATen's _matmul_impl (so errors and grad_fn names match). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim(), db = b.dim();
  if (da === 0 || db === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  }
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) {
    // a.unsqueeze(0).mm(b).squeeze_(0): the in-place squeeze renames the node
    const r = mm(a.unsqueeze(0), b);
    const out = r._alias(r._shape.slice(1), r._strides.slice(1), r._offset, false);
    if (needsGrad(r)) record(out, "SqueezeBackward3", [r], (g) => [g.unsqueeze(0)]);
    out._bump(); // squeeze_ is an in-place op: the result starts at version 1
    return out;
  }
  if (da === 2 && db === 2) return mm(a, b);
  if (shouldFold(a, b)) {
    const transpose = db > da;
    const t1 = transpose ? b.mT : a;
    const t2 = !transpose ? b : da === 2 ? a.t() : a;
    const sizes1 = t1._shape;
    const outShape = sizes1.slice(0, -1);
    const folded = prodOf(outShape);
    const t1f = t1.reshape([folded, sizes1[sizes1.length - 1]]);
    if (t2.dim() === 2) {
      outShape.push(t2._shape[1]);
      const output = unsafeView(mm(t1f, t2), outShape);
      return transpose ? output.mT.contiguous() : output;
    }
    return unsafeView(mv(t1f, t2), outShape);
  }
  const n = da > 1 ? a._shape[da - 2] : 1;
  const m1 = a._shape[da - 1];
  const batch1 = a._shape.slice(0, Math.max(da - 2, 0));
  const m2 = db > 1 ? b._shape[db - 2] : b._shape[0];
  const p = db > 1 ? b._shape[db - 1] : 1;
  const batch2 = b._shape.slice(0, Math.max(db - 2, 0));
  if (da === 3 && db === 3 && batch1[0] !== batch2[0]) {
    if (batch1[0] === 1 && a._requires_grad) return matmul(a.squeeze(0), b);
    if (batch2[0] === 1 && b._requires_grad) return matmul(a, b.squeeze(0));
  }
  const outShape = broadcastShapes(batch1, batch2);
  const B = prodOf(outShape);
  const t1e = a.expand([...outShape, n, m1]).reshape([B, n, m1]);
  const vector = db === 1;
  let t2e = b.expand(vector ? [...outShape, m2] : [...outShape, m2, p]);
  t2e = vector ? t2e.reshape([B, m2]).unsqueeze(2) : t2e.reshape([B, m2, p]);
  if (da > 1) outShape.push(n);
  if (db > 1) outShape.push(p);
  const r = bmm(t1e, t2e);
  return unsafeView(vector ? r.squeeze(-1) : r, outShape);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2) throw new RuntimeError("self must be a matrix");
  if (b.dim() !== 2) throw new RuntimeError("mat2 must be a matrix");
  if (a._shape[1] !== b._shape[0]) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`);
  }
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`expected m1 and m2 to have the same dtype, but got: ${cppTypeName(a.dtype)} != ${cppTypeName(b.dtype)}`);
  }
  return batchedMatmul(a, b, "MmBackward0");
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  if (b.dim() !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
  if (a._shape[0] !== b._shape[0] || a._shape[2] !== b._shape[1]) {
    throw new RuntimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] but got: [${b._shape[0]}, ${b._shape[1]}].`,
    );
  }
  if (a.dtype !== b.dtype) throw new RuntimeError(`expected scalar type ${typeName(a.dtype)} but found ${typeName(b.dtype)}`);
  return batchedMatmul(a, b, "BmmBackward0");
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) {
    throw new RuntimeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  }
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`dot : expected both vectors to have same dtype, but found ${typeName(a.dtype)} and ${typeName(b.dtype)}`);
  }
  if (a._shape[0] !== b._shape[0]) {
    throw new RuntimeError(
      `inconsistent tensor size, expected tensor [${a._shape[0]}] and src [${b._shape[0]}] to have the same number of elements, but got ${a._shape[0]} and ${b._shape[0]} elements respectively`,
    );
  }
  const out = batchedMatmul(a.detach().unsqueeze(0), b.detach().unsqueeze(1), "").reshape([]);
  out._base = null; // a new tensor, not a view of the temporary (in-place ops on it are plain)
  if (needsGrad(a, b)) record(out, "DotBackward0", [a, b], (g) => [a._requires_grad ? b.mul(g) : null, b._requires_grad ? a.mul(g) : null], [a, b]);
  return out;
}

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.dim() !== 2 || v.dim() !== 1) throw new RuntimeError("vector + matrix @ vector expected, got 1, 2, 1");
  if (a._shape[1] !== v._shape[0])
    throw new RuntimeError(`size mismatch, got input (${a._shape[0]}), mat (${a._shape[0]}x${a._shape[1]}), vec (${v._shape[0]})`);
  if (a.dtype !== v.dtype)
    throw new RuntimeError(`addmv input tensors must have the same dtype, but got ${typeName(v.dtype)}, ${typeName(a.dtype)}, and ${typeName(v.dtype)}`);
  const out = batchedMatmul(a.detach(), v.detach().unsqueeze(1), "").squeeze(1);
  out._base = null; // a new tensor, not a view of the temporary (in-place ops on it are plain)
  if (needsGrad(a, v))
    record(out, "MvBackward0", [a, v], (g) => [a._requires_grad ? g.unsqueeze(1).mul(v.unsqueeze(0)) : null, v._requires_grad ? a.t().mv(g) : null], [a, v]);
  return out;
}

export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RuntimeError("outer: expected 1-D tensors");
  return a.unsqueeze(1).mul(b);
}
export const ger = outer;

/**
 * Which loop of the reference BLAS sgemm/dgemm (torch 1.13's BLAS on the reference machine)
 * computes addmm's (row-major, contiguous) result, following ATen's addmm_impl_cpu_: it
 * calls gemm on the transposed problem, so BLAS's "A" is mat2 unless the result has one
 * column. A transposed BLAS "A" runs dot products from 0 and adds beta * C at the end; otherwise
 * C is scaled by beta first and alpha * (an element of BLAS's "B") times a column of "A" is
 * added for each k. Both sum over k in order; they differ in where the bias enters.
 */
function gemmForm(a: Tensor, b: Tensor): { dot: boolean; alphaOnA: boolean } {
  const M = a._shape[0], K = a._shape[1], N = b._shape[1];
  const transposeC = !(N === 1); // result strides [N, 1]: column-major only when N == 1
  const [m1s, m2s] = [a._strides, b._strides];
  let transposeA: boolean;
  if (transposeC) {
    // BLAS A = mat2 (N x K)
    if (m2s[1] === 1 && m2s[0] >= Math.max(1, N)) transposeA = false;
    else if (m2s[0] === 1 && m2s[1] >= Math.max(1, K)) transposeA = true;
    else transposeA = false;
  } else {
    // BLAS A = mat1 (M x K)
    if (m1s[0] === 1 && m1s[1] >= Math.max(1, M)) transposeA = false;
    else if (m1s[1] === 1 && m1s[0] >= Math.max(1, K)) transposeA = true;
    else transposeA = true;
  }
  // axpy form: TEMP = alpha * B(l, j), B being mat1 when the problem is transposed
  return { dot: transposeA, alphaOnA: transposeC };
}

export function addmm(input: Tensor, a: Tensor, b: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
  const beta = opts?.beta ?? 1, alpha = opts?.alpha ?? 1;
  if (a.dim() !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${a.dim()}-D tensor`);
  if (b.dim() !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${b.dim()}-D tensor`);
  if (a._shape[1] !== b._shape[0]) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`);
  }
  if (input.dtype !== b.dtype) throw new RuntimeError(`self and mat2 must have the same dtype, but got ${typeName(input.dtype)} and ${typeName(b.dtype)}`);
  if (a.dtype !== b.dtype) throw new RuntimeError(`mat1 and mat2 must have the same dtype, but got ${typeName(a.dtype)} and ${typeName(b.dtype)}`);
  // beta * input + alpha * (a @ b) as one node (AddmmBackward0; edges input, mat1, mat2)
  const out = no_grad(() => {
    const ad = a.detach(), bd = b.detach();
    const form = gemmForm(ad, bd);
    if (form.dot) {
      // dot-product form: each sum starts from 0 and beta * input is added last
      let r = mm(ad, bd);
      if (alpha !== 1) r = r.mul(alpha);
      if (beta === 0) return r;
      const bi = input.detach();
      if (!bi.is_contiguous()) return bi.mul(beta === 1 ? 1 : beta).add(r);
      // input * beta + r written into r (the same sums, addition commutes; r keeps the layout
      // the out-of-place add would give it, and version 0): one M x N tensor less
      const addend = beta === 1 ? bi : bi.mul(beta);
      backend.elementwise("add", r, [r, expandTo(addend, r._shape)], r.dtype);
      return r;
    }
    // axpy form: C = beta * input, then C += (alpha * x) * y over k in order, each step rounded
    const res = empty([ad._shape[0], bd._shape[1]], ad.dtype);
    if (beta !== 0) {
      res.copy_(input.detach().expand(res._shape));
      if (beta !== 1) res.mul_(beta);
    }
    if (ad._shape[1] > 0 && res.numel() > 0) {
      const scale = (t: Tensor) => (alpha === 1 ? t : t.mul(alpha));
      backend.matmul(form.alphaOnA ? scale(ad) : ad, form.alphaOnA ? bd : scale(bd), res, true);
    }
    return res;
  });
  if (needsGrad(input, a, b)) {
    const is = input._shape.slice();
    record(
      out,
      "AddmmBackward0",
      [input, a, b],
      (g) => [
        input._requires_grad ? sumTo(beta === 1 ? g : g.mul(beta), is) : null,
        a._requires_grad ? (alpha === 1 ? g.mm(b.t()) : g.mm(b.t()).mul(alpha)) : null,
        b._requires_grad ? (alpha === 1 ? a.t().mm(g) : a.t().mm(g).mul(alpha)) : null,
      ],
      [a, b],
    );
  }
  return out;
}

declare module "../tensor.js" {
  interface Tensor {
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    mv(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (a: Tensor, b: Tensor) => Tensor) =>
    function (this: Tensor, b: Tensor) {
      return f(this, b);
    };
  Object.assign(P, { matmul: m(matmul), mm: m(mm), bmm: m(bmm), dot: m(dot), mv: m(mv), outer: m(outer) });
}
