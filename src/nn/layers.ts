// The torch.nn layers: constructors take PyTorch's arguments (keywords in a trailing options
// object), register parameters and buffers in PyTorch's order (so state_dict keys and the random
// draws of the default initialisation come in the same order), initialise exactly as
// reset_parameters does, and print PyTorch's module repr through extra_repr.
//
// Parameters and buffers are declared with `declare` on purpose: a class field with an
// initialiser would become an own property before the constructor body runs and so change the
// registration order that state_dict() and parameters() follow.
import { AssertionError } from "../errors.js";
import { no_grad } from "../autograd/grad_mode.js";
import type { DType } from "../dtype.js";
import { int64 } from "../dtype.js";
import { ValueError } from "../errors.js";
import { empty, ones, tensor as makeTensor, zeros } from "../ops/creation.js";
import { pyFloatRepr, pyTupleRepr } from "../printing.js";
import { Tensor } from "../tensor.js";
import * as F from "./functional.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";


type Factory = { dtype?: DType; device?: string };

/** str() of a Python float attribute (eps, momentum, p): always with a decimal point or exponent. */
function pyFloat(v: number | null | undefined): string {
  return v === null || v === undefined ? "None" : pyFloatRepr(v);
}
const pyBool = (v: boolean) => (v ? "True" : "False");

function optsOf<T extends object>(x: unknown, key: keyof T): Partial<T> {
  if (x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) return x as Partial<T>;
  return x === undefined ? {} : ({ [key]: x } as Partial<T>);
}

// ---------------------------------------------------------------------------------------------
// Linear, Identity, Flatten

export interface LinearOptions extends Factory {
  bias?: boolean;
}

/** y = x Aᵀ + b. Weight (out_features, in_features): kaiming_uniform_(a=√5), bias U(-1/√in, 1/√in). */
export class Linear extends Module {
  readonly in_features: number;
  readonly out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in_features: number, out_features: number, opts: LinearOptions | boolean = {}) {
    super();
    const o = optsOf<LinearOptions>(opts, "bias");
    this.in_features = in_features;
    this.out_features = out_features;
    this.weight = new Parameter(empty([out_features, in_features], { dtype: o.dtype, device: o.device }));
    if (o.bias ?? true) this.bias = new Parameter(empty([out_features], { dtype: o.dtype, device: o.device }));
    else this.register_parameter("bias", null);
    this.reset_parameters();
  }

  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input (any extra constructor arguments are ignored, as in PyTorch). */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

export class Flatten extends Module {
  readonly start_dim: number;
  readonly end_dim: number;
  constructor(start_dim: number | { start_dim?: number; end_dim?: number } = 1, end_dim = -1) {
    super();
    if (typeof start_dim === "object") {
      end_dim = start_dim.end_dim ?? -1;
      start_dim = start_dim.start_dim ?? 1;
    }
    this.start_dim = start_dim;
    this.end_dim = end_dim;
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.start_dim, this.end_dim);
  }
  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Embedding

export interface EmbeddingOptions extends Factory {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
}

/** A lookup table (num_embeddings, embedding_dim) initialised N(0, 1); row padding_idx is zero. */
export class Embedding extends Module {
  readonly num_embeddings: number;
  readonly embedding_dim: number;
  readonly padding_idx: number | null;
  readonly max_norm: number | null;
  readonly norm_type: number;
  readonly scale_grad_by_freq: boolean;
  readonly sparse: boolean;
  declare weight: Parameter;

  constructor(num_embeddings: number, embedding_dim: number, opts: EmbeddingOptions = {}) {
    super();
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    let pad = opts.padding_idx ?? null;
    if (pad !== null) {
      if (pad > 0 && !(pad < num_embeddings)) throw new AssertionError("Padding_idx must be within num_embeddings");
      if (pad < 0) {
        if (!(pad >= -num_embeddings)) throw new AssertionError("Padding_idx must be within num_embeddings");
        pad = num_embeddings + pad;
      }
    }
    this.padding_idx = pad;
    this.max_norm = opts.max_norm ?? null;
    this.norm_type = opts.norm_type ?? 2;
    this.scale_grad_by_freq = opts.scale_grad_by_freq ?? false;
    this.sparse = opts.sparse ?? false;
    if (opts._weight) {
      const s = opts._weight._shape;
      if (s.length !== 2 || s[0] !== num_embeddings || s[1] !== embedding_dim) {
        throw new AssertionError("Shape of weight does not match num_embeddings and embedding_dim");
      }
      this.weight = new Parameter(opts._weight);
    } else {
      this.weight = new Parameter(empty([num_embeddings, embedding_dim], { dtype: opts.dtype, device: opts.device }));
      this.reset_parameters();
    }
  }

  reset_parameters(): void {
    init.normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }

  protected _fill_padding_idx_with_zero(): void {
    if (this.padding_idx !== null) no_grad(() => this.weight.select(0, this.padding_idx!).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, {
      padding_idx: this.padding_idx,
      max_norm: this.max_norm,
      norm_type: this.norm_type,
      scale_grad_by_freq: this.scale_grad_by_freq,
      sparse: this.sparse,
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${pyFloat(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyFloat(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += `, scale_grad_by_freq=True`;
    if (this.sparse) s += ", sparse=True";
    return s;
  }

  /** Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, ...) */
  static from_pretrained(embeddings: Tensor, opts: Omit<EmbeddingOptions, "_weight"> & { freeze?: boolean } = {}): Embedding {
    if (embeddings.dim() !== 2) throw new AssertionError("Embeddings parameter is expected to be 2-dimensional");
    const [rows, cols] = embeddings._shape;
    const e = new Embedding(rows, cols, { ...opts, _weight: embeddings });
    e.weight.requires_grad_(!(opts.freeze ?? true));
    return e;
  }
}

// ---------------------------------------------------------------------------------------------
// BatchNorm1d, LayerNorm

export interface BatchNormOptions extends Factory {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
}

/** Shared by the BatchNorm classes (PyTorch's _NormBase/_BatchNorm). */
export abstract class _BatchNorm extends Module {
  readonly num_features: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly track_running_stats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(num_features: number, opts: BatchNormOptions = {}) {
    super();
    this.num_features = num_features;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.track_running_stats = opts.track_running_stats ?? true;
    const f = { dtype: opts.dtype, device: opts.device };
    if (this.affine) {
      this.weight = new Parameter(empty([num_features], f));
      this.bias = new Parameter(empty([num_features], f));
    } else {
      this.register_parameter("weight", null);
      this.register_parameter("bias", null);
    }
    if (this.track_running_stats) {
      this.register_buffer("running_mean", zeros([num_features], f));
      this.register_buffer("running_var", ones([num_features], f));
      this.register_buffer("num_batches_tracked", makeTensor(0, { dtype: int64 }));
    } else {
      this.register_buffer("running_mean", null);
      this.register_buffer("running_var", null);
      this.register_buffer("num_batches_tracked", null);
    }
    this.reset_parameters();
  }

  reset_running_stats(): void {
    if (!this.track_running_stats) return;
    no_grad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  reset_parameters(): void {
    this.reset_running_stats();
    if (this.affine) {
      init.ones_(this.weight!);
      init.zeros_(this.bias!);
    }
  }

  protected abstract _check_input_dim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    let factor = this.momentum ?? 0.0;
    if (this.training && this.track_running_stats && this.num_batches_tracked !== null) {
      no_grad(() => this.num_batches_tracked!.add_(1));
      // momentum=None: cumulative moving average over the batches seen so far
      factor = this.momentum === null ? 1.0 / Number(this.num_batches_tracked.item()) : this.momentum;
    }
    const bnTraining = this.training ? true : this.running_mean === null && this.running_var === null;
    const useStats = !this.training || this.track_running_stats;
    return F.batch_norm(input, useStats ? this.running_mean : null, useStats ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.track_running_stats)}`;
  }
}

/** Batch normalisation over (N, C) or (N, C, L) inputs, per channel C. */
export class BatchNorm1d extends _BatchNorm {
  protected _check_input_dim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new ValueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

export interface LayerNormOptions extends Factory {
  eps?: number;
  elementwise_affine?: boolean;
  bias?: boolean;
}

/** Normalises over the trailing `normalized_shape` dims; weight ones, bias zeros. */
export class LayerNorm extends Module {
  readonly normalized_shape: number[];
  readonly eps: number;
  readonly elementwise_affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalized_shape: number | number[], opts: LayerNormOptions = {}) {
    super();
    this.normalized_shape = typeof normalized_shape === "number" ? [normalized_shape] : [...normalized_shape];
    this.eps = opts.eps ?? 1e-5;
    this.elementwise_affine = opts.elementwise_affine ?? true;
    const f = { dtype: opts.dtype, device: opts.device };
    if (this.elementwise_affine) {
      this.weight = new Parameter(empty(this.normalized_shape, f));
      if (opts.bias ?? true) this.bias = new Parameter(empty(this.normalized_shape, f));
      else this.register_parameter("bias", null);
    } else {
      this.register_parameter("weight", null);
      this.register_parameter("bias", null);
    }
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.layer_norm(input, this.normalized_shape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extra_repr(): string {
    return `${pyTupleRepr(this.normalized_shape.map(String))}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwise_affine)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Dropout and activations

/** Zeroes elements with probability p in training (mask drawn from the default generator). */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor(p: number | { p?: number; inplace?: boolean } = 0.5, inplace = false) {
    super();
    if (typeof p === "object") {
      inplace = p.inplace ?? false;
      p = p.p ?? 0.5;
    }
    if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${pyFloatRepr(p)}`);
    this.p = p;
    this.inplace = inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
