// Gradients of every differentiable torch op and torch.nn.functional function against PyTorch.
// Goldens: test/goldens/autograd_ops.json (torch 1.13, `/usr/bin/python3 scripts/gen_autograd_goldens.py`)
// and autograd_ops_v2.json (torch 2.x for scaled_dot_product_attention, `--v2`). Each case is run
// four ways: float32 forward values and input gradients vs PyTorch, grad_fn names and reprs vs
// 1.13, and a float64 torch.autograd.gradcheck (finite differences vs our backward).
// Tolerances (float32): forward |ours - torch| <= 2e-5 * (1 + |torch|); gradients
// <= 1e-4 * (1 + |torch|) (summation order and libm ulps differ, formulas must not).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { manual_seed } from "../src/random/generator.js";
import type { Tensor } from "../src/index.js";

const F = torch.nn.functional;

interface InputSpec {
  shape: number[];
  dist: string;
  layout: "T" | "step" | "expand" | null;
  rg: boolean;
  dtype: string;
  kw: string | null;
  leaf: number[] | null;
  data: (number | string | boolean)[];
}
interface OutputGolden {
  shape: number[];
  dtype: string;
  values: (number | string | boolean)[];
  grad_fn: string | null;
  repr: string | null;
}
interface Case {
  id: string;
  call: string;
  args: unknown[];
  kw: Record<string, unknown>;
  seed: number | null;
  gradcheck: boolean;
  inputs: InputSpec[];
  outputs: OutputGolden[];
  gouts: (number | string)[][];
  grads: ((number | string)[] | null)[];
  post: { index: number; values: (number | string)[] }[];
}

function load(name: string): { torch: string; cases: Case[] } {
  return JSON.parse(readFileSync(new URL(`./goldens/${name}`, import.meta.url), "utf8"));
}
const main = load("autograd_ops.json");
const v2 = load("autograd_ops_v2.json");

function num(v: number | string | boolean): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return v === "inf" ? Infinity : v === "-inf" ? -Infinity : NaN;
}

const DT: Record<string, torch.dtype> = { float32: torch.float32, float64: torch.float64, int64: torch.int64, bool: torch.bool };

function leafShape(s: InputSpec): number[] {
  const shape = s.leaf ?? s.shape.slice();
  if (s.layout === "T") return [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]];
  if (s.layout === "step") return [...shape.slice(0, -1), shape[shape.length - 1] * 2];
  return shape;
}

/** the leaf (what gets .grad) and the op's input made from it */
function build(s: InputSpec, float64 = false): [Tensor, Tensor] {
  let dt = DT[s.dtype];
  if (float64 && dt === torch.float32) dt = torch.float64;
  const vals = s.dtype === "bool" ? (s.data as boolean[]) : s.data.map(num);
  const leaf = torch.tensor(vals, { dtype: dt }).reshape(leafShape(s));
  if (s.rg && dt.is_floating_point) leaf.requires_grad_(true);
  let x = leaf;
  if (s.layout === "T") x = leaf.transpose(-2, -1);
  else if (s.layout === "step") x = leaf._slice(-1, 0, leaf.shape[leaf.dim() - 1], 2);
  else if (s.layout === "expand") x = leaf.expand(s.shape);
  return [leaf, x];
}

function resolve(v: unknown): unknown {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ("$dtype" in o) return DT[o.$dtype as string];
    if ("$num" in o) return num(o.$num as string);
  }
  if (Array.isArray(v)) return v.map(resolve);
  return v;
}

type Custom = (ts: Tensor[], args: unknown[], kw: Record<string, unknown>) => Tensor | Tensor[];
// twins of CUSTOM in scripts/gen_autograd_goldens.py
const CUSTOM: Record<string, Custom> = {
  rsub_scalar: (ts, a) => torch.sub(a[0] as number, ts[0]),
  rpow: (ts, a) => torch.pow(a[0] as number, ts[0]),
  T: (ts) => ts[0].T,
  mT: (ts) => ts[0].mT,
  slice_step: (ts) => ts[0]._slice(0, 1, ts[0].shape[0])._slice(1, 0, ts[0].shape[1], 2),
  cat: (ts, a) => torch.cat(ts, a[0] as number),
  stack: (ts, a) => torch.stack(ts, a[0] as number),
  hstack: (ts) => torch.hstack(ts),
  vstack: (ts) => torch.vstack(ts),
  getitem_t: (ts) => ts[0].get(ts[1]),
  getitem_tt: (ts) => ts[0].get(ts[1], ts[2]),
  getitem_slice_t: (ts) => ts[0].get(":", ts[1]),
  getitem_basic: (ts) => ts[0].get(1, null, "...", "1:4:2"),
  setitem_t: (ts) => ts[0].mul(1).set(ts[1], ts[2]),
  index_select: (ts, a) => ts[0].index_select(a[0] as number, ts[1]),
  gather: (ts, a) => ts[0].gather(a[0] as number, ts[1]),
  scatter: (ts, a) => ts[0].scatter(a[0] as number, ts[1], ts[2]),
  scatter_add: (ts, a) => ts[0].scatter_add(a[0] as number, ts[1], ts[2]),
  scatter_reduce: (ts, a, kw) => ts[0].scatter_reduce(a[0] as number, ts[1], ts[2], a[1] as string, kw),
  index_add: (ts, a) => ts[0].index_add(a[0] as number, ts[1], ts[2]),
  index_fill: (ts, a) => ts[0].index_fill(a[0] as number, ts[1], a[1] as number),
  index_put: (ts, _a, kw) => ts[0].index_put([ts[1]], ts[2], kw as { accumulate?: boolean }),
  einsum: (ts, a) => torch.einsum(a[0] as string, ...ts),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inplace_act: (ts, a) => (F as any)[a[0] as string](ts[0].mul(1), ...a.slice(1), { inplace: true }),
};

function callOp(c: Case, xs: Tensor[]): Tensor[] {
  const pos = xs.filter((_, i) => !c.inputs[i].kw);
  const kw = Object.fromEntries(Object.entries(c.kw).map(([k, v]) => [k, resolve(v)]));
  xs.forEach((x, i) => {
    const name = c.inputs[i].kw;
    if (name) kw[name] = x;
  });
  const args = c.args.map(resolve);
  const tail = Object.keys(kw).length ? [...args, kw] : args;
  const [kind, name] = c.call.split(":");
  if (c.seed !== null) manual_seed(c.seed);
  let r: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = (obj: any, ...a: unknown[]) => obj[name](...a);
  if (kind === "m") r = call(pos[0], ...pos.slice(1), ...tail);
  else if (kind === "torch") r = call(torch, ...pos, ...tail);
  else if (kind === "F") r = call(F, ...pos, ...tail);
  else r = CUSTOM[name](pos, args, kw);
  return r instanceof torch.Tensor ? [r] : Array.from(r as Iterable<Tensor>);
}

function close(actual: ArrayLike<number>, expected: (number | string | boolean)[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = num(expected[i]), a = Number(actual[i]);
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assert.equal(a, e, `${what}[${i}]`);
      continue;
    }
    const err = Math.abs(a - e);
    assert.ok(err <= tol * (1 + Math.abs(e)), `${what}[${i}]: got ${a}, PyTorch ${e} (|diff| ${err.toExponential(2)})`);
  }
}

function runCase(c: Case) {
  const built = c.inputs.map((s) => build(s));
  const leaves = built.map((b) => b[0]);
  const outs = callOp(c, built.map((b) => b[1]));
  return { leaves, outs };
}

function checkCase(c: Case): void {
  const { leaves, outs } = runCase(c);
  assert.equal(outs.length, c.outputs.length, "number of outputs");
  outs.forEach((o, i) => {
    const g = c.outputs[i];
    assert.deepEqual([...o.shape], g.shape, `output ${i} shape`);
    assert.equal(o.dtype.name, g.dtype, `output ${i} dtype`);
    close(o.dtype.is_floating_point ? o.detach()._values() : o._values(), g.values, 2e-5, `output ${i}`);
  });
  for (const p of c.post) close(leaves[p.index]._values(), p.values, 2e-5, `input ${p.index} after the call`);
  const diff = outs.filter((o) => o.requires_grad);
  assert.equal(diff.length, c.gouts.length, "number of differentiable outputs");
  if (diff.length) {
    const gouts = diff.map((o, i) => torch.tensor(c.gouts[i].map(num), { dtype: o.dtype }).reshape([...o.shape]));
    torch.autograd.backward(diff, gouts);
  }
  leaves.forEach((l, i) => {
    const g = c.grads[i];
    if (g === null) {
      assert.equal(l.grad, null, `input ${i} should get no gradient`);
      return;
    }
    assert.ok(l.grad, `input ${i} has no gradient`);
    close(l.grad!._values(), g, 1e-4, `grad of input ${i}`);
  });
}

for (const [label, doc] of [["torch " + main.torch, main], ["torch " + v2.torch, v2]] as const) {
  describe(`gradients vs PyTorch (${label})`, () => {
    for (const c of doc.cases) test(c.id, () => checkCase(c));
  });
}

describe("float64 gradcheck of every op", () => {
  for (const c of [...main.cases, ...v2.cases]) {
    if (!c.gradcheck || !c.grads.some((g) => g !== null)) continue;
    test(c.id, () => {
      const specs = c.inputs;
      const leaves = specs.map((s) => build(s, true)[0]);
      const fn = (...ls: Tensor[]) => {
        const xs = ls.map((l, i) => {
          const s = specs[i];
          if (s.layout === "T") return l.transpose(-2, -1);
          if (s.layout === "step") return l._slice(-1, 0, l.shape[l.dim() - 1], 2);
          if (s.layout === "expand") return l.expand(s.shape);
          return l;
        });
        return callOp(c, xs);
      };
      assert.equal(torch.autograd.gradcheck(fn, leaves), true);
    });
  }
});

describe("grad_fn names and reprs match PyTorch 1.13", () => {
  test("grad_fn names", () => {
    const bad: string[] = [];
    for (const c of main.cases) {
      const { outs } = runCase(c);
      outs.forEach((o, i) => {
        const want = c.outputs[i].grad_fn;
        const got = o.grad_fn?.name ?? null;
        if (want !== got) bad.push(`${c.id}[${i}]: ${got} (PyTorch ${want})`);
      });
    }
    assert.deepEqual(bad, []);
  });
  test("reprs of outputs with grad_fn", () => {
    const bad: string[] = [];
    let n = 0;
    for (const c of main.cases) {
      const { outs } = runCase(c);
      outs.forEach((o, i) => {
        const want = c.outputs[i].repr;
        // name mismatches are reported by the test above
        if (want === null || c.outputs[i].grad_fn === null || o.grad_fn?.name !== c.outputs[i].grad_fn) return;
        n++;
        if (String(o) !== want) bad.push(`${c.id}[${i}]:\n${String(o)}\nPyTorch:\n${want}`);
      });
    }
    assert.ok(n > 100, `only ${n} reprs checked`);
    assert.deepEqual(bad, []);
  });
});
