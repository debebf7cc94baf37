// Autograd engine behaviour: PyTorch's error messages (goldens from torch 1.13 in
// test/goldens/autograd_ops.json, "errors", made by scripts/gen_autograd_goldens.py, whose snippets
// are the Python twins of the ones below), retain_grad, is_leaf, gradient accumulation, no_grad,
// autograd.grad with create_graph (double backward), multi-root backward and gradcheck.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { record } from "../src/ops/util.js";

const F = torch.nn.functional;
const golden = JSON.parse(readFileSync(new URL("./goldens/autograd_ops.json", import.meta.url), "utf8")) as {
  errors: Record<string, { type: string; message: string } | null>;
};

function expectError(id: string, f: () => unknown): void {
  const want = golden.errors[id];
  assert.ok(want, `no golden for ${id}`);
  assert.throws(f, (e: Error) => {
    assert.equal(e.message, want.message);
    assert.equal(e.name, want.type);
    return true;
  });
}

const vec = () => torch.tensor([1, 2, 3], { dtype: torch.float32, requires_grad: true });

describe("autograd errors have PyTorch's messages", () => {
  const cases: Record<string, () => unknown> = {
    backward_twice: () => {
      const x = vec();
      const y = x.mul(x).sum();
      y.backward();
      y.backward();
    },
    nonscalar: () => vec().mul(2).backward(),
    inplace_saved_exp: () => {
      const a = vec().mul(1);
      const b = a.exp();
      b.add_(1);
      b.sum().backward();
    },
    // the message names the tensor's current grad_fn (AddBackward0 after a.add_(1))
    inplace_saved_mul: () => {
      const a = vec().mul(1);
      const b = a.mul(a);
      a.add_(1);
      b.sum().backward();
    },
    inplace_saved_sigmoid: () => {
      const a = vec().mul(1);
      const b = a.sigmoid();
      const c = b.mul(2);
      b.mul_(2);
      c.sum().backward();
    },
    inplace_saved_mm: () => {
      const w = torch.ones([3, 3], { requires_grad: true });
      const a = w.t().mul(1);
      const c = a.matmul(a).sum();
      a.mul_(2);
      c.backward();
    },
    // a view whose base was modified in place reads through AsStridedBackward0
    inplace_saved_view: () => {
      const w = torch.ones([3, 3], { requires_grad: true });
      const b = w.mul(1);
      const a = b.select(0, 0);
      const c = a.mul(a).sum();
      b.mul_(2);
      c.backward();
    },
    requires_grad_int: () => torch.tensor([1, 2]).requires_grad_(),
    factory_requires_grad_int: () => torch.zeros(2, { dtype: torch.int64, requires_grad: true }),
    leaf_inplace: () => vec().add_(1),
    leaf_view_inplace: () => vec().select(0, 0).mul_(2),
    no_grad_fn: () => torch.ones(2).sum().backward(),
    grad_unused: () => {
      const x = vec();
      torch.autograd.grad(x.mul(2).sum(), [x, torch.ones([2], { requires_grad: true })]);
    },
    grad_not_requiring: () => torch.autograd.grad(vec().mul(2).sum(), [torch.ones(2)]),
    retain_grad_no_rg: () => torch.ones(2).retain_grad(),
    grad_shape_mismatch: () => vec().mul(2).backward(torch.ones(2)),
    nonleaf_requires_grad_false: () => vec().mul(2).requires_grad_(false),
    gradcheck_mismatch: () => {
      // a deliberately wrong backward (3 instead of 2), like a bad autograd.Function
      const bad = (a: Tensor) => record(torch.no_grad(() => a.mul(2)), "BadBackward", [a], (g) => [g.mul(3)]);
      torch.autograd.gradcheck(bad, [torch.tensor([1, 2], { dtype: torch.float64, requires_grad: true })]);
    },
    gradcheck_no_input: () => torch.autograd.gradcheck((a: Tensor) => a.mul(2), [torch.ones(2, { dtype: torch.float64 })]),
  };
  for (const [id, f] of Object.entries(cases)) test(id, () => expectError(id, f));
});

describe("graph bookkeeping", () => {
  test("is_leaf, requires_grad, grad_fn and retain_grad", () => {
    const x = vec();
    assert.equal(x.is_leaf, true);
    const y = x.mul(2);
    assert.equal(y.is_leaf, false);
    assert.equal(y.requires_grad, true);
    assert.equal(y.grad_fn?.name, "MulBackward0");
    assert.equal(torch.ones(2).mul(2).is_leaf, true, "a result that does not require grad is a leaf");
    y.retain_grad();
    assert.equal(y.retains_grad, true);
    const z = y.mul(y).sum();
    z.backward();
    assert.deepEqual(y.grad!.tolist(), [4, 8, 12]); // dz/dy = 2y
    assert.deepEqual(x.grad!.tolist(), [8, 16, 24]);
    assert.equal(x.mul(3).mul(3).grad, null, "non-leaf without retain_grad keeps grad null");
  });

  test("gradients accumulate across backward calls and over repeated uses", () => {
    const x = vec();
    const y = x.mul(x).sum();
    y.backward({ retain_graph: true });
    assert.deepEqual(x.grad!.tolist(), [2, 4, 6]);
    y.backward();
    assert.deepEqual(x.grad!.tolist(), [4, 8, 12]);
    x.grad = null;
    x.add(x).add(x).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [3, 3, 3]);
    x.grad!.zero_();
    x.exp().sum().backward();
    assert.deepEqual(Array.from(x.grad!._values(), (v) => Math.fround(v)), [1, 2, 3].map((v) => Math.fround(Math.exp(v))));
  });

  test("a backward that needs no saved tensors can run twice (PyTorch allows it)", () => {
    const x = vec();
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    assert.deepEqual(x.grad!.tolist(), [2, 2, 2]);
  });

  test("torch.autograd.backward with several roots sharing a graph", () => {
    const x = vec();
    const h = x.mul(x);
    torch.autograd.backward([h.sum(), h.mul(2).sum()]);
    assert.deepEqual(x.grad!.tolist(), [6, 12, 18]);
    const x2 = vec();
    const h2 = x2.mul(3);
    torch.autograd.backward([h2], [torch.tensor([1, 0, 2], { dtype: torch.float32 })]);
    assert.deepEqual(x2.grad!.tolist(), [3, 0, 6]);
  });

  test("detach cuts the graph; requires_grad_ on a leaf", () => {
    const x = vec();
    const d = x.mul(2).detach();
    assert.equal(d.requires_grad, false);
    assert.equal(d.grad_fn, null);
    const w = torch.ones(2);
    w.requires_grad_();
    assert.equal(w.requires_grad, true);
    w.requires_grad = false;
    assert.equal(w.requires_grad, false);
  });

  test("in-place ops on a view route the gradient through the base (CopySlices)", () => {
    const w = torch.ones([3, 3], { requires_grad: true });
    const b = w.mul(1);
    const row = b.select(0, 1);
    row.mul_(3);
    assert.equal(b.grad_fn?.name, "CopySlices");
    assert.equal(row.grad_fn?.name, "AsStridedBackward0");
    row.mul(5).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[0, 0, 0], [15, 15, 15], [0, 0, 0]]);
    // a view made before its base changed in place sees the change
    const w2 = torch.ones([3, 3], { requires_grad: true });
    const b2 = w2.mul(1);
    const first = b2.select(0, 0);
    b2.mul_(2);
    first.sum().backward();
    assert.deepEqual(w2.grad!.tolist(), [[2, 2, 2], [0, 0, 0], [0, 0, 0]]);
    // and a transposed base: the view's strides address the base's layout
    const w3 = torch.ones([3, 3], { requires_grad: true });
    const b3 = w3.mul(1).t();
    b3.select(0, 2).mul_(3);
    b3.mul(torch.arange(9).view(3, 3).float()).sum().backward();
    assert.deepEqual(w3.grad!.tolist(), [[0, 3, 18], [1, 4, 21], [2, 5, 24]]); // PyTorch 1.13's values
  });
});

describe("no_grad / enable_grad", () => {
  test("scope function", () => {
    const x = vec();
    const y = torch.no_grad(() => x.mul(2));
    assert.equal(y.requires_grad, false);
    assert.equal(y.grad_fn, null);
    assert.equal(torch.is_grad_enabled(), true);
    const z = torch.no_grad(() => torch.enable_grad(() => x.mul(2)));
    assert.equal(z.grad_fn?.name, "MulBackward0");
  });
  test("`using` guard, restored after an exception", () => {
    const x = vec();
    {
      using _guard = torch.no_grad();
      assert.equal(torch.is_grad_enabled(), false);
      assert.equal(x.exp().requires_grad, false);
    }
    assert.equal(torch.is_grad_enabled(), true);
    assert.throws(() =>
      torch.no_grad(() => {
        throw new Error("boom");
      }),
    );
    assert.equal(torch.is_grad_enabled(), true);
  });
  test("set_grad_enabled", () => {
    torch.set_grad_enabled(false);
    try {
      assert.equal(vec().mul(2).requires_grad, false);
    } finally {
      torch.set_grad_enabled(true);
    }
  });
});

describe("autograd.grad and double backward", () => {
  const xs = [-1.5, -0.3, 0.4, 1.2];
  const x64 = () => torch.tensor(xs, { dtype: torch.float64, requires_grad: true });
  function second(f: (x: Tensor) => Tensor): [number[], number[]] {
    const x = x64();
    const [g] = torch.autograd.grad(f(x).sum(), [x], null, { create_graph: true });
    assert.ok(g!.requires_grad, "first derivative must be differentiable with create_graph");
    const [gg] = torch.autograd.grad(g!.sum(), [x]);
    return [g!.tolist() as number[], gg!.tolist() as number[]];
  }
  const near = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `${v} vs ${b[i]}`));

  test("tanh: d2/dx2 = -2 tanh (1 - tanh^2)", () => {
    const [g, gg] = second((x) => x.tanh());
    near(g, xs.map((v) => 1 - Math.tanh(v) ** 2));
    near(gg, xs.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)));
  });
  test("sigmoid: d2/dx2 = s (1 - s) (1 - 2 s)", () => {
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const [g, gg] = second((x) => x.sigmoid());
    near(g, xs.map((v) => s(v) * (1 - s(v))));
    near(gg, xs.map((v) => s(v) * (1 - s(v)) * (1 - 2 * s(v))));
  });
  test("mul: d2(x*x*x)/dx2 = 6x", () => {
    const [g, gg] = second((x) => x.mul(x).mul(x));
    near(g, xs.map((v) => 3 * v * v));
    near(gg, xs.map((v) => 6 * v));
  });
  test("pow: d2(x^3)/dx2 = 6x and d2(2^x)/dx2 = ln2^2 2^x", () => {
    const [, gg] = second((x) => x.pow(3));
    near(gg, xs.map((v) => 6 * v));
    const [, gg2] = second((x) => torch.pow(2, x));
    near(gg2, xs.map((v) => Math.LN2 ** 2 * 2 ** v));
  });
  test("mixed second derivative through mul of two inputs", () => {
    const a = torch.tensor([2], { dtype: torch.float64, requires_grad: true });
    const b = torch.tensor([3], { dtype: torch.float64, requires_grad: true });
    const [ga] = torch.autograd.grad(a.mul(a).mul(b).sum(), [a], null, { create_graph: true });
    const [gab] = torch.autograd.grad(ga!.sum(), [b]);
    assert.deepEqual(gab!.tolist(), [4]); // d/db (2ab) = 2a
  });
  test("gradgradcheck of tanh, sigmoid, mul, pow, exp, log, div", () => {
    const inputs = () => [torch.tensor([[0.3, -0.7], [1.1, 0.4]], { dtype: torch.float64, requires_grad: true })];
    const fns: ((x: Tensor) => Tensor)[] = [
      (x) => x.tanh(),
      (x) => x.sigmoid(),
      (x) => x.mul(x.flip(0)),
      (x) => x.pow(3),
      (x) => x.exp(),
      (x) => x.abs().add(0.5).log(),
      (x) => x.div(x.abs().add(1)),
      (x) => x.matmul(x),
      (x) => x.sum(1).softmax(0),
    ];
    for (const f of fns) assert.equal(torch.autograd.gradgradcheck(f, inputs()), true);
  });
  test("autograd.grad runs only the graph between outputs and inputs", () => {
    const x = vec();
    const h = x.exp();
    const [gh] = torch.autograd.grad(h.mul(2).sum(), [h]);
    assert.deepEqual(gh!.tolist(), [2, 2, 2]);
    // ExpBackward0 was not run, so its saved result is still there (PyTorch behaves the same)
    h.sum().backward();
    assert.deepEqual(Array.from(x.grad!._values()), Array.from(h.detach()._values()));
  });
  test("backward(inputs=...) accumulates only into the given tensors", () => {
    const a = vec(), b = vec();
    const h = a.mul(b);
    h.sum().backward({ inputs: [a] });
    assert.deepEqual(a.grad!.tolist(), [1, 2, 3]);
    assert.equal(b.grad, null);
    const c = vec();
    const mid = c.mul(3);
    mid.mul(mid).sum().backward({ inputs: [mid] });
    assert.deepEqual(mid.grad!.tolist(), [6, 12, 18]);
    assert.equal(c.grad, null);
  });
  test("autograd.grad does not touch .grad and allow_unused gives null", () => {
    const x = vec();
    const u = torch.ones([2], { requires_grad: true });
    const [gx, gu] = torch.autograd.grad(x.mul(x).sum(), [x, u], null, { allow_unused: true });
    assert.deepEqual(gx!.tolist(), [2, 4, 6]);
    assert.equal(gu, null);
    assert.equal(x.grad, null);
  });
});

describe("gradcheck", () => {
  test("passes on correct backward, reports PyTorch's text on a wrong one", () => {
    const a = torch.tensor([0.5, -1.25, 2], { dtype: torch.float64, requires_grad: true });
    assert.equal(torch.autograd.gradcheck((t: Tensor) => t.mul(t).sin(), [a]), true);
    const bad = (t: Tensor) => record(torch.no_grad(() => t.mul(2)), "BadBackward", [t], (g) => [g.mul(3)]);
    assert.equal(torch.autograd.gradcheck(bad, [a], { raise_exception: false }), false);
  });
  test("several inputs and outputs, non-tensor arguments", () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64, requires_grad: true });
    const b = torch.tensor([0.5, -0.5], { dtype: torch.float64, requires_grad: true });
    const f = (x: Tensor, y: Tensor, k: number) => [x.mul(y).mul(k), x.sum(0).add(y)];
    assert.equal(torch.autograd.gradcheck(f, [a, b, 3]), true);
  });
});

describe("reprs with grad_fn", () => {
  test("PyTorch's text", () => {
    const x = vec();
    assert.equal(String(x), "tensor([1., 2., 3.], requires_grad=True)");
    assert.equal(String(x.sum()), "tensor(6., grad_fn=<SumBackward0>)");
    assert.equal(String(x.mul(2)), "tensor([2., 4., 6.], grad_fn=<MulBackward0>)");
    assert.equal(String(x.sum().div(3)), "tensor(2., grad_fn=<DivBackward0>)");
    assert.equal(String(F.softmax(x, 0)), "tensor([0.0900, 0.2447, 0.6652], grad_fn=<SoftmaxBackward0>)");
    assert.equal(String(x.mean()), "tensor(2., grad_fn=<MeanBackward0>)");
  });
});
