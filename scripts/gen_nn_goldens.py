#!/usr/bin/env python3
"""Goldens for the nn / optim / lecture-example tests, from PyTorch.

  /usr/bin/python3 scripts/gen_nn_goldens.py

runs under Debian's torch 1.13 (the reference: the lectures used it, and its one-sample
multinomial is the CDF search the examples need) and writes

  test/goldens/nn.json           default initialisation, nn.init, module reprs, state_dict keys,
                                 load_state_dict errors, layer forward/backward values
  test/goldens/nn_optim.json     SGD/Adam/AdamW updates, lr schedulers, clip_grad_norm_
  test/goldens/nn_examples.json  the bigram model (lecture 2), the MLP with BatchNorm (lectures
                                 3-4) and a tiny character GPT ("Let's build GPT")

Float32 tensors are stored as base64 of their little-endian bytes ("b64"), shapes alongside;
scalars as Python floats (the float32 value widened exactly). The data files are the repo's
data/names.txt and data/tinyshakespeare.txt.
"""
import base64
import json
import math
import os
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "goldens")


def b64(t):
    t = t.detach().contiguous()
    if t.dtype == torch.float32:
        raw = t.numpy().astype("<f4").tobytes()
    elif t.dtype == torch.int64:
        raw = t.numpy().astype("<i8").tobytes()
    else:
        raise TypeError(t.dtype)
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "b64": base64.b64encode(raw).decode()}


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class name and message are the golden
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("expected an error")


# ------------------------------------------------------------------------------------------------
# shared models


class Head(nn.Module):
    def __init__(self, cfg, head_size):
        super().__init__()
        self.key = nn.Linear(cfg["n_embd"], head_size, bias=False)
        self.query = nn.Linear(cfg["n_embd"], head_size, bias=False)
        self.value = nn.Linear(cfg["n_embd"], head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(cfg["block_size"], cfg["block_size"])))
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        wei = F.softmax(wei, dim=-1)
        wei = self.dropout(wei)
        v = self.value(x)
        return wei @ v


class MultiHeadAttention(nn.Module):
    def __init__(self, cfg, num_heads, head_size):
        super().__init__()
        self.heads = nn.ModuleList([Head(cfg, head_size) for _ in range(num_heads)])
        self.proj = nn.Linear(head_size * num_heads, cfg["n_embd"])
        self.dropout = nn.Dropout(cfg["dropout"])

    def forward(self, x):
        out = torch.cat([h(x) for h in self.heads], dim=-1)
        return self.dropout(self.proj(out))


class FeedFoward(nn.Module):
    def __init__(self, cfg, n_embd):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd),
            nn.ReLU(),
            nn.Linear(4 * n_embd, n_embd),
            nn.Dropout(cfg["dropout"]),
        )

    def forward(self, x):
        return self.net(x)


class Block(nn.Module):
    def __init__(self, cfg, n_embd, n_head):
        super().__init__()
        head_size = n_embd // n_head
        self.sa = MultiHeadAttention(cfg, n_head, head_size)
        self.ffwd = FeedFoward(cfg, n_embd)
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)

    def forward(self, x):
        x = x + self.sa(self.ln1(x))
        x = x + self.ffwd(self.ln2(x))
        return x


class GPTLanguageModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        n_embd = cfg["n_embd"]
        self.token_embedding_table = nn.Embedding(cfg["vocab_size"], n_embd)
        self.position_embedding_table = nn.Embedding(cfg["block_size"], n_embd)
        self.blocks = nn.Sequential(*[Block(cfg, n_embd, n_head=cfg["n_head"]) for _ in range(cfg["n_layer"])])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, cfg["vocab_size"])
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        tok_emb = self.token_embedding_table(idx)
        pos_emb = self.position_embedding_table(torch.arange(T))
        x = tok_emb + pos_emb
        x = self.blocks(x)
        x = self.ln_f(x)
        logits = self.lm_head(x)
        if targets is None:
            return logits, None
        B, T, C = logits.shape
        return logits, F.cross_entropy(logits.view(B * T, C), targets.view(B * T))


def shakespeare():
    with open(os.path.join(ROOT, "data", "tinyshakespeare.txt"), "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(list(set(text)))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(data))
    return chars, data[:n], data[n:]


def train_gpt(cfg, steps, lr):
    chars, train_data, _ = shakespeare()
    cfg = dict(cfg, vocab_size=len(chars))
    torch.manual_seed(1337)
    model = GPTLanguageModel(cfg)
    init_sd = {k: b64(v) for k, v in model.state_dict().items() if k in ("token_embedding_table.weight", "blocks.0.sa.heads.0.key.weight", "lm_head.weight")}
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        ix = torch.randint(len(train_data) - cfg["block_size"], (cfg["batch_size"],))
        x = torch.stack([train_data[i:i + cfg["block_size"]] for i in ix])
        y = torch.stack([train_data[i + 1:i + cfg["block_size"] + 1] for i in ix])
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    # the lecture's generate() from a zero context, 40 tokens, after training
    model.eval()
    with torch.no_grad():
        idx = torch.zeros((1, 1), dtype=torch.long)
        for _ in range(40):
            logits, _ = model(idx[:, -cfg["block_size"]:])
            probs = F.softmax(logits[:, -1, :], dim=-1)
            idx = torch.cat((idx, torch.multinomial(probs, num_samples=1)), dim=1)
    return {
        "config": cfg,
        "lr": lr,
        "steps": steps,
        "n_params": sum(p.numel() for p in model.parameters()),
        "init": init_sd,
        "losses": losses,
        "generated": "".join(chars[i] for i in idx[0].tolist()),
        "repr": repr(model),
        "state_dict_keys": list(model.state_dict().keys()),
    }


# ------------------------------------------------------------------------------------------------
# nn.json


def gen_nn():
    out = {"torch": torch.__version__}

    # default initialisation (draw order = construction order)
    inits = {}
    torch.manual_seed(42)
    m = nn.Linear(30, 200)
    inits["linear_30_200_seed42"] = {"weight": b64(m.weight), "bias": b64(m.bias)}
    torch.manual_seed(42)
    inits["embedding_27_10_seed42"] = {"weight": b64(nn.Embedding(27, 10).weight)}
    torch.manual_seed(3)
    inits["embedding_10_5_pad-2_seed3"] = {"weight": b64(nn.Embedding(10, 5, padding_idx=-2).weight)}
    torch.manual_seed(7)
    a = nn.Linear(3, 2)
    b = nn.Linear(2, 4, bias=False)
    inits["linear_3_2_then_2_4_nobias_seed7"] = {"a.weight": b64(a.weight), "a.bias": b64(a.bias), "b.weight": b64(b.weight)}
    out["default_init"] = inits

    # nn.init functions, each after manual_seed(s) on a fresh float32 tensor
    fns = {
        "uniform_(-0.1, 0.3)": lambda t: nn.init.uniform_(t, -0.1, 0.3),
        "normal_(0.5, 0.02)": lambda t: nn.init.normal_(t, 0.5, 0.02),
        "kaiming_uniform_()": lambda t: nn.init.kaiming_uniform_(t),
        "kaiming_uniform_(a=sqrt5)": lambda t: nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
        "kaiming_uniform_(fan_out, relu)": lambda t: nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
        "kaiming_normal_()": lambda t: nn.init.kaiming_normal_(t),
        "kaiming_normal_(fan_out, tanh)": lambda t: nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="tanh"),
        "xavier_uniform_()": lambda t: nn.init.xavier_uniform_(t),
        "xavier_uniform_(gain=tanh)": lambda t: nn.init.xavier_uniform_(t, gain=nn.init.calculate_gain("tanh")),
        "xavier_normal_()": lambda t: nn.init.xavier_normal_(t),
        "xavier_normal_(gain=2.5)": lambda t: nn.init.xavier_normal_(t, gain=2.5),
        "constant_(0.25)": lambda t: nn.init.constant_(t, 0.25),
        "ones_": nn.init.ones_,
        "zeros_": nn.init.zeros_,
    }
    cases = []
    for shape in ([20, 7], [4, 3, 5], [3, 2]):
        for name, fn in fns.items():
            torch.manual_seed(11)
            t = torch.empty(shape)
            fn(t)
            cases.append({"fn": name, "shape": shape, "seed": 11, "values": b64(t)})
    out["init_fns"] = cases

    gains = []
    for nl, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                      ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("leaky_relu", 0), ("selu", None)]:
        gains.append({"nonlinearity": nl, "param": param, "gain": nn.init.calculate_gain(nl, param)})
    out["gains"] = gains
    out["init_errors"] = {
        "gain_unsupported": err(lambda: nn.init.calculate_gain("softplus")),
        "gain_bad_slope": err(lambda: nn.init.calculate_gain("leaky_relu", True)),
        "fan_1d": err(lambda: nn.init.xavier_uniform_(torch.empty(5))),
        "bad_mode": err(lambda: nn.init.kaiming_uniform_(torch.empty(3, 4), mode="fan_avg")),
    }

    # module reprs (the TS test builds the same modules by name)
    reprs = {
        "linear": nn.Linear(30, 200),
        "linear_nobias": nn.Linear(4, 2, bias=False),
        "embedding": nn.Embedding(27, 10),
        "embedding_pad": nn.Embedding(10, 3, padding_idx=0),
        "embedding_maxnorm": nn.Embedding(10, 3, max_norm=1.5, norm_type=1.0, scale_grad_by_freq=True),
        "batchnorm": nn.BatchNorm1d(200),
        "batchnorm_opts": nn.BatchNorm1d(8, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
        "layernorm": nn.LayerNorm(384),
        "layernorm_2d_noaffine": nn.LayerNorm([2, 3], eps=1e-6, elementwise_affine=False),
        "dropout": nn.Dropout(0.2),
        "dropout_default": nn.Dropout(),
        "tanh": nn.Tanh(),
        "relu": nn.ReLU(),
        "relu_inplace": nn.ReLU(inplace=True),
        "gelu": nn.GELU(),
        "gelu_tanh": nn.GELU(approximate="tanh"),
        "sigmoid": nn.Sigmoid(),
        "softmax": nn.Softmax(dim=1),
        "softmax_none": nn.Softmax(),
        "flatten": nn.Flatten(),
        "flatten_0_2": nn.Flatten(0, 2),
        "identity": nn.Identity(),
        "mlp": nn.Sequential(
            nn.Linear(30, 200, bias=False), nn.BatchNorm1d(200), nn.Tanh(),
            nn.Linear(200, 27), nn.BatchNorm1d(27),
        ),
        "nested": nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(4, 4), nn.GELU()), nn.ModuleList([nn.ReLU(), nn.Dropout(0.1)])),
        "moduledict": nn.ModuleDict({"act": nn.Tanh(), "lin": nn.Linear(2, 2)}),
        # activation modules (the TS test builds them with the same arguments)
        "leaky_relu": nn.LeakyReLU(),
        "leaky_relu_opts": nn.LeakyReLU(0.2, True),
        "elu": nn.ELU(),
        "elu_opts": nn.ELU(0.5, True),
        "celu": nn.CELU(),
        "celu_2": nn.CELU(2.0),
        "selu": nn.SELU(),
        "selu_inplace": nn.SELU(True),
        "glu": nn.GLU(),
        "hardtanh": nn.Hardtanh(),
        "hardtanh_opts": nn.Hardtanh(-2.5, 2.5, True),
        "relu6": nn.ReLU6(),
        "relu6_inplace": nn.ReLU6(True),
        "silu": nn.SiLU(),
        "silu_inplace": nn.SiLU(True),
        "mish": nn.Mish(),
        "hardswish": nn.Hardswish(),
        "hardswish_inplace": nn.Hardswish(True),
        "hardsigmoid": nn.Hardsigmoid(),
        "logsigmoid": nn.LogSigmoid(),
        "softplus": nn.Softplus(),
        "softplus_opts": nn.Softplus(2, 5),
        "softplus_half": nn.Softplus(0.5),
        "softsign": nn.Softsign(),
        "tanhshrink": nn.Tanhshrink(),
        "softshrink": nn.Softshrink(),
        "hardshrink": nn.Hardshrink(0.3),
        "softmin": nn.Softmin(1),
        "log_softmax": nn.LogSoftmax(dim=1),
        "log_softmax_none": nn.LogSoftmax(),
        "prelu": nn.PReLU(),
        "prelu_3": nn.PReLU(3, 0.1),
        # loss modules
        "cross_entropy": nn.CrossEntropyLoss(),
        "cross_entropy_opts": nn.CrossEntropyLoss(weight=torch.ones(3), ignore_index=1, label_smoothing=0.1),
        "nll": nn.NLLLoss(),
        "mse": nn.MSELoss(),
        "mse_sum": nn.MSELoss(reduction="sum"),
        "l1": nn.L1Loss(),
        "bce": nn.BCELoss(),
        "bce_logits": nn.BCEWithLogitsLoss(),
        "smooth_l1": nn.SmoothL1Loss(),
        "huber": nn.HuberLoss(),
        "kl_div": nn.KLDivLoss(reduction="batchmean"),
        "act_stack": nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.1), nn.Linear(8, 8), nn.SiLU(), nn.Linear(8, 2), nn.LogSoftmax(dim=-1)),
    }
    out["reprs"] = {k: repr(v) for k, v in reprs.items()}

    cfg = {"n_embd": 8, "n_head": 2, "n_layer": 2, "block_size": 4, "dropout": 0.0, "vocab_size": 5}
    torch.manual_seed(0)
    gpt = GPTLanguageModel(cfg)
    out["gpt_keys"] = list(gpt.state_dict().keys())
    out["gpt_param_names"] = [n for n, _ in gpt.named_parameters()]
    out["gpt_repr"] = repr(gpt)
    mlp = reprs["mlp"]
    out["mlp_keys"] = list(mlp.state_dict().keys())
    out["mlp_buffer_names"] = [n for n, _ in mlp.named_buffers()]
    # a loss's weight is a buffer (in state_dict when given)
    out["loss_state_dict_keys"] = {
        "cross_entropy": list(reprs["cross_entropy"].state_dict().keys()),
        "cross_entropy_opts": list(reprs["cross_entropy_opts"].state_dict().keys()),
        "bce_logits_pos": list(nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)).state_dict().keys()),
    }

    # load_state_dict strictness
    def load(sd, strict=True):
        m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
        return m.load_state_dict(sd, strict=strict)

    good = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).state_dict()
    missing = {k: v for k, v in good.items() if k != "1.running_var"}
    unexpected = dict(good, **{"2.weight": torch.zeros(1)})
    both = dict(missing, **{"extra": torch.zeros(1)})
    wrong = dict(good, **{"0.weight": torch.zeros(2, 4)})
    lr = load(both, strict=False)
    out["load_state_dict"] = {
        "missing": err(lambda: load(missing)),
        "unexpected": err(lambda: load(unexpected)),
        "both": err(lambda: load(both)),
        "size": err(lambda: load(wrong)),
        "size_nonstrict": err(lambda: load(dict(wrong, extra=torch.zeros(1)), strict=False)),
        "nonstrict_result": {"missing_keys": lr.missing_keys, "unexpected_keys": lr.unexpected_keys},
    }

    # layer values: inputs from randn after manual_seed, outputs and input/param grads
    layers = []

    def run(name, make, shape, train=True, steps=1, seed=5):
        torch.manual_seed(seed)
        m = make()
        m.train(train)
        rec = {"name": name, "train": train, "shape": shape, "seed": seed, "steps": []}
        for _ in range(steps):
            x = torch.randn(shape, requires_grad=True)
            y = m(x)
            w = torch.linspace(-1, 1, y.numel()).view(y.shape)
            (y * w).sum().backward()
            step = {"x": b64(x), "y": b64(y), "x_grad": b64(x.grad)}
            step["params"] = {n: b64(p.grad) for n, p in m.named_parameters()}
            step["buffers"] = {n: b64(b) if b.dtype != torch.int64 else int(b) for n, b in m.named_buffers()}
            rec["steps"].append(step)
            m.zero_grad()
        layers.append(rec)

    run("linear", lambda: nn.Linear(6, 4), [5, 6])
    run("linear_3d", lambda: nn.Linear(6, 4), [2, 3, 6])
    run("batchnorm_2d", lambda: nn.BatchNorm1d(4), [8, 4], steps=3)
    run("batchnorm_3d", lambda: nn.BatchNorm1d(3, momentum=None), [4, 3, 5], steps=2)
    run("batchnorm_noaffine", lambda: nn.BatchNorm1d(4, affine=False, track_running_stats=False), [8, 4])

    def bn_eval():
        m = nn.BatchNorm1d(4)
        with torch.no_grad():
            m.running_mean.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
            m.running_var.copy_(torch.tensor([1.5, 0.5, 2.0, 1.0]))
            m.weight.copy_(torch.tensor([1.0, 2.0, 0.5, -1.0]))
        return m

    run("batchnorm_eval", bn_eval, [6, 4], train=False)
    run("layernorm", lambda: nn.LayerNorm(6), [3, 2, 6])
    run("layernorm_2d", lambda: nn.LayerNorm([2, 6], elementwise_affine=False), [3, 2, 6])
    run("dropout_train", lambda: nn.Dropout(0.3), [7, 9], steps=2)
    run("dropout_eval", lambda: nn.Dropout(0.3), [7, 9], train=False)
    run("gelu", lambda: nn.GELU(), [4, 5])
    run("gelu_tanh", lambda: nn.GELU(approximate="tanh"), [4, 5])
    run("tanh", lambda: nn.Tanh(), [4, 5])
    run("sigmoid", lambda: nn.Sigmoid(), [4, 5])
    run("relu", lambda: nn.ReLU(), [4, 5])
    run("softmax", lambda: nn.Softmax(dim=-1), [4, 5])
    run("flatten", lambda: nn.Flatten(), [2, 3, 4])
    run("mlp", lambda: nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3)), [10, 6], steps=2)
    acts = {
        "leaky_relu_opts": lambda: nn.LeakyReLU(0.2),
        "elu": lambda: nn.ELU(),
        "celu_2": lambda: nn.CELU(2.0),
        "selu": lambda: nn.SELU(),
        "glu": lambda: nn.GLU(),
        "hardtanh_opts": lambda: nn.Hardtanh(-0.5, 0.75),
        "relu6": lambda: nn.ReLU6(),
        "silu": lambda: nn.SiLU(),
        "mish": lambda: nn.Mish(),
        "hardswish": lambda: nn.Hardswish(),
        "hardsigmoid": lambda: nn.Hardsigmoid(),
        "logsigmoid": lambda: nn.LogSigmoid(),
        "softplus_opts": lambda: nn.Softplus(2, 5),
        "softsign": lambda: nn.Softsign(),
        "tanhshrink": lambda: nn.Tanhshrink(),
        "softshrink": lambda: nn.Softshrink(),
        "hardshrink": lambda: nn.Hardshrink(0.3),
        "softmin": lambda: nn.Softmin(1),
        "log_softmax": lambda: nn.LogSoftmax(dim=1),
    }
    for name, make in acts.items():
        run("act_" + name, make, [4, 6])
    run("act_prelu", lambda: nn.PReLU(), [4, 6])
    run("act_prelu_channels", lambda: nn.PReLU(3, 0.1), [2, 3, 4])
    run("act_stack", lambda: nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.1), nn.Linear(8, 8), nn.SiLU(), nn.Linear(8, 2), nn.LogSoftmax(dim=-1)), [5, 4])
    out["layers"] = layers

    # loss modules: value and input gradient for inputs drawn after manual_seed(11)
    losses = []

    def loss_case(name, make, x_shape, target, positive=False):
        torch.manual_seed(11)
        x = torch.randn(x_shape)
        if positive:
            x = x.sigmoid()
        x.requires_grad_()
        t = target()
        y = make()(x, t)
        w = torch.linspace(-1, 1, y.numel()).view(y.shape) if y.dim() > 0 else torch.tensor(1.5)
        (y * w).sum().backward()
        losses.append({"name": name, "x": b64(x), "target": b64(t), "y": b64(y), "x_grad": b64(x.grad)})

    cls = lambda: torch.tensor([0, 2, 1, 2, 0])
    loss_case("cross_entropy", lambda: nn.CrossEntropyLoss(), [5, 3], cls)
    loss_case("cross_entropy_opts", lambda: nn.CrossEntropyLoss(weight=torch.tensor([0.5, 2.0, 1.0]), ignore_index=1, label_smoothing=0.1), [5, 3], cls)
    loss_case("cross_entropy_none", lambda: nn.CrossEntropyLoss(reduction="none"), [5, 3], cls)
    loss_case("nll", lambda: nn.NLLLoss(), [5, 3], cls)
    loss_case("nll_sum", lambda: nn.NLLLoss(reduction="sum"), [5, 3], cls)
    dense = lambda: torch.linspace(-1, 1, 12).view(3, 4)
    loss_case("mse", lambda: nn.MSELoss(), [3, 4], dense)
    loss_case("mse_sum", lambda: nn.MSELoss(reduction="sum"), [3, 4], dense)
    loss_case("l1", lambda: nn.L1Loss(), [3, 4], dense)
    loss_case("smooth_l1", lambda: nn.SmoothL1Loss(beta=0.5), [3, 4], dense)
    loss_case("huber", lambda: nn.HuberLoss(delta=0.7), [3, 4], dense)
    prob = lambda: torch.linspace(0.05, 0.95, 12).view(3, 4)
    loss_case("bce", lambda: nn.BCELoss(), [3, 4], prob, positive=True)
    loss_case("bce_logits", lambda: nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 0.5, 1.5])), [3, 4], prob)
    loss_case("kl_div", lambda: nn.KLDivLoss(reduction="batchmean"), [3, 4], lambda: torch.softmax(torch.linspace(-1, 1, 12).view(3, 4), 1))
    out["losses"] = losses

    # embedding lookups and gradients (int inputs)
    torch.manual_seed(9)
    emb = nn.Embedding(7, 3, padding_idx=2)
    idx = torch.tensor([[0, 2, 6], [2, 2, 1]])
    y = emb(idx)
    (y * torch.linspace(-1, 1, y.numel()).view(y.shape)).sum().backward()
    out["embedding_forward"] = {"seed": 9, "idx": idx.tolist(), "weight": b64(emb.weight), "y": b64(y), "grad": b64(emb.weight.grad)}
    return out


# ------------------------------------------------------------------------------------------------
# nn_optim.json


def gen_optim():
    out = {"torch": torch.__version__}
    g = torch.Generator().manual_seed(123)
    p0 = [torch.randn(3, 4, generator=g), torch.randn(5, generator=g)]
    grads = [[torch.randn(3, 4, generator=g), torch.randn(5, generator=g)] for _ in range(6)]
    out["params"] = [b64(p) for p in p0]
    out["grads"] = [[b64(x) for x in step] for step in grads]
    configs = [
        ("SGD", {"lr": 0.1}),
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        ("SGD", {"lr": 0.1, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
        ("SGD", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
        ("Adam", {}),
        ("Adam", {"lr": 0.01, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1}),
        ("Adam", {"lr": 0.01, "amsgrad": True}),
        ("Adam", {"lr": 0.01, "maximize": True}),
        ("AdamW", {}),
        ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
        ("AdamW", {"lr": 0.02, "betas": (0.5, 0.9), "amsgrad": True, "weight_decay": 0.05}),
    ]
    runs = []
    for cls, kw in configs:
        ps = [p.clone().requires_grad_() for p in p0]
        opt = getattr(torch.optim, cls)(ps, **kw)
        traj = []
        for step in grads:
            for p, gr in zip(ps, step):
                p.grad = gr.clone()
            opt.step()
            traj.append([b64(p) for p in ps])
        runs.append({"optimizer": cls, "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()}, "trajectory": traj})
    out["runs"] = runs

    # two param groups with their own lr
    ps = [p.clone().requires_grad_() for p in p0]
    opt = torch.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.5}], lr=0.1, momentum=0.9)
    for step in grads[:3]:
        for p, gr in zip(ps, step):
            p.grad = gr.clone()
        opt.step()
    out["groups"] = {"params": [b64(p) for p in ps]}

    # schedulers: lr seen by the optimizer after construction and after each step
    def sched(make, epochs):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        s = make(opt)
        lrs = [opt.param_groups[0]["lr"]]
        last = [s.get_last_lr()[0]]
        for _ in range(epochs):
            opt.step()
            s.step()
            lrs.append(opt.param_groups[0]["lr"])
            last.append(s.get_last_lr()[0])
        return {"lrs": lrs, "last": last}

    out["schedulers"] = {
        "StepLR(3, 0.5)": sched(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10),
        "CosineAnnealingLR(5, 0.01)": sched(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01), 15),
        "CosineAnnealingLR(10)": sched(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10), 12),
        "LambdaLR(0.95^e)": sched(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 0.95 ** e), 8),
    }

    # clip_grad_norm_
    clips = []
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, float("inf")), (2.0, 1.0), (1.0, 3.0)]:
        ps = [p.clone().requires_grad_() for p in p0]
        for p, gr in zip(ps, grads[0]):
            p.grad = gr.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        clips.append({"max_norm": max_norm, "norm_type": "inf" if math.isinf(norm_type) else norm_type,
                      "total": total.item(), "grads": [b64(p.grad) for p in ps]})
    out["clip_grad_norm"] = clips

    z = [torch.zeros(2, requires_grad=True)]
    out["errors"] = {
        "sgd_lr": err(lambda: torch.optim.SGD(z, lr=-1)),
        "sgd_nesterov": err(lambda: torch.optim.SGD(z, lr=0.1, nesterov=True)),
        "adam_beta": err(lambda: torch.optim.Adam(z, betas=(1.0, 0.999))),
        "adam_eps": err(lambda: torch.optim.Adam(z, eps=-1e-8)),
        "empty": err(lambda: torch.optim.SGD([], lr=0.1)),
    }
    return out


# ------------------------------------------------------------------------------------------------
# nn_examples.json


def names():
    with open(os.path.join(ROOT, "data", "names.txt"), "r") as f:
        words = f.read().splitlines()
    chars = sorted(list(set("".join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}
    return words, stoi, itos


def gen_bigram():
    words, stoi, itos = names()
    N = torch.zeros((27, 27), dtype=torch.int32)
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            N[stoi[ch1], stoi[ch2]] += 1
    P = (N + 1).float()
    P /= P.sum(1, keepdims=True)
    g = torch.Generator().manual_seed(2147483647)
    samples = []
    for _ in range(5):
        out = []
        ix = 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        samples.append("".join(out))
    log_likelihood = 0.0
    n = 0
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
            n += 1
    nll = -log_likelihood

    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    num = xs.nelement()
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g, requires_grad=True)
    W0 = W.detach().clone()
    losses = []
    for k in range(100):
        xenc = F.one_hot(xs, num_classes=27).float()
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
        losses.append(loss.item())
        W.grad = None
        loss.backward()
        W.data += -50 * W.grad
    g = torch.Generator().manual_seed(2147483647)
    nn_samples = []
    for _ in range(5):
        out = []
        ix = 0
        while True:
            xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float()
            logits = xenc @ W
            counts = logits.exp()
            p = counts / counts.sum(1, keepdims=True)
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        nn_samples.append("".join(out))
    return {
        "N_sum": int(N.sum()), "N_row0": N[0].tolist(), "samples": samples,
        "log_likelihood": repr(log_likelihood), "nll": repr(nll), "nll_per_n": repr(nll / n), "n": n,
        "W0": b64(W0), "W_final": b64(W), "losses": losses, "nn_samples": nn_samples,
    }


def gen_mlp(steps_logged=(0, 1, 10, 200)):
    words, stoi, itos = names()
    block_size = 3

    def build_dataset(ws):
        X, Y = [], []
        for w in ws:
            context = [0] * block_size
            for ch in w + ".":
                ix = stoi[ch]
                X.append(context)
                Y.append(ix)
                context = context[1:] + [ix]
        return torch.tensor(X), torch.tensor(Y)

    random.seed(42)
    random.shuffle(words)
    n1 = int(0.8 * len(words))
    n2 = int(0.9 * len(words))
    Xtr, Ytr = build_dataset(words[:n1])
    Xdev, Ydev = build_dataset(words[n1:n2])
    Xte, Yte = build_dataset(words[n2:])

    n_embd, n_hidden, vocab_size = 10, 200, 27
    g = torch.Generator().manual_seed(2147483647)
    C = torch.randn((vocab_size, n_embd), generator=g)
    W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * (5 / 3) / ((n_embd * block_size) ** 0.5)
    W2 = torch.randn((n_hidden, vocab_size), generator=g) * 0.01
    b2 = torch.randn(vocab_size, generator=g) * 0
    bngain = torch.ones((1, n_hidden))
    bnbias = torch.zeros((1, n_hidden))
    bnmean_running = torch.zeros((1, n_hidden))
    bnstd_running = torch.ones((1, n_hidden))
    parameters = [C, W1, W2, b2, bngain, bnbias]
    init = {"C": b64(C), "W1": b64(W1), "W2": b64(W2), "b2": b64(b2)}
    for p in parameters:
        p.requires_grad = True
    max_steps = max(steps_logged) + 1
    lossi = []
    batch_idx = []
    for i in range(max_steps):
        ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
        if i < 3:
            batch_idx.append(ix.tolist())
        Xb, Yb = Xtr[ix], Ytr[ix]
        emb = C[Xb]
        embcat = emb.view(emb.shape[0], -1)
        hpreact = embcat @ W1
        bnmeani = hpreact.mean(0, keepdim=True)
        bnstdi = hpreact.std(0, keepdim=True)
        hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
        with torch.no_grad():
            bnmean_running = 0.999 * bnmean_running + 0.001 * bnmeani
            bnstd_running = 0.999 * bnstd_running + 0.001 * bnstdi
        h = torch.tanh(hpreact)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Yb)
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < 100000 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        lossi.append(loss.item())

    @torch.no_grad()
    def split_loss(x, y):
        emb = C[x]
        hpreact = emb.view(emb.shape[0], -1) @ W1
        hpreact = bngain * (hpreact - bnmean_running) / bnstd_running + bnbias
        return F.cross_entropy(torch.tanh(hpreact) @ W2 + b2, y).item()

    g = torch.Generator().manual_seed(2147483647 + 10)
    samples = []
    for _ in range(20):
        out = []
        context = [0] * block_size
        while True:
            emb = C[torch.tensor([context])]
            hpreact = emb.view(1, -1) @ W1
            hpreact = bngain * (hpreact - bnmean_running) / bnstd_running + bnbias
            logits = torch.tanh(hpreact) @ W2 + b2
            probs = F.softmax(logits, dim=1)
            ix = torch.multinomial(probs, num_samples=1, generator=g).item()
            context = context[1:] + [ix]
            out.append(ix)
            if ix == 0:
                break
        samples.append("".join(itos[i] for i in out))
    return {
        "sizes": {"train": list(Xtr.shape), "val": list(Xdev.shape), "test": list(Xte.shape)},
        "first_words": words[:5],
        "init": init,
        "batch_idx": batch_idx,
        "loss_at": {str(i): lossi[i] for i in steps_logged},
        "after_steps": max_steps,
        "train_loss": split_loss(Xtr, Ytr),
        "val_loss": split_loss(Xdev, Ydev),
        "samples": samples,
        "bnmean_running": b64(bnmean_running),
    }


def gen_examples():
    tiny = {"n_embd": 32, "n_head": 4, "n_layer": 2, "block_size": 16, "batch_size": 8, "dropout": 0.0}
    drop = dict(tiny, dropout=0.2)
    return {
        "torch": torch.__version__,
        "bigram": gen_bigram(),
        "mlp": gen_mlp(),
        "gpt_tiny": train_gpt(tiny, 50, 1e-3),
        "gpt_tiny_dropout": train_gpt(drop, 5, 1e-3),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    which = sys.argv[1:] or ["nn", "optim", "examples"]
    gens = {"nn": gen_nn, "optim": gen_optim, "examples": gen_examples}
    for w in which:
        doc = gens[w]()
        name = "nn.json" if w == "nn" else f"nn_{w}.json"
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print("wrote", name)


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
