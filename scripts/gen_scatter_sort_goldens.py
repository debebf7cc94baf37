#!/usr/bin/env python3
"""Goldens for test/scatter-sort-misc.test.ts (src/ops/scatter.ts, sort.ts, misc.ts).

  /usr/bin/python3 scripts/gen_scatter_sort_goldens.py
        write test/goldens/scatter_sort_misc.json from Debian's torch 1.13 (the reference)
  /usr/bin/python3 scripts/gen_scatter_sort_goldens.py --check /work/.venv-oracle/bin/python
        also run every case under another interpreter (torch 2.x) and list the cases whose
        results differ; nothing is written

Case: {"name", "fn", "self"?: arg, "args": [arg], "kwargs": {name: arg}, "pick"?: int,
       "grad"?: true, "tol"?: [rtol, atol], "expect": result, "self_after"?: tensor}
  torch.fn(*args, **kwargs), or self.fn(*args, **kwargs) when "self" is given.
  arg  = {"t": spec} | number | bool | str | null | [arg...] | {"f": "nan"|"inf"|"-inf"}
  spec = {"dtype", "shape", "values" (flat, row-major), "view"?: [[op, ...]], "rg"?: bool}
         the tensor built from values, then each view op applied in order:
         ["T", a, b] transpose, ["slice", dim, start, end, step], ["permute", [dims]],
         ["expand", [sizes]], ["mul1"] (x * 1: a non-leaf copy). "rg": the base tensor
         (before the view ops) requires grad.
  result = {"tensor": {dtype, shape, values, grad_fn, requires_grad}} | {"list": [result]}
         | {"bool": b} | {"error": {"type", "message"}}
  "grad": the output (item "pick" of a tuple/list result, else the result) is reduced to
         (out * w).sum() with w[i] = ((7 i) mod 13 - 6) / 4, backward() is run and "grads"
         holds the .grad of every base tensor with rg (in argument order), or "grad_error".
  "self_after": for in-place methods, the base of `self` after the call.
Values: JSON numbers (float32 values are exact in double); "nan", "inf", "-inf", "-0.0".

Where torch 2.x (checked: 2.13) differs from 1.13 (--check lists 58 of 655 cases):
  - error texts: gather/scatter accept int32 indices in 2.x ("Expected dtype int32/int64 for
    index"), "to be no larger than" instead of "to be smaller than", scatter_reduce with an
    unknown reduce silently returns self in 2.13, NotImplementedError instead of RuntimeError
    for "... not implemented for 'Bool'" dispatch errors, "Repeats must be non-negative",
    "repeats must have the same size as input along dim, but got ...", "diag(): Supports 1D or
    2D tensors. Got 3D"; diff with a negative n raises "order must be non-negative" (1.13
    returns the input unchanged);
  - unique(sorted=False) returns sorted values in 2.x (1.13 returns std::unordered_set order);
    NaN handling of unique differs;
  - histc: 1.13 counts NaN inside an explicit [min, max] in the first bin, 2.x skips it;
  - diag of a 2-D input with an offset past the matrix: 1.13 raises "numel: integer
    multiplication overflow", 2.x returns an empty tensor;
  - grad_fn names: repeat_interleave with an int is ViewBackward0 in 2.x (IndexSelectBackward0
    in 1.13); diag is DiagEmbedBackward0 / DiagonalBackward0_copy in 2.x (DiagBackward0).
"""
import json, math, os, subprocess, sys, warnings

import torch

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "goldens", "scatter_sort_misc.json")
DT = {
    "float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32,
    "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8, "bool": torch.bool,
}
DTN = {v: k for k, v in DT.items()}


def encf(v):
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0 and math.copysign(1, v) < 0:
        return "-0.0"
    return v


def dec(v):
    if isinstance(v, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0.0": -0.0}[v]
    return v


# ------------------------------------------------------------------------------------------------
# interpreter


def build(spec, leaves):
    dt = DT[spec["dtype"]]
    vals = [dec(v) for v in spec["values"]]
    # clone: the leaf must not be a view of the tensor torch.tensor made
    base = torch.tensor(vals, dtype=dt).reshape(spec["shape"]).clone()
    if spec.get("rg"):
        base.requires_grad_(True)
        leaves.append(base)
    x = base
    for op in spec.get("view", []):
        if op[0] == "T":
            x = x.transpose(op[1], op[2])
        elif op[0] == "slice":
            _, d, s, e, st = op
            idx = [slice(None)] * x.dim()
            idx[d] = slice(s, e, st)
            x = x[tuple(idx)]
        elif op[0] == "permute":
            x = x.permute(*op[1])
        elif op[0] == "expand":
            x = x.expand(*op[1])
        elif op[0] == "mul1":
            x = x * 1
        else:
            raise ValueError(op)
    return base, x


def decode_arg(a, leaves, bases):
    if isinstance(a, dict):
        if "t" in a:
            base, x = build(a["t"], leaves)
            bases.append(base)
            return x
        if "f" in a:
            return dec(a["f"])
        raise ValueError(a)
    if isinstance(a, list):
        return [decode_arg(v, leaves, bases) for v in a]
    return a


def enc_tensor(t):
    vals = t.detach().reshape(-1).tolist()
    return {
        "dtype": DTN[t.dtype], "shape": list(t.shape), "values": [encf(v) for v in vals],
        "grad_fn": t.grad_fn.name() if t.grad_fn is not None else None, "requires_grad": t.requires_grad,
    }


def enc_result(r):
    if isinstance(r, torch.Tensor):
        return {"tensor": enc_tensor(r)}
    if isinstance(r, bool):
        return {"bool": r}
    if isinstance(r, (tuple, list)):
        return {"list": [enc_result(x) for x in r]}
    raise TypeError(type(r))


def err(e):
    return {"error": {"type": type(e).__name__, "message": str(e)}}


def weights(out):
    n = out.numel()
    w = torch.tensor([((7 * i) % 13 - 6) / 4 for i in range(n)], dtype=out.dtype).reshape(out.shape)
    return w


def run_case(c):
    leaves, bases = [], []
    res = {}
    try:
        self_ = decode_arg(c["self"], leaves, bases) if "self" in c else None
        self_base = bases[0] if "self" in c else None
        args = [decode_arg(a, leaves, bases) for a in c.get("args", [])]
        kwargs = {k: decode_arg(v, leaves, bases) for k, v in c.get("kwargs", {}).items()}
        if self_ is not None:
            r = getattr(self_, c["fn"])(*args, **kwargs)
        else:
            r = getattr(torch, c["fn"])(*args, **kwargs)
    except Exception as e:  # noqa: BLE001
        res["expect"] = err(e)
        return res
    res["expect"] = enc_result(r)
    if c["fn"].endswith("_") and self_base is not None:
        res["self_after"] = enc_tensor(self_base)
    if c.get("grad"):
        out = r[c.get("pick", 0)] if isinstance(r, (tuple, list)) else r
        try:
            (out * weights(out)).sum().backward()
            res["grads"] = [enc_tensor(l.grad) if l.grad is not None else None for l in leaves]
        except Exception as e:  # noqa: BLE001
            res["grad_error"] = err(e)["error"]
    return res


# ------------------------------------------------------------------------------------------------
# case builders

G = torch.Generator().manual_seed(1234)


def rvals(shape, dtype, lo=-3.0, hi=3.0, ints=None, nan=0, special=()):
    """Random values: floats uniform in [lo, hi) rounded to 1/8 unless ints given (an int range)."""
    n = 1
    for s in shape:
        n *= s
    if dtype == "bool":
        v = (torch.rand(n, generator=G) < 0.5).tolist()
    elif ints is not None or dtype not in ("float32", "float64"):
        a, b = ints if ints is not None else ((0, 10) if dtype == "uint8" else (-9, 10))
        v = torch.randint(a, b, (n,), generator=G).tolist()
    else:
        v = (torch.rand(n, generator=G, dtype=torch.float64) * (hi - lo) + lo).tolist()
        v = [float(torch.tensor(x, dtype=DT[dtype]).item()) for x in v]
    if nan:
        for i in torch.randperm(n, generator=G)[:nan].tolist():
            v[i] = math.nan
    for i, s in special:
        v[i] = s
    return [encf(x) for x in v]


def T(shape, dtype="float32", values=None, view=None, rg=False, **kw):
    spec = {"dtype": dtype, "shape": list(shape), "values": values if values is not None else rvals(shape, dtype, **kw)}
    if view:
        spec["view"] = view
    if rg:
        spec["rg"] = True
    return {"t": spec}


def V(values, dtype="float32", shape=None, **kw):
    vals = [encf(v) for v in values]
    return T(shape if shape is not None else [len(values)], dtype, values=vals, **kw)


def IDX(shape, hi, view=None):
    return T(shape, "int64", values=rvals(shape, "int64", ints=(0, hi)), view=view)


CASES = []


def case(name, fn, *args, self=None, kwargs=None, pick=None, grad=False, tol=None):
    c = {"name": name, "fn": fn, "args": list(args)}
    if self is not None:
        c["self"] = self
    if kwargs:
        c["kwargs"] = kwargs
    if pick is not None:
        c["pick"] = pick
    if grad:
        c["grad"] = True
    if tol:
        c["tol"] = tol
    CASES.append(c)


ALL = ["float32", "float64", "int64", "int32", "uint8", "bool"]
NUM = ["float32", "float64", "int64", "int32", "uint8"]

# ---- gather ----
for dt in ALL:
    case(f"gather 2d {dt}", "gather", T([3, 4], dt), 1, IDX([3, 5], 4))
case("gather 1d", "gather", T([6]), 0, IDX([9], 6))
case("gather 3d dim0", "gather", T([3, 4, 2]), 0, IDX([5, 3, 2], 3))
case("gather 3d dim-1 smaller index", "gather", T([3, 4, 5]), -1, IDX([2, 3, 7], 5))
case("gather 4d dim2", "gather", T([2, 3, 4, 2], "float64"), 2, IDX([2, 2, 6, 1], 4))
case("gather transposed input", "gather", T([4, 3], view=[["T", 0, 1]]), 1, IDX([3, 4], 4))
case("gather sliced index", "gather", T([3, 5]), 1, IDX([3, 8], 5, view=[["slice", 1, 0, 8, 2]]))
case("gather transposed index", "gather", T([4, 4]), 0, IDX([4, 4], 4, view=[["T", 0, 1]]))
case("gather 0-dim", "gather", V([2.5], shape=[]), 0, V([0], "int64", shape=[]))
case("gather empty index int32", "gather", T([3, 4]), 1, T([3, 0], "int32", values=[]))
case("gather method", "gather", 0, IDX([2, 3], 3), self=T([3, 3]))
case("err gather float index", "gather", T([3, 4]), 1, T([1, 1], values=[0.0]))
case("err gather int32 index", "gather", T([3, 4]), 1, T([1, 1], "int32", values=[0]))
case("err gather dims", "gather", T([3, 4]), 1, V([0], "int64"))
case("err gather size", "gather", T([3, 4]), 1, T([4, 1], "int64", values=[0, 0, 0, 0]))
case("err gather oob", "gather", T([3, 4]), 1, T([1, 1], "int64", values=[4]))
case("err gather negative", "gather", T([3, 4]), 1, T([1, 1], "int64", values=[-1]))
case("err gather dim", "gather", T([3, 4]), 2, T([1, 1], "int64", values=[0]))
case("grad gather", "gather", T([3, 4], rg=True), 1, IDX([3, 6], 4), grad=True)
case("grad gather transposed f64", "gather", T([4, 3], "float64", rg=True, view=[["T", 0, 1]]), 0, IDX([5, 4], 3), grad=True)

# ---- scatter ----
for dt in ALL:
    case(f"scatter src {dt}", "scatter", T([3, 4], dt), 1, IDX([3, 3], 4), T([3, 5], dt))
case("scatter 1d duplicates last wins", "scatter", T([5]), 0, V([1, 3, 1, 1, 0], "int64"), V([1.0, 2.0, 3.0, 4.0, 5.0]))
case("scatter 3d dim1", "scatter", T([2, 4, 3]), 1, IDX([2, 6, 2], 4), T([3, 6, 3]))
case("scatter 4d dim-1", "scatter", T([2, 2, 3, 4], "float64"), -1, IDX([2, 2, 3, 5], 4), T([2, 2, 3, 5], "float64"))
case("scatter transposed self+src", "scatter", T([4, 3], view=[["T", 0, 1]]), 0, IDX([2, 4], 3), T([4, 2], view=[["T", 0, 1]]))
case("scatter value float", "scatter", T([3, 4]), 1, IDX([3, 2], 4), 2.5)
case("scatter value int into int64", "scatter", T([3, 4], "int64"), 0, IDX([2, 4], 3), 7)
case("scatter value into bool", "scatter", T([3, 4], "bool"), 1, IDX([3, 2], 4), True)
case("scatter reduce add", "scatter", T([3, 4]), 1, IDX([3, 6], 4), T([3, 6]), kwargs={"reduce": "add"})
case("scatter reduce multiply", "scatter", T([3, 4]), 1, IDX([3, 6], 4), T([3, 6]), kwargs={"reduce": "multiply"})
case("scatter value reduce add", "scatter", T([3, 4], "int64"), 1, IDX([3, 6], 4), 3, kwargs={"reduce": "add"})
case("scatter value reduce multiply", "scatter", T([3, 4]), 1, IDX([3, 6], 4), 1.5, kwargs={"reduce": "multiply"})
case("scatter 0-dim", "scatter", V([1.0], shape=[]), 0, V([0], "int64", shape=[]), V([4.0], shape=[]))
case("scatter empty index", "scatter", T([3, 4]), 1, T([3, 0], "int64", values=[]), T([3, 0], values=[]))
case("err scatter dtype", "scatter", T([3, 4]), 1, IDX([1, 1], 4), T([1, 1], "int64"))
case("err scatter index dtype", "scatter", T([3, 4]), 1, T([1, 1], values=[0.0]), T([3, 4]))
case("err scatter size self", "scatter", T([3, 4]), 1, IDX([4, 1], 4), T([4, 1]))
case("err scatter size src", "scatter", T([3, 4]), 1, IDX([1, 2], 4), T([1, 1]))
case("err scatter size value", "scatter", T([3, 4]), 1, IDX([4, 1], 4), 1.5)
case("err scatter oob", "scatter", T([3, 4]), 1, T([1, 1], "int64", values=[5]), T([3, 4]))
case("err scatter dims", "scatter", T([3, 4]), 1, V([0], "int64"), T([3, 4]))
case("err scatter reduce", "scatter", T([3, 4]), 1, IDX([1, 1], 4), T([3, 4]), kwargs={"reduce": "max"})
case("grad scatter src", "scatter", T([3, 4], rg=True), 1, IDX([3, 3], 4), T([3, 3], rg=True), grad=True)
case("grad scatter value", "scatter", T([3, 4], "float64", rg=True), 0, IDX([2, 4], 3), 0.5, grad=True)
case("grad scatter src bigger than index", "scatter", T([3, 4], rg=True), 1, IDX([1, 2], 4), T([3, 4], rg=True), grad=True)
case("grad scatter reduce not implemented", "scatter", T([3, 4], rg=True), 1, IDX([3, 2], 4), T([3, 2]), kwargs={"reduce": "add"}, grad=True)
case("scatter_ in place transposed", "scatter_", 1, IDX([2, 2], 3), T([2, 2]), self=T([3, 2], view=[["T", 0, 1]]))
case("scatter_ value int tensor float value", "scatter_", 1, IDX([3, 1], 4), 5.7, self=T([3, 4], "int64"))
case("scatter_ grad non-leaf", "scatter_", 1, IDX([3, 2], 4), T([3, 2], rg=True), self=T([3, 4], rg=True, view=[["mul1"]]), grad=True)
case("err scatter_ leaf", "scatter_", 0, V([0], "int64"), 5.0, self=T([3], rg=True))
case("scatter_ grad through a view", "scatter_", 1, V([0, 2, 1, 1], "int64", shape=[2, 2]), T([2, 2], rg=True),
     self=T([4, 3], rg=True, view=[["mul1"], ["slice", 0, 0, 2, 1]]), grad=True)

# ---- scatter_add ----
for dt in ["float32", "float64", "int64", "int32", "uint8"]:
    case(f"scatter_add {dt}", "scatter_add", T([3, 4], dt), 1, IDX([3, 7], 4), T([3, 7], dt))
case("scatter_add bool", "scatter_add", T([3, 4], "bool"), 1, IDX([3, 5], 4), T([3, 5], "bool"))
case("scatter_add float32 order", "scatter_add", V([0.0, 0.0]), 0, V([0, 0, 0, 1, 1, 1], "int64"),
     V([1e8, 1.0, -1e8, 1.0, 1e8, -1e8]))
case("scatter_add 3d dim0", "scatter_add", T([3, 2, 4]), 0, IDX([6, 2, 3], 3), T([6, 2, 4]))
case("scatter_add 4d", "scatter_add", T([2, 3, 2, 2], "float64"), 1, IDX([2, 5, 2, 2], 3), T([2, 5, 2, 2], "float64"))
case("scatter_add transposed", "scatter_add", T([4, 3], view=[["T", 0, 1]]), 1, IDX([3, 6], 4), T([6, 3], view=[["T", 0, 1]]))
case("uint8 scatter_add wraps", "scatter_add", V([250, 3], "uint8"), 0, V([0, 0, 1], "int64"), V([4, 5, 255], "uint8"))
case("err scatter_add dtype", "scatter_add", T([3, 4]), 1, IDX([1, 1], 4), T([1, 1], "float64"))
case("err scatter_add oob", "scatter_add", T([3, 4]), 1, T([1, 1], "int64", values=[4]), T([3, 4]))
case("grad scatter_add", "scatter_add", T([3, 4], rg=True), 1, IDX([3, 6], 4), T([3, 6], rg=True), grad=True)
case("grad scatter_add f64 dim0", "scatter_add", T([3, 4], "float64", rg=True), 0, IDX([5, 4], 3), T([5, 4], "float64", rg=True), grad=True)
case("scatter_add_ in place", "scatter_add_", 0, IDX([4, 3], 2), T([4, 3]), self=T([3, 2], view=[["T", 0, 1]]))
case("scatter_add_ grad", "scatter_add_", 1, IDX([2, 5], 3), T([2, 5], rg=True), self=T([2, 3], rg=True, view=[["mul1"]]), grad=True)

# ---- scatter_reduce ----
for red in ["sum", "prod", "mean", "amax", "amin"]:
    for inc in [True, False]:
        for dt in ["float32", "float64", "int64", "int32"]:
            case(f"scatter_reduce {red} include_self={inc} {dt}", "scatter_reduce", T([3, 5], dt), 1, IDX([3, 6], 4),
                 T([3, 6], dt), red, kwargs={"include_self": inc})
        case(f"grad scatter_reduce {red} include_self={inc}", "scatter_reduce", T([3, 5], "float64", rg=True), 1,
             IDX([3, 6], 4), T([3, 6], "float64", rg=True), red, kwargs={"include_self": inc}, grad=True)
for red in ["sum", "prod", "mean", "amax", "amin"]:
    for dt in ["uint8", "bool"]:
        case(f"scatter_reduce small {red} {dt}", "scatter_reduce", T([2, 4], dt), 1, IDX([2, 6], 4), T([2, 6], dt), red,
             kwargs={"include_self": red != "sum"})
case("scatter_reduce amax nan", "scatter_reduce", V([1.0, "nan", 3.0]), 0, V([0, 0, 1, 2], "int64"),
     V(["nan", 5.0, 2.0, 1.0]), "amax")
case("scatter_reduce amin nan", "scatter_reduce", V([1.0, "nan", 3.0]), 0, V([0, 0, 1, 2], "int64"),
     V([4.0, "nan", 2.0, 1.0]), "amin")
case("scatter_reduce amax -inf exclude self", "scatter_reduce", V([0.0, 0.0, 0.0]), 0, V([0, 0], "int64"),
     V(["-inf", "-inf"]), "amax", kwargs={"include_self": False})
case("scatter_reduce mean int floor", "scatter_reduce", V([1, 2, 3], "int64"), 0, V([0, 0, 1], "int64"),
     V([4, 5, -3], "int64"), "mean")
case("scatter_reduce mean uint8", "scatter_reduce", V([1, 2, 3], "uint8"), 0, V([0, 0, 1], "int64"),
     V([4, 5, 7], "uint8"), "mean", kwargs={"include_self": False})
case("scatter_reduce prod zeros grad", "scatter_reduce", V([2.0, 0.0, 3.0, 1.0], "float64", rg=True), 0,
     V([0, 0, 1, 2, 2, 3], "int64"), V([0.0, 4.0, 5.0, 0.0, 0.0, 2.0], "float64", rg=True), "prod", grad=True)
case("scatter_reduce amax ties grad", "scatter_reduce", V([3.0, 1.0, 2.0], rg=True), 0, V([0, 0, 1, 1], "int64"),
     V([3.0, 3.0, 1.0, 0.5], rg=True), "amax", grad=True)
case("err scatter_reduce reduce", "scatter_reduce", T([3, 4]), 1, IDX([1, 1], 4), T([3, 4]), "max")
case("err scatter_reduce dtype", "scatter_reduce", T([3, 4]), 1, IDX([1, 1], 4), T([3, 4], "int64"), "sum")
case("scatter_reduce_ in place", "scatter_reduce_", 1, IDX([3, 4], 3), T([3, 4]), "amax", self=T([3, 3]))

# ---- sort / argsort / msort ----
for dt in ALL:
    case(f"sort {dt}", "sort", T([4, 6], dt))
    case(f"sort desc {dt}", "sort", T([4, 6], dt), 0, True)
for n in [10, 17, 40, 100, 333]:
    case(f"sort ties n={n}", "sort", T([n], ints=(0, 4)))
    case(f"sort ties desc n={n}", "sort", T([n], "int64", ints=(0, 5)), kwargs={"descending": True})
    case(f"sort stable ties n={n}", "sort", T([n], ints=(0, 4)), kwargs={"stable": True})
    case(f"sort stable desc ties n={n}", "sort", T([n], "int32", ints=(0, 3)), kwargs={"stable": True, "descending": True})
case("sort nan", "sort", T([30], nan=5, special=[(0, math.inf), (1, -math.inf), (2, -0.0)]))
case("sort nan desc", "sort", T([30], "float64", nan=5, special=[(0, math.inf), (1, -math.inf)]), -1, True)
case("sort 3d dim1", "sort", T([3, 20, 2], ints=(0, 3)), 1)
case("sort 4d dim0 desc", "sort", T([20, 2, 2, 3], "int64", ints=(0, 4)), 0, True)
case("sort transposed", "sort", T([25, 3], ints=(0, 3), view=[["T", 0, 1]]))
case("sort sliced", "sort", T([3, 50], ints=(0, 5), view=[["slice", 1, 1, 50, 2]]))
case("sort expanded stride 0", "sort", T([1, 20], view=[["T", 0, 1], ["expand", [20, 3]]]), 1)
case("sort 0-dim", "sort", V([1.5], shape=[]))
case("sort empty", "sort", T([2, 0], values=[]))
case("sort method stable", "sort", self=T([18], ints=(0, 2)), kwargs={"dim": 0, "stable": True})
case("err sort dim", "sort", T([3, 4]), 2)
case("grad sort", "sort", T([3, 20], rg=True, ints=(0, 4)), grad=True)
case("grad sort stable", "sort", T([3, 5], rg=True), kwargs={"dim": 0, "stable": True}, grad=True)
case("grad sort stable false", "sort", T([3, 5], rg=True), kwargs={"dim": 0, "stable": False}, grad=True)
for dt in ["float32", "int64", "uint8", "bool"]:
    case(f"argsort {dt}", "argsort", T([3, 19], dt))
case("argsort desc dim0", "argsort", T([40, 2], ints=(0, 3)), 0, True)
case("argsort stable", "argsort", T([40], ints=(0, 3)), kwargs={"stable": True})
case("argsort grad", "argsort", T([5], rg=True))
case("msort", "msort", T([20, 3], ints=(0, 3)))
case("grad msort", "msort", T([6, 3], rg=True), grad=True)

# ---- topk ----
for dt in NUM:
    case(f"topk {dt}", "topk", T([4, 7], dt), 3)
    case(f"topk smallest {dt}", "topk", T([4, 7], dt), 3, kwargs={"largest": False})
for n, k in [(40, 5), (40, 30), (200, 2), (200, 3), (300, 4), (64, 1), (100, 100), (20, 0), (50, 49)]:
    case(f"topk ties n={n} k={k}", "topk", T([n], ints=(0, 4)), k)
    case(f"topk smallest ties n={n} k={k}", "topk", T([n], "int64", ints=(0, 4)), k, kwargs={"largest": False})
    case(f"topk unsorted ties n={n} k={k}", "topk", T([n], ints=(0, 4)), k, kwargs={"sorted": False})
case("topk nan", "topk", T([30], nan=4), 6)
case("topk nan smallest", "topk", T([30], nan=4), 6, kwargs={"largest": False})
case("topk 3d dim1", "topk", T([2, 30, 3], ints=(0, 5)), 4, 1)
case("topk 4d dim0", "topk", T([150, 2, 1, 2], ints=(0, 9)), 2, 0)
case("topk transposed", "topk", T([25, 3], view=[["T", 0, 1]]), 5)
case("topk 0-dim", "topk", V([2.0], shape=[]), 1)
case("topk method kwargs", "topk", 2, self=T([3, 5]), kwargs={"dim": 0, "largest": False})
case("err topk k", "topk", T([3, 4]), 5)
case("err topk negative k", "topk", T([3, 4]), -1)
case("err topk bool", "topk", T([4], "bool"), 1)
case("grad topk", "topk", T([3, 9], rg=True), 4, grad=True)
case("grad topk dim0 f64", "topk", T([9, 3], "float64", rg=True), 2, 0, False, grad=True)

# ---- kthvalue ----
for dt in NUM:
    case(f"kthvalue {dt}", "kthvalue", T([4, 7], dt), 3)
for n in [5, 17, 40, 101]:
    for k in [1, n // 2, n]:
        case(f"kthvalue ties n={n} k={k}", "kthvalue", T([n], ints=(0, 4)), k)
case("kthvalue nan", "kthvalue", T([20], nan=5), 18)
case("kthvalue nan small k", "kthvalue", T([20], nan=5), 3)
case("kthvalue keepdim dim0", "kthvalue", T([30, 3], "int64", ints=(0, 4)), 10, 0, True)
case("kthvalue 3d", "kthvalue", T([2, 3, 25], ints=(0, 3)), 12)
case("kthvalue transposed", "kthvalue", T([20, 3], view=[["T", 0, 1]]), 7)
case("kthvalue 0-dim", "kthvalue", V([3.0], shape=[]), 1)
case("err kthvalue k", "kthvalue", T([3, 4]), 5)
case("err kthvalue k0", "kthvalue", T([3, 4]), 0)
case("err kthvalue bool", "kthvalue", T([4], "bool"), 1)
case("err kthvalue empty", "kthvalue", T([2, 0], values=[]), 1)
case("grad kthvalue", "kthvalue", T([3, 8], rg=True), 3, grad=True)
case("grad kthvalue keepdim", "kthvalue", T([8, 3], "float64", rg=True), 5, 0, True, grad=True)

# ---- mode ----
for dt in ALL:
    case(f"mode {dt}", "mode", T([4, 9], dt, ints=None if dt in ("bool",) else (0, 3)))
for n in [6, 16, 17, 40, 200]:
    case(f"mode ties n={n}", "mode", T([n], ints=(0, 4)))
    case(f"mode ties int64 n={n}", "mode", T([3, n], "int64", ints=(0, 6)))
case("mode nan", "mode", V([1.0, math.nan, math.nan, 1.0]))
case("mode nan many", "mode", T([40], nan=10, ints=(0, 3)))
case("mode keepdim dim0", "mode", T([20, 3], ints=(0, 3)), 0, True)
case("mode transposed", "mode", T([20, 3], ints=(0, 3), view=[["T", 0, 1]]))
case("mode 0-dim", "mode", V([3.0], shape=[]))
case("err mode empty", "mode", T([0], values=[]))
case("err mode empty dim", "mode", T([2, 0], values=[]))
case("grad mode", "mode", T([3, 10], rg=True, ints=(0, 3)), grad=True)
case("grad mode keepdim", "mode", T([10, 3], "float64", rg=True, ints=(0, 3)), 0, True, grad=True)

# ---- median ----
for dt in NUM:
    case(f"median all {dt}", "median", T([5, 7], dt))
    case(f"median all even {dt}", "median", T([4, 6], dt))
    case(f"median dim {dt}", "median", T([4, 8], dt, ints=(0, 4)), 1)
case("median all nan", "median", T([10], nan=2))
case("median all empty float", "median", T([0], values=[]))
case("median all empty int64", "median", T([0], "int64", values=[]))
case("median all empty int32", "median", T([0], "int32", values=[]))
case("median dim nan", "median", V([1.0, math.nan, math.nan, 0.5, 2.0, math.nan], shape=[2, 3]), 1)
case("median dim ties", "median", T([3, 40], ints=(0, 4)), 1)
case("median keepdim dim0", "median", T([9, 4], "int64", ints=(0, 4)), 0, True)
case("median transposed", "median", T([9, 4], view=[["T", 0, 1]]), 1)
case("median 0-dim dim", "median", V([3.0], shape=[]), 0)
case("err median bool", "median", T([4], "bool"))
case("err median bool dim", "median", T([4], "bool"), 0)
case("err median empty dim", "median", T([0, 3], values=[]), 0)
case("grad median all ties", "median", V([1.0, 2.0, 2.0, 3.0, 2.0], rg=True), grad=True)
case("grad median all nan", "median", V([1.0, math.nan, 3.0, math.nan], rg=True), grad=True)
case("grad median dim", "median", T([4, 7], rg=True), 1, grad=True)
case("grad median dim keepdim", "median", T([7, 4], "float64", rg=True), 0, True, grad=True)

# ---- unique ----
for dt in ["int64", "int32", "uint8", "bool", "float32", "float64"]:
    for srt in [True, False]:
        case(f"unique {dt} sorted={srt}", "unique", T([30], dt, ints=None if dt in ("bool", "float32", "float64") else ((0, 20) if dt == "uint8" else (-15, 15))),
             kwargs={"sorted": srt, "return_inverse": True, "return_counts": True})
for n in [5, 13, 14, 40, 300, 1000]:
    case(f"unique unsorted int64 n={n}", "unique", T([n], "int64", ints=(-n, 3 * n)), kwargs={"sorted": False})
    case(f"unique unsorted float32 n={n}", "unique", T([n], "float32", ints=(-n, n)), kwargs={"sorted": False, "return_inverse": True})
    case(f"unique unsorted float64 n={n}", "unique", T([n], "float64"), kwargs={"sorted": False, "return_counts": True})
case("unique 2d", "unique", T([4, 5], "int64", ints=(0, 6)))
case("unique transposed inverse", "unique", T([5, 4], "int64", ints=(0, 6), view=[["T", 0, 1]]), kwargs={"return_inverse": True})
case("unique counts only", "unique", T([12], ints=(0, 4)), kwargs={"return_counts": True})
case("unique zeros signs", "unique", V([-0.0, 0.0, 1.0]))
case("unique zeros signs 2", "unique", V([0.0, -0.0, 1.0]), kwargs={"sorted": False})
case("unique nan sorted", "unique", V([2.0, math.nan, 1.0, math.nan, 2.0]), kwargs={"return_inverse": True, "return_counts": True})
case("unique nan unsorted", "unique", V([2.0, math.nan, 1.0, math.nan, 2.0, 7.0]), kwargs={"sorted": False, "return_inverse": True, "return_counts": True})
case("unique empty", "unique", T([0], values=[]), kwargs={"return_inverse": True, "return_counts": True})
case("unique dim0", "unique", V([1, 2, 1, 2, 0, 5, 1, 2], "int64", shape=[4, 2]), kwargs={"dim": 0, "return_inverse": True, "return_counts": True})
case("unique dim1", "unique", T([3, 8], ints=(0, 2)), kwargs={"dim": 1, "return_inverse": True, "return_counts": True})
case("unique dim -1 float", "unique", T([2, 6], "float64", ints=(0, 2)), kwargs={"dim": -1})
case("err unique dim", "unique", T([3, 4]), kwargs={"dim": 3})
case("grad unique", "unique", T([6], rg=True, ints=(0, 3)), grad=True)
case("grad unique dim", "unique", T([3, 2], rg=True, ints=(0, 2)), kwargs={"dim": 0}, grad=True)

# ---- bincount ----
for dt in ["int64", "int32", "uint8"]:
    case(f"bincount {dt}", "bincount", T([20], dt, ints=(0, 8)))
case("bincount minlength", "bincount", V([1, 3, 1], "int64"), kwargs={"minlength": 7})
case("bincount minlength small", "bincount", V([1, 3, 1], "int64"), None, 2)
case("bincount weights f32", "bincount", T([15], "int64", ints=(0, 5)), T([15]))
case("bincount weights f64", "bincount", T([15], "int64", ints=(0, 5)), T([15], "float64"))
case("bincount weights int", "bincount", T([15], "int64", ints=(0, 5)), T([15], "int64"))
case("bincount weights sliced", "bincount", T([15], "int32", ints=(0, 5)), T([30], view=[["slice", 0, 0, 30, 2]]))
case("bincount empty", "bincount", T([0], "int64", values=[]), kwargs={"minlength": 3})
case("bincount empty weights", "bincount", T([0], "int64", values=[]), T([0], values=[]), 3)
case("err bincount float", "bincount", V([1.0, 2.0]))
case("err bincount bool", "bincount", V([True], "bool"))
case("err bincount negative", "bincount", V([1, -2], "int64"))
case("err bincount 2d", "bincount", V([1, 2], "int64", shape=[1, 2]))
case("err bincount minlength", "bincount", V([1, 2], "int64"), kwargs={"minlength": -1})
case("err bincount weights", "bincount", V([1, 2], "int64"), V([1.0, 2.0, 3.0]))
case("grad bincount weights", "bincount", V([1, 2, 1], "int64"), V([0.5, 1.0, 2.0], rg=True), grad=True)

# ---- searchsorted ----
bd1 = V([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 3.0])
case("searchsorted left", "searchsorted", bd1, V([-3.0, -2.0, 0.0, 0.2, 1.0, 2.0, 3.0, 4.0, math.nan]))
case("searchsorted right", "searchsorted", bd1, V([-3.0, -2.0, 0.0, 0.2, 1.0, 2.0, 3.0, 4.0, math.nan]), kwargs={"right": True})
case("searchsorted side right", "searchsorted", bd1, T([3, 4], lo=-3, hi=4), kwargs={"side": "right"})
case("searchsorted int32 out", "searchsorted", bd1, T([5], lo=-3, hi=4), kwargs={"out_int32": True})
case("searchsorted nd", "searchsorted", V([1, 3, 5, 7, 2, 4, 6, 8], "int64", shape=[2, 4]), T([2, 5], "int64", ints=(0, 10)))
case("searchsorted nd right", "searchsorted", V([1, 3, 5, 7, 2, 4, 6, 8], "int64", shape=[2, 4]), T([2, 5], "int64", ints=(0, 10)), kwargs={"right": True})
case("searchsorted 3d", "searchsorted", V([0.0, 1.0, 2.0, 0.5, 1.5, 2.5, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0], "float64", shape=[2, 2, 3]), T([2, 2, 4], "float64"))
case("searchsorted scalar float", "searchsorted", bd1, 0.7)
case("searchsorted scalar int", "searchsorted", V([1, 2, 4], "int64"), 2)
case("searchsorted scalar float into int", "searchsorted", V([1, 2, 4], "int64"), 1.5)
case("searchsorted mixed dtypes", "searchsorted", V([1.0, 2.0]), V([1, 2], "int64"))
case("searchsorted mixed dtypes 2", "searchsorted", V([1, 2], "int32"), V([0.5, 2.0], "float64"))
case("searchsorted sorter", "searchsorted", V([3.0, 1.0, 2.0, 0.0]), V([0.5, 2.0, 5.0]), kwargs={"sorter": V([3, 1, 2, 0], "int64")})
case("searchsorted sorter nd right", "searchsorted", V([3, 1, 2, 9, 8, 7], "int64", shape=[2, 3]), V([2, 8, 1, 9], "int64", shape=[2, 2]),
     kwargs={"sorter": V([1, 2, 0, 2, 1, 0], "int64", shape=[2, 3]), "right": True})
case("searchsorted transposed", "searchsorted", V([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], shape=[3, 2], view=[["T", 0, 1]]), T([2, 3]))
case("searchsorted empty input", "searchsorted", bd1, T([0], values=[]))
case("err searchsorted shape", "searchsorted", V([1.0, 2.0], shape=[1, 2]), V([1.0, 2.0], shape=[2, 1]))
case("err searchsorted side right", "searchsorted", bd1, V([1.0]), kwargs={"side": "left", "right": True})
case("err searchsorted side", "searchsorted", bd1, V([1.0]), kwargs={"side": "lft"})
case("err searchsorted scalar nd", "searchsorted", V([1.0, 2.0], shape=[1, 2]), 1.0)
case("err searchsorted sorter dtype", "searchsorted", V([2.0, 1.0]), V([1.0]), kwargs={"sorter": V([1.0, 0.0])})
case("err searchsorted sorter shape", "searchsorted", V([2.0, 1.0]), V([1.0]), kwargs={"sorter": V([1], "int64")})
case("err searchsorted 0d", "searchsorted", V([1.0], shape=[]), V([1.0]))

# ---- histc ----
case("histc default", "histc", T([50]))
case("histc bins", "histc", T([40], lo=-2, hi=2), 8)
case("histc range", "histc", T([40], lo=-2, hi=2), 5, -1, 1)
case("histc ints exact edges", "histc", T([30], ints=(0, 5)), kwargs={"bins": 4, "min": 0, "max": 4})
case("histc f64", "histc", T([40], "float64"), 10)
case("histc equal data", "histc", V([2.0, 2.0, 2.0]), 4)
case("histc nan in data with range", "histc", V([0.5, math.nan, 1.5, 2.0, -1.0, 3.5]), 4, 0, 3)
case("histc nan inf with range f64", "histc", V([math.nan, math.inf, -math.inf, 2.5, math.nan], "float64"), 3, 0, 3)
case("histc 2d transposed", "histc", T([5, 4], view=[["T", 0, 1]]), 6)
case("histc empty", "histc", T([0], values=[]), 3)
case("histc method", "histc", self=T([20]), kwargs={"bins": 3, "min": -1, "max": 1})
case("histc requires grad", "histc", T([6], rg=True), 3)
case("err histc int", "histc", V([1, 2], "int64"))
case("err histc bins", "histc", V([1.0, 2.0]), 0)
case("err histc min max", "histc", V([1.0, 2.0]), 4, 3, 1)
case("err histc inf", "histc", V([1.0, math.inf]), 4)
case("err histc nan", "histc", V([1.0, math.nan]), 4)

# ---- repeat / tile ----
for dt in ALL:
    case(f"repeat {dt}", "repeat", 2, 3, self=T([2, 3], dt))
case("repeat 1d more dims", "repeat", 2, 1, 3, self=T([4]))
case("repeat 3d list", "repeat", [1, 2, 2], self=T([2, 1, 3]))
case("repeat 4d", "repeat", 2, 1, 1, 2, self=T([1, 2, 3, 2]))
case("repeat zero", "repeat", 0, 2, self=T([2, 3]))
case("repeat transposed", "repeat", 2, 2, self=T([3, 2], view=[["T", 0, 1]]))
case("repeat 0-dim", "repeat", 3, self=V([1.5], shape=[]))
case("err repeat few", "repeat", 2, self=T([2, 3]))
case("err repeat negative", "repeat", 2, -1, self=T([2, 3]))
case("grad repeat", "repeat", 2, 1, 3, self=T([2, 3], rg=True), grad=True)
case("grad repeat zero", "repeat", 0, 1, self=T([2, 3], rg=True), grad=True)
case("grad repeat transposed f64", "repeat", 2, 3, self=T([3, 2], "float64", rg=True, view=[["T", 0, 1]]), grad=True)
case("tile fewer dims", "tile", T([2, 3]), [2])
case("tile more dims", "tile", T([2, 3], "int64"), [2, 1, 2])
case("tile method", "tile", 2, 2, self=T([3]))
case("grad tile", "tile", T([2, 3], rg=True), [3, 2], grad=True)

# ---- repeat_interleave ----
for dt in ALL:
    case(f"repeat_interleave int {dt}", "repeat_interleave", T([2, 3], dt), 2)
case("repeat_interleave int dim1", "repeat_interleave", T([2, 3]), 3, 1)
case("repeat_interleave int dim-1 3d", "repeat_interleave", T([2, 2, 3]), 2, -1)
case("repeat_interleave tensor dim0", "repeat_interleave", T([3, 2]), V([1, 0, 3], "int64"), 0)
case("repeat_interleave tensor int32", "repeat_interleave", T([3, 2]), V([2, 1, 1], "int32"), 0)
case("repeat_interleave one-element tensor", "repeat_interleave", T([2, 3]), V([2], "int64"), 1)
case("repeat_interleave 0-dim tensor", "repeat_interleave", T([2, 3]), V([2], "int64", shape=[]))
case("repeat_interleave transposed", "repeat_interleave", T([3, 2], view=[["T", 0, 1]]), V([1, 2, 3], "int64"), 1)
case("repeat_interleave one arg", "repeat_interleave", V([2, 0, 3, 1], "int64"))
case("repeat_interleave one arg int32", "repeat_interleave", V([1, 2], "int32"))
case("repeat_interleave method", "repeat_interleave", 2, self=T([3]), kwargs={"dim": 0})
case("err repeat_interleave negative", "repeat_interleave", T([2, 3]), -1)
case("err repeat_interleave float repeats", "repeat_interleave", T([3, 2]), V([1.0, 2.0, 3.0]), 0)
case("err repeat_interleave size", "repeat_interleave", T([3, 2]), V([1, 2], "int64"), 0)
case("err repeat_interleave 2d repeats", "repeat_interleave", T([3, 2]), V([1, 2], "int64", shape=[1, 2]), 0)
case("err repeat_interleave one arg negative", "repeat_interleave", V([1, -2, 1], "int64"))
case("err repeat_interleave one arg 2d", "repeat_interleave", V([1, 2], "int64", shape=[1, 2]))
case("grad repeat_interleave", "repeat_interleave", T([2, 3], rg=True), 2, grad=True)
case("grad repeat_interleave tensor", "repeat_interleave", T([3, 2], rg=True), V([2, 0, 3], "int64"), 0, grad=True)

# ---- roll ----
for dt in ALL:
    case(f"roll {dt}", "roll", T([3, 4], dt), 1, 1)
case("roll flat", "roll", T([3, 4]), 5)
case("roll negative", "roll", T([3, 4]), -2, 0)
case("roll big shift", "roll", T([3, 4]), 9, -1)
case("roll multi", "roll", T([2, 3, 4]), [1, -1], [0, 2])
case("roll multi 3", "roll", T([2, 3, 4]), [1, 2, 3], [0, 1, 2])
case("roll transposed", "roll", T([4, 3], view=[["T", 0, 1]]), 2, 1)
case("roll empty", "roll", T([0, 3], values=[]), 1, 0)
case("roll method", "roll", 1, self=T([2, 3]), kwargs={"dims": 0})
case("err roll dims none", "roll", T([3, 4]), [1, 2])
case("err roll mismatch", "roll", T([3, 4]), [1, 2], [0])
case("err roll empty shifts", "roll", T([3, 4]), [], [])
case("grad roll", "roll", T([3, 4], rg=True), [1, 2], [0, 1], grad=True)
case("grad roll flat", "roll", T([3, 4], rg=True), 5, grad=True)

# ---- meshgrid ----
case("meshgrid ij", "meshgrid", T([3]), T([2]), kwargs={"indexing": "ij"})
case("meshgrid xy", "meshgrid", T([3]), T([2]), kwargs={"indexing": "xy"})
case("meshgrid xy 3", "meshgrid", T([3], "int64"), T([2], "int64"), T([4], "int64"), kwargs={"indexing": "xy"})
case("meshgrid 0-dim", "meshgrid", V([1.0], shape=[]), T([2]), kwargs={"indexing": "ij"})
case("meshgrid one", "meshgrid", T([3]), kwargs={"indexing": "xy"})
case("meshgrid list", "meshgrid", [T([2]), T([3])], kwargs={"indexing": "ij"})
case("err meshgrid dtype", "meshgrid", T([2]), T([2], "int64"), kwargs={"indexing": "ij"})
case("err meshgrid indexing", "meshgrid", T([2]), T([2]), kwargs={"indexing": "ab"})
case("err meshgrid empty", "meshgrid", [], kwargs={"indexing": "ij"})
case("grad meshgrid", "meshgrid", T([3], rg=True), T([2], rg=True), kwargs={"indexing": "xy"}, grad=True)
case("grad meshgrid second", "meshgrid", T([3], rg=True), T([2], rg=True), kwargs={"indexing": "ij"}, pick=1, grad=True)

# ---- isclose / allclose / equal ----
a_ = V([1.0, 1.0, 1e-9, 0.0, math.nan, math.nan, math.inf, math.inf, -math.inf, 1e10, 100.0, 1.0])
b_ = V([1.0, 1.00001, 0.0, 1e-8, math.nan, 1.0, math.inf, -math.inf, -math.inf, 1.00001e10, 100.001, 1.0000101])
case("isclose", "isclose", a_, b_)
case("isclose equal_nan", "isclose", a_, b_, kwargs={"equal_nan": True})
case("isclose tolerances", "isclose", a_, b_, kwargs={"rtol": 0.001, "atol": 0.1})
case("isclose zero tolerances", "isclose", a_, b_, kwargs={"rtol": 0, "atol": 0})
case("isclose f64", "isclose", T([10], "float64"), T([10], "float64"), kwargs={"atol": 1.0})
case("isclose int64", "isclose", V([1, 100000, 5, 0], "int64"), V([1, 100001, 7, 0], "int64"))
case("isclose int32 atol", "isclose", V([1, 10, 5], "int32"), V([2, 12, 5], "int32"), kwargs={"atol": 1})
case("isclose bool", "isclose", V([True, False, True], "bool"), V([True, True, False], "bool"))
case("isclose broadcast", "isclose", T([3, 1]), T([4]), kwargs={"atol": 1.0})
case("isclose method", "isclose", T([4]), self=T([4]), kwargs={"rtol": 0.5})
case("err isclose dtype", "isclose", V([1.0]), V([1.0], "float64"))
case("err isclose rtol", "isclose", V([1.0]), V([1.0]), kwargs={"rtol": -1})
case("err isclose atol", "isclose", V([1.0]), V([1.0]), kwargs={"atol": -0.5})
case("allclose true", "allclose", V([1.0, 2.0]), V([1.000001, 2.0]))
case("allclose false", "allclose", a_, b_)
case("allclose nan", "allclose", V([1.0, math.nan]), V([1.0, math.nan]), kwargs={"equal_nan": True})
case("allclose method", "allclose", V([1.0, 2.0]), self=V([1.1, 2.0]), kwargs={"atol": 0.2})
case("err allclose dtype", "allclose", V([1.0]), V([1], "int64"))
case("equal same", "equal", V([1.0, 2.0]), V([1.0, 2.0]))
case("equal differ", "equal", V([1.0, 2.0]), V([1.0, 2.5]))
case("equal shape", "equal", V([1.0]), V([1.0, 1.0]))
case("equal dtype", "equal", V([1.0, 2.0]), V([1, 2], "int64"))
case("equal big int vs float32", "equal", V([16777217], "int64"), V([16777216.0]))
case("equal nan", "equal", V([math.nan]), V([math.nan]))
case("equal transposed", "equal", T([2, 3], "int64", values=[1, 2, 3, 4, 5, 6], view=[["T", 0, 1]]), V([1, 4, 2, 5, 3, 6], "int64", shape=[3, 2]))
case("equal method", "equal", V([True, False], "bool"), self=V([True, False], "bool"))

# ---- diff ----
for dt in ALL:
    case(f"diff {dt}", "diff", T([3, 5], dt))
case("diff n2 dim0", "diff", T([5, 3]), 2, 0)
case("diff n big", "diff", V([1, 2, 4], "int64"), 5)
case("diff n0", "diff", T([4]), 0)
case("grad diff n0 with prepend", "diff", T([4], rg=True), 0, kwargs={"prepend": T([2])}, grad=True)
case("grad diff negative n with prepend", "diff", T([4], rg=True), -1, kwargs={"prepend": T([2], rg=True)}, grad=True)
case("diff prepend append", "diff", T([2, 3]), kwargs={"prepend": T([2, 1]), "append": T([2, 2])})
case("diff prepend dim0 n2", "diff", T([3, 2]), 2, 0, T([1, 2]))
case("diff uint8 wraps", "diff", V([5, 3, 250, 0], "uint8"))
case("diff transposed", "diff", T([4, 3], view=[["T", 0, 1]]))
case("diff method", "diff", self=T([6]), kwargs={"n": 2})
case("err diff 0d", "diff", V([1.0], shape=[]))
case("err diff prepend dims", "diff", T([3, 4]), kwargs={"prepend": V([1.0])})
case("err diff prepend shape", "diff", T([3, 4]), kwargs={"prepend": T([2, 1])})
case("grad diff", "diff", T([3, 5], rg=True), 2, grad=True)
case("grad diff prepend", "diff", T([4], rg=True), kwargs={"prepend": T([2], rg=True)}, grad=True)

# ---- diag / diag_embed / trace ----
for dt in ALL:
    case(f"diag 1d {dt}", "diag", T([3], dt))
    case(f"diag 2d {dt}", "diag", T([3, 4], dt))
case("diag 1d offset", "diag", T([3]), 2)
case("diag 1d negative offset", "diag", T([2]), -1)
case("diag 2d offset", "diag", T([4, 3]), 1)
case("diag 2d negative offset", "diag", T([4, 3]), -2)
case("diag 2d offset past", "diag", T([2, 3]), 5)
case("diag 2d offset to the edge", "diag", T([2, 3]), 3)
case("diag 2d negative offset to the edge", "diag", T([2, 3]), -2)
case("diag 2d negative offset past", "diag", T([2, 3]), -3)
case("diag transposed", "diag", T([3, 4], view=[["T", 0, 1]]))
case("err diag 3d", "diag", T([2, 2, 2]))
case("err diag 0d", "diag", V([1.0], shape=[]))
case("grad diag 1d", "diag", T([3], rg=True), 1, grad=True)
case("grad diag 2d square", "diag", T([3, 3], rg=True), -1, grad=True)
case("grad diag 2d nonsquare", "diag", T([3, 5], rg=True), 1, grad=True)
case("grad diag 2d nonsquare negative", "diag", T([4, 2], "float64", rg=True), -1, grad=True)
case("diag_embed 1d", "diag_embed", T([3]))
case("diag_embed 2d offset", "diag_embed", T([2, 3]), 1)
case("diag_embed dims", "diag_embed", T([2, 3], "int64"), -1, 0, 2)
case("diag_embed dims swapped", "diag_embed", T([2, 3]), 0, -1, 0)
case("err diag_embed 0d", "diag_embed", V([1.0], shape=[]))
case("err diag_embed same dims", "diag_embed", V([1.0]), 0, 1, 1)
case("grad diag_embed", "diag_embed", T([2, 3], rg=True), 1, 0, 2, grad=True)
for dt in ["float32", "float64", "int64", "int32", "uint8"]:
    case(f"trace {dt}", "trace", T([4, 4], dt))
case("trace float32 sum order", "trace", V([1e8, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, -1e8], shape=[3, 3]))
case("trace nonsquare", "trace", T([3, 5]))
case("trace transposed", "trace", T([5, 3], view=[["T", 0, 1]]))
case("err trace 3d", "trace", T([2, 2, 2]))
case("err trace 1d", "trace", T([2]))
case("err trace bool", "trace", T([2, 2], "bool"))
case("grad trace", "trace", T([3, 4], rg=True), grad=True)

# ---- einsum ----
E = [1e-5, 1e-6]
case("einsum ij,jk->ik", "einsum", "ij,jk->ik", T([3, 4]), T([4, 5]), tol=E)
case("einsum bij,bjk->bik", "einsum", "bij,bjk->bik", T([2, 3, 4]), T([2, 4, 5]), tol=E)
case("einsum i,i->", "einsum", "i,i->", T([6]), T([6]), tol=E)
case("einsum ij->ji", "einsum", "ij->ji", T([3, 4]))
case("einsum bhqd,bhkd->bhqk", "einsum", "bhqd,bhkd->bhqk", T([2, 2, 3, 4]), T([2, 2, 5, 4]), tol=E)
case("einsum ij,kj->ik", "einsum", "ij,kj->ik", T([3, 4]), T([5, 4]), tol=E)
case("einsum i,j->ij", "einsum", "i,j->ij", T([3]), T([4]))
case("einsum implicit ij,jk", "einsum", "ij,jk", T([3, 4]), T([4, 2]), tol=E)
case("einsum implicit ba", "einsum", "ba", T([3, 4]))
case("einsum ii->i", "einsum", "ii->i", T([3, 3]))
case("einsum ii", "einsum", "ii", T([3, 3]), tol=E)
case("einsum ij->", "einsum", "ij->", T([3, 4]), tol=E)
case("einsum ij,ij->ij", "einsum", "ij,ij->ij", T([3, 4]), T([3, 4]))
case("einsum ellipsis", "einsum", "...ij,...jk->...ik", T([2, 3, 4]), T([2, 4, 3]), tol=E)
case("einsum three operands", "einsum", "ij,jk,kl->il", T([2, 3]), T([3, 4]), T([4, 2]), tol=E)
case("einsum list operands", "einsum", "ij,jk->ik", [T([2, 3]), T([3, 2])], tol=E)
case("einsum f64 transposed", "einsum", "ij,jk->ik", T([4, 3], "float64", view=[["T", 0, 1]]), T([4, 2], "float64"), tol=[1e-12, 1e-12])
case("einsum int64", "einsum", "ij,jk->ik", T([2, 3], "int64"), T([3, 2], "int64"))
case("einsum spaces", "einsum", "ij , jk -> ik", T([2, 3]), T([3, 2]), tol=E)
case("err einsum fewer", "einsum", "ij,jk->ik", T([3, 4]))
case("err einsum more", "einsum", "ij->ij", T([3, 4]), T([3, 4]))
case("err einsum ndim", "einsum", "ijk->i", T([3, 4]))
case("err einsum subscript", "einsum", "i1->i", T([3, 4]))
case("err einsum output missing", "einsum", "ij->k", T([3, 4]))
case("err einsum output repeated", "einsum", "ij->ii", T([3, 4]))
case("err einsum size", "einsum", "ij,jk->ik", T([3, 4]), T([3, 4]))
case("err einsum dtype", "einsum", "ij,jk->ik", T([3, 4]), T([4, 2], "float64"))
G2 = [1e-5, 1e-6]
case("grad einsum ij,jk->ik", "einsum", "ij,jk->ik", T([3, 4], rg=True), T([4, 5], rg=True), grad=True, tol=G2)
case("grad einsum bhqd,bhkd->bhqk", "einsum", "bhqd,bhkd->bhqk", T([2, 2, 3, 4], rg=True), T([2, 2, 5, 4], rg=True), grad=True, tol=G2)
case("grad einsum i,i->", "einsum", "i,i->", T([5], rg=True), T([5], rg=True), grad=True, tol=G2)
case("grad einsum ij->ji", "einsum", "ij->ji", T([3, 4], rg=True), grad=True)
for eq, shapes in [("ij,kj->ik", [[3, 4], [5, 4]]), ("i,j->ij", [[3], [4]]), ("ij,jk", [[3, 4], [4, 2]]), ("ba", [[3, 4]]),
                   ("ii->i", [[3, 3]]), ("ii", [[3, 3]]), ("ij->", [[3, 4]]), ("ij,ij->ij", [[3, 4], [3, 4]]),
                   ("...ij,...jk->...ik", [[2, 3, 4], [2, 4, 3]]), ("ij,jk,kl->il", [[2, 3], [3, 4], [4, 2]]),
                   ("ij,jk->ki", [[2, 3], [3, 4]]), ("bij,bkj->bik", [[2, 3, 4], [2, 5, 4]]), ("ij,j->i", [[2, 3], [3]]),
                   ("i,i->i", [[3], [3]]), ("ij,kl->ijkl", [[2, 3], [1, 2]]), ("bn,anm,bm->ba", [[2, 3], [4, 3, 5], [2, 5]])]:
    case(f"grad einsum {eq} (grad_fn)", "einsum", eq, *[T(sh, rg=True) for sh in shapes], grad=True, tol=G2)
case("grad einsum bij,bjk->bik", "einsum", "bij,bjk->bik", T([2, 3, 4], rg=True), T([2, 4, 5], rg=True), grad=True, tol=G2)

def results():
    out = []
    for c in CASES:
        r = dict(c)
        r.update(run_case(c))
        out.append(r)
    return out


def main():
    if "--serve" in sys.argv:
        json.dump({"torch": torch.__version__, "results": [run_case(c) for c in CASES]}, sys.stdout)
        return
    if "--check" in sys.argv:
        py = sys.argv[sys.argv.index("--check") + 1]
        mine = [run_case(c) for c in CASES]
        other = json.loads(subprocess.run([py, __file__, "--serve"], capture_output=True, text=True, check=True).stdout)
        print(f"this: torch {torch.__version__}; other: torch {other['torch']}")
        n = 0
        for c, a, b in zip(CASES, mine, other["results"]):
            if a != b:
                n += 1
                print(f"- {c['name']}\n    {torch.__version__}: {json.dumps(a)[:400]}\n    {other['torch']}: {json.dumps(b)[:400]}")
        print(f"{n} of {len(CASES)} cases differ")
        return
    names = [c["name"] for c in CASES]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, dup
    doc = {"torch": torch.__version__, "generator": "scripts/gen_scatter_sort_goldens.py", "cases": results()}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
