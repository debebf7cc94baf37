#!/usr/bin/env python3
"""Goldens for torchlette's tensor-level random API (src/ops/random.ts), from PyTorch 1.13.

    /usr/bin/python3 scripts/gen_random_api_goldens.py             # torch 1.13 (Debian): writes test/goldens/random_api.json
    /work/.venv-oracle/bin/python scripts/gen_random_api_goldens.py --compare   # 2.x: first differing step per program

1.13 is the reference (the lectures ran on it); the 2.x run only reports differences.

The file holds *programs*: lists of steps run in order in one namespace. Each step is written
twice, as Python and as the equivalent torchlette JavaScript (the test evaluates the JS with
`torch`, the generator `g` and a scratch object `S` for variables):
  {"do": 1, "py": statements, "js": statements}            -- no result recorded
  {"py": expression, "js": expression, "r": result}         -- result recorded ("h": 1: as a digest)
and every step records "gs"/"ds": a digest of g.get_state() / torch.get_rng_state() after it
(also after a failing step, which shows whether the failure consumed random numbers).
Results: tensors {dtype, shape, stride, v, repr, rg (requires_grad), gf (grad_fn name)} with
float values as hex bit patterns (8 digits per float32, 16 per float64) and ints as numbers
(strings beyond 2^53), all in logical order; Python numbers {"n": value}; strings {"s": text}; lists {"list": [...]}; a generator {"gen": 1};
a dtype {"dtype": name};
None {"none": 1}; errors {"err": class name, "msg": text}. Big outputs store "sha" (sha256 of the
contiguous little-endian bytes) instead of "v" and "repr"; reprs are kept up to 40 elements.
"""
import argparse
import hashlib
import json
import os
import random
import sys
import warnings

import torch

warnings.filterwarnings('ignore')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'goldens', 'random_api.json')
BIG = 120  # tensors with more elements are stored as a digest
REPR_MAX = 40  # reprs are kept for tensors up to this size (and for big ones, see 'state')

PY_DT = {'float32': 'torch.float32', 'float64': 'torch.float64', 'int64': 'torch.int64', 'int32': 'torch.int32',
         'int16': 'torch.int16', 'int8': 'torch.int8', 'uint8': 'torch.uint8', 'bool': 'torch.bool'}


def dtname(d):
    return str(d).replace('torch.', '')


def sha_bytes(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


def enc_values(t):
    t = t.detach().contiguous().view(-1)
    if t.dtype == torch.float32:
        return ''.join('%08x' % (x & 0xffffffff) for x in t.view(torch.int32).tolist())
    if t.dtype == torch.float64:
        return ''.join('%016x' % (x & 0xffffffffffffffff) for x in t.view(torch.int64).tolist())
    return [int(v) if abs(int(v)) <= 2 ** 53 else str(int(v)) for v in t.tolist()]


def encode(r, digest_only=False):
    if isinstance(r, torch.Tensor):
        out = {'dtype': dtname(r.dtype), 'shape': list(r.shape), 'stride': list(r.stride()),
               'rg': r.requires_grad, 'gf': type(r.grad_fn).__name__ if r.grad_fn is not None else None}
        if r.numel() > BIG or digest_only:
            out['sha'] = sha_bytes(r)
        else:
            out['v'] = enc_values(r)
            if r.numel() <= REPR_MAX:
                out['repr'] = repr(r)
        return out
    if isinstance(r, torch.Generator):
        return {'gen': 1}
    if isinstance(r, torch.dtype):
        return {'dtype': dtname(r)}
    if r is None:
        return {'none': 1}
    if isinstance(r, bool):
        return {'n': r}
    if isinstance(r, int):
        return {'n': r if abs(r) <= 2 ** 53 else str(r)}
    if isinstance(r, float):
        return {'n': r}
    if isinstance(r, str):
        return {'s': r}
    if isinstance(r, (list, tuple)):
        return {'list': [encode(x) for x in r]}
    raise TypeError('cannot encode %r' % (r,))


def digest(gen):
    return hashlib.sha256(gen.get_state().numpy().tobytes()).hexdigest()[:16]


def run_program(prog):
    ns = {'torch': torch}
    steps = []
    for st in prog['steps']:
        st = dict(st)
        if st.get('do'):
            exec(st['py'], ns)
        else:
            try:
                st['r'] = encode(eval(st['py'], ns), bool(st.get('h')))
            except Exception as e:  # noqa: BLE001 -- every error class is recorded
                st['r'] = {'err': type(e).__name__, 'msg': str(e)}
        if 'g' in ns and isinstance(ns['g'], torch.Generator):
            st['gs'] = digest(ns['g'])
        st['ds'] = digest(torch.default_generator)
        steps.append(st)
    return {'id': prog['id'], 'steps': steps}


# ---------------------------------------------------------------------------------------------
# program building

def do(py, js):
    return {'do': 1, 'py': py, 'js': js}


def ev(py, js):
    return {'py': py, 'js': js}


def jsint(v):
    return '%dn' % v if abs(v) > 2 ** 53 else '%d' % v


def start(seed=1234, gseed=42):
    return [do('torch.manual_seed(%d); g = torch.Generator().manual_seed(%d)' % (seed, gseed),
               'torch.manual_seed(%s); g.manual_seed(%s)' % (jsint(seed), jsint(gseed)))]


PROGRAMS = []


def prog(pid, steps, seed=1234, gseed=42):
    PROGRAMS.append({'id': pid, 'steps': start(seed, gseed) + steps})


def pylist(xs):
    return '[' + ', '.join(repr(x) for x in xs) + ']'


def shape_py(shape):
    return '(' + ''.join('%d, ' % s for s in shape) + ')' if shape else '()'


def shape_js(shape):
    return '[' + ', '.join(str(s) for s in shape) + ']'


# ---- call forms ----------------------------------------------------------------------------

prog('rand_forms', [
    ev('torch.rand(3, generator=g)', 'torch.rand(3, {generator: g})'),
    ev('torch.rand(2, 3, generator=g)', 'torch.rand(2, 3, {generator: g})'),
    ev('torch.rand([2, 3], generator=g)', 'torch.rand([2, 3], {generator: g})'),
    ev('torch.rand((4,), dtype=torch.float64, generator=g)', 'torch.rand([4], {dtype: torch.float64, generator: g})'),
    ev('torch.rand(size=(2, 2), generator=g)', 'torch.rand({size: [2, 2], generator: g})'),
    ev('torch.rand(3)', 'torch.rand(3)'),
    ev('torch.rand(2, 3, 2)', 'torch.rand(2, 3, 2)'),
    ev('torch.rand(())', 'torch.rand([])'),
    ev('torch.rand(0)', 'torch.rand(0)'),
    ev('torch.rand(2, 0, 3)', 'torch.rand(2, 0, 3)'),
    ev('torch.rand(3, requires_grad=True)', 'torch.rand(3, {requires_grad: true})'),
    ev('torch.rand(2, 2, dtype=torch.float64, requires_grad=True)', 'torch.rand(2, 2, {dtype: torch.float64, requires_grad: true})'),
    ev('torch.rand(3, generator=None)', 'torch.rand(3, {generator: null})'),
    ev('torch.rand(3, dtype=torch.int64)', 'torch.rand(3, {dtype: torch.int64})'),
    ev('torch.rand(3, dtype=torch.bool, generator=g)', 'torch.rand(3, {dtype: torch.bool, generator: g})'),
    ev('torch.rand(2, -1)', 'torch.rand(2, -1)'),
    ev('torch.rand(5, generator=g)', 'torch.rand(5, {generator: g})'),
])

prog('randn_forms', [
    ev('torch.randn(3, generator=g)', 'torch.randn(3, {generator: g})'),
    ev('torch.randn(2, 3, generator=g)', 'torch.randn(2, 3, {generator: g})'),
    ev('torch.randn([4, 4], generator=g)', 'torch.randn([4, 4], {generator: g})'),
    ev('torch.randn(17, dtype=torch.float64, generator=g)', 'torch.randn(17, {dtype: torch.float64, generator: g})'),
    ev('torch.randn(5, dtype=torch.float64, generator=g)', 'torch.randn(5, {dtype: torch.float64, generator: g})'),
    ev('torch.randn(1, generator=g)', 'torch.randn(1, {generator: g})'),
    ev('torch.randn(1, generator=g)', 'torch.randn(1, {generator: g})'),
    ev('torch.randn(size=(3, 1), generator=g)', 'torch.randn({size: [3, 1], generator: g})'),
    ev('torch.randn(())', 'torch.randn([])'),
    ev('torch.randn(2, 8, 2)', 'torch.randn(2, 8, 2)'),
    ev('torch.randn(16, 1)', 'torch.randn(16, 1)'),
    ev('torch.randn(4, requires_grad=True)', 'torch.randn(4, {requires_grad: true})'),
    ev('torch.randn(3, dtype=torch.int32)', 'torch.randn(3, {dtype: torch.int32})'),
    ev('torch.randn(0, 3)', 'torch.randn(0, 3)'),
    ev('torch.randn(1)', 'torch.randn(1)'),
])

prog('randint_forms', [
    ev('torch.randint(0, 27, (100,), generator=g)', 'torch.randint(0, 27, [100], {generator: g})'),
    ev('torch.randint(10, (5,))', 'torch.randint(10, [5])'),
    ev('torch.randint(3, 10, (2, 3), dtype=torch.int32, generator=g)', 'torch.randint(3, 10, [2, 3], {dtype: torch.int32, generator: g})'),
    ev('torch.randint(0, 256, (6,), dtype=torch.uint8, generator=g)', 'torch.randint(0, 256, [6], {dtype: torch.uint8, generator: g})'),
    ev('torch.randint(-5, 5, (7,), dtype=torch.int8, generator=g)', 'torch.randint(-5, 5, [7], {dtype: torch.int8, generator: g})'),
    ev('torch.randint(-300, 300, (4,), dtype=torch.int16, generator=g)', 'torch.randint(-300, 300, [4], {dtype: torch.int16, generator: g})'),
    ev('torch.randint(0, 2, (8,), dtype=torch.bool, generator=g)', 'torch.randint(0, 2, [8], {dtype: torch.bool, generator: g})'),
    ev('torch.randint(10, (4,), dtype=torch.float32, generator=g)', 'torch.randint(10, [4], {dtype: torch.float32, generator: g})'),
    ev('torch.randint(-7, 1000, (4,), dtype=torch.float64, generator=g)', 'torch.randint(-7, 1000, [4], {dtype: torch.float64, generator: g})'),
    ev('torch.randint(low=2, high=9, size=(4,), generator=g)', 'torch.randint({low: 2, high: 9, size: [4], generator: g})'),
    ev('torch.randint(high=9, size=(4,), generator=g)', 'torch.randint({high: 9, size: [4], generator: g})'),
    ev('torch.randint(2, 9, size=(2, 2), generator=g)', 'torch.randint(2, 9, {size: [2, 2], generator: g})'),
    ev('torch.randint(0, 2 ** 40, (5,), generator=g)', 'torch.randint(0, 2 ** 40, [5], {generator: g})'),
    ev('torch.randint(-2 ** 40, 2 ** 40, (3,), generator=g)', 'torch.randint(-(2 ** 40), 2 ** 40, [3], {generator: g})'),
    ev('torch.randint(0, 2 ** 31 + 5, (3,), generator=g)', 'torch.randint(0, 2 ** 31 + 5, [3], {generator: g})'),
    ev('torch.randint(5, (), generator=g)', 'torch.randint(5, [], {generator: g})'),
    ev('torch.randint(5, (0,), generator=g)', 'torch.randint(5, [0], {generator: g})'),
    ev('torch.randint(10, (3,), dtype=torch.float32, requires_grad=True)', 'torch.randint(10, [3], {dtype: torch.float32, requires_grad: true})'),
    ev('torch.randint(10, (3,), requires_grad=True)', 'torch.randint(10, [3], {requires_grad: true})'),
    ev('torch.randint(5, 5, (3,))', 'torch.randint(5, 5, [3])'),
    ev('torch.randint(5, 3, (3,), generator=g)', 'torch.randint(5, 3, [3], {generator: g})'),
    ev('torch.randint(0, (3,))', 'torch.randint(0, [3])'),
    ev('torch.randint(-3, (3,))', 'torch.randint(-3, [3])'),
    ev('torch.randint(10, (3,), dtype=torch.bool)', 'torch.randint(10, [3], {dtype: torch.bool})'),
    ev('torch.randint(300, (3,), dtype=torch.uint8)', 'torch.randint(300, [3], {dtype: torch.uint8})'),
    ev('torch.randint(-1, 3, (3,), dtype=torch.uint8)', 'torch.randint(-1, 3, [3], {dtype: torch.uint8})'),
    ev('torch.randint(0, 27, (3, 3))', 'torch.randint(0, 27, [3, 3])'),
])

prog('randperm_forms', [
    ev('torch.randperm(10, generator=g)', 'torch.randperm(10, {generator: g})'),
    ev('torch.randperm(1, generator=g)', 'torch.randperm(1, {generator: g})'),
    ev('torch.randperm(0, generator=g)', 'torch.randperm(0, {generator: g})'),
    ev('torch.randperm(50, dtype=torch.int32, generator=g)', 'torch.randperm(50, {dtype: torch.int32, generator: g})'),
    ev('torch.randperm(9, dtype=torch.float32, generator=g)', 'torch.randperm(9, {dtype: torch.float32, generator: g})'),
    ev('torch.randperm(9, dtype=torch.float64, generator=g)', 'torch.randperm(9, {dtype: torch.float64, generator: g})'),
    ev('torch.randperm(256, dtype=torch.uint8, generator=g)', 'torch.randperm(256, {dtype: torch.uint8, generator: g})'),
    ev('torch.randperm(30, dtype=torch.int16)', 'torch.randperm(30, {dtype: torch.int16})'),
    ev('torch.randperm(n=7, generator=g)', 'torch.randperm({n: 7, generator: g})'),
    ev('torch.randperm(5, dtype=torch.float32, requires_grad=True)', 'torch.randperm(5, {dtype: torch.float32, requires_grad: true})'),
    ev('torch.randperm(5, requires_grad=True)', 'torch.randperm(5, {requires_grad: true})'),
    ev('torch.randperm(5, dtype=torch.bool)', 'torch.randperm(5, {dtype: torch.bool})'),
    ev('torch.randperm(300, dtype=torch.uint8)', 'torch.randperm(300, {dtype: torch.uint8})'),
    ev('torch.randperm(-1)', 'torch.randperm(-1)'),
    ev('torch.randperm(20)', 'torch.randperm(20)'),
])

prog('multinomial_forms', [
    do('p = torch.tensor([0.1, 0.2, 0.3, 0.4]); w = torch.tensor([0.0, 3.0, 1.0, 0.5, 2.0, 0.0, 7.0])',
       'S.p = torch.tensor([0.1, 0.2, 0.3, 0.4]); S.w = torch.tensor([0.0, 3.0, 1.0, 0.5, 2.0, 0.0, 7.0], {dtype: torch.float32})'),
    ev('torch.multinomial(p, 2, generator=g)', 'torch.multinomial(S.p, 2, {generator: g})'),
    ev('torch.multinomial(p, num_samples=100, replacement=True, generator=g)',
       'torch.multinomial(S.p, {num_samples: 100, replacement: true, generator: g})'),
    ev('torch.multinomial(p, 2)', 'torch.multinomial(S.p, 2)'),
    ev('torch.multinomial(p, 4)', 'torch.multinomial(S.p, 4)'),
    ev('torch.multinomial(p, 5, True)', 'torch.multinomial(S.p, 5, true)'),
    ev('torch.multinomial(p, 1, True, generator=g)', 'torch.multinomial(S.p, 1, true, {generator: g})'),
    ev('torch.multinomial(p, 1, replacement=True, generator=g)', 'torch.multinomial(S.p, 1, {replacement: true, generator: g})'),
    ev('torch.multinomial(p, 1, generator=g)', 'torch.multinomial(S.p, 1, {generator: g})'),
    ev('torch.multinomial(w, 5, generator=g)', 'torch.multinomial(S.w, 5, {generator: g})'),
    ev('torch.multinomial(w, 20, replacement=True, generator=g)', 'torch.multinomial(S.w, 20, {replacement: true, generator: g})'),
    ev('p.multinomial(3, generator=g)', 'S.p.multinomial(3, {generator: g})'),
    ev('p.multinomial(num_samples=6, replacement=True, generator=g)', 'S.p.multinomial({num_samples: 6, replacement: true, generator: g})'),
    ev('p.multinomial(2, False)', 'S.p.multinomial(2, false)'),
    do('P = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.0, 0.5], [0.0, 0.0, 9.0]], dtype=torch.float64)',
       'S.P = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.0, 0.5], [0.0, 0.0, 9.0]], {dtype: torch.float64})'),
    ev('torch.multinomial(P, 1, generator=g)', 'torch.multinomial(S.P, 1, {generator: g})'),
    ev('torch.multinomial(P, 1, True, generator=g)', 'torch.multinomial(S.P, 1, true, {generator: g})'),
    ev('torch.multinomial(P, 7, True, generator=g)', 'torch.multinomial(S.P, 7, true, {generator: g})'),
    ev('torch.multinomial(P[:2], 2, generator=g)', 'torch.multinomial(S.P.get(":2"), 2, {generator: g})'),
    do('Q = torch.tensor([[0.2, 0.9, 0.4], [0.7, 0.1, 0.3], [0.6, 0.5, 0.8], [0.1, 0.1, 0.2]])',
       'S.Q = torch.tensor([[0.2, 0.9, 0.4], [0.7, 0.1, 0.3], [0.6, 0.5, 0.8], [0.1, 0.1, 0.2]])'),
    # a transposed input: no replacement draws exponentials into empty_like(input), which keeps
    # the input's strides, so they land in memory order
    ev('torch.multinomial(Q.t(), 3, generator=g)', 'torch.multinomial(S.Q.t(), 3, {generator: g})'),
    ev('torch.multinomial(Q.t(), 2, True, generator=g)', 'torch.multinomial(S.Q.t(), 2, true, {generator: g})'),
    ev('torch.multinomial(Q[:, ::2], 2, generator=g)', 'torch.multinomial(S.Q.get(":", "::2"), 2, {generator: g})'),
    ev('torch.multinomial(Q[:, 1], 4, generator=g)', 'torch.multinomial(S.Q.get(":", 1), 4, {generator: g})'),
    ev('torch.multinomial(torch.ones(0, 3), 1)', 'torch.multinomial(torch.ones(0, 3), 1)'),
    ev('torch.multinomial(torch.ones(3, requires_grad=True), 2, generator=g)', 'torch.multinomial(torch.ones(3, {requires_grad: true}), 2, {generator: g})'),
])

prog('multinomial_errors', [
    ev('torch.multinomial(torch.tensor([1., 2.]), 3, generator=g)', 'torch.multinomial(torch.tensor([1.0, 2.0], {dtype: torch.float32}), 3, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., 2.]), 0, generator=g)', 'torch.multinomial(torch.tensor([1.0, 2.0], {dtype: torch.float32}), 0, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., -2.]), 1, generator=g)', 'torch.multinomial(torch.tensor([1.0, -2.0], {dtype: torch.float32}), 1, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., -2.]), 1, True, generator=g)', 'torch.multinomial(torch.tensor([1.0, -2.0], {dtype: torch.float32}), 1, true, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., float("inf")]), 2, True, generator=g)', 'torch.multinomial(torch.tensor([1.0, Infinity]), 2, true, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., float("inf")]), 1, generator=g)', 'torch.multinomial(torch.tensor([1.0, Infinity]), 1, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., float("nan")]), 1, True, generator=g)', 'torch.multinomial(torch.tensor([1.0, NaN]), 1, true, {generator: g})'),
    ev('torch.multinomial(torch.tensor([1., float("nan")]), 1, generator=g)', 'torch.multinomial(torch.tensor([1.0, NaN]), 1, {generator: g})'),
    ev('torch.multinomial(torch.tensor([0., 0.]), 1, generator=g)', 'torch.multinomial(torch.tensor([0.0, 0.0], {dtype: torch.float32}), 1, {generator: g})'),
    ev('torch.multinomial(torch.tensor([0., 0.]), 1, True, generator=g)', 'torch.multinomial(torch.tensor([0.0, 0.0], {dtype: torch.float32}), 1, true, {generator: g})'),
    # the second row is checked after the first row's samples were drawn
    ev('torch.multinomial(torch.tensor([[1., 1.], [0., 0.]]), 3, True, generator=g)', 'torch.multinomial(torch.tensor([[1.0, 1.0], [0.0, 0.0]], {dtype: torch.float32}), 3, true, {generator: g})'),
    ev('torch.multinomial(torch.tensor([[1., 1.], [-1., 0.]]), 3, True, generator=g)', 'torch.multinomial(torch.tensor([[1.0, 1.0], [-1.0, 0.0]], {dtype: torch.float32}), 3, true, {generator: g})'),
    ev('torch.multinomial(torch.tensor([[1., 1.], [0., 0.]]), 1, generator=g)', 'torch.multinomial(torch.tensor([[1.0, 1.0], [0.0, 0.0]], {dtype: torch.float32}), 1, {generator: g})'),
    ev('torch.multinomial(torch.tensor(1.), 1, generator=g)', 'torch.multinomial(torch.tensor(1.0, {dtype: torch.float32}), 1, {generator: g})'),
    ev('torch.multinomial(torch.ones(2, 2, 2), 1, generator=g)', 'torch.multinomial(torch.ones(2, 2, 2), 1, {generator: g})'),
    ev('torch.multinomial(torch.ones(2, dtype=torch.int64), 1, generator=g)', 'torch.multinomial(torch.ones(2, {dtype: torch.int64}), 1, {generator: g})'),
    ev('torch.multinomial(torch.ones(2, dtype=torch.int64), 5, generator=g)', 'torch.multinomial(torch.ones(2, {dtype: torch.int64}), 5, {generator: g})'),
    ev('torch.multinomial(torch.ones(3, dtype=torch.bool), 1)', 'torch.multinomial(torch.ones(3, {dtype: torch.bool}), 1)'),
    ev('torch.multinomial(torch.ones(0), 1)', 'torch.multinomial(torch.ones(0), 1)'),
    ev('torch.multinomial(torch.ones(2, 0), 1)', 'torch.multinomial(torch.ones(2, 0), 1)'),
    ev('torch.multinomial(torch.ones(0), 1, True)', 'torch.multinomial(torch.ones(0), 1, true)'),
    ev('torch.multinomial(torch.tensor([1., 2.]), 2, generator=g)', 'torch.multinomial(torch.tensor([1.0, 2.0], {dtype: torch.float32}), 2, {generator: g})'),
])

prog('bernoulli_forms', [
    do('pr = torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0, 0.3]); pr64 = pr.double(); x = torch.zeros(2, 3)',
       'S.pr = torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0, 0.3]); S.pr64 = S.pr.double(); S.x = torch.zeros(2, 3)'),
    ev('torch.bernoulli(pr, generator=g)', 'torch.bernoulli(S.pr, {generator: g})'),
    ev('torch.bernoulli(pr64, generator=g)', 'torch.bernoulli(S.pr64, {generator: g})'),
    ev('torch.bernoulli(pr)', 'torch.bernoulli(S.pr)'),
    ev('torch.bernoulli(pr, 0.3, generator=g)', 'torch.bernoulli(S.pr, 0.3, {generator: g})'),
    ev('torch.bernoulli(pr, p=0.7, generator=g)', 'torch.bernoulli(S.pr, {p: 0.7, generator: g})'),
    ev('pr.bernoulli(generator=g)', 'S.pr.bernoulli({generator: g})'),
    ev('pr.bernoulli(0.4, generator=g)', 'S.pr.bernoulli(0.4, {generator: g})'),
    ev('x.bernoulli_(0.3, generator=g)', 'S.x.bernoulli_(0.3, {generator: g})'),
    ev('x.bernoulli_(generator=g)', 'S.x.bernoulli_({generator: g})'),
    ev('x.bernoulli_(p=0.9, generator=g)', 'S.x.bernoulli_({p: 0.9, generator: g})'),
    ev('x.bernoulli_(pr.view(2, 3), generator=g)', 'S.x.bernoulli_(S.pr.view(2, 3), {generator: g})'),
    ev('x.bernoulli_(pr64.view(2, 3), generator=g)', 'S.x.bernoulli_(S.pr64.view(2, 3), {generator: g})'),
    ev('x.bernoulli_(torch.tensor([0.1, 0.5, 0.9]), generator=g)', 'S.x.bernoulli_(torch.tensor([0.1, 0.5, 0.9], {dtype: torch.float32}), {generator: g})'),
    ev('x.bernoulli_(torch.tensor(0.5), generator=g)', 'S.x.bernoulli_(torch.tensor(0.5, {dtype: torch.float32}), {generator: g})'),
    ev('x.bernoulli_()', 'S.x.bernoulli_()'),
    ev('torch.zeros(7, dtype=torch.int64).bernoulli_(0.5, generator=g)', 'torch.zeros(7, {dtype: torch.int64}).bernoulli_(0.5, {generator: g})'),
    ev('torch.zeros(7, dtype=torch.bool).bernoulli_(0.5, generator=g)', 'torch.zeros(7, {dtype: torch.bool}).bernoulli_(0.5, {generator: g})'),
    ev('torch.zeros(6, dtype=torch.uint8).bernoulli_(pr, generator=g)', 'torch.zeros(6, {dtype: torch.uint8}).bernoulli_(S.pr, {generator: g})'),
    ev('torch.zeros(3, dtype=torch.float64).bernoulli_(pr[:3], generator=g)', 'torch.zeros(3, {dtype: torch.float64}).bernoulli_(S.pr.get(":3"), {generator: g})'),
    # non-contiguous probabilities: the output is contiguous and drawn in its (logical) order
    do('PP = torch.rand(3, 5, generator=g)', 'S.PP = torch.rand(3, 5, {generator: g})'),
    ev('torch.bernoulli(PP.t(), generator=g)', 'torch.bernoulli(S.PP.t(), {generator: g})'),
    ev('torch.bernoulli(PP[:, ::2], generator=g)', 'torch.bernoulli(S.PP.get(":", "::2"), {generator: g})'),
    # non-contiguous self with tensor p: drawn in self's memory order
    ev('torch.zeros(5, 3).t().bernoulli_(PP, generator=g)', 'torch.zeros(5, 3).t().bernoulli_(S.PP, {generator: g})'),
    ev('torch.zeros(5, 3).t().bernoulli_(0.5, generator=g)', 'torch.zeros(5, 3).t().bernoulli_(0.5, {generator: g})'),
    ev('torch.zeros(3, 10)[:, ::2].bernoulli_(PP, generator=g)', 'torch.zeros(3, 10).get(":", "::2").bernoulli_(S.PP, {generator: g})'),
    ev('torch.zeros(5, 3).t().bernoulli_(PP.t().t(), generator=g)', 'torch.zeros(5, 3).t().bernoulli_(S.PP.t().t(), {generator: g})'),
    ev('torch.zeros(3, 5).bernoulli_(PP.t().contiguous().t(), generator=g)', 'torch.zeros(3, 5).bernoulli_(S.PP.t().contiguous().t(), {generator: g})'),
    ev('torch.bernoulli(torch.tensor([0, 1, 1]))', 'torch.bernoulli(torch.tensor([0, 1, 1]))'),
    ev('torch.bernoulli(torch.tensor([0., 1., 1.5]), generator=g)', 'torch.bernoulli(torch.tensor([0.0, 1.0, 1.5], {dtype: torch.float32}), {generator: g})'),
    ev('torch.bernoulli(torch.tensor([0.5, 0.5, -0.5, 0.5]), generator=g)', 'torch.bernoulli(torch.tensor([0.5, 0.5, -0.5, 0.5], {dtype: torch.float32}), {generator: g})'),
    ev('torch.bernoulli(torch.tensor([0.5, float("nan")]), generator=g)', 'torch.bernoulli(torch.tensor([0.5, NaN]), {generator: g})'),
    ev('torch.bernoulli(pr, 1.5, generator=g)', 'torch.bernoulli(S.pr, 1.5, {generator: g})'),
    ev('x.bernoulli_(-0.5, generator=g)', 'S.x.bernoulli_(-0.5, {generator: g})'),
    ev('x.bernoulli_(float("nan"), generator=g)', 'S.x.bernoulli_(NaN, {generator: g})'),
    ev('x.bernoulli_(torch.tensor([0.2, 2.0, 0.2]), generator=g)', 'S.x.bernoulli_(torch.tensor([0.2, 2.0, 0.2], {dtype: torch.float32}), {generator: g})'),
    ev('x.bernoulli_(torch.ones(4), generator=g)', 'S.x.bernoulli_(torch.ones(4), {generator: g})'),
    ev('torch.bernoulli(pr, generator=g)', 'torch.bernoulli(S.pr, {generator: g})'),
])

prog('normal_forms', [
    do('m = torch.tensor([0.0, 1.0, -2.0, 10.0]); s = torch.tensor([1.0, 0.5, 2.0, 0.0])',
       'S.m = torch.tensor([0.0, 1.0, -2.0, 10.0], {dtype: torch.float32}); S.s = torch.tensor([1.0, 0.5, 2.0, 0.0])'),
    ev('torch.normal(m, s, generator=g)', 'torch.normal(S.m, S.s, {generator: g})'),
    ev('torch.normal(mean=m, std=s, generator=g)', 'torch.normal({mean: S.m, std: S.s, generator: g})'),
    ev('torch.normal(0., 1., (3,), generator=g)', 'torch.normal(0.0, 1.0, [3], {generator: g})'),
    ev('torch.normal(0., 1., size=(3,), generator=g)', 'torch.normal(0.0, 1.0, {size: [3], generator: g})'),
    ev('torch.normal(2., 3., (20,), generator=g)', 'torch.normal(2.0, 3.0, [20], {generator: g})'),
    ev('torch.normal(-1.5, 0.25, (2, 3), dtype=torch.float64, generator=g)', 'torch.normal(-1.5, 0.25, [2, 3], {dtype: torch.float64, generator: g})'),
    ev('torch.normal(0.37, 2.9, (33,), dtype=torch.float64, generator=g)', 'torch.normal(0.37, 2.9, [33], {dtype: torch.float64, generator: g})'),
    ev('torch.normal(0, 1, (3,), requires_grad=True)', 'torch.normal(0, 1, [3], {requires_grad: true})'),
    ev('torch.normal(m, 2.5, generator=g)', 'torch.normal(S.m, 2.5, {generator: g})'),
    ev('torch.normal(m, generator=g)', 'torch.normal(S.m, {generator: g})'),
    ev('torch.normal(torch.zeros(20), 0.7, generator=g)', 'torch.normal(torch.zeros(20), 0.7, {generator: g})'),
    ev('torch.normal(1.5, s, generator=g)', 'torch.normal(1.5, S.s, {generator: g})'),
    ev('torch.normal(0.3, torch.full((17,), 1.7), generator=g)', 'torch.normal(0.3, torch.full([17], 1.7), {generator: g})'),
    ev('torch.normal(torch.zeros(2, 1), torch.ones(3), generator=g)', 'torch.normal(torch.zeros(2, 1), torch.ones(3), {generator: g})'),
    ev('torch.normal(torch.zeros(3), torch.ones(1), generator=g)', 'torch.normal(torch.zeros(3), torch.ones(1), {generator: g})'),
    ev('torch.normal(torch.zeros(3, dtype=torch.float64), torch.ones(3), generator=g)', 'torch.normal(torch.zeros(3, {dtype: torch.float64}), torch.ones(3), {generator: g})'),
    ev('torch.normal(torch.zeros(3), torch.ones(3, dtype=torch.float64), generator=g)', 'torch.normal(torch.zeros(3), torch.ones(3, {dtype: torch.float64}), {generator: g})'),
    ev('torch.normal(torch.arange(20.).view(4, 5).t(), 1., generator=g)', 'torch.normal(torch.arange(20, {dtype: torch.float32}).view(4, 5).t(), 1.0, {generator: g})'),
    ev('torch.normal(torch.arange(20.).view(4, 5).t(), torch.ones(5, 4), generator=g)', 'torch.normal(torch.arange(20, {dtype: torch.float32}).view(4, 5).t(), torch.ones(5, 4), {generator: g})'),
    ev('torch.normal(0., 1., (3,))', 'torch.normal(0.0, 1.0, [3])'),
    ev('torch.normal(0., -1., (3,), generator=g)', 'torch.normal(0.0, -1.0, [3], {generator: g})'),
    ev('torch.normal(m, -1., generator=g)', 'torch.normal(S.m, -1.0, {generator: g})'),
    ev('torch.normal(m, torch.tensor([1., -1., 1., 1.]), generator=g)', 'torch.normal(S.m, torch.tensor([1.0, -1.0, 1.0, 1.0], {dtype: torch.float32}), {generator: g})'),
    ev('torch.normal(1., torch.tensor([1., -1.]), generator=g)', 'torch.normal(1.0, torch.tensor([1.0, -1.0], {dtype: torch.float32}), {generator: g})'),
    ev('torch.normal(m, torch.ones(2), generator=g)', 'torch.normal(S.m, torch.ones(2), {generator: g})'),
    ev('torch.normal(torch.zeros(3, dtype=torch.int64), torch.ones(3), generator=g)', 'torch.normal(torch.zeros(3, {dtype: torch.int64}), torch.ones(3), {generator: g})'),
    ev('torch.normal(m, s, generator=g)', 'torch.normal(S.m, S.s, {generator: g})'),
])

prog('normal_autograd', [
    do('m = torch.tensor([0.5, -1.0, 2.0], requires_grad=True); s = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)',
       'S.m = torch.tensor([0.5, -1.0, 2.0], {requires_grad: true}); S.s = torch.tensor([1.0, 2.0, 3.0], {dtype: torch.float32, requires_grad: true})'),
    ev('torch.normal(m, s, generator=g)', 'torch.normal(S.m, S.s, {generator: g})'),
    ev('torch.normal(m, 1.5, generator=g)', 'torch.normal(S.m, 1.5, {generator: g})'),
    ev('torch.normal(0.5, s, generator=g)', 'torch.normal(0.5, S.s, {generator: g})'),
    ev('torch.normal(m.detach(), s, generator=g)', 'torch.normal(S.m.detach(), S.s, {generator: g})'),
    do('y = torch.normal(m, s, generator=g); (y * y).sum().backward()',
       'S.y = torch.normal(S.m, S.s, {generator: g}); S.y.mul(S.y).sum().backward()'),
    ev('m.grad', 'S.m.grad'),
    ev('s.grad', 'S.s.grad'),
    do('z = torch.normal(m * 2, 3.0, generator=g); z.sum().backward()',
       'S.z = torch.normal(S.m.mul(2), 3.0, {generator: g}); S.z.sum().backward()'),
    ev('m.grad', 'S.m.grad'),
])

# in-place fills on contiguous and strided tensors
INPLACE = [
    ('uniform_(generator=g)', 'uniform_({generator: g})'),
    ('uniform_(-2, 3, generator=g)', 'uniform_(-2, 3, {generator: g})'),
    ('uniform_(**{"from": -0.5, "to": 0.5}, generator=g)', 'uniform_({from: -0.5, to: 0.5, generator: g})'),
    ('uniform_(to=4.0, generator=g)', 'uniform_({to: 4.0, generator: g})'),
    ('normal_(generator=g)', 'normal_({generator: g})'),
    ('normal_(1.0, 2.0, generator=g)', 'normal_(1.0, 2.0, {generator: g})'),
    ('normal_(mean=-3.0, std=0.1, generator=g)', 'normal_({mean: -3.0, std: 0.1, generator: g})'),
    ('normal_(std=4.0, generator=g)', 'normal_({std: 4.0, generator: g})'),
    ('exponential_(generator=g)', 'exponential_({generator: g})'),
    ('exponential_(2.5, generator=g)', 'exponential_(2.5, {generator: g})'),
    ('exponential_(lambd=0.5, generator=g)', 'exponential_({lambd: 0.5, generator: g})'),
    ('random_(generator=g)', 'random_({generator: g})'),
    ('random_(10, generator=g)', 'random_(10, {generator: g})'),
    ('random_(-4, 12, generator=g)', 'random_(-4, 12, {generator: g})'),
    ('random_(to=7, generator=g)', 'random_({to: 7, generator: g})'),
    ('random_(3, None, generator=g)', 'random_(3, null, {generator: g})'),
    ('bernoulli_(0.25, generator=g)', 'bernoulli_(0.25, {generator: g})'),
]
LAYOUTS = [
    ('torch.zeros(%d, %d, dtype=%s)', 'torch.zeros(%d, %d, {dtype: %s})', ''),
    ('torch.zeros(%d, %d, dtype=%s)', 'torch.zeros(%d, %d, {dtype: %s})', '.t()'),
]
for dt in ['float32', 'float64']:
    steps = []
    for i, (pyc, jsc) in enumerate(INPLACE):
        a, b = [(2, 3), (4, 5), (5, 4), (3, 6), (1, 17), (17, 1)][i % 6]
        # contiguous, transposed, every other column, a column-major block; numel >= 16 too
        steps.append(ev('torch.zeros(%d, %d, dtype=torch.%s).%s' % (a, b, dt, pyc),
                        'torch.zeros(%d, %d, {dtype: torch.%s}).%s' % (a, b, dt, jsc)))
        steps.append(ev('torch.zeros(%d, %d, dtype=torch.%s).t().%s' % (a, b, dt, pyc),
                        'torch.zeros(%d, %d, {dtype: torch.%s}).t().%s' % (a, b, dt, jsc)))
        steps.append(do('x = torch.zeros(%d, %d, dtype=torch.%s); x[:, ::2].%s' % (a, 2 * b, dt, pyc),
                        'S.x = torch.zeros(%d, %d, {dtype: torch.%s}); S.x.get(":", "::2").%s' % (a, 2 * b, dt, jsc)))
        steps.append(ev('x', 'S.x'))
        steps.append(ev('torch.zeros(4, 6, 3, dtype=torch.%s).permute(2, 0, 1)[1:, :, 1:5].%s' % (dt, pyc),
                        'torch.zeros(4, 6, 3, {dtype: torch.%s}).permute(2, 0, 1).get("1:", ":", "1:5").%s' % (dt, jsc)))
        steps.append(ev('torch.zeros(8, 5, dtype=torch.%s)[2:7].%s' % (dt, pyc),
                        'torch.zeros(8, 5, {dtype: torch.%s}).get("2:7").%s' % (dt, jsc)))
    prog('inplace_' + dt, steps, seed=7, gseed=2147483647)

prog('inplace_int', [
    ev('torch.zeros(%d, dtype=torch.%s).random_(generator=g)' % (n, d), 'torch.zeros(%d, {dtype: torch.%s}).random_({generator: g})' % (n, d))
    for n, d in [(5, 'int64'), (5, 'int32'), (6, 'int16'), (7, 'int8'), (8, 'uint8'), (9, 'bool')]
] + [
    ev('torch.zeros(%d, dtype=torch.%s).random_(%s, generator=g)' % (n, d, a),
       'torch.zeros(%d, {dtype: torch.%s}).random_(%s, {generator: g})' % (n, d, a.replace('-2 ** 40', '-(2 ** 40)').replace('None', 'null')))
    for n, d, a in [(5, 'int64', '100'), (5, 'int32', '-5, 5'), (6, 'int16', '1000'), (7, 'int8', '-128, 128'), (8, 'uint8', '256'),
                    (9, 'bool', '2'), (5, 'int64', '-2 ** 40, 2 ** 40'), (4, 'int32', '5, None'), (4, 'uint8', '250, None')]
] + [
    ev('torch.zeros(4, 3, dtype=torch.int64).t().random_(0, 1000, generator=g)', 'torch.zeros(4, 3, {dtype: torch.int64}).t().random_(0, 1000, {generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).uniform_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).uniform_({generator: g})'),
    ev('torch.zeros(3, dtype=torch.bool).uniform_(generator=g)', 'torch.zeros(3, {dtype: torch.bool}).uniform_({generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).normal_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).normal_({generator: g})'),
    ev('torch.zeros(20, dtype=torch.int32).normal_(generator=g)', 'torch.zeros(20, {dtype: torch.int32}).normal_({generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).exponential_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).exponential_({generator: g})'),
    ev('torch.zeros(3, dtype=torch.uint8).random_(300, generator=g)', 'torch.zeros(3, {dtype: torch.uint8}).random_(300, {generator: g})'),
    ev('torch.zeros(3, dtype=torch.uint8).random_(-1, 3, generator=g)', 'torch.zeros(3, {dtype: torch.uint8}).random_(-1, 3, {generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).random_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).random_({generator: g})'),
])

prog('inplace_errors', [
    ev('torch.zeros(3).uniform_(2, 1, generator=g)', 'torch.zeros(3).uniform_(2, 1, {generator: g})'),
    ev('torch.zeros(3).uniform_(0, float("inf"), generator=g)', 'torch.zeros(3).uniform_(0, Infinity, {generator: g})'),
    ev('torch.zeros(3).uniform_(-3e38, 3e38, generator=g)', 'torch.zeros(3).uniform_(-3e38, 3e38, {generator: g})'),
    ev('torch.zeros(3).normal_(0, -1, generator=g)', 'torch.zeros(3).normal_(0, -1, {generator: g})'),
    ev('torch.zeros(3).normal_(0, -0.25, generator=g)', 'torch.zeros(3).normal_(0, -0.25, {generator: g})'),
    ev('torch.zeros(3).exponential_(-1, generator=g)', 'torch.zeros(3).exponential_(-1, {generator: g})'),
    ev('torch.zeros(3).exponential_(0, generator=g)', 'torch.zeros(3).exponential_(0, {generator: g})'),
    ev('torch.zeros(3).random_(5, 3, generator=g)', 'torch.zeros(3).random_(5, 3, {generator: g})'),
    ev('torch.zeros(3).random_(-1, generator=g)', 'torch.zeros(3).random_(-1, {generator: g})'),
    ev('torch.zeros(3).random_(0, generator=g)', 'torch.zeros(3).random_(0, {generator: g})'),
    ev('torch.zeros(3).bernoulli_(1.5, generator=g)', 'torch.zeros(3).bernoulli_(1.5, {generator: g})'),
    ev('torch.zeros(3).expand(2, 3).uniform_(generator=g)', 'torch.zeros(3).expand(2, 3).uniform_({generator: g})'),
    ev('torch.zeros(3).expand(2, 3).normal_(generator=g)', 'torch.zeros(3).expand(2, 3).normal_({generator: g})'),
    ev('torch.zeros(3).expand(2, 3).bernoulli_(0.5, generator=g)', 'torch.zeros(3).expand(2, 3).bernoulli_(0.5, {generator: g})'),
    ev('torch.zeros(3).expand(2, 3).bernoulli_(torch.ones(2, 3), generator=g)', 'torch.zeros(3).expand(2, 3).bernoulli_(torch.ones(2, 3), {generator: g})'),
    ev('torch.zeros(3).expand(2, 3).random_(generator=g)', 'torch.zeros(3).expand(2, 3).random_({generator: g})'),
    ev('torch.zeros(3).expand(2, 3).exponential_(generator=g)', 'torch.zeros(3).expand(2, 3).exponential_({generator: g})'),
    ev('torch.zeros(3).expand(2, 3).uniform_(2, 1, generator=g)', 'torch.zeros(3).expand(2, 3).uniform_(2, 1, {generator: g})'),
    ev('torch.zeros(3).expand(2, 3).normal_(0, -1, generator=g)', 'torch.zeros(3).expand(2, 3).normal_(0, -1, {generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).expand(2, 3).uniform_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).expand(2, 3).uniform_({generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).expand(2, 3).normal_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).expand(2, 3).normal_({generator: g})'),
    ev('torch.zeros(3, dtype=torch.int64).expand(2, 3).exponential_(generator=g)', 'torch.zeros(3, {dtype: torch.int64}).expand(2, 3).exponential_({generator: g})'),
    ev('torch.zeros(1).expand(3).random_(5, 3, generator=g)', 'torch.zeros(1).expand(3).random_(5, 3, {generator: g})'),
    ev('torch.zeros(1).expand(1, 1).uniform_(generator=g)', 'torch.zeros(1).expand(1, 1).uniform_({generator: g})'),
    ev('torch.zeros(4).uniform_(generator=g)', 'torch.zeros(4).uniform_({generator: g})'),
])

prog('inplace_autograd', [
    do('a = torch.ones(3, requires_grad=True)', 'S.a = torch.ones(3, {requires_grad: true})'),
    ev('a.uniform_(generator=g)', 'S.a.uniform_({generator: g})'),
    ev('a.normal_(generator=g)', 'S.a.normal_({generator: g})'),
    ev('a[:2].normal_(generator=g)', 'S.a.get(":2").normal_({generator: g})'),
    ev('a.bernoulli_(0.5, generator=g)', 'S.a.bernoulli_(0.5, {generator: g})'),
    ev('(a * 2).uniform_(generator=g)', 'S.a.mul(2).uniform_({generator: g})'),
    ev('(a * 2).normal_(generator=g)', 'S.a.mul(2).normal_({generator: g})'),
    ev('(a * 2).exponential_(generator=g)', 'S.a.mul(2).exponential_({generator: g})'),
    ev('(a * 2).random_(generator=g)', 'S.a.mul(2).random_({generator: g})'),
    ev('(a * 2).random_(10, generator=g)', 'S.a.mul(2).random_(10, {generator: g})'),
    ev('(a * 2).random_(2, 10, generator=g)', 'S.a.mul(2).random_(2, 10, {generator: g})'),
    ev('(a * 2).bernoulli_(generator=g)', 'S.a.mul(2).bernoulli_({generator: g})'),
    ev('(a * 2).bernoulli_(torch.full((3,), 0.5), generator=g)', 'S.a.mul(2).bernoulli_(torch.full([3], 0.5), {generator: g})'),
    ev('torch.bernoulli(a * 0.5, generator=g)', 'torch.bernoulli(S.a.mul(0.5), {generator: g})'),
    ev('torch.bernoulli(a * 0.5, 0.5, generator=g)', 'torch.bernoulli(S.a.mul(0.5), 0.5, {generator: g})'),
    ev('torch.zeros(3).bernoulli_(a * 0.5, generator=g)', 'torch.zeros(3).bernoulli_(S.a.mul(0.5), {generator: g})'),
    do('b = a * 3; b.normal_(generator=g); c = (b * a).sum(); c.backward()',
       'S.b = S.a.mul(3); S.b.normal_({generator: g}); S.c = S.b.mul(S.a).sum(); S.c.backward()'),
    ev('b', 'S.b'),
    ev('a.grad', 'S.a.grad'),
    do('a.grad = None; b = a * 3; b[1:].uniform_(generator=g); b.sum().backward()',
       'S.a.grad = null; S.b = S.a.mul(3); S.b.get("1:").uniform_({generator: g}); S.b.sum().backward()'),
    ev('b', 'S.b'),
    ev('a.grad', 'S.a.grad'),
    ev('torch.rand_like(a)', 'torch.rand_like(S.a)'),
    ev('torch.randint_like(a, 2, 5)', 'torch.randint_like(S.a, 2, 5)'),
])

prog('like_forms', [
    do('x = torch.zeros(3, 5); xt = torch.zeros(5, 3).t(); xi = torch.zeros(2, 3, dtype=torch.int32)',
       'S.x = torch.zeros(3, 5); S.xt = torch.zeros(5, 3).t(); S.xi = torch.zeros(2, 3, {dtype: torch.int32})'),
    ev('torch.rand_like(x)', 'torch.rand_like(S.x)'),
    ev('torch.rand_like(x, dtype=torch.float64)', 'torch.rand_like(S.x, {dtype: torch.float64})'),
    ev('torch.rand_like(xt)', 'torch.rand_like(S.xt)'),
    ev('torch.randn_like(x)', 'torch.randn_like(S.x)'),
    ev('torch.randn_like(xt)', 'torch.randn_like(S.xt)'),
    ev('torch.randn_like(torch.zeros(6, 4).t())', 'torch.randn_like(torch.zeros(6, 4).t())'),
    ev('torch.randn_like(torch.zeros(4, 6))', 'torch.randn_like(torch.zeros(4, 6))'),
    ev('torch.randn_like(x, dtype=torch.float64)', 'torch.randn_like(S.x, {dtype: torch.float64})'),
    ev('torch.randn_like(x, requires_grad=True)', 'torch.randn_like(S.x, {requires_grad: true})'),
    ev('torch.randint_like(x, 10)', 'torch.randint_like(S.x, 10)'),
    ev('torch.randint_like(x, 3, 10)', 'torch.randint_like(S.x, 3, 10)'),
    ev('torch.randint_like(xt, 100)', 'torch.randint_like(S.xt, 100)'),
    ev('torch.randint_like(xi, 50)', 'torch.randint_like(S.xi, 50)'),
    ev('torch.randint_like(xi, -50, 50, dtype=torch.int64)', 'torch.randint_like(S.xi, -50, 50, {dtype: torch.int64})'),
    ev('torch.randint_like(x, high=7)', 'torch.randint_like(S.x, {high: 7})'),
    ev('torch.randint_like(x, low=1, high=7)', 'torch.randint_like(S.x, {low: 1, high: 7})'),
    ev('torch.rand_like(xi)', 'torch.rand_like(S.xi)'),
    ev('torch.randn_like(xi)', 'torch.randn_like(S.xi)'),
    ev('torch.randint_like(x, 5, 5)', 'torch.randint_like(S.x, 5, 5)'),
    ev('torch.rand_like(x)', 'torch.rand_like(S.x)'),
])

# ---- generator state ------------------------------------------------------------------------

prog('state', [
    ev('torch.Generator().get_state()', 'new torch.Generator().get_state()'),
    ev('torch.Generator().get_state().tolist()', 'new torch.Generator().get_state().tolist()'),
    ev('repr(torch.Generator().get_state())', 'String(new torch.Generator().get_state())'),
    ev('repr(g.get_state())', 'String(g.get_state())'),
    ev('g.get_state()', 'g.get_state()'),
    ev('g.initial_seed()', 'g.initial_seed()'),
    ev('torch.initial_seed()', 'torch.initial_seed()'),
    ev('torch.manual_seed(2 ** 40 + 5).initial_seed()', 'torch.manual_seed(2 ** 40 + 5).initial_seed()'),
    ev('torch.initial_seed()', 'torch.initial_seed()'),
    ev('torch.manual_seed(3.7).initial_seed()', 'torch.manual_seed(3.7).initial_seed()'),
    ev('torch.manual_seed(-1).initial_seed()', 'torch.manual_seed(-1).initial_seed()'),
    ev('torch.manual_seed(2 ** 64)', 'torch.manual_seed(2n ** 64n)'),
    ev('torch.manual_seed(2 ** 64 - 1).initial_seed()', 'torch.manual_seed(2n ** 64n - 1n).initial_seed()'),
    ev('torch.rand(3)', 'torch.rand(3)'),
    ev('torch.manual_seed(7)', 'torch.manual_seed(7)'),
    ev('g.manual_seed(1.5)', 'g.manual_seed(1.5)'),
    ev('g.manual_seed(-1).initial_seed()', 'g.manual_seed(-1).initial_seed()'),
    ev('g.manual_seed(2 ** 32 + 7).initial_seed()', 'g.manual_seed(2 ** 32 + 7).initial_seed()'),
    ev('torch.rand(3, generator=g)', 'torch.rand(3, {generator: g})'),
    ev('g.manual_seed(7).initial_seed()', 'g.manual_seed(7).initial_seed()'),
    ev('torch.rand(3, generator=g)', 'torch.rand(3, {generator: g})'),
    ev('torch.randn(1, generator=g)', 'torch.randn(1, {generator: g})'),
    ev('g.get_state()', 'g.get_state()'),
    ev('g.get_state()[5000:]', 'g.get_state().get("5000:")'),
    do('st = g.get_state()', 'S.st = g.get_state()'),
    ev('torch.randn(3, generator=g)', 'torch.randn(3, {generator: g})'),
    ev('g.set_state(st) is g', 'g.set_state(S.st) === g'),
    ev('torch.randn(3, generator=g)', 'torch.randn(3, {generator: g})'),
    ev('torch.randn(1, generator=g)', 'torch.randn(1, {generator: g})'),
    do('g.set_state(st); g2 = torch.Generator(); g2.set_state(g.get_state())',
       'g.set_state(S.st); S.g2 = new torch.Generator(); S.g2.set_state(g.get_state())'),
    ev('torch.randn(3, generator=g2)', 'torch.randn(3, {generator: S.g2})'),
    ev('g2.initial_seed()', 'S.g2.initial_seed()'),
    do('rs = torch.get_rng_state()', 'S.rs = torch.get_rng_state()'),
    ev('torch.rand(4)', 'torch.rand(4)'),
    ev('torch.set_rng_state(rs)', 'torch.set_rng_state(S.rs)'),
    ev('torch.rand(4)', 'torch.rand(4)'),
    ev('torch.get_rng_state()', 'torch.get_rng_state()'),
    ev('torch.get_rng_state().dtype', 'torch.get_rng_state().dtype'),
    ev('g.set_state(torch.zeros(5056))', 'g.set_state(torch.zeros(5056))'),
    ev('g.set_state(torch.zeros(5056, dtype=torch.uint8))', 'g.set_state(torch.zeros(5056, {dtype: torch.uint8}))'),
    ev('g.set_state(torch.zeros(100, dtype=torch.uint8))', 'g.set_state(torch.zeros(100, {dtype: torch.uint8}))'),
    ev('g.set_state(torch.zeros(10112, dtype=torch.uint8)[::2])', 'g.set_state(torch.zeros(10112, {dtype: torch.uint8}).get("::2"))'),
    ev('g.set_state([1, 2])', 'g.set_state([1, 2])'),
    ev('torch.set_rng_state(torch.zeros(5))', 'torch.set_rng_state(torch.zeros(5))'),
    ev('torch.set_rng_state([1])', 'torch.set_rng_state([1])'),
    ev('g.set_state(torch.cat([st[:8], torch.zeros(4, dtype=torch.uint8), st[12:]]))',
       'g.set_state(torch.cat([S.st.get(":8"), torch.zeros(4, {dtype: torch.uint8}), S.st.get("12:")]))'),
    ev('g.set_state(st[:5048])', 'g.set_state(S.st.get(":5048"))'),
    ev('torch.rand(2, generator=g)', 'torch.rand(2, {generator: g})'),
    ev('g.get_state()', 'g.get_state()'),
])

# the global generator: mixed calls after torch.manual_seed
MIXED = [
    ('torch.rand(5)', 'torch.rand(5)'),
    ('torch.randn(3)', 'torch.randn(3)'),
    ('torch.randint(0, 10, (6,))', 'torch.randint(0, 10, [6])'),
    ('torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 2)', 'torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 2)'),
    ('torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 8, True)', 'torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 8, true)'),
    ('torch.randperm(8)', 'torch.randperm(8)'),
    ('torch.bernoulli(torch.full((5,), 0.4))', 'torch.bernoulli(torch.full([5], 0.4))'),
    ('torch.normal(1.0, 2.0, (4,))', 'torch.normal(1.0, 2.0, [4])'),
    ('torch.zeros(4).exponential_()', 'torch.zeros(4).exponential_()'),
    ('torch.zeros(4, dtype=torch.int64).random_()', 'torch.zeros(4, {dtype: torch.int64}).random_()'),
    ('torch.randn(1)', 'torch.randn(1)'),
    ('torch.randn(20)', 'torch.randn(20)'),
    ('torch.randn(1, dtype=torch.float64)', 'torch.randn(1, {dtype: torch.float64})'),
    ('torch.rand(2, 3, dtype=torch.float64)', 'torch.rand(2, 3, {dtype: torch.float64})'),
]
prog('global_mixed', [ev(p, j) for p, j in MIXED] + [ev('torch.initial_seed()', 'torch.initial_seed()')]
     + [do('torch.manual_seed(1234)', 'torch.manual_seed(1234)')] + [ev(p, j) for p, j in MIXED[::-1]], seed=1234)


# ---- sweeps: every size 1..100 and multi-dim shapes, both float dtypes ----------------------

def sweep_programs():
    shapes = [(n,) for n in range(1, 101)] + [(2, 8), (4, 4), (8, 2, 1), (1, 16), (16, 1), (3, 5), (5, 3), (2, 9), (3, 6),
                                             (17, 1), (1, 17), (4, 2, 2), (2, 2, 2, 2), (3, 3, 3), (6, 6), (10, 10)]
    for dt in ['float32', 'float64']:
        for op in ['rand', 'randn']:
            steps = []
            for sh in shapes:
                steps.append(dict(ev('torch.%s(%s, dtype=torch.%s, generator=g)' % (op, shape_py(sh), dt),
                                     'torch.%s(%s, {dtype: torch.%s, generator: g})' % (op, shape_js(sh), dt)), h=1))
            prog('sweep_%s_%s' % (op, dt), steps, gseed=len(PROGRAMS) * 7919 + 3)
    # odd sizes around 16 on transposed/strided outputs of normal_ and uniform_ with bounds
    steps = []
    for n in range(12, 22):
        for dt in ['float32', 'float64']:
            steps.append(ev('torch.zeros(%d, 2, dtype=torch.%s).t().normal_(0.5, 1.5, generator=g)' % (n, dt),
                            'torch.zeros(%d, 2, {dtype: torch.%s}).t().normal_(0.5, 1.5, {generator: g})' % (n, dt)))
            steps.append(ev('torch.zeros(%d, dtype=torch.%s).normal_(0.5, 1.5, generator=g)' % (n, dt),
                            'torch.zeros(%d, {dtype: torch.%s}).normal_(0.5, 1.5, {generator: g})' % (n, dt)))
            steps.append(ev('torch.zeros(%d, dtype=torch.%s).uniform_(-1.7, 2.3, generator=g)' % (n, dt),
                            'torch.zeros(%d, {dtype: torch.%s}).uniform_(-1.7, 2.3, {generator: g})' % (n, dt)))
    prog('sweep_strided', steps, gseed=99)


sweep_programs()


# ---- random interleavings -------------------------------------------------------------------

def random_programs(count, nsteps):
    R = random.Random(20240613)
    shapes = [(1,), (2,), (3,), (5,), (7,), (15,), (16,), (17,), (31,), (33,), (2, 3), (4, 4), (3, 5), (2, 8), (4, 5, 1), (9, 2)]

    def sz(sh):
        return shape_py(sh), shape_js(sh)

    def op(gname):
        pyg = '' if gname is None else ', generator=g'
        jsg = '' if gname is None else '{generator: g}'
        jsopt = lambda extra='': '{' + ', '.join(x for x in [extra, '' if gname is None else 'generator: g'] if x) + '}'
        k = R.randrange(17)
        sh = R.choice(shapes)
        sp, sj = sz(sh)
        dt = R.choice(['float32', 'float64'])
        if k == 0:
            return 'torch.rand(%s, dtype=torch.%s%s)' % (sp, dt, pyg), 'torch.rand(%s, %s)' % (sj, jsopt('dtype: torch.' + dt))
        if k == 1:
            return 'torch.randn(%s, dtype=torch.%s%s)' % (sp, dt, pyg), 'torch.randn(%s, %s)' % (sj, jsopt('dtype: torch.' + dt))
        if k == 2:
            lo = R.randrange(-50, 50)
            hi = lo + R.choice([1, 2, 3, 10, 27, 1000, 2 ** 33])
            idt = R.choice(['int64', 'int64', 'int32', 'float32', 'float64'])
            if idt == 'int32' and hi > 2 ** 31 - 1:
                idt = 'int64'
            return ('torch.randint(%d, %d, %s, dtype=torch.%s%s)' % (lo, hi, sp, idt, pyg),
                    'torch.randint(%d, %d, %s, %s)' % (lo, hi, sj, jsopt('dtype: torch.' + idt)))
        if k == 3:
            n = R.randrange(0, 40)
            return 'torch.randperm(%d%s)' % (n, pyg), 'torch.randperm(%d, %s)' % (n, jsopt())
        if k in (4, 5):
            n = R.randrange(1, 12)
            ws = [R.choice([0.0, round(R.random(), 3), round(R.random() * 10, 2)]) for _ in range(n)]
            if all(w == 0 for w in ws):
                ws[0] = 1.0
            nz = sum(1 for w in ws if w > 0)
            repl = k == 5 or R.random() < 0.3
            ns = R.randrange(1, 30) if repl else R.randrange(1, nz + 1)
            pdt = R.choice(['float32', 'float64'])
            return ('torch.multinomial(torch.tensor(%s, dtype=torch.%s), %d, %s%s)' % (pylist(ws), pdt, ns, repl, pyg),
                    'torch.multinomial(torch.tensor(%s, {dtype: torch.%s}), %d, %s, %s)' % (pylist(ws), pdt, ns, 'true' if repl else 'false', jsopt()))
        if k == 6:
            n = R.randrange(1, 20)
            ps = [round(R.random(), 3) for _ in range(n)]
            pdt = R.choice(['float32', 'float64'])
            return ('torch.bernoulli(torch.tensor(%s, dtype=torch.%s)%s)' % (pylist(ps), pdt, pyg),
                    'torch.bernoulli(torch.tensor(%s, {dtype: torch.%s}), %s)' % (pylist(ps), pdt, jsopt()))
        if k == 7:
            p = round(R.random(), 3)
            return ('torch.zeros(%s, dtype=torch.%s).bernoulli_(%r%s)' % (sp, dt, p, pyg),
                    'torch.zeros(%s, {dtype: torch.%s}).bernoulli_(%r, %s)' % (sj, dt, p, jsopt()))
        if k == 8:
            m, s = round(R.uniform(-3, 3), 2), round(R.uniform(0, 4), 2)
            return ('torch.normal(%r, %r, %s, dtype=torch.%s%s)' % (m, s, sp, dt, pyg),
                    'torch.normal(%r, %r, %s, %s)' % (m, s, sj, jsopt('dtype: torch.' + dt)))
        if k == 9:
            n = R.randrange(1, 25)
            ms = [round(R.uniform(-3, 3), 2) for _ in range(n)]
            ss = [round(R.uniform(0, 3), 2) for _ in range(n)]
            return ('torch.normal(torch.tensor(%s, dtype=torch.%s), torch.tensor(%s)%s)' % (pylist(ms), dt, pylist(ss), pyg),
                    'torch.normal(torch.tensor(%s, {dtype: torch.%s}), torch.tensor(%s, {dtype: torch.float32}), %s)' % (pylist(ms), dt, pylist(ss), jsopt()))
        layout = R.choice(['', '.t()'] if len(sh) == 2 else [''])
        if k == 10:
            a = round(R.uniform(-5, 1), 3)
            b = round(a + R.uniform(0, 6), 3)
            return ('torch.zeros(%s, dtype=torch.%s)%s.uniform_(%r, %r%s)' % (sp, dt, layout, a, b, pyg),
                    'torch.zeros(%s, {dtype: torch.%s})%s.uniform_(%r, %r, %s)' % (sj, dt, layout, a, b, jsopt()))
        if k == 11:
            m, s = round(R.uniform(-3, 3), 2), round(R.uniform(0, 4), 2)
            return ('torch.zeros(%s, dtype=torch.%s)%s.normal_(%r, %r%s)' % (sp, dt, layout, m, s, pyg),
                    'torch.zeros(%s, {dtype: torch.%s})%s.normal_(%r, %r, %s)' % (sj, dt, layout, m, s, jsopt()))
        if k == 12:
            lam = round(R.uniform(0.1, 5), 2)
            return ('torch.zeros(%s, dtype=torch.%s)%s.exponential_(%r%s)' % (sp, dt, layout, lam, pyg),
                    'torch.zeros(%s, {dtype: torch.%s})%s.exponential_(%r, %s)' % (sj, dt, layout, lam, jsopt()))
        if k == 13:
            rdt = R.choice(['int64', 'int32', 'uint8', 'float32', 'float64', 'bool'])
            form = R.randrange(3)
            args = ['', '%d' % R.randrange(1, 3 if rdt == 'bool' else 200), '%d, %d' % (0, 2) if rdt == 'bool' else '%d, %d' % (R.randrange(0, 50), R.randrange(60, 250))][form]
            pyargs = ', '.join(x for x in [args, pyg[2:]] if x)
            return ('torch.zeros(%s, dtype=torch.%s)%s.random_(%s)' % (sp, rdt, layout, pyargs),
                    'torch.zeros(%s, {dtype: torch.%s})%s.random_(%s)' % (sj, rdt, layout, ', '.join(x for x in [args, jsg] if x)))
        if k == 14 and gname is None:
            return 'torch.randn_like(torch.zeros(%s, dtype=torch.%s)%s)' % (sp, dt, layout), 'torch.randn_like(torch.zeros(%s, {dtype: torch.%s})%s)' % (sj, dt, layout)
        if k == 15:
            return ('torch.randn(1%s)' % pyg, 'torch.randn(1, %s)' % jsopt())
        if k == 16:
            return ('torch.randn(%s, dtype=torch.float64%s)' % (sp, pyg), 'torch.randn(%s, %s)' % (sj, jsopt('dtype: torch.float64')))
        return 'torch.rand(2, dtype=torch.%s%s)' % (dt, pyg), 'torch.rand(2, %s)' % jsopt('dtype: torch.' + dt)

    for i in range(count):
        steps = []
        for _ in range(nsteps):
            r = R.random()
            if r < 0.04:
                s = R.randrange(0, 2 ** 31)
                steps.append(do('torch.manual_seed(%d)' % s, 'torch.manual_seed(%d)' % s))
                continue
            if r < 0.07:
                steps.append(do('_st = g.get_state(); torch.rand(3, generator=g); g.set_state(_st)',
                                'S._st = g.get_state(); torch.rand(3, {generator: g}); g.set_state(S._st)'))
                continue
            steps.append(ev(*op(R.choice(['g', None]))))
        prog('interleave_%d' % i, steps, seed=R.randrange(2 ** 32), gseed=R.randrange(2 ** 63))


random_programs(40, 14)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--compare', action='store_true')
    a = ap.parse_args()
    res = [run_program(p) for p in PROGRAMS]
    if a.compare:
        with open(OUT) as f:
            ref = {p['id']: p for p in json.load(f)['programs']}
        ndiff = 0
        for p in res:
            rp = ref[p['id']]
            for i, (s, r) in enumerate(zip(p['steps'], rp['steps'])):
                if s.get('r') != r.get('r') or s.get('gs') != r.get('gs') or s.get('ds') != r.get('ds'):
                    # later steps of the program inherit the difference: report the first only
                    ndiff += 1
                    print('%s[%d] %s\n  %s: %s\n  1.13: %s' % (p['id'], i, s['py'], torch.__version__,
                                                            json.dumps(s.get('r'))[:300], json.dumps(r.get('r'))[:300]))
                    break
        print('%d of %d programs differ' % (ndiff, len(res)))
        return
    doc = {'torch': torch.__version__,
           'generator': 'scripts/gen_random_api_goldens.py (see its docstring for the format)',
           'programs': res}
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
    nsteps = sum(len(p['steps']) for p in res)
    print('wrote %s: %d programs, %d steps' % (OUT, len(res), nsteps))


if __name__ == '__main__':
    main()
