// torch.nn.functional beyond the per-op gradient goldens of autograd_ops.test.ts: bit-exact
// float32 results (NLL's summation order, stable softmax/log-softmax, extreme cross-entropy
// logits), PyTorch's error messages, double backward (gradgradcheck) through every fused
// backward node, dropout's random stream, one_hot, and the grad_fn chain of cross_entropy.
// Goldens: test/goldens/autograd_ops.json ("exact", "errors"; scripts/gen_autograd_goldens.py, torch 1.13).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const F = torch.nn.functional;
const golden = JSON.parse(readFileSync(new URL("./goldens/autograd_ops.json", import.meta.url), "utf8")) as {
  exact: Record<string, unknown>;
  errors: Record<string, { type: string; message: string }>;
};
const E = golden.exact as Record<string, number[] | string>;
const num = (v: number | string) => (typeof v === "number" ? v : v === "-inf" ? -Infinity : v === "inf" ? Infinity : NaN);
const f32 = (data: number[], shape: number[]) => torch.tensor(data, { dtype: torch.float32 }).reshape(shape);
const f64 = (data: unknown, rg = true) => torch.tensor(data, { dtype: torch.float64, requires_grad: rg });

function sameBits(t: Tensor, want: (number | string)[], what: string): void {
  const got = Array.from(t.detach()._values());
  assert.deepEqual(got, want.map(num), what);
}

describe("bit-exact float32 results", () => {
  const x = f32(E.nll_input as number[], [1000, 10]);
  const t = torch.tensor(E.nll_target as number[]);
  const ti = torch.tensor(E.nll_target_ignore as number[]);
  const w = f32(E.nll_weight as number[], [10]);
  test("nll_loss over 1000 rows sums in PyTorch's cascade order", () => {
    sameBits(F.nll_loss(x, t), E.nll_mean as number[], "mean");
    sameBits(F.nll_loss(x, t, { reduction: "sum" }), E.nll_sum as number[], "sum");
    sameBits(F.nll_loss(x, t, { weight: w }), E.nll_weighted_mean as number[], "weighted mean");
    sameBits(F.nll_loss(x, ti), E.nll_ignore_mean as number[], "ignore_index");
    sameBits(F.nll_loss(x, ti, { weight: w }), E.nll_ignore_weighted_mean as number[], "weighted, ignore_index");
  });
  test("cross_entropy of logits [-100, -3, 0, 100] is finite and equals PyTorch's", () => {
    const z = torch.tensor([[-100, -3, 0, 100]], { dtype: torch.float32, requires_grad: true });
    const loss = F.cross_entropy(z, torch.tensor([1]));
    assert.ok(Number.isFinite(Number(loss.item())));
    sameBits(loss, E.ce_extreme_loss as number[], "loss");
    assert.equal(String(loss), E.ce_extreme_repr);
    loss.backward();
    sameBits(z.grad!, E.ce_extreme_grad as number[], "grad = softmax - one_hot");
  });
  test("softmax / log_softmax never overflow", () => {
    const z = torch.tensor([[1e4, -1e4, 0], [-3e38, 3e38, 1]], { dtype: torch.float32 });
    sameBits(F.log_softmax(z, 1), E.log_softmax_huge as number[], "log_softmax");
    sameBits(F.softmax(z, 1), E.softmax_huge as number[], "softmax");
    const big = F.cross_entropy(torch.tensor([[1e30, -1e30, 5]], { dtype: torch.float32 }), torch.tensor([0]));
    assert.equal(Number(big.item()), 0);
  });
});

describe("cross_entropy's graph", () => {
  test("NllLossBackward0 -> LogSoftmaxBackward0 -> AccumulateGrad, as PyTorch prints it", () => {
    const z = torch.randn([4, 5], { requires_grad: true });
    const loss = F.cross_entropy(z, torch.tensor([0, 1, 4, 2]));
    assert.equal(loss.grad_fn!.name, "NllLossBackward0");
    const ls = loss.grad_fn!.next_functions[0][0] as unknown as { name: string; next_functions: unknown[][] };
    assert.equal(ls.name, "LogSoftmaxBackward0");
    assert.equal(ls.next_functions[0][0], "AccumulateGrad");
  });
  test("gradient is (softmax - one_hot) / N, ignore_index rows get none", () => {
    const z = f64([[1, 2, 3], [0.5, -1, 2], [3, 3, 3]]);
    F.cross_entropy(z, torch.tensor([2, -100, 0])).backward();
    const p = F.softmax(z.detach(), 1);
    const want = p.sub(F.one_hot(torch.tensor([2, 0, 0]), 3).double()).div(2);
    want.set(1, 0);
    assert.ok(torch.allclose(z.grad!, want, { atol: 1e-15 }));
  });
});

describe("double backward through the fused nodes (gradgradcheck, float64)", () => {
  const x = () => f64([[0.3, -1.2, 0.8, 2.1], [-0.4, 0.9, -2.2, 0.1], [1.5, 0.05, -0.7, -1.1]]);
  const tgt = torch.tensor([3, 0, 1]);
  const probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]], { dtype: torch.float64 });
  const w4 = () => f64([0.5, -1.5, 2, 0.7]);
  const cases: Record<string, [(...a: Tensor[]) => Tensor, () => Tensor[]]> = {
    softmax: [(a) => F.softmax(a, 1), () => [x()]],
    log_softmax_dim0: [(a) => F.log_softmax(a, 0), () => [x()]],
    cross_entropy: [(a) => F.cross_entropy(a, tgt), () => [x()]],
    cross_entropy_weight_ignore: [(a) => F.cross_entropy(a, torch.tensor([3, -100, 1]), { weight: torch.tensor([1, 2, 0.5, 3], { dtype: torch.float64 }) }), () => [x()]],
    cross_entropy_none: [(a) => F.cross_entropy(a, tgt, { reduction: "none" }), () => [x()]],
    cross_entropy_smoothing: [(a) => F.cross_entropy(a, tgt, { label_smoothing: 0.2 }), () => [x()]],
    cross_entropy_probs: [(a) => F.cross_entropy(a, probs), () => [x()]],
    nll_loss_4d: [(a) => F.nll_loss(a.view(1, 3, 2, 2), torch.tensor([[[0, 2], [1, 1]]])), () => [x()]],
    layer_norm: [(a, w, b) => F.layer_norm(a, [4], { weight: w, bias: b }), () => [x(), w4(), f64([0.1, 0.2, 0.3, 0.4])]],
    batch_norm_train: [(a, w, b) => F.batch_norm(a, null, null, { weight: w, bias: b, training: true }), () => [x(), w4(), f64([0.1, 0.2, 0.3, 0.4])]],
    batch_norm_eval: [
      (a, w) => F.batch_norm(a, torch.tensor([0.1, 0, -0.2, 0.3], { dtype: torch.float64 }), torch.tensor([1, 2, 0.5, 1.5], { dtype: torch.float64 }), { weight: w }),
      () => [x(), w4()],
    ],
    gelu: [(a) => F.gelu(a), () => [x()]],
    gelu_tanh: [(a) => F.gelu(a, { approximate: "tanh" }), () => [x()]],
    silu: [(a) => F.silu(a), () => [x()]],
    mish: [(a) => F.mish(a), () => [x()]],
    elu: [(a) => F.elu(a, 0.7), () => [x()]],
    leaky_relu: [(a) => F.leaky_relu(a, 0.2), () => [x()]],
    softplus: [(a) => F.softplus(a, { beta: 2 }), () => [x()]],
    logsigmoid: [(a) => F.logsigmoid(a), () => [x()]],
    hardtanh: [(a) => F.hardtanh(a), () => [x()]],
    mse_loss: [(a, b) => F.mse_loss(a, b), () => [x(), x().flip(0).detach().requires_grad_()]],
    l1_loss: [(a) => F.l1_loss(a, probs), () => [x()]],
    smooth_l1_loss: [(a) => F.smooth_l1_loss(a, probs), () => [x()]],
    // delta away from every |input - target| (0.8 - 0.3 would sit on the kink)
    huber_loss: [(a) => F.huber_loss(a, probs, { delta: 0.6 }), () => [x()]],
    binary_cross_entropy: [(a) => F.binary_cross_entropy(a.sigmoid(), probs), () => [x()]],
    bce_with_logits: [(a) => F.binary_cross_entropy_with_logits(a, probs, { pos_weight: torch.tensor([1, 2, 3, 0.5], { dtype: torch.float64 }) }), () => [x()]],
    embedding: [(wt) => F.embedding(torch.tensor([[0, 2], [2, 1]]), wt), () => [x()]],
    pad_constant: [(a) => F.pad(a, [1, -1, 2, 0], { value: 0.5 }), () => [x()]],
    pad_reflect: [(a) => F.pad(a.view(1, 3, 4), [2, 1], { mode: "reflect" }), () => [x()]],
    pad_replicate: [(a) => F.pad(a.view(1, 3, 4), [1, 2, 1, 0], { mode: "replicate" }), () => [x()]],
    normalize: [(a) => F.normalize(a, { dim: 1 }), () => [x()]],
    glu: [(a) => F.glu(a, 1), () => [x()]],
    linear: [(a, w) => F.linear(a, w, torch.tensor([0.5, -0.5], { dtype: torch.float64 })), () => [x(), f64([[0.1, 0.2, 0.3, 0.4], [-1, 0.5, 0.25, 2]])]],
    scaled_dot_product_attention: [(q, k) => F.scaled_dot_product_attention(q.view(1, 3, 4), k.view(1, 3, 4), k.view(1, 3, 4), { is_causal: true }), () => [x(), x().mul(0.5).detach().requires_grad_()]],
  };
  for (const [name, [fn, inputs]] of Object.entries(cases)) {
    test(name, () => {
      assert.equal(torch.autograd.gradcheck(fn, inputs()), true);
      assert.equal(torch.autograd.gradgradcheck(fn, inputs()), true);
    });
  }
});

describe("PyTorch's error messages", () => {
  const z = () => torch.zeros([3, 4]);
  const cases: Record<string, () => unknown> = {
    ce_target_oob: () => F.cross_entropy(z(), torch.tensor([0, 5, 1])),
    ce_batch: () => F.cross_entropy(z(), torch.tensor([0, 1])),
    ce_float_target: () => F.cross_entropy(z(), torch.tensor([0.5, 1, 1])),
    ce_weight: () => F.cross_entropy(z(), torch.tensor([0, 1, 1]), { weight: torch.ones(3) }),
    ce_prob_ignore: () => F.cross_entropy(z(), z(), { ignore_index: 1 }),
    ce_label_smoothing: () => F.cross_entropy(z(), torch.tensor([0, 1, 1]), { label_smoothing: 1.5 }),
    ce_reduction: () => F.cross_entropy(z(), torch.tensor([0, 1, 1]), { reduction: "foo" }),
    ce_3d_target: () => F.cross_entropy(torch.zeros([3, 4, 5]), torch.zeros([3, 4], { dtype: torch.int64 })),
    ce_int_input: () => F.cross_entropy(torch.tensor([[1, 2]]), torch.tensor([0])),
    nll_0d: () => F.nll_loss(torch.zeros([]), torch.tensor(0)),
    softmax_int: () => F.softmax(torch.tensor([1, 2]), 0),
    one_hot_float: () => F.one_hot(torch.tensor([1.5, 2])),
    one_hot_negative: () => F.one_hot(torch.tensor([1, -2])),
    one_hot_too_big: () => F.one_hot(torch.tensor([1, 5]), 3),
    one_hot_empty: () => F.one_hot(torch.tensor([], { dtype: torch.int64 })),
    gelu_approximate: () => F.gelu(torch.zeros(2), { approximate: "foo" }),
    dropout_p: () => F.dropout(torch.zeros(2), 1.5),
    bce_range: () => F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.5])),
    bce_size: () => F.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([1.5])),
    bce_logits_size: () => F.binary_cross_entropy_with_logits(torch.tensor([0.5, 0.5]), torch.tensor([1.5])),
    embedding_float: () => F.embedding(torch.tensor([1.5, 2]), torch.zeros([3, 2])),
    embedding_oob: () => F.embedding(torch.tensor([1, 5]), torch.zeros([3, 2])),
    layer_norm_shape: () => F.layer_norm(z(), [3]),
    layer_norm_weight: () => F.layer_norm(torch.zeros([2, 3, 4]), [3, 4], torch.ones(4)),
    batch_norm_one: () => F.batch_norm(torch.zeros([1, 4]), torch.zeros(4), torch.ones(4), { training: true }),
    batch_norm_channels: () => F.batch_norm(torch.zeros([2, 4]), torch.zeros(3), torch.ones(3), { training: true }),
    batch_norm_eval_no_stats: () => F.batch_norm(torch.zeros([2, 4]), null, null),
    pad_reflect_too_big: () => F.pad(torch.zeros([1, 2, 3]), [3, 3], { mode: "reflect" }),
    pad_reflect_h_too_big: () => F.pad(torch.zeros([2, 3, 4]), [1, 1, 3, 3], { mode: "reflect" }),
    pad_odd: () => F.pad(torch.zeros([1, 2, 3]), [3]),
    pad_too_long: () => F.pad(torch.zeros([2, 3]), [1, 1, 1, 1, 1, 1]),
    pad_reflect_1d_input: () => F.pad(torch.zeros(3), [1, 1], { mode: "reflect" }),
    pad_mode: () => F.pad(torch.zeros([1, 2, 3]), [1, 1], { mode: "foo" }),
    pad_value_reflect: () => F.pad(torch.zeros([1, 2, 3]), [1, 1], { mode: "reflect", value: 1 }),
    leaky_relu_int: () => F.leaky_relu(torch.tensor([1, 2]), 0.1),
    gelu_int: () => F.gelu(torch.tensor([1, 2])),
    linear_shape: () => F.linear(torch.zeros([2, 3]), torch.zeros([4, 5])),
  };
  for (const [id, f] of Object.entries(cases)) {
    test(id, () => {
      const want = golden.errors[id];
      assert.throws(f, (e: Error) => {
        assert.equal(e.message, want.message);
        assert.equal(e.name, want.type);
        return true;
      });
    });
  }
});

describe("smaller behaviours", () => {
  test("one_hot: int64, num_classes inferred or given, any leading shape", () => {
    const o = F.one_hot(torch.tensor([[0, 2], [1, 0]]));
    assert.equal(o.dtype, torch.int64);
    assert.deepEqual([...o.shape], [2, 2, 3]);
    assert.deepEqual(o.tolist(), [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0]]]);
    assert.deepEqual([...F.one_hot(torch.tensor([1]), { num_classes: 4 }).shape], [1, 4]);
    assert.deepEqual([...F.one_hot(torch.tensor([], { dtype: torch.int64 }), 3).shape], [0, 3]);
  });
  test("dropout: eval or p=0 return the input itself, p=1 zeros, the mask follows the generator", () => {
    const x = torch.ones([4, 5]);
    assert.equal(F.dropout(x, 0.5, false), x);
    assert.equal(F.dropout(x, 0), x);
    assert.deepEqual(F.dropout(x, 1).tolist(), torch.zeros([4, 5]).tolist());
    torch.manual_seed(3);
    const a = F.dropout(x, 0.25);
    torch.manual_seed(3);
    const b = F.dropout(x.clone(), 0.25, { inplace: true });
    assert.deepEqual(a.tolist(), b.tolist());
    const kept = Array.from(a._values()).filter((v) => v !== 0);
    assert.ok(kept.every((v) => v === Math.fround(1 / 0.75)));
  });
  test("softmax without dim warns once and picks PyTorch's implicit dim", () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6.5]]);
    assert.deepEqual(F.softmax(x).tolist(), F.softmax(x, 1).tolist());
    const x3 = torch.randn([2, 3, 4]);
    assert.deepEqual(F.log_softmax(x3).tolist(), F.log_softmax(x3, 0).tolist());
  });
  test("Tensor.softmax / log_softmax methods and torch.softmax", () => {
    const x = torch.tensor([[1, 2, 3.5]]);
    assert.deepEqual(x.softmax(-1).tolist(), F.softmax(x, -1).tolist());
    assert.deepEqual(torch.log_softmax(x, 1).tolist(), F.log_softmax(x, 1).tolist());
    assert.equal(x.softmax(1, torch.float64).dtype, torch.float64);
  });
  test("batch_norm: eval mode uses the running statistics and leaves them alone", () => {
    const fl = { dtype: torch.float32 };
    const rm = torch.tensor([1, -1], fl), rv = torch.tensor([4, 0.25], fl);
    const y = F.batch_norm(torch.tensor([[3, 0], [1, -2]], fl), rm, rv, { eps: 0 });
    assert.deepEqual(y.tolist(), [[1, 2], [0, -2]]);
    assert.deepEqual(rm.tolist(), [1, -1]);
  });
  test("layer_norm matches its definition", () => {
    const x = torch.tensor([[1, 2, 3, 4]], { dtype: torch.float64 });
    const mean = 2.5, std = Math.sqrt(1.25 + 1e-5);
    assert.ok(torch.allclose(F.layer_norm(x, [4]), x.sub(mean).div(std), { atol: 1e-12 }));
  });
  test("embedding: padding_idx rows get no gradient", () => {
    const w = torch.ones([4, 2], { requires_grad: true });
    F.embedding(torch.tensor([0, 1, 1, 3]), w, { padding_idx: 1 }).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[1, 1], [0, 0], [0, 0], [1, 1]]);
  });
  test("inplace activations rebase history (LeakyReluBackward1)", () => {
    const x = torch.tensor([-1, 2], { dtype: torch.float32, requires_grad: true });
    const y = x.mul(1);
    F.leaky_relu(y, 0.5, true);
    assert.equal(y.grad_fn!.name, "LeakyReluBackward1");
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [0.5, 1]);
  });
});
