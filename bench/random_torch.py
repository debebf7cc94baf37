# PyTorch's side of bench/random.ts: 1M float32 elements, one thread, best of trials (ms).
import time, torch
torch.set_num_threads(1)
N = 1 << 20
x = torch.ones(N)
cases = [("randn", lambda: torch.randn(N)), ("rand", lambda: torch.rand(N)),
         ("randint", lambda: torch.randint(0, 10, (N,))),
         ("dropout", lambda: torch.nn.functional.dropout(x, 0.5, True))]
for name, f in cases:
    best = float("inf")
    for _ in range(30):
        t0 = time.perf_counter(); f(); best = min(best, time.perf_counter() - t0)
    print(f"{name:8} {best * 1e3:.2f} ms")
