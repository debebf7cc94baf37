// torch.nn.init: PyTorch's formulas (Python doubles, same operation order) so the bounds and
// standard deviations are the same doubles, then Tensor.uniform_/normal_ under no_grad, so the
// values drawn are PyTorch's for the same generator state. Each function takes PyTorch 2.x's
// `generator` keyword in a trailing options object: `init.normal_(w, 0, 0.02, { generator: g })`.
import { no_grad } from "../autograd/grad_mode.js";
import { ValueError } from "../errors.js";
import { params } from "../ops/util.js";
import type { Generator } from "../random/generator.js";
import type { Tensor } from "../tensor.js";
import { warn } from "../warnings.js";

type GenOpt = { generator?: Generator | null };


const LINEAR_FNS = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"];

/** Recommended gain for a nonlinearity (the nn.functional name); `param` is leaky_relu's slope. */
export function calculate_gain(nonlinearity: string, param?: number | boolean | null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === "sigmoid") return 1;
  if (nonlinearity === "tanh") return 5.0 / 3;
  if (nonlinearity === "relu") return Math.sqrt(2.0);
  if (nonlinearity === "leaky_relu") {
    let slope: number;
    if (param === undefined || param === null) slope = 0.01;
    else if (typeof param === "number") slope = param;
    else throw new ValueError(`negative_slope ${param ? "True" : "False"} not a valid number`);
    // Python's `slope ** 2` is C pow(x, 2.0), which is the correctly rounded square
    return Math.sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity === "selu") return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

export function _calculate_fan_in_and_fan_out(tensor: Tensor): [number, number] {
  const dims = tensor.dim();
  if (dims < 2) throw new ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  const shape = tensor._shape;
  let receptive = 1;
  for (let i = 2; i < dims; i++) receptive *= shape[i];
  return [shape[1] * receptive, shape[0] * receptive];
}

function correctFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== "fan_in" && m !== "fan_out") throw new ValueError(`Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  return m === "fan_in" ? fanIn : fanOut;
}

function drawUniform(t: Tensor, a: number, b: number, generator?: Generator | null): Tensor {
  return no_grad(() => t.uniform_(a, b, { generator: generator ?? null }));
}
function drawNormal(t: Tensor, mean: number, std: number, generator?: Generator | null): Tensor {
  return no_grad(() => t.normal_(mean, std, { generator: generator ?? null }));
}

/** uniform_(tensor, a=0, b=1, *, generator=None) */
export function uniform_(tensor: Tensor, ...args: (number | GenOpt | { a?: number; b?: number })[]): Tensor {
  const o = params<{ a: number; b: number } & GenOpt>(args, ["a", "b"]);
  return drawUniform(tensor, o.a ?? 0, o.b ?? 1, o.generator);
}

/** normal_(tensor, mean=0, std=1, *, generator=None) */
export function normal_(tensor: Tensor, ...args: (number | GenOpt | { mean?: number; std?: number })[]): Tensor {
  const o = params<{ mean: number; std: number } & GenOpt>(args, ["mean", "std"]);
  return drawNormal(tensor, o.mean ?? 0, o.std ?? 1, o.generator);
}

export function constant_(tensor: Tensor, val: number): Tensor {
  return no_grad(() => tensor.fill_(val));
}
export function ones_(tensor: Tensor): Tensor {
  return no_grad(() => tensor.fill_(1));
}
export function zeros_(tensor: Tensor): Tensor {
  return no_grad(() => tensor.zero_());
}

/** xavier_uniform_(tensor, gain=1, *, generator=None): U(-a, a), a = gain*sqrt(6/(fan_in+fan_out)) */
export function xavier_uniform_(tensor: Tensor, ...args: (number | GenOpt | { gain?: number })[]): Tensor {
  const o = params<{ gain: number } & GenOpt>(args, ["gain"]);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  const std = (o.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return drawUniform(tensor, -a, a, o.generator);
}

/** xavier_normal_(tensor, gain=1, *, generator=None): N(0, std²), std = gain*sqrt(2/(fan_in+fan_out)) */
export function xavier_normal_(tensor: Tensor, ...args: (number | GenOpt | { gain?: number })[]): Tensor {
  const o = params<{ gain: number } & GenOpt>(args, ["gain"]);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  const std = (o.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  return drawNormal(tensor, 0, std, o.generator);
}

type KaimingOpts = { a?: number; mode?: string; nonlinearity?: string } & GenOpt;

function kaimingStd(tensor: Tensor, o: KaimingOpts): number {
  const fan = correctFan(tensor, o.mode ?? "fan_in");
  const gain = calculate_gain(o.nonlinearity ?? "leaky_relu", o.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', *, generator=None) */
export function kaiming_uniform_(tensor: Tensor, ...args: (number | string | KaimingOpts)[]): Tensor {
  const o = params<KaimingOpts>(args, ["a", "mode", "nonlinearity"]);
  if (tensor._shape.includes(0)) {
    warn("Initializing zero-element tensors is a no-op");
    return tensor;
  }
  const bound = Math.sqrt(3.0) * kaimingStd(tensor, o);
  return drawUniform(tensor, -bound, bound, o.generator);
}

/** kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', *, generator=None) */
export function kaiming_normal_(tensor: Tensor, ...args: (number | string | KaimingOpts)[]): Tensor {
  const o = params<KaimingOpts>(args, ["a", "mode", "nonlinearity"]);
  if (tensor._shape.includes(0)) {
    warn("Initializing zero-element tensors is a no-op");
    return tensor;
  }
  return drawNormal(tensor, 0, kaimingStd(tensor, o), o.generator);
}
