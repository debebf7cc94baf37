// Everything the `torch` namespace exports (src/index.ts re-exports it, plus a default export).
import "./ops/pointwise.js";
import "./ops/view.js";
import "./ops/reduction.js";
import "./ops/linalg.js";
import "./ops/join.js";
import "./ops/convert.js";
import "./ops/creation.js";
import "./ops/indexing.js";
import * as pointwise from "./ops/pointwise.js";
import * as view from "./ops/view.js";
import * as reduction from "./ops/reduction.js";
import * as linalg from "./ops/linalg.js";
import * as join from "./ops/join.js";
import * as creation from "./ops/creation.js";
import { Tensor } from "./tensor.js";
import { Size } from "./shape.js";
import * as dt from "./dtype.js";
import { set_printoptions, get_printoptions, printoptions } from "./printing.js";
import { no_grad, enable_grad, is_grad_enabled, set_grad_enabled } from "./autograd/grad_mode.js";
import { resultType, wrap } from "./ops/util.js";
import type { TensorLike } from "./tensor.js";

export { Tensor, Size };
export { RuntimeError, IndexError, ValueError, TypeError, NotImplementedError, AssertionError } from "./errors.js";
export { DType as dtype } from "./dtype.js";
export const { float32, float64, int64, int32, int16, int8, uint8, bool } = dt.dtypes;
export const { float, double, long, int, short } = dt.aliases;
export const half = undefined;
export { get_default_dtype, set_default_dtype, promoteTypes as promote_types } from "./dtype.js";
export { set_printoptions, get_printoptions, printoptions };
export { no_grad, enable_grad, is_grad_enabled, set_grad_enabled };

export function result_type(a: TensorLike, b: TensorLike): dt.DType {
  return resultType(wrap(a), wrap(b));
}
export function is_tensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
export function numel(x: Tensor): number {
  return x.numel();
}

export const {
  neg, negative, abs, sign, exp, exp2, log, log2, log10, log1p, expm1, sqrt, rsqrt, sin, cos, tan, asin, acos, atan,
  sinh, cosh, tanh, sigmoid, relu, floor, ceil, round, trunc, frac, reciprocal, square, erf, isnan, isinf, isfinite,
  logical_not, bitwise_not, add, sub, rsub, mul, div, true_divide, floor_divide, remainder, fmod, pow, maximum, minimum,
  atan2, eq, ne, lt, le, gt, ge, greater, greater_equal, less, less_equal, not_equal, logical_and, logical_or,
  logical_xor, bitwise_and, bitwise_or, bitwise_xor, where, clamp, clip, clamp_min, clamp_max, masked_fill, lerp, addcmul, addcdiv,
} = { ...pointwise, negative: pointwise.neg };
export const subtract = pointwise.sub, multiply = pointwise.mul, divide = pointwise.div;

export const {
  view: _view, reshape, flatten, unflatten, squeeze, unsqueeze, permute, transpose, swapaxes, swapdims, t, expand_copy: _unused,
  narrow, select, as_strided, diagonal, movedim, moveaxis, clone, detach, flip, contiguous: _contig,
} = { ...view, expand_copy: undefined };
export function broadcast_to(x: Tensor, shape: number[]): Tensor {
  return x.expand(shape);
}
export function broadcast_shapes(...shapes: number[][]): Size {
  return Size.from_(broadcastShapesOf(shapes));
}
import { broadcastShapesOf } from "./shape.js";
export { index_select, masked_select, take, put, nonzero, argwhere, index_put, index_put_, index_add, index_fill } from "./ops/indexing.js";

export const { sum, nansum, mean, prod, max, min, amax, amin, argmax, argmin, all, any, std, logsumexp, cumsum, cumprod, norm, var_mean, std_mean } = reduction;
export const var_ = reduction.var_;
export { var_ as var };
export const { matmul, mm, bmm, dot, mv, outer, ger, addmm } = linalg;
export const { cat, concat, concatenate, stack, hstack, vstack, split, chunk, unbind } = join;
export const {
  tensor, empty, zeros, ones, full, empty_like, zeros_like, ones_like, full_like, scalar_tensor, arange, linspace,
  logspace, eye, tril, triu, frombuffer, as_tensor, from_numpy,
} = creation;


import * as engine from "./autograd/engine.js";
export const autograd = { grad: engine.grad, backward: engine.backwardAll, gradcheck: gradcheckMod.gradcheck, gradgradcheck: gradcheckMod.gradgradcheck };
import * as gradcheckMod from "./autograd/gradcheck.js";
export { softmax, log_softmax } from "./nn/functional.js";
export { save, load, safetensors } from "./io/index.js";

import * as scatterOps from "./ops/scatter.js";
import * as sortOps from "./ops/sort.js";
import * as miscOps from "./ops/misc.js";
export const { gather, scatter, scatter_add, scatter_reduce } = scatterOps;
export const { sort, argsort, msort, topk, kthvalue, mode, median, unique, bincount, searchsorted, histc } = sortOps;
export const { repeat_interleave, tile, roll, meshgrid, allclose, isclose, equal, diff, diag, diag_embed, trace, einsum } = miscOps;
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";

import "./ops/random.js";
export { rand, randn, randint, randperm, rand_like, randn_like, randint_like, multinomial, bernoulli, normal, get_rng_state, set_rng_state } from "./ops/random.js";
export { Generator, default_generator, manual_seed, seed, initial_seed } from "./random/index.js";

export { backends, set_num_threads, get_num_threads } from "./backend/node.js";
