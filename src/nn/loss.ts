// The loss modules of torch.nn (PyTorch's torch/nn/modules/loss.py): each keeps its arguments
// (`reduction`, or the legacy size_average / reduce pair turned into one), registers `weight`
// (and BCEWithLogitsLoss's `pos_weight`) as buffers like PyTorch's _WeightedLoss (in state_dict
// when given), and calls its nn.functional function. None prints anything in its repr
// (`CrossEntropyLoss()`), as in PyTorch.
import { params } from "../ops/util.js";
import type { Tensor } from "../tensor.js";
import * as F from "./functional.js";
import { Module } from "./module.js";
import { type LegacyReduction, moduleReduction } from "./reduction.js";

type ReductionArgs = LegacyReduction & Record<string, unknown>;

abstract class _Loss extends Module {
  declare reduction: string;
  constructor(o: Partial<ReductionArgs>) {
    super();
    this.reduction = moduleReduction(o);
  }
}

abstract class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;
  constructor(o: Partial<ReductionArgs> & { weight?: Tensor | null }) {
    super(o);
    this.register_buffer("weight", o.weight ?? null);
  }
}

type A = unknown[];

/** nn.L1Loss(size_average=None, reduce=None, reduction='mean') */
export class L1Loss extends _Loss {
  constructor(...args: A) {
    super(params<ReductionArgs>(args, ["size_average", "reduce", "reduction"]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1_loss(input, target, { reduction: this.reduction });
  }
}

/** nn.MSELoss(size_average=None, reduce=None, reduction='mean') */
export class MSELoss extends _Loss {
  constructor(...args: A) {
    super(params<ReductionArgs>(args, ["size_average", "reduce", "reduction"]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mse_loss(input, target, { reduction: this.reduction });
  }
}

type NllArgs = ReductionArgs & { weight: Tensor | null; ignore_index: number };

/** nn.NLLLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean') */
export class NLLLoss extends _WeightedLoss {
  declare ignore_index: number;
  constructor(...args: A) {
    const o = params<NllArgs>(args, ["weight", "size_average", "ignore_index", "reduce", "reduction"]);
    super(o);
    this.ignore_index = o.ignore_index ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

/** nn.CrossEntropyLoss(weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0) */
export class CrossEntropyLoss extends _WeightedLoss {
  declare ignore_index: number;
  declare label_smoothing: number;
  constructor(...args: A) {
    const o = params<NllArgs & { label_smoothing: number }>(args, ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"]);
    super(o);
    this.ignore_index = o.ignore_index ?? -100;
    this.label_smoothing = o.label_smoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.cross_entropy(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
      label_smoothing: this.label_smoothing,
    });
  }
}

/** nn.BCELoss(weight=None, size_average=None, reduce=None, reduction='mean') */
export class BCELoss extends _WeightedLoss {
  constructor(...args: A) {
    super(params<ReductionArgs & { weight: Tensor | null }>(args, ["weight", "size_average", "reduce", "reduction"]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** nn.BCEWithLogitsLoss(weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None) */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(...args: A) {
    const o = params<ReductionArgs & { weight: Tensor | null; pos_weight: Tensor | null }>(args, ["weight", "size_average", "reduce", "reduction", "pos_weight"]);
    super(o);
    this.register_buffer("weight", o.weight ?? null);
    this.register_buffer("pos_weight", o.pos_weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy_with_logits(input, target, { weight: this.weight, pos_weight: this.pos_weight, reduction: this.reduction });
  }
}

/** nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0) */
export class SmoothL1Loss extends _Loss {
  declare beta: number;
  constructor(...args: A) {
    const o = params<ReductionArgs & { beta: number }>(args, ["size_average", "reduce", "reduction", "beta"]);
    super(o);
    this.beta = o.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** nn.HuberLoss(reduction='mean', delta=1.0) */
export class HuberLoss extends _Loss {
  declare delta: number;
  constructor(...args: A) {
    const o = params<{ reduction: string; delta: number }>(args, ["reduction", "delta"]);
    super(o);
    this.delta = o.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False) */
export class KLDivLoss extends _Loss {
  declare log_target: boolean;
  constructor(...args: A) {
    const o = params<ReductionArgs & { log_target: boolean }>(args, ["size_average", "reduce", "reduction", "log_target"]);
    super(o);
    this.log_target = o.log_target ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}
