// torch.nn layers and nn.init against torch 1.13 (test/goldens/nn.json, from
// scripts/gen_nn_goldens.py): default initialisation bit for bit after manual_seed, the init
// functions, module reprs, state_dict keys, load_state_dict errors, and every layer's output
// and gradients (inputs drawn with randn after manual_seed, as the generator script does).
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { nn } from "../src/index.js";
import type { Tensor } from "../src/tensor.js";
import { GPTLanguageModel } from "../examples/gpt.js";
import { close, fromB64, golden, sameBits, type B64 } from "./nn_golden.js";

const G = golden("nn.json");

test("nn.Linear(30, 200) after manual_seed(42) has PyTorch's exact weight and bias", () => {
  torch.manual_seed(42);
  const m = new nn.Linear(30, 200);
  const e = G.default_init["linear_30_200_seed42"];
  assert.equal(m.weight.dtype, torch.float32);
  assert.equal(sameBits(m.weight, e.weight, "weight"), null);
  assert.equal(sameBits(m.bias!, e.bias, "bias"), null);
  assert.equal(m.weight.requires_grad, true);
  assert.equal(m.weight.is_leaf, true);
});

test("nn.Embedding default init (normal_) and padding_idx row, bit for bit", () => {
  torch.manual_seed(42);
  assert.equal(sameBits(new nn.Embedding(27, 10).weight, G.default_init["embedding_27_10_seed42"].weight, "27x10"), null);
  torch.manual_seed(3);
  const e = new nn.Embedding(10, 5, { padding_idx: -2 });
  assert.equal(e.padding_idx, 8);
  assert.equal(sameBits(e.weight, G.default_init["embedding_10_5_pad-2_seed3"].weight, "padded"), null);
});

test("construction order is draw order; small tensors use the scalar paths", () => {
  torch.manual_seed(7);
  const a = new nn.Linear(3, 2);
  const b = new nn.Linear(2, 4, { bias: false });
  const e = G.default_init["linear_3_2_then_2_4_nobias_seed7"];
  assert.equal(sameBits(a.weight, e["a.weight"], "a.weight"), null);
  assert.equal(sameBits(a.bias!, e["a.bias"], "a.bias"), null);
  assert.equal(sameBits(b.weight, e["b.weight"], "b.weight"), null);
  assert.equal(b.bias, null);
});

const INIT: Record<string, (t: Tensor, gen?: torch.Generator) => Tensor> = {
  "uniform_(-0.1, 0.3)": (t, g) => nn.init.uniform_(t, -0.1, 0.3, { generator: g }),
  "normal_(0.5, 0.02)": (t, g) => nn.init.normal_(t, 0.5, 0.02, { generator: g }),
  "kaiming_uniform_()": (t, g) => nn.init.kaiming_uniform_(t, { generator: g }),
  "kaiming_uniform_(a=sqrt5)": (t, g) => nn.init.kaiming_uniform_(t, { a: Math.sqrt(5), generator: g }),
  "kaiming_uniform_(fan_out, relu)": (t, g) => nn.init.kaiming_uniform_(t, { mode: "fan_out", nonlinearity: "relu", generator: g }),
  "kaiming_normal_()": (t, g) => nn.init.kaiming_normal_(t, { generator: g }),
  "kaiming_normal_(fan_out, tanh)": (t, g) => nn.init.kaiming_normal_(t, 0, "fan_out", "tanh", { generator: g }),
  "xavier_uniform_()": (t, g) => nn.init.xavier_uniform_(t, { generator: g }),
  "xavier_uniform_(gain=tanh)": (t, g) => nn.init.xavier_uniform_(t, nn.init.calculate_gain("tanh"), { generator: g }),
  "xavier_normal_()": (t, g) => nn.init.xavier_normal_(t, { generator: g }),
  "xavier_normal_(gain=2.5)": (t, g) => nn.init.xavier_normal_(t, { gain: 2.5, generator: g }),
  "constant_(0.25)": (t) => nn.init.constant_(t, 0.25),
  ones_: (t) => nn.init.ones_(t),
  zeros_: (t) => nn.init.zeros_(t),
};

test("nn.init functions draw PyTorch's values, from the default generator or a given one", () => {
  const failures: string[] = [];
  for (const c of G.init_fns as { fn: string; shape: number[]; seed: number; values: B64 }[]) {
    torch.manual_seed(c.seed);
    const a = INIT[c.fn](torch.empty(c.shape));
    const p1 = sameBits(a, c.values, `${c.fn} ${c.shape}`);
    if (p1) failures.push(p1);
    const g = new torch.Generator().manual_seed(c.seed);
    const b = INIT[c.fn](torch.empty(c.shape), g);
    const p2 = sameBits(b, c.values, `${c.fn} ${c.shape} (generator)`);
    if (p2) failures.push(p2);
  }
  assert.deepEqual(failures, []);
});

test("init runs without recording autograd history and keeps the tensor", () => {
  const w = torch.empty(3, 4).requires_grad_();
  const r = nn.init.kaiming_uniform_(w);
  assert.equal(r, w);
  assert.equal(w.grad_fn, null);
  assert.equal(w.is_leaf, true);
});

test("calculate_gain and init errors", () => {
  for (const c of G.gains as { nonlinearity: string; param: number | null; gain: number }[]) {
    assert.equal(nn.init.calculate_gain(c.nonlinearity, c.param), c.gain, `${c.nonlinearity}(${c.param})`);
  }
  const E = G.init_errors;
  const cases: [string, () => unknown][] = [
    ["gain_unsupported", () => nn.init.calculate_gain("softplus")],
    ["gain_bad_slope", () => nn.init.calculate_gain("leaky_relu", true)],
    ["fan_1d", () => nn.init.xavier_uniform_(torch.empty(5))],
    ["bad_mode", () => nn.init.kaiming_uniform_(torch.empty(3, 4), { mode: "fan_avg" })],
  ];
  for (const [k, fn] of cases) assert.throws(fn, { name: E[k].type, message: E[k].message }, k);
});

const REPRS: Record<string, () => nn.Module> = {
  linear: () => new nn.Linear(30, 200),
  linear_nobias: () => new nn.Linear(4, 2, { bias: false }),
  embedding: () => new nn.Embedding(27, 10),
  embedding_pad: () => new nn.Embedding(10, 3, { padding_idx: 0 }),
  embedding_maxnorm: () => new nn.Embedding(10, 3, { max_norm: 1.5, norm_type: 1.0, scale_grad_by_freq: true }),
  batchnorm: () => new nn.BatchNorm1d(200),
  batchnorm_opts: () => new nn.BatchNorm1d(8, { eps: 1e-3, momentum: null, affine: false, track_running_stats: false }),
  layernorm: () => new nn.LayerNorm(384),
  layernorm_2d_noaffine: () => new nn.LayerNorm([2, 3], { eps: 1e-6, elementwise_affine: false }),
  dropout: () => new nn.Dropout(0.2),
  dropout_default: () => new nn.Dropout(),
  tanh: () => new nn.Tanh(),
  relu: () => new nn.ReLU(),
  relu_inplace: () => new nn.ReLU({ inplace: true }),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU({ approximate: "tanh" }),
  sigmoid: () => new nn.Sigmoid(),
  softmax: () => new nn.Softmax({ dim: 1 }),
  softmax_none: () => new nn.Softmax(),
  flatten: () => new nn.Flatten(),
  flatten_0_2: () => new nn.Flatten(0, 2),
  identity: () => new nn.Identity(),
  mlp: () =>
    new nn.Sequential(
      new nn.Linear(30, 200, { bias: false }),
      new nn.BatchNorm1d(200),
      new nn.Tanh(),
      new nn.Linear(200, 27),
      new nn.BatchNorm1d(27),
    ),
  nested: () =>
    new nn.Sequential(
      new nn.Flatten(),
      new nn.Sequential(new nn.Linear(4, 4), new nn.GELU()),
      new nn.ModuleList([new nn.ReLU(), new nn.Dropout(0.1)]),
    ),
  moduledict: () => new nn.ModuleDict({ act: new nn.Tanh(), lin: new nn.Linear(2, 2) }),
  leaky_relu: () => new nn.LeakyReLU(),
  leaky_relu_opts: () => new nn.LeakyReLU(0.2, true),
  elu: () => new nn.ELU(),
  elu_opts: () => new nn.ELU({ alpha: 0.5, inplace: true }),
  celu: () => new nn.CELU(),
  celu_2: () => new nn.CELU(2.0),
  selu: () => new nn.SELU(),
  selu_inplace: () => new nn.SELU(true),
  glu: () => new nn.GLU(),
  hardtanh: () => new nn.Hardtanh(),
  hardtanh_opts: () => new nn.Hardtanh(-2.5, 2.5, true),
  relu6: () => new nn.ReLU6(),
  relu6_inplace: () => new nn.ReLU6({ inplace: true }),
  silu: () => new nn.SiLU(),
  silu_inplace: () => new nn.SiLU(true),
  mish: () => new nn.Mish(),
  hardswish: () => new nn.Hardswish(),
  hardswish_inplace: () => new nn.Hardswish(true),
  hardsigmoid: () => new nn.Hardsigmoid(),
  logsigmoid: () => new nn.LogSigmoid(),
  softplus: () => new nn.Softplus(),
  softplus_opts: () => new nn.Softplus(2, 5),
  softplus_half: () => new nn.Softplus(0.5),
  softsign: () => new nn.Softsign(),
  tanhshrink: () => new nn.Tanhshrink(),
  softshrink: () => new nn.Softshrink(),
  hardshrink: () => new nn.Hardshrink(0.3),
  softmin: () => new nn.Softmin(1),
  log_softmax: () => new nn.LogSoftmax({ dim: 1 }),
  log_softmax_none: () => new nn.LogSoftmax(),
  prelu: () => new nn.PReLU(),
  prelu_3: () => new nn.PReLU(3, 0.1),
  cross_entropy: () => new nn.CrossEntropyLoss(),
  cross_entropy_opts: () => new nn.CrossEntropyLoss({ weight: torch.ones(3), ignore_index: 1, label_smoothing: 0.1 }),
  nll: () => new nn.NLLLoss(),
  mse: () => new nn.MSELoss(),
  mse_sum: () => new nn.MSELoss({ reduction: "sum" }),
  l1: () => new nn.L1Loss(),
  bce: () => new nn.BCELoss(),
  bce_logits: () => new nn.BCEWithLogitsLoss(),
  smooth_l1: () => new nn.SmoothL1Loss(),
  huber: () => new nn.HuberLoss(),
  kl_div: () => new nn.KLDivLoss({ reduction: "batchmean" }),
  act_stack: () =>
    new nn.Sequential(new nn.Linear(4, 8), new nn.LeakyReLU(0.1), new nn.Linear(8, 8), new nn.SiLU(), new nn.Linear(8, 2), new nn.LogSoftmax({ dim: -1 })),
};

test("module reprs equal PyTorch's", () => {
  for (const [k, expected] of Object.entries(G.reprs as Record<string, string>)) {
    assert.equal(String(REPRS[k]()), expected, k);
  }
});

const tinyGPT = () => new GPTLanguageModel({ n_embd: 8, n_head: 2, n_layer: 2, block_size: 4, dropout: 0.0, vocab_size: 5 });

test("GPT module tree: repr, state_dict keys (blocks.0.sa.heads.1.key.weight) and parameter names", () => {
  torch.manual_seed(0);
  const gpt = tinyGPT();
  assert.equal(String(gpt), G.gpt_repr);
  assert.deepEqual([...gpt.state_dict().keys()], G.gpt_keys);
  assert.ok(gpt.state_dict().has("blocks.0.sa.heads.1.key.weight"));
  assert.deepEqual([...gpt.named_parameters()].map(([n]) => n), G.gpt_param_names);
});

test("state_dict of a Sequential with BatchNorm lists buffers after parameters, module by module", () => {
  const mlp = REPRS.mlp();
  assert.deepEqual([...mlp.state_dict().keys()], G.mlp_keys);
  assert.deepEqual([...mlp.named_buffers()].map(([n]) => n), G.mlp_buffer_names);
  const sd = mlp.state_dict();
  assert.equal(sd.get("1.num_batches_tracked")!.dtype, torch.int64);
  assert.equal(sd.get("1.running_var")!.requires_grad, false);
});

test("load_state_dict: strict errors and the non-strict result", () => {
  const make = () => new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
  const good = make().state_dict();
  const without = (k: string) => new Map([...good].filter(([n]) => n !== k));
  const missing = without("1.running_var");
  const unexpected = new Map([...good, ["2.weight", torch.zeros(1)]]);
  const both = new Map([...missing, ["extra", torch.zeros(1)]]);
  const wrong = new Map([...good, ["0.weight", torch.zeros(2, 4)]]);
  const E = G.load_state_dict;
  assert.throws(() => make().load_state_dict(missing), { name: E.missing.type, message: E.missing.message });
  assert.throws(() => make().load_state_dict(unexpected), { name: E.unexpected.type, message: E.unexpected.message });
  assert.throws(() => make().load_state_dict(both), { name: E.both.type, message: E.both.message });
  assert.throws(() => make().load_state_dict(wrong), { name: E.size.type, message: E.size.message });
  assert.throws(() => make().load_state_dict(new Map([...wrong, ["extra", torch.zeros(1)]]), false), {
    message: E.size_nonstrict.message,
  });
  const r = make().load_state_dict(both, false);
  assert.deepEqual(r, E.nonstrict_result);
});

test("load_state_dict copies values into the existing parameters", () => {
  torch.manual_seed(1);
  const a = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
  const b = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
  const w = (b.at(0) as nn.Linear).weight;
  b.load_state_dict(a.state_dict());
  for (const [k, v] of a.state_dict()) assert.deepEqual(b.state_dict().get(k)!.tolist(), v.tolist(), k);
  assert.equal((b.at(0) as nn.Linear).weight, w, "the Parameter object is kept");
});

const LAYERS: Record<string, () => nn.Module> = {
  linear: () => new nn.Linear(6, 4),
  linear_3d: () => new nn.Linear(6, 4),
  batchnorm_2d: () => new nn.BatchNorm1d(4),
  batchnorm_3d: () => new nn.BatchNorm1d(3, { momentum: null }),
  batchnorm_noaffine: () => new nn.BatchNorm1d(4, { affine: false, track_running_stats: false }),
  batchnorm_eval: () => {
    const m = new nn.BatchNorm1d(4);
    torch.no_grad(() => {
      m.running_mean!.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]));
      m.running_var!.copy_(torch.tensor([1.5, 0.5, 2.0, 1.0]));
      m.weight!.copy_(torch.tensor([1.0, 2.0, 0.5, -1.0]));
    });
    return m;
  },
  layernorm: () => new nn.LayerNorm(6),
  layernorm_2d: () => new nn.LayerNorm([2, 6], { elementwise_affine: false }),
  dropout_train: () => new nn.Dropout(0.3),
  dropout_eval: () => new nn.Dropout(0.3),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU("tanh"),
  tanh: () => new nn.Tanh(),
  sigmoid: () => new nn.Sigmoid(),
  relu: () => new nn.ReLU(),
  softmax: () => new nn.Softmax(-1),
  flatten: () => new nn.Flatten(),
  mlp: () => new nn.Sequential(new nn.Linear(6, 8), new nn.BatchNorm1d(8), new nn.Tanh(), new nn.Linear(8, 3)),
  act_leaky_relu_opts: () => new nn.LeakyReLU(0.2),
  act_elu: () => new nn.ELU(),
  act_celu_2: () => new nn.CELU(2.0),
  act_selu: () => new nn.SELU(),
  act_glu: () => new nn.GLU(),
  act_hardtanh_opts: () => new nn.Hardtanh(-0.5, 0.75),
  act_relu6: () => new nn.ReLU6(),
  act_silu: () => new nn.SiLU(),
  act_mish: () => new nn.Mish(),
  act_hardswish: () => new nn.Hardswish(),
  act_hardsigmoid: () => new nn.Hardsigmoid(),
  act_logsigmoid: () => new nn.LogSigmoid(),
  act_softplus_opts: () => new nn.Softplus(2, 5),
  act_softsign: () => new nn.Softsign(),
  act_tanhshrink: () => new nn.Tanhshrink(),
  act_softshrink: () => new nn.Softshrink(),
  act_hardshrink: () => new nn.Hardshrink(0.3),
  act_softmin: () => new nn.Softmin(1),
  act_log_softmax: () => new nn.LogSoftmax({ dim: 1 }),
  act_prelu: () => new nn.PReLU(),
  act_prelu_channels: () => new nn.PReLU(3, 0.1),
  act_stack: () =>
    new nn.Sequential(new nn.Linear(4, 8), new nn.LeakyReLU(0.1), new nn.Linear(8, 8), new nn.SiLU(), new nn.Linear(8, 2), new nn.LogSoftmax({ dim: -1 })),
};

const LOSSES: Record<string, () => nn.Module> = {
  cross_entropy: () => new nn.CrossEntropyLoss(),
  cross_entropy_opts: () => new nn.CrossEntropyLoss({ weight: torch.tensor([0.5, 2.0, 1.0]), ignore_index: 1, label_smoothing: 0.1 }),
  cross_entropy_none: () => new nn.CrossEntropyLoss({ reduction: "none" }),
  nll: () => new nn.NLLLoss(),
  nll_sum: () => new nn.NLLLoss({ reduction: "sum" }),
  mse: () => new nn.MSELoss(),
  mse_sum: () => new nn.MSELoss({ reduction: "sum" }),
  l1: () => new nn.L1Loss(),
  smooth_l1: () => new nn.SmoothL1Loss({ beta: 0.5 }),
  huber: () => new nn.HuberLoss({ delta: 0.7 }),
  bce: () => new nn.BCELoss(),
  bce_logits: () => new nn.BCEWithLogitsLoss({ pos_weight: torch.tensor([1.0, 2.0, 0.5, 1.5]) }),
  kl_div: () => new nn.KLDivLoss({ reduction: "batchmean" }),
};

test("loss modules: values and input gradients equal PyTorch's", () => {
  const problems: string[] = [];
  for (const c of G.losses as { name: string; x: B64; target: B64; y: B64; x_grad: B64 }[]) {
    const x = fromB64(c.x).requires_grad_();
    const y: Tensor = LOSSES[c.name]()(x, fromB64(c.target));
    const w = y.dim() > 0 ? torch.linspace(-1, 1, y.numel()).view(y.shape) : torch.tensor(1.5);
    y.mul(w).sum().backward();
    for (const p of [close(y, c.y, `${c.name} y`, 1e-5, 1e-6), close(x.grad!, c.x_grad, `${c.name} x.grad`, 1e-5, 1e-6)]) if (p) problems.push(p);
  }
  assert.deepEqual(problems, []);
});

test("a loss module's weight and pos_weight are buffers, in state_dict when given", () => {
  const K = G.loss_state_dict_keys as Record<string, string[]>;
  assert.deepEqual([...REPRS.cross_entropy().state_dict().keys()], K.cross_entropy);
  assert.deepEqual([...REPRS.cross_entropy_opts().state_dict().keys()], K.cross_entropy_opts);
  assert.deepEqual([...new nn.BCEWithLogitsLoss({ pos_weight: torch.ones(2) }).state_dict().keys()], K.bce_logits_pos);
});

type LayerStep = { x: B64; y: B64; x_grad: B64; params: Record<string, B64>; buffers: Record<string, B64 | number> };
for (const rec of G.layers as { name: string; train: boolean; shape: number[]; seed: number; steps: LayerStep[] }[]) {
  test(`layer ${rec.name}: output, input and parameter gradients, buffers`, () => {
    torch.manual_seed(rec.seed);
    const m = LAYERS[rec.name]();
    m.train(rec.train);
    const problems: string[] = [];
    const chk = (p: string | null) => p && problems.push(p);
    rec.steps.forEach((st, s) => {
      const x = torch.randn(rec.shape).requires_grad_();
      chk(sameBits(x, st.x, `step ${s} x`));
      const y: Tensor = m(x);
      const w = torch.linspace(-1, 1, y.numel()).view(y.shape);
      y.mul(w).sum().backward();
      chk(close(y, st.y, `step ${s} y`, 1e-5, 1e-6));
      chk(close(x.grad!, st.x_grad, `step ${s} x.grad`, 1e-5, 1e-6));
      const named = new Map(m.named_parameters());
      assert.deepEqual([...named.keys()], Object.keys(st.params));
      for (const [n, g] of Object.entries(st.params)) chk(close(named.get(n)!.grad!, g, `step ${s} ${n}.grad`, 1e-5, 1e-6));
      const bufs = new Map(m.named_buffers());
      assert.deepEqual([...bufs.keys()], Object.keys(st.buffers));
      for (const [n, b] of Object.entries(st.buffers)) {
        if (typeof b === "number") assert.equal(bufs.get(n)!.item(), b, n);
        else chk(close(bufs.get(n)!, b, `step ${s} ${n}`, 1e-6, 1e-7));
      }
      m.zero_grad();
    });
    assert.deepEqual(problems, []);
  });
}

test("embedding lookup and its gradient skip the padding row", () => {
  const E = G.embedding_forward;
  torch.manual_seed(E.seed);
  const emb = new nn.Embedding(7, 3, { padding_idx: 2 });
  assert.equal(sameBits(emb.weight, E.weight, "weight"), null);
  const y: Tensor = emb(torch.tensor(E.idx));
  y.mul(torch.linspace(-1, 1, y.numel()).view(y.shape)).sum().backward();
  assert.equal(sameBits(y, E.y, "y"), null);
  assert.equal(close(emb.weight.grad!, E.grad, "grad"), null);
});

test("train()/eval() reach every submodule; BatchNorm1d input checks", () => {
  const m = REPRS.mlp();
  assert.ok([...m.modules()].every((x) => x.training === true), "modules start in training mode");
  m.eval();
  assert.ok([...m.modules()].every((x) => x.training === false));
  m.train();
  assert.ok([...m.modules()].every((x) => x.training === true));
  const bn = new nn.BatchNorm1d(3);
  assert.throws(() => bn(torch.zeros(2, 3, 4, 5)), { name: "ValueError", message: "expected 2D or 3D input (got 4D input)" });
  assert.throws(() => bn(torch.zeros(1, 3)), {
    name: "ValueError",
    message: "Expected more than 1 value per channel when training, got input size torch.Size([1, 3])",
  });
  bn.eval();
  assert.deepEqual([...bn(torch.zeros(1, 3)).shape], [1, 3]);
});

test("constructor argument checks", () => {
  assert.throws(() => new nn.Embedding(5, 2, { padding_idx: 5 }), { name: "AssertionError", message: "Padding_idx must be within num_embeddings" });
  assert.throws(() => new nn.Embedding(5, 2, { padding_idx: -6 }), { name: "AssertionError" });
  assert.throws(() => new nn.Dropout(1.5), { name: "ValueError", message: "dropout probability has to be between 0 and 1, but got 1.5" });
  // nn.Hardtanh asserts max_val > min_val; F.celu and F.softshrink check their argument (torch 1.13's messages)
  assert.throws(() => new nn.Hardtanh(1, -1), { name: "AssertionError" });
  const x = torch.randn(3);
  assert.throws(() => nn.functional.celu(x, 0), { name: "RuntimeError", message: "ZeroDivisionError: alpha cannot be 0 for CELU" });
  assert.throws(() => nn.functional.softshrink(x, -1), { name: "RuntimeError", message: "lambda must be greater or equal to 0, but found to be -1." });
  assert.throws(() => nn.functional.selu(torch.tensor([1, 2])), { name: "RuntimeError", message: `"elu_cpu" not implemented for 'Long'` });
  assert.throws(() => nn.functional.logsigmoid(torch.tensor([1, 2])), { name: "RuntimeError", message: `"log_sigmoid_cpu" not implemented for 'Long'` });
  // F.prelu's checks: one weight or one per channel (dim 1), no dtype promotion
  assert.throws(() => nn.functional.prelu(torch.randn(2, 3, 4), torch.ones(4)), {
    name: "RuntimeError",
    message: "Mismatch of parameter numbers and input channel size. Found parameter numbers = 4 and channel size = 3.",
  });
  assert.throws(() => nn.functional.prelu(torch.randn(3), torch.ones(3)), { message: /channel size = 1\.$/ });
  assert.throws(() => nn.functional.prelu(torch.tensor(2.5), torch.ones(2)), { name: "RuntimeError", message: "Not allow zero-dim input tensor." });
  assert.throws(() => nn.functional.prelu(torch.tensor([1, 2]), torch.ones(1)), { name: "RuntimeError", message: "prelu: Type promoting not supported. Got Long and Float" });
  assert.equal(nn.functional.prelu(torch.randn(2, 3).requires_grad_(), torch.ones(1)).grad_fn?.name, "PreluBackward0");
  // hardtanh is clamp: integer tensors work (and have no gradient to check)
  assert.deepEqual(nn.functional.hardtanh(torch.tensor([-3, 0, 2])).tolist(), [-1, 0, 1]);
});

test("activation grad_fn names as in torch 1.13 (selu is elu; the in-place forms save their result)", () => {
  const x = torch.randn(4).requires_grad_();
  const F = nn.functional;
  const names: [string, Tensor][] = [
    ["EluBackward0", F.selu(x)],
    ["CeluBackward0", F.celu(x)],
    ["SoftshrinkBackward0", F.softshrink(x)],
    ["HardshrinkBackward0", F.hardshrink(x)],
    ["HardsigmoidBackward0", F.hardsigmoid(x)],
    ["HardswishBackward0", F.hardswish(x)],
    ["DivBackward0", F.softsign(x)],
    ["SubBackward0", F.tanhshrink(x)],
    ["EluBackward1", F.selu(x.mul(1), true)],
    ["CeluBackward1", F.celu(x.mul(1), 1, true)],
    ["HardsigmoidBackward0", F.hardsigmoid(x.mul(1), true)],
    ["HardswishBackward0", F.hardswish(x.mul(1), true)],
  ];
  for (const [name, y] of names) assert.equal(y.grad_fn?.name, name);
});

test("float64 layers via dtype and Module.to", () => {
  const l = new nn.Linear(3, 2, { dtype: torch.float64 });
  assert.equal(l.weight.dtype, torch.float64);
  const m = new nn.Sequential(new nn.Linear(3, 2), new nn.LayerNorm(2));
  m.to(torch.float64);
  for (const p of m.parameters()) assert.equal(p.dtype, torch.float64);
  const y: Tensor = m(torch.ones(4, 3, { dtype: torch.float64 }));
  assert.equal(y.dtype, torch.float64);
});
