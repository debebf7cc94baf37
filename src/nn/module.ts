// nn.Module. Instances are callable (`model(x)` runs `forward`), as in PyTorch. Parameters,
// buffers and submodules are found on the instance's own properties in assignment order (what
// PyTorch's __setattr__ records), so `this.weight = new Parameter(...)` registers a parameter.
// Subclasses should `declare` their fields (not initialise them in the class body): ES2022 class
// fields are defined in declaration order, which would reorder state_dict keys vs PyTorch.
import { DType, float32, float64 } from "../dtype.js";
import { RuntimeError, TypeError } from "../errors.js";
import { no_grad } from "../autograd/grad_mode.js";
import { Tensor } from "../tensor.js";
import { Parameter } from "./parameter.js";

const BUFFERS = Symbol("buffers");
const NON_PERSISTENT = Symbol("nonPersistent");

export interface Module {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (...args: any[]): any;
}

export type StateDict = Map<string, Tensor> & { [key: string]: unknown };

export class Module {
  // set in the constructor: a field initialiser would land on the object `new` allocated, not on
  // the callable that the constructor returns
  declare training: boolean;
  declare [BUFFERS]: Set<string>;
  declare [NON_PERSISTENT]: Set<string>;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const self = ((...args: any[]) => (self as unknown as { forward: (...a: unknown[]) => unknown }).forward(...args)) as unknown as Module;
    Object.setPrototypeOf(self, new.target.prototype);
    // a function object has own `name`/`length`; subclasses may define their own
    Object.defineProperty(self, "name", { value: undefined, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(self, "length", { value: undefined, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(self, BUFFERS, { value: new Set<string>(), enumerable: false });
    Object.defineProperty(self, NON_PERSISTENT, { value: new Set<string>(), enumerable: false });
    self.training = true;
    return self;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    throw new RuntimeError(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  register_buffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this[BUFFERS].add(name);
    if (opts.persistent === false) this[NON_PERSISTENT].add(name);
  }
  register_parameter(name: string, p: Parameter | null): void {
    (this as unknown as Record<string, unknown>)[name] = p;
  }
  register_module(name: string, m: Module | null): void {
    (this as unknown as Record<string, unknown>)[name] = m;
  }
  add_module(name: string, m: Module | null): void {
    this.register_module(name, m);
  }

  /** own entries in registration order */
  protected _entries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => k !== "training");
  }

  *named_children(): IterableIterator<[string, Module]> {
    for (const [k, v] of this._entries()) if (v instanceof Module) yield [k, v];
  }
  *children(): IterableIterator<Module> {
    for (const [, m] of this.named_children()) yield m;
  }
  *named_modules(memo = new Set<Module>(), prefix = ""): IterableIterator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this.named_children()) yield* m.named_modules(memo, prefix ? `${prefix}.${k}` : k);
  }
  *modules(): IterableIterator<Module> {
    for (const [, m] of this.named_modules()) yield m;
  }

  *named_parameters(prefix = "", recurse = true): IterableIterator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.named_modules(new Set(), prefix) : [[prefix, this]];
    for (const [p, m] of mods) {
      for (const [k, v] of m._entries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [p ? `${p}.${k}` : k, v];
        }
      }
    }
  }
  *parameters(recurse = true): IterableIterator<Parameter> {
    for (const [, p] of this.named_parameters("", recurse)) yield p;
  }
  *named_buffers(prefix = "", recurse = true): IterableIterator<[string, Tensor]> {
    const mods: Iterable<[string, Module]> = recurse ? this.named_modules(new Set(), prefix) : [[prefix, this]];
    for (const [p, m] of mods) {
      for (const k of m[BUFFERS]) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor) yield [p ? `${p}.${k}` : k, v];
      }
    }
  }
  *buffers(recurse = true): IterableIterator<Tensor> {
    for (const [, b] of this.named_buffers("", recurse)) yield b;
  }

  train(mode = true): this {
    if (typeof mode !== "boolean") throw new TypeError("training mode is expected to be boolean");
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  requires_grad_(v = true): this {
    for (const p of this.parameters()) p.requires_grad_(v);
    return this;
  }
  zero_grad(set_to_none = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (set_to_none) p.grad = null;
      else {
        p.grad = p.grad.detach();
        p.grad.zero_();
      }
    }
  }
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }
  /** to(dtype): converts floating parameters and buffers in place (module keeps its tensors' identity) */
  to(dtype?: DType | string | { dtype?: DType }): this {
    const dt = dtype instanceof DType ? dtype : typeof dtype === "object" ? dtype.dtype : undefined;
    if (!dt) return this;
    no_grad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        if (t.dtype.kind === "f" && t.dtype !== dt) t.data = t.data.to(dt);
      }
    });
    return this;
  }
  /** casts floating-point parameters and buffers to float32 */
  float(): this {
    return this.to(float32);
  }
  /** casts floating-point parameters and buffers to float64 */
  double(): this {
    return this.to(float64);
  }

  state_dict(opts: { prefix?: string; keep_vars?: boolean } = {}): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    const prefix = opts.prefix ?? "";
    for (const [p, m] of this.named_modules(new Set(), prefix.replace(/\.$/, ""))) {
      for (const [k, v] of m._entries()) {
        if (v instanceof Parameter) out.set(p ? `${p}.${k}` : k, opts.keep_vars ? v : v.detach());
      }
      for (const k of m[BUFFERS]) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor && !m[NON_PERSISTENT].has(k)) out.set(p ? `${p}.${k}` : k, opts.keep_vars ? v : v.detach());
      }
    }
    return out;
  }

  load_state_dict(sd: Map<string, Tensor> | Record<string, Tensor>, strict = true): { missing_keys: string[]; unexpected_keys: string[] } {
    const src = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const own = this.state_dict({ keep_vars: true });
    const missing = [...own.keys()].filter((k) => !src.has(k));
    const unexpected = [...src.keys()].filter((k) => !own.has(k));
    const errors: string[] = [];
    for (const [k, t] of own) {
      const v = src.get(k);
      if (!v) continue;
      if (v._shape.length !== t._shape.length || v._shape.some((s, i) => s !== t._shape[i])) {
        errors.push(
          `size mismatch for ${k}: copying a param with shape torch.Size([${v._shape.join(", ")}]) from checkpoint, the shape in current model is torch.Size([${t._shape.join(", ")}]).`,
        );
      }
    }
    if (strict) {
      if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(", ")}. `);
      if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(", ")}. `);
    }
    if (errors.length) {
      throw new RuntimeError(
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join("\n\t")}`,
      );
    }
    no_grad(() => {
      for (const [k, t] of own) {
        const v = src.get(k);
        if (v) t.copy_(v);
      }
    });
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  /** the `(...)` part of the repr line, e.g. `in_features=30, out_features=200, bias=True` */
  extra_repr(): string {
    return "";
  }
  toString(): string {
    const children = [...this.named_children()];
    const extra = this.extra_repr();
    const name = this.constructor.name;
    // PyTorch's Module.__repr__: a one-line extra_repr without children stays on one line
    if (children.length === 0 && !extra.includes("\n")) return `${name}(${extra})`;
    const lines = children.map(([k, m]) => `(${k}): ${String(m).split("\n").join("\n  ")}`);
    const all = [...(extra ? extra.split("\n") : []), ...lines];
    return `${name}(\n  ${all.join("\n  ")}\n)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
