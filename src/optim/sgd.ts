// torch.optim.SGD with PyTorch's update (single-tensor implementation):
//   d_p = grad (+ weight_decay * p); buf = momentum * buf + (1 - dampening) * d_p (first: d_p);
//   d_p = nesterov ? d_p + momentum * buf : buf; p -= lr * d_p  (maximize flips the gradient)
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { fusable, sgdFused } from "./fused.js";

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: Params, opts: SGDOptions | number = {}) {
    const o = typeof opts === "number" ? { lr: opts } : opts;
    const d = { lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, ...o };
    checkNonNegative("learning rate", d.lr);
    checkNonNegative("momentum value", d.momentum);
    checkNonNegative("weight_decay value", d.weight_decay);
    if (d.nesterov && (d.momentum <= 0 || d.dampening !== 0)) {
      throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    }
    super(params, d);
  }

  protected updateGroup(g: ParamGroup): void {
    const lr = g.lr as number, momentum = g.momentum as number, dampening = g.dampening as number;
    const wd = g.weight_decay as number, nesterov = g.nesterov as boolean, maximize = g.maximize as boolean;
    for (const p of g.params) {
      if (p.grad === null) continue;
      // the same numbers in one loop, without temporaries (optim/fused.ts); a momentum buffer
      // is created by the op-by-op path on the first step
      const buf = momentum !== 0 ? (this.state.get(p)?.momentum_buffer as Tensor | undefined) : null;
      if (buf !== undefined && fusable(buf ? [p, p.grad, buf] : [p, p.grad])) {
        sgdFused(p, p.grad, buf, { lr, wd, momentum, dampening, nesterov, maximize });
        continue;
      }
      let d_p: Tensor = maximize ? p.grad.neg() : p.grad;
      if (wd !== 0) d_p = d_p.add(p, { alpha: wd });
      if (momentum !== 0) {
        const st = this.stateOf(p);
        let buf = st.momentum_buffer as Tensor | undefined;
        if (buf === undefined) {
          buf = d_p.clone().detach();
          st.momentum_buffer = buf;
        } else buf.mul_(momentum).add_(d_p, { alpha: 1 - dampening });
        d_p = nesterov ? d_p.add(buf, { alpha: momentum }) : buf;
      }
      p.add_(d_p, { alpha: -lr });
    }
  }
}
