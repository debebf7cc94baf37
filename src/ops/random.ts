// Random sampling on tensors: the torch.* and Tensor.*_ API over the bit-exact generator in
// src/random/. Every op fills its output in memory order, as PyTorch's serial CPU kernels do
// (TensorIterator walks a non-contiguous output in stride order), and checks its arguments in
// PyTorch 1.13's order, so an error leaves the generator exactly where PyTorch leaves it.
import { DType, float32, float64, get_default_dtype, int64, uint8 } from "../dtype.js";
import { RuntimeError, TypeError } from "../errors.js";
import { broadcastShapes, parseSize } from "../shape.js";
import { Storage } from "../storage.js";
import { empty, Tensor } from "../tensor.js";
import { no_grad } from "../autograd/grad_mode.js";
import {
  bernoulliScalarFill,
  bernoulliTensorFill,
  default_generator,
  exponentialFill,
  Generator,
  multinomial as multinomialKernel,
  normalFill,
  randomFill,
  randperm as randpermKernel,
  type FloatArray,
  type OutArray,
  type RandomDtype,
  uniformFill,
} from "../random/index.js";
import { topkIndices } from "../random/stl_sort.js";
import { copyOpts, needsGrad, pyTypeName, record, splitOpts } from "./util.js";
import { typeName } from "./dtype_names.js";
import { assertNoInternalOverlap, inPlaceWithGrad } from "./pointwise.js";
import { emptyStrided, preserveStrides } from "./shape_helpers.js";

type GenOpts = { generator?: Generator | null; dtype?: DType; requires_grad?: boolean; device?: string };

function gen(o?: { generator?: Generator | null }): Generator {
  return o?.generator ?? default_generator;
}

/** Dims of `t` from outermost to innermost in memory (decreasing stride): TensorIterator's
 * order for an output that is not contiguous. */
function memoryPerm(t: Tensor): number[] {
  return t._shape.map((_, i) => i).sort((a, b) => t._strides[b] - t._strides[a] || a - b);
}

/** The tensor's elements as a dense typed array in memory order, and a way to write them back.
 * `perm` puts any other operand into the same order (x.permute(perm)). */
function memoryOrder(t: Tensor): { data: OutArray; commit: () => void; contiguous: boolean; perm: number[] | null } {
  const n = t.numel();
  if (t.is_contiguous()) {
    const data = t._storage.data.subarray(t._offset, t._offset + n) as OutArray;
    return { data, commit: () => t._bump(), contiguous: true, perm: null };
  }
  const perm = memoryPerm(t);
  const view = t.permute(perm);
  const tmp = empty(view._shape.slice(), t.dtype);
  return {
    data: tmp._storage.data as OutArray,
    contiguous: false,
    perm,
    commit: () => {
      no_grad(() => view.copy_(tmp));
    },
  };
}

function checkFloat(t: Tensor, op: string): void {
  if (t.dtype.kind !== "f") throw new RuntimeError(`"${op}" not implemented for '${typeName(t.dtype)}'`);
}

/** Autograd's check_inplace, which runs before the kernel (and so before any draw). */
function checkInplace(t: Tensor): void {
  if (!needsGrad(t)) return;
  if (t.is_leaf) throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  if (t._base !== null && t._base.is_leaf && t._base._requires_grad) {
    throw new RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
}

/**
 * Run an in-place sampling op: the autograd check, then `fill` (which draws into the tensor's
 * memory-order buffer), then the write-back. On a tensor that takes part in autograd the op
 * becomes a node whose gradient is zero for self and for the tensor arguments (PyTorch's
 * UniformBackward0, NormalBackward0 ...).
 */
function inPlace(t: Tensor, node: string, extra: (Tensor | null)[], fill: (data: OutArray, contiguous: boolean, perm: number[] | null) => void): Tensor {
  checkInplace(t);
  const grad = needsGrad(t, ...extra);
  const m = memoryOrder(t);
  fill(m.data, m.contiguous, m.perm);
  m.commit();
  if (!grad) return t;
  const r = no_grad(() => t.clone());
  record(r, node, [t, ...extra], (g) => [zerosLike(g), ...extra.map((e) => (e ? zerosLike(e) : null))]);
  return inPlaceWithGrad(t, r);
}

function zerosLike(t: Tensor): Tensor {
  return empty(t._shape.slice(), t.dtype);
}

function factoryDone(t: Tensor, o: GenOpts): Tensor {
  if (o.device !== undefined && o.device !== "cpu") throw new TypeError(`torchlette runs on the CPU only; got device '${o.device}'`);
  if (o.requires_grad) {
    // the factory's message (Tensor.requires_grad_ words it differently)
    if (t.dtype.kind !== "f") throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
    t.requires_grad_(true);
  }
  return t;
}

/** `f(2, 3, {opts})`, `f([2, 3], {opts})` or `f({size: [2, 3], ...opts})`. */
function creationArgs(args: unknown[]): [number[], GenOpts] {
  const [pos, o] = splitOpts<GenOpts & { size?: number[] }>(args);
  const gArg = pos.find((a) => a instanceof Generator) as Generator | undefined;
  const sizeArgs = pos.filter((a) => !(a instanceof Generator));
  const shape = sizeArgs.length === 0 && o.size !== undefined ? parseSize([o.size]) : parseSize(sizeArgs);
  if (gArg === undefined) return [shape, o];
  const r = copyOpts(o);
  r.generator = gArg;
  return [shape, r];
}

// ---- in-place fills ----

type Bound = number | { from?: number; to?: number; generator?: Generator | null };

/** Tensor.uniform_(from=0, to=1, {generator}) */
export function uniform_(t: Tensor, from: Bound = 0, to = 1, o: GenOpts = {}): Tensor {
  if (typeof from === "object") {
    o = from;
    to = from.to ?? 1;
    from = from.from ?? 0;
  }
  const lo = from;
  checkInplace(t);
  checkFloat(t, "check_uniform_bounds");
  uniformFill(gen(o), t.dtype === float64 ? new Float64Array(0) : new Float32Array(0), lo, to); // bound checks, no draws
  assertNoInternalOverlap(t);
  return inPlace(t, "UniformBackward0", [], (d) => uniformFill(gen(o), d as FloatArray, lo, to));
}

/** Tensor.normal_(mean=0, std=1, {generator}) */
export function normal_(t: Tensor, mean: number | { mean?: number; std?: number; generator?: Generator | null } = 0, std = 1, o: GenOpts = {}): Tensor {
  if (typeof mean === "object") {
    o = mean;
    std = mean.std ?? 1;
    mean = mean.mean ?? 0;
  }
  const mu = mean;
  checkInplace(t);
  normalFill(gen(o), new Float64Array(0), mu, std); // the std check comes before the dtype check
  checkFloat(t, "normal_kernel_cpu");
  assertNoInternalOverlap(t);
  return inPlace(t, "NormalBackward0", [], (d, contiguous) => normalFill(gen(o), d as FloatArray, mu, std, contiguous));
}

/** Tensor.exponential_(lambd=1, {generator}) */
export function exponential_(t: Tensor, lambd: number | { lambd?: number; generator?: Generator | null } = 1, o: GenOpts = {}): Tensor {
  if (typeof lambd === "object") {
    o = lambd;
    lambd = lambd.lambd ?? 1;
  }
  const l = lambd;
  checkInplace(t);
  exponentialFill(gen(o), new Float64Array(0), l);
  assertNoInternalOverlap(t);
  checkFloat(t, "exponential_cpu");
  return inPlace(t, "ExponentialBackward0", [], (d) => exponentialFill(gen(o), d as FloatArray, l));
}

/** Tensor.bernoulli_(p=0.5, {generator}) with a float or a tensor of probabilities. */
export function bernoulli_(t: Tensor, p: number | Tensor | { p?: number | Tensor; generator?: Generator | null } = 0.5, o: GenOpts = {}): Tensor {
  if (typeof p === "object" && !(p instanceof Tensor)) {
    o = p;
    p = p.p ?? 0.5;
  }
  checkInplace(t);
  if (p instanceof Tensor) {
    const probs = p.expand(t._shape);
    assertNoInternalOverlap(t);
    checkBernoulliProbs(probs);
    return inPlace(t, "BernoulliBackward1", [p], (d, _c, perm) => {
      // the probabilities are read in the output's memory order
      const vals = (perm ? probs.permute(perm) : probs).contiguous()._values();
      bernoulliTensorFill(gen(o), d, vals, probs.dtype === float64);
    });
  }
  const pv = p;
  bernoulliScalarFill(gen(o), new Float64Array(0), pv);
  assertNoInternalOverlap(t);
  return inPlace(t, "BernoulliBackward2", [], (d) => bernoulliScalarFill(gen(o), d, pv));
}

function checkBernoulliProbs(p: Tensor): void {
  if (p.dtype.kind !== "f") throw new RuntimeError(`"bernoulli_tensor_cpu_p_" not implemented for '${typeName(p.dtype)}'`);
}

/** Tensor.random_(), random_(to), random_(from, to) (to may be null: up to the dtype's max). */
export function random_(t: Tensor, ...args: unknown[]): Tensor {
  const [pos, o] = splitOpts<GenOpts & { from?: number; to?: number | null }>(args);
  let from: number | null = null;
  let to: number | null = null;
  let node = "RandomBackward2";
  if (pos.length === 1) {
    from = 0;
    to = pos[0] as number;
    node = "RandomBackward1";
  } else if (pos.length >= 2) {
    from = pos[0] as number;
    to = pos[1] as number | null;
    node = "RandomBackward0";
  } else if (o.from !== undefined) {
    from = o.from;
    to = o.to ?? null;
    node = "RandomBackward0";
  } else if (o.to !== undefined && o.to !== null) {
    from = 0;
    to = o.to;
    node = "RandomBackward1";
  }
  checkInplace(t);
  assertNoInternalOverlap(t);
  const dt = t.dtype.name as RandomDtype;
  randomFill(gen(o), emptyOf(t.dtype), from, to, dt); // bound checks, no draws
  return inPlace(t, node, [], (d) => randomFill(gen(o), d, from, to, dt));
}

function emptyOf(d: DType): OutArray {
  return new (d.ArrayType as unknown as new (n: number) => OutArray)(0);
}

// ---- creation ----

export function rand(...args: unknown[]): Tensor {
  const [shape, o] = creationArgs(args);
  const t = empty(shape, o.dtype ?? get_default_dtype());
  no_grad(() => uniform_(t, 0, 1, o));
  return factoryDone(t, o);
}

export function randn(...args: unknown[]): Tensor {
  const [shape, o] = creationArgs(args);
  const t = empty(shape, o.dtype ?? get_default_dtype());
  no_grad(() => normal_(t, 0, 1, o));
  return factoryDone(t, o);
}

/** randint(high, size) | randint(low, high, size) | randint({low, high, size}), with {generator, dtype} */
export function randint(...args: unknown[]): Tensor {
  const [pos, o] = splitOpts<GenOpts & { low?: number; high?: number; size?: number[] }>(args);
  let low = o.low ?? 0;
  let high = o.high;
  let size = o.size;
  const nums = pos.filter((a) => typeof a === "number" || typeof a === "bigint") as number[];
  const arr = pos.find((a) => Array.isArray(a)) as number[] | undefined;
  if (arr) size = arr;
  if (nums.length === 1) high = nums[0];
  else if (nums.length >= 2) [low, high] = nums;
  if (high === undefined) throw new TypeError("randint() missing required argument 'high'");
  if (size === undefined) throw new TypeError('randint() missing 1 required positional arguments: "size"');
  const t = empty(parseSize([size]), o.dtype ?? int64);
  const dt = t.dtype.name as RandomDtype;
  randomFill(gen(o), t._storage.data as OutArray, low, high, dt);
  return factoryDone(t, o);
}

/** torch.randperm(n, {generator, dtype, requires_grad}) or randperm({n, ...}) */
export function randperm(n: number | (GenOpts & { n?: number }), o: GenOpts = {}): Tensor {
  if (typeof n === "object") {
    o = n;
    n = n.n as number;
  }
  if (n === undefined) throw new TypeError("randperm() missing required argument 'n'");
  const dt = o.dtype ?? int64;
  const data = randpermKernel(gen(o), n, dt.name as RandomDtype);
  const t = new Tensor(new Storage(data, dt), [n]);
  return factoryDone(t, o);
}

/** empty_like(x) (x's memory layout, memory_format=preserve) with dtype/requires_grad options. */
function emptyLike(x: Tensor, o: GenOpts): Tensor {
  return emptyStrided(x._shape.slice(), preserveStrides(x), o.dtype ?? x.dtype);
}

/** torch.rand_like(x, {dtype, requires_grad}): fills empty_like(x), so in x's memory order. */
export function rand_like(x: Tensor, o: GenOpts = {}): Tensor {
  const t = emptyLike(x, o);
  no_grad(() => uniform_(t, 0, 1, o));
  return factoryDone(t, o);
}
export function randn_like(x: Tensor, o: GenOpts = {}): Tensor {
  const t = emptyLike(x, o);
  no_grad(() => normal_(t, 0, 1, o));
  return factoryDone(t, o);
}
/** randint_like(x, high) | randint_like(x, low, high) | randint_like(x, {low, high}) */
export function randint_like(x: Tensor, low?: number | (GenOpts & { low?: number; high?: number }), high?: number | GenOpts, o: GenOpts = {}): Tensor {
  let lo = 0;
  let hi: number | undefined;
  if (typeof low === "object") {
    o = low;
    lo = low.low ?? 0;
    hi = low.high;
  } else if (typeof high === "object") {
    o = high;
    hi = low;
  } else if (high === undefined) hi = low;
  else {
    lo = low as number;
    hi = high;
  }
  if (hi === undefined) throw new TypeError("randint_like() missing required argument 'high'");
  const t = emptyLike(x, o);
  const bound = hi;
  no_grad(() => random_(t, lo, bound, { generator: o.generator }));
  return factoryDone(t, o);
}

/** torch.multinomial(input, num_samples, replacement=false, {generator}) */
export function multinomial(
  input: Tensor,
  num_samples?: number | { num_samples?: number; replacement?: boolean; generator?: Generator | null },
  replacement?: boolean | { replacement?: boolean; generator?: Generator | null },
  o: { generator?: Generator | null } = {},
): Tensor {
  let n = num_samples as number | undefined;
  let repl = false;
  if (typeof num_samples === "object") {
    o = num_samples;
    n = num_samples.num_samples;
    repl = num_samples.replacement ?? false;
  } else if (typeof replacement === "object") {
    o = replacement;
    repl = replacement.replacement ?? false;
  } else if (replacement !== undefined) repl = replacement;
  if (n === undefined) throw new TypeError("multinomial() missing required argument 'num_samples'");
  if (input.dim() !== 1 && input.dim() !== 2) throw new RuntimeError("prob_dist must be 1 or 2 dim");
  if (input.dtype.kind !== "f") throw new RuntimeError(`multinomial only supports floating-point dtypes for input, got: ${typeName(input.dtype)}`);
  const rows = input.dim() === 1 ? 1 : input._shape[0];
  const cats = input._shape[input.dim() - 1];
  const shape = input.dim() === 1 ? [n] : [rows, n];
  const g = gen(o);
  const f32 = input.dtype === float32;
  // the argument checks, on no rows: nothing drawn
  multinomialKernel(g, f32 ? new Float32Array(0) : new Float64Array(0), 0, cats, n, repl);
  const qStrides = preserveStrides(input);
  const contiguousQ = new Tensor(input._storage, input._shape, qStrides).is_contiguous();
  if (repl || contiguousQ || rows * n === 0) {
    const probs = input.contiguous()._values() as FloatArray;
    return new Tensor(new Storage(multinomialKernel(g, probs, rows, cats, n, repl), int64), shape);
  }
  return new Tensor(new Storage(multinomialStrided(g, input, qStrides, rows, cats, n), int64), shape);
}

/**
 * multinomial without replacement for an input whose empty_like is not contiguous (a transpose):
 * PyTorch draws q = empty_like(input).exponential_(1) in q's memory order, then takes the top
 * n of input / q per row, as the kernel does for contiguous inputs.
 */
function multinomialStrided(g: Generator, input: Tensor, qStrides: number[], rows: number, cats: number, n: number): Float64Array {
  const p = input.contiguous()._values();
  const total = rows * cats;
  for (let i = 0; i < total; i++) {
    if (!(p[i] >= 0 && p[i] < Infinity)) throw new RuntimeError("probability tensor contains either `inf`, `nan` or element < 0");
  }
  for (let r = 0; r < rows; r++) {
    let zero = true;
    for (let j = 0; j < cats; j++) if (p[r * cats + j] !== 0) zero = false;
    if (zero) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
  }
  const q = emptyStrided(input._shape.slice(), qStrides, input.dtype);
  no_grad(() => exponential_(q, 1, { generator: g }));
  const qv = q.contiguous()._values();
  const f32 = input.dtype === float32;
  const out = new Float64Array(rows * n);
  const scores = new Float64Array(cats);
  const scratch = new Float64Array(cats);
  for (let r = 0; r < rows; r++) {
    const off = r * cats;
    for (let j = 0; j < cats; j++) scores[j] = f32 ? Math.fround(p[off + j] / qv[off + j]) : p[off + j] / qv[off + j];
    if (n === 1) {
      let best = 0; // argmax: the first maximum; a nan wins
      for (let j = 1; j < cats; j++) {
        if (scores[best] !== scores[best]) break;
        if (scores[j] !== scores[j] || scores[j] > scores[best]) best = j;
      }
      out[r] = best;
    } else topkIndices(scores, scratch, cats, n, out, r * n);
  }
  return out;
}

/** torch.bernoulli(input, {generator}) draws with probabilities `input`; torch.bernoulli(input, p)
 * fills a tensor like input with bernoulli_(p). */
export function bernoulli(input: Tensor, p?: number | { p?: number; generator?: Generator | null }, o: GenOpts = {}): Tensor {
  if (typeof p === "object") {
    o = p;
    p = p.p;
  }
  const out = empty(input._shape.slice(), input.dtype);
  if (p !== undefined) {
    const pv = p;
    return no_grad(() => bernoulli_(out, pv, o));
  }
  checkBernoulliProbs(input);
  no_grad(() => bernoulli_(out, input.detach(), o));
  return record(out, "BernoulliBackward0", [input], (g) => [zerosLike(g)]);
}

type NormalOpts = GenOpts & { mean?: number | Tensor; std?: number | Tensor; size?: number[] };

function checkStdTensor(std: Tensor): void {
  if (std.numel() > 0 && !((std.min().item() as number) >= 0)) throw new RuntimeError("normal expects all elements of std >= 0.0");
}

/**
 * torch.normal(mean, std, {generator}) with tensors or numbers, or normal(mean, std, size, {...})
 * with numbers; also normal({mean, std, size, ...}). Tensor forms draw normal_(0, 1) (or
 * normal_(0, std) when only mean is a tensor) into a contiguous output, then scale and shift it
 * in place, as ATen does; the gradient with respect to mean and std is zero.
 */
export function normal(meanArg?: Tensor | number | NormalOpts, stdArg?: Tensor | number | NormalOpts, sizeArg?: number[] | NormalOpts, o: NormalOpts = {}): Tensor {
  if (typeof meanArg === "object" && !(meanArg instanceof Tensor)) {
    o = meanArg;
    meanArg = undefined;
  } else if (typeof stdArg === "object" && !(stdArg instanceof Tensor)) {
    o = stdArg;
    stdArg = undefined;
  } else if (sizeArg !== undefined && !Array.isArray(sizeArg)) {
    o = sizeArg;
    sizeArg = undefined;
  }
  const mean: Tensor | number = (meanArg as Tensor | number | undefined) ?? o.mean ?? 0;
  const std: Tensor | number = (stdArg as Tensor | number | undefined) ?? o.std ?? 1;
  const size = (sizeArg as number[] | undefined) ?? o.size;
  const g = { generator: o.generator };
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    if (!size) throw new TypeError("normal() received an invalid combination of arguments - got (float, float), but expected (float mean, float std, tuple of ints size)");
    const t = empty(parseSize([size]), o.dtype ?? get_default_dtype());
    no_grad(() => normal_(t, mean, std, g));
    return factoryDone(t, o);
  }
  if (mean instanceof Tensor && !(std instanceof Tensor)) {
    // NormalBackward1: normal_(0, std) then + mean
    normalFill(gen(g), new Float64Array(0), 0, std);
    const out = empty(mean._shape.slice(), mean.dtype);
    no_grad(() => normal_(out, 0, std, g).add_(mean));
    return record(out, "NormalBackward1", [mean], () => [zerosLike(mean)]);
  }
  const st = std as Tensor;
  checkStdTensor(st);
  if (!(mean instanceof Tensor)) {
    // NormalBackward2: normal_(0, 1) * std + mean (mean as a 0-dim tensor of the output's dtype)
    const out = empty(st._shape.slice(), st.dtype);
    const m = new Tensor(new Storage(new st.dtype.ArrayType(1), st.dtype), []);
    m._storage.data[0] = mean;
    no_grad(() => normal_(out, 0, 1, g).mul_(st).add_(m));
    return record(out, "NormalBackward2", [st], () => [zerosLike(st)]);
  }
  const out = empty(broadcastShapes(mean._shape, st._shape), mean.dtype);
  no_grad(() => normal_(out, 0, 1, g).mul_(st).add_(mean));
  return record(out, "NormalBackward3", [mean, st], () => [zerosLike(mean), zerosLike(st)]);
}

// Generator.get_state/set_state and torch.get_rng_state/set_rng_state speak ByteTensors, as in
// PyTorch; the random layer itself works on bytes.
declare module "../random/generator.js" {
  interface Generator {
    get_state(): Tensor;
    set_state(state: Tensor): this;
  }
}
function stateBytes(state: unknown): Uint8Array {
  if (!(state instanceof Tensor)) throw new TypeError(`expected a torch.ByteTensor, but got ${pyTypeName(state)}`);
  if (state.dtype !== uint8) throw new TypeError("RNG state must be a torch.ByteTensor");
  if (!state.is_contiguous()) throw new RuntimeError("RNG state must be contiguous");
  return Uint8Array.from(state._values());
}
Generator.prototype.get_state = function (this: Generator): Tensor {
  const b = this.get_state_bytes();
  return new Tensor(new Storage(b, uint8), [b.length]);
};
Generator.prototype.set_state = function <T extends Generator>(this: T, state: Tensor): T {
  this.set_state_bytes(stateBytes(state));
  return this;
};
export function get_rng_state(): Tensor {
  return default_generator.get_state();
}
export function set_rng_state(state: Tensor): void {
  default_generator.set_state(state);
}

export { Generator };

declare module "../tensor.js" {
  interface Tensor {
    uniform_(from?: Bound, to?: number, o?: GenOpts): Tensor;
    normal_(mean?: number | { mean?: number; std?: number; generator?: Generator | null }, std?: number, o?: GenOpts): Tensor;
    exponential_(lambd?: number | { lambd?: number; generator?: Generator | null }, o?: GenOpts): Tensor;
    bernoulli_(p?: number | Tensor | { p?: number | Tensor; generator?: Generator | null }, o?: GenOpts): Tensor;
    random_(...args: unknown[]): Tensor;
    multinomial(num_samples?: number | { num_samples?: number; replacement?: boolean; generator?: Generator | null }, replacement?: boolean | { replacement?: boolean; generator?: Generator | null }, o?: { generator?: Generator | null }): Tensor;
    bernoulli(p?: number | { p?: number; generator?: Generator | null }, o?: GenOpts): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  const m = (f: (x: Tensor, ...a: never[]) => Tensor) =>
    function (this: Tensor, ...a: never[]) {
      return f(this, ...a);
    };
  Object.assign(P, {
    uniform_: m(uniform_),
    normal_: m(normal_),
    exponential_: m(exponential_),
    bernoulli_: m(bernoulli_),
    random_: m(random_),
    multinomial: m(multinomial),
    bernoulli: m(bernoulli),
  });
}
