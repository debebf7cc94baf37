# PyTorch's own profile of the char-GPT step that bench/run.ts times (bench/pytorch_bench.py's
# gpt_case): self CPU time per aten op over 5 steps, for the comparison in BENCHMARKS.md (how
# much of PyTorch's step is products: aten::mm + addmm + bmm). The profiler adds its own overhead.
#   /work/.venv-oracle/bin/python bench/pytorch_gpt_profile.py [threads=1]
import os, sys
import torch
from torch.profiler import profile, ProfilerActivity

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_bench import gpt_case

STEPS = 5
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
step = gpt_case({"vocab": 65, "block": 64, "batch": 16, "n_embd": 128, "n_head": 4, "n_layer": 4})
for _ in range(3):
    step()
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(STEPS):
        step()
events = prof.key_averages()
print(events.table(sort_by="self_cpu_time_total", row_limit=15))
products = sum(e.self_cpu_time_total for e in events if e.key in ("aten::mm", "aten::addmm", "aten::bmm"))
total = sum(e.self_cpu_time_total for e in events)
print(f"threads {torch.get_num_threads()}: products {products / STEPS / 1e3:.1f} ms of {total / STEPS / 1e3:.1f} ms per step (self CPU time)")
