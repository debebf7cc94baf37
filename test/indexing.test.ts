// Tensor indexing (src/ops/indexing.ts) against PyTorch 2.13.
// Goldens: test/goldens/indexing.json, made by scripts/gen_indexing_goldens.py with the torch 2.x
// oracle. Inputs are rebuilt here from the same formula (`vals`) and layouts as the script.
// Tolerance: integer and bool results must match exactly; float results and gradients within
// 1e-6 absolute + 1e-6 relative (all golden values are small multiples of 0.25, so in practice
// they match exactly; the slack only covers a different accumulation order of repeated indices).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as torch from "../src/index.js";
import { Tensor } from "../src/tensor.js";
import type { DType } from "../src/dtype.js";
import type { Index, IndexArray } from "../src/ops/indexing.js";

type Json = number | boolean | string | null | Json[] | { [k: string]: Json };
interface InputSpec {
  shape: number[];
  dtype: string;
  layout?: "contig" | "T" | "step";
  explicit?: TensorData;
}
interface TensorData {
  dtype: string;
  shape: number[];
  data: Json[];
}
interface EncTensor {
  shape: number[];
  dtype: string;
  values: Json[];
}
interface Expected {
  error?: { type: string; msg: string };
  grad_error?: { type: string; msg: string };
  result?: EncTensor;
  results?: EncTensor[];
  view?: boolean;
  grad_fn?: string | null;
  chain?: string[];
  grad?: Json[];
  value_grad?: Json[];
  arg_grads?: Record<string, Json[]>;
  base?: Json[];
  bumped?: boolean;
}
interface Case {
  op: "get" | "set" | "call";
  name: string;
  input: InputSpec;
  index?: Record<string, Json>[];
  single?: boolean;
  value?: Json;
  grad?: boolean;
  value_grad?: boolean;
  leaf?: boolean;
  fn?: string;
  args?: Json[];
  kwargs?: Record<string, Json>;
  grad_args?: number[];
  expected: Expected;
}

const golden = JSON.parse(readFileSync(fileURLToPath(new URL("./goldens/indexing.json", import.meta.url)), "utf8")) as {
  torch: string;
  cases: Case[];
};

const DT: Record<string, DType> = {
  float32: torch.float32,
  float64: torch.float64,
  int64: torch.int64,
  int32: torch.int32,
  int16: torch.int16,
  uint8: torch.uint8,
  bool: torch.bool,
};

function decode(v: Json): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  if (typeof v === "string" && v in special) return special[v];
  throw new Error(`cannot decode ${JSON.stringify(v)}`);
}

const numelOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Element i of a golden input (mirrors vals() in the script). */
function vals(n: number, dtype: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = (i * 7) % 23;
    if (dtype === "float32" || dtype === "float64") out.push((m - 11) * 0.5);
    else if (dtype === "bool") out.push((i * 7) % 3 === 0 ? 1 : 0);
    else if (dtype === "uint8") out.push(m);
    else out.push(m - 11);
  }
  return out;
}

function fromValues(values: number[], shape: number[], dtype: DType): Tensor {
  const t = torch.zeros(shape, { dtype });
  t._storage.data.set(values);
  return t;
}

function baseShape(spec: InputSpec): number[] {
  if (spec.layout === "T") return spec.shape.slice().reverse();
  if (spec.layout === "step") return [spec.shape[0] * 2, ...spec.shape.slice(1)];
  return spec.shape.slice();
}
function makeBase(spec: InputSpec): Tensor {
  const bs = baseShape(spec);
  return fromValues(vals(numelOf(bs), spec.dtype), bs, DT[spec.dtype]);
}
function lay(spec: InputSpec, t: Tensor): Tensor {
  if (spec.layout === "T") return t.permute(t._shape.map((_, i) => t._shape.length - 1 - i));
  if (spec.layout === "step") return t._slice(0, 0, Infinity, 2);
  return t;
}
function weights(t: Tensor): Tensor {
  const n = t.numel();
  const w: number[] = [];
  for (let i = 0; i < n; i++) w.push((i % 7) + 1);
  return fromValues(w, t._shape.slice(), t.dtype);
}
function explicit(d: TensorData): Tensor {
  return fromValues(d.data.map(decode), d.shape, DT[d.dtype]);
}

function tsIndex(item: Record<string, Json>): Index {
  const [k, v] = Object.entries(item)[0];
  switch (k) {
    case "i":
    case "f":
      return v as number;
    case "s":
      return v as string;
    case "e":
      return "...";
    case "n":
      return null;
    case "b":
      return v as boolean;
    case "t":
      return explicit(v as unknown as TensorData);
    case "l":
      return v as IndexArray;
    case "lt":
      return (v as Record<string, Json>[]).map(tsIndex) as unknown as IndexArray;
  }
  throw new Error(`unknown index item ${JSON.stringify(item)}`);
}

function tsArg(a: Json, spec?: InputSpec): unknown {
  if (a !== null && typeof a === "object" && !Array.isArray(a)) {
    if ("t" in a) return explicit(a.t as unknown as TensorData);
    if ("r" in a) return makeBase(a.r as unknown as InputSpec);
    if ("tuple" in a) return (a.tuple as Json[]).map((x) => tsArg(x, spec));
    if ("list" in a) return (a.list as Json[]).map((x) => tsArg(x, spec));
  }
  return a;
}

function close(actual: number, expected: number, isFloat: boolean): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!isFloat || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= 1e-6 + 1e-6 * Math.abs(expected);
}

function assertValues(actual: ArrayLike<number>, expected: Json[], isFloat: boolean, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = decode(expected[i]);
    if (!close(actual[i], e, isFloat)) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${e}`);
  }
}

function assertTensor(actual: unknown, exp: EncTensor, what = "result"): void {
  assert.ok(actual instanceof Tensor, `${what} is a Tensor`);
  assert.deepEqual(Array.from(actual._shape), exp.shape, `${what} shape`);
  assert.equal(actual.dtype.name, exp.dtype, `${what} dtype`);
  assertValues(Array.from(actual._values()), exp.values, actual.is_floating_point(), what);
}

function assertError(f: () => unknown, e: { type: string; msg: string }): void {
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof Error, "an Error");
    assert.equal(err.message, e.msg);
    assert.equal(err.constructor.name === "TorchTypeError" ? "TypeError" : err.name, e.type, `error class for: ${e.msg}`);
    return true;
  });
}

function label(c: Case, i: number): string {
  const inp = c.input.explicit ? "explicit" : `${c.input.dtype}[${c.input.shape}]${c.input.layout && c.input.layout !== "contig" ? " " + c.input.layout : ""}`;
  const rest = c.op === "call" ? `${c.fn}(${JSON.stringify(c.args)}${c.kwargs && Object.keys(c.kwargs).length ? "," + JSON.stringify(c.kwargs) : ""})` : `${JSON.stringify(c.index)}${c.op === "set" ? " = " + JSON.stringify(c.value) : ""}`;
  return `#${i} ${inp} ${rest}`;
}

// ---------------------------------------------------------------------------------------------

/** Backward node names along first edges down to the leaf. */
function chain(t: Tensor): string[] {
  const names: string[] = [];
  let fn = t.grad_fn;
  while (fn) {
    names.push(fn.name);
    const next = fn.next_functions[0]?.[0];
    fn = next !== undefined && next !== null && typeof next !== "string" ? next : null;
  }
  return names;
}

function runGet(c: Case): void {
  const items = c.index!.map(tsIndex);
  const ex = c.expected;
  const x = lay(c.input, makeBase(c.input));
  if (ex.error) return assertError(() => x.get(...items), ex.error);
  const r = x.get(...items);
  assertTensor(r, ex.result!);
  assert.equal(r._base !== null, ex.view, "is a view");
  if (ex.view) assert.equal(r._storage, x._storage, "a view shares storage");
  if (ex.grad) {
    const leaf = makeBase(c.input).requires_grad_();
    const rg = lay(c.input, leaf).get(...c.index!.map(tsIndex));
    assert.equal(rg.grad_fn?.name ?? null, ex.grad_fn, "grad_fn");
    assert.deepEqual(chain(rg), ex.chain, "backward graph");
    rg.mul(weights(rg)).sum().backward();
    assertValues(Array.from(leaf.grad!._values()), ex.grad, true, "grad");
  }
}

function setValue(v: Json): Tensor | number | boolean {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    if ("t" in v) return explicit(v.t as unknown as TensorData);
    if ("list" in v) return v.list as unknown as number;
  }
  return v as number | boolean;
}

function doSet(y: Tensor, c: Case, value: Tensor | number | boolean): void {
  const items = c.index!.map(tsIndex);
  if (c.single) y.set(items[0], value);
  else y.set(items, value);
}

function runSet(c: Case): void {
  const ex = c.expected;
  const base = makeBase(c.input);
  const y = lay(c.input, base);
  const v0 = y._version;
  if (ex.error) return assertError(() => doSet(y, c, setValue(c.value!)), ex.error);
  doSet(y, c, setValue(c.value!));
  assertTensor(y, ex.result!);
  assertValues(Array.from(base._values()), ex.base!, base.is_floating_point(), "base");
  assert.equal(y._version !== v0, ex.bumped, "version bumped");
  if (!c.grad) return;
  const leaf = makeBase(c.input).requires_grad_();
  let target: Tensor, zz: Tensor;
  if (c.leaf) target = zz = leaf;
  else {
    zz = leaf.mul(1);
    target = lay(c.input, zz);
  }
  let vt = setValue(c.value!);
  if (vt instanceof Tensor && c.value_grad) vt = vt.clone().requires_grad_();
  if (ex.grad_error) return assertError(() => doSet(target, c, vt), ex.grad_error);
  doSet(target, c, vt);
  assert.equal(zz.grad_fn?.name ?? null, ex.grad_fn, "grad_fn");
  zz.mul(weights(zz)).sum().backward();
  assertValues(Array.from(leaf.grad!._values()), ex.grad!, true, "grad");
  if (ex.value_grad) assertValues(Array.from((vt as Tensor).grad!._values()), ex.value_grad, true, "value grad");
}

function callArgs(c: Case): unknown[] {
  const args = c.args!.map((a) => tsArg(a, c.input));
  if (c.kwargs && Object.keys(c.kwargs).length) args.push({ ...c.kwargs });
  return args;
}

function runCall(c: Case): void {
  const ex = c.expected;
  const base = c.input.explicit ? explicit(c.input.explicit) : makeBase(c.input);
  const x = c.input.explicit ? base : lay(c.input, base);
  const fn = c.fn!;
  const call = (t: Tensor, args: unknown[]) => (t as unknown as Record<string, (...a: unknown[]) => unknown>)[fn](...args);
  const v0 = x._version;
  if (ex.error) return assertError(() => call(x, callArgs(c)), ex.error);
  const r = call(x, callArgs(c));
  if (ex.results) {
    assert.ok(Array.isArray(r), "a list of tensors");
    assert.equal(r.length, ex.results.length);
    ex.results.forEach((e, i) => assertTensor(r[i], e, `result ${i}`));
  } else assertTensor(r, ex.result!);
  if (fn.endsWith("_")) {
    assert.equal(r, x, "in-place ops return self");
    assertValues(Array.from(base._values()), ex.base!, base.is_floating_point(), "base");
    assert.equal(x._version !== v0, ex.bumped, "version bumped");
  }
  if (!c.grad) return;
  const leaf = makeBase(c.input).requires_grad_();
  const args = callArgs(c);
  for (const i of c.grad_args ?? []) args[i] = (args[i] as Tensor).clone().requires_grad_();
  let lossT: Tensor;
  if (fn.endsWith("_")) {
    lossT = leaf.mul(1);
    call(lay(c.input, lossT), args);
  } else lossT = call(lay(c.input, leaf), args) as Tensor;
  assert.equal(lossT.grad_fn?.name ?? null, ex.grad_fn, "grad_fn");
  lossT.mul(weights(lossT)).sum().backward();
  assertValues(Array.from(leaf.grad!._values()), ex.grad!, true, "grad");
  for (const [i, g] of Object.entries(ex.arg_grads ?? {})) {
    assertValues(Array.from((args[Number(i)] as Tensor).grad!._values()), g, true, `grad of argument ${i}`);
  }
}

describe(`indexing goldens (torch ${golden.torch})`, () => {
  golden.cases.forEach((c, i) => {
    test(`${c.op} ${c.name} ${label(c, i)}`, () => {
      if (c.op === "get") runGet(c);
      else if (c.op === "set") runSet(c);
      else runCall(c);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// behaviour the goldens cannot show

describe("indexing: views, versions, autograd details", () => {
  test("basic indexing returns a view that writes through", () => {
    const x = torch.arange(12).reshape(3, 4).float();
    const v = x.get(1, "1:3");
    assert.equal(v._base, x);
    v.fill_(-1);
    assert.deepEqual(x.tolist(), [[0, 1, 2, 3], [4, -1, -1, 7], [8, 9, 10, 11]]);
    const w = x.get("...", null, 0);
    assert.deepEqual(Array.from(w._shape), [3, 1]);
    assert.equal(w._storage, x._storage);
  });

  test("advanced indexing copies", () => {
    const x = torch.arange(6).reshape(2, 3);
    const r = x.get([1, 0]);
    assert.notEqual(r._storage, x._storage);
    r.fill_(0);
    assert.deepEqual(x.tolist(), [[0, 1, 2], [3, 4, 5]]);
  });

  test("set bumps the version counter shared by views, and returns self", () => {
    const x = torch.zeros(3, 4);
    const v = x.get(0);
    const before = v._version;
    assert.equal(x.set([[0, 2], ":"], 1), x);
    assert.equal(v._version, before + 1);
    x.set(1, torch.tensor([1, 2, 3, 4]).float());
    assert.equal(v._version, before + 2);
  });

  test("embedding lookup C[Xb] accumulates gradients of repeated rows", () => {
    const C = torch.arange(27 * 10).reshape(27, 10).float().mul(0.01).requires_grad_();
    const Xb = torch.tensor([[1, 1, 5], [0, 1, 26]]);
    const emb = C.get(Xb);
    assert.deepEqual(Array.from(emb._shape), [2, 3, 10]);
    assert.equal(emb.grad_fn!.name, "IndexBackward0");
    emb.sum().backward();
    const g = C.grad!;
    assert.deepEqual((g.get(":", 0).tolist() as number[]).slice(0, 6), [1, 3, 0, 0, 0, 1]);
    assert.equal(g.get(26, 9).item(), 1);
    assert.equal(g.sum().item(), 60);
  });

  test("modifying an index tensor after use invalidates the backward", () => {
    const C = torch.ones(4, 2).requires_grad_();
    const idx = torch.tensor([0, 2]);
    const r = C.get(idx);
    idx.set(0, 1);
    assert.throws(() => r.sum().backward(), /modified by an inplace operation/);
  });

  test("double backward through IndexBackward0 and IndexPutBackward0", () => {
    const x = torch.tensor([1.0, 2.0, 3.0], { requires_grad: true });
    const y = x.get([0, 0, 2]).pow(2).sum();
    const [g] = torch.autograd.grad(y, x, undefined, { create_graph: true });
    assert.deepEqual(g!.tolist(), [4, 0, 6]);
    const [gg] = torch.autograd.grad(g!.mul(torch.tensor([1.0, 1.0, 1.0])).sum(), x);
    assert.deepEqual(gg!.tolist(), [4, 0, 2]);
  });

  test("set under no_grad writes into a leaf that requires grad", () => {
    const w = torch.zeros(3).requires_grad_();
    torch.no_grad(() => w.set(1, 5));
    assert.deepEqual(w.tolist(), [0, 5, 0]);
    assert.equal(w.grad_fn, null);
  });

  test("set with a value that requires grad makes the target part of the graph", () => {
    const x = torch.zeros(2, 3);
    const v = torch.tensor([1.0, 2.0, 3.0], { requires_grad: true });
    x.set(0, v);
    assert.equal(x.grad_fn!.name, "CopySlices");
    x.mul(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward();
    assert.deepEqual(v.grad!.tolist(), [1, 2, 3]);
  });

  test("torch.* functions", () => {
    const x = torch.arange(6).reshape(2, 3);
    assert.deepEqual(torch.index_select(x, 1, torch.tensor([2, 0])).tolist(), [[2, 0], [5, 3]]);
    assert.deepEqual(torch.masked_select(x, x.gt(2)).tolist(), [3, 4, 5]);
    assert.deepEqual(torch.take(x, torch.tensor([5, 0])).tolist(), [5, 0]);
    assert.deepEqual(torch.nonzero(x).tolist(), [[0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    assert.deepEqual(torch.nonzero(x, { as_tuple: true }).map((t) => t.tolist()), [[0, 0, 1, 1, 1], [1, 2, 0, 1, 2]]);
    assert.deepEqual(torch.argwhere(x.eq(4)).tolist(), [[1, 1]]);
    assert.deepEqual(torch.index_add(torch.zeros(3), 0, torch.tensor([0, 0]), torch.ones(2), { alpha: 2 }).tolist(), [4, 0, 0]);
    assert.deepEqual(torch.index_fill(torch.zeros(3), 0, torch.tensor([2]), 1).tolist(), [0, 0, 1]);
    assert.deepEqual(torch.index_put(torch.zeros(3), [torch.tensor([1, 1])], torch.ones(2), true).tolist(), [0, 2, 0]);
    const z = torch.zeros(3);
    assert.equal(torch.index_put_(z, [torch.tensor([2])], torch.tensor(5.5)), z);
    assert.deepEqual(z.tolist(), [0, 0, 5.5]);
    assert.deepEqual(torch.put(torch.zeros(2, 2), torch.tensor([3]), torch.ones(1)).tolist(), [[0, 0], [0, 1]]);
  });

  test("malformed slice strings and other JS values are rejected like Python's bad indices", () => {
    const x = torch.zeros(3);
    for (const bad of ["1:a", "abc", "1::2::3", undefined, {}]) {
      assert.throws(() => x.get(bad as never), (e: Error) => e.name === "IndexError" && /valid indices/.test(e.message));
    }
  });

  test("hot paths stay fast: basic views and a [32,3] gather from [27,10]", () => {
    const x = torch.zeros(27, 10);
    const C = torch.arange(270).reshape(27, 10).float().requires_grad_();
    const Xb = torch.tensor(Array.from({ length: 96 }, (_, i) => (i * 5) % 27)).reshape(32, 3);
    let t0 = performance.now();
    for (let i = 0; i < 20000; i++) x.get(i % 27, ":2");
    const basic = (performance.now() - t0) / 20000;
    t0 = performance.now();
    for (let i = 0; i < 2000; i++) {
      const e = C.get(Xb);
      e.sum().backward();
    }
    const gather = (performance.now() - t0) / 2000;
    // generous bounds (a loaded CI machine); the loops take ~1us and ~20us here
    assert.ok(basic < 50e-3, `basic get took ${basic} ms`);
    assert.ok(gather < 2, `gather+backward took ${gather} ms`);
  });
});
