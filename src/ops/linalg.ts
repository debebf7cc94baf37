// matmul and its named forms (mm, bmm, dot, outer, mv). Shapes follow torch.matmul: 1-D operands
// are promoted to a matrix and the added dim removed afterwards; batch dims broadcast.
import { backend } from "../backend/index.js";
import { RuntimeError } from "../errors.js";
import { broadcastShapes } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { expandTo, sumTo } from "./shape_helpers.js";
import { needsGrad, record } from "./util.js";
import { typeName } from "./dtype_names.js";

function checkDtypes(a: Tensor, b: Tensor, what: string): void {
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`${what}: expected ${what === "dot" ? "both vectors" : "m1 and m2"} to have the same dtype, but got: ${typeName(a.dtype)} != ${typeName(b.dtype)}`.replace(
      "mat1 and mat2",
      "m1 and m2",
    ));
  }
}

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
  const out = empty(outShape, a.dtype);
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

export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim(), db = b.dim();
  if (da === 0 || db === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  }
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`expected m1 and m2 to have the same dtype, but got: ${typeName(a.dtype)} != ${typeName(b.dtype)}`);
  }
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) {
    if (a._shape[0] !== b._shape[0])
      throw new RuntimeError(`size mismatch, got input (${a._shape[0]}), mat (${b._shape[0]}x${b._shape[1]}), vec (${a._shape[0]})`);
    return batchedMatmul(a.unsqueeze(0), b, "MmBackward0").squeeze(0);
  }
  if (da === 2 && db === 2) return mm(a, b);
  // batched: promote 1-D operands, multiply, drop the added dims
  if (da === 1) {
    if (a._shape[0] !== b._shape[db - 2])
      throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (1x${a._shape[0]} and ${b._shape[db - 2]}x${b._shape[db - 1]})`);
    return batchedMatmul(a.unsqueeze(0), b, "UnsafeViewBackward0").squeeze(-2);
  }
  if (db === 1) {
    if (a._shape[da - 1] !== b._shape[0])
      throw new RuntimeError(
        `mat1 and mat2 shapes cannot be multiplied (${a._shape.slice(0, -1).reduce((x, y) => x * y, 1)}x${a._shape[da - 1]} and ${b._shape[0]}x1)`,
      );
    return batchedMatmul(a, b.unsqueeze(-1), "UnsafeViewBackward0").squeeze(-1);
  }
  return batchedMatmul(a, b, db === 2 ? "UnsafeViewBackward0" : "BmmBackward0");
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2) throw new RuntimeError("self must be a matrix");
  if (b.dim() !== 2) throw new RuntimeError("mat2 must be a matrix");
  checkDtypes(a, b, "mm");
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
  checkDtypes(a, b, "bmm");
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
  if (needsGrad(a, b)) record(out, "DotBackward0", [a, b], (g) => [a._requires_grad ? b.mul(g) : null, b._requires_grad ? a.mul(g) : null], [a, b]);
  return out;
}

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.dim() !== 2 || v.dim() !== 1) throw new RuntimeError("vector + matrix @ vector expected, got 1, 2, 1");
  if (a._shape[1] !== v._shape[0])
    throw new RuntimeError(`size mismatch, got input (${a._shape[0]}), mat (${a._shape[0]}x${a._shape[1]}), vec (${v._shape[0]})`);
  const out = batchedMatmul(a.detach(), v.detach().unsqueeze(1), "").squeeze(1);
  if (needsGrad(a, v))
    record(out, "MvBackward0", [a, v], (g) => [a._requires_grad ? g.unsqueeze(1).mul(v.unsqueeze(0)) : null, v._requires_grad ? a.t().mv(g) : null], [a, v]);
  return out;
}

export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RuntimeError("outer: expected 1-D tensors");
  return a.unsqueeze(1).mul(b);
}
export const ger = outer;

export function addmm(input: Tensor, a: Tensor, b: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
  const beta = opts?.beta ?? 1, alpha = opts?.alpha ?? 1;
  let r = mm(a, b);
  if (alpha !== 1) r = r.mul(alpha);
  return beta === 0 ? r : input.mul(beta === 1 ? 1 : beta).add(r);
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
