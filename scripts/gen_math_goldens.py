#!/usr/bin/python3
"""Goldens for float32 transcendental ops from Debian's PyTorch 1.13 (AVX2 kernels, 1 thread).

Run with /usr/bin/python3 (torch 1.13): writes test/goldens/math_exact.json, read by
test/math-exact.test.ts. Inputs are not stored: both sides draw them from the same xorshift32
stream (see inputs()); outputs are stored bit for bit (base64 of little-endian float32).

Per op: 20000 inputs (specials, uniform in a range, log-uniform magnitudes, raw bit patterns,
in runs of 8 so that sin/cos/tan get both all-small and mixed vectors), evaluated
  random     contiguous (vml ops: SLEEF everywhere; cpu_kernel_vec ops: 16-chunks)
  strided    the same values at stride 2 (cpu_kernel_vec ops only: all scalar)
  sizes      contiguous slices of length 1..40 (16-chunks + scalar tail; 8-lane groups)
  rows35     a [7, 37][:, :35] view: 35-element rows that do not merge
  transposed a [19, 5] tensor transposed: dense, iterated in memory order
  expanded   a [23, 1] tensor expanded to [23, 21]: broadcast scalar rows
  permuted   a [4, 6, 5] tensor permuted (2, 0, 1)
  mixgroup   sin/cos/tan: small arguments sharing each 8-lane vector with 1000.0
  int        torch.arange(-30, 30) (int64 input, float32 result)
and "threads16": a few ops on large tensors with torch.set_num_threads(16).
"""
import base64
import hashlib
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
N = 20000
SEED = 20240613

SPECIALS = [
    0.0, -0.0, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 1.1754944e-38, -1.1754944e-38,
    1.0, -1.0, 0.5, -0.5, float("inf"), float("-inf"), float("nan"), 3.4028235e38, -3.4028235e38,
    88.72283, 88.7229, -88.72283, -103.97, -104.0, -104.00001, 100.0, 100.00001, 89.0, -89.0,
    124.99999, 125.0, -125.0, 39000.0, 1e7, -1e7, 8.664339742, -8.664339742, 16.635532, -16.635532,
    1e38, 1.0000001e38, 3e38, -0.99999994, -0.9999999, 0.7, -0.7, 1.1, 2.4, 4.0, -4.0, 1e-30,
    -1e-30, 2.0 ** -25, 2.0 ** -28, 0.3465736, 1.0397208, 22.0, -22.0, 27.0, 3.14159274, 1.5707964,
    0.78539819, 6.2831855, 1e-5, -1e-5,
]

# op -> (linear range, magnitude range) of the random inputs
RANGES = {
    "exp": ((-20, 20), (1e-10, 120)),
    "exp2": ((-30, 30), (1e-10, 160)),
    "log": ((0, 100), (1e-40, 3.4e38)),
    "log2": ((0, 100), (1e-40, 3.4e38)),
    "log10": ((0, 100), (1e-40, 3.4e38)),
    "log1p": ((-1, 10), (1e-10, 3.4e38)),
    "expm1": ((-5, 5), (1e-10, 100)),
    "tanh": ((-10, 10), (1e-10, 20)),
    "erf": ((-5, 5), (1e-10, 10)),
    "asin": ((-1.2, 1.2), (1e-10, 2)),
    "acos": ((-1.2, 1.2), (1e-10, 2)),
    "atan": ((-10, 10), (1e-10, 1e10)),
    "sin": ((-10, 10), (1e-10, 1e6)),
    "cos": ((-10, 10), (1e-10, 1e6)),
    "tan": ((-10, 10), (1e-10, 1e6)),
    "sinh": ((-10, 10), (1e-10, 100)),
    "cosh": ((-10, 10), (1e-10, 100)),
    "sqrt": ((0, 100), (1e-40, 3.4e38)),
    "rsqrt": ((0, 100), (1e-40, 3.4e38)),
    "sigmoid": ((-20, 20), (1e-10, 120)),
    "silu": ((-20, 20), (1e-10, 120)),
    "gelu": ((-6, 6), (1e-10, 20)),
    "gelu_tanh": ((-6, 6), (1e-10, 20)),
    # nn.functional activations (Activation.cpp): the name carries the arguments
    "leaky_relu": ((-10, 10), (1e-30, 3e38)),
    "leaky_relu_p3": ((-10, 10), (1e-30, 3e38)),
    "elu": ((-20, 5), (1e-10, 120)),
    "elu_a07": ((-20, 5), (1e-10, 120)),
    "softplus": ((-30, 30), (1e-10, 120)),
    "softplus_b2t5": ((-20, 10), (1e-10, 120)),
    "mish": ((-30, 30), (1e-10, 120)),
    "logsigmoid": ((-30, 30), (1e-10, 120)),
    "selu": ((-20, 5), (1e-10, 120)),
    "celu_a07": ((-20, 5), (1e-10, 120)),
    "hardsigmoid": ((-5, 5), (1e-10, 1e10)),
    "hardswish": ((-5, 5), (1e-10, 1e10)),
    "softshrink": ((-2, 2), (1e-10, 1e10)),
    "hardshrink_p3": ((-2, 2), (1e-10, 1e10)),
    "softsign": ((-10, 10), (1e-10, 3e38)),
    "tanhshrink": ((-10, 10), (1e-10, 100)),
}
ACTIVATIONS = {
    "leaky_relu": lambda t: F.leaky_relu(t),
    "leaky_relu_p3": lambda t: F.leaky_relu(t, 0.3),
    "elu": lambda t: F.elu(t),
    "elu_a07": lambda t: F.elu(t, 0.7),
    "softplus": lambda t: F.softplus(t),
    "softplus_b2t5": lambda t: F.softplus(t, beta=2, threshold=5),
    "mish": lambda t: F.mish(t),
    "logsigmoid": lambda t: F.logsigmoid(t),
    "selu": lambda t: F.selu(t),
    "celu_a07": lambda t: F.celu(t, 0.7),
    "hardsigmoid": lambda t: F.hardsigmoid(t),
    "hardswish": lambda t: F.hardswish(t),
    "softshrink": lambda t: F.softshrink(t),
    "hardshrink_p3": lambda t: F.hardshrink(t, 0.3),
    "softsign": lambda t: F.softsign(t),
    "tanhshrink": lambda t: F.tanhshrink(t),
}
VEC_OPS = {"sinh", "cosh", "sigmoid", "silu", "gelu", "gelu_tanh", "leaky_relu", "leaky_relu_p3", "elu", "elu_a07",
           "softplus", "softplus_b2t5", "mish", "selu", "celu_a07", "hardsigmoid", "hardswish", "softshrink",
           "hardshrink_p3", "softsign", "tanhshrink"}
TRIG = {"sin", "cos", "tan"}
# every element on the vector path, whatever the layout (input made contiguous): layouts tested too
LAYOUT_ONLY = {"logsigmoid"}


def f32(x):
    return float(np.float32(x))


def bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def inputs(op):
    """The op's N inputs; test/math-exact.test.ts has the same generator."""
    h = 0
    for c in op:
        h = (h * 31 + ord(c)) & 0xFFFFFFFF
    s = (SEED ^ h) or 1

    def nxt():
        nonlocal s
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        return s

    (lo, hi), (mlo, mhi) = RANGES[op]
    blo, bhi = bits(f32(mlo)), bits(f32(mhi))
    out = [f32(v) for v in SPECIALS]
    while len(out) < N:
        kind = nxt() % 16
        for _ in range(8):
            if kind < 7:
                out.append(f32(lo + (hi - lo) * (nxt() / 4294967296.0)))
            elif kind < 13:
                m = from_bits(blo + nxt() % (bhi - blo + 1))
                out.append(-m if nxt() & 1 else m)
            else:
                out.append(from_bits(nxt()))
    return np.array(out[:N], dtype=np.float32)


def mixgroup(x):
    """7000 of the inputs with |x| < 125, each 7 followed by 1000: every 8-lane vector takes the
    slow (rempif) reduction, which rounds some small arguments differently."""
    small = [v for v in x if abs(v) < 125][:7000]
    out = []
    for g in range(1000):
        out += small[7 * g: 7 * g + 7] + [1000.0]
    return np.array(out, dtype=np.float32)


def apply(op, t):
    if op in ACTIVATIONS:
        return ACTIVATIONS[op](t)
    if op == "gelu":
        return F.gelu(t)
    if op == "gelu_tanh":
        return F.gelu(t, approximate="tanh")
    if op == "silu":
        return F.silu(t)
    return getattr(torch, op)(t)


def enc(t):
    a = np.ascontiguousarray(t.detach().numpy().astype(np.float32)).reshape(-1)
    return base64.b64encode(a.tobytes()).decode()


def cases(op):
    x = inputs(op)
    tx = torch.from_numpy(x.copy())
    res = {"random": enc(apply(op, tx))}
    lane = op not in VEC_OPS and op not in TRIG and op not in LAYOUT_ONLY
    if not lane:
        base = torch.zeros(N, 2)
        base[:, 0] = tx
        if op in VEC_OPS:
            res["strided"] = enc(apply(op, base[:, 0]))
        res["sizes"] = enc(torch.cat([apply(op, tx[1000 + 50 * n: 1000 + 50 * n + n]) for n in range(1, 41)]))
        res["rows35"] = enc(apply(op, tx[:259].reshape(7, 37)[:, :35]))
        res["transposed"] = enc(apply(op, tx[300:395].reshape(19, 5).t()))
        res["expanded"] = enc(apply(op, tx[400:423].reshape(23, 1).expand(23, 21)))
        res["permuted"] = enc(apply(op, tx[500:620].reshape(4, 6, 5).permute(2, 0, 1)))
    if op in TRIG:
        res["mixgroup"] = enc(apply(op, torch.from_numpy(mixgroup(x))))
    if op not in ("gelu", "gelu_tanh", "silu") and op not in ACTIVATIONS:  # the F.* ops reject integer input
        res["int"] = enc(apply(op, torch.arange(-30, 30)))
    return res


def threaded():
    """With 16 intra-op threads 1.13 cuts large tensors where the threads split the work. Stored:
    SHA-256 of the output bits (NaNs as 0x7fc00000), and the elements whose bits differ from the
    1-thread result."""
    res = {}
    cases_ = (("sigmoid", [500001]), ("sigmoid", [7, 70001]), ("gelu_tanh", [20001]), ("cosh", [100003]),
              ("sin", [10007]), ("cos", [50021]))
    for op, shape in cases_:
        n = int(np.prod(shape))
        x = torch.from_numpy(inputs(op)).repeat(n // N + 1)[:n].reshape(shape)
        torch.set_num_threads(16)
        y4 = apply(op, x).numpy().reshape(-1)
        torch.set_num_threads(1)
        y1 = apply(op, x).numpy().reshape(-1)
        d = np.nonzero(y4.view(np.uint32) != y1.view(np.uint32))[0]
        canon = y4.view(np.uint32).copy()
        canon[np.isnan(y4)] = 0x7FC00000  # NaN payloads are not compared
        res[op + "/" + "x".join(map(str, shape))] = {
            "sha256": hashlib.sha256(canon.tobytes()).hexdigest(),
            "diff": [[int(i), int(y4.view(np.uint32)[i])] for i in d[:100]],
        }
    return res


def softmax_cases():
    """softmax / log_softmax forward and backward (float32, one thread): the last dim (1.13's
    vectorized row kernels: 8-lane sums, SLEEF exp/log) and other dims (vectorized columns of 8
    with a scalar tail for softmax, the scalar host loops for log_softmax and the backward).
    Inputs and incoming gradients are stored with the results (base64 float32)."""
    g = torch.Generator().manual_seed(SEED)
    out = []

    def case(shape, dim, mask=None):
        x = (torch.rand(shape, generator=g) * 20 - 10).float()
        if mask == "inf":  # a causal-mask-like pattern of -inf, and one row with large values
            flat = x.view(-1)
            flat[::3] = float("-inf")
            flat[1] = 80.0
        elif mask == "nan":
            x.view(-1)[2] = float("nan")
        elif mask == "rowinf":  # a whole slice along dim of -inf
            x.select(dim, 0).fill_(float("-inf"))
            x.narrow(dim, 0, x.shape[dim]).select(0, 0).fill_(float("-inf"))
        go = (torch.rand(shape, generator=g) * 2 - 1).float()
        rec = {"shape": list(shape), "dim": dim, "x": enc(x), "g": enc(go)}
        for name, f in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
            xr = x.clone().requires_grad_()
            y = f(xr, dim=dim)
            (gi,) = torch.autograd.grad(y, xr, go)
            rec[name] = enc(y)
            rec[name + "_grad"] = enc(gi)
        out.append(rec)

    for n in list(range(1, 41)) + [47, 64, 65, 128, 200]:
        case([6, n], 1)
    for n in (3, 8, 17, 27, 64):
        case([5, n], 1, "inf")
        case([4, n], 1, "nan")
    case([2, 64, 64], 2, "inf")
    for n in (1, 2, 7, 27):
        case([3, n, 5], 1)
        case([2, n, 16], 1)
        case([n, 9], 0)
    case([2, 3, 4], 0)
    case([3, 17, 11], 1, "inf")
    case([4, 6], 0, "rowinf")
    return out


# backward formulas that torchlette computes as 1.13 does, float operation for float operation
BACKWARD = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "exp": torch.exp,
    "log_abs": lambda t: t.abs().log(),
    "sqrt_abs": lambda t: t.abs().sqrt(),
    "pow2": lambda t: t.pow(2),
    "pow3": lambda t: t.pow(3),
    "mul_self": lambda t: t * t,
    "erf": torch.erf,
    "leaky_relu": F.leaky_relu,
    "normalize": lambda t: (t - t.mean()) / t.std(),
}


def backward_cases():
    """Gradients of BACKWARD's functions at 5000 inputs for a random incoming gradient."""
    g = torch.Generator().manual_seed(SEED + 1)
    x = torch.randn(5000, generator=g) * 4
    go = torch.randn(5000, generator=g)
    out = {"x": enc(x), "g": enc(go)}
    for name, f in BACKWARD.items():
        xr = x.clone().requires_grad_()
        f(xr).backward(go)
        out[name] = enc(xr.grad)
    return out


def layer_norm_cases():
    """F.layer_norm forward (with mean and rstd) and backward, float32: row lengths through
    RowwiseMoments' vector tail, chunk and cascade cases, with and without gamma/beta."""
    g = torch.Generator().manual_seed(SEED + 2)
    out = []
    for N, affine in [(1, True), (5, True), (8, True), (27, True), (32, True), (32, False), (100, True), (128, True),
                      (129, False), (200, True), (384, True), (1000, True), (2048, True), (3000, False), (5000, True)]:
        M = 7
        x = torch.randn((M, N), generator=g) * 3 + 0.5
        w = torch.randn(N, generator=g) if affine else None
        b = torch.randn(N, generator=g) if affine else None
        go = torch.randn((M, N), generator=g)
        y, mean, rstd = torch.native_layer_norm(x, [N], w, b, 1e-5)
        xr = x.clone().requires_grad_()
        wr = w.clone().requires_grad_() if affine else None
        br = b.clone().requires_grad_() if affine else None
        F.layer_norm(xr, [N], wr, br, 1e-5).backward(go)
        rec = {"M": M, "N": N, "x": enc(x), "g": enc(go), "y": enc(y), "mean": enc(mean), "rstd": enc(rstd), "gx": enc(xr.grad)}
        if affine:
            rec.update({"w": enc(w), "b": enc(b), "gw": enc(wr.grad), "gb": enc(br.grad)})
        out.append(rec)
    return out


def addc_cases():
    """add with alpha, addcmul and addcdiv in float32 (their FMAs and roundings), broadcast and
    with a transposed operand, and the gradients of addcmul / addcdiv."""
    g = torch.Generator().manual_seed(SEED + 3)
    out = []
    for op, value, shapes in [("add", 0.1, [(37, 19), (37, 19)]), ("add", -3.7, [(37, 19), (19,)]),
                              ("addcmul", 0.001, [(37, 19), (37, 19), (37, 19)]),
                              ("addcmul", -2.5, [(37, 19), (1, 19), (37, 1)]),
                              ("addcmul", 1, [(5, 40), (5, 40), (5, 40)]),
                              ("addcdiv", -0.01, [(37, 19), (37, 19), (37, 19)]),
                              ("addcdiv", 3.3, [(37, 19), (19,), (37, 1)])]:
        ts = [torch.randn(sh, generator=g) * 2 for sh in shapes]
        if op == "addcdiv":
            ts[2] = ts[2].abs() + 0.5
        t_in = [t.clone().requires_grad_() for t in ts]
        if op == "add":
            y = torch.add(t_in[0], t_in[1], alpha=value)
        else:
            y = getattr(torch, op)(*t_in, value=value)
        go = torch.randn(y.shape, generator=g)
        y.backward(go)
        out.append({"op": op, "value": value, "shapes": [list(sh) for sh in shapes], "ins": [enc(t) for t in ts],
                    "y": enc(y), "g": enc(go), "grads": [enc(t.grad) for t in t_in]})
    return out


def main():
    # specials as float32 bit patterns (JSON has no inf/nan)
    doc = {"torch": torch.__version__, "n": N, "seed": SEED, "specials": [bits(f32(v)) for v in SPECIALS], "ranges": RANGES, "ops": {}}
    for op in RANGES:
        doc["ops"][op] = cases(op)
    doc["threads16"] = threaded()
    doc["softmax"] = softmax_cases()
    doc["backward"] = backward_cases()
    doc["layer_norm"] = layer_norm_cases()
    doc["addc"] = addc_cases()
    path = os.path.join(os.path.dirname(__file__), "..", "test", "goldens", "math_exact.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
