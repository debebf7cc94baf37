#!/usr/bin/env python3
"""Check src/random/libm.ts against this machine's glibc, and write test/vectors/rng/libm.json.

glibc is called through ctypes (Debian 12, glibc 2.36, x86-64 with FMA: the ifunc picks the
FMA-compiled variants that PyTorch's kernels run on such CPUs). For each function, --n inputs
(default 1e6) are drawn over the ranges the sampling kernels use plus wide random bit patterns,
evaluated by glibc, and compared bit for bit with the TypeScript port (scripts/check_libm.ts).
The committed vector file keeps a compact subset: the special values, every sampled case where
V8's Math.* (or float32 rounding of it) disagrees with glibc (capped), and random others.

Run from the repo root:  python3 scripts/gen_libm_vectors.py [--n 1000000] [--no-write]
"""
import argparse
import ctypes
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'vectors', 'rng', 'libm.json')

libm = ctypes.CDLL('libm.so.6')
for name in ('log', 'sin', 'cos'):
    getattr(libm, name).restype = ctypes.c_double
    getattr(libm, name).argtypes = [ctypes.c_double]
for name in ('logf', 'sinf', 'cosf'):
    getattr(libm, name).restype = ctypes.c_float
    getattr(libm, name).argtypes = [ctypes.c_float]
libm.fma.restype = ctypes.c_double
libm.fma.argtypes = [ctypes.c_double] * 3
libm.fmaf.restype = ctypes.c_float
libm.fmaf.argtypes = [ctypes.c_float] * 3

TWO_PI = 2.0 * math.pi


def u53(rng, n):
    return (rng.integers(0, 1 << 53, n, dtype=np.uint64).astype(np.float64)) * 2.0 ** -53


def u24(rng, n):
    return (rng.integers(0, 1 << 24, n, dtype=np.uint32).astype(np.float32)) * np.float32(2.0 ** -24)


def random_doubles(rng, n, positive=False):
    bits = rng.integers(0, 1 << 63, n, dtype=np.uint64)
    if not positive:
        bits |= rng.integers(0, 2, n, dtype=np.uint64) << np.uint64(63)
    x = bits.view(np.float64)
    return x[np.isfinite(x)]


def random_floats(rng, n, positive=False):
    bits = rng.integers(0, 1 << 31, n, dtype=np.uint32)
    if not positive:
        bits |= rng.integers(0, 2, n, dtype=np.uint32) << np.uint32(31)
    x = bits.view(np.float32)
    return x[np.isfinite(x)]


def inputs(rng, n):
    q = n // 6  # every function gets at least n inputs
    d = {}
    # log: the kernels take log(1 - u) for a 53-bit uniform u; also the near-one polynomial
    # range, moderate values, every exponent, and subnormals
    d['log'] = np.concatenate([
        1.0 - u53(rng, 4 * q),
        rng.uniform(1 - 2 ** -4, 1 + float.fromhex('0x1.09p-4'), q),
        rng.uniform(0, 100, q),
        random_doubles(rng, q, positive=True),
        rng.uniform(0, 2 ** -1022, q // 16),
        np.array([1.0, 2.0, 0.5, 1 - 2 ** -53, 1 + 2 ** -52, 2 ** -1074, 2 ** -1022, 1.7976931348623157e308,
                  1 - 2 ** -4, 1 + float.fromhex('0x1.09p-4'), np.nextafter(1 - 2 ** -4, 0), np.nextafter(1 + float.fromhex('0x1.09p-4'), 2),
                  0.0, -0.0, -1.0, np.inf, -np.inf, np.nan]),
    ])
    # sin/cos: theta = 2*pi*u in the Box-Muller; also all the branch ranges of s_sin.c
    special = []
    for b in (0.126, 0.855469, 2.426265, 105414350.0, 2 ** -26, 2 ** -27, math.pi / 2, math.pi, 3 * math.pi / 2,
              2 * math.pi, 1e22, 1e300):
        for s in (1, -1):
            v = s * b
            special += [v, np.nextafter(v, 0), np.nextafter(v, np.inf * s)]
    special += [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324]
    trig = np.concatenate([
        TWO_PI * u53(rng, 4 * q),
        rng.uniform(-10, 10, q),
        rng.uniform(-1e8, 1e8, q // 2),
        np.round(rng.uniform(-2e7, 2e7, q // 2)) * (math.pi / 2) + rng.uniform(-1e-6, 1e-6, q // 2),
        random_doubles(rng, q),
        np.array(special),
    ])
    d['sin'] = trig
    d['cos'] = trig
    # float versions: logf(1 - u24), sinf/cosf(float(2*pi*u24)) as in normal_fill_16<float>
    d['logf'] = np.concatenate([
        (np.float32(1) - u24(rng, 4 * q)).astype(np.float32),
        random_floats(rng, 2 * q, positive=True),
        rng.uniform(0.5, 2, q).astype(np.float32),
        np.array([1, 0, -0.0, -1, np.inf, -np.inf, np.nan, 1e-45, 1.1754942e-38], dtype=np.float32),
    ])
    trigf = np.concatenate([
        (TWO_PI * u24(rng, 4 * q).astype(np.float64)).astype(np.float32),
        rng.uniform(-200, 200, q).astype(np.float32),
        random_floats(rng, 2 * q),
        np.array([0, -0.0, np.inf, -np.inf, np.nan, 120, -120, 0.7853982, 2 ** -12, 2 ** -126, 3.4028235e38],
                 dtype=np.float32),
    ])
    d['sinf'] = trigf
    d['cosf'] = trigf
    d['fma'] = fma_inputs(rng, n, False)
    d['fmaf'] = fma_inputs(rng, n, True)
    return d


def fma_inputs(rng, n, f32):
    """(a, b, c) triples: random magnitudes, raw bit patterns, near-cancellation, and sums that
    land on (or next to) a rounding midpoint after the product, where a double rounding errs."""
    ft = np.float32 if f32 else np.float64
    q = n // 4
    parts = []
    parts.append(rng.uniform(-2, 2, (q, 3)))
    raw = (random_floats(rng, 3 * q) if f32 else random_doubles(rng, 3 * q))
    raw = raw[:len(raw) // 3 * 3].reshape(-1, 3)
    parts.append(raw)
    a = rng.uniform(-1, 1, q).astype(ft)
    b = rng.uniform(-1, 1, q).astype(ft)
    parts.append(np.stack([a, b, -(a.astype(np.float64) * b).astype(ft) * (1 + rng.choice([0, 1e-7, -1e-7], q))], 1))
    p = 24 if f32 else 53
    bits = 5 if f32 else 20
    c = rng.choice([-1, 1], q) * (1 + rng.integers(0, 1 << (p - 1), q) * 2.0 ** (1 - p))
    r1 = rng.integers(0, 1 << bits, q).astype(np.float64)
    r2 = r1 + rng.integers(-1, 2, q)
    a = rng.choice([-1, 1], q) * 2.0 ** -p * (1 + r1 * 2.0 ** -(p - 3))
    b = 1 - r2 * 2.0 ** -(p - 3)
    parts.append(np.stack([a, b, c], 1))
    specials = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5e-324 if not f32 else 1e-45,
                1.7976931348623157e308 if not f32 else 3.4028235e38]
    grid = np.array([(x, y, z) for x in specials for y in specials for z in specials])
    tri = np.concatenate(parts + [grid]).astype(ft)
    return tri


def glibc(name, xs):
    if name in ('fma', 'fmaf'):
        f = getattr(libm, name)
        out = np.empty(len(xs), dtype=np.float32 if name == 'fmaf' else np.float64)
        for i, (a, b, c) in enumerate(xs.tolist()):
            out[i] = f(a, b, c)
        return out
    f = getattr(libm, name)
    out = np.empty(len(xs), dtype=np.float32 if name.endswith('f') else np.float64)
    for i, x in enumerate(xs.tolist()):
        out[i] = f(x)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=1_000_000)
    ap.add_argument('--seed', type=int, default=20240611)
    ap.add_argument('--no-write', action='store_true')
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    data = inputs(rng, args.n)
    tmp = tempfile.mkdtemp()
    names = ['log', 'sin', 'cos', 'logf', 'sinf', 'cosf', 'fma', 'fmaf']
    for name in names:
        xs = data[name].astype(np.float32 if name.endswith('f') else np.float64)
        ys = glibc(name, xs)
        data[name] = (xs, ys)
        with open(os.path.join(tmp, name + '.bin'), 'wb') as fh:
            fh.write(xs.tobytes())
            fh.write(ys.tobytes())
        print(f'{name}: {len(xs)} glibc values', flush=True)
    res = subprocess.run(['node', '--import', 'tsx', os.path.join(ROOT, 'scripts', 'check_libm.ts'), tmp],
                         cwd=ROOT, capture_output=True, text=True)
    print(res.stdout, end='')
    if res.returncode != 0:
        print(res.stderr, file=sys.stderr)
        sys.exit('TypeScript port disagrees with glibc')
    if args.no_write:
        return
    # indices where V8's Math.* disagrees with glibc, written by the checker
    v8bad = json.load(open(os.path.join(tmp, 'v8_disagree.json')))
    sel_rng = np.random.default_rng(1)
    doc = dict(
        source='glibc 2.36 (Debian 12, x86-64, FMA ifunc variants) via ctypes; '
               'written by scripts/gen_libm_vectors.py',
        encoding='double: 16 hex digits of the IEEE bit pattern; float: 8 hex digits',
        functions={},
    )
    for name in names:
        xs, ys = data[name]
        n = len(xs)
        bad = np.array(v8bad[name], dtype=np.int64)
        if len(bad) > 400:
            bad = sel_rng.choice(bad, 400, replace=False)
        tail = np.arange(max(0, n - (729 if name.startswith('fma') else 40)), n)  # specials come last
        others = sel_rng.choice(n, 300, replace=False)
        idx = np.unique(np.concatenate([bad, tail, others]))
        if name.endswith('f'):
            xb = xs[idx].reshape(len(idx), -1).view(np.uint32).reshape(-1)
            yb = ys[idx].view(np.uint32)
            fmt = '%08x'
        else:
            xb = xs[idx].reshape(len(idx), -1).view(np.uint64).reshape(-1)
            yb = ys[idx].view(np.uint64)
            fmt = '%016x'
        doc['functions'][name] = dict(
            v8_disagreements_in_sample=int(len(v8bad[name])), sample_size=int(n),
            x=[fmt % v for v in xb.tolist()], y=[fmt % v for v in yb.tolist()])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(doc, fh, separators=(',', ':'))
        fh.write('\n')
    print('wrote', os.path.relpath(OUT, ROOT))


if __name__ == '__main__':
    main()
