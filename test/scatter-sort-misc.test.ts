// gather/scatter*, sort/topk/kthvalue/mode/median/unique/bincount/searchsorted/histc and
// repeat/repeat_interleave/tile/roll/meshgrid/isclose/equal/diff/diag/trace/einsum against
// Debian's torch 1.13 (the reference where versions differ). Cases, inputs and PyTorch's results
// are in test/goldens/scatter_sort_misc.json, written by scripts/gen_scatter_sort_goldens.py
// (its docstring documents the format; `--check /work/.venv-oracle/bin/python` lists where
// torch 2.x differs).
//
// Forward values are compared exactly (bit for bit, NaN == NaN, -0 distinct from 0), indices
// included, except the einsum cases that carry a tolerance (matmul summation order). Gradients
// are compared with |got - want| <= atol + rtol * |want|: float32 rtol 1e-5, atol 1e-6 (a
// backward formula may add in another order than PyTorch's); float64 rtol 1e-12, atol 1e-12.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as torch from "../src/index.js";
import { Tensor } from "../src/tensor.js";
import { ValuesIndices } from "../src/ops/reduction.js";

type JVal = number | boolean | string;
interface Spec {
  dtype: string;
  shape: number[];
  values: JVal[];
  view?: (string | number | number[])[][];
  rg?: boolean;
}
type Arg = { t: Spec } | { f: string } | number | boolean | string | null | Arg[];
interface TensorRes {
  dtype: string;
  shape: number[];
  values: JVal[];
  grad_fn: string | null;
  requires_grad: boolean;
}
type Result = { tensor: TensorRes } | { list: Result[] } | { bool: boolean } | { error: { type: string; message: string } };
interface Case {
  name: string;
  fn: string;
  self?: Arg;
  args: Arg[];
  kwargs?: Record<string, Arg>;
  pick?: number;
  grad?: boolean;
  tol?: [number, number];
  expect: Result;
  self_after?: TensorRes;
  grads?: (TensorRes | null)[];
  grad_error?: { type: string; message: string };
}

const file = fileURLToPath(new URL("./goldens/scatter_sort_misc.json", import.meta.url));
const doc = JSON.parse(readFileSync(file, "utf8")) as { torch: string; cases: Case[] };

const DTYPES: Record<string, torch.dtype> = {
  float32: torch.float32, float64: torch.float64, int64: torch.int64, int32: torch.int32,
  int16: torch.int16, int8: torch.int8, uint8: torch.uint8, bool: torch.bool,
};

function dec(v: JVal): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0.0": -0 };
  if (!(v in special)) throw new Error(`unknown encoded value ${v}`);
  return special[v];
}

interface Built {
  leaves: Tensor[];
  bases: Tensor[];
}

function build(spec: Spec, b: Built): Tensor {
  const base = torch.empty(spec.shape, { dtype: DTYPES[spec.dtype] });
  base._data.set(spec.values.map(dec));
  if (spec.rg) {
    base.requires_grad_(true);
    b.leaves.push(base);
  }
  b.bases.push(base);
  let x = base;
  for (const op of spec.view ?? []) {
    const [name, ...a] = op as [string, ...never[]];
    if (name === "T") x = x.transpose(a[0], a[1]);
    else if (name === "slice") x = x._slice(a[0], a[1], a[2], a[3]);
    else if (name === "permute") x = x.permute(a[0]);
    else if (name === "expand") x = x.expand(a[0]);
    else if (name === "mul1") x = x.mul(1);
    else throw new Error(`unknown view op ${name}`);
  }
  return x;
}

function decodeArg(a: Arg, b: Built): unknown {
  if (Array.isArray(a)) return a.map((v) => decodeArg(v, b));
  if (a !== null && typeof a === "object") {
    if ("t" in a) return build(a.t, b);
    if ("f" in a) return dec(a.f);
  }
  return a;
}

function weights(out: Tensor): Tensor {
  const n = out.numel();
  const w = torch.empty(out.shape.slice(), { dtype: out.dtype });
  for (let i = 0; i < n; i++) w._data[i] = (((7 * i) % 13) - 6) / 4;
  return w;
}

function sameNumber(got: number, want: number, tol?: [number, number]): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!tol || !Number.isFinite(want)) return Object.is(got, want);
  return Math.abs(got - want) <= tol[1] + tol[0] * Math.abs(want);
}

function checkTensor(got: unknown, want: TensorRes, where: string, tol?: [number, number], checkGrad = true): void {
  assert.ok(got instanceof Tensor, `${where}: expected a tensor, got ${String(got)}`);
  assert.equal(got.dtype.name, want.dtype, `${where}: dtype`);
  assert.deepEqual(got.shape.slice(), want.shape, `${where}: shape`);
  const vals = Array.from(got._values());
  const exp = want.values.map(dec);
  for (let i = 0; i < exp.length; i++)
    if (!sameNumber(vals[i], exp[i], want.dtype.startsWith("float") ? tol : undefined))
      assert.fail(`${where}: element ${i}: got ${vals[i]}, want ${exp[i]}\n got  ${vals.slice(0, 40).join(", ")}\n want ${exp.slice(0, 40).join(", ")}`);
  if (checkGrad) {
    assert.equal(got.grad_fn?.name ?? null, want.grad_fn, `${where}: grad_fn`);
    assert.equal(got.requires_grad, want.requires_grad, `${where}: requires_grad`);
  }
}

function asList(r: unknown): unknown[] {
  if (r instanceof ValuesIndices) return [r.values, r.indices];
  if (Array.isArray(r)) return r;
  assert.fail(`expected a tuple-like result, got ${String(r)}`);
}

function checkResult(got: unknown, want: Result, where: string, tol?: [number, number]): void {
  if ("tensor" in want) checkTensor(got, want.tensor, where, tol);
  else if ("bool" in want) assert.equal(got, want.bool, where);
  else if ("list" in want) {
    const items = asList(got);
    assert.equal(items.length, want.list.length, `${where}: tuple length`);
    want.list.forEach((w, i) => checkResult(items[i], w, `${where}[${i}]`, tol));
  } else assert.fail(`${where}: unexpected result kind`);
}

function call(c: Case, b: Built): unknown {
  const self = c.self !== undefined ? (decodeArg(c.self, b) as Tensor) : null;
  const args = c.args.map((a) => decodeArg(a, b));
  if (c.kwargs && Object.keys(c.kwargs).length) {
    const kw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.kwargs)) kw[k] = decodeArg(v, b);
    args.push(kw);
  }
  if (self) {
    const f = (self as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn];
    assert.equal(typeof f, "function", `Tensor.${c.fn} exists`);
    return f.apply(self, args);
  }
  const f = (torch as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn];
  assert.equal(typeof f, "function", `torch.${c.fn} exists`);
  return f(...args);
}

const GRAD_TOL: Record<string, [number, number]> = { float32: [1e-5, 1e-6], float64: [1e-12, 1e-12] };

function runCase(c: Case): void {
  const b: Built = { leaves: [], bases: [] };
  if ("error" in c.expect) {
    const e = c.expect.error;
    assert.throws(
      () => call(c, b),
      (err: Error) => {
        assert.equal(err.message, e.message);
        assert.equal(err.name, e.type);
        return true;
      },
    );
    return;
  }
  const r = call(c, b);
  checkResult(r, c.expect, "result", c.tol);
  if (c.self_after) checkTensor(b.bases[0], c.self_after, "self after the in-place call", undefined, false);
  if (c.grad) {
    const outR = r instanceof Tensor ? r : asList(r)[c.pick ?? 0];
    const out = outR as Tensor;
    const run = () => out.mul(weights(out)).sum().backward();
    if (c.grad_error) {
      assert.throws(run, (err: Error) => {
        assert.equal(err.message, c.grad_error!.message);
        assert.equal(err.name, c.grad_error!.type);
        return true;
      });
      return;
    }
    run();
    assert.equal(b.leaves.length, c.grads!.length, "number of leaves");
    b.leaves.forEach((leaf, i) => {
      const w = c.grads![i];
      if (w === null) assert.equal(leaf.grad, null, `grad ${i} is None`);
      else checkTensor(leaf.grad, w, `grad ${i}`, GRAD_TOL[w.dtype], false);
    });
  }
}

describe(`scatter/sort/misc ops vs torch ${doc.torch}`, () => {
  for (const c of doc.cases) test(c.name, () => runCase(c));
});

describe("scatter/sort/misc: properties beyond the goldens", () => {
  test("sort along a 100k-element dim stays fast and matches a stable reference on distinct keys", () => {
    const n = 100_000;
    const x = torch.empty([n], { dtype: torch.float64 });
    for (let i = 0; i < n; i++) x._data[i] = Math.sin(i * 12.9898) * 43758.5453;
    const t0 = performance.now();
    const { values, indices } = torch.sort(x);
    const ms = performance.now() - t0;
    const ref = Array.from(x._data).map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < n; i++) {
      assert.equal(values._data[i], ref[i][0]);
      assert.equal(indices._data[i], ref[i][1]);
    }
    assert.ok(ms < 2000, `sort took ${ms} ms`);
  });

  test("ValuesIndices kinds print as torch.return_types", () => {
    const x = torch.tensor([3, 1, 2], { dtype: torch.float32 });
    assert.match(String(torch.sort(x)), /^torch\.return_types\.sort\(\nvalues=/);
    assert.match(String(torch.topk(x, 1)), /^torch\.return_types\.topk\(/);
    assert.match(String(torch.kthvalue(x, 1)), /^torch\.return_types\.kthvalue\(/);
    assert.match(String(torch.mode(x)), /^torch\.return_types\.mode\(/);
    assert.match(String(torch.median(x, 0)), /^torch\.return_types\.median\(/);
  });

  test("scatter_ without autograd writes through a view and bumps the version", () => {
    const base = torch.zeros([3, 2]);
    const v = base.t();
    const before = base._version;
    v.scatter_(1, torch.tensor([[2], [0]]), 5);
    assert.deepEqual(base.tolist(), [[0, 5], [0, 0], [5, 0]]);
    assert.ok(base._version > before);
  });
});
