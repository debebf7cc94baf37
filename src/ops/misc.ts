// repeat, repeat_interleave, tile, roll, meshgrid, isclose/allclose/equal, diff, diag,
// diag_embed, trace, einsum. Composite ops are built from other ops the way ATen builds them,
// so their grad_fn is the node PyTorch 1.13 shows (e.g. repeat_interleave -> IndexSelectBackward0,
// diff -> SubBackward0, einsum -> ViewBackward0/PermuteBackward0).
import { backend } from "../backend/index.js";
import { cppDouble } from "../printing.js";
import { bool, float32, get_default_dtype, int32, int64 } from "../dtype.js";
import { RuntimeError, TypeError } from "../errors.js";
import { broadcastShapes, parseSize, sameShape, wrapDim } from "../shape.js";
import { empty, Tensor } from "../tensor.js";
import { needsGrad, params, record, resultType, splitOpts } from "./util.js";
import { expandTo } from "./shape_helpers.js";
import { typeName } from "./dtype_names.js";
import { cat } from "./join.js";
import { index_select } from "./indexing.js";
import { plainCopy, zerosOf } from "./scatter.js";

// ---------------------------------------------------------------------------------------------
// repeat / tile

export function repeat(x: Tensor, ...args: unknown[]): Tensor {
  // x.repeat() with no sizes at all (an empty list is fine: a 0-dim x repeated 0-dimensionally)
  if (args.length === 0) throw new TypeError('repeat() missing 1 required positional arguments: "repeats"');
  const reps = parseSize(args);
  if (reps.length < x.dim())
    throw new RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  const lead = reps.length - x.dim();
  const padded = [...new Array<number>(lead).fill(1), ...x._shape];
  const target = padded.map((s, i) => s * reps[i]);
  const out = empty(target, x.dtype);
  if (out.numel() > 0) {
    // out viewed as [r0, s0, r1, s1, ...] receives x broadcast along every r_i
    const pStrides = [...new Array<number>(lead).fill(0), ...x._strides];
    const shape: number[] = [], src: number[] = [], dst: number[] = [];
    let st = 1;
    const dstStrides = new Array<number>(2 * reps.length);
    for (let i = reps.length - 1; i >= 0; i--) {
      dstStrides[2 * i + 1] = st;
      dstStrides[2 * i] = st * padded[i];
      st *= target[i];
    }
    for (let i = 0; i < reps.length; i++) {
      shape.push(reps[i], padded[i]);
      src.push(0, pStrides[i]);
      dst.push(dstStrides[2 * i], dstStrides[2 * i + 1]);
    }
    const view = new Tensor(out._storage, shape, dst, 0, x.dtype);
    backend.elementwise("copy", view, [new Tensor(x._storage, shape, src, x._offset, x.dtype)], x.dtype);
  }
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, "RepeatBackward0", [x], (g) => [repeatBackward(g, reps, inShape)]);
  }
  return out;
}

/** torch/csrc/autograd/FunctionsManual.cpp repeat_backward */
function repeatBackward(grad: Tensor, reps: number[], inShape: number[]): Tensor {
  if (reps.includes(0)) return zerosOf(inShape, grad.dtype);
  let g = grad;
  const lead = g.dim() - inShape.length;
  for (let i = 0; i < lead; i++) g = g.sum(0, false);
  const gradSize: number[] = [], sumDims: number[] = [];
  for (let d = 0; d < inShape.length; d++) {
    const r = reps[d + lead];
    if (r !== 1) {
      gradSize.push(r);
      sumDims.push(gradSize.length - 1);
    }
    gradSize.push(inShape[d]);
  }
  if (sumDims.length) g = g.reshape(gradSize).sum(sumDims);
  return g;
}

export function tile(x: Tensor, ...args: unknown[]): Tensor {
  const reps = parseSize(args);
  const diff = x.dim() - reps.length;
  return repeat(x, diff > 0 ? [...new Array<number>(diff).fill(1), ...reps] : reps);
}

// ---------------------------------------------------------------------------------------------
// repeat_interleave

/** torch.repeat_interleave(repeats): each i repeated repeats[i] times. */
function repeatIndices(repeats: Tensor): Tensor {
  if (repeats.dtype !== int64 && repeats.dtype !== int32)
    throw new RuntimeError(`"repeat_interleave_cpu" not implemented for '${typeName(repeats.dtype)}'`);
  if (repeats.dim() !== 1) throw new RuntimeError("repeat_interleave only accept 1D vector as repeat");
  const r = repeats._values();
  if (r.length === 0) return empty([0], repeats.dtype);
  let total = 0;
  for (let i = 0; i < r.length; i++) total += r[i];
  for (let i = 0; i < r.length; i++) if (r[i] < 0) throw new RuntimeError("repeats can not be negative");
  const out = empty([total], repeats.dtype);
  const O = out._data;
  for (let i = 0, p = 0; i < r.length; i++) for (let k = 0; k < r[i]; k++) O[p++] = i;
  return out;
}

export function repeat_interleave(x: Tensor, ...args: unknown[]): Tensor {
  // output_size is accepted; it only spares PyTorch a device sync, the total is computed anyway
  const o = params<{ repeats: Tensor | number; dim: number | null; output_size: number }>(args, ["repeats", "dim"]);
  if (o.repeats === undefined) return repeatIndices(x);
  let input = x;
  let d: number;
  if (o.dim === undefined || o.dim === null) {
    input = x.reshape(-1);
    d = 0;
  } else d = wrapDim(o.dim, x.dim());
  let reps: Tensor;
  if (typeof o.repeats === "number") {
    reps = empty([1], int64);
    reps._data[0] = o.repeats;
  } else reps = o.repeats;
  const size = input.dim() === 0 ? 1 : input._shape[d];
  if (reps.dim() === 0 || (reps.dim() === 1 && reps._shape[0] === 1)) reps = reps.reshape([1]).expand([size]);
  else if (reps.dim() === 1) {
    if (reps._shape[0] !== size) throw new RuntimeError("repeats must have the same size as input along dim");
  } else throw new RuntimeError("repeats must be 0-dim or 1-dim tensor");
  // ATen: input.index_select(dim, repeat_interleave(repeats)), so the node is IndexSelectBackward0
  return index_select(input, d, repeatIndices(reps));
}

// ---------------------------------------------------------------------------------------------
// roll

function rollOne(x: Tensor, shift: number, d: number): Tensor {
  if (x.numel() === 0) return plainCopy(x);
  const size = x._shape[d];
  let start = (size - shift) % size;
  if (start < 0) start += size;
  return cat([x.narrow(d, start, size - start), x.narrow(d, 0, start)], d);
}

function rollImpl(x: Tensor, shifts: number[], dims: number[]): Tensor {
  if (dims.length === 1 && shifts.length === 1) return rollOne(x, shifts[0], wrapDim(dims[0], x.dim()));
  if (shifts.length === 0) throw new RuntimeError("`shifts` required");
  if (dims.length === 0 && shifts.length === 1) return rollOne(plainCopy(x).view([x.numel()]), shifts[0], 0).view(x._shape.slice());
  if (shifts.length !== dims.length)
    throw new RuntimeError(`shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
  return rollImpl(rollOne(x, shifts[0], wrapDim(dims[0], x.dim())), shifts.slice(1), dims.slice(1));
}

export function roll(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ shifts: number | number[]; dims: number | number[] | null }>(args, ["shifts", "dims"]);
  const shifts = typeof o.shifts === "number" ? [o.shifts] : (o.shifts ?? []);
  const dims = o.dims === undefined || o.dims === null ? [] : typeof o.dims === "number" ? [o.dims] : o.dims;
  const out = rollImpl(x.detach(), shifts, dims);
  if (needsGrad(x)) record(out, "RollBackward0", [x], (g) => [g.roll(shifts.map((s) => -s), dims)]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// meshgrid

export function meshgrid(...args: unknown[]): Tensor[] {
  const [pos, o] = splitOpts<{ indexing: string }>(args);
  const tensors = (pos.length === 1 && Array.isArray(pos[0]) ? pos[0] : pos) as Tensor[];
  const indexing = o.indexing ?? "ij";
  const n = tensors.length;
  if (n === 0) throw new RuntimeError("meshgrid expects a non-empty TensorList");
  for (let i = 0; i < n - 1; i++)
    if (tensors[i].dtype !== tensors[i + 1].dtype) throw new RuntimeError("meshgrid expects all tensors to have the same dtype");
  const refs = tensors.slice();
  // "xy" swaps the first two inputs (and outputs): the first output dim is then x (columns)
  const swap = indexing === "xy" && n >= 2;
  if (indexing !== "xy" && indexing !== "ij")
    throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  if (swap) [refs[0], refs[1]] = [refs[1], refs[0]];
  for (const t of refs)
    if (t.dim() > 1) throw new RuntimeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t}`);
  const shape = refs.map((t) => t.numel());
  const grids = refs.map((t, i) => t.view(shape.map((_, k) => (k === i ? -1 : 1))).expand(shape));
  if (swap) [grids[0], grids[1]] = [grids[1], grids[0]];
  return grids;
}

// ---------------------------------------------------------------------------------------------
// isclose / allclose / equal

type CloseOpts = { rtol: number; atol: number; equal_nan: boolean };

export function isclose(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const o = params<CloseOpts>(args, ["rtol", "atol", "equal_nan"]);
  const rtol = o.rtol ?? 1e-5, atol = o.atol ?? 1e-8, equalNan = o.equal_nan ?? false;
  if (a.dtype !== b.dtype) throw new RuntimeError(`${typeName(a.dtype)} did not match ${typeName(b.dtype)}`);
  if (!(rtol >= 0)) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${cppDouble(rtol)}`);
  if (!(atol >= 0)) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${cppDouble(atol)}`);
  const shape = broadcastShapes(a._shape, b._shape);
  const out = empty(shape, bool);
  const A = expandTo(a, shape)._values(), B = expandTo(b, shape)._values();
  const O = out._data;
  const isFloat = a.dtype.kind === "f";
  // errors are computed in the dtype PyTorch computes them in: float32 for float32 and for
  // integers/bools (rtol * other promotes to the default float dtype), float64 for float64
  const errDt = isFloat ? a.dtype : get_default_dtype();
  const r = errDt === float32 ? Math.fround : (v: number) => v;
  const rt = r(rtol), at = r(atol);
  const isInt = !isFloat && a.dtype !== bool;
  for (let i = 0; i < O.length; i++) {
    const x = A[i], y = B[i];
    let close = x === y || (equalNan && isFloat && x !== x && y !== y);
    if (!close && !(rtol === 0 && atol === 0)) {
      const allowed = r(at + Math.abs(r(rt * r(y))));
      // integer differences are exact, then compared with the float32 bound as float32
      const actual = isInt ? r(Math.abs(x - y)) : r(Math.abs(r(x - y)));
      close = Number.isFinite(actual) && actual <= allowed;
    }
    O[i] = close ? 1 : 0;
  }
  return out;
}

export function allclose(a: Tensor, b: Tensor, ...args: unknown[]): boolean {
  return Boolean(isclose(a, b, ...args).all().item());
}

export function equal(a: Tensor, b: Tensor): boolean {
  if (!sameShape(a._shape, b._shape)) return false;
  const dt = resultType(a, b);
  const A = (a.dtype === dt ? a : a.to(dt))._values(), B = (b.dtype === dt ? b : b.to(dt))._values();
  for (let i = 0; i < A.length; i++) if (A[i] !== B[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// diff

export function diff(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ n: number; dim: number; prepend: Tensor | null; append: Tensor | null }>(args, ["n", "dim", "prepend", "append"]);
  let n = o.n ?? 1;
  const dim = o.dim ?? -1;
  const prepend = o.prepend ?? null, append = o.append ?? null;
  if (x.dim() < 1) throw new RuntimeError("diff expects input to be at least one-dimensional");
  for (const other of [prepend, append]) {
    if (!other) continue;
    const d = wrapDim(dim, x.dim(), false);
    if (other.dim() !== x.dim()) throw new RuntimeError("diff expects prepend or append to be the same dimension as input");
    for (let i = 0; i < other.dim(); i++)
      if (other._shape[i] !== x._shape[i] && i !== d)
        throw new RuntimeError(
          `diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(${i}) = ${x._shape[i]}, but got tensor.size(${i}) = ${other._shape[i]}`,
        );
  }
  const d = wrapDim(dim, x.dim());
  let input = x;
  if ((prepend || append) && n !== 0) input = cat([...(prepend ? [prepend] : []), x, ...(append ? [append] : [])], d);
  if (n === 0) {
    // ATen: zeros_like(self).copy_(self), whose node is CopyBackwards
    const out = plainCopy(x);
    if (needsGrad(x)) record(out, "torch::autograd::CopyBackwards", [x], (g) => [g]);
    return out;
  }
  let outLen = input._shape[d] - 1;
  let result = input;
  n = n >= input._shape[d] ? input._shape[d] : n;
  for (let i = 0; i < n; i++) {
    const hi = result.narrow(d, 1, outLen), lo = result.narrow(d, 0, outLen);
    result = input.dtype === bool ? hi.logical_xor(lo) : hi.sub(lo);
    outLen--;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// diag / diag_embed / trace

export function diag(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ diagonal: number }>(args, ["diagonal"]);
  const k = o.diagonal ?? 0;
  let out: Tensor;
  if (x.dim() === 1) {
    const n = x._shape[0] + Math.abs(k);
    out = empty([n, n], x.dtype);
    const region = out.detach().diagonal(k);
    if (region.numel() > 0) backend.elementwise("copy", region, [x], x.dtype);
  } else if (x.dim() === 2) {
    // torch 1.13 sizes the result min(rows, cols - k) (k >= 0) or min(rows + k, cols) and
    // fails on a negative size instead of returning an empty diagonal
    const [R, C] = x._shape;
    if ((k >= 0 ? Math.min(R, C - k) : Math.min(R + k, C)) < 0) throw new RuntimeError("numel: integer multiplication overflow");
    out = plainCopy(x.diagonal(k));
  }
  else throw new RuntimeError("matrix or a vector expected");
  if (needsGrad(x)) {
    const inShape = x._shape.slice();
    record(out, "DiagBackward0", [x], (g) => {
      if (inShape.length === 1 || inShape[0] === inShape[1]) return [g.diag(k)];
      // a non-square input: scatter g onto the k-th diagonal of a zero matrix
      const [R, C] = inShape;
      const pos = empty([g.numel()], int64);
      for (let i = 0; i < g.numel(); i++) pos._data[i] = k >= 0 ? i * C + i + k : (i - k) * C + i;
      return [zerosOf([R * C], g.dtype).scatter(0, pos, g).view(inShape)];
    });
  }
  return out;
}

export function diag_embed(x: Tensor, ...args: unknown[]): Tensor {
  const o = params<{ offset: number; dim1: number; dim2: number }>(args, ["offset", "dim1", "dim2"]);
  const offset = o.offset ?? 0, dim1 = o.dim1 ?? -2, dim2 = o.dim2 ?? -1;
  const nd = x.dim() + 1;
  const a = wrapDim(dim1, nd), b = wrapDim(dim2, nd);
  if (a === b) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const len = Math.abs(offset) + x._shape[x.dim() - 1];
  const sizes = x._shape.slice(0, -1);
  sizes.splice(Math.min(a, b), 0, len);
  sizes.splice(Math.max(a, b), 0, len);
  const out = empty(sizes, x.dtype);
  const region = out.detach().diagonal(offset, a, b);
  if (region.numel() > 0) backend.elementwise("copy", region, [x], x.dtype);
  if (needsGrad(x)) record(out, "DiagEmbedBackward0", [x], (g) => [g.diagonal(offset, a, b)]);
  return out;
}

export function trace(x: Tensor): Tensor {
  if (x.dtype === bool) throw new RuntimeError(`"trace" not implemented for 'Bool'`);
  if (x.dim() !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${x.dim()}`);
  const dt = x.dtype.kind === "f" ? x.dtype : int64;
  const out = empty([], dt);
  // accumulates in double (the CPU acc type of float) and rounds once
  const n = Math.min(x._shape[0], x._shape[1]);
  const step = x._strides[0] + x._strides[1];
  const X = x._data;
  let s = 0;
  for (let i = 0, p = x._offset; i < n; i++, p += step) s += X[p];
  out._data[0] = s;
  if (needsGrad(x)) {
    const [R, C] = x._shape;
    record(out, "TraceBackward0", [x], (g) => {
      const eye = empty([R, C], g.dtype);
      for (let i = 0; i < Math.min(R, C); i++) eye._data[i * C + i] = 1;
      return [eye.mul(g)];
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// einsum
//
// A port of ATen's einsum (native/Linear.cpp, 1.13): every operand is permuted to one global
// dim order (output labels, then contracted labels; missing labels unsqueezed), repeated labels
// take a diagonal, and operands are folded left to right with sumproduct_pair (one bmm). The
// grad_fn of the result is therefore PyTorch's: ViewBackward0 after a contraction, MulBackward0
// for a pure product, PermuteBackward0 / SumBackward1 for one operand.

const ELL = -1; // the ellipsis marker in a parsed subscript list

function labelIndex(c: string): number {
  return c >= "A" && c <= "Z" ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + 26;
}
function labelChar(l: number): string {
  return String.fromCharCode(l < 26 ? 65 + l : 97 + l - 26);
}

export function einsum(equation: string, ...rest: unknown[]): Tensor {
  const ops = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as Tensor[];
  if (typeof equation !== "string") throw new TypeError("einsum(): equation must be a string");
  const arrow = equation.indexOf("->");
  const lhs = arrow >= 0 ? equation.slice(0, arrow) : equation;
  // operand subscripts: labels 0..51 (A-Z then a-z), ELL marks "..."
  const opLabels: number[][] = [[]];
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i];
    if (c === " ") continue;
    if (c === ".") {
      if (lhs.slice(i, i + 3) !== "..." || opLabels[opLabels.length - 1].includes(ELL))
        throw new RuntimeError(`einsum(): found '.' for operand ${opLabels.length - 1} that is not part of any ellipsis`);
      opLabels[opLabels.length - 1].push(ELL);
      i += 2;
    } else if (c === ",") {
      opLabels.push([]);
      if (opLabels.length > ops.length) throw new RuntimeError("einsum(): fewer operands were provided than specified in the equation");
    } else if (/[a-zA-Z]/.test(c)) opLabels[opLabels.length - 1].push(labelIndex(c));
    else throw new RuntimeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
  }
  if (opLabels.length < ops.length) throw new RuntimeError("einsum(): more operands were provided than specified in the equation");
  if (opLabels.length > ops.length) throw new RuntimeError("einsum(): fewer operands were provided than specified in the equation");
  let ellNumDim = 0;
  const count = new Array<number>(52).fill(0);
  for (let k = 0; k < ops.length; k++) {
    const labels = opLabels[k];
    const nl = labels.filter((l) => l !== ELL).length;
    const hasEll = labels.includes(ELL);
    if (hasEll ? nl > ops[k].dim() : nl !== ops[k].dim())
      throw new RuntimeError(
        hasEll
          ? `einsum(): the number of subscripts in the equation (${nl}) is more than the number of dimensions (${ops[k].dim()}) for operand ${k}`
          : `einsum(): the number of subscripts in the equation (${nl}) does not match the number of dimensions (${ops[k].dim()}) for operand ${k} and no ellipsis was given`,
      );
    if (hasEll) ellNumDim = Math.max(ellNumDim, ops[k].dim() - nl);
    for (const l of labels) if (l !== ELL) count[l]++;
  }
  // global dim order: output dims first, then the contracted ones
  const permOf = new Array<number>(52).fill(-1);
  let permIndex = 0, ellIndex = 0, foundEll = false;
  if (arrow < 0) {
    permIndex = ellNumDim;
    foundEll = true;
    for (let l = 0; l < 52; l++) if (count[l] === 1) permOf[l] = permIndex++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === " ") continue;
      if (c === ".") {
        if (rhs.slice(i, i + 3) !== "..." || foundEll)
          throw new RuntimeError("einsum(): found '.' for output that is not part of any ellipsis");
        ellIndex = permIndex;
        permIndex += ellNumDim;
        foundEll = true;
        i += 2;
        continue;
      }
      if (!/[a-zA-Z]/.test(c))
        throw new RuntimeError(`einsum(): invalid subscript given at index ${arrow + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`);
      const l = labelIndex(c);
      if (count[l] === 0) throw new RuntimeError(`einsum(): output subscript ${c} does not appear in the equation for any input operand`);
      if (permOf[l] !== -1) throw new RuntimeError(`einsum(): output subscript ${c} appears more than once in the output`);
      permOf[l] = permIndex++;
    }
  }
  const outSize = permIndex;
  if (!foundEll) {
    ellIndex = permIndex;
    permIndex += ellNumDim;
  }
  for (let l = 0; l < 52; l++) if (count[l] > 0 && permOf[l] === -1) permOf[l] = permIndex++;
  // label sizes must agree (size 1 broadcasts)
  const seen = new Array<number>(52).fill(-1);
  for (let k = 0; k < ops.length; k++) {
    let j = 0;
    for (const l of opLabels[k]) {
      if (l === ELL) {
        j += ops[k].dim() - opLabels[k].filter((x) => x !== ELL).length;
        continue;
      }
      const s = ops[k]._shape[j++];
      if (seen[l] === -1 || seen[l] === 1) seen[l] = s;
      else if (s !== 1 && s !== seen[l])
        throw new RuntimeError(`einsum(): subscript ${labelChar(l)} has size ${s} for operand ${k} which does not broadcast with previously seen size ${seen[l]}`);
    }
  }
  for (let k = 1; k < ops.length; k++)
    if (ops[k].dtype !== ops[0].dtype)
      throw new RuntimeError(`expected scalar type ${typeName(ops[0].dtype)} but found ${typeName(ops[k].dtype)}`);
  const permuted = ops.map((op, i) => {
    const permShape = new Array<number>(permIndex).fill(-1);
    const labelDim = new Array<number>(52).fill(-1);
    let operand = op;
    const labels = opLabels[i];
    let j = 0;
    for (const l of labels) {
      if (l === ELL) {
        const missing = ellNumDim - (op.dim() - labels.length + 1);
        for (let k = 0; k < missing; k++) operand = operand.unsqueeze(j);
        for (let k = 0; k < ellNumDim; k++) permShape[ellIndex + k] = j++;
      } else if (labelDim[l] !== -1) {
        const dim = labelDim[l];
        if (operand._shape[j] !== operand._shape[dim])
          throw new RuntimeError(
            `einsum(): subscript ${labelChar(l)} is repeated for operand ${i} but the sizes don't match, ${operand._shape[j]} != ${operand._shape[dim]}`,
          );
        operand = operand.diagonal(0, dim, j).movedim(-1, dim);
      } else {
        labelDim[l] = j;
        permShape[permOf[l]] = j++;
      }
    }
    for (let k = 0; k < permShape.length; k++)
      if (permShape[k] === -1) {
        operand = operand.unsqueeze(-1);
        permShape[k] = j++;
      }
    return operand.permute(permShape);
  });
  // the last operand with a non-1 size in each dim: a dim can be summed once it is past it
  const lastOp = new Array<number>(permIndex).fill(0);
  let zeroSize = false;
  for (let d = 0; d < permIndex; d++) {
    let b = permuted[0]._shape[d];
    for (let i = 1; i < permuted.length; i++) {
      const s = permuted[i]._shape[d];
      if (s !== 1) {
        b = s;
        lastOp[d] = i;
      }
    }
    if (b === 0) zeroSize = true;
  }
  let result = permuted[0];
  if (zeroSize) {
    const shape: number[] = [];
    for (let d = 0; d < outSize; d++) shape.push(permuted[lastOp[d]]._shape[d]);
    return empty(shape, result.dtype);
  }
  let dim = outSize;
  for (let i = dim; i < permIndex; i++, dim++)
    if (lastOp[i] === 0) {
      if (result._shape[dim] === 1) result = result.squeeze(dim--);
      else result = result.sum(dim--);
    }
  for (let i = 1; i < permuted.length; i++) {
    let operand = permuted[i];
    const sumDims: number[] = [];
    dim = outSize;
    for (let j = dim; j < permIndex; j++, dim++) {
      if (lastOp[j] < i) {
        operand = operand.squeeze(dim);
        dim--;
      } else if (lastOp[j] === i) {
        if (result._shape[dim] === 1) {
          operand = operand.sum(dim);
          result = result.squeeze(dim);
          dim--;
        } else if (operand._shape[dim] === 1) {
          result = result.sum(dim);
          operand = operand.squeeze(dim);
          dim--;
        } else sumDims.push(dim);
      }
    }
    result = sumDims.length === 0 ? result.mul(operand) : sumproductPair(result, operand, sumDims);
  }
  return result;
}

/** ATen's sumproduct_pair (keepdim=false): left * right summed over sumDims with one bmm. */
function sumproductPair(leftIn: Tensor, rightIn: Tensor, sumDims: number[]): Tensor {
  let left = leftIn, right = rightIn;
  const nd = left.dim();
  const isSum = new Array<boolean>(nd).fill(false);
  for (const d of sumDims) isSum[d] = true;
  const lro: number[] = [], lo: number[] = [], ro: number[] = [];
  let lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
  for (let i = 0; i < nd; i++) {
    const sl = left._shape[i] > 1, sr = right._shape[i] > 1;
    if (isSum[i]) {
      if (sl && sr) sumSize *= left._shape[i];
      else if (sl) left = left.sum(i, true);
      else if (sr) right = right.sum(i, true);
    } else if (sl && sr) {
      lro.push(i);
      lroSize *= left._shape[i];
    } else if (sl) {
      lo.push(i);
      loSize *= left._shape[i];
    } else {
      ro.push(i);
      roSize *= right._shape[i];
    }
  }
  const outShape = [...lro.map((d) => left._shape[d]), ...lo.map((d) => left._shape[d]), ...sumDims.map(() => 1), ...ro.map((d) => right._shape[d])];
  const lperm = [...lro, ...lo, ...sumDims, ...ro];
  const rperm = [...lro, ...sumDims, ...ro, ...lo];
  const operm = new Array<number>(nd);
  [...lro, ...lo, ...sumDims, ...ro].forEach((d, i) => (operm[d] = i));
  const l = left.permute(lperm).reshape([lroSize, loSize, sumSize]);
  const r = right.permute(rperm).reshape([lroSize, sumSize, roSize]);
  const res = l.bmm(r).view(outShape).permute(operm);
  return res.view(res._shape.filter((_, i) => !isSum[i]));
}

// ---------------------------------------------------------------------------------------------
// Tensor methods

type A = unknown[];
declare module "../tensor.js" {
  interface Tensor {
    repeat(...sizes: (number | number[])[]): Tensor;
    repeat_interleave(repeats?: number | Tensor, dim?: number | null, opts?: { output_size?: number }): Tensor;
    tile(...dims: (number | number[])[]): Tensor;
    roll(shifts: number | number[], dims?: number | number[] | null): Tensor;
    isclose(other: Tensor, rtol?: number | Partial<CloseOpts>, atol?: number, equal_nan?: boolean): Tensor;
    allclose(other: Tensor, rtol?: number | Partial<CloseOpts>, atol?: number, equal_nan?: boolean): boolean;
    equal(other: Tensor): boolean;
    diff(n?: number | { n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null }, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor;
    diag(diagonal?: number): Tensor;
    diag_embed(offset?: number | { offset?: number; dim1?: number; dim2?: number }, dim1?: number, dim2?: number): Tensor;
    trace(): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (x: Tensor, ...a: A) => unknown) =>
    function (this: Tensor, ...a: A) {
      return f(this, ...a);
    };
  Object.assign(P, {
    repeat: m(repeat), repeat_interleave: m(repeat_interleave), tile: m(tile), roll: m(roll),
    isclose: m(isclose as (x: Tensor, ...a: A) => unknown), allclose: m(allclose as (x: Tensor, ...a: A) => unknown),
    equal: m(equal as (x: Tensor, ...a: A) => unknown), diff: m(diff), diag: m(diag), diag_embed: m(diag_embed), trace: m(trace),
  });
}
