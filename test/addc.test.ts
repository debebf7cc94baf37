// torch.addcmul / torch.addcdiv beyond float32's bits (test/math-exact.test.ts checks those
// against 1.13): integer and mixed dtypes, in-place forms, and PyTorch 2.13's errors (values
// and messages as 2.13 printed them).
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { RuntimeError } from "../src/index.js";

test("addcmul and addcdiv: dtypes and values", () => {
  const i = (v: number[]) => torch.tensor(v, { dtype: torch.int64 });
  const a = torch.addcmul(i([1, 2]), i([3, 4]), i([5, 6]), { value: 2 });
  assert.equal(a.dtype, torch.int64);
  assert.deepEqual(a.tolist(), [31, 50]);
  // a float value on integer tensors is cast to the integer type (2.5 -> 2)
  assert.deepEqual(torch.addcmul(i([1, 1, 1]), i([1, 1, 1]), i([1, 1, 1]), { value: 2.5 }).tolist(), [3, 3, 3]);
  const d = torch.addcdiv(i([1, 2]), torch.tensor([3, 4], { dtype: torch.float32 }), i([5, 6]), { value: 2 });
  assert.equal(d.dtype, torch.float32);
  assert.equal(String(d), "tensor([2.2000, 3.3333])");
  // float64 stays float64; default value 1
  const e = torch.addcmul(torch.tensor([1], { dtype: torch.float64 }), torch.tensor([0.5]), torch.tensor([3]));
  assert.equal(e.dtype, torch.float64);
  assert.deepEqual(e.tolist(), [2.5]);
});

test("in-place forms write into self and keep its dtype", () => {
  const x = torch.ones(2, 3);
  const r = x.addcmul_(torch.tensor([1, 2, 3]), torch.full([2, 1], 2), { value: 0.5 });
  assert.equal(r, x);
  assert.deepEqual(x.tolist(), [[2, 3, 4], [2, 3, 4]]);
  x.addcdiv_(torch.ones(3), torch.full([3], 4));
  assert.deepEqual(x.tolist(), [[2.25, 3.25, 4.25], [2.25, 3.25, 4.25]]);
});

test("PyTorch's errors", () => {
  const L = () => torch.ones([3], { dtype: torch.int64 });
  assert.throws(
    () => torch.addcdiv(L(), L(), L()),
    (e: unknown) => e instanceof RuntimeError && (e as Error).message.startsWith("Integer division with addcdiv is no longer supported, and in a future  release"),
  );
  assert.throws(() => torch.ones(3).addcmul_(torch.ones(2, 3), torch.ones(3)), { name: "RuntimeError", message: "output with shape [3] doesn't match the broadcast shape [2, 3]" });
  assert.throws(() => L().addcmul_(torch.ones(3), torch.ones(3)), { name: "RuntimeError", message: "result type Float can't be cast to the desired output type Long" });
});

test("gradients flow to all three operands (autograd.gradcheck in float64)", () => {
  for (const op of ["addcmul", "addcdiv"] as const) {
    const mk = (s: number[]) => torch.rand(s, { dtype: torch.float64 }).add(0.5).requires_grad_();
    const ins = [mk([2, 3]), mk([3]), mk([2, 1])];
    assert.ok(torch.autograd.gradcheck((a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) => torch[op](a, b, c, { value: -1.5 }), ins));
  }
});
