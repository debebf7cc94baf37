// Differential test: ~200 random op chains (seeded, so every run builds the same ones) over
// random shapes (0-D to 4-D), dtypes and memory layouts (transposed, sliced, offset, permuted,
// expanded), run in torchlette and in PyTorch (test/oracle.ts runs them all in one Python
// process), compared with the golden replay's comparison (dtypes, shapes, view aliasing and
// strides, ints/bools and error messages exactly). Floats: |got - want| <= 2^-16 |want| +
// 2^-14 M for float32 (2^-45 and 2^-43 for float64), M the largest magnitude met along the
// chain, since roundings compound over several ops (float32 bounds for float64 results of chains
// that went through float32); reprs are compared when the values agree
// bit for bit. Once a chain has rounded differently from PyTorch (transcendental functions,
// sums, matmul ...) it only continues with continuous, well-conditioned ops, so that a 1-ulp
// difference cannot flip a floor, a comparison or an argmax.
// Without PyTorch (no $TORCHLETTE_PYTHON, /work/.venv-oracle or python3 with torch) the test
// is reported as skipped, with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { Tensor } from "../src/tensor.js";
import { check, evaluate, maxAbs, runOracle, type Arg, type Case, type Node, type TensorSpec, type Tolerance } from "./oracle.js";
import { Rng } from "./rng.js";

// TORCHLETTE_DIFF_SEED / TORCHLETTE_DIFF_CHAINS explore other chains (the defaults are the suite's)
const SEED = Number(process.env.TORCHLETTE_DIFF_SEED ?? 20240613);
const CHAINS = Number(process.env.TORCHLETTE_DIFF_CHAINS ?? 200);


// ---------------------------------------------------------------------------------------------
// random inputs

type DT = "float32" | "float64" | "int64" | "int32" | "uint8" | "bool";
interface ValueOpts {
  nonzero?: boolean; // floats: |v| >= 0.5, ints: != 0
  positive?: boolean;
}

function randomShape(r: Rng, maxRank = 4): number[] {
  const rank = r.pick([0, 1, 1, 2, 2, 2, 3, 3, 4].filter((k) => k <= maxRank));
  return Array.from({ length: rank }, () => r.int(1, 4));
}

function randomDtype(r: Rng): DT {
  return r.pick<DT>(["float32", "float32", "float32", "float32", "float64", "float64", "int64", "int64", "int32", "uint8", "bool"]);
}

function randomValue(r: Rng, dt: DT, o: ValueOpts): number | boolean | string {
  if (dt === "bool") return r.bool();
  if (dt === "uint8") return o.nonzero || o.positive ? r.int(1, 9) : r.int(0, 9);
  if (dt === "int64" || dt === "int32") {
    if (o.positive) return r.int(1, 5);
    let v = r.int(-5, 5);
    if (o.nonzero && v === 0) v = 3;
    return v;
  }
  let v = Math.round(r.normal() * 2 * 1000) / 1000;
  if (o.positive) v = Math.abs(v) + 0.125;
  if (o.nonzero && Math.abs(v) < 0.5) v = v < 0 ? v - 0.5 : v + 0.5;
  return dt === "float32" ? Math.fround(v) : v;
}

function tensorSpec(r: Rng, shape: number[], dt: DT, o: ValueOpts = {}): { t: TensorSpec } {
  const nd = shape.length;
  const layouts: TensorSpec["layout"][] = ["contiguous", "contiguous", "contiguous"];
  if (nd >= 1) layouts.push("sliced", "offset");
  if (nd >= 2) layouts.push("transposed", "transposed");
  if (nd >= 3) layouts.push("permuted");
  let base: number[] | null = null;
  if (nd >= 1 && r.bool(0.15)) {
    base = shape.map((d) => (d > 1 && r.bool(0.5) ? 1 : d));
    if (base.every((d, i) => d === shape[i])) base = null;
  }
  const layout = base ? "expanded" : r.pick(layouts);
  const n = (base ?? shape).reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => randomValue(r, dt, o));
  const spec: TensorSpec = { dtype: dt, shape: shape.slice(), values: values as TensorSpec["values"] };
  if (layout !== "contiguous") spec.layout = layout;
  if (base) spec.base_shape = base;
  return { t: spec };
}

/** A shape that broadcasts against `shape` (a suffix of it, some dims set to 1). */
function broadcastableShape(r: Rng, shape: number[]): number[] {
  const keep = r.int(0, shape.length);
  const tail = shape.slice(shape.length - keep).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.15) && tail.length < 4) tail.unshift(r.int(1, 3)); // a new leading dim
  return tail;
}

// ---------------------------------------------------------------------------------------------
// chains

interface State {
  node: Node;
  value: Tensor;
  /** the chain may already differ from PyTorch in the last bits of some float */
  approx: boolean;
  magnitude: number;
  /** a float32 value occurred: later float64 results carry float32 rounding errors */
  f32: boolean;
}

const C = (call: string, self: Node | undefined, args: Arg[] = [], kwargs?: Record<string, Arg>, pick?: number): Node => {
  const n: Node = { call, args };
  if (self !== undefined) (n as { self?: Node }).self = self;
  if (kwargs && Object.keys(kwargs).length) (n as { kwargs?: Record<string, Arg> }).kwargs = kwargs;
  if (pick !== undefined) (n as { pick?: number }).pick = pick;
  return n;
};
const F = (call: string, args: Arg[], kwargs?: Record<string, Arg>, pick?: number): Node => C(call, undefined, args, kwargs, pick);
const D = (name: string) => ({ dtype: name });

/** Float scalars must not be integral (JS would read them as ints), so they carry a fraction. */
function floatScalar(r: Rng): number {
  return r.pick([0.5, -1.5, 2.25, 0.75, -0.25, 3.5]);
}

interface Step {
  node: Node;
  /** the op rounds differently from PyTorch (transcendental, accumulating) on float data */
  approx?: boolean;
  /** discontinuous or ill-conditioned: only allowed while the chain is still exact */
  disc?: boolean;
}

type OpGen = (r: Rng, s: State) => Step | null;

function info(s: State) {
  const x = s.value;
  const dt = x.dtype.name as DT;
  const v = x._values();
  let maxA = 0, min = Infinity, finite = true;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) finite = false;
    else {
      maxA = Math.max(maxA, Math.abs(v[i]));
      min = Math.min(min, v[i]);
    }
  }
  return { x, dt, nd: x.dim(), shape: x._shape.slice(), isFloat: x.dtype.kind === "f", isBool: dt === "bool", maxA, min, finite, numel: x.numel() };
}

const UNARY_EXACT = ["neg", "abs", "relu", "square"];
const UNARY_SMOOTH = ["sin", "cos", "atan", "tanh", "sigmoid", "erf", "exp", "expm1", "exp2"];
const UNARY_DISC = ["floor", "ceil", "round", "trunc", "sign", "reciprocal", "isnan", "isfinite", "logical_not"];

const unaryOp: OpGen = (r, s) => {
  const I = info(s);
  const kind = r.pick(["exact", "smooth", "disc", "domain"]);
  if (kind === "exact") {
    const op = r.pick(UNARY_EXACT);
    if (I.isBool && op !== "square") return null;
    if (op === "square" && !I.isFloat && I.maxA > 1000) return null;
    return { node: C(op, s.node) };
  }
  if (kind === "smooth") {
    const op = r.pick(UNARY_SMOOTH);
    if (op.startsWith("exp") && I.maxA > 20) return null;
    return { node: C(op, s.node), approx: true };
  }
  if (kind === "disc") {
    const op = r.pick(UNARY_DISC);
    if (I.isBool && ["floor", "ceil", "round", "trunc"].includes(op)) return null;
    return { node: C(op, s.node), disc: true, approx: op === "reciprocal" };
  }
  // functions with a restricted domain: only where the values allow them
  const op = r.pick(["log", "log2", "log1p", "sqrt", "rsqrt", "frac"]);
  if (op === "frac") return I.isFloat ? { node: C(op, s.node), disc: true } : null;
  const lo = op === "log1p" ? -1 : op === "sqrt" ? 0 : 0;
  if (!(I.min > lo) || I.isBool) return null;
  return { node: C(op, s.node), approx: true, disc: true };
};

const binaryOp: OpGen = (r, s) => {
  const I = info(s);
  const op = r.pick(["add", "sub", "mul", "div", "maximum", "minimum", "eq", "lt", "ge", "ne", "remainder", "fmod", "pow", "atan2", "where", "clamp", "masked_fill", "lerp", "div_mode", "logical_and", "bitwise_xor", "floor_divide"]);
  const sameOrRandomDt = (): DT => (r.bool(0.6) ? I.dt : randomDtype(r));
  const other = (o: ValueOpts = {}, dt: DT = sameOrRandomDt()) => tensorSpec(r, broadcastableShape(r, I.shape), dt, o);
  const scalar = (): number | boolean => (r.bool(0.2) ? true : r.bool(0.5) ? r.int(-3, 3) : floatScalar(r));
  const useScalar = r.bool(0.3);
  switch (op) {
    case "add":
    case "sub":
    case "mul": {
      const b = useScalar ? scalar() : other();
      if (op === "sub" && (I.isBool || b === true || (typeof b === "object" && (b as { t: TensorSpec }).t.dtype === "bool"))) return null;
      if (op === "mul" && !I.isFloat && I.maxA > 1000) return null;
      const kw = op !== "mul" && r.bool(0.15) ? { alpha: I.isFloat ? 0.5 : 2 } : undefined;
      if (kw && typeof b === "object" && !I.isFloat && (b as { t: TensorSpec }).t.dtype.startsWith("float")) kw.alpha = 2;
      return { node: r.bool(0.5) ? C(op, s.node, [b], kw) : F(op, [s.node, b], kw) };
    }
    case "div": {
      const b = useScalar ? floatScalar(r) : other({ nonzero: true });
      return { node: C("div", s.node, [b]) };
    }
    case "div_mode":
    case "floor_divide": {
      if (s.approx) return null;
      const dt = I.isBool ? "int64" : I.dt;
      const b = other({ nonzero: true }, dt);
      return { node: op === "floor_divide" ? C("floor_divide", s.node, [b]) : C("div", s.node, [b], { rounding_mode: r.pick(["floor", "trunc"]) }), disc: true };
    }
    case "maximum":
    case "minimum":
      return { node: C(op, s.node, [other()]) };
    case "eq":
    case "lt":
    case "ge":
    case "ne":
      return { node: C(op, s.node, [useScalar ? scalar() : other()]), disc: true };
    case "remainder":
    case "fmod": {
      if (I.isBool) return null;
      const b = useScalar ? r.pick([2, 3, 1.5, -2]) : other({ nonzero: true }, I.dt === "uint8" ? "uint8" : r.pick<DT>([I.dt, "float32"]));
      return { node: C(op, s.node, [b]), disc: true };
    }
    case "pow": {
      if (I.isBool) return null;
      if (!I.isFloat && I.maxA > 100) return null;
      if (I.isFloat && !(I.min > 0)) return { node: C("pow", s.node, [r.pick([2, 3])]), approx: true };
      return { node: C("pow", s.node, [r.pick([2, 3, 0.5, -0.5].filter((e) => I.isFloat || Number.isInteger(e)))]), approx: true, disc: !I.isFloat };
    }
    case "atan2":
      if (!I.isFloat) return null;
      return { node: F("atan2", [s.node, other({}, I.dt)]), approx: true, disc: true };
    case "where": {
      const cond = tensorSpec(r, broadcastableShape(r, I.shape), "bool");
      const b = useScalar ? scalar() : other();
      return { node: r.bool(0.5) ? F("where", [cond, s.node, b]) : F("where", [cond, b, s.node]) };
    }
    case "clamp": {
      if (I.isBool) return null;
      const lo = I.isFloat ? -0.75 : -2, hi = I.isFloat ? 1.5 : 3;
      const form = r.int(0, 2);
      return { node: form === 0 ? C("clamp", s.node, [lo, hi]) : form === 1 ? C("clamp", s.node, [], { min: lo }) : F("clamp", [s.node], { max: hi }) };
    }
    case "masked_fill": {
      const mask = tensorSpec(r, broadcastableShape(r, I.shape), "bool");
      return { node: C("masked_fill", s.node, [mask, I.isBool ? true : I.isFloat ? floatScalar(r) : r.int(-3, 3)]) };
    }
    case "lerp":
      if (!I.isFloat) return null;
      return { node: C("lerp", s.node, [tensorSpec(r, I.shape, I.dt), r.pick([0.25, 0.75, 0.5])]), approx: true };
    case "logical_and":
      return { node: C(r.pick(["logical_and", "logical_or", "logical_xor"]), s.node, [other()]), disc: true };
    case "bitwise_xor": {
      if (I.isFloat) return null;
      const dt: DT = I.isBool ? "bool" : r.pick<DT>([I.dt, "int64", "bool"]);
      return { node: C(r.pick(["bitwise_and", "bitwise_or", "bitwise_xor"]), s.node, [other({}, dt)]) };
    }
  }
  return null;
};

function randomDims(r: Rng, nd: number): number[] {
  const dims = r.shuffle(Array.from({ length: nd }, (_, i) => i)).slice(0, r.int(1, Math.max(1, nd)));
  return dims.map((d) => (r.bool(0.3) ? d - nd : d));
}

const reduceOp: OpGen = (r, s) => {
  const I = info(s);
  const op = r.pick(["sum", "sum", "mean", "amax", "amin", "max", "argmax", "std", "var", "logsumexp", "cumsum", "cumprod", "prod", "norm", "all", "any", "min"]);
  const dim = I.nd > 0 ? r.int(-I.nd, I.nd - 1) : 0;
  const keep = r.bool(0.4);
  const accumulates = I.isFloat;
  switch (op) {
    case "sum":
    case "mean":
    case "amax":
    case "amin": {
      if (op === "mean" && !I.isFloat) return null;
      const form = r.int(0, 3);
      const node =
        form === 0 ? C(op, s.node) : form === 1 ? C(op, s.node, [dim, keep]) : form === 2 ? F(op, [s.node], { dim: randomDims(r, Math.max(I.nd, 1)).filter((d) => I.nd > 0 || d === 0 || d === -1), keepdim: keep }) : C(op, s.node, [dim], { keepdim: keep });
      if ((op === "amax" || op === "amin") && form === 0 && I.numel === 0) return null;
      return { node, approx: accumulates && (op === "sum" || op === "mean") };
    }
    case "max":
    case "min": {
      const pick = r.bool(0.7) ? 0 : 1;
      return { node: C(op, s.node, [dim, keep], undefined, pick), disc: pick === 1 };
    }
    case "argmax":
      if (I.isBool) return null;
      return { node: C(r.pick(["argmax", "argmin"]), s.node, r.bool(0.5) ? [] : [dim, keep]), disc: true };
    case "std":
    case "var":
      if (!I.isFloat) return null;
      return { node: r.bool(0.5) ? C(op, s.node, [dim], { correction: r.pick([0, 1]), keepdim: keep }) : C(op, s.node), approx: true };
    case "logsumexp":
      if (!I.isFloat) return null;
      return { node: F("logsumexp", [s.node, dim, keep]), approx: true };
    case "cumsum":
      if (!I.isFloat && I.maxA * Math.max(I.numel, 1) > 1e6) return null;
      return { node: r.bool(0.5) ? C("cumsum", s.node, [dim]) : F("cumsum", [s.node], { dim }), approx: accumulates };
    case "cumprod":
    case "prod": {
      if (I.maxA > 4 || I.numel > 64) return null;
      const node = op === "cumprod" ? C("cumprod", s.node, [dim]) : r.bool(0.5) ? C("prod", s.node) : C("prod", s.node, [dim, keep]);
      return { node, approx: accumulates };
    }
    case "norm":
      if (!I.isFloat) return null;
      return { node: r.bool(0.5) ? C("norm", s.node) : C("norm", s.node, [r.pick([1, 2])], { dim, keepdim: keep }), approx: true };
    case "all":
    case "any":
      return { node: r.bool(0.5) ? C(op, s.node) : C(op, s.node, [dim]), disc: true };
  }
  return null;
};

const viewOp: OpGen = (r, s) => {
  const I = info(s);
  const nd = I.nd;
  const op = r.pick(["transpose", "permute", "reshape", "flatten", "unsqueeze", "squeeze", "narrow", "select", "flip", "t", "mT", "expand", "contiguous", "view", "unflatten", "movedim", "diagonal", "split", "chunk", "unbind", "clone"]);
  const d = () => r.int(-Math.max(nd, 1), Math.max(nd, 1) - 1);
  switch (op) {
    case "transpose":
      return nd >= 1 ? { node: C("transpose", s.node, [d(), d()]) } : null;
    case "permute": {
      const p = r.shuffle(Array.from({ length: nd }, (_, i) => i));
      return { node: r.bool(0.5) ? C("permute", s.node, p) : F("permute", [s.node, p]) };
    }
    case "reshape":
    case "view": {
      const n = I.numel;
      const shapes = [[-1], [n], [1, -1], [-1, 1]];
      if (n % 2 === 0 && n > 0) shapes.push([2, -1], [-1, 2, 1]);
      return { node: C(op, s.node, [r.pick(shapes)]) };
    }
    case "flatten":
      return { node: nd >= 2 && r.bool(0.5) ? C("flatten", s.node, [r.int(0, nd - 2)]) : F("flatten", [s.node]) };
    case "unsqueeze":
      return { node: C("unsqueeze", s.node, [r.int(-nd - 1, nd)]) };
    case "squeeze":
      return { node: nd > 0 && r.bool(0.5) ? C("squeeze", s.node, [d()]) : C("squeeze", s.node) };
    case "narrow": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1), size = I.shape[dim];
      const start = r.int(0, size - 1);
      return { node: C("narrow", s.node, [dim, start, r.int(0, size - start)]) };
    }
    case "select": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1);
      return { node: C("select", s.node, [dim, r.int(-I.shape[dim], I.shape[dim] - 1)]) };
    }
    case "flip":
      return nd > 0 ? { node: C("flip", s.node, [randomDims(r, nd)]) } : null;
    case "t":
      return nd <= 2 ? { node: C("t", s.node) } : null;
    case "mT":
      return nd >= 2 ? { node: { attr: r.pick(["mT", "T"]), self: s.node } } : null;
    case "expand": {
      const target = I.shape.map((x) => (x === 1 ? r.int(1, 3) : x));
      if (r.bool(0.4)) target.unshift(r.int(1, 3));
      return { node: C("expand", s.node, target) };
    }
    case "contiguous":
      return { node: C("contiguous", s.node) };
    case "clone":
      return { node: C("clone", s.node) };
    case "unflatten": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1);
      return { node: C("unflatten", s.node, [dim, [1, -1]]) };
    }
    case "movedim":
      return nd >= 2 ? { node: F("movedim", [s.node, d(), d()]) } : null;
    case "diagonal":
      return nd >= 2 ? { node: C("diagonal", s.node, [r.int(-1, 1)]) } : null;
    case "split":
    case "chunk":
    case "unbind": {
      if (nd === 0) return null;
      const dim = r.int(0, nd - 1);
      const size = I.shape[dim];
      if (op === "unbind") return { node: C("unbind", s.node, [dim], undefined, r.int(0, size - 1)) };
      const k = r.int(1, 3);
      const pieces = op === "split" ? Math.ceil(size / k) : Math.ceil(size / Math.ceil(size / k));
      return { node: C(op, s.node, [k, dim], undefined, r.int(0, Math.max(pieces - 1, 0))) };
    }
  }
  return null;
};

const castOp: OpGen = (r, s) => {
  const I = info(s);
  const target = randomDtype(r);
  const toInt = target !== "float32" && target !== "float64";
  if (I.isFloat && toInt) {
    // float -> integer is undefined behaviour in C++ outside the target's range
    if (!I.finite || I.maxA > 1e6 || (target === "uint8" && I.min < 0) || s.approx) return null;
    if (target === "bool") return { node: C("bool", s.node), disc: true };
    return { node: C("to", s.node, [D(target)]), disc: true };
  }
  const form = r.int(0, 2);
  const node = form === 0 ? C("to", s.node, [D(target)]) : form === 1 ? C("to", s.node, [], { dtype: D(target) }) : C(({ float32: "float", float64: "double", int64: "long", int32: "int", uint8: "byte", bool: "bool" } as Record<DT, string>)[target], s.node);
  return { node, disc: target === "bool" };
};

const matmulOp: OpGen = (r, s) => {
  const I = info(s);
  if (I.nd === 0 || I.isBool || I.dt === "uint8" || I.dt === "int32") return null;
  if (!I.isFloat && I.maxA > 1000) return null;
  const K = I.shape[I.nd - 1];
  const dt = I.dt;
  let other: number[];
  const kind = r.int(0, 3);
  if (kind === 0) other = [K];
  else if (kind === 1) other = [K, r.int(1, 4)];
  else if (kind === 2) other = [r.int(1, 2), K, r.int(1, 3)];
  else other = [...I.shape.slice(0, Math.max(I.nd - 2, 0)).map((d) => (r.bool(0.3) ? 1 : d)), K, r.int(1, 3)];
  const b = tensorSpec(r, other, dt);
  if (I.nd === 2 && other.length === 2 && r.bool(0.3)) return { node: C("mm", s.node, [b]), approx: I.isFloat };
  if (I.nd === 1 && other.length === 1 && r.bool(0.3)) return { node: F("dot", [s.node, b]), approx: I.isFloat };
  return { node: r.bool(0.5) ? F("matmul", [s.node, b]) : C("matmul", s.node, [b]), approx: I.isFloat };
};

const joinOp: OpGen = (r, s) => {
  const I = info(s);
  if (I.nd === 0) return r.bool(0.5) ? { node: F("stack", [{ list: [s.node, tensorSpec(r, [], I.dt)] }]) } : null;
  const dim = r.int(-I.nd, I.nd - 1);
  const dd = dim < 0 ? dim + I.nd : dim;
  if (r.bool(0.5)) {
    const shape = I.shape.slice();
    shape[dd] = r.int(1, 3);
    const other = tensorSpec(r, shape, r.bool(0.7) ? I.dt : randomDtype(r));
    return { node: F("cat", r.bool(0.5) ? [{ list: [s.node, other] }, dim] : [{ list: [other, s.node] }, dim]) };
  }
  return { node: F("stack", [{ list: [s.node, tensorSpec(r, I.shape, I.dt)] }, r.int(-I.nd - 1, I.nd)]) };
};

const GENS: [OpGen, number][] = [
  [unaryOp, 3],
  [binaryOp, 4],
  [reduceOp, 2],
  [viewOp, 4],
  [castOp, 1],
  [matmulOp, 1],
  [joinOp, 1],
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

interface Chain {
  c: Case;
  magnitude: number;
  f32: boolean;
}

function buildChain(r: Rng, index: number): Chain {
  const start = tensorSpec(r, randomShape(r), randomDtype(r));
  const first = evaluate(start).value as Tensor;
  let s: State = { node: start, value: first, approx: false, magnitude: maxAbs([first]), f32: first.dtype === torch.float32 };
  const length = r.int(1, 6);
  for (let k = 0; k < length; k++) {
    let step: Step | null = null;
    for (let tries = 0; tries < 20 && step === null; tries++) {
      step = pickGen(r)(r, s);
      if (step && step.disc && s.approx) step = null;
    }
    if (step === null) break;
    let value: unknown;
    const leaves: Tensor[] = [];
    try {
      value = evaluate(step.node, leaves).value;
    } catch {
      // torchlette rejects it: PyTorch must reject it with the same error; the chain ends here
      return { c: { name: `chain ${index}`, expr: step.node }, magnitude: s.magnitude, f32: s.f32 };
    }
    if (!(value instanceof Tensor)) break;
    const approx = s.approx || (!!step.approx && value.dtype.kind === "f") || (!!step.approx && s.value.dtype.kind === "f");
    const f32 = s.f32 || value.dtype === torch.float32 || leaves.some((l) => l.dtype === torch.float32);
    s = { node: step.node, value, approx, magnitude: Math.max(s.magnitude, maxAbs(leaves), maxAbs([value])), f32 };
  }
  return { c: { name: `chain ${index}`, expr: s.node }, magnitude: s.magnitude, f32: s.f32 };
}

// ---------------------------------------------------------------------------------------------

const rng = new Rng(SEED);
const chains = Array.from({ length: CHAINS }, (_, i) => buildChain(rng, i));
const oracle = runOracle(chains.map((x) => x.c));

const DIFF_RTOL = { float32: 2 ** -16, float64: 2 ** -45 };

if (!oracle.ok) {
  test("differential: torchlette vs PyTorch on random op chains", { skip: `no PyTorch oracle: ${oracle.reason}` }, () => {});
} else {
  test(`differential: ${CHAINS} random op chains vs PyTorch ${oracle.torch} (${oracle.python})`, () => {
    const failures: string[] = [];
    chains.forEach(({ c, magnitude, f32 }, i) => {
      const rtol = f32 ? { float32: DIFF_RTOL.float32, float64: DIFF_RTOL.float32 } : DIFF_RTOL;
      const tol = (): Tolerance => ({ rtol, atolFactor: 4, magnitude, repr: "bitexact" });
      const problems = check(c, oracle.results[i], undefined, tol);
      if (problems.length) failures.push(`${c.name}: ${JSON.stringify(c.expr)}\n  ${problems.join("\n  ")}`);
    });
    assert.equal(failures.length, 0, `${failures.length}/${CHAINS} chains differ:\n${failures.join("\n")}`);
  });
  test("differential chains exercise the op layer broadly", () => {
    // guards against a generator change that quietly stops covering op families
    const ops = new Set<string>();
    const walk = (n: unknown): void => {
      if (n === null || typeof n !== "object") return;
      if (Array.isArray(n)) return n.forEach(walk);
      const o = n as Record<string, unknown>;
      if (typeof o.call === "string") ops.add(o.call);
      if (typeof o.attr === "string") ops.add(o.attr);
      Object.values(o).forEach(walk);
    };
    chains.forEach(({ c }) => walk(c.expr));
    for (const op of ["add", "matmul", "sum", "transpose", "where", "cat", "to", "exp", "reshape", "std", "max"]) assert.ok(ops.has(op), `no chain uses ${op}`);
    assert.ok(ops.size > 60, `only ${ops.size} distinct ops`);
    const errors = oracle.results.filter((x) => "error" in x).length;
    assert.ok(errors < CHAINS / 4, `${errors} chains end in an error`);
  });
}
