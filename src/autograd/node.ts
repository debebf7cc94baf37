// A grad_fn: one node of the backward graph. Each op records its own node right where it
// computes its forward (see `record` in ops/record.ts), so the formula sits beside the kernel.
import { RuntimeError } from "../errors.js";
import type { DType } from "../dtype.js";
import { Storage } from "../storage.js";
import { Tensor, viewHooks } from "../tensor.js";

declare module "../tensor.js" {
  interface Tensor {
    /** differentiable views: the storage version their grad_fn was made at */
    _viewVersion?: number;
    /** an output of split/chunk/unbind, or a view of one (PyTorch's CreationMeta::MULTI_OUTPUT_NODE) */
    _multiOutput?: boolean;
    /** its index among the outputs of the function that made it (output_nr) */
    _outputNr?: number;
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
  /** the node the error message names instead (a view written in place: its AsStridedBackward0) */
  fn?: Node | null;
}

let sequence = 0;

export class Node {
  readonly seq = sequence++;
  /** tensors whose .grad must be filled when this node's output gradient is known */
  retained: Tensor[] = [];
  hooks: ((g: Tensor) => Tensor | void)[] = [];
  released = false;
  /** freed by a backward without retain_graph even though it saved no tensor (CopySlices drops
   * the in-place op's node it wraps) */
  releasesAlways = false;
  /** the output's dtype: gradients flowing in are cast to it (the engine's validate_outputs) */
  outDtype: DType | null = null;
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
        const fn = s.fn !== undefined ? s.fn : s.output ? this : t.grad_fn;
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
    if (!retainGraph && (this.saved.length > 0 || this.releasesAlways)) {
      this.released = true;
      this.fn = null;
      this.saved = [];
    }
    return out;
  }

  /** An in-place op wrote this node's output `out` into `self`: the saved output is self at its
   * current version (PyTorch saves the modified tensor itself). */
  rebaseOutput(out: Tensor, self: Tensor, viewNode?: Node | null): void {
    for (const s of this.saved) {
      if (s.t === out) {
        s.t = self;
        s.version = self._storage.version;
        if (viewNode !== undefined) s.fn = viewNode;
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
  const old = view._gradFn;
  const shape = view._shape.slice(), strides = view._strides.slice(), off = view._offset - base._offset;
  const edge: Edge = base.grad_fn ? { fn: base.grad_fn, leaf: null } : { fn: null, leaf: base };
  view.grad_fn = new Node(
    "AsStridedBackward0",
    [edge],
    (g) => {
      const z = zerosWithLayout(base, g.dtype);
      type T = Tensor & { copy_(s: Tensor): Tensor; sum(o: { dim: number[]; keepdim: boolean }): Tensor };
      // an expanded view reads one base element many times: those gradients add up
      // (as_strided_backward), summed over the broadcast dims before they are written
      const bcast = shape.map((_, i) => i).filter((i) => strides[i] === 0 && shape[i] > 1);
      if (bcast.length === 0) (z._alias(shape, strides, off) as T).copy_(g);
      else (z._alias(shape.map((s, i) => (bcast.includes(i) ? 1 : s)), strides, off) as T).copy_((g as T).sum({ dim: bcast, keepdim: true }));
      return [z];
    },
    [],
    shape,
  );
  view.grad_fn.outDtype = view.dtype;
  moveRetained(view, old, view._gradFn);
  view._requires_grad = true;
  view._viewVersion = view._storage.version;
}

/** retain_grad follows a tensor's history when an in-place op (or a view's regeneration) gives
 * it a new grad_fn: .grad is then the gradient of its current value. */
export function moveRetained(t: Tensor, from: Node | null, to: Node | null): void {
  if (!t._retains_grad || from === to) return;
  if (from) from.retained = from.retained.filter((r) => r !== t);
  if (to && !to.retained.includes(t)) to.retained.push(t);
}

/** Outputs of functions returning several views (split, chunk, unbind) and views of them may
 * not be written in place while they take part in autograd. */
export function markMultiOutput(views: readonly Tensor[]): void {
  views.forEach((t, i) => {
    if (t._gradFn === null) return;
    t._multiOutput = true;
    t._outputNr = i;
  });
}

function multiOutputError(t: Tensor, indirect: boolean): RuntimeError {
  const what = indirect ? "its base or another view of its base has been" : "is being";
  return new RuntimeError(
    `Output ${t._outputNr ?? 0} of ${t._gradFn?.name_() ?? ""} is a view and ${what} modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.`,
  );
}

/** check_inplace's handle_view_on_rebase, for an in-place op on `t` */
export function checkInplaceView(t: Tensor): void {
  if (t._multiOutput && t._requires_grad && t._viewVersion !== undefined) throw multiOutputError(t, false);
}

/**
 * PyTorch regenerates the grad_fn of a differentiable view whose memory was written in place
 * after the view was made (through its base or another view): from then on the view reads
 * through the base's current history. Called wherever a tensor's history is about to be used.
 */
export function refreshView(t: Tensor): void {
  const v = t._viewVersion;
  if (v === undefined || v === t._storage.version) return;
  if (t._multiOutput && t._base?._requires_grad) throw multiOutputError(t, true);
  const base = t._base;
  t._viewVersion = t._storage.version;
  if (base === null || !base._requires_grad) return;
  setViewHistory(t, base);
}

viewHooks.refresh = refreshView;
