// Random sampling on tensors: the torch.* and Tensor.*_ API over the bit-exact generator in
// src/random/. Every op fills its output in memory order, as PyTorch's serial CPU kernels do.
import { bool, DType, float32, float64, get_default_dtype, int64, uint8 } from "../dtype.js";
import { RuntimeError, TypeError } from "../errors.js";
import { parseSize } from "../shape.js";
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
import { splitOpts } from "./util.js";
import { typeName } from "./dtype_names.js";

type GenOpts = { generator?: Generator | null; dtype?: DType; requires_grad?: boolean; device?: string };

function gen(o?: { generator?: Generator | null }): Generator {
  return o?.generator ?? default_generator;
}

/** The tensor's elements as a dense typed array in memory order, plus a way to write them back. */
function memoryOrder(t: Tensor): { data: OutArray; commit: () => void; contiguous: boolean } {
  const n = t.numel();
  if (t.is_contiguous()) {
    const data = t._storage.data.subarray(t._offset, t._offset + n) as OutArray;
    return { data, commit: () => t._bump(), contiguous: true };
  }
  // walk dims in decreasing stride order: that is the order TensorIterator visits memory
  const order = t._shape.map((_, i) => i).sort((a, b) => Math.abs(t._strides[b]) - Math.abs(t._strides[a]));
  const view = t.permute(order);
  const tmp = empty(view._shape.slice(), t.dtype);
  const data = tmp._storage.data as OutArray;
  return {
    data,
    contiguous: false,
    commit: () => {
      no_grad(() => view.copy_(tmp));
    },
  };
}

function checkFloat(t: Tensor, op: string): void {
  if (t.dtype.kind !== "f") throw new RuntimeError(`"${op}" not implemented for '${typeName(t.dtype)}'`);
}

function creationArgs(args: unknown[]): [number[], GenOpts] {
  const [pos, o] = splitOpts<GenOpts>(args);
  const gArg = pos.find((a) => a instanceof Generator) as Generator | undefined;
  const sizeArgs = pos.filter((a) => !(a instanceof Generator));
  return [parseSize(sizeArgs), gArg ? { ...o, generator: gArg } : o];
}

function finish(t: Tensor, o: GenOpts): Tensor {
  if (o.device !== undefined && o.device !== "cpu") throw new TypeError(`torchlette runs on the CPU only; got device '${o.device}'`);
  if (o.requires_grad) t.requires_grad_(true);
  return t;
}

// ---- in-place fills ----

export function uniform_(t: Tensor, from: number | { from?: number; to?: number; generator?: Generator | null } = 0, to = 1, o: GenOpts = {}): Tensor {
  if (typeof from === "object") {
    o = from;
    to = from.to ?? 1;
    from = from.from ?? 0;
  }
  checkFloat(t, "check_uniform_bounds");
  const m = memoryOrder(t);
  uniformFill(gen(o), m.data as FloatArray, from, to);
  m.commit();
  return t;
}

export function normal_(t: Tensor, mean: number | { mean?: number; std?: number; generator?: Generator | null } = 0, std = 1, o: GenOpts = {}): Tensor {
  if (typeof mean === "object") {
    o = mean;
    std = mean.std ?? 1;
    mean = mean.mean ?? 0;
  }
  checkFloat(t, "normal_kernel_cpu");
  const m = memoryOrder(t);
  normalFill(gen(o), m.data as FloatArray, mean, std, m.contiguous);
  m.commit();
  return t;
}

export function exponential_(t: Tensor, lambd: number | { lambd?: number; generator?: Generator | null } = 1, o: GenOpts = {}): Tensor {
  if (typeof lambd === "object") {
    o = lambd;
    lambd = lambd.lambd ?? 1;
  }
  checkFloat(t, "exponential_cpu");
  const m = memoryOrder(t);
  exponentialFill(gen(o), m.data as FloatArray, lambd);
  m.commit();
  return t;
}

export function bernoulli_(t: Tensor, p: number | Tensor | { p?: number | Tensor; generator?: Generator | null } = 0.5, o: GenOpts = {}): Tensor {
  if (typeof p === "object" && !(p instanceof Tensor)) {
    o = p;
    p = p.p ?? 0.5;
  }
  const m = memoryOrder(t);
  if (p instanceof Tensor) {
    const probs = p.expand(t._shape).contiguous();
    bernoulliTensorFill(gen(o), m.data, probs._values(), probs.dtype === float64);
  } else bernoulliScalarFill(gen(o), m.data, p);
  m.commit();
  return t;
}

/** random_(), random_(to), random_(from, to) */
export function random_(t: Tensor, ...args: unknown[]): Tensor {
  const [pos, o] = splitOpts<GenOpts & { from?: number; to?: number | null }>(args);
  let from: number | null = null, to: number | null = null;
  if (pos.length === 1) to = pos[0] as number;
  else if (pos.length >= 2) {
    from = pos[0] as number;
    to = pos[1] as number | null;
  } else if (o.from !== undefined || o.to !== undefined) {
    from = o.from ?? 0;
    to = o.to ?? null;
  }
  if (pos.length === 1) from = 0;
  if (from !== null && to !== null && from >= to) {
    throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
  }
  const m = memoryOrder(t);
  randomFill(gen(o), m.data, from, to, t.dtype.name as RandomDtype);
  m.commit();
  return t;
}

// ---- creation ----

export function rand(...args: unknown[]): Tensor {
  const [shape, o] = creationArgs(args);
  const t = empty(shape, o.dtype ?? get_default_dtype());
  checkFloat(t, "check_uniform_bounds");
  uniform_(t, 0, 1, o);
  return finish(t, o);
}

export function randn(...args: unknown[]): Tensor {
  const [shape, o] = creationArgs(args);
  const t = empty(shape, o.dtype ?? get_default_dtype());
  checkFloat(t, "normal_kernel_cpu");
  normal_(t, 0, 1, o);
  return finish(t, o);
}

/** randint(high, size) | randint(low, high, size) with {generator, dtype} */
export function randint(...args: unknown[]): Tensor {
  const [pos, o] = splitOpts<GenOpts & { low?: number; high?: number; size?: number[] }>(args);
  let low = o.low ?? 0, high = o.high, size = o.size;
  const nums = pos.filter((a) => typeof a === "number") as number[];
  const arr = pos.find((a) => Array.isArray(a)) as number[] | undefined;
  if (arr) size = arr;
  if (nums.length === 1) high = nums[0];
  else if (nums.length >= 2) [low, high] = nums;
  if (high === undefined) throw new TypeError("randint() missing required argument 'high'");
  if (size === undefined) throw new TypeError("randint() missing 1 required positional arguments: \"size\"");
  if (!(low < high)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const t = empty(parseSize([size]), o.dtype ?? int64);
  randomFill(gen(o), memoryOrder(t).data, low, high, t.dtype.name as RandomDtype);
  return finish(t, o);
}

export function randperm(n: number, o: GenOpts = {}): Tensor {
  const dt = o.dtype ?? int64;
  const data = randpermKernel(gen(o), n, dt.name as RandomDtype);
  const t = new Tensor(new Storage(data, dt), [n]);
  return finish(t, o);
}

export function rand_like(x: Tensor, o: GenOpts = {}): Tensor {
  return rand(x._shape.slice(), { dtype: x.dtype, ...o });
}
export function randn_like(x: Tensor, o: GenOpts = {}): Tensor {
  return randn(x._shape.slice(), { dtype: x.dtype, ...o });
}
export function randint_like(x: Tensor, low: number, high?: number | GenOpts, o: GenOpts = {}): Tensor {
  if (typeof high === "object") {
    o = high;
    high = undefined;
  }
  const [lo, hi] = high === undefined ? [0, low] : [low, high];
  return randint(lo, hi, x._shape.slice(), { dtype: x.dtype, ...o });
}

/** torch.multinomial(input, num_samples, replacement=False, {generator}) */
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
  const probs = input.contiguous()._values() as FloatArray;
  const out = multinomialKernel(gen(o), probs, rows, cats, n, repl);
  const shape = input.dim() === 1 ? [n] : [rows, n];
  return new Tensor(new Storage(out, int64), shape);
}

export function bernoulli(input: Tensor, p?: number | { p?: number; generator?: Generator | null }, o: GenOpts = {}): Tensor {
  if (typeof p === "object") {
    o = p;
    p = p.p;
  }
  const out = empty(input._shape.slice(), input.dtype.kind === "f" ? input.dtype : float32);
  return p === undefined ? bernoulli_(out, input, o) : bernoulli_(out, p, o);
}

/** normal(mean, std) with tensors or numbers; normal(mean: number, std: number, size) */
export function normal(mean: Tensor | number, std: Tensor | number = 1, size?: number[] | GenOpts, o: GenOpts = {}): Tensor {
  if (size !== undefined && !Array.isArray(size)) {
    o = size;
    size = undefined;
  }
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    if (!size) throw new TypeError("normal() received an invalid combination of arguments");
    const t = empty(size.slice(), o.dtype ?? get_default_dtype());
    return finish(normal_(t, mean, std, o), o);
  }
  const mt = mean instanceof Tensor ? mean : null;
  const st = std instanceof Tensor ? std : null;
  const shape = mt && st ? (mt.numel() >= st.numel() ? mt._shape : st._shape) : (mt ?? st)!._shape;
  const dt = (mt ?? st)!.dtype;
  const out = empty(shape.slice(), dt);
  normal_(out, 0, 1, o);
  return no_grad(() => out.mul(std).add(mean));
}

// Generator.get_state/set_state and torch.get_rng_state/set_rng_state speak ByteTensors, as in
// PyTorch; the random layer itself works on bytes.
declare module "../random/generator.js" {
  interface Generator {
    get_state(): Tensor;
    set_state(state: Tensor): this;
  }
}
function stateBytes(state: Tensor): Uint8Array {
  if (!(state instanceof Tensor) || state.dtype.name !== "uint8") {
    throw new TypeError(`expected a torch.ByteTensor, but got ${state instanceof Tensor ? state.type() : typeof state}`);
  }
  return Uint8Array.from(state.contiguous()._values());
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

export { Generator, bool };

declare module "../tensor.js" {
  interface Tensor {
    uniform_(from?: number | { from?: number; to?: number; generator?: Generator | null }, to?: number, o?: GenOpts): Tensor;
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
