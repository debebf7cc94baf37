#!/usr/bin/env python3
"""Goldens for src/backend/sum_order.ts: torch.sum / nansum / mean bits from real PyTorch.

Run with Debian's torch 1.13 (the reference):  /usr/bin/python3 scripts/gen_sum_goldens.py
  --check PY   also run the cases under another interpreter (e.g. /work/.venv-oracle/bin/python,
               torch 2.x) and print where its bits differ from the file's; nothing is written.
Inputs are not stored: storage element i of a case is derived from (seed, i) by the integer
hash `values()` below, mirrored in test/sum-order.test.ts. Each case sums
torch.as_strided(storage, shape, strides, offset) over `dims`; results are stored as hex bit
patterns (or, for long outputs, the sha256 of their little-endian bytes).
"""
import hashlib, json, os, random, subprocess, sys
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(globals().get("__file__", "scripts/x"))), "..", "test", "vectors", "sum", "sum_goldens.json")
M32 = np.uint64(0xFFFFFFFF)


def fmix32(h):
    h = h & M32
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & M32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & M32
    h ^= h >> np.uint64(16)
    return h


def values(seed, n, kind, dtype):
    """kind 0: [0,1) like torch.rand; 1: signed, exponents -8..8; 2: signed, exponents -24..24;
    3: like 1 with NaNs (every index whose hash is 0 mod 7); 4: integers in [-2^39, 2^39);
    5: negative zeros; 6: integers in [-1000, 1000]; 7: 0 or 1 (for bool)."""
    i = np.arange(n, dtype=np.uint64)
    s = np.uint64(seed)
    h1 = fmix32(i * np.uint64(0x9E3779B1) + s * np.uint64(0x85EBCA77) + np.uint64(1))
    h2 = fmix32(h1 ^ np.uint64(0x27D4EB2F))
    if kind == 5:
        return np.full(n, -0.0)
    if kind == 6:
        return (h1 % np.uint64(2001)).astype(np.float64) - 1000.0
    if kind == 7:
        return (h1 & np.uint64(1)).astype(np.float64)
    if kind == 4:
        v = (h1.astype(np.float64) * 256.0 + (h2 >> np.uint64(24)).astype(np.float64)) - 2.0**39
        return v
    if dtype == "float32":
        m = (h1 >> np.uint64(8)).astype(np.float64) / 2.0**24
    else:
        m = ((h1 >> np.uint64(5)).astype(np.float64) * 2.0**26 + (h2 >> np.uint64(6)).astype(np.float64)) / 2.0**53
    if kind == 0:
        return m
    span = 8 if kind in (1, 3) else 24
    e = (h2 % np.uint64(2 * span + 1)).astype(np.int64) - span
    sign = np.where((h2 >> np.uint64(31)) == 1, -1.0, 1.0)
    v = sign * m * np.exp2(e.astype(np.float64))
    if kind == 3:
        v = np.where(h1 % np.uint64(7) == 0, np.nan, v)
    return v


TDT = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32,
       "bool": torch.bool}


def encode(t):
    """Bits of each element as big-endian hex (8 digits for float32, 16 for float64/int64)."""
    t = t.contiguous().reshape(-1)
    b = t.numpy().tobytes()
    if t.numel() <= 256:
        w = t.element_size()
        return {"hex": "".join(b[k:k + w][::-1].hex() for k in range(0, len(b), w))}
    return {"sha256": hashlib.sha256(b).hexdigest(), "n": t.numel()}


def run_case(c):
    torch.set_num_threads(c.get("threads", 1))
    dt = c["dtype"]
    store = torch.tensor(values(c["seed"], c["storage"], c["kind"], dt), dtype=TDT[dt])
    x = torch.as_strided(store, c["shape"], c["strides"], c["offset"])
    op = c.get("op", "sum")
    kw = {}
    if c.get("out_dtype"):
        kw["dtype"] = TDT[c["out_dtype"]]
    dims = c["dims"]
    if op == "sum":
        r = x.sum(dim=dims, keepdim=c.get("keepdim", False), **kw) if dims is not None else x.sum(**kw)
    elif op == "nansum":
        r = torch.nansum(x, dim=dims, keepdim=c.get("keepdim", False), **kw) if dims is not None else torch.nansum(x, **kw)
    elif op == "mean":
        r = x.mean(dim=dims, **kw) if dims is not None else x.mean(**kw)
    return encode(r)


def contiguous(shape):
    st, s = [], 1
    for d in reversed(shape):
        st.insert(0, s)
        s *= d
    return st


def case(name, shape, dims, dtype="float32", kind=1, seed=1, strides=None, offset=0, storage=None, **kw):
    strides = strides if strides is not None else contiguous(shape)
    if storage is None:
        storage = offset + 1 + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else offset + 1
    return dict(name=name, shape=list(shape), strides=list(strides), offset=offset, storage=storage,
                dims=dims if dims is None else list(dims), dtype=dtype, kind=kind, seed=seed, **kw)


def build_cases():
    C = []
    # 1-D contiguous lanes: every length to 300, then a spread to 5000
    lens = list(range(1, 301)) + sorted(set(list(range(301, 5001, 37)) + [
        2**k + d for k in range(9, 13) for d in (-1, 0, 1)] + [1000, 1023, 1024, 1025, 2048, 4095, 4096, 4097, 5000]))
    for n in lens:
        C.append(case(f"1d n={n}", [n], [0], seed=n))
    for n in [1, 5, 8, 27, 100, 255, 256, 257, 1000, 4099]:
        C.append(case(f"1d rand n={n}", [n], [0], kind=0, seed=1000 + n))
        C.append(case(f"1d wide n={n}", [n], [0], kind=2, seed=2000 + n))
        C.append(case(f"1d all-dims n={n}", [n], None, seed=3000 + n))
    # strided lanes
    for n in [3, 8, 9, 27, 64, 100, 333, 1000]:
        for st in [2, 3, 27]:
            C.append(case(f"1d n={n} stride={st}", [n], [0], strides=[st], offset=1, seed=n * st))
    # 2-D contiguous [R, C]: dim 0 (vertical), dim 1 (inner), both
    sizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 27, 31, 32, 33, 40, 64, 65, 100, 129]
    pairs = [(r, c) for r in sizes for c in sizes if (r * 7 + c * 3) % 4 == 0 or r in (3, 27, 100) or c in (3, 27, 100)]
    for (r, c) in pairs:
        for dims in ([0], [1], [0, 1]):
            C.append(case(f"2d {r}x{c} dims={dims}", [r, c], dims, seed=r * 1000 + c))
    for (r, c) in [(300, 70), (70, 300), (1000, 27), (27, 1000), (5, 2000), (2000, 5), (129, 257), (32, 520)]:
        for dims in ([0], [1], [0, 1]):
            C.append(case(f"2d {r}x{c} dims={dims}", [r, c], dims, seed=r * 1000 + c))
    # transposed and sliced views
    for (r, c) in [(3, 3), (5, 9), (27, 100), (100, 27), (8, 33), (40, 7), (64, 64), (3, 40)]:
        for dims in ([0], [1], [0, 1]):
            C.append(case(f"2d T {r}x{c} dims={dims}", [r, c], dims, strides=[1, r], seed=r * 77 + c))
            C.append(case(f"2d cols {r}x{c}of{c+5} dims={dims}", [r, c], dims, strides=[c + 5, 1], offset=2, seed=r * 79 + c))
            C.append(case(f"2d step2 {r}x{c} dims={dims}", [r, c], dims, strides=[2 * c + 1, 2], seed=r * 83 + c))
    # 3-D, every dim subset, plus a permuted layout
    for shp in [(2, 3, 4), (4, 9, 27), (3, 27, 10), (10, 8, 16), (5, 33, 2), (16, 1, 40), (7, 1, 1)]:
        for dims in ([0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]):
            C.append(case(f"3d {shp} dims={dims}", shp, dims, seed=sum(shp) * 13 + len(dims)))
            a, b, c = shp
            C.append(case(f"3d perm {shp} dims={dims}", shp, dims, strides=[c, 1, a * c], seed=sum(shp) * 17 + len(dims)))
    # size-1 dims and keepdim
    for shp, dims in [((1, 27), [1]), ((1, 27), [0]), ((27, 1), [0]), ((27, 1), [1]), ((3, 1, 5), [0, 2]),
                      ((3, 1, 5), [1]), ((1, 1), [0, 1]), ((1,), [0]), ((9, 1, 9), [1, 2])]:
        for kd in (False, True):
            C.append(case(f"size1 {shp} dims={dims} keepdim={kd}", shp, dims, keepdim=kd, seed=len(shp) * 31 + sum(dims)))
    C.append(case("0-d", [], None, storage=1, seed=5))
    C.append(case("0-d neg zero", [], None, storage=1, kind=5))
    for n in (1, 9, 40):
        C.append(case(f"neg zeros n={n}", [n], [0], kind=5))
        C.append(case(f"neg zeros f64 n={n}", [n], [0], kind=5, dtype="float64"))
        C.append(case(f"neg zeros nansum n={n}", [n], [0], kind=5, op="nansum"))
    # expanded (stride 0) inputs
    C.append(case("expand 5x27 rows", [5, 27], [1], strides=[0, 1], seed=11))
    C.append(case("expand 5x27 rows dim0", [5, 27], [0], strides=[0, 1], seed=11))
    C.append(case("expand 27x5 cols", [27, 5], [0], strides=[1, 0], seed=12))
    C.append(case("expand 27x5 all", [27, 5], None, strides=[1, 0], seed=12))
    # empty
    C.append(case("empty 0x5 dim0", [0, 5], [0], storage=1))
    C.append(case("empty 5x0 dim1", [5, 0], [1], storage=1))
    # float64
    for n in [1, 3, 4, 5, 7, 8, 15, 16, 17, 27, 63, 64, 65, 100, 255, 256, 1000, 4097]:
        C.append(case(f"f64 1d n={n}", [n], [0], dtype="float64", seed=n + 7))
    for (r, c) in [(3, 3), (5, 9), (27, 100), (100, 27), (8, 33), (40, 7), (17, 16), (4, 4)]:
        for dims in ([0], [1], [0, 1]):
            C.append(case(f"f64 2d {r}x{c} dims={dims}", [r, c], dims, dtype="float64", seed=r * 5 + c))
            C.append(case(f"f64 2d T {r}x{c} dims={dims}", [r, c], dims, dtype="float64", strides=[1, r], seed=r * 7 + c))
    # nansum
    for n in [1, 7, 8, 27, 100, 1000]:
        C.append(case(f"nansum 1d n={n}", [n], [0], kind=3, op="nansum", seed=n + 40))
        C.append(case(f"nansum f64 1d n={n}", [n], [0], kind=3, op="nansum", dtype="float64", seed=n + 41))
    for (r, c) in [(3, 3), (27, 100), (100, 27), (40, 7)]:
        for dims in ([0], [1], [0, 1]):
            C.append(case(f"nansum 2d {r}x{c} dims={dims}", [r, c], dims, kind=3, op="nansum", seed=r + c))
            C.append(case(f"nansum 2d T {r}x{c} dims={dims}", [r, c], dims, kind=3, op="nansum", strides=[1, r], seed=r + c + 1))
    C.append(case("sum with nan 27", [27], [0], kind=3, seed=3))
    # mean = sum, then divide by the count
    for shp, dims in [((27,), [0]), ((100, 27), [1]), ((100, 27), [0]), ((100, 27), None), ((5, 9, 7), [0, 2]),
                      ((3000,), None), ((1000,), [0])]:
        C.append(case(f"mean {shp} dims={dims}", shp, dims, op="mean", kind=0, seed=len(shp) + 100))
        C.append(case(f"mean f64 {shp} dims={dims}", shp, dims, op="mean", dtype="float64", seed=len(shp) + 200))
    # dtype conversion on the way in
    for shp, st in [((27, 100), None), ((27, 100), [1, 27]), ((9, 10), [13, 1])]:
        for dims in ([0], [1], None):
            C.append(case(f"f32->f64 {shp} {st} dims={dims}", shp, dims, strides=st, out_dtype="float64", seed=9))
            C.append(case(f"f64->f32 {shp} {st} dims={dims}", shp, dims, strides=st, dtype="float64", out_dtype="float32", kind=2, seed=10))
    # integers: exact, int64 out
    for shp, dims in [((100,), [0]), ((27, 100), [0]), ((27, 100), [1]), ((5, 6, 7), [0, 2]), ((50,), None)]:
        C.append(case(f"int64 {shp} dims={dims}", shp, dims, dtype="int64", kind=4, seed=50))
        C.append(case(f"int32 {shp} dims={dims}", shp, dims, dtype="int32", out_dtype="int64", kind=6, seed=51))
        C.append(case(f"bool {shp} dims={dims}", shp, dims, dtype="bool", out_dtype="int64", kind=7, seed=52))
        C.append(case(f"f32->int64 {shp} dims={dims}", shp, dims, out_dtype="int64", kind=2, seed=53))
        C.append(case(f"int32->f32 {shp} dims={dims}", shp, dims, dtype="int32", out_dtype="float32", kind=6, seed=54))
    # large inputs: thread splits (parallel_reduce) for 1..4 threads
    for t in (1, 2, 3, 4):
        for n in [32767, 32768, 32769, 40000, 65537, 100000, 228146]:
            C.append(case(f"big 1d n={n} threads={t}", [n], [0], threads=t, seed=n))
        C.append(case(f"big f64 1d n=100000 threads={t}", [100000], [0], threads=t, dtype="float64", seed=99))
        for (r, c) in [(300, 200), (182625, 3), (40000, 27), (27, 4000), (2000, 100), (1500, 23)]:
            for dims in ([0], [1], None):
                C.append(case(f"big 2d {r}x{c} dims={dims} threads={t}", [r, c], dims, threads=t, seed=r + c))
            C.append(case(f"big 2d T {r}x{c} dims=[1] threads={t}", [r, c], [1], strides=[1, r], threads=t, seed=r + c + 3))
            C.append(case(f"big 2d T {r}x{c} dims=[0] threads={t}", [r, c], [0], strides=[1, r], threads=t, seed=r + c + 4))
        C.append(case(f"big 3d 40x30x50 dims=[0,2] threads={t}", [40, 30, 50], [0, 2], threads=t, seed=7))
        C.append(case(f"big 2d stride3 700x70 dims=[0] threads={t}", [700, 70], [0], strides=[211, 3], threads=t, seed=8))
        C.append(case(f"big mean 1d n=228146 threads={t}", [228146], None, op="mean", kind=0, threads=t, seed=4))
    # random layouts: permuted, stepped, padded, expanded; any subset of dims (stored, so the
    # sweep need not be reproducible across Python versions)
    rnd = random.Random(12345)
    for k in range(400):
        nd = rnd.randint(1, 4)
        shape = [rnd.choice([1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 27, 31, 33, 40]) for _ in range(nd)]
        order = list(range(nd))
        rnd.shuffle(order)
        st, s = [0] * nd, 1
        for d in reversed(order):
            step = rnd.choice([1, 1, 1, 2])
            st[d] = s * step
            s *= shape[d] * step + rnd.choice([0, 0, 1])
        if rnd.random() < 0.1:
            st[rnd.randrange(nd)] = 0
        dims = [d for d in range(nd) if rnd.random() < 0.5] or None
        dt = rnd.choice(["float32"] * 4 + ["float64"])
        op = rnd.choice(["sum"] * 5 + ["nansum"])
        kind = 3 if op == "nansum" else rnd.choice([0, 1, 2])
        C.append(case(f"random {k}: {shape} strides {st} dims={dims}", shape, dims, dtype=dt, kind=kind, seed=k,
                      strides=st, offset=rnd.randint(0, 3), op=op, keepdim=rnd.random() < 0.3))
    return C


def lecture():
    """The lecture's normalisation checks, from torch.rand with the lecture's generator seed."""
    torch.set_num_threads(1)
    hexf = lambda t: "".join(f"{v:08x}" for v in t.contiguous().view(torch.int32).reshape(-1).tolist() for v in [v & 0xFFFFFFFF])
    g = torch.Generator().manual_seed(2147483647)
    logits = torch.rand(3, 3, generator=g)
    s_keep = logits.sum(1, keepdim=True)
    s_flat = logits.sum(1)
    good = logits / s_keep
    bad = logits / s_flat
    g = torch.Generator().manual_seed(2147483647)
    p = torch.rand(100, 27, generator=g)
    ps = p.sum(1, keepdim=True)
    pn = p / ps
    return {
        "logits": hexf(logits), "s_keep": hexf(s_keep), "s_flat": hexf(s_flat),
        "good_rows": hexf(torch.stack([good[i].sum() for i in range(3)])),
        "good_eq1": [bool(good[i].sum() == 1) for i in range(3)],
        "bad_rows": hexf(torch.stack([bad[i].sum() for i in range(3)])),
        "bad_eq1": [bool(bad[i].sum() == 1) for i in range(3)],
        "p": hexf(p), "p_rowsum": hexf(ps), "pn": hexf(pn),
        "pn_rowsums": hexf(pn.sum(1)), "pn_colsums": hexf(pn.sum(0)), "pn_total": hexf(pn.sum()),
    }


def main():
    cases = build_cases()
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        gold = json.load(open(OUT))
        code = "import sys,json; sys.argv=['x']; exec(open(%r).read().split('def main')[0]); " \
               "cs=json.load(sys.stdin); print(json.dumps([run_case(c) for c in cs]))" % os.path.abspath(__file__)
        r = subprocess.run([sys.argv[2], "-c", code], input=json.dumps(gold["cases"]), capture_output=True, text=True)
        if r.returncode:
            sys.exit(r.stderr)
        other = json.loads(r.stdout)
        diff = [c["name"] for c, o in zip(gold["cases"], other) if o != c["expect"]]
        print(f"{len(diff)} of {len(other)} cases differ under {sys.argv[2]}")
        for n in diff:
            print("  ", n)
        return
    for c in cases:
        c["expect"] = run_case(c)
    doc = {
        "source": f"scripts/gen_sum_goldens.py with torch {torch.__version__} "
                  f"(CPU capability {torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else 'AVX2'})",
        "cases": cases, "lecture": lecture(),
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
