#!/usr/bin/env python3
"""Fixtures for test/io.test.ts (torch.save / torch.load), written by real PyTorch.

Run with the oracle:  /work/.venv-oracle/bin/python scripts/gen_io_fixtures.py
It writes test/fixtures/io/:
  torch2_zip.pt        torch 2.x torch.save of CHECKPOINT (zip format)
  torch2_legacy.pt     the same with _use_new_zipfile_serialization=False
  torch2_zip_proto1.pt, torch2_zip_proto4.pt  the same with pickle_protocol=1 / 4 (other opcodes)
  torch113_zip.pt      torch 1.13 (Debian's /usr/bin/python3) loading torch2_zip.pt and saving it
  torch113_legacy.pt   again, legacy format (both skipped, with a message, without torch 1.13)
  torch2_tensor.pt     torch.save of a single tensor
  torch2_tensor_legacy.pt  the same, legacy format (small: the fuzz test truncates it everywhere)
  torch2_numpy.pt      a checkpoint holding a numpy array (torchlette must refuse its globals)
  torch2_int64_big.pt  an int64 value beyond 2^53 (torchlette must refuse it)
  torch2_malicious.pt  a checkpoint whose pickle calls os.system (torchlette must refuse it)
  torch2_param_state.pt  a Parameter with an extra Python attribute (refused: torchlette drops none)
  torch2_proto0.pt     plain data (no tensors: protocol 0 cannot hold them) with pickle_protocol=0
  torch2_tensor_deflated.pt  torch2_tensor.pt re-zipped with deflate compression
  st_python.safetensors        safetensors.torch.save_file of every dtype torchlette reads
  st_python_nohalf.safetensors the same without float16/bfloat16, metadata {"format": "pt"}:
                               torchlette's writer must reproduce it byte for byte
  st_int64_big.safetensors     an int64 value beyond 2^53
  expected.json        every value above, as JSON (see tree_json)
"""
import io
import json
import os
import pickle
import subprocess
import sys
import zipfile
from collections import OrderedDict

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_safetensors import scalar_json, tensor_json  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "io")
TORCH113 = "/usr/bin/python3"


def make_checkpoint():
    torch.manual_seed(0)
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5 - 2
    shared = torch.arange(10, dtype=torch.float64) / 4
    big_i64 = torch.tensor([5, 2**60, -7])
    twice = torch.tensor([4.0, 5.0])
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(5, 3)).pow(2).sum().backward()
    opt.step()
    return {
        "f32": torch.randn(2, 3),
        "f64": torch.randn(3, dtype=torch.float64),
        "special": torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-45, 3.4028234663852886e38, -1.5]),
        "i64": torch.tensor([0, -1, 2**53, -(2**53), 123456789012345, 7]),
        "i32": torch.tensor([-(2**31), 2**31 - 1, 0, 5], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, -3], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([[True, False], [False, True]]),
        "f16": torch.tensor([1.0, -2.5, 65504.0, 6e-8, float("inf"), float("nan"), -0.0], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e38, 1e-40], dtype=torch.bfloat16),
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 3),
        "noncontig": base.t(),
        "sliced": base[1:, ::2],
        "shared_full": shared,
        "shared_view": shared[2:8].view(2, 3),
        "expanded": torch.tensor([1.0, 2.0]).expand(3, 2),
        "i64_slice_of_big": big_i64[:1],
        "grad_leaf": torch.ones(2, requires_grad=True),
        "param": nn.Parameter(torch.tensor([0.5, -0.5])),
        "frozen_param": nn.Parameter(torch.tensor([1.0]), requires_grad=False),
        "twice": [twice, twice],
        "model": model.state_dict(),
        "optim": opt.state_dict(),
        "nested": {
            "inner": {"t": torch.tensor([1, 2])},
            "list": [torch.tensor([True]), 1, 2.5, "s", None, True, False],
            "tuple": (1, (2, 3)),
            "size": torch.Size([2, 3]),
            "dtype": torch.float64,
            "bytes": b"\x00\xff",
            "big": 2**70,
            "neg": -5,
            "ordered": OrderedDict([("z", 1), ("a", 2)]),
            "set": {1, 2},
            "frozen": frozenset([3]),
        },
    }


class Ids:
    def __init__(self):
        self.objects, self.storages = {}, {}

    def obj(self, t):
        return self.objects.setdefault(id(t), len(self.objects))

    def storage(self, t):
        key = t.untyped_storage().data_ptr() if hasattr(t, "untyped_storage") else t.storage().data_ptr()
        return self.storages.setdefault(key, len(self.storages))


def tree_json(x, ids):
    """Python value -> JSON the test compares torchlette's result with."""
    if isinstance(x, torch.Tensor):
        j = tensor_json(x)
        j.update(
            stride=list(x.stride()),
            storage_offset=x.storage_offset(),
            requires_grad=x.requires_grad,
            is_param=isinstance(x, nn.Parameter),
            object=ids.obj(x),
            storage=ids.storage(x),
        )
        return j
    if isinstance(x, dict):
        j = {"type": "dict", "items": [[k, tree_json(v, ids)] for k, v in x.items()]}
        if hasattr(x, "_metadata"):
            j["attrs"] = {"_metadata": tree_json(x._metadata, ids)}
        return j
    if isinstance(x, torch.Size):
        return {"type": "size", "value": list(x)}
    if isinstance(x, (list, tuple)):
        return {"type": type(x).__name__, "items": [tree_json(v, ids) for v in x]}
    if isinstance(x, (set, frozenset)):
        return {"type": "set", "items": [tree_json(v, ids) for v in sorted(x)]}
    if isinstance(x, torch.dtype):
        return {"type": "dtype", "value": str(x).replace("torch.", "")}
    if isinstance(x, bytes):
        return {"type": "bytes", "hex": x.hex()}
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return {"type": "int", "value": scalar_json(x)}
    if isinstance(x, float):
        return {"type": "float", "value": scalar_json(x)}
    raise TypeError(type(x))


def resave_with_113():
    """torch 1.13 loads the torch 2.x file and saves it in both formats: the files a user of the
    lectures' PyTorch writes."""
    code = (
        "import torch, sys\n"
        "d = torch.load(sys.argv[1])\n"
        "torch.save(d, sys.argv[2])\n"
        "torch.save(d, sys.argv[3], _use_new_zipfile_serialization=False)\n"
        "print(torch.__version__)\n"
    )
    try:
        r = subprocess.run(
            [TORCH113, "-c", code, os.path.join(OUT, "torch2_zip.pt"), os.path.join(OUT, "torch113_zip.pt"), os.path.join(OUT, "torch113_legacy.pt")],
            capture_output=True, text=True, check=True,
        )
        print("torch", r.stdout.strip(), "wrote torch113_zip.pt, torch113_legacy.pt")
        return ["torch113_zip.pt", "torch113_legacy.pt"]
    except (OSError, subprocess.CalledProcessError) as e:
        print("skipping torch 1.13 fixtures:", e, file=sys.stderr)
        return []


class Pwn:
    def __reduce__(self):
        return (os.system, ("echo torchlette-was-pwned",))


def write_malicious(path):
    """A torch zip checkpoint whose data.pkl runs a shell command when Python unpickles it."""
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                data = pickle.dumps({"w": Pwn()}, protocol=2)
            dst.writestr(info.filename, data)


def main():
    import numpy as np
    from safetensors.torch import save_file

    os.makedirs(OUT, exist_ok=True)
    ck = make_checkpoint()
    torch.save(ck, os.path.join(OUT, "torch2_zip.pt"))
    torch.save(ck, os.path.join(OUT, "torch2_legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save(ck, os.path.join(OUT, "torch2_zip_proto1.pt"), pickle_protocol=1)
    torch.save(ck, os.path.join(OUT, "torch2_zip_proto4.pt"), pickle_protocol=4)
    files = ["torch2_zip.pt", "torch2_legacy.pt", "torch2_zip_proto1.pt", "torch2_zip_proto4.pt"] + resave_with_113()
    # every file must load back in torch 2.x as the same tree (ids: shared storages, identity)
    want = json.dumps(tree_json(ck, Ids()), sort_keys=True)
    for f in files:
        got = json.dumps(tree_json(torch.load(os.path.join(OUT, f), weights_only=False), Ids()), sort_keys=True)
        assert got == want, f

    single = torch.tensor([[1.5, -2.0], [0.25, 8.0]], dtype=torch.float64)
    torch.save(single, os.path.join(OUT, "torch2_tensor.pt"))
    torch.save(single, os.path.join(OUT, "torch2_tensor_legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"w": torch.ones(1), "np": np.arange(3)}, os.path.join(OUT, "torch2_numpy.pt"))
    torch.save({"x": torch.tensor([1, 2**53 + 1])}, os.path.join(OUT, "torch2_int64_big.pt"))
    write_malicious(os.path.join(OUT, "torch2_malicious.pt"))
    p = nn.Parameter(torch.ones(1))
    p.note = "extra"
    torch.save({"p": p}, os.path.join(OUT, "torch2_param_state.pt"))
    proto0 = {"a": 1, "b": [1.5, "x\u00e9\u4e2d\\\n", None, True, -3, -0.25, float("inf")], "big": -(2**70), "s": {1, 2},
              "f": frozenset([3]), "by": b"\x00\xff", "t": (1, (2.5,)), 7: OrderedDict([("k", False)])}
    torch.save(proto0, os.path.join(OUT, "torch2_proto0.pt"), pickle_protocol=0)
    with zipfile.ZipFile(os.path.join(OUT, "torch2_tensor.pt")) as src, zipfile.ZipFile(
        os.path.join(OUT, "torch2_tensor_deflated.pt"), "w", compression=zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))

    st = {
        "f32": torch.tensor([[1.0, -2.5, 3.0e38], [1e-45, -0.0, float("nan")]]),
        "f64": torch.tensor([0.1, -1e300, float("inf")], dtype=torch.float64),
        "i64": torch.tensor([2**53, -(2**53), 42]),
        "i32": torch.tensor([-(2**31), 2**31 - 1], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(7.0),
        "empty": torch.zeros(2, 0),
        "model.0.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3),
    }
    halves = {
        "f16": torch.tensor([1.0, -2.5, 65504.0, 6e-8, float("-inf")], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e38], dtype=torch.bfloat16),
    }
    save_file({**st, **halves}, os.path.join(OUT, "st_python.safetensors"), metadata={"format": "pt", "note": "fixture"})
    save_file(st, os.path.join(OUT, "st_python_nohalf.safetensors"), metadata={"format": "pt"})
    save_file({"x": torch.tensor([3, -(2**53) - 1])}, os.path.join(OUT, "st_int64_big.safetensors"))

    ids = Ids()
    expected = {
        "checkpoint": {"files": files, "tree": tree_json(ck, Ids())},
        "single_tensor": tree_json(single, ids),
        "proto0": tree_json(proto0, Ids()),
        "safetensors": {
            "metadata": {"format": "pt", "note": "fixture"},
            "tensors": {k: tensor_json(v) for k, v in sorted({**st, **halves}.items())},
        },
        "generated_by": f"scripts/gen_io_fixtures.py, torch {torch.__version__}",
    }
    with open(os.path.join(OUT, "expected.json"), "w") as fh:
        json.dump(expected, fh, indent=1, sort_keys=True)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
