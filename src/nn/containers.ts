// Sequential, ModuleList, ModuleDict: children named "0", "1", ... (or by key), so state-dict
// keys read `blocks.0.sa.heads.1.key.weight` as in PyTorch.
import { IndexError, TypeError } from "../errors.js";
import { Module } from "./module.js";

export class Sequential extends Module {
  constructor(...mods: (Module | Map<string, Module>)[]) {
    super();
    if (mods.length === 1 && mods[0] instanceof Map) {
      for (const [k, m] of mods[0]) this.add_module(k, m);
    } else (mods as Module[]).forEach((m, i) => this.add_module(String(i), m));
  }
  override forward(x: unknown): unknown {
    let h = x;
    for (const m of this.children()) h = m(h);
    return h;
  }
  get length_(): number {
    return [...this.children()].length;
  }
  __len__(): number {
    return [...this.children()].length;
  }
  at(i: number): Module {
    return indexInto([...this.children()], i, this.constructor.name);
  }
  append(m: Module): this {
    this.add_module(String(this.__len__()), m);
    return this;
  }
  [Symbol.iterator](): IterableIterator<Module> {
    return this.children();
  }
}

function indexInto(list: Module[], i: number, name: string): Module {
  const n = list.length;
  if (i < -n || i >= n) throw new IndexError(`index ${i} is out of range`);
  void name;
  return list[i < 0 ? i + n : i];
}

export class ModuleList extends Module {
  constructor(mods: Iterable<Module> = []) {
    super();
    let i = 0;
    for (const m of mods) this.add_module(String(i++), m);
  }
  __len__(): number {
    return [...this.children()].length;
  }
  at(i: number): Module {
    return indexInto([...this.children()], i, "ModuleList");
  }
  append(m: Module): this {
    this.add_module(String(this.__len__()), m);
    return this;
  }
  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  [Symbol.iterator](): IterableIterator<Module> {
    return this.children();
  }
  override forward(): never {
    throw new TypeError("ModuleList is not callable: iterate over it instead");
  }
}

export class ModuleDict extends Module {
  constructor(mods: Record<string, Module> | Map<string, Module> = {}) {
    super();
    const entries = mods instanceof Map ? [...mods] : Object.entries(mods);
    for (const [k, m] of entries) this.add_module(k, m);
  }
  get(k: string): Module | undefined {
    for (const [n, m] of this.named_children()) if (n === k) return m;
    return undefined;
  }
  set(k: string, m: Module): void {
    this.add_module(k, m);
  }
  keys(): string[] {
    return [...this.named_children()].map(([k]) => k);
  }
  values(): Module[] {
    return [...this.children()];
  }
  items(): [string, Module][] {
    return [...this.named_children()];
  }
  __len__(): number {
    return this.keys().length;
  }
}
