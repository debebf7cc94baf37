// torch.optim.Adam / AdamW, PyTorch's single-tensor update:
//   step += 1; (Adam: g += wd * p | AdamW: p *= 1 - lr * wd)
//   m = m * beta1 + (1 - beta1) * g; v = v * beta2 + (1 - beta2) * g * g
// (torch 1.13's op sequence: mul_ then add_ with alpha, mul_ then addcmul_; 2.x lerps m,
// which differs in the last bit)
//   denom = sqrt(v) / sqrt(1 - beta2^step) + eps        (amsgrad: max of v so far)
//   p += -(lr / (1 - beta1^step)) * m / denom
import { ValueError } from "../errors.js";
import { zeros_like } from "../ops/creation.js";
import { pyFloatRepr } from "../printing.js";
import type { Tensor } from "../tensor.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { adamFused, fusable } from "./fused.js";

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export class Adam extends Optimizer {
  protected decoupled = false;
  constructor(params: Params, opts: AdamOptions = {}, defaultWd = 0) {
    const d = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weight_decay: defaultWd, amsgrad: false, maximize: false, ...opts };
    checkNonNegative("learning rate", d.lr);
    checkNonNegative("epsilon value", d.eps);
    if (!(d.betas[0] >= 0 && d.betas[0] < 1)) throw new ValueError(`Invalid beta parameter at index 0: ${pyFloatRepr(d.betas[0])}`);
    if (!(d.betas[1] >= 0 && d.betas[1] < 1)) throw new ValueError(`Invalid beta parameter at index 1: ${pyFloatRepr(d.betas[1])}`);
    checkNonNegative("weight_decay value", d.weight_decay);
    super(params, d);
  }

  protected updateGroup(g: ParamGroup): void {
    const lr = g.lr as number, [beta1, beta2] = g.betas as [number, number], eps = g.eps as number;
    const wd = g.weight_decay as number, amsgrad = g.amsgrad as boolean, maximize = g.maximize as boolean;
    for (const p of g.params) {
      if (p.grad === null) continue;
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      const st = this.stateOf(p);
      if (st.step === undefined) {
        st.step = 0;
        st.exp_avg = zeros_like(p);
        st.exp_avg_sq = zeros_like(p);
        if (amsgrad) st.max_exp_avg_sq = zeros_like(p);
      }
      const step = (st.step as number) + 1;
      st.step = step;
      const m = st.exp_avg as Tensor, v = st.exp_avg_sq as Tensor;
      const mx = amsgrad ? (st.max_exp_avg_sq as Tensor) : null;
      if (fusable(mx ? [p, p.grad, m, v, mx] : [p, p.grad, m, v])) {
        // the same numbers in one loop, without temporaries (optim/fused.ts)
        adamFused(p, p.grad, m, v, mx, { decoupled: this.decoupled, wd, lr, beta1, beta2, eps, step, maximize });
        continue;
      }
      if (wd !== 0) {
        if (this.decoupled) p.mul_(1 - lr * wd);
        else grad = grad.add(p, { alpha: wd });
      }
      m.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      v.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const bc1 = 1 - Math.pow(beta1, step);
      const bc2 = 1 - Math.pow(beta2, step);
      const stepSize = lr / bc1;
      const bc2Sqrt = Math.sqrt(bc2);
      let vv = v;
      if (amsgrad) {
        const mx = st.max_exp_avg_sq as Tensor;
        mx.copy_(mx.maximum(v));
        vv = mx;
      }
      const denom = vv.sqrt().div(bc2Sqrt).add_(eps);
      p.addcdiv_(m, denom, { value: -stepSize });
    }
  }
}

export class AdamW extends Adam {
  constructor(params: Params, opts: AdamOptions = {}) {
    super(params, opts, 1e-2);
    this.decoupled = true;
  }
}
