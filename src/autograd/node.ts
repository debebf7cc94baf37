// A grad_fn: one node of the backward graph. Each op records its own node right where it
// computes its forward (see `record` in ops/record.ts), so the formula sits beside the kernel.
import { RuntimeError } from "../errors.js";
import type { Tensor } from "../tensor.js";

/** Where a gradient flowing into one input goes: that input's grad_fn, or the leaf itself. */
export interface Edge {
  fn: Node | null;
  leaf: Tensor | null; // a leaf that requires grad (AccumulateGrad in PyTorch)
}

export type BackwardFn = (grad: Tensor) => (Tensor | null | undefined)[];

interface Saved {
  t: Tensor;
  version: number;
}

let sequence = 0;

export class Node {
  readonly seq = sequence++;
  /** tensors whose .grad must be filled when this node's output gradient is known */
  retained: Tensor[] = [];
  hooks: ((g: Tensor) => Tensor | void)[] = [];
  released = false;
  private saved: Saved[];

  constructor(
    /** e.g. "AddBackward0"; ops that reuse another op's node rename it */
    public name: string,
    readonly edges: Edge[],
    private fn: BackwardFn | null,
    saved: Tensor[],
    /** shape/dtype of the output, for the default gradient and error messages */
    readonly outShape: readonly number[],
  ) {
    this.saved = saved.map((t) => ({ t, version: t._storage.version }));
  }

  /** Run the backward formula after checking that no saved tensor was modified in place. */
  apply(grad: Tensor, retainGraph: boolean): (Tensor | null | undefined)[] {
    if (this.released || this.fn === null) {
      throw new RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
      );
    }
    for (const s of this.saved) {
      const v = s.t._storage.version;
      if (v !== s.version) {
        const t = s.t;
        const kind = t.dtype.name === "float32" ? "FloatTensor" : t.dtype.name === "float64" ? "DoubleTensor" : t.dtype.name === "int64" ? "LongTensor" : t.dtype.name === "int32" ? "IntTensor" : t.dtype.name === "bool" ? "BoolTensor" : "ByteTensor";
        const who = t.grad_fn ? `, which is output 0 of ${t.grad_fn.name},` : "";
        throw new RuntimeError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.${kind} [${t.shape.join(", ")}]]${who} is at version ${v}; expected version ${s.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
        );
      }
    }
    const out = this.fn(grad);
    if (!retainGraph) {
      this.released = true;
      this.fn = null;
      this.saved = [];
    }
    return out;
  }

  /** PyTorch's `next_functions`, for users who walk the graph. */
  get next_functions(): [Node | string | null, number][] {
    return this.edges.map((e) => [e.fn ?? (e.leaf ? "AccumulateGrad" : null), 0]);
  }

  register_hook(h: (g: Tensor) => Tensor | void): void {
    this.hooks.push(h);
  }

  toString(): string {
    return `<${this.name} object>`;
  }
  name_(): string {
    return this.name;
  }
}
