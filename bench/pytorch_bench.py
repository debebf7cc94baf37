# PyTorch side of bench/run.ts: the same workloads as bench/workloads.ts, timed the same way.
# Reads one JSON request per line on stdin, answers one JSON line each:
#   {"case": "add" | "add_grad" | "mlp" | "gpt" | "gpt_fma" | "matmul", "threads": n, "budget": seconds,
#    "minTrials": n, "gpt": {shape}, "n": matmul size}
#   -> {"us": [median microseconds per call of each trial]}
import json, os, sys, time
import torch
import torch.nn.functional as F

def trials(fn, budget, inner, min_trials):
    fn()
    out = []
    deadline = time.perf_counter() + budget
    while len(out) < min_trials or (time.perf_counter() < deadline and len(out) < 200):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - t0) / inner * 1e6)
    return out

def add_case(grad):
    a = torch.randn(32, 27, requires_grad=grad)
    b = torch.randn(32, 27, requires_grad=grad)
    return lambda: torch.add(a, b)

def mlp_case():
    g = torch.Generator().manual_seed(2147483647)
    N = 200000
    Xtr = torch.randint(0, 27, (N, 3), generator=g)
    Ytr = torch.randint(0, 27, (N,), generator=g)
    C = torch.randn((27, 10), generator=g)
    W1 = torch.randn((30, 200), generator=g) * (5 / 3) / 30 ** 0.5
    b1 = torch.randn(200, generator=g) * 0.01
    W2 = torch.randn((200, 27), generator=g) * 0.01
    b2 = torch.randn(27, generator=g) * 0
    params = [C, W1, b1, W2, b2]
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.SGD(params, lr=0.1)
    def step():
        ix = torch.randint(0, N, (32,), generator=g)
        Xb, Yb = Xtr[ix], Ytr[ix]
        emb = C[Xb]
        h = torch.tanh(emb.view(emb.shape[0], -1) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss
    return step

# The lecture's GPT (ng-video-lecture gpt.py), as examples/gpt.ts ports it: the same module
# classes the nn goldens are made with (scripts/gen_nn_goldens.py; importing it runs nothing).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from gen_nn_goldens import GPTLanguageModel

def gpt_case(cfg):
    torch.manual_seed(1337)
    V, T, B = cfg["vocab"], cfg["block"], cfg["batch"]
    model = GPTLanguageModel({"vocab_size": V, "n_embd": cfg["n_embd"], "n_head": cfg["n_head"],
                              "n_layer": cfg["n_layer"], "block_size": T, "dropout": 0.0})
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, foreach=False)
    data = torch.randint(0, V, (100000,))
    def step():
        ix = torch.randint(len(data) - T, (B,))
        x = torch.stack([data[i:i + T] for i in ix])
        y = torch.stack([data[i + 1:i + T + 1] for i in ix])
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss
    return step

def matmul_case(n):
    a = torch.rand(n, n) - 0.5
    b = torch.rand(n, n) - 0.5
    return (lambda: a @ b, max(1, round(2e7 / n ** 3)))

def main():
    cases = {}
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        torch.set_num_threads(req["threads"])
        key = req["case"] + str(req.get("n", ""))
        if key not in cases:
            if key == "add": cases[key] = (add_case(False), 20000)
            elif key == "add_grad": cases[key] = (add_case(True), 20000)
            elif key == "mlp": cases[key] = (mlp_case(), 200)
            elif key in ("gpt", "gpt_fma"): cases[key] = (gpt_case(req["gpt"]), 1)
            elif req["case"] == "matmul": cases[key] = matmul_case(req["n"])
            cases[key][0]()
        fn, inner = cases[key]
        print(json.dumps({"us": trials(fn, req["budget"], inner, req.get("minTrials") or 3)}), flush=True)

if __name__ == "__main__":
    main()
