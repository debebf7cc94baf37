"""Build test/vectors/printing.json: the shared spec's printing vectors plus extra torch 1.13 cases.

    /usr/bin/python3 scripts/gen_printing_vectors.py SPEC_VECTORS_JSON > test/vectors/printing.json

SPEC_VECTORS_JSON is the spec's vectors/printing.json (itself generated with torch 1.13); its
cases are copied unchanged. `extra_cases` are produced here by calling repr() on real tensors
with Debian's torch 1.13 (python3-torch): random tensors under random print options, plus the
1.13-only behaviours (forced sci_mode widths, edgeitems=0, set_default_dtype(float64),
nn.Parameter). Encoding as in the spec: floats exact, "nan"/"inf"/"-inf"/"-0.0" as strings.
"""
import json
import math
import random
import sys
import warnings

import torch

warnings.filterwarnings("ignore")
assert torch.__version__.startswith("1.13"), torch.__version__

spec = json.load(open(sys.argv[1]))
rng = random.Random(1313)
torch.manual_seed(1313)


def enc(v):
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


def case(construct, t, options, *, kind="tensor", default_dtype="float32"):
    torch.set_printoptions(profile="default")
    torch.set_printoptions(**options)
    torch.set_default_dtype(getattr(torch, default_dtype))
    out = {"construct": construct, "options": options, "kind": kind}
    if default_dtype != "float32":
        out["default_dtype"] = default_dtype
    try:
        out["expected"] = repr(t)
    except RuntimeError as e:
        out["error"] = str(e)
    finally:
        torch.set_default_dtype(torch.float32)
        torch.set_printoptions(profile="default")
    d = t.detach()
    out["dtype"] = str(d.dtype).replace("torch.", "")
    out["shape"] = list(d.shape)
    flat = (d.float() if d.dtype in (torch.float16, torch.bfloat16) else d).reshape(-1).tolist()
    out["values"] = [enc(v) for v in flat]
    out["requires_grad"] = bool(t.requires_grad)
    out["grad_fn"] = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return out


extra = []


def E(s, opts={}, **kw):
    # tensors are created under the default dtype the case is about
    torch.set_default_dtype(getattr(torch, kw.get("default_dtype", "float32")))
    t = eval(s)
    torch.set_default_dtype(torch.float32)
    extra.append(case(s, t, opts, **kw))


# 1.13 measures widths in the automatic mode before applying a forced sci_mode
E("torch.tensor([1e-5, 1.])", {"sci_mode": False})
E("torch.tensor([-2., -3., 0., 5.]).exp() / torch.tensor([-2., -3., 0., 5.]).exp().sum()", {"sci_mode": False})
E("torch.tensor([1.5, 2.25, 3.])", {"sci_mode": True})
E("torch.tensor([1., 2., 3.])", {"sci_mode": True})
E("torch.tensor([0., 0.])", {"sci_mode": True})
E("torch.tensor([1e10, 1.])", {"sci_mode": False})
E("torch.tensor([123456789., 1.])", {"sci_mode": False})
E("torch.tensor(1e-7)", {"sci_mode": False})
# edgeitems = 0 while summarizing: 1-D keeps x[-0:] (everything); >= 2-D fails in torch.stack
E("torch.arange(10)", {"threshold": 5, "edgeitems": 0})
E("torch.arange(10.) / 7", {"threshold": 5, "edgeitems": 0})
E("torch.arange(20.).reshape(4, 5)", {"threshold": 5, "edgeitems": 0})
E("torch.arange(20.).reshape(2, 10)", {"threshold": 5, "edgeitems": 1})
E("torch.arange(20.).reshape(2, 2, 5)", {"threshold": 5, "edgeitems": 1})
E("torch.arange(6.)", {"threshold": 5, "edgeitems": 3})
E("torch.arange(7.)", {"threshold": 0})
E("torch.tensor(2.5)", {"threshold": 0})
# default dtype float64
E("torch.tensor([1.5, 2.])", default_dtype="float64")
E("torch.tensor([1.5, 2.], dtype=torch.float32)", default_dtype="float64")
E("torch.zeros(0, dtype=torch.float64)", default_dtype="float64")
E("torch.zeros(0)", default_dtype="float64")
E("torch.zeros(2, 0, dtype=torch.int64)")
E("torch.zeros(0, 3, dtype=torch.bool)")
E("torch.zeros(0, dtype=torch.float16)")
# parameters and autograd suffixes
E("torch.nn.Parameter(torch.tensor([1., 2.]))", kind="parameter")
E("torch.nn.Parameter(torch.arange(40.).reshape(4, 10) / 3)", kind="parameter")
E("torch.nn.Parameter(torch.tensor([1., 2.]), requires_grad=False)", kind="parameter")
E("torch.tensor([1., 2.], requires_grad=True)")
E("torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True) * 2")
E("(torch.arange(12.).reshape(3, 4) / 9).requires_grad_()", {"linewidth": 50})
E("torch.tensor([1., 2., 3.], dtype=torch.float16, requires_grad=True).sum()")
E("torch.arange(30., dtype=torch.float64).requires_grad_() + 1", {"linewidth": 40})
# precision / linewidth corners
E("torch.tensor([1.23, 2.5, -0.5])", {"precision": 0})
E("torch.tensor([0.03125, 0.09375, 2.5])", {"precision": 4})
E("torch.tensor([0.125, 0.375, 2.5, 1e-5])", {"precision": 2})
E("torch.tensor([1e-300, 1e300], dtype=torch.float64)", {"sci_mode": False, "precision": 2})
E("torch.tensor([1e-30, 3e30])", {"sci_mode": False, "precision": 1})
E("torch.tensor([1e20, 3.], dtype=torch.float64)", {"sci_mode": False})
E("torch.tensor([1e22, -3e21], dtype=torch.float64)", {"sci_mode": False})
E("torch.arange(10.) / 3", {"linewidth": 1})
E("torch.arange(10.) / 3", {"linewidth": 200, "precision": 10})
E("torch.tensor([-0.00001, 1.])", {"sci_mode": False})
E("torch.tensor([float('nan'), -float('inf'), 0.])", {})
E("torch.tensor([float('nan'), 2., -float('inf')])", {"sci_mode": True})
E("torch.tensor([-5, 3, 120], dtype=torch.int8)", {})
E("torch.tensor([255, 0], dtype=torch.uint8)", {})
E("torch.tensor([2**40, -2**50])", {})


def rand_tensor():
    nd = rng.choice([0, 1, 1, 2, 2, 3, 4])
    shape = tuple(rng.randint(1, {0: 1, 1: 40, 2: 12, 3: 6, 4: 4}[nd]) for _ in range(nd))
    kind = rng.choice(["randn", "rand", "big", "tiny", "mixed", "intf", "ints", "bools", "f64", "f16", "bf16", "special"])
    if kind == "randn":
        t, s = torch.randn(shape), "randn"
    elif kind == "rand":
        t, s = torch.rand(shape) * rng.choice([1, 10, 1000]), "rand"
    elif kind == "big":
        t, s = torch.randn(shape) * 1e9, "randn*1e9"
    elif kind == "tiny":
        t, s = torch.randn(shape) * 1e-6, "randn*1e-6"
    elif kind == "mixed":
        t, s = torch.randn(shape) * torch.pow(10., torch.randint(-6, 7, shape).float()), "mixed"
    elif kind == "intf":
        t, s = torch.randint(-2000, 2000, shape).float(), "int-valued float"
    elif kind == "ints":
        dt = rng.choice([torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8])
        lo = 0 if dt == torch.uint8 else -100
        t, s = torch.randint(lo, 100, shape, dtype=dt), "randint " + str(dt)
    elif kind == "bools":
        t, s = torch.rand(shape) > 0.5, "bool"
    elif kind == "f64":
        t, s = torch.randn(shape, dtype=torch.float64) * 10 ** rng.randint(-5, 5), "float64"
    elif kind == "f16":
        t, s = torch.randn(shape).half(), "float16"
    elif kind == "bf16":
        t, s = torch.randn(shape).bfloat16(), "bfloat16"
    else:
        t = torch.randn(shape)
        flat = t.view(-1)
        for i in range(flat.numel()):
            r = rng.random()
            if r < 0.15:
                flat[i] = rng.choice([float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1.0, 2.5])
        s = "randn with specials"
    if t.dtype.is_floating_point and rng.random() < 0.15:
        t = t.requires_grad_() if rng.random() < 0.5 else (t.requires_grad_() * 1)
    return t, "random: %s %s" % (s, list(shape))


for _ in range(260):
    t, s = rand_tensor()
    opts = {}
    if rng.random() < 0.2:
        opts["profile"] = rng.choice(["default", "short", "full"])
    if rng.random() < 0.35:
        opts["precision"] = rng.randint(0, 8)
    if rng.random() < 0.4:
        opts["threshold"] = rng.choice([5, 20, 50, 100])
    if rng.random() < 0.3:
        opts["edgeitems"] = rng.randint(1, 4)
    if rng.random() < 0.35:
        opts["linewidth"] = rng.randint(15, 140)
    if rng.random() < 0.3:
        opts["sci_mode"] = rng.choice([True, False])
    extra.append(case(s, t, opts))

out = {
    "source": "cases/size_cases: copied unchanged from the shared spec vectors/printing.json "
              "(torch 1.13.1 reprs); extra_cases: scripts/gen_printing_vectors.py with torch "
              + torch.__version__ + " (Debian python3-torch)",
    **spec,
    "extra_cases_note": "kind: 'tensor' -> repr(t), 'parameter' -> repr(nn.Parameter); "
                        "default_dtype (if present) was set with torch.set_default_dtype; "
                        "'error' instead of 'expected' = the RuntimeError message repr raised",
    "extra_cases": extra,
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
