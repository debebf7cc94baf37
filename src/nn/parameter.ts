// nn.Parameter: a tensor that a Module registers as a learnable parameter (requires_grad=True,
// printed as "Parameter containing:").
import { Tensor } from "../tensor.js";
import { empty } from "../tensor.js";

export class Parameter extends Tensor {
  constructor(data?: Tensor, requires_grad = true) {
    const t = data ?? empty([0]);
    super(t._storage, t._shape.slice(), t._strides.slice(), t._offset, t.dtype);
    this._is_param = true;
    if (requires_grad) this.requires_grad_(true);
  }
}
