// torch.optim.lr_scheduler: StepLR, CosineAnnealingLR (PyTorch's recursive form), LambdaLR.
// Constructing a scheduler records `initial_lr` and performs the step to epoch 0, as PyTorch does.
import type { Optimizer } from "./optimizer.js";

export abstract class LRScheduler {
  last_epoch = -1;
  base_lrs: number[];
  protected _last_lr: number[] = [];
  constructor(readonly optimizer: Optimizer) {
    for (const g of optimizer.param_groups) if (g.initial_lr === undefined) g.initial_lr = g.lr;
    this.base_lrs = optimizer.param_groups.map((g) => g.initial_lr as number);
  }
  protected init(): void {
    this.step();
  }
  protected abstract get_lr(): number[];
  step(): void {
    this.last_epoch++;
    const lrs = this.get_lr();
    this.optimizer.param_groups.forEach((g, i) => (g.lr = lrs[i]));
    this._last_lr = lrs.slice();
  }
  get_last_lr(): number[] {
    return this._last_lr.slice();
  }
  state_dict(): Record<string, unknown> {
    return { last_epoch: this.last_epoch, base_lrs: this.base_lrs.slice(), _last_lr: this._last_lr.slice() };
  }
  load_state_dict(sd: Record<string, unknown>): void {
    this.last_epoch = sd.last_epoch as number;
    this.base_lrs = (sd.base_lrs as number[]).slice();
    this._last_lr = (sd._last_lr as number[]).slice();
  }
}

export class StepLR extends LRScheduler {
  readonly step_size: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer, step_size: number | { step_size: number; gamma?: number }, gamma = 0.1) {
    super(optimizer);
    if (typeof step_size === "object") {
      gamma = step_size.gamma ?? 0.1;
      step_size = step_size.step_size;
    }
    this.step_size = step_size;
    this.gamma = gamma;
    this.init();
  }
  protected get_lr(): number[] {
    const lrs = this.optimizer.param_groups.map((g) => g.lr as number);
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

export class CosineAnnealingLR extends LRScheduler {
  readonly T_max: number;
  readonly eta_min: number;
  constructor(optimizer: Optimizer, T_max: number | { T_max: number; eta_min?: number }, eta_min = 0) {
    super(optimizer);
    if (typeof T_max === "object") {
      eta_min = T_max.eta_min ?? 0;
      T_max = T_max.T_max;
    }
    this.T_max = T_max;
    this.eta_min = eta_min;
    this.init();
  }
  protected get_lr(): number[] {
    const groups = this.optimizer.param_groups;
    const e = this.last_epoch, T = this.T_max, eta = this.eta_min;
    if (e === 0) return groups.map((g) => g.lr as number);
    if ((e - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => (g.lr as number) + ((this.base_lrs[i] - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * ((g.lr as number) - eta) + eta,
    );
  }
}

export class LambdaLR extends LRScheduler {
  readonly lr_lambdas: ((epoch: number) => number)[];
  constructor(optimizer: Optimizer, lr_lambda: ((epoch: number) => number) | ((epoch: number) => number)[]) {
    super(optimizer);
    this.lr_lambdas = Array.isArray(lr_lambda) ? lr_lambda : optimizer.param_groups.map(() => lr_lambda);
    this.init();
  }
  protected get_lr(): number[] {
    return this.base_lrs.map((b, i) => b * this.lr_lambdas[i](this.last_epoch));
  }
}
