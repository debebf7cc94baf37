// Differential test of autograd: ~200 random programs (seeded, so every run builds the same
// ones) of differentiable ops on leaf tensors that require grad (float32, some float64; 0-D to
// 4-D; some leaves laid out transposed/sliced/offset/permuted/expanded in memory, and views of
// them transposed and sliced inside the program): element-wise ops with broadcasting,
// reductions, views, cat/stack/split, indexing (ints, slices, index tensors with repeated
// indices, masks), gather, batched matmul, where/masked_fill/clamp/pow, activations,
// softmax/log_softmax/cross_entropy, max/min with dim, and in-place ops (also through views and
// index assignment) on intermediates. Each ends in a sum or mean on which backward runs
// (sometimes twice, accumulating, with retain_graph=True, from the same or another loss;
// sometimes through torch.autograd.grad). Each program runs in torchlette and in PyTorch
// (test/oracle.ts runs all of them in one Python process, scripts/gen_core_goldens.py --serve);
// compared: the loss, every leaf's .grad (or autograd.grad's answers; None for unused leaves),
// the grad_fn name of every step (read after the forward), the layout of .grad (PyTorch's
// gradient layout contract) and, where a program fails, the stage, error class and message.
// The main oracle is torch 2.x; torch 1.13 (Debian's /usr/bin/python3, or
// $TORCHLETTE_ALT_PYTHON) runs the batch too when present, and each item may match either
// (1.13 decides names and printing, so torchlette prints 1.13's grad_fn names).
//
// Float tolerance, per compared tensor: |got - want| <= 8 E + 2^-20 |want| + 16 u M, where
// `want` is PyTorch's result; E the largest difference between it and PyTorch's result of the
// same program with every float32 tensor in float64 (PyTorch's own rounding error along the
// chain, forward and backward); M the largest magnitude along the chain, measured in that
// float64 run: of every gradient flowing into a step (gradients) or of every step's value (the
// loss), and of the compared tensor itself; u = 2^-24 for float32 results and 2^-44 for float64
// ones (see U). Torchlette must be about as accurate as PyTorch on each program, however
// ill-conditioned the chain. (Where the float64 run fails and the program does not, the bound
// of test/differential.test.ts: 2^-16 |want| + 2^-14 M.) Zero signs are compared too, except
// where PyTorch's are implementation details (see zeroSigns).
// Without PyTorch (no $TORCHLETTE_PYTHON, /work/.venv-oracle or python3 with torch) the test
// is reported as skipped, with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Tensor } from "../src/tensor.js";
import { Rng } from "./rng.js";
import {
  altOraclePython,
  decodeValue,
  describeValue,
  errorClass,
  evaluate,
  runGradOracle,
  runProgram,
  Unsupported,
  type Arg,
  type GradCase,
  type GradOutcome,
  type GradProgram,
  type GradResult,
  type JVal,
  type Node,
  type TensorResult,
  type TensorSpec,
} from "./oracle.js";

// TORCHLETTE_GRAD_SEED / TORCHLETTE_GRAD_CHAINS explore other programs (the defaults are the suite's)
const SEED = Number(process.env.TORCHLETTE_GRAD_SEED ?? 20240614);
const CHAINS = Number(process.env.TORCHLETTE_GRAD_CHAINS ?? 200);


// ---------------------------------------------------------------------------------------------
// inputs

type FT = "float32" | "float64";
interface ValueOpts {
  /** |v| >= 0.5 */
  nonzero?: boolean;
  /** v >= 0.25 */
  positive?: boolean;
  /** |v| <= 1.5 */
  small?: boolean;
}

function randomShape(r: Rng, maxRank = 4): number[] {
  const rank = r.pick([0, 1, 1, 2, 2, 2, 3, 3, 4].filter((k) => k <= maxRank));
  const shape = Array.from({ length: rank }, () => r.int(1, 4));
  if (rank > 0 && r.bool(0.03)) shape[r.int(0, rank - 1)] = 0;
  return shape;
}

function randomValue(r: Rng, dt: FT, o: ValueOpts): number {
  let v = Math.round(r.normal() * (o.small ? 0.6 : 2) * 1000) / 1000;
  if (o.small) v = Math.max(-1.5, Math.min(1.5, v));
  if (o.positive) v = Math.abs(v) + 0.25;
  if (o.nonzero && Math.abs(v) < 0.5) v = v < 0 ? v - 0.5 : v + 0.5;
  // + 0: a rounded -0 would reach PyTorch as 0 (JSON has no -0)
  return (dt === "float32" ? Math.fround(v) : v) + 0;
}

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function spec(r: Rng, shape: number[], dt: string, values: JVal[], grad: boolean, layouts = true): { t: TensorSpec } {
  const nd = shape.length;
  const s: TensorSpec = { dtype: dt, shape: shape.slice(), values };
  if (grad) s.requires_grad = true;
  if (!layouts) return { t: s };
  const options: (TensorSpec["layout"] | undefined)[] = [undefined, undefined, undefined, undefined];
  if (nd >= 1) options.push("sliced", "offset");
  if (nd >= 2) options.push("transposed", "transposed");
  if (nd >= 3) options.push("permuted");
  const layout = r.pick(options);
  if (layout) s.layout = layout;
  return { t: s };
}

/** A float tensor: its values, and a layout in memory (or an expand()ed smaller tensor). */
function floatSpec(r: Rng, shape: number[], dt: FT, o: ValueOpts, grad: boolean): { t: TensorSpec } {
  if (shape.length >= 1 && numelOf(shape) > 0 && r.bool(0.12)) {
    const base = shape.map((d) => (d > 1 && r.bool(0.5) ? 1 : d));
    if (base.some((d, i) => d !== shape[i])) {
      const values = Array.from({ length: numelOf(base) }, () => randomValue(r, dt, o));
      return { t: { dtype: dt, shape: shape.slice(), values, layout: "expanded", base_shape: base, ...(grad ? { requires_grad: true } : {}) } };
    }
  }
  return spec(r, shape, dt, Array.from({ length: numelOf(shape) }, () => randomValue(r, dt, o)), grad);
}

function intSpec(r: Rng, shape: number[], lo: number, hi: number): { t: TensorSpec } {
  return spec(r, shape, "int64", Array.from({ length: numelOf(shape) }, () => r.int(lo, hi)), false, r.bool(0.3));
}

function boolSpec(r: Rng, shape: number[]): { t: TensorSpec } {
  return spec(r, shape, "bool", Array.from({ length: numelOf(shape) }, () => r.bool()), false, r.bool(0.3));
}

/** A shape that broadcasts against `shape` (a suffix of it, some dims set to 1); `grow` may add
 * a leading dim (not for in-place ops, whose result keeps self's shape). */
function broadcastableShape(r: Rng, shape: readonly number[], grow = true): number[] {
  const keep = r.int(0, shape.length);
  const tail = shape.slice(shape.length - keep).map((d) => (r.bool(0.3) ? 1 : d));
  if (grow && r.bool(0.12) && tail.length < 4) tail.unshift(r.int(1, 3));
  return tail;
}

function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i], y = b[b.length - i];
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

/** b broadcasts to exactly a's shape */
function broadcastsTo(b: readonly number[], a: readonly number[]): boolean {
  if (b.length > a.length) return false;
  for (let i = 1; i <= b.length; i++) if (b[b.length - i] !== a[a.length - i] && b[b.length - i] !== 1) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// programs

const C = (call: string, self: Node | undefined, args: Arg[] = [], kwargs?: Record<string, Arg>, pick?: number): Node => {
  const n: Node = { call, args };
  if (self !== undefined) (n as { self?: Node }).self = self;
  if (kwargs && Object.keys(kwargs).length) (n as { kwargs?: Record<string, Arg> }).kwargs = kwargs;
  if (pick !== undefined) (n as { pick?: number }).pick = pick;
  return n;
};
const F = (call: string, args: Arg[], kwargs?: Record<string, Arg>, pick?: number): Node => C(call, undefined, args, kwargs, pick);
/** torch.nn.functional.<call> */
const NF = (call: string, args: Arg[], kwargs?: Record<string, Arg>): Node => ({ ...F(call, args, kwargs), ns: "nn.functional" }) as Node;
const V = (i: number): Node => ({ var: i });

function floatScalar(r: Rng): number {
  return r.pick([0.5, -1.5, 2.25, 0.75, -0.25, 3.5, 1.25]);
}

class Builder {
  steps: Node[] = [];
  vals: unknown[] = [];
  leaves: Tensor[] = [];
  /** steps that are leaves requiring grad */
  leafSteps: number[] = [];
  failed = false;
  constructor(
    readonly r: Rng,
    /** the dtype of new tensors (a mixed program draws each) */
    readonly dtype: FT | "mixed",
  ) {}

  dt(): FT {
    return this.dtype === "mixed" ? this.r.pick<FT>(["float32", "float64"]) : this.dtype;
  }

  /** Evaluate a step in torchlette (so later steps know its shape and values). A step that
   * torchlette rejects ends the program: PyTorch must reject it with the same error. */
  add(node: Node): number | null {
    if (this.failed) return null;
    this.steps.push(node);
    try {
      this.vals.push(evaluate(node, this.leaves, this.vals).value);
    } catch {
      this.vals.push(undefined);
      this.failed = true;
      return null;
    }
    return this.steps.length - 1;
  }

  leaf(shape: number[], dt: FT = this.dt(), o: ValueOpts = {}): number | null {
    const i = this.add(floatSpec(this.r, shape, dt, o, true));
    if (i !== null) this.leafSteps.push(i);
    return i;
  }

  t(i: number): Tensor {
    return this.vals[i] as Tensor;
  }

  /** earlier steps holding float tensors that require grad */
  gradVars(): number[] {
    const out: number[] = [];
    this.vals.forEach((v, i) => {
      if (v instanceof Tensor && v._requires_grad && v.dtype.kind === "f") out.push(i);
    });
    return out;
  }

  /** A second operand broadcastable with `shape`: a constant, a new leaf, or an earlier step. */
  operand(shape: readonly number[], dt: FT, o: ValueOpts = {}, grow = true): Arg | null {
    const r = this.r;
    const u = r.next();
    if (u < 0.3) {
      const fits = this.gradVars().filter((i) => {
        const t = this.t(i);
        if (!(grow ? broadcasts(t._shape, shape) : broadcastsTo(t._shape, shape))) return false;
        const v = t._values();
        for (let k = 0; k < v.length; k++) {
          if (!Number.isFinite(v[k])) return false;
          if (o.nonzero && Math.abs(v[k]) < 0.25) return false;
          if (o.positive && v[k] < 0.1) return false;
          if (o.small && Math.abs(v[k]) > 3) return false;
        }
        return true;
      });
      if (fits.length) return V(r.pick(fits));
    }
    const s = broadcastableShape(r, shape, grow);
    const odt = r.bool(0.1) ? r.pick<FT>(["float32", "float64"]) : dt;
    if (u < 0.6) {
      const i = this.leaf(s, odt, o);
      return i === null ? null : V(i);
    }
    return floatSpec(r, s, odt, o, false);
  }
}

interface Info {
  t: Tensor;
  nd: number;
  shape: number[];
  dt: FT;
  numel: number;
  maxA: number;
  min: number;
  minAbs: number;
  finite: boolean;
  /** a leaf, or a view of one: in-place ops on it are errors */
  leafish: boolean;
}

function info(b: Builder, i: number): Info {
  const t = b.t(i);
  const v = t._values();
  let maxA = 0, min = Infinity, minAbs = Infinity, finite = true;
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) finite = false;
    else {
      maxA = Math.max(maxA, Math.abs(v[k]));
      min = Math.min(min, v[k]);
      minAbs = Math.min(minAbs, Math.abs(v[k]));
    }
  }
  let base: Tensor = t;
  while (base._base) base = base._base;
  const leafish = base._requires_grad && base.grad_fn === null;
  return { t, nd: t.dim(), shape: t._shape.slice(), dt: t.dtype.name as FT, numel: t.numel(), maxA, min, minAbs, finite, leafish };
}

/** One op (maybe a few steps) on step `x`; returns the step to continue from, or null when the
 * op does not apply (nothing added). */
type OpGen = (b: Builder, x: number) => number | null;

const dimOf = (r: Rng, nd: number) => r.int(-Math.max(nd, 1), Math.max(nd, 1) - 1);

function randomDims(r: Rng, nd: number): number[] {
  const dims = r.shuffle(Array.from({ length: nd }, (_, i) => i)).slice(0, r.int(1, Math.max(1, nd)));
  return dims.map((d) => (r.bool(0.3) ? d - nd : d));
}

const unaryOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  const op = r.pick([
    "neg", "abs", "relu", "square", "tanh", "sigmoid", "sin", "cos", "atan", "erf", "exp", "expm1", "log", "sqrt", "rsqrt",
    "log1p", "reciprocal", "pow", "pow", "clamp", "clamp", "F.gelu", "F.silu", "F.elu", "F.leaky_relu", "F.softplus", "F.logsigmoid", "F.hardtanh",
  ]);
  if ((op === "exp" || op === "expm1") && I.maxA > 8) return null;
  if ((op === "log" || op === "sqrt" || op === "rsqrt") && !(I.min > 0.05)) return null;
  if (op === "log1p" && !(I.min > -0.9)) return null;
  if (op === "reciprocal" && !(I.minAbs > 0.1)) return null;
  if (!I.finite) return null;
  switch (op) {
    case "pow": {
      const e = I.min > 0.05 ? r.pick([2, 3, 0.5, -1.5, 1.5]) : r.pick([2, 3]);
      if (I.maxA > 20 && e === 3) return null;
      return b.add(r.bool(0.5) ? C("pow", X, [e]) : F("pow", [X, e]));
    }
    case "clamp": {
      const lo = r.pick([-0.75, -0.25, 0.5]), hi = lo + r.pick([0.5, 1.25, 2.5]);
      const form = r.int(0, 3);
      return b.add(
        form === 0 ? C("clamp", X, [lo, hi]) : form === 1 ? C("clamp", X, [], { min: lo }) : form === 2 ? F("clamp", [X], { max: hi }) : C("clamp", X, [], { min: lo, max: hi }),
      );
    }
    case "F.leaky_relu":
      return b.add(NF("leaky_relu", [X], { negative_slope: 0.125 }));
    case "F.hardtanh":
      return b.add(NF("hardtanh", [X, -0.5, 1.5]));
  }
  if (op.startsWith("F.")) return b.add(NF(op.slice(2), [X]));
  return b.add(r.bool(0.6) ? C(op, X) : F(op, [X]));
};

const binaryOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  if (!I.finite) return null;
  const op = r.pick(["add", "sub", "mul", "mul", "div", "maximum", "minimum", "atan2", "pow", "where", "masked_fill", "lerp", "scalar"]);
  switch (op) {
    case "add":
    case "sub":
    case "mul": {
      const o = b.operand(I.shape, I.dt);
      if (o === null) return null;
      const kw = op !== "mul" && r.bool(0.2) ? { alpha: r.pick([0.5, 2, -1.5]) } : undefined;
      const form = r.int(0, 2);
      // the other operand first: its broadcasting against x, and the other side of the formula
      if (form === 2 && kw === undefined && typeof o === "object" && o !== null && "var" in o) return b.add(C(op, o as Node, [X]));
      return b.add(form === 0 ? C(op, X, [o], kw) : F(op, [X, o], kw));
    }
    case "div": {
      if (r.bool(0.3) && I.minAbs > 0.25) {
        const o = b.operand(I.shape, I.dt);
        return o === null ? null : b.add(F("div", [o, X]));
      }
      const o = b.operand(I.shape, I.dt, { nonzero: true });
      return o === null ? null : b.add(r.bool(0.5) ? C("div", X, [o]) : F("div", [X, o]));
    }
    case "maximum":
    case "minimum": {
      const o = b.operand(I.shape, I.dt);
      return o === null ? null : b.add(F(op, [X, o]));
    }
    case "atan2": {
      const o = b.operand(I.shape, I.dt, { nonzero: true });
      return o === null ? null : b.add(r.bool(0.5) ? F("atan2", [X, o]) : F("atan2", [o, X]));
    }
    case "pow": {
      if (I.min > 0.1 && I.maxA < 6) {
        const o = b.operand(I.shape, I.dt, { small: true });
        return o === null ? null : b.add(C("pow", X, [o]));
      }
      if (I.maxA < 4) return b.add(F("pow", [r.pick([2.5, 0.5, 1.5]), X])); // scalar base
      return null;
    }
    case "where": {
      const cond = boolSpec(r, broadcastableShape(r, I.shape));
      const o = r.bool(0.25) ? floatScalar(r) : b.operand(I.shape, I.dt);
      if (o === null) return null;
      return b.add(r.bool(0.5) ? F("where", [cond, X, o]) : F("where", [cond, o, X]));
    }
    case "masked_fill": {
      const mask = boolSpec(r, broadcastableShape(r, I.shape, false));
      return b.add(C("masked_fill", X, [mask, floatScalar(r)]));
    }
    case "lerp": {
      const o = b.operand(I.shape, I.dt, {}, false);
      if (o === null) return null;
      const w = r.bool(0.6) ? r.pick([0.25, 0.75, 0.5]) : b.operand(I.shape, I.dt, { small: true }, false);
      if (w === null) return null;
      if (typeof w !== "number") {
        // a tensor weight must have the same dtype as start and end in PyTorch; keep it simple
        const wn = w as Node;
        if ("t" in wn && wn.t.dtype !== I.dt) return null;
        if ("var" in wn && b.t(wn.var).dtype !== I.t.dtype) return null;
      }
      if (typeof o === "object" && o !== null && "t" in (o as Node) && (o as { t: TensorSpec }).t.dtype !== I.dt) return null;
      if (typeof o === "object" && o !== null && "var" in (o as Node) && b.t((o as { var: number }).var).dtype !== I.t.dtype) return null;
      return b.add(C("lerp", X, [o, w]));
    }
    case "scalar": {
      const s = floatScalar(r);
      const which = r.pick(["add", "mul", "sub", "div", "rsub"]);
      if (which === "rsub") return b.add(F("rsub", [X, s]));
      return b.add(C(which, X, [s]));
    }
  }
  return null;
};

const reduceOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  const op = r.pick(["sum", "sum", "mean", "mean", "amax", "amin", "max", "min", "maxall", "prod", "std", "var", "norm", "logsumexp", "cumsum", "cumprod"]);
  const dim = dimOf(r, I.nd);
  const keep = r.bool(0.4);
  const dimSize = I.nd === 0 ? 1 : I.shape[dim < 0 ? dim + I.nd : dim];
  switch (op) {
    case "sum":
    case "mean":
    case "amax":
    case "amin": {
      const form = r.int(0, 3);
      if (form === 0 || I.nd === 0) return b.add(op.startsWith("am") ? C(op, X) : r.bool(0.5) ? C(op, X) : F(op, [X]));
      if (form === 1) return b.add(C(op, X, [dim, keep]));
      if (form === 2) return b.add(F(op, [X], { dim: randomDims(r, I.nd), keepdim: keep }));
      return b.add(C(op, X, [dim], { keepdim: keep }));
    }
    case "max":
    case "min":
      return b.add(r.bool(0.6) ? C(op, X, [dim, keep], undefined, 0) : F(op, [X], { dim, keepdim: keep }, 0));
    case "maxall":
      return b.add(C(r.pick(["max", "min"]), X));
    case "prod":
      if (I.maxA > 3 || I.numel > 24) return null;
      return b.add(r.bool(0.4) ? C("prod", X) : C("prod", X, [dim, keep]));
    case "std":
    case "var": {
      const correction = r.pick([0, 1]);
      if (dimSize <= correction) return null;
      if (r.bool(0.3) && I.numel > 1) return b.add(C(op, X));
      return b.add(C(op, X, [dim], { correction, keepdim: keep }));
    }
    case "norm":
      if (r.bool(0.4)) return b.add(C("norm", X));
      return b.add(C("norm", X, [r.pick([1, 2, 3])], { dim, keepdim: keep }));
    case "logsumexp":
      return b.add(F("logsumexp", [X, dim, keep]));
    case "cumsum":
      return b.add(r.bool(0.5) ? C("cumsum", X, [dim]) : F("cumsum", [X], { dim }));
    case "cumprod":
      if (I.maxA > 3 || I.numel > 24 || I.minAbs === 0) return null;
      return b.add(C("cumprod", X, [dim]));
  }
  return null;
};

const viewOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  const nd = I.nd;
  const op = r.pick([
    "transpose", "permute", "reshape", "view", "flatten", "unsqueeze", "squeeze", "narrow", "select", "t", "mT", "expand", "contiguous",
    "unflatten", "movedim", "diagonal", "flip", "repeat", "to", "clone",
  ]);
  const d = () => dimOf(r, nd);
  switch (op) {
    case "transpose":
      return nd >= 1 ? b.add(C("transpose", X, [d(), d()])) : null;
    case "permute": {
      const p = r.shuffle(Array.from({ length: nd }, (_, i) => i));
      return b.add(r.bool(0.5) ? C("permute", X, p) : F("permute", [X, p]));
    }
    case "reshape":
    case "view": {
      if (op === "view" && !I.t.is_contiguous()) return null;
      const n = I.numel;
      const shapes = [[-1], [n], [1, -1], [-1, 1]];
      if (n % 2 === 0 && n > 0) shapes.push([2, -1], [-1, 2, 1]);
      return b.add(C(op, X, [r.pick(shapes)]));
    }
    case "flatten":
      return b.add(nd >= 2 && r.bool(0.5) ? C("flatten", X, [r.int(0, nd - 2)]) : F("flatten", [X]));
    case "unsqueeze":
      return b.add(C("unsqueeze", X, [r.int(-nd - 1, nd)]));
    case "squeeze":
      return b.add(nd > 0 && r.bool(0.5) ? C("squeeze", X, [d()]) : C("squeeze", X));
    case "narrow": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1), size = I.shape[dim];
      if (size === 0) return null;
      const start = r.int(0, size - 1);
      return b.add(C("narrow", X, [dim, start, r.int(1, size - start)]));
    }
    case "select": {
      if (nd === 0 || I.numel === 0) return null;
      const dim = r.int(0, nd - 1);
      return b.add(C("select", X, [dim, r.int(-I.shape[dim], I.shape[dim] - 1)]));
    }
    case "t":
      return nd <= 2 ? b.add(C("t", X)) : null;
    case "mT":
      return nd >= 2 ? b.add({ attr: r.pick(["mT", "T"]), self: X }) : null;
    case "expand": {
      const target = I.shape.map((s) => (s === 1 ? r.int(1, 3) : r.bool(0.2) ? -1 : s));
      if (r.bool(0.4)) target.unshift(r.int(1, 3));
      return b.add(C("expand", X, target));
    }
    case "contiguous":
    case "clone":
      return b.add(C(op, X));
    case "unflatten": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1);
      return b.add(C("unflatten", X, [dim, [1, -1]]));
    }
    case "movedim":
      return nd >= 2 ? b.add(F("movedim", [X, d(), d()])) : null;
    case "diagonal":
      return nd >= 2 ? b.add(C("diagonal", X, [r.int(-1, 1)], r.bool(0.3) && nd >= 3 ? { dim1: 0, dim2: nd - 1 } : undefined)) : null;
    case "flip":
      return nd > 0 ? b.add(C("flip", X, [randomDims(r, nd)])) : null;
    case "repeat": {
      const reps = I.shape.map(() => r.int(1, 2));
      if (r.bool(0.3)) reps.unshift(2);
      return b.add(C("repeat", X, reps));
    }
    case "to": {
      const target = I.dt === "float32" ? "float64" : "float32";
      const form = r.int(0, 2);
      return b.add(form === 0 ? C("to", X, [{ dtype: target }]) : form === 1 ? C("to", X, [], { dtype: { dtype: target } }) : C(target === "float64" ? "double" : "float", X));
    }
  }
  return null;
};

/** Python index elements (torchlette's `get`): ints, slices, None, '...', int lists, index tensors */
function randomIndex(r: Rng, shape: readonly number[]): Arg[] {
  const nd = shape.length;
  const items: Arg[] = [];
  let d = 0;
  let advanced = 0;
  let advancedLen: number | undefined;
  const count = r.int(1, Math.max(1, nd));
  for (let k = 0; k < count && d < nd; k++) {
    const size = shape[d];
    const kind = r.pick(["int", "slice", "slice", "none", "tensor", "list", "ellipsis"]);
    if (kind === "int" && size > 0) {
      items.push(r.int(-size, size - 1));
      d++;
    } else if (kind === "none") {
      items.push(null);
    } else if (kind === "ellipsis" && !items.includes("...")) {
      items.push("...");
      d = nd - r.int(0, nd - d); // the dims the ellipsis stands for
    } else if ((kind === "tensor" || kind === "list") && size > 0 && advanced < 2) {
      // repeated indices: their gradients must add up; a second advanced index broadcasts
      // with the first
      const len = advancedLen ?? r.int(1, 4);
      advancedLen = len;
      const idx = Array.from({ length: len }, () => r.int(-size, size - 1));
      if (len > 1 && r.bool(0.5)) idx[len - 1] = idx[0];
      if (kind === "list") items.push(idx);
      else {
        const shp = advanced === 0 && r.bool(0.3) && len % 2 === 0 ? [2, len / 2] : [len];
        items.push(spec(r, shp, "int64", idx, false, false));
      }
      advanced++;
      d++;
    } else {
      const start = r.pick([null, 0, 1, -2]);
      const stop = r.pick([null, -1, 3, 2]);
      const step = r.pick([null, null, 2, 3]);
      items.push(`${start ?? ""}:${stop ?? ""}${step ? `:${step}` : ""}`);
      d++;
    }
  }
  return items;
}

const indexOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  const op = r.pick(["get", "get", "get", "mask", "gather", "index_select", "take", "masked_select"]);
  switch (op) {
    case "get":
      return I.nd === 0 ? b.add(C("get", X, [r.pick<Arg>(["...", null])])) : b.add(C("get", X, randomIndex(r, I.shape)));
    case "mask": {
      if (I.nd === 0) return null;
      const k = r.int(1, I.nd);
      return b.add(C("get", X, [boolSpec(r, I.shape.slice(0, k))]));
    }
    case "gather": {
      if (I.nd === 0 || I.numel === 0) return null;
      const dim = r.int(0, I.nd - 1);
      const ishape = I.shape.map((s, k) => (k === dim ? r.int(1, 4) : r.int(1, s)));
      return b.add(r.bool(0.5) ? C("gather", X, [dim, intSpec(r, ishape, 0, I.shape[dim] - 1)]) : F("gather", [X, dim - I.nd, intSpec(r, ishape, 0, I.shape[dim] - 1)]));
    }
    case "index_select": {
      if (I.nd === 0 || I.numel === 0) return null;
      const dim = r.int(0, I.nd - 1);
      return b.add(C("index_select", X, [dim, intSpec(r, [r.int(1, 5)], 0, I.shape[dim] - 1)]));
    }
    case "take":
      if (I.numel === 0) return null;
      return b.add(C("take", X, [intSpec(r, randomShape(r, 2).map((s) => Math.max(s, 1)), -I.numel, I.numel - 1)]));
    case "masked_select":
      return b.add(C("masked_select", X, [boolSpec(r, broadcastableShape(r, I.shape, false))]));
  }
  return null;
};

const joinOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  const op = r.pick(["cat", "stack", "split", "split_sizes", "chunk", "unbind"]);
  const nd = I.nd;
  switch (op) {
    case "cat": {
      if (nd === 0) return null;
      const dim = r.int(-nd, nd - 1);
      const shape = I.shape.slice();
      shape[dim < 0 ? dim + nd : dim] = r.int(1, 3);
      const other = r.bool(0.5) ? b.leaf(shape, I.dt) : null;
      const o: Arg = other !== null ? V(other) : floatSpec(r, shape, I.dt, {}, false);
      if (b.failed) return null;
      return b.add(F("cat", [{ list: r.bool(0.5) ? [X, o] : [o, X] }, dim]));
    }
    case "stack": {
      const o = r.bool(0.5) ? b.leaf(I.shape, I.dt) : null;
      if (b.failed) return null;
      const items: Arg[] = [X, o !== null ? V(o) : floatSpec(r, I.shape, I.dt, {}, false)];
      if (r.bool(0.3)) items.push(X); // the same tensor twice
      return b.add(F("stack", [{ list: items }, r.int(-nd - 1, nd)]));
    }
    case "split":
    case "chunk":
    case "unbind": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1);
      const size = I.shape[dim];
      if (size === 0) return null;
      if (op === "unbind") return b.add(C("unbind", X, [dim], undefined, r.int(0, size - 1)));
      const k = r.int(1, 3);
      const pieces = op === "split" ? Math.ceil(size / k) : Math.ceil(size / Math.ceil(size / k));
      return b.add(C(op, X, [k, dim], undefined, r.int(0, Math.max(pieces - 1, 0))));
    }
    case "split_sizes": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1);
      const size = I.shape[dim];
      if (size < 2) return null;
      const first = r.int(1, size - 1);
      return b.add(F("split", [X, [first, size - first], dim], undefined, r.int(0, 1)));
    }
  }
  return null;
};

const matmulOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  if (I.nd === 0 || I.numel === 0 || !I.finite) return null;
  const K = I.shape[I.nd - 1];
  const mk = (shape: number[]): Arg | null => {
    if (r.bool(0.6)) {
      const i = b.leaf(shape, I.dt);
      return i === null ? null : V(i);
    }
    return floatSpec(r, shape, I.dt, {}, false);
  };
  const kind = r.int(0, 5);
  if (kind === 5) {
    // F.linear(x, weight [N, K], bias [N])
    const N = r.int(1, 3);
    const w = mk([N, K]);
    if (w === null) return null;
    const bias = r.bool(0.5) ? mk([N]) : null;
    if (b.failed) return null;
    return b.add(NF("linear", bias === null ? [X, w] : [X, w, bias]));
  }
  if (kind === 4 && I.nd >= 2) {
    // x on the right: other [.., P, M] @ x [.., M, K]
    const o = mk([r.int(1, 3), I.shape[I.nd - 2]]);
    return o === null ? null : b.add(F("matmul", [o, X]));
  }
  let other: number[];
  if (kind === 0) other = [K];
  else if (kind === 1) other = [K, r.int(1, 4)];
  else if (kind === 2) other = [r.int(1, 2), K, r.int(1, 3)];
  else other = [...I.shape.slice(0, Math.max(I.nd - 2, 0)).map((d) => (r.bool(0.3) ? 1 : d)), K, r.int(1, 3)];
  const o = mk(other);
  if (o === null) return null;
  if (I.nd === 2 && other.length === 2 && r.bool(0.3)) return b.add(C("mm", X, [o]));
  if (I.nd === 2 && other.length === 1 && r.bool(0.3)) return b.add(F("mv", [X, o]));
  if (I.nd === 1 && other.length === 1 && r.bool(0.3)) return b.add(F("dot", [X, o]));
  if (I.nd === 3 && other.length === 3 && other[0] === I.shape[0] && r.bool(0.5)) return b.add(F("bmm", [X, o]));
  return b.add(r.bool(0.5) ? F("matmul", [X, o]) : C("matmul", X, [o]));
};

const nnOp: OpGen = (b, x) => {
  const r = b.r, I = info(b, x), X = V(x);
  if (!I.finite) return null;
  const op = r.pick(["softmax", "log_softmax", "cross_entropy", "cross_entropy"]);
  if (op !== "cross_entropy") {
    const dim = dimOf(r, I.nd);
    const form = r.int(0, 2);
    return b.add(form === 0 ? C(op, X, [dim]) : form === 1 ? F(op, [X, dim]) : NF(op, [X], { dim }));
  }
  if (I.nd === 0 || I.numel === 0) return null;
  const nC = I.nd === 1 ? I.shape[0] : I.shape[1];
  const kw: Record<string, Arg> = {};
  kw.reduction = r.pick(["mean", "mean", "sum", "none"]);
  if (r.bool(0.25)) kw.label_smoothing = r.pick([0.125, 0.25]);
  if (r.bool(0.5)) {
    // probabilities: same shape as the input
    const n = I.numel;
    const vals = Array.from({ length: n }, () => (r.bool(0.2) ? 0 : Math.round(r.next() * 1000) / 1000));
    const target = spec(r, I.shape, I.dt, vals.map((v) => (I.dt === "float32" ? Math.fround(v) : v)), false);
    if (r.bool(0.25)) kw.weight = floatSpec(r, [nC], I.dt, { positive: true }, false);
    return b.add(NF("cross_entropy", [X, target], kw));
  }
  const tshape = I.nd === 1 ? [] : [I.shape[0], ...I.shape.slice(2)];
  const target = Array.from({ length: numelOf(tshape) }, () => r.int(0, nC - 1));
  if (target.length > 1 && r.bool(0.25)) {
    const ignore = r.pick([-100, 1]);
    if (ignore === 1) kw.ignore_index = 1;
    target[r.int(0, target.length - 1)] = ignore;
  }
  if (r.bool(0.25)) kw.weight = floatSpec(r, [nC], I.dt, { positive: true }, false);
  return b.add(NF("cross_entropy", [X, spec(r, tshape, "int64", target, false, false)], kw));
};

/** In-place ops on intermediates (sometimes through a view of them), and index assignment. */
const inplaceOp: OpGen = (b, x) => {
  const r = b.r;
  let I = info(b, x);
  // in-place ops on a view of a leaf are errors: tested now and then (not on the leaves
  // themselves: the oracle builds them as views of a tensor that does not require grad, which
  // changes PyTorch's message)
  if ((I.t.grad_fn === null && I.t._requires_grad) || (I.leafish && !r.bool(0.08))) return null;
  if (!I.finite || I.numel === 0) return null;
  let target = x;
  if (r.bool(0.35) && I.nd >= 1) {
    // a view of x written in place: x's history goes through CopySlices
    const view = r.pick(["select", "narrow", "t", "get", "diagonal"]);
    const dim = r.int(0, I.nd - 1);
    const node =
      view === "select"
        ? C("select", V(x), [dim, r.int(0, I.shape[dim] - 1)])
        : view === "narrow"
          ? C("narrow", V(x), [dim, 0, r.int(1, I.shape[dim])])
          : view === "t" && I.nd <= 2
            ? C("t", V(x))
            : view === "diagonal" && I.nd >= 2
              ? C("diagonal", V(x))
              : C("get", V(x), [r.pick(["::2", "1:", ":-1"])]);
    const v = b.add(node);
    if (v === null) return null;
    target = v;
    I = info(b, v);
    if (I.numel === 0) return x;
  }
  const T = V(target);
  const op = r.pick(["add_", "sub_", "mul_", "mul_", "div_", "clamp_", "relu_", "tanh_", "sigmoid_", "exp_", "neg_", "masked_fill_", "zero_", "fill_", "copy_", "pow_", "set", "set"]);
  let node: Node | null = null;
  switch (op) {
    case "add_":
    case "sub_":
    case "mul_": {
      const o = r.bool(0.3) ? floatScalar(r) : b.operand(I.shape, I.dt, {}, false);
      if (o === null) return null;
      node = C(op, T, [o], op !== "mul_" && r.bool(0.2) ? { alpha: 0.5 } : undefined);
      break;
    }
    case "div_": {
      const o = r.bool(0.3) ? floatScalar(r) : b.operand(I.shape, I.dt, { nonzero: true }, false);
      if (o === null) return null;
      node = C(op, T, [o]);
      break;
    }
    case "clamp_":
      node = C("clamp_", T, [-0.5, 1.25]);
      break;
    case "exp_":
      if (I.maxA > 8) return null;
      node = C(op, T);
      break;
    case "relu_":
    case "tanh_":
    case "sigmoid_":
    case "neg_":
    case "zero_":
      node = C(op, T);
      break;
    case "masked_fill_":
      node = C(op, T, [boolSpec(r, broadcastableShape(r, I.shape, false)), floatScalar(r)]);
      break;
    case "fill_":
      node = C(op, T, [floatScalar(r)]);
      break;
    case "copy_": {
      const o = b.operand(I.shape, I.dt, {}, false);
      if (o === null) return null;
      node = C(op, T, [o]);
      break;
    }
    case "pow_":
      node = C(op, T, [2]);
      break;
    case "set": {
      if (I.nd === 0) return null;
      const idx = randomIndex(r, I.shape);
      let region: Tensor;
      try {
        region = evaluate(C("get", T, idx), [], b.vals).value as Tensor;
        // an element written twice gets either value (PyTorch leaves the order undefined)
        const positions = { t: { dtype: "int64", shape: I.shape, values: Array.from({ length: I.numel }, (_, k) => k) } };
        const hit = Array.from((evaluate(C("get", positions, idx)).value as Tensor)._values());
        if (new Set(hit).size !== hit.length) return null;
      } catch {
        return null;
      }
      const value: Arg | null = r.bool(0.3) ? floatScalar(r) : b.operand(region._shape, I.dt, {}, false);
      if (value === null) return null;
      node = C("set", T, [idx, value]);
      break;
    }
  }
  if (node === null || b.add(node) === null) return null;
  // continue from the base (its history now ends in the in-place op) or from the view
  return target !== x && r.bool(0.3) ? target : x;
};

const GENS: [OpGen, number][] = [
  [unaryOp, 4],
  [binaryOp, 5],
  [reduceOp, 2.5],
  [viewOp, 4],
  [indexOp, 2.5],
  [joinOp, 1.5],
  [matmulOp, 2],
  [nnOp, 1.5],
  [inplaceOp, 2.5],
];

function pickGen(r: Rng): OpGen {
  const total = GENS.reduce((a, [, w]) => a + w, 0);
  let u = r.next() * total;
  for (const [g, w] of GENS) {
    u -= w;
    if (u < 0) return g;
  }
  return GENS[0][0];
}

function isFloatTensor(v: unknown): v is Tensor {
  return v instanceof Tensor && v.dtype.kind === "f";
}

/** The scalar a backward starts from: a sum or mean, often of x weighted by constants (so that
 * gradients differ element by element and index mix-ups show). */
function lossOf(b: Builder, x: number): number | null {
  const r = b.r, t = b.t(x);
  let y = x;
  if (t.numel() > 1 && r.bool(0.75)) {
    const w = floatSpec(r, t._shape.slice(), t.dtype.name as FT, {}, false);
    const m = b.add(r.bool(0.5) ? C("mul", V(x), [w]) : F("mul", [w, V(x)]));
    if (m === null) return null;
    y = m;
  }
  const red = r.pick(["sum", "sum", "mean"]);
  return b.add(r.bool(0.5) ? C(red, V(y)) : F(red, [V(y)]));
}

function buildProgram(r: Rng, index: number): GradCase {
  const dtype = r.pick<FT | "mixed">(["float32", "float32", "float32", "float32", "float32", "float32", "float64", "float64", "mixed"]);
  const b = new Builder(r, dtype);
  let x = b.leaf(randomShape(r));
  if (x !== null && r.bool(0.3)) {
    // a non-contiguous view of the leaf's expression at the start
    const I = info(b, x);
    if (I.nd >= 2) x = b.add(r.bool(0.5) ? C("transpose", V(x), [0, I.nd - 1]) : C("get", V(x), [":", "::2"]));
    else if (I.nd === 1) x = b.add(C("get", V(x), ["::2"]));
  }
  const length = r.int(2, 7);
  for (let k = 0; k < length && x !== null && !b.failed; k++) {
    let next: number | null = null;
    for (let tries = 0; tries < 20 && next === null && !b.failed; tries++) {
      // now and then continue from an earlier step (its other consumers then share a subgraph)
      let from = x;
      const grads = b.gradVars();
      if (r.bool(0.15) && grads.length) from = r.pick(grads);
      if (!isFloatTensor(b.vals[from])) break;
      next = pickGen(r)(b, from);
    }
    if (next === null) break;
    x = next;
    if (!isFloatTensor(b.vals[x])) break;
  }
  let loss: number | null = null;
  let mode: GradProgram["mode"] = r.pick<GradProgram["mode"]>(["backward", "backward", "backward", "twice", "grad"]);
  let loss2: number | undefined;
  let retain: boolean | undefined;
  if (!b.failed && x !== null && isFloatTensor(b.vals[x]) && b.t(x)._requires_grad) {
    loss = lossOf(b, x);
    if (loss !== null && mode === "twice") {
      if (r.bool(0.1)) retain = false; // the second backward must fail where nodes saved tensors
      if (r.bool(0.6)) {
        const from = r.pick(b.gradVars().filter((i) => i !== loss));
        if (from !== undefined) {
          const l2 = lossOf(b, from);
          if (l2 !== null) loss2 = l2;
        }
      }
    }
  }
  if (loss === null) {
    // the program failed in torchlette, or lost its gradient: the last step is the "loss"
    // (PyTorch must fail the same way, in the forward or in the backward)
    loss = b.steps.length - 1;
    mode = "backward";
  }
  let wrt = b.leafSteps.slice();
  if (mode === "grad" && r.bool(0.3)) {
    // autograd.grad with respect to an intermediate too
    const mids = b.gradVars().filter((i) => !wrt.includes(i) && i < loss!);
    if (mids.length) wrt = r.shuffle([...wrt, r.pick(mids)]);
  }
  const program: GradProgram = { steps: b.steps, loss, wrt, mode };
  if (loss2 !== undefined) program.loss2 = loss2;
  if (retain !== undefined) program.retain = retain;
  return { name: `program ${index}`, program };
}

// ---------------------------------------------------------------------------------------------
// comparison

// float64: 2^-44, not its unit roundoff: programs that never leave float64 have no
// higher-precision run to measure PyTorch's own rounding (E = 0), and libm/summation-order
// differences amount to a few hundred ulps of the chain's magnitude after cancellations
const U = { float32: 2 ** -24, float64: 2 ** -44 };
const E_FACTOR = 8;
const RTOL = 2 ** -20;
const M_FACTOR = 16;

function sameInts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Problems of a torchlette tensor against PyTorch's (`ref`: the float64 run's values).
 * `layout`: compare PyTorch's .grad layout contract (strides of dims longer than 1). */
function compareTensor(
  t: Tensor | null | undefined,
  w: TensorResult | null,
  ref: JVal[] | null | undefined,
  chain: number,
  path: string,
  layout: boolean,
  zeroSigns = true,
): string[] {
  if (w === null) return t === null || t === undefined ? [] : [`${path}: PyTorch has None, torchlette ${describeValue(t)}`];
  if (!(t instanceof Tensor)) return [`${path}: PyTorch has a tensor ${w.dtype} [${w.shape}], torchlette ${t === null ? "null" : describeValue(t)}`];
  const out: string[] = [];
  if (t.dtype.name !== w.dtype) out.push(`${path}: dtype ${t.dtype.name} != ${w.dtype}`);
  if (!sameInts(t._shape, w.shape)) return [...out, `${path}: shape [${t._shape}] != [${w.shape}]`];
  if (layout) {
    const st = t._shape.map((s, i) => (s > 1 ? t._strides[i] : "*"));
    const sw = w.shape.map((s, i) => (s > 1 ? w.stride[i] : "*"));
    if (t.numel() > 1 && st.join() !== sw.join()) out.push(`${path}: strides [${t._strides}] != [${w.stride}] (the .grad layout contract)`);
  }
  const got = t._values();
  const want = (w.values ?? []).map(decodeValue);
  const refv = ref ? ref.map(decodeValue) : want;
  let E = 0, M = chain;
  for (let i = 0; i < want.length; i++) {
    if (Number.isFinite(want[i])) M = Math.max(M, Math.abs(want[i]));
    if (Number.isFinite(want[i]) && Number.isFinite(refv[i])) E = Math.max(E, Math.abs(want[i] - refv[i]));
  }
  const u = U[w.dtype as FT] ?? 0;
  const bad: string[] = [];
  let exact = true;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], e = want[i];
    if (Object.is(g, e)) continue;
    exact = false;
    if (g === e) {
      if (zeroSigns) bad.push(`[${i}] ${Object.is(g, -0) ? "-0" : "0"} != ${Object.is(e, -0) ? "-0" : "0"}`);
      continue;
    }
    // without the float64 run (it failed where the program did not), the differential test's
    // bound relative to the magnitude: 2^-16 |want| + 2^-14 M
    const tol = ref ? E_FACTOR * E + RTOL * Math.abs(e) + M_FACTOR * u * M : 2 ** -16 * Math.abs(e) + 2 ** -14 * M;
    if (Number.isFinite(e) && Number.isFinite(g) && Math.abs(g - e) <= tol) {
      worst = Math.max(worst, Math.abs(g - e) / (E + u * M || 1));
      continue;
    }
    bad.push(`[${i}] ${g} != ${e}`);
  }
  if (bad.length) {
    out.push(`${path}: values differ (E ${E.toExponential(2)}, M ${M.toExponential(2)}): ${bad.slice(0, 6).join(", ")}${bad.length > 6 ? ` (+${bad.length - 6} more)` : ""}`);
  } else if (exact && w.repr !== null && t.toString() !== w.repr) {
    out.push(`${path}: repr\n    got:  ${JSON.stringify(t.toString())}\n    want: ${JSON.stringify(w.repr)}`);
  }
  return out;
}

/** the largest |got - want| / (E + u M) seen within tolerance (reported: how tight the bound is) */
let worst = 0;

type Problems = Map<string, string[]>;

/** grad_fn names of PyTorch 2.x -> torch 1.13's (which torchlette prints) for the nodes these
 * programs meet, used only when no torch 1.13 oracle runs beside the main one. */
const RENAMED_SINCE_113: Record<string, string> = {
  SqueezeBackward4: "SqueezeBackward3", // squeeze_(dim) (matmul of a 1-D tensor)
  ViewBackward0: "ReshapeAliasBackward0", // reshape that can be a view
  LinalgVectorNormBackward0: "NormBackward1", // torch.norm
};

const BLAS_OPS = new Set(["matmul", "mm", "bmm", "mv", "dot", "linear"]);
function usesBlas(p: GradProgram): boolean {
  return p.steps.some((s) => "call" in s && BLAS_OPS.has(s.call));
}

/** Error texts that differ only where PyTorch's own text is not determined by the program:
 * 2.x names nodes in these messages without "Backward" (Exp, Max1) and adds "check_nan=False" to the
 * anomaly hint; and the saved-tensor version error of a view written in place names the view's
 * AsStridedBackward0 while something still holds that node, else the node that saved it
 * (SavedVariable keeps a weak reference, so reference counts decide). */
function sameErrorText(got: string, want: string): boolean {
  // ExpBackward0 -> Exp, MaxBackward1 -> Max1 (2.x's names in these messages)
  const norm = (m: string) => m.replace(/(\w)Backward0\b/g, "$1").replace(/(\w)Backward(\d+)\b/g, "$1$2").replace(", check_nan=False)", ")");
  const g = norm(got), w = norm(want);
  if (g === w) return true;
  const re = /^(one of the variables needed for gradient computation has been modified by an inplace operation: .*, which is output \d+ of )(\S+)(, is at version .*)$/;
  const gm = re.exec(g), wm = re.exec(w);
  if (!gm || !wm || gm[1] !== wm[1] || gm[3] !== wm[3]) return false;
  return gm[2] === "AsStrided" || wm[2] === "AsStrided";
}

/** Problems of a torchlette outcome against one PyTorch result, by item: "outcome" (success or
 * the same failure), "loss", "fn <step>" (grad_fn names), "grad <k>" (gradients). */
function problemsAgainst(c: GradCase, o: GradOutcome, want: GradResult, renamesOk: boolean): Problems {
  const p = c.program;
  const out: Problems = new Map();
  const add = (key: string, msgs: string[]) => {
    if (msgs.length) out.set(key, [...(out.get(key) ?? []), ...msgs]);
  };
  if ("error" in want) {
    if (o.stage === "done") {
      add("outcome", [`PyTorch fails in the ${want.stage} with ${want.error.type}: ${want.error.message}; torchlette succeeds`]);
      return out;
    }
    const msg = o.error instanceof Error ? o.error.message : String(o.error);
    if (o.error instanceof Unsupported) {
      add("outcome", [`unsupported by torchlette: ${msg}`]);
      return out;
    }
    if (o.stage !== want.stage) add("outcome", [`torchlette fails in the ${o.stage}, PyTorch in the ${want.stage}`]);
    const cls = errorClass(o.error);
    if (cls !== want.error.type) add("outcome", [`error class ${cls} != ${want.error.type} (${msg})`]);
    else if (msg !== want.error.message && !sameErrorText(msg, want.error.message)) {
      add("outcome", [`error message\n    got:  ${msg}\n    want: ${want.error.message}`]);
    }
    return out;
  }
  if (o.stage !== "done") {
    const e = o.error;
    const where = e instanceof Error && errorClass(e).startsWith("JS") ? `\n${(e.stack ?? "").split("\n").slice(1, 4).join("\n")}` : "";
    add("outcome", [`torchlette fails in the ${o.stage} (${describeValue(e)}); PyTorch succeeds${where}`]);
    return out;
  }
  // zero signs are compared except where PyTorch's own are implementation details: torchlette's
  // CopySlices adds the gradient of a view written in place to its zeroed region of the base's
  // gradient where PyTorch writes it there (a -0 comes out +0; such programs leave a CopySlices
  // or a regenerated AsStridedBackward0 behind), and BLAS sums of +-0 products (torch 1.13 and
  // 2.x disagree)
  const zeroSigns =
    !want.grad_fns.some((n) => n === "CopySlices" || n === "AsStridedBackward0") && !usesBlas(c.program);
  add("loss", compareTensor(o.loss, want.loss, want.ref?.loss, want.ref?.fmax ?? 0, "loss", false));
  want.grad_fns.forEach((name, i) => {
    const got = o.grad_fns![i];
    if (got === name || (renamesOk && name !== null && RENAMED_SINCE_113[name] === got)) return;
    add(`fn ${i}`, [`step ${i}: grad_fn ${got} != ${name}`]);
  });
  p.wrt.forEach((step, k) => {
    const path = p.mode === "grad" ? `autograd.grad(...)[${k}] (step ${step})` : `step ${step}.grad`;
    add(`grad ${k}`, compareTensor(o.grads![k], want.grads[k], want.ref?.grads[k], want.ref?.gmax ?? 0, path, p.mode !== "grad", zeroSigns));
    if (o.grad_none![k] !== want.grad_none[k]) add(`grad ${k}`, [`step ${step}: .grad is ${o.grad_none![k] ? "" : "not "}None after the backward; PyTorch's is${want.grad_none[k] ? "" : " not"}`]);
  });
  return out;
}

/** An item passes when it matches some PyTorch version whose outcome (success, or the same
 * failure) matches; the problems of the failing items, against each version. */
function compareOutcome(c: GradCase, o: GradOutcome, wants: { torch: string; result: GradResult }[]): string[] {
  // without torch 1.13 to ask, its names for the nodes 2.x renamed are taken from the table
  const per = wants.map((w) => problemsAgainst(c, o, w.result, wants.length === 1 && !w.torch.startsWith("1.")));
  const keys = new Set(per.flatMap((m) => [...m.keys()]));
  const failing = [...keys].filter((k) => !per.some((m) => !m.has("outcome") && !m.has(k)));
  if (failing.length === 0) return [];
  return wants.flatMap((w, i) => {
    const msgs = failing.flatMap((k) => per[i].get(k) ?? []);
    return msgs.length ? [`against ${w.torch}:`, ...msgs.map((m) => `  ${m}`)] : [];
  });
}

// ---------------------------------------------------------------------------------------------

const rng = new Rng(SEED);
const cases = Array.from({ length: CHAINS }, (_, i) => buildProgram(rng, i));
const oracle = runGradOracle(cases);
// torch 1.13 decides where the versions differ (grad_fn names, error texts): each compared item
// passes when it matches either version
const altPython = altOraclePython();
const altAnswer = oracle.ok && altPython ? runGradOracle(cases, altPython) : null;
const alt = altAnswer?.ok ? altAnswer : null;

if (!oracle.ok) {
  test("differential autograd: torchlette vs PyTorch gradients of random programs", { skip: `no PyTorch oracle: ${oracle.reason}` }, () => {});
} else {
  const versions = `PyTorch ${oracle.torch} (${oracle.python})${alt ? ` or ${alt.torch} (${alt.python})` : ""}`;
  test(`differential autograd: ${CHAINS} random programs' gradients vs ${versions}`, () => {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const o = runProgram(c.program);
      const wants = [{ torch: oracle.torch, result: oracle.results[i] }];
      if (alt) wants.push({ torch: alt.torch, result: alt.results[i] });
      const problems = compareOutcome(c, o, wants);
      if (problems.length) failures.push(`${c.name}: ${JSON.stringify(c.program)}\n  ${problems.join("\n  ")}`);
    });
    if (process.env.TORCHLETTE_GRAD_VERBOSE) {
      const errors = oracle.results.filter((x) => "error" in x).length;
      const grads = oracle.results.reduce((n, x) => n + ("grads" in x ? x.grads.filter((g) => g !== null).length : 0), 0);
      const noRef = oracle.results.filter((x) => !("error" in x) && !x.ref).length;
      console.log(`${errors} programs fail in PyTorch, ${noRef} without a float64 run; ${grads} gradients compared; largest |got - want| / (E + u M) within tolerance: ${worst.toFixed(2)}`);
    }
    assert.equal(failures.length, 0, `${failures.length}/${CHAINS} programs differ:\n${failures.join("\n")}`);
  });

  test("differential autograd programs cover the op families and backward modes", () => {
    // guards against a generator change that quietly stops covering what this test is for
    const ops = new Set<string>();
    const walk = (n: unknown): void => {
      if (n === null || typeof n !== "object") return;
      if (Array.isArray(n)) return n.forEach(walk);
      const o = n as Record<string, unknown>;
      if (typeof o.call === "string") ops.add(o.call);
      if (typeof o.attr === "string") ops.add(o.attr);
      Object.values(o).forEach(walk);
    };
    cases.forEach((c) => walk(c.program.steps));
    for (const op of ["add", "mul", "div", "matmul", "sum", "mean", "max", "transpose", "expand", "get", "gather", "cat", "stack", "split", "where",
      "masked_fill", "clamp", "pow", "tanh", "sigmoid", "relu", "softmax", "log_softmax", "cross_entropy", "mul_", "set", "squeeze", "unsqueeze", "permute", "reshape"]) {
      assert.ok(ops.has(op), `no program uses ${op}`);
    }
    const modes = new Set(cases.map((c) => c.program.mode));
    assert.deepEqual([...modes].sort(), ["backward", "grad", "twice"]);
    assert.ok(cases.some((c) => c.program.loss2 !== undefined), "no second backward from another loss");
    const results = oracle.results;
    const errors = results.filter((x) => "error" in x).length;
    assert.ok(errors < CHAINS / 6, `${errors} programs end in an error`);
    const grads = results.flatMap((x) => ("grads" in x ? x.grads.filter((g) => g !== null) : []));
    assert.ok(grads.length > CHAINS, `only ${grads.length} gradients compared`);
    assert.ok(grads.some((g) => g!.dtype === "float64") && grads.some((g) => g!.dtype === "float32"));
  });
}
