#!/usr/bin/env python3
"""Reads a safetensors file with Hugging Face's `safetensors` package and prints it as JSON.

Usage: read_safetensors.py FILE...
Prints a JSON list with, for each FILE, {"metadata": {...} | null, "tensors": {name: TENSOR},
"resave_identical": whether safetensors.torch.save(tensors, metadata) reproduces FILE byte for
byte} (only meaningful with at most one metadata key: the package orders metadata by hash).
One process reads every file: importing torch dominates the run time.

test/io.test.ts runs it on files torchlette wrote (with the oracle venv) to check that the
reference implementation reads them. `value_json`/`tensor_json` are shared with
gen_io_fixtures.py: floats are JSON numbers (repr round-trips exactly), NaN/inf are the strings
"nan"/"inf"/"-inf", ints beyond 2^53 are {"type": "bigint", "value": "..."}.
"""
import json
import math
import sys


def scalar_json(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 else {"type": "bigint", "value": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    raise TypeError(type(v))


def nested_values(t):
    import torch

    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()  # exact: what torchlette loads them as
    def walk(x):
        return [walk(y) for y in x] if isinstance(x, list) else scalar_json(x)
    return walk(t.tolist())


def tensor_json(t):
    import torch

    return {
        "type": "tensor",
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "values": nested_values(t.detach()),
    }


def main():
    from safetensors import safe_open
    from safetensors.torch import save

    out = []
    for path in sys.argv[1:]:
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata()
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        with open(path, "rb") as fh:
            identical = save(tensors, metadata) == fh.read()
        out.append({"metadata": metadata, "tensors": {k: tensor_json(v) for k, v in tensors.items()}, "resave_identical": identical})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
