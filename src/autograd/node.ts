// A grad_fn: one node of the backward graph. Each op records its own node right where it
// computes its forward (see `record` in ops/record.ts), so the formula sits beside the kernel.
import { RuntimeError } from "../errors.js";
import { Storage } from "../storage.js";
import { Tensor, viewHooks } from "../tensor.js";

declare module "../tensor.js" {
  interface Tensor {
    /** differentiable views: the storage version their grad_fn was made at */
    _viewVersion?: number;
  }
}

/** Where a gradient flowing into one input goes: that input's grad_fn, or the leaf itself. */
export interface Edge {
  fn: Node | null;
  leaf: Tensor | null; // a leaf that requires grad (AccumulateGrad in PyTorch)
}

export type BackwardFn = (grad: Tensor) => (Tensor | null | undefined)[];

interface Saved {
  t: Tensor;
  version: number;
  /** saved as this node's own output: version errors then name this node (PyTorch's
   * SavedVariable keeps the grad_fn of outputs from save time) */
  output?: boolean;
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
        if (!s.output) refreshView(t);
        const fn = s.output ? this : t.grad_fn;
        const fnName = fn?.name_();
        const kind = t.dtype.name === "float32" ? "FloatTensor" : t.dtype.name === "float64" ? "DoubleTensor" : t.dtype.name === "int64" ? "LongTensor" : t.dtype.name === "int32" ? "IntTensor" : t.dtype.name === "bool" ? "BoolTensor" : "ByteTensor";
        const who = fnName ? `, which is output 0 of ${fnName},` : "";
        throw new RuntimeError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [torch.${kind} [${t.shape.join(", ")}]]${who} is at version ${v}; expected version ${s.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
        );
      }
    }
    const out = this.fn(grad);
    // freeing matters only for nodes that hold saved tensors: PyTorch lets a second backward
    // run through nodes that saved nothing (e.g. `(x + 1).sum()`)
    if (!retainGraph && this.saved.length > 0) {
      this.released = true;
      this.fn = null;
      this.saved = [];
    }
    return out;
  }

  /** An in-place op wrote this node's output `out` into `self`: the saved output is self at its
   * current version (PyTorch saves the modified tensor itself). */
  rebaseOutput(out: Tensor, self: Tensor): void {
    for (const s of this.saved) {
      if (s.t === out) {
        s.t = self;
        s.version = self._storage.version;
      }
    }
  }

  /** mark `out` (this node's output) among the saved tensors */
  markOutput(out: Tensor): void {
    for (const s of this.saved) if (s.t === out) s.output = true;
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
  /** PyTorch's grad_fn.name(): the C++ name, namespaced for the nodes written by hand in
   * torch::autograd (the repr shows the class name, `<CopySlices object>`). */
  name_(): string {
    return this.name === "CopySlices" || this.name === "CopyBackwards" ? `torch::autograd::${this.name}` : this.name;
  }
}

/** Zeros with base's shape and strides, so a view's strides and offset (relative to base)
 * address the same elements in it. */
export function zerosWithLayout(base: Tensor, dtype = base.dtype): Tensor {
  let extent = 1;
  for (let i = 0; i < base._shape.length; i++) {
    if (base._shape[i] === 0) {
      extent = 0;
      break;
    }
    extent += (base._shape[i] - 1) * Math.abs(base._strides[i]);
  }
  return new Tensor(new Storage(new dtype.ArrayType(extent), dtype), base._shape.slice(), base._strides.slice(), 0, dtype);
}

/**
 * Point a view's history at its base's current history: the view's gradient is written into a
 * zero tensor laid out like the base (PyTorch's AsStridedBackward0). Used after an in-place op
 * changed the base's history.
 */
export function setViewHistory(view: Tensor, base: Tensor): void {
  const shape = view._shape.slice(), strides = view._strides.slice(), off = view._offset - base._offset;
  const edge: Edge = base.grad_fn ? { fn: base.grad_fn, leaf: null } : { fn: null, leaf: base };
  view.grad_fn = new Node(
    "AsStridedBackward0",
    [edge],
    (g) => {
      const z = zerosWithLayout(base, g.dtype);
      (z._alias(shape, strides, off) as Tensor & { copy_(s: Tensor): Tensor }).copy_(g);
      return [z];
    },
    [],
    shape,
  );
  view._requires_grad = true;
  view._viewVersion = view._storage.version;
}

/**
 * PyTorch regenerates the grad_fn of a differentiable view whose memory was written in place
 * after the view was made (through its base or another view): from then on the view reads
 * through the base's current history. Called wherever a tensor's history is about to be used.
 */
export function refreshView(t: Tensor): void {
  const v = t._viewVersion;
  if (v === undefined || v === t._storage.version) return;
  const base = t._base;
  t._viewVersion = t._storage.version;
  if (base === null || !base._requires_grad) return;
  setViewHistory(t, base);
}

viewHooks.refresh = refreshView;
