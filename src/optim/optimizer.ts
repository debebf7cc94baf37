// torch.optim.Optimizer: param groups with per-group hyperparameters, per-parameter state, and
// state_dict/load_state_dict in PyTorch's layout (parameters referred to by index).
import { no_grad } from "../autograd/grad_mode.js";
import { RuntimeError, TypeError, ValueError } from "../errors.js";
import { pyFloatRepr } from "../printing.js";
import { Tensor } from "../tensor.js";

export type ParamGroup = { params: Tensor[]; [hyper: string]: unknown };
export type Params = Iterable<Tensor> | Iterable<{ params: Iterable<Tensor>; [hyper: string]: unknown }>;

export abstract class Optimizer {
  param_groups: ParamGroup[] = [];
  state = new Map<Tensor, Record<string, unknown>>();

  constructor(
    params: Params,
    readonly defaults: Record<string, unknown>,
  ) {
    if (params instanceof Tensor) {
      throw new TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor");
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError("optimizer got an empty parameter list");
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as { params: Iterable<Tensor> }[]);
    for (const g of groups) this.add_param_group(g);
  }

  add_param_group(group: { params: Iterable<Tensor>; [k: string]: unknown }): void {
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError("optimizer can only optimize Tensors");
      if (!p.is_leaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const g: ParamGroup = { ...this.defaults, ...group, params };
    for (const other of this.param_groups)
      for (const p of other.params)
        if (params.includes(p)) throw new ValueError("some parameters appear in more than one parameter group");
    this.param_groups.push(g);
  }

  zero_grad(set_to_none = true): void {
    for (const g of this.param_groups)
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (set_to_none) p.grad = null;
        else p.grad.zero_();
      }
  }

  /** one update; `closure` re-evaluates the loss (returned) as in PyTorch */
  step(closure?: () => Tensor): Tensor | undefined {
    let loss: Tensor | undefined;
    if (closure) loss = closure();
    no_grad(() => {
      for (const g of this.param_groups) this.updateGroup(g);
    });
    return loss;
  }

  protected abstract updateGroup(group: ParamGroup): void;

  protected stateOf(p: Tensor): Record<string, unknown> {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  state_dict(): { state: Record<number, Record<string, unknown>>; param_groups: Record<string, unknown>[] } {
    let idx = 0;
    const index = new Map<Tensor, number>();
    const param_groups = this.param_groups.map((g) => {
      const { params, ...hyper } = g;
      return { ...hyper, params: params.map((p) => (index.has(p) ? index.get(p)! : (index.set(p, idx), idx++))) };
    });
    const state: Record<number, Record<string, unknown>> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s)) copy[k] = v instanceof Tensor ? v.clone() : v;
      state[i] = copy;
    }
    return { state, param_groups };
  }

  load_state_dict(sd: { state: Record<number, Record<string, unknown>>; param_groups: Record<string, unknown>[] }): void {
    if (sd.param_groups.length !== this.param_groups.length) {
      throw new ValueError("loaded state dict has a different number of parameter groups");
    }
    const byIndex: Tensor[] = [];
    sd.param_groups.forEach((g, gi) => {
      const ids = g.params as number[];
      const own = this.param_groups[gi];
      if (ids.length !== own.params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
      ids.forEach((id, k) => (byIndex[id] = own.params[k]));
      const { params: _p, ...hyper } = g;
      void _p;
      Object.assign(own, hyper);
    });
    this.state.clear();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byIndex[Number(id)];
      if (!p) throw new RuntimeError(`optimizer state refers to unknown parameter index ${id}`);
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s)) copy[k] = v instanceof Tensor ? v.clone() : v;
      this.state.set(p, copy);
    }
  }
}

/** A hyperparameter as Python's str() prints it: JS cannot tell 1 from 1.0, so integral values
 * print as ints (`lr=-1`) and the rest as Python floats (`eps=-1e-08`). */
export function pyNum(v: number): string {
  return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
}

export function checkNonNegative(name: string, v: unknown): void {
  if (typeof v === "number" && v < 0) throw new ValueError(`Invalid ${name}: ${pyNum(v)}`);
}
