// The activation modules of torch.nn (PyTorch's torch/nn/modules/activation.py): each keeps
// its constructor arguments as attributes, calls its nn.functional function, and prints
// PyTorch's repr through extra_repr. Arguments are positional or in a trailing options object
// (`new nn.LeakyReLU(0.2)`, `new nn.LeakyReLU({ negative_slope: 0.2, inplace: true })`).
import { type DType, get_default_dtype } from "../dtype.js";
import { AssertionError } from "../errors.js";
import { full } from "../ops/creation.js";
import { params } from "../ops/util.js";
import { pyFloatRepr } from "../printing.js";
import type { Tensor } from "../tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** str() of a Python float attribute (always with a decimal point or exponent) */
const pyFloat = (v: number) => pyFloatRepr(v);
/** str() of an attribute that PyTorch's defaults make an int (Softplus's beta = 1): JavaScript
 * numbers do not say whether `2.0` was meant, so integral values print as ints */
const pyNumber = (v: number) => (Number.isInteger(v) ? String(v) : pyFloatRepr(v));
const inplaceSuffix = (inplace: boolean) => (inplace ? ", inplace=True" : "");
const inplaceOnly = (inplace: boolean) => (inplace ? "inplace=True" : "");

/** the `inplace` argument alone: `true`, `{ inplace: true }` or nothing */
function inplaceArg(args: unknown[]): boolean {
  return !!params<{ inplace: boolean }>(args, ["inplace"]).inplace;
}

export class GELU extends Module {
  readonly approximate: string;
  constructor(approximate: string | { approximate?: string } = "none") {
    super();
    this.approximate = typeof approximate === "object" ? (approximate.approximate ?? "none") : approximate;
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extra_repr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class LeakyReLU extends Module {
  readonly negative_slope: number;
  readonly inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    const o = params<{ negative_slope: number; inplace: boolean }>(args, ["negative_slope", "inplace"]);
    this.negative_slope = o.negative_slope ?? 0.01;
    this.inplace = !!o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.leaky_relu(input, this.negative_slope, this.inplace);
  }
  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${inplaceSuffix(this.inplace)}`;
  }
}

/** nn.PReLU(num_parameters=1, init=0.25): a learnable slope below 0, one or one per channel */
export class PReLU extends Module {
  readonly num_parameters: number;
  declare weight: Parameter;
  constructor(...args: unknown[]) {
    super();
    const o = params<{ num_parameters: number; init: number; dtype: DType }>(args, ["num_parameters", "init"]);
    this.num_parameters = o.num_parameters ?? 1;
    this.weight = new Parameter(full([this.num_parameters], o.init ?? 0.25, { dtype: o.dtype ?? get_default_dtype() }));
  }
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extra_repr(): string {
    return `num_parameters=${this.num_parameters}`;
  }
}

/** ELU and CELU: `alpha` and `inplace`, printed "alpha=1.0[, inplace=True]" */
abstract class AlphaActivation extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    const o = params<{ alpha: number; inplace: boolean }>(args, ["alpha", "inplace"]);
    this.alpha = o.alpha ?? 1;
    this.inplace = !!o.inplace;
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}
export class ELU extends AlphaActivation {
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }
}
export class CELU extends AlphaActivation {
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
}

export class SELU extends Module {
  readonly inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    this.inplace = inplaceArg(args);
  }
  override forward(input: Tensor): Tensor {
    return F.selu(input, this.inplace);
  }
  override extra_repr(): string {
    return inplaceOnly(this.inplace);
  }
}

export class GLU extends Module {
  readonly dim: number;
  constructor(...args: unknown[]) {
    super();
    this.dim = params<{ dim: number }>(args, ["dim"]).dim ?? -1;
  }
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}

export class Hardtanh extends Module {
  readonly min_val: number;
  readonly max_val: number;
  readonly inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    const o = params<{ min_val: number; max_val: number; inplace: boolean }>(args, ["min_val", "max_val", "inplace"]);
    this.min_val = o.min_val ?? -1;
    this.max_val = o.max_val ?? 1;
    this.inplace = !!o.inplace;
    if (!(this.max_val > this.min_val)) throw new AssertionError("");
  }
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.min_val, this.max_val, this.inplace);
  }
  override extra_repr(): string {
    return `min_val=${pyFloat(this.min_val)}, max_val=${pyFloat(this.max_val)}${inplaceSuffix(this.inplace)}`;
  }
}

export class ReLU6 extends Hardtanh {
  constructor(...args: unknown[]) {
    super(0, 6, inplaceArg(args));
  }
  override extra_repr(): string {
    return inplaceOnly(this.inplace);
  }
}

/** The modules whose only argument is `inplace` (`true` or `{ inplace: true }`), printed as
 * "inplace=True" when set */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    this.inplace = inplaceArg(args);
  }
  override extra_repr(): string {
    return inplaceOnly(this.inplace);
  }
}
export class ReLU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }
}
export class SiLU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
}
export class Mish extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.mish(input, this.inplace);
  }
}
// PyTorch gives these two no extra_repr
export class Hardswish extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }
  override extra_repr(): string {
    return "";
  }
}
export class Hardsigmoid extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, this.inplace);
  }
  override extra_repr(): string {
    return "";
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}
export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}
export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}
export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: unknown[]) {
    super();
    const o = params<{ beta: number; threshold: number }>(args, ["beta", "threshold"]);
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  override extra_repr(): string {
    return `beta=${pyNumber(this.beta)}, threshold=${pyNumber(this.threshold)}`;
  }
}

/** Softshrink and Hardshrink: one threshold `lambd`, printed bare */
abstract class Shrink extends Module {
  readonly lambd: number;
  constructor(...args: unknown[]) {
    super();
    this.lambd = params<{ lambd: number }>(args, ["lambd"]).lambd ?? 0.5;
  }
  override extra_repr(): string {
    return pyFloat(this.lambd);
  }
}
export class Softshrink extends Shrink {
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
}
export class Hardshrink extends Shrink {
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
}

/** Softmax, Softmin and LogSoftmax: a dim that may be None (then PyTorch's legacy choice, with
 * its warning) */
abstract class DimActivation extends Module {
  readonly dim: number | null;
  constructor(...args: unknown[]) {
    super();
    this.dim = params<{ dim: number | null }>(args, ["dim"]).dim ?? null;
  }
  override extra_repr(): string {
    return `dim=${this.dim === null ? "None" : this.dim}`;
  }
}
export class Softmax extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim, 5);
  }
}
export class Softmin extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim, 5);
  }
}
export class LogSoftmax extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.log_softmax(input, this.dim, 5);
  }
}
