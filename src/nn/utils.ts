// torch.nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector.
import { no_grad } from "../autograd/grad_mode.js";
import { RuntimeError } from "../errors.js";
import { stack } from "../ops/join.js";
import { scalarTensor } from "../ops/util.js";
import { pyFloatRepr } from "../printing.js";
import { Tensor } from "../tensor.js";

export function clip_grad_norm_(
  parameters: Iterable<Tensor> | Tensor,
  max_norm: number,
  norm_type: number | { norm_type?: number; error_if_nonfinite?: boolean } = 2,
  error_if_nonfinite = false,
): Tensor {
  if (typeof norm_type === "object") {
    error_if_nonfinite = norm_type.error_if_nonfinite ?? false;
    norm_type = norm_type.norm_type ?? 2;
  }
  const p = norm_type;
  const grads = [...(parameters instanceof Tensor ? [parameters] : parameters)].map((t) => t.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return scalarTensor(0, undefined);
  return no_grad(() => {
    const norms = grads.map((g) => g.norm(p));
    const total = stack(norms).norm(p);
    if (error_if_nonfinite && !Number.isFinite(Number(total.item()))) {
      throw new RuntimeError(
        `The total norm of order ${pyFloatRepr(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    const coef = total.add(1e-6).reciprocal().mul(max_norm).clamp({ max: 1.0 });
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

export function clip_grad_value_(parameters: Iterable<Tensor> | Tensor, clip_value: number): void {
  no_grad(() => {
    for (const t of parameters instanceof Tensor ? [parameters] : parameters) t.grad?.clamp_(-clip_value, clip_value);
  });
}
