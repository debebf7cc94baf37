// Reverse-mode execution: topologically sort the graph once from the roots, then run each node
// after all gradients flowing into it have been summed (micrograd's scheme, on grad_fn nodes).
import { RuntimeError } from "../errors.js";
import { emptyStrided, isNonOverlappingAndDense } from "../ops/shape_helpers.js";
import { contiguousStrides, sameShape } from "../shape.js";
import { allocWatch, recycle, type Storage } from "../storage.js";
import { empty, Tensor } from "../tensor.js";
import { set_grad_enabled, is_grad_enabled } from "./grad_mode.js";
import { refreshView, type Node } from "./node.js";

interface RunOpts {
  retain_graph?: boolean;
  create_graph?: boolean;
  /** autograd.grad: collect gradients for these tensors instead of accumulating into .grad */
  inputs?: Tensor[];
  accumulate: boolean;
  allow_unused?: boolean;
}

function topoOrder(roots: Node[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  // iterative DFS: deep graphs (long training unrolls) would overflow a recursive one
  for (const root of roots) {
    if (seen.has(root)) continue;
    const stack: [Node, number][] = [[root, 0]];
    seen.add(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.edges.length) {
        top[1]++;
        const next = node.edges[i].fn;
        if (next && !seen.has(next)) {
          seen.add(next);
          stack.push([next, 0]);
        }
      } else {
        order.push(node);
        stack.pop();
      }
    }
  }
  return order.reverse();
}

/** Sums the gradients flowing into one node. A sum the engine made itself (in `owned`: nothing
 * else holds it) takes later terms in place, as PyTorch's InputBuffer does with a buffer it
 * owns alone: one allocation per node instead of one per extra term. */
function accumulateInto(map: Map<unknown, Tensor>, key: unknown, g: Tensor, owned: Set<Tensor> | null = null): Tensor | null {
  const prev = map.get(key);
  if (prev === undefined) {
    map.set(key, g);
    return null;
  }
  if (owned !== null && owned.has(prev) && g._storage !== prev._storage && sameShape(prev._shape, g._shape) && prev.dtype === g.dtype) {
    prev.add_(g);
    return null;
  }
  const s = prev.add(g);
  map.set(key, s);
  if (owned !== null) owned.add(s);
  return prev;
}

/** AccumulateGrad's clone_obey_contract (the "gradient layout contract"): a leaf's .grad has the
 * leaf's strides when the leaf is non-overlapping and dense, else it is contiguous. */
function cloneObeyContract(g: Tensor, leaf: Tensor): Tensor {
  const shape = leaf._shape.slice();
  const strides = isNonOverlappingAndDense(shape, leaf._strides) ? leaf._strides.slice() : contiguousStrides(shape);
  return emptyStrided(shape, strides, g.dtype).copy_(g.detach());
}

/** Off: leaves always get a copy of their gradient (the tests compare the two). */
export const stealGradients = { enabled: true };
/** Off: the gradients the engine consumed are left to the garbage collector (the tests compare). */
export const recycleGradients = { enabled: true };

/** AccumulateGrad's stealing of a gradient nothing else holds (PyTorch does the same when the
 * gradient's use count is 1): a new tensor over g's storage when g already has the layout the
 * contract asks for and is its storage's only occupant; null otherwise. */
function adopt(g: Tensor, leaf: Tensor): Tensor | null {
  const shape = leaf._shape;
  const n = g.numel();
  if (g._offset !== 0 || g._storage.length !== n || n === 0) return null;
  const strides = isNonOverlappingAndDense(shape, leaf._strides) ? leaf._strides : contiguousStrides(shape);
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1 && g._strides[i] !== strides[i]) return null;
  return new Tensor(g._storage, shape.slice(), strides.slice(), 0, g.dtype);
}

function setLeafGrad(t: Tensor, g: Tensor, createGraph: boolean, steal = false): void {
  if (g.dtype !== t.dtype) g = g.to(t.dtype);
  if (t.grad === null) {
    // the gradient tensor may be shared with other consumers: store a private copy, unless the
    // engine knows nothing else holds it
    t.grad = createGraph ? g : ((steal ? adopt(g, t) : null) ?? cloneObeyContract(g, t));
    if (!createGraph) t.grad.grad_fn = null;
  } else if (createGraph) {
    t.grad = t.grad.add(g);
  } else {
    t.grad.add_(g.detach());
  }
}

function run(roots: Tensor[], grads: Tensor[], o: RunOpts): Map<Tensor, Tensor> {
  const retain = o.retain_graph ?? o.create_graph ?? false;
  const prevMode = is_grad_enabled();
  set_grad_enabled(o.create_graph ?? false);
  const captured = new Map<Tensor, Tensor>();
  const wanted = new Set(o.inputs ?? []);
  // with explicit inputs (autograd.grad, backward(inputs=...)) only the part of the graph that
  // leads to them runs, as in PyTorch: other nodes keep their saved tensors and leaves their .grad
  const restrict = o.inputs !== undefined;
  const leafOk = (t: Tensor) => !restrict || wanted.has(t);
  // Storages allocated during this run: a gradient in one of them that no pending gradient,
  // no other output of the same node and no user hook holds can become a leaf's .grad as is
  const prevBorn = allocWatch.born;
  const born = stealGradients.enabled && o.accumulate && !restrict && !o.create_graph ? new Set<Storage>() : null;
  allocWatch.born = born;
  try {
    const nodeGrads = new Map<unknown, Tensor>();
    // sums made by accumulateInto that only nodeGrads holds (never while building a graph)
    const owned = o.create_graph ? null : new Set<Tensor>();
    const rootNodes: Node[] = [];
    for (let i = 0; i < roots.length; i++) {
      const r = roots[i];
      refreshView(r);
      if (r.grad_fn) {
        accumulateInto(nodeGrads, r.grad_fn, grads[i]);
        rootNodes.push(r.grad_fn);
      } else if (r._requires_grad) {
        if (o.accumulate) {
          if (leafOk(r)) setLeafGrad(r, grads[i], !!o.create_graph);
        } else if (wanted.has(r)) captured.set(r, grads[i]);
      }
    }
    // autograd.grad on a non-leaf input: its gradient is the gradient flowing into its node
    const nonLeafWanted = new Map<Node, Tensor>();
    for (const t of wanted) if (t.grad_fn) nonLeafWanted.set(t.grad_fn, t);
    const order = topoOrder(rootNodes);
    let needed: Set<Node> | null = null;
    if (restrict) {
      // nodes from which a wanted tensor is reachable (dependencies come later in `order`)
      needed = new Set<Node>();
      for (let i = order.length - 1; i >= 0; i--) {
        const n = order[i];
        for (const e of n.edges)
          if ((e.leaf && wanted.has(e.leaf)) || (e.fn && (nonLeafWanted.has(e.fn) || needed.has(e.fn)))) {
            needed.add(n);
            break;
          }
      }
    }
    // PyTorch's schedule: a node runs once every node it depends on has run, the latest-created
    // ready node first (the engine's ready queue orders by sequence number). The order decides
    // in which order a node's incoming gradients are summed, and so their last bits.
    const deps = new Map<Node, number>();
    for (const n of order) for (const e of n.edges) if (e.fn) deps.set(e.fn, (deps.get(e.fn) ?? 0) + 1);
    const ready = new ReadyQueue();
    for (const n of rootNodes) if (!deps.has(n)) ready.push(n);
    while (ready.size > 0) {
      const node = ready.pop();
      for (const e of node.edges) {
        if (!e.fn) continue;
        const left = deps.get(e.fn)! - 1;
        deps.set(e.fn, left);
        if (left === 0) ready.push(e.fn);
      }
      let g = nodeGrads.get(node);
      if (g === undefined) continue;
      nodeGrads.delete(node);
      // handed to hooks and the node from here on: no longer the engine's alone
      owned?.delete(g);
      for (const h of node.hooks) {
        const r = h(g);
        if (r instanceof Tensor) g = r;
      }
      // a hook may have kept the gradient (or returned one it keeps)
      if (born !== null && node.hooks.length > 0) born.delete(g._storage);
      if (o.accumulate && !restrict) for (const t of node.retained) setLeafGrad(t, g, !!o.create_graph);
      const target = nonLeafWanted.get(node);
      if (target) {
        if (o.accumulate) setLeafGrad(target, g, !!o.create_graph);
        else captured.set(target, g);
      }
      if (needed && !needed.has(node)) continue;
      const ins = node.apply(g, retain);
      for (let i = 0; i < node.edges.length; i++) {
        let gi = ins[i];
        if (gi === null || gi === undefined) continue;
        const e = node.edges[i];
        // validate_outputs: a gradient takes the dtype of the tensor it is the gradient of
        const want = e.fn ? e.fn.outDtype : e.leaf ? e.leaf.dtype : null;
        if (want && gi.dtype !== want) gi = gi.to(want);
        if (e.fn) {
          // terms summed into another gradient are dead once added, as is a sum replaced by a
          // new one, unless something else shares their memory
          const replaced = accumulateInto(nodeGrads, e.fn, gi, owned);
          if (born !== null) {
            if (nodeGrads.get(e.fn) !== gi) reclaim(gi, i, ins, nodeGrads, born);
            if (replaced !== null) reclaim(replaced, -1, ins, nodeGrads, born);
          }
        }
        else if (e.leaf) {
          if (o.accumulate) {
            if (leafOk(e.leaf)) {
              const steal = born !== null && e.leaf.grad === null && unshared(gi, i, ins, nodeGrads, born);
              setLeafGrad(e.leaf, gi, !!o.create_graph, steal);
              if (steal) born!.delete(gi._storage);
            }
          } else if (wanted.has(e.leaf)) {
            const prev = captured.get(e.leaf);
            captured.set(e.leaf, prev ? prev.add(gi) : gi);
          }
        }
      }
      // g was made during this run and has been consumed: unless the node passed its memory on
      // (an output sharing its storage) or another pending gradient shares it, nothing can
      // reach it any more (no hook saw it, no leaf took it), and its buffer is reused
      if (born !== null) reclaim(g, -1, ins, nodeGrads, born);
    }
  } finally {
    set_grad_enabled(prevMode);
    allocWatch.born = prevBorn;
  }
  return captured;
}

/** A binary max-heap of nodes by sequence number. */
class ReadyQueue {
  private readonly h: Node[] = [];
  get size(): number {
    return this.h.length;
  }
  push(n: Node): void {
    const h = this.h;
    let i = h.push(n) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].seq >= n.seq) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = n;
  }
  pop(): Node {
    const h = this.h, top = h[0], last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && h[l + 1].seq > h[l].seq ? l + 1 : l;
        if (h[c].seq <= last.seq) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

/** Hands a consumed gradient's memory to the storage pool when this run made it and nothing the
 * engine holds shares it (see unshared). */
function reclaim(t: Tensor, i: number, ins: (Tensor | null | undefined)[], pending: Map<unknown, Tensor>, born: Set<Storage>): void {
  if (!recycleGradients.enabled || !born.has(t._storage) || !unshared(t, i, ins, pending, born)) return;
  born.delete(t._storage);
  recycle(t._storage);
}

/** gi (output i of a node) was made during this run and nothing else the engine holds shares
 * its storage: not another output of the node, not a gradient waiting for another node. */
function unshared(gi: Tensor, i: number, ins: (Tensor | null | undefined)[], pending: Map<unknown, Tensor>, born: Set<Storage>): boolean {
  const s = gi._storage;
  if (!born.has(s)) return false;
  for (let j = 0; j < ins.length; j++) if (j !== i && ins[j] && ins[j]!._storage === s) return false;
  for (const v of pending.values()) if (v._storage === s) return false;
  return true;
}

function defaultGrad(t: Tensor, given: Tensor | null | undefined, what: string): Tensor {
  if (given !== null && given !== undefined) {
    if (given._shape.length !== t._shape.length || given._shape.some((s, i) => s !== t._shape[i])) {
      throw new RuntimeError(
        `Mismatch in shape: grad_output[0] has a shape of torch.Size([${given._shape.join(", ")}]) and output[0] has a shape of torch.Size([${t._shape.join(", ")}]).`,
      );
    }
    return given;
  }
  if (t.numel() !== 1) throw new RuntimeError(`grad can be implicitly created only for scalar outputs`);
  void what;
  // ones written directly: t * 0 + 1 would be NaN where the output is NaN or infinite
  const ones = empty(t._shape.slice(), t.dtype);
  ones._storage.data.fill(1);
  return ones;
}

export function backward(
  t: Tensor,
  gradient?: Tensor | null | { gradient?: Tensor | null; retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] },
  opts: { retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] } = {},
): void {
  let g: Tensor | null | undefined = gradient as Tensor | null | undefined;
  if (gradient && !(gradient instanceof Tensor)) {
    opts = gradient;
    g = gradient.gradient;
  }
  if (!t._requires_grad) {
    throw new RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn");
  }
  run([t], [defaultGrad(t, g, "backward")], { ...opts, accumulate: true });
}

/** torch.autograd.backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
 * one pass over the graph of all roots, so roots that share a subgraph need no retain_graph. */
export function backwardAll(
  tensors: Tensor | Tensor[],
  grad_tensors?: Tensor | (Tensor | null)[] | null | { grad_tensors?: Tensor | (Tensor | null)[] | null; retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] },
  opts: { retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] } = {},
): void {
  if (grad_tensors && !(grad_tensors instanceof Tensor) && !Array.isArray(grad_tensors)) {
    opts = grad_tensors;
    grad_tensors = grad_tensors.grad_tensors;
  }
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = grad_tensors === undefined || grad_tensors === null ? [] : Array.isArray(grad_tensors) ? grad_tensors : [grad_tensors];
  ts.forEach((t, i) => {
    if (!t._requires_grad) throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
  });
  run(ts, ts.map((t, i) => defaultGrad(t, gs[i], "backward")), { ...opts, accumulate: true });
}

/** torch.autograd.grad(outputs, inputs, grad_outputs?, {retain_graph, create_graph, allow_unused}) */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  grad_outputs?: Tensor | (Tensor | null)[] | null | { grad_outputs?: Tensor | (Tensor | null)[]; retain_graph?: boolean; create_graph?: boolean; allow_unused?: boolean; materialize_grads?: boolean },
  opts: { retain_graph?: boolean; create_graph?: boolean; allow_unused?: boolean; materialize_grads?: boolean } = {},
): (Tensor | null)[] {
  if (grad_outputs && !(grad_outputs instanceof Tensor) && !Array.isArray(grad_outputs)) {
    opts = grad_outputs;
    grad_outputs = grad_outputs.grad_outputs;
  }
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = grad_outputs === undefined || grad_outputs === null ? [] : Array.isArray(grad_outputs) ? grad_outputs : [grad_outputs];
  outs.forEach((o, i) => {
    if (!o._requires_grad) throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
  });
  for (const t of ins) {
    if (!t._requires_grad) throw new RuntimeError("One of the differentiated Tensors does not require grad");
  }
  const captured = run(outs, outs.map((o, i) => defaultGrad(o, gos[i], "grad")), { ...opts, inputs: ins, accumulate: false });
  return ins.map((t, i) => {
    const g = captured.get(t);
    if (g === undefined) {
      if (opts.materialize_grads) return t.detach().mul(0);
      if (!opts.allow_unused) {
        throw new RuntimeError(
          "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.",
        );
      }
      void i;
      return null;
    }
    return g;
  });
}

declare module "../tensor.js" {
  interface Tensor {
    backward(gradient?: Tensor | null | { gradient?: Tensor | null; retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] }, opts?: { retain_graph?: boolean; create_graph?: boolean }): void;
    register_hook(hook: (g: Tensor) => Tensor | void): { remove(): void };
  }
}
(Tensor.prototype as unknown as Record<string, unknown>).backward = function (this: Tensor, g?: never, o?: never) {
  backward(this, g, o);
};
(Tensor.prototype as unknown as Record<string, unknown>).register_hook = function (this: Tensor, hook: (g: Tensor) => Tensor | void) {
  if (!this._requires_grad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  if (this.grad_fn) {
    const node = this.grad_fn;
    node.hooks.push(hook);
    return { remove: () => node.hooks.splice(node.hooks.indexOf(hook), 1) };
  }
  throw new RuntimeError("register_hook on leaf tensors is not supported by torchlette yet");
};
