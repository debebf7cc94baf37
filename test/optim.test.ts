// torch.optim against torch 1.13 (test/goldens/nn_optim.json, scripts/gen_nn_goldens.py): the
// parameter trajectory of each optimizer configuration under the same six gradients, param
// groups, the lr schedulers' values, clip_grad_norm_, and the constructors' errors.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { optim, nn } from "../src/index.js";
import type { Tensor } from "../src/tensor.js";
import { close, fromB64, golden, type B64 } from "./nn_golden.js";

const G = golden("nn_optim.json");

function fresh(): Tensor[] {
  return (G.params as B64[]).map((p) => fromB64(p).requires_grad_());
}
function setGrads(ps: Tensor[], step: B64[]): void {
  ps.forEach((p, i) => (p.grad = fromB64(step[i])));
}
function make(name: string, ps: Tensor[], kw: Record<string, unknown>): optim.Optimizer {
  if (name === "SGD") return new optim.SGD(ps, kw);
  if (name === "Adam") return new optim.Adam(ps, kw);
  if (name === "AdamW") return new optim.AdamW(ps, kw);
  throw new Error(name);
}

for (const run of G.runs as { optimizer: string; kwargs: Record<string, unknown>; trajectory: B64[][] }[]) {
  test(`${run.optimizer}(${JSON.stringify(run.kwargs)}) follows PyTorch for 6 steps`, () => {
    const ps = fresh();
    const opt = make(run.optimizer, ps, run.kwargs);
    run.trajectory.forEach((expected, s) => {
      setGrads(ps, G.grads[s]);
      opt.step();
      ps.forEach((p, i) => {
        // float32 arithmetic in a possibly different operation order (fused multiply-adds in
        // ATen's vectorised kernels): a few ulps per step
        const problem = close(p, expected[i], `step ${s + 1} param ${i}`, 0, 0);
        assert.equal(problem, null);
      });
    });
  });
}

test("param groups keep their own hyperparameters", () => {
  const ps = fresh();
  const opt = new optim.SGD([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
  assert.equal(opt.param_groups[0].lr, 0.1);
  assert.equal(opt.param_groups[1].lr, 0.5);
  assert.equal(opt.param_groups[1].momentum, 0.9);
  for (let s = 0; s < 3; s++) {
    setGrads(ps, G.grads[s]);
    opt.step();
  }
  ps.forEach((p, i) => assert.equal(close(p, G.groups.params[i], `param ${i}`, 2e-6, 1e-7), null));
});

test("zero_grad and a parameter without a gradient", () => {
  const ps = fresh();
  const before = ps[1].clone();
  const opt = new optim.Adam(ps, { lr: 0.1 });
  ps[0].grad = torch.ones(3, 4);
  opt.step();
  assert.deepEqual(ps[1].tolist(), before.tolist(), "a parameter whose grad is None is skipped");
  opt.zero_grad();
  assert.equal(ps[0].grad, null);
  ps[0].grad = torch.ones(3, 4);
  opt.zero_grad(false);
  assert.deepEqual(ps[0].grad!.tolist(), torch.zeros(3, 4).tolist());
});

test("optimizer state_dict round trip continues identically", () => {
  const a = fresh(), b = fresh();
  const oa = new optim.AdamW(a, { lr: 0.01 });
  const ob = new optim.AdamW(b, { lr: 0.01 });
  for (let s = 0; s < 2; s++) {
    setGrads(a, G.grads[s]);
    oa.step();
    setGrads(b, G.grads[s]);
    ob.step();
  }
  const sd = oa.state_dict();
  assert.deepEqual(Object.keys(sd.state), ["0", "1"]);
  assert.deepEqual(sd.param_groups[0].params, [0, 1]);
  const c = a.map((p) => p.detach().clone().requires_grad_());
  const oc = new optim.AdamW(c, { lr: 0.5 });
  oc.load_state_dict(sd);
  assert.equal(oc.param_groups[0].lr, 0.01);
  setGrads(c, G.grads[2]);
  oc.step();
  setGrads(a, G.grads[2]);
  oa.step();
  c.forEach((p, i) => assert.deepEqual(p.tolist(), a[i].tolist()));
});

for (const [name, exp] of Object.entries(G.schedulers as Record<string, { lrs: number[]; last: number[] }>)) {
  test(`lr_scheduler ${name}`, () => {
    const p = torch.zeros(1).requires_grad_();
    const opt = new optim.SGD([p], { lr: 0.1 });
    const S = optim.lr_scheduler;
    const s =
      name === "StepLR(3, 0.5)" ? new S.StepLR(opt, { step_size: 3, gamma: 0.5 })
      : name === "CosineAnnealingLR(5, 0.01)" ? new S.CosineAnnealingLR(opt, { T_max: 5, eta_min: 0.01 })
      : name === "CosineAnnealingLR(10)" ? new S.CosineAnnealingLR(opt, 10)
      : new S.LambdaLR(opt, (e: number) => 0.95 ** e);
    const lrs = [opt.param_groups[0].lr as number];
    const last = [s.get_last_lr()[0]];
    for (let e = 1; e < exp.lrs.length; e++) {
      opt.step();
      s.step();
      lrs.push(opt.param_groups[0].lr as number);
      last.push(s.get_last_lr()[0]);
    }
    // the recursive cosine formula and Python's float ops: equal to the last bit or nearly
    assert.equal(close(lrs, exp.lrs, "lr", 1e-15, 1e-17), null);
    assert.equal(close(last, exp.last, "get_last_lr", 1e-15, 1e-17), null);
  });
}

for (const c of G.clip_grad_norm as { max_norm: number; norm_type: number | "inf"; total: number; grads: B64[] }[]) {
  test(`clip_grad_norm_(max_norm=${c.max_norm}, norm_type=${c.norm_type})`, () => {
    const ps = fresh();
    setGrads(ps, G.grads[0]);
    const nt = c.norm_type === "inf" ? Infinity : c.norm_type;
    const total = nn.utils.clip_grad_norm_(ps, c.max_norm, { norm_type: nt });
    assert.equal(total.dtype, torch.float32);
    assert.equal(close([Number(total.item())], [c.total], "total norm", 1e-6, 0), null);
    ps.forEach((p, i) => assert.equal(close(p.grad!, c.grads[i], `grad ${i}`, 1e-6, 1e-8), null));
  });
}

test("clip_grad_norm_ error_if_nonfinite", () => {
  const p = torch.zeros(2).requires_grad_();
  p.grad = torch.tensor([1, Infinity]);
  assert.throws(() => nn.utils.clip_grad_norm_([p], 1.0, { error_if_nonfinite: true }), {
    name: "RuntimeError",
    message:
      "The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`",
  });
});

test("constructor errors match PyTorch", () => {
  const z = [torch.zeros(2).requires_grad_()];
  const E = G.errors as Record<string, { type: string; message: string }>;
  const cases: [string, () => unknown][] = [
    ["sgd_lr", () => new optim.SGD(z, { lr: -1 })],
    ["sgd_nesterov", () => new optim.SGD(z, { lr: 0.1, nesterov: true })],
    ["adam_beta", () => new optim.Adam(z, { betas: [1.0, 0.999] })],
    ["adam_eps", () => new optim.Adam(z, { eps: -1e-8 })],
    ["empty", () => new optim.SGD([], { lr: 0.1 })],
  ];
  for (const [k, fn] of cases) assert.throws(fn, { name: E[k].type, message: E[k].message }, k);
});
