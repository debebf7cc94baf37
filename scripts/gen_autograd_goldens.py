#!/usr/bin/env python3
"""Goldens for test/autograd_ops.test.ts: forward values, input gradients, grad_fn names and reprs
of every differentiable torch op and torch.nn.functional function torchlette implements.

Run with Debian's torch 1.13 (the reference: its node names and numbers win):
    /usr/bin/python3 scripts/gen_autograd_goldens.py          -> test/goldens/autograd_ops.json
and with torch 2.x for the functions 1.13 lacks (scaled_dot_product_attention):
    /work/.venv-oracle/bin/python scripts/gen_autograd_goldens.py --v2  -> test/goldens/autograd_ops_v2.json

A case names a call and its inputs. The call is one of
    "m:NAME"  method of input 0:      t0.NAME(*rest, *args, **kw)
    "torch:NAME"                      torch.NAME(*tensors, *args, **kw)
    "F:NAME"                          F.NAME(*tensors, *args, **kw)
    "x:NAME"  a small custom function, the same in CUSTOM below and in the TypeScript test.
Inputs: float leaves (requires_grad unless rg=False) built from stored data, turned into the
op's input by a layout: "T" (the leaf's last two dims transposed, non-contiguous), "step" (every
other element of the last dim), "expand" (a size-1 leaf broadcast to the shape). An input with
kw=NAME is passed as that keyword instead of positionally. Each differentiable output gets a
stored random upstream gradient; gradients are those of the leaves.
The error-message goldens at the end run small snippets whose TypeScript twins are in
test/autograd_engine.test.ts (keyed by id).
"""
import json, math, os, sys, zlib
import torch
import torch.nn.functional as F

V2 = "--v2" in sys.argv
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "goldens", "autograd_ops_v2.json" if V2 else "autograd_ops.json")

CASES = []


def inp(shape, dist="normal", layout=None, rg=True, dtype="float32", kw=None, leaf=None):
    return dict(shape=list(shape), dist=dist, layout=layout, rg=rg, dtype=dtype, kw=kw, leaf=leaf)


def case(id, call, inputs, args=(), kw=None, v2=False, seed=None, post=(), gradcheck=True):
    CASES.append(dict(id=id, call=call, inputs=inputs, args=list(args), kw=kw or {}, v2=v2, seed=seed, post=list(post), gradcheck=gradcheck))


def N(*shape, **o):
    return inp(shape, **o)


# ---------------------------------------------------------------------------------------------
# case list

UNARY = {
    "neg": "normal", "abs": "pm", "sign": "pm", "exp": "normal", "exp2": "normal", "log": "pos", "log2": "pos",
    "log10": "pos", "log1p": "pos", "expm1": "normal", "sqrt": "pos", "rsqrt": "pos", "sin": "normal", "cos": "normal",
    "tan": "unit", "asin": "unit", "acos": "unit", "atan": "normal", "sinh": "normal", "cosh": "normal",
    "tanh": "normal", "sigmoid": "normal", "relu": "pm", "floor": "normal", "ceil": "normal", "round": "normal",
    "trunc": "normal", "frac": "normal", "reciprocal": "pos", "square": "normal", "erf": "normal",
}
for name, dist in UNARY.items():
    case(f"{name}", f"m:{name}", [N(3, 4, dist=dist)])
    case(f"{name}_T", f"torch:{name}", [N(2, 3, dist=dist, layout="T")])
case("round_decimals", "m:round", [N(3, 4)], kw=dict(decimals=1))
case("relu_step", "m:relu", [N(2, 3, dist="pm", layout="step")])

BIN = ["add", "sub", "mul", "div", "maximum", "minimum", "atan2"]
for name in BIN:
    d = "pos" if name == "div" else "normal"
    case(f"{name}", f"torch:{name}", [N(3, 4), N(3, 4, dist=d)])
    case(f"{name}_bcast", f"torch:{name}", [N(2, 3, 1), N(4, dist=d)])
    case(f"{name}_bcast0", f"torch:{name}", [N(3, 4, dist=d, layout="T"), N(1, 4)])
    if name not in ("maximum", "minimum", "atan2"):
        case(f"{name}_scalar", f"m:{name}", [N(3, 4)], args=[1.5])
    case(f"{name}_expand", f"torch:{name}", [N(3, 4, layout="expand", leaf=[1, 4]), N(3, 4, dist=d)])
case("add_alpha", "torch:add", [N(3, 4), N(4)], kw=dict(alpha=2.5))
case("sub_alpha", "torch:sub", [N(3, 4), N(3, 1)], kw=dict(alpha=-0.5))
case("rsub", "torch:rsub", [N(3, 4), N(4)])
case("rsub_scalar", "x:rsub_scalar", [N(3, 4)], args=[1.0])
case("div_floor", "m:div", [N(3, 4), N(3, 4, dist="pos")], kw=dict(rounding_mode="floor"))
case("div_trunc", "m:div", [N(3, 4), N(3, 4, dist="pos")], kw=dict(rounding_mode="trunc"))
case("remainder", "torch:remainder", [N(3, 4), N(3, 4, dist="pos")])
case("remainder_scalar", "m:remainder", [N(3, 4)], args=[0.7])
case("fmod", "torch:fmod", [N(3, 4), N(3, 4, dist="pos")])
case("fmod_scalar", "m:fmod", [N(3, 4)], args=[0.7])
case("pow_scalar", "m:pow", [N(3, 4)], args=[3])
case("pow_half", "m:pow", [N(3, 4, dist="pos")], args=[0.5])
case("pow_tensor", "torch:pow", [N(3, 4, dist="pos"), N(3, 4)])
case("pow_bcast", "torch:pow", [N(3, 4, dist="pos"), N(4)])
case("rpow", "x:rpow", [N(3, 4)], args=[2.0])
case("where", "torch:where", [N(3, 4, dist="bool", rg=False), N(3, 4), N(4)])
case("clamp", "m:clamp", [N(3, 4)], kw=dict(min=-0.5, max=0.5))
case("clamp_min", "m:clamp", [N(3, 4)], kw=dict(min=-0.5))
case("clamp_max", "m:clamp", [N(3, 4)], kw=dict(max=0.5))
case("clamp_tensor", "m:clamp", [N(3, 4), N(3, 4, kw="min"), N(4, kw="max", dist="pos")])
case("clamp_min_fn", "m:clamp_min", [N(3, 4)], args=[0.1])
case("clamp_max_fn", "m:clamp_max", [N(3, 4)], args=[0.1])
case("masked_fill", "m:masked_fill", [N(3, 4), N(3, 4, dist="bool", rg=False)], args=[0.5])
case("masked_fill_bcast", "m:masked_fill", [N(3, 4), N(4, dist="bool", rg=False)], args=[-1.0])
case("lerp_scalar", "torch:lerp", [N(3, 4), N(3, 4)], args=[0.3])
case("lerp_tensor", "torch:lerp", [N(3, 4), N(3, 4), N(3, 4, dist="prob")])

# views and copies
case("view", "m:view", [N(3, 4)], args=[2, 6])
case("view_infer", "m:view", [N(2, 3, 4)], args=[-1, 4])
case("reshape", "m:reshape", [N(3, 4)], args=[[4, 3]])
case("reshape_T", "m:reshape", [N(3, 4, layout="T")], args=[[-1]])
case("flatten", "m:flatten", [N(2, 3, 4)])
case("flatten1", "m:flatten", [N(2, 3, 4)], args=[1])
case("unflatten", "m:unflatten", [N(3, 4)], args=[1, [2, 2]])
case("squeeze", "m:squeeze", [N(3, 1, 4)])
case("squeeze_dim", "m:squeeze", [N(3, 1, 4)], args=[1])
case("unsqueeze", "m:unsqueeze", [N(3, 4)], args=[1])
case("permute", "m:permute", [N(2, 3, 4)], args=[2, 0, 1])
case("transpose", "m:transpose", [N(2, 3, 4)], args=[0, 2])
case("t", "m:t", [N(3, 4)])
case("T_prop", "x:T", [N(3, 4)])
case("mT_prop", "x:mT", [N(2, 3, 4)])
case("narrow", "m:narrow", [N(3, 4)], args=[1, 1, 2])
case("select", "m:select", [N(3, 4)], args=[1, 2])
case("select_neg", "m:select", [N(2, 3, 4)], args=[0, -1])
case("diagonal", "m:diagonal", [N(3, 4)])
case("diagonal_off", "m:diagonal", [N(3, 4)], args=[1])
case("diagonal_3d", "m:diagonal", [N(2, 3, 3)], args=[0, 1, 2])
case("movedim", "m:movedim", [N(2, 3, 4)], args=[0, 2])
case("clone", "m:clone", [N(3, 4, layout="T")])
case("contiguous", "m:contiguous", [N(3, 4, layout="T")])
case("flip", "m:flip", [N(3, 4)], args=[[0, 1]])
case("expand", "m:expand", [N(3, 1)], args=[3, 4])
case("expand_as", "m:expand_as", [N(4), N(3, 4, rg=False)])
case("as_strided", "m:as_strided", [N(3, 4)], args=[[2, 2], [1, 2]])
case("to_double", "m:double", [N(3, 4)])
case("to_dtype", "m:to", [N(3, 4)], args=[{"$dtype": "float64"}])
case("tril", "m:tril", [N(3, 4)])
case("triu_k", "m:triu", [N(3, 4)], args=[1])
case("slice_step", "x:slice_step", [N(4, 5)])

# reductions
case("sum", "m:sum", [N(3, 4)])
case("sum_dim", "m:sum", [N(2, 3, 4)], args=[1])
case("sum_dims_keep", "m:sum", [N(2, 3, 4, layout="T")], args=[[0, 2]], kw=dict(keepdim=True))
case("nansum", "m:nansum", [N(3, 4)])
case("mean", "m:mean", [N(3, 4)])
case("mean_dim", "m:mean", [N(2, 3, 4)], args=[-1], kw=dict(keepdim=True))
case("prod", "m:prod", [N(2, 3)])
case("prod_dim", "m:prod", [N(3, 4)], args=[1])
case("max_all", "m:max", [N(3, 4)])
case("max_dim", "m:max", [N(3, 4)], args=[1])
case("min_dim_keep", "m:min", [N(3, 4)], args=[0], kw=dict(keepdim=True))
case("min_all", "m:min", [N(3, 4)])
case("amax", "m:amax", [N(3, 4)], args=[1])
case("amin_dims", "m:amin", [N(2, 3, 4)], args=[[0, 2]])
case("var", "m:var", [N(3, 4)])
case("var_dim", "m:var", [N(3, 4)], args=[1])
case("var_biased", "m:var", [N(3, 4)], args=[0], kw=dict(unbiased=False))
case("std", "m:std", [N(3, 4)])
case("std_dim_keep", "m:std", [N(3, 4)], args=[1], kw=dict(keepdim=True))
case("var_mean", "torch:var_mean", [N(3, 4)], args=[1])
case("std_mean", "torch:std_mean", [N(3, 4)])
case("logsumexp", "m:logsumexp", [N(3, 4)], args=[1])
case("logsumexp_keep", "m:logsumexp", [N(2, 3, 4)], args=[[0, 2]], kw=dict(keepdim=True))
case("cumsum", "m:cumsum", [N(3, 4)], args=[1])
case("cumprod", "m:cumprod", [N(3, 4)], args=[1])
case("norm", "m:norm", [N(3, 4)])
case("norm_dim", "m:norm", [N(3, 4)], kw=dict(dim=1))
case("norm_p1", "m:norm", [N(3, 4, dist="pm")], kw=dict(p=1))
case("norm_inf", "m:norm", [N(3, 4)], kw=dict(p={"$num": "inf"}))
case("norm_p3_dim", "m:norm", [N(3, 4)], kw=dict(p=3, dim=0, keepdim=True))

# linear algebra
case("matmul_2d", "torch:matmul", [N(3, 4), N(4, 5)])
case("matmul_1d1d", "torch:matmul", [N(4), N(4)])
case("matmul_2d1d", "torch:matmul", [N(3, 4), N(4)])
case("matmul_1d2d", "torch:matmul", [N(4), N(4, 5)])
case("matmul_3d3d", "torch:matmul", [N(2, 3, 4), N(2, 4, 5)])
case("matmul_3d2d", "torch:matmul", [N(2, 3, 4), N(4, 5)])
case("matmul_1d3d", "torch:matmul", [N(4), N(2, 4, 5)])
case("matmul_bcast", "torch:matmul", [N(2, 1, 3, 4), N(3, 4, 2)])
case("matmul_T", "torch:matmul", [N(3, 4, layout="T"), N(4, 5, layout="T")])
case("mm", "torch:mm", [N(3, 4), N(4, 2)])
case("bmm", "torch:bmm", [N(2, 3, 4), N(2, 4, 2)])
case("dot", "torch:dot", [N(5), N(5)])
case("mv", "torch:mv", [N(3, 4), N(4)])
case("outer", "torch:outer", [N(3), N(4)])
case("addmm", "torch:addmm", [N(4), N(3, 5), N(5, 4)])
case("addmm_ab", "torch:addmm", [N(3, 4), N(3, 5), N(5, 4)], kw=dict(beta=0.5, alpha=2.0))

# joining
case("cat", "x:cat", [N(2, 3), N(1, 3)], args=[0])
case("cat_dim1", "x:cat", [N(2, 3), N(2, 2, layout="T")], args=[1])
case("stack", "x:stack", [N(2, 3), N(2, 3)], args=[1])
case("hstack", "x:hstack", [N(2, 3), N(2, 1)])
case("vstack", "x:vstack", [N(3), N(2, 3)])
case("split", "m:split", [N(5, 3)], args=[2])
case("split_sizes", "m:split", [N(5, 3)], args=[[1, 4]])
case("chunk", "m:chunk", [N(3, 4)], args=[2, 1])
case("unbind", "m:unbind", [N(3, 4)], args=[1])

# indexing, gather/scatter, sorting and the other ops of src/ops/{indexing,scatter,sort,misc}.ts
case("getitem_tensor", "x:getitem_t", [N(5, 3), N(4, dist="int:5", rg=False)])
case("getitem_2d_tensors", "x:getitem_tt", [N(4, 5), N(3, dist="int:4", rg=False), N(3, dist="int:5", rg=False)])
case("getitem_mask", "x:getitem_t", [N(3, 4), N(3, 4, dist="bool", rg=False)])
case("getitem_slice_tensor", "x:getitem_slice_t", [N(3, 5), N(2, 2, dist="int:5", rg=False)])
case("getitem_basic", "x:getitem_basic", [N(3, 4, 5)])
case("setitem_tensor", "x:setitem_t", [N(5, 3), N(3, dist="perm:5", rg=False), N(3, 3)])
case("index_select", "x:index_select", [N(4, 3), N(5, dist="int:4", rg=False)], args=[0])
case("index_select_dim1", "x:index_select", [N(3, 4, layout="T"), N(2, dist="int:4", rg=False)], args=[1])
case("gather", "x:gather", [N(3, 4), N(3, 2, dist="int:4", rg=False)], args=[1])
case("scatter", "x:scatter", [N(3, 5), N(3, 2, dist="perm:5", rg=False), N(3, 2)], args=[1])
case("scatter_add", "x:scatter_add", [N(3, 5), N(3, 4, dist="int:5", rg=False), N(3, 4)], args=[1])
case("scatter_reduce_sum", "x:scatter_reduce", [N(3, 5), N(3, 4, dist="int:5", rg=False), N(3, 4)], args=[1, "sum"])
case("scatter_reduce_mean", "x:scatter_reduce", [N(3, 5), N(3, 4, dist="int:5", rg=False), N(3, 4)], args=[1, "mean"], kw=dict(include_self=False))
case("scatter_reduce_amax", "x:scatter_reduce", [N(3, 5), N(3, 4, dist="int:5", rg=False), N(3, 4)], args=[1, "amax"])
case("index_add", "x:index_add", [N(4, 3), N(5, dist="int:4", rg=False), N(5, 3)], args=[0])
case("index_fill", "x:index_fill", [N(3, 4), N(2, dist="perm:4", rg=False)], args=[1, 2.5])
case("index_put", "x:index_put", [N(5, 3), N(3, dist="perm:5", rg=False), N(3, 3)])
case("index_put_acc", "x:index_put", [N(5, 3), N(4, dist="int:5", rg=False), N(4, 3)], kw=dict(accumulate=True))
case("take", "torch:take", [N(3, 4), N(5, dist="int:12", rg=False)])
case("put", "torch:put", [N(3, 4), N(3, dist="perm:12", rg=False), N(3)])
case("masked_select", "torch:masked_select", [N(3, 4), N(3, 4, dist="bool", rg=False)])
case("sort", "m:sort", [N(3, 4)], args=[1])
case("sort_desc", "m:sort", [N(3, 4)], kw=dict(dim=0, descending=True))
case("msort", "torch:msort", [N(3, 4)])
case("topk", "m:topk", [N(3, 5)], args=[2])
case("topk_smallest", "m:topk", [N(4, 3)], args=[2], kw=dict(dim=0, largest=False))
case("kthvalue", "m:kthvalue", [N(3, 5)], args=[2, 1])
case("median_all", "m:median", [N(3, 5)])
case("median_dim", "m:median", [N(3, 5)], args=[1])
case("repeat", "m:repeat", [N(2, 3)], args=[2, 1, 2])
case("repeat_interleave", "m:repeat_interleave", [N(2, 3)], args=[2], kw=dict(dim=0))
case("tile", "m:tile", [N(2, 3)], args=[[2, 1]])
case("roll", "m:roll", [N(3, 4)], args=[1, 1])
case("roll_flat", "m:roll", [N(3, 4)], args=[-2])
case("diff", "m:diff", [N(3, 4)], kw=dict(dim=1))
case("diag_1d", "m:diag", [N(3)])
case("diag_2d", "m:diag", [N(3, 4)], args=[1])
case("diag_embed", "m:diag_embed", [N(2, 3)])
case("trace", "m:trace", [N(3, 4)])
case("einsum_mm", "x:einsum", [N(3, 4), N(4, 2)], args=["ij,jk->ik"])
case("einsum_batch_outer", "x:einsum", [N(2, 3), N(2, 4)], args=["bi,bj->bij"])
case("einsum_trace", "x:einsum", [N(3, 3)], args=["ii"])

# torch.nn.functional
for dim in (0, 1, -1):
    case(f"softmax_{dim}", "F:softmax", [N(3, 4, 2)], kw=dict(dim=dim))
    case(f"log_softmax_{dim}", "F:log_softmax", [N(3, 4, 2)], kw=dict(dim=dim))
case("softmax_T", "F:softmax", [N(3, 4, layout="T")], kw=dict(dim=1))
case("softmax_dtype", "F:softmax", [N(3, 4)], kw=dict(dim=1, dtype={"$dtype": "float64"}))
case("log_softmax_0d", "F:log_softmax", [N()], kw=dict(dim=0))
case("softmax_method", "m:softmax", [N(3, 4)], args=[-1])
case("log_softmax_method", "m:log_softmax", [N(3, 4)], args=[0])
case("softmin", "F:softmin", [N(3, 4)], kw=dict(dim=1))
case("softmax_big", "F:softmax", [N(2, 4, dist="big")], kw=dict(dim=1))
case("ce", "F:cross_entropy", [N(5, 4), N(5, dist="int:4", rg=False)])
case("ce_big_logits", "F:cross_entropy", [N(2, 4, dist="big"), N(2, dist="int:4", rg=False)])
case("ce_sum", "F:cross_entropy", [N(5, 4), N(5, dist="int:4", rg=False)], kw=dict(reduction="sum"))
case("ce_none", "F:cross_entropy", [N(5, 4), N(5, dist="int:4", rg=False)], kw=dict(reduction="none"))
case("ce_weight", "F:cross_entropy", [N(5, 4), N(5, dist="int:4", rg=False), N(4, dist="pos", rg=False, kw="weight")])
case("ce_weight_none", "F:cross_entropy", [N(5, 4), N(5, dist="int:4", rg=False), N(4, dist="pos", rg=False, kw="weight")], kw=dict(reduction="none"))
case("ce_ignore", "F:cross_entropy", [N(5, 4), N(5, dist="int_ignore:4", rg=False)])
case("ce_ignore_w", "F:cross_entropy", [N(5, 4), N(5, dist="int_ignore:4", rg=False), N(4, dist="pos", rg=False, kw="weight")])
case("ce_1d", "F:cross_entropy", [N(4), N(dist="int:4", rg=False)])
case("ce_3d", "F:cross_entropy", [N(2, 4, 3), N(2, 3, dist="int:4", rg=False)])
case("ce_3d_none", "F:cross_entropy", [N(2, 4, 3), N(2, 3, dist="int:4", rg=False)], kw=dict(reduction="none"))
case("ce_4d", "F:cross_entropy", [N(2, 3, 2, 2), N(2, 2, 2, dist="int:3", rg=False)])
case("ce_T", "F:cross_entropy", [N(5, 4, layout="T"), N(5, dist="int:4", rg=False)])
case("ce_ls", "F:cross_entropy", [N(5, 4), N(5, dist="int:4", rg=False)], kw=dict(label_smoothing=0.1))
case("ce_ls_none", "F:cross_entropy", [N(5, 4), N(5, dist="int_ignore:4", rg=False)], kw=dict(label_smoothing=0.2, reduction="none"))
case("ce_ls_sum_w", "F:cross_entropy", [N(5, 4), N(5, dist="int_ignore:4", rg=False), N(4, dist="pos", rg=False, kw="weight")], kw=dict(label_smoothing=0.2, reduction="sum"))
case("ce_ls_mean_w", "F:cross_entropy", [N(5, 4), N(5, dist="int_ignore:4", rg=False), N(4, dist="pos", rg=False, kw="weight")], kw=dict(label_smoothing=0.3))
case("ce_prob", "F:cross_entropy", [N(3, 4), N(3, 4, dist="simplex", rg=False)])
case("ce_prob_sum", "F:cross_entropy", [N(3, 4), N(3, 4, dist="simplex", rg=False)], kw=dict(reduction="sum"))
case("ce_prob_none_w", "F:cross_entropy", [N(3, 4), N(3, 4, dist="simplex", rg=False), N(4, dist="pos", rg=False, kw="weight")], kw=dict(reduction="none"))
case("ce_prob_ls", "F:cross_entropy", [N(3, 4), N(3, 4, dist="simplex")], kw=dict(label_smoothing=0.1))
case("nll", "F:nll_loss", [N(5, 4), N(5, dist="int:4", rg=False)])
case("nll_none", "F:nll_loss", [N(5, 4), N(5, dist="int_ignore:4", rg=False)], kw=dict(reduction="none"))
case("nll_w_sum", "F:nll_loss", [N(5, 4), N(5, dist="int:4", rg=False), N(4, dist="pos", rg=False, kw="weight")], kw=dict(reduction="sum"))
case("nll_ignore_idx", "F:nll_loss", [N(5, 4), N(5, dist="int:4", rg=False)], kw=dict(ignore_index=1))
case("nll_4d_none", "F:nll_loss", [N(2, 3, 2, 2), N(2, 2, 2, dist="int:3", rg=False)], kw=dict(reduction="none"))
case("mse", "F:mse_loss", [N(3, 4), N(3, 4)])
case("mse_sum_bcast", "F:mse_loss", [N(3, 4), N(4)], kw=dict(reduction="sum"))
case("mse_none", "F:mse_loss", [N(3, 4, layout="T"), N(3, 4, rg=False)], kw=dict(reduction="none"))
case("l1", "F:l1_loss", [N(3, 4), N(3, 4)])
case("l1_sum", "F:l1_loss", [N(3, 4), N(3, 4, rg=False)], kw=dict(reduction="sum"))
case("l1_none", "F:l1_loss", [N(3, 4), N(3, 4)], kw=dict(reduction="none"))
case("bce", "F:binary_cross_entropy", [N(3, 4, dist="prob"), N(3, 4, dist="prob")])
case("bce_w_sum", "F:binary_cross_entropy", [N(3, 4, dist="prob"), N(3, 4, dist="prob", rg=False), N(4, dist="pos", rg=False, kw="weight")], kw=dict(reduction="sum"))
case("bce_none", "F:binary_cross_entropy", [N(3, 4, dist="prob"), N(3, 4, dist="bool01", rg=False)], kw=dict(reduction="none"))
case("bce_logits", "F:binary_cross_entropy_with_logits", [N(3, 4), N(3, 4, dist="prob")])
case("bce_logits_pw", "F:binary_cross_entropy_with_logits", [N(3, 4), N(3, 4, dist="prob"), N(4, dist="pos", rg=False, kw="pos_weight")])
case("bce_logits_w_none", "F:binary_cross_entropy_with_logits", [N(3, 4), N(3, 4, dist="prob", rg=False), N(3, 1, dist="pos", rg=False, kw="weight")], kw=dict(reduction="none"))
case("bce_logits_big", "F:binary_cross_entropy_with_logits", [N(2, 3, dist="big"), N(2, 3, dist="bool01", rg=False)], kw=dict(reduction="sum"))
case("smooth_l1", "F:smooth_l1_loss", [N(3, 4), N(3, 4)])
case("smooth_l1_beta", "F:smooth_l1_loss", [N(3, 4), N(3, 4)], kw=dict(beta=0.5, reduction="sum"))
case("huber", "F:huber_loss", [N(3, 4), N(3, 4)], kw=dict(delta=0.7))
case("kl_div", "F:kl_div", [N(3, 4), N(3, 4, dist="simplex", rg=False)], kw=dict(reduction="batchmean"))
case("kl_div_log", "F:kl_div", [N(3, 4), N(3, 4)], kw=dict(reduction="sum", log_target=True))
for act, extra, dist in (("relu", [], "pm"), ("leaky_relu", [0.1], "pm"), ("elu", [0.8], "pm"), ("hardtanh", [-0.5, 0.5], "pm"), ("silu", [], "normal"), ("mish", [], "normal")):
    case(f"{act}_inplace", "x:inplace_act", [N(3, 4, dist=dist)], args=[act, *extra])
case("dropout_inplace", "x:inplace_act", [N(3, 4)], args=["dropout", 0.4], seed=99)
case("gelu", "F:gelu", [N(3, 4)])
case("gelu_tanh", "F:gelu", [N(3, 4)], kw=dict(approximate="tanh"))
case("silu", "F:silu", [N(3, 4)])
case("mish", "F:mish", [N(3, 4)])
case("F_relu", "F:relu", [N(3, 4, dist="pm")])
case("F_tanh", "torch:tanh", [N(3, 4)])
case("F_sigmoid", "torch:sigmoid", [N(3, 4)])
case("leaky_relu", "F:leaky_relu", [N(3, 4, dist="pm")], args=[0.1])
case("leaky_relu_default", "F:leaky_relu", [N(3, 4, dist="pm")])
case("elu", "F:elu", [N(3, 4, dist="pm")])
case("elu_alpha", "F:elu", [N(3, 4, dist="pm")], kw=dict(alpha=0.5))
case("softplus", "F:softplus", [N(3, 4)])
case("softplus_beta", "F:softplus", [N(3, 4, dist="big")], kw=dict(beta=2, threshold=5))
case("hardtanh", "F:hardtanh", [N(3, 4, dist="pm")])
case("relu6", "F:relu6", [N(3, 4, dist="wide")])
case("logsigmoid", "F:logsigmoid", [N(3, 4, dist="big")])
case("glu", "F:glu", [N(3, 4)])
case("linear", "F:linear", [N(3, 4), N(5, 4), N(5)])
case("linear_nobias", "F:linear", [N(3, 4), N(5, 4)])
case("linear_1d", "F:linear", [N(4), N(5, 4), N(5)])
case("linear_3d", "F:linear", [N(2, 3, 4), N(5, 4), N(5)])
case("linear_3d_T", "F:linear", [N(2, 3, 4, layout="T"), N(5, 4), N(5)])
case("linear_4d", "F:linear", [N(2, 1, 3, 4), N(5, 4), N(5)])
case("bilinear", "F:bilinear", [N(3, 2), N(3, 4), N(5, 2, 4), N(5)])
case("embedding", "F:embedding", [N(2, 3, dist="int:6", rg=False), N(6, 4)])
# padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer the
# derivative of the forward), so PyTorch's own gradcheck fails on them too
case("embedding_pad", "F:embedding", [N(2, 3, dist="int:6", rg=False), N(6, 4)], kw=dict(padding_idx=1), gradcheck=False)
case("embedding_pad_neg", "F:embedding", [N(7, dist="int:6", rg=False), N(6, 4)], kw=dict(padding_idx=-1), gradcheck=False)
case("embedding_freq", "F:embedding", [N(7, dist="int:3", rg=False), N(6, 4)], kw=dict(scale_grad_by_freq=True), gradcheck=False)
case("embedding_max_norm", "F:embedding", [N(2, 3, dist="int:6", rg=False), N(6, 4, dist="wide")], kw=dict(max_norm=1.5), post=[1], gradcheck=False)  # the renorm rewrites the weight in place: no derivative
case("layer_norm", "F:layer_norm", [N(3, 4), N(4, kw="weight"), N(4, kw="bias")], args=[[4]])
case("layer_norm_plain", "F:layer_norm", [N(2, 3, 4)], args=[[3, 4]])
case("layer_norm_T", "F:layer_norm", [N(5, 3, layout="T"), N(3, kw="weight")], args=[[3]], kw=dict(eps=1e-3))
case("batch_norm_train", "F:batch_norm", [N(4, 3), N(3, rg=False), N(3, dist="pos", rg=False), N(3, kw="weight"), N(3, kw="bias")], kw=dict(training=True), post=[1, 2])
case("batch_norm_train_3d", "F:batch_norm", [N(2, 3, 4), N(3, rg=False), N(3, dist="pos", rg=False)], kw=dict(training=True, momentum=0.3), post=[1, 2])
case("batch_norm_train_nostats", "F:batch_norm", [N(2, 3, 2, 2), N(3, kw="weight")], args=[None, None], kw=dict(training=True))
case("batch_norm_eval", "F:batch_norm", [N(4, 3), N(3, rg=False), N(3, dist="pos", rg=False), N(3, kw="weight"), N(3, kw="bias")], kw=dict(training=False))
case("pad_const", "F:pad", [N(2, 3)], args=[[1, 2]])
case("pad_const_2d", "F:pad", [N(2, 3, 4)], args=[[1, 0, 2, 1]], kw=dict(value=0.5))
case("pad_const_neg", "F:pad", [N(3, 4)], args=[[-1, 2, 1, -1]])
case("pad_reflect", "F:pad", [N(2, 4)], args=[[2, 1]], kw=dict(mode="reflect"))
case("pad_reflect_2d", "F:pad", [N(1, 3, 4)], args=[[1, 2, 2, 1]], kw=dict(mode="reflect"))
case("pad_replicate", "F:pad", [N(2, 2, 3)], args=[[2, 1]], kw=dict(mode="replicate"))
case("pad_replicate_3d", "F:pad", [N(1, 2, 2, 3)], args=[[1, 1, 2, 0, 1, 1]], kw=dict(mode="replicate"))
case("normalize", "F:normalize", [N(3, 4)])
case("normalize_p1", "F:normalize", [N(3, 4, dist="pm")], kw=dict(p=1, dim=0))
case("cosine_similarity", "F:cosine_similarity", [N(3, 4), N(3, 4)])
case("dropout", "F:dropout", [N(4, 5)], args=[0.3], seed=1234)
case("dropout_f64", "F:dropout", [N(3, 4, dtype="float64")], kw=dict(p=0.6), seed=7)
case("dropout_eval", "F:dropout", [N(3, 4)], kw=dict(p=0.6, training=False))
case("sdpa", "F:scaled_dot_product_attention", [N(2, 3, 4), N(2, 5, 4), N(2, 5, 3)], v2=True)
case("sdpa_causal", "F:scaled_dot_product_attention", [N(1, 2, 4, 4), N(1, 2, 4, 4), N(1, 2, 4, 3)], kw=dict(is_causal=True), v2=True)
case("sdpa_mask_bool", "F:scaled_dot_product_attention", [N(3, 4), N(5, 4), N(5, 2), N(3, 5, dist="bool_mostly", rg=False, kw="attn_mask")], v2=True)
case("sdpa_mask_float_scale", "F:scaled_dot_product_attention", [N(2, 3, 4), N(2, 5, 4), N(2, 5, 3), N(3, 5, kw="attn_mask")], kw=dict(scale=0.3), v2=True)


# ---------------------------------------------------------------------------------------------
# evaluation


def make_data(spec, g):
    shape = spec["leaf"] or list(spec["shape"])
    if spec["layout"] == "T":
        shape = shape[:-2] + [shape[-1], shape[-2]]
    elif spec["layout"] == "step":
        shape = shape[:-1] + [shape[-1] * 2]
    dist = spec["dist"]
    if dist.startswith("perm"):
        k = int(dist.split(":")[1])
        rows = math.prod(shape[:-1])
        return torch.stack([torch.randperm(k, generator=g)[: shape[-1]] for _ in range(rows)]).reshape(shape)
    if dist.startswith("int"):
        k = int(dist.split(":")[1])
        t = torch.randint(0, k, shape, generator=g)
        if dist.startswith("int_ignore"):
            t = torch.where(torch.rand(shape, generator=g) < 0.3, torch.full_like(t, -100), t)
        return t
    if dist in ("bool", "bool_mostly"):
        t = torch.rand(shape, generator=g) < (0.5 if dist == "bool" else 0.8)
        if dist == "bool_mostly":
            t[..., 0] = True  # every row keeps one position so softmax stays finite
        return t
    u = torch.rand(shape, generator=g, dtype=torch.float64)
    n = torch.randn(shape, generator=g, dtype=torch.float64)
    if dist == "normal":
        t = n
    elif dist == "pos":
        t = 0.5 + 1.5 * u
    elif dist == "unit":
        t = -0.9 + 1.8 * u
    elif dist == "prob":
        t = 0.05 + 0.9 * u
    elif dist == "bool01":
        t = (u < 0.5).double()
    elif dist == "pm":
        t = torch.where(n >= 0, 0.2 + u, -0.2 - u)
    elif dist == "big":
        t = n * 30
    elif dist == "wide":
        t = n * 5
    elif dist == "simplex":
        t = torch.softmax(n, -1)
    else:
        raise ValueError(dist)
    return t.to(getattr(torch, spec["dtype"]))


def build(spec, data):
    leaf = data.clone()
    if spec["rg"] and leaf.is_floating_point():
        leaf.requires_grad_(True)
    x = leaf
    if spec["layout"] == "T":
        x = leaf.transpose(-2, -1)
    elif spec["layout"] == "step":
        x = leaf[..., ::2]
    elif spec["layout"] == "expand":
        x = leaf.expand(*spec["shape"])
    return leaf, x


def resolve(v):
    if isinstance(v, dict) and "$dtype" in v:
        return getattr(torch, v["$dtype"])
    if isinstance(v, dict) and "$num" in v:
        return float(v["$num"])
    if isinstance(v, list):
        return [resolve(a) for a in v]
    return v


CUSTOM = {
    "rsub_scalar": lambda ts, a, kw: a[0] - ts[0],
    # torchlette spells `2.0 ** x` as torch.pow(2.0, x): PowBackward2 (1.13 names `**` PowBackward1)
    "rpow": lambda ts, a, kw: torch.pow(a[0], ts[0]),
    "T": lambda ts, a, kw: ts[0].T,
    "mT": lambda ts, a, kw: ts[0].mT,
    "slice_step": lambda ts, a, kw: ts[0][1:, ::2],
    "cat": lambda ts, a, kw: torch.cat(ts, *a),
    "stack": lambda ts, a, kw: torch.stack(ts, *a),
    "hstack": lambda ts, a, kw: torch.hstack(ts),
    "vstack": lambda ts, a, kw: torch.vstack(ts),
    "getitem_t": lambda ts, a, kw: ts[0][ts[1]],
    "getitem_tt": lambda ts, a, kw: ts[0][ts[1], ts[2]],
    "getitem_slice_t": lambda ts, a, kw: ts[0][:, ts[1]],
    "getitem_basic": lambda ts, a, kw: ts[0][1, None, ..., 1:4:2],
    "setitem_t": lambda ts, a, kw: setitem(ts[0] * 1, ts[1], ts[2]),
    "index_select": lambda ts, a, kw: ts[0].index_select(a[0], ts[1]),
    "gather": lambda ts, a, kw: ts[0].gather(a[0], ts[1]),
    "scatter": lambda ts, a, kw: ts[0].scatter(a[0], ts[1], ts[2]),
    "scatter_add": lambda ts, a, kw: ts[0].scatter_add(a[0], ts[1], ts[2]),
    "scatter_reduce": lambda ts, a, kw: ts[0].scatter_reduce(a[0], ts[1], ts[2], a[1], **kw),
    "index_add": lambda ts, a, kw: ts[0].index_add(a[0], ts[1], ts[2]),
    "index_fill": lambda ts, a, kw: ts[0].index_fill(a[0], ts[1], a[1]),
    "index_put": lambda ts, a, kw: ts[0].index_put((ts[1],), ts[2], **kw),
    "einsum": lambda ts, a, kw: torch.einsum(a[0], *ts),
    "inplace_act": lambda ts, a, kw: getattr(F, a[0])(ts[0] * 1, *a[1:], inplace=True),
}


def setitem(t, i, v):
    t[i] = v
    return t


def call(c, xs):
    pos = [x for x, s in zip(xs, c["inputs"]) if not s["kw"]]
    kw = {k: resolve(v) for k, v in c["kw"].items()}
    for x, s in zip(xs, c["inputs"]):
        if s["kw"]:
            kw[s["kw"]] = x
    args = [resolve(a) for a in c["args"]]
    kind, name = c["call"].split(":")
    if kind == "m":
        return getattr(pos[0], name)(*pos[1:], *args, **kw)
    if kind == "torch":
        return getattr(torch, name)(*pos, *args, **kw)
    if kind == "F":
        return getattr(F, name)(*pos, *args, **kw)
    return CUSTOM[name](pos, args, kw)


def flat(t):
    return t.detach().double().flatten().tolist() if t.is_floating_point() else t.detach().flatten().tolist()


def encode(vals):
    # JSON has no inf/nan
    return [v if isinstance(v, bool) or math.isfinite(v) else str(v) for v in vals]


def run_case(c):
    g = torch.Generator().manual_seed(zlib.crc32(c["id"].encode()))
    datas = [make_data(s, g) for s in c["inputs"]]
    built = [build(s, d) for s, d in zip(c["inputs"], datas)]
    leaves = [b[0] for b in built]
    xs = [b[1] for b in built]
    if c["seed"] is not None:
        torch.manual_seed(c["seed"])
    r = call(c, xs)
    outs = [r] if isinstance(r, torch.Tensor) else list(r)
    diff = [o for o in outs if o.requires_grad]
    gouts = [torch.randn(o.shape, generator=g, dtype=torch.float64).to(o.dtype) for o in diff]
    if diff:
        torch.autograd.backward(diff, gouts)
    return dict(
        id=c["id"], call=c["call"], args=c["args"], kw=c["kw"], seed=c["seed"], gradcheck=c["gradcheck"],
        inputs=[dict(s, data=encode(flat(d)), dtype=str(d.dtype).replace("torch.", "")) for s, d in zip(c["inputs"], datas)],
        outputs=[dict(shape=list(o.shape), dtype=str(o.dtype).replace("torch.", ""), values=encode(flat(o)),
                      grad_fn=type(o.grad_fn).__name__ if o.grad_fn is not None else None,
                      repr=repr(o) if o.numel() <= 16 else None) for o in outs],
        gouts=[encode(flat(go)) for go in gouts],
        grads=[encode(flat(l.grad)) if l.grad is not None else None for l in leaves],
        post=[dict(index=i, values=encode(flat(leaves[i]))) for i in c["post"]],
    )


# ---------------------------------------------------------------------------------------------
# error messages (snippet twins live in test/autograd_engine.test.ts)

def err(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return dict(type=type(e).__name__, message=str(e))
    return None


def errors():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = {}

    def twice():
        y = (x * x).sum()
        y.backward()
        y.backward()
    out["backward_twice"] = err(twice)
    out["nonscalar"] = err(lambda: (x * 2).backward())

    def saved_exp():
        a = x * 1
        b = a.exp()
        b.add_(1)
        b.sum().backward()
    out["inplace_saved_exp"] = err(saved_exp)

    def saved_mul():
        a = x * 1
        b = a * a
        a.add_(1)
        b.sum().backward()
    out["inplace_saved_mul"] = err(saved_mul)

    def saved_sigmoid():
        a = x * 1
        b = a.sigmoid()
        c = b * 2
        b.mul_(2)
        c.sum().backward()
    out["inplace_saved_sigmoid"] = err(saved_sigmoid)

    def saved_mm():
        w = torch.ones(3, 3, requires_grad=True)
        a = w.t() * 1
        c = (a @ a).sum()
        a.mul_(2)
        c.backward()
    out["inplace_saved_mm"] = err(saved_mm)

    def saved_view():
        w = torch.ones(3, 3, requires_grad=True)
        b = w * 1
        a = b[0]
        c = (a * a).sum()
        b.mul_(2)
        c.backward()
    out["inplace_saved_view"] = err(saved_view)
    out["requires_grad_int"] = err(lambda: torch.tensor([1, 2]).requires_grad_())
    out["factory_requires_grad_int"] = err(lambda: torch.zeros(2, dtype=torch.long, requires_grad=True))
    out["leaf_inplace"] = err(lambda: x.add_(1))
    out["leaf_view_inplace"] = err(lambda: x[0].mul_(2))
    out["no_grad_fn"] = err(lambda: torch.ones(2).sum().backward())
    out["grad_unused"] = err(lambda: torch.autograd.grad((x * 2).sum(), [x, torch.ones(2, requires_grad=True)]))
    out["grad_not_requiring"] = err(lambda: torch.autograd.grad((x * 2).sum(), [torch.ones(2)]))
    out["retain_grad_no_rg"] = err(lambda: torch.ones(2).retain_grad())
    out["grad_shape_mismatch"] = err(lambda: (x * 2).backward(torch.ones(2)))
    out["nonleaf_requires_grad_false"] = err(lambda: (x * 2).requires_grad_(False))
    # gradcheck's report
    def bad_grad():
        class Bad(torch.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3
        a = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        torch.autograd.gradcheck(Bad.apply, (a,))
    out["gradcheck_mismatch"] = err(bad_grad)
    out["gradcheck_no_input"] = err(lambda: torch.autograd.gradcheck(lambda a: a * 2, (torch.ones(2, dtype=torch.float64),)))
    # functional
    out["ce_target_oob"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 5, 1])))
    out["ce_batch"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1])))
    out["ce_float_target"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0.0, 1, 1])))
    out["ce_weight"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1, 1]), weight=torch.ones(3)))
    out["ce_prob_ignore"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.zeros(3, 4), ignore_index=1))
    out["ce_label_smoothing"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1, 1]), label_smoothing=1.5))
    out["ce_reduction"] = err(lambda: F.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1, 1]), reduction="foo"))
    out["ce_3d_target"] = err(lambda: F.cross_entropy(torch.zeros(3, 4, 5), torch.zeros(3, 4, dtype=torch.long)))
    out["ce_int_input"] = err(lambda: F.cross_entropy(torch.tensor([[1, 2]]), torch.tensor([0])))
    out["nll_0d"] = err(lambda: F.nll_loss(torch.zeros(()), torch.tensor(0)))
    out["softmax_int"] = err(lambda: F.softmax(torch.tensor([1, 2]), 0))
    out["one_hot_float"] = err(lambda: F.one_hot(torch.tensor([1.0, 2.0])))
    out["one_hot_negative"] = err(lambda: F.one_hot(torch.tensor([1, -2])))
    out["one_hot_too_big"] = err(lambda: F.one_hot(torch.tensor([1, 5]), 3))
    out["one_hot_empty"] = err(lambda: F.one_hot(torch.tensor([], dtype=torch.long)))
    out["gelu_approximate"] = err(lambda: F.gelu(torch.zeros(2), approximate="foo"))
    out["dropout_p"] = err(lambda: F.dropout(torch.zeros(2), 1.5))
    out["bce_range"] = err(lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])))
    out["bce_size"] = err(lambda: F.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([1.0])))
    out["bce_logits_size"] = err(lambda: F.binary_cross_entropy_with_logits(torch.tensor([0.5, 0.5]), torch.tensor([1.0])))
    out["embedding_float"] = err(lambda: F.embedding(torch.tensor([1.0, 2.0]), torch.zeros(3, 2)))
    out["embedding_oob"] = err(lambda: F.embedding(torch.tensor([1, 5]), torch.zeros(3, 2)))
    out["layer_norm_shape"] = err(lambda: F.layer_norm(torch.zeros(3, 4), (3,)))
    out["layer_norm_weight"] = err(lambda: F.layer_norm(torch.zeros(2, 3, 4), (3, 4), torch.ones(4)))
    out["batch_norm_one"] = err(lambda: F.batch_norm(torch.zeros(1, 4), torch.zeros(4), torch.ones(4), training=True))
    out["batch_norm_channels"] = err(lambda: F.batch_norm(torch.zeros(2, 4), torch.zeros(3), torch.ones(3), training=True))
    out["batch_norm_eval_no_stats"] = err(lambda: F.batch_norm(torch.zeros(2, 4), None, None))
    out["pad_reflect_too_big"] = err(lambda: F.pad(torch.zeros(1, 2, 3), (3, 3), mode="reflect"))
    out["pad_reflect_h_too_big"] = err(lambda: F.pad(torch.zeros(2, 3, 4), (1, 1, 3, 3), mode="reflect"))
    out["pad_odd"] = err(lambda: F.pad(torch.zeros(1, 2, 3), (3,)))
    out["pad_too_long"] = err(lambda: F.pad(torch.zeros(2, 3), (1, 1, 1, 1, 1, 1)))
    out["pad_reflect_1d_input"] = err(lambda: F.pad(torch.zeros(3), (1, 1), mode="reflect"))
    out["pad_mode"] = err(lambda: F.pad(torch.zeros(1, 2, 3), (1, 1), mode="foo"))
    out["pad_value_reflect"] = err(lambda: F.pad(torch.zeros(1, 2, 3), (1, 1), mode="reflect", value=1.0))
    out["leaky_relu_int"] = err(lambda: F.leaky_relu(torch.tensor([1, 2]), 0.1))
    out["gelu_int"] = err(lambda: F.gelu(torch.tensor([1, 2])))
    out["linear_shape"] = err(lambda: F.linear(torch.zeros(2, 3), torch.zeros(4, 5)))
    return out


def exact_cases():
    """float32 results compared bit for bit: the NLL cascade summation, the stable log-softmax."""
    g = torch.Generator().manual_seed(5)
    out = {}
    x = torch.randn(1000, 10, generator=g)
    t = torch.randint(0, 10, (1000,), generator=g)
    w = torch.rand(10, generator=g) + 0.5
    ti = t.clone()
    ti[torch.rand(1000, generator=g) < 0.2] = -100
    def bits(v):
        return encode([float(a) for a in v.detach().double().flatten().tolist()])
    out["nll_input"] = bits(x)
    out["nll_target"] = t.tolist()
    out["nll_weight"] = bits(w)
    out["nll_target_ignore"] = ti.tolist()
    out["nll_mean"] = bits(F.nll_loss(x, t))
    out["nll_sum"] = bits(F.nll_loss(x, t, reduction="sum"))
    out["nll_weighted_mean"] = bits(F.nll_loss(x, t, weight=w))
    out["nll_ignore_mean"] = bits(F.nll_loss(x, ti))
    out["nll_ignore_weighted_mean"] = bits(F.nll_loss(x, ti, weight=w))
    z = torch.tensor([[-100.0, -3.0, 0.0, 100.0]], requires_grad=True)
    ce = F.cross_entropy(z, torch.tensor([1]))
    ce.backward()
    out["ce_extreme_loss"] = bits(ce)
    out["ce_extreme_grad"] = bits(z.grad)
    out["ce_extreme_repr"] = repr(ce)
    z2 = torch.tensor([[1e4, -1e4, 0.0], [-3e38, 3e38, 1.0]])
    out["log_softmax_huge"] = bits(F.log_softmax(z2, 1))
    out["softmax_huge"] = bits(F.softmax(z2, 1))
    return out


def main():
    cases = [c for c in CASES if c["v2"] == V2]
    if not V2 and not hasattr(F, "scaled_dot_product_attention"):
        pass
    results = []
    for c in cases:
        try:
            results.append(run_case(c))
        except Exception:
            print("case failed:", c["id"])
            raise
    doc = dict(torch=torch.__version__, generator="scripts/gen_autograd_goldens.py" + (" --v2" if V2 else ""), cases=results)
    if not V2:
        doc["errors"] = errors()
        doc["exact"] = exact_cases()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
    print(f"wrote {len(results)} cases to {OUT}")


main()
