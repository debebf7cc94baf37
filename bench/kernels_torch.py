# PyTorch's side of bench/kernels.ts: the same single calls on the same shapes, timed the same
# way (median over 9 trials of `inner` calls, after inner/4 warm-up calls), one JSON line in µs:
#   <python with torch> bench/kernels_torch.py
# The backward rows call the same ATen functions the autograd graph calls, so that neither side
# times graph bookkeeping.
import json, time
import torch
import torch.nn.functional as F


def per(f, inner):
    for _ in range(max(1, inner // 4)):
        f()
    res = []
    for _ in range(9):
        t0 = time.perf_counter()
        for _ in range(inner):
            f()
        res.append((time.perf_counter() - t0) / inner * 1e6)
    med = sorted(res)[4]
    return round(med, 3 if med < 10 else 1)


out = {}
torch.set_num_threads(1)
att = torch.randn(16, 64, 64)
mask = torch.tril(torch.ones(64, 64)) == 0
masked = att.masked_fill(mask, float("-inf"))
out["softmax_masked"] = per(lambda: F.softmax(masked, -1), 300)
out["softmax"] = per(lambda: F.softmax(att, -1), 300)
g, p = torch.randn(1024, 64), torch.rand(1024, 64)
out["softmax_bwd"] = per(lambda: torch._softmax_backward_data(g, p, 1, torch.float32), 300)
logits = torch.randn(32, 27, requires_grad=True)
tgt = torch.randint(0, 27, (32,))


def ce():
    logits.grad = None
    F.cross_entropy(logits, tgt).backward()


out["cross_entropy_fwd_bwd"] = per(ce, 5000)
M, N = 1024, 128
lx, lg = torch.randn(M, N), torch.randn(M, N)
w, b = torch.randn(N), torch.randn(N)
_, mean, rstd = torch.native_layer_norm(lx, [N], w, b, 1e-5)
for th in (1, 2):
    torch.set_num_threads(th)
    out[f"layer_norm_{th}t"] = per(lambda: torch.native_layer_norm(lx, [N], w, b, 1e-5), 300)
    out[f"layer_norm_bwd_{th}t"] = per(
        lambda: torch.ops.aten.native_layer_norm_backward(lg, lx, [N], mean, rstd, w, b, [True, True, True]), 300)
    out[f"masked_fill_{th}t"] = per(lambda: att.masked_fill(mask, float("-inf")), 2000)
print(json.dumps(out))
