#!/usr/bin/env python3
"""Golden values for torchlette's random layer (src/random/*), from a real PyTorch.

Run with torch 1.13 (the reference) and again with torch 2.x:
    /usr/bin/python3 scripts/gen_rng_goldens.py                          # writes test/vectors/rng/goldens_1_13.json
    /work/.venv-oracle/bin/python scripts/gen_rng_goldens.py --compare   # 2.x: reports differences,
                                                                         # records them in the 1.13 file
The 1.13 file is what test/random-goldens.test.ts replays; where 2.x differs, torchlette follows
1.13 (the lectures ran on it) and the ids of the differing records are listed in the file.

Contents (all drawn from one fixed Python RNG, so both runs build the same cases):
  programs  random sequences of sampling calls on one generator (a fresh torch.Generator or the
            default one after torch.manual_seed): rand/uniform_/randn/normal_ (contiguous and
            strided), randint/random_, randperm, bernoulli_(p), bernoulli(probs), exponential_,
            multinomial, dropout, get_state digests; sizes 1..100 with extra weight near 16
  sweeps    randn / rand for every size 1..100, float32 and float64, several seeds (sha256)
  multinomial  ties (zero weights) through both topk branches, 2-D, float64, replacement
  integers  every dtype x bound form of random_/randint, including 64-bit ranges
  states    get_state digests, legacy (5048-byte) set_state with a cached normal
  errors    messages for invalid arguments (keyed; the test maps each key to a call)
Float outputs are hex bit patterns concatenated (8 digits per float32, 16 per float64).
"""
import argparse
import hashlib
import json
import math
import os
import random
import struct
import sys

import warnings

import torch

warnings.filterwarnings('ignore')  # random_ precision warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'vectors', 'rng', 'goldens_1_13.json')

DT = {'float32': torch.float32, 'float64': torch.float64, 'int64': torch.int64, 'int32': torch.int32,
      'int16': torch.int16, 'int8': torch.int8, 'uint8': torch.uint8, 'bool': torch.bool}


def enc(t):
    """Encode a tensor's values (logical order)."""
    t = t.detach().contiguous().view(-1)
    if t.dtype == torch.float32:
        return ''.join('%08x' % (x & 0xffffffff) for x in t.view(torch.int32).tolist())
    if t.dtype == torch.float64:
        return ''.join('%016x' % (x & 0xffffffffffffffff) for x in t.view(torch.int64).tolist())
    vals = [int(v) for v in t.tolist()]
    if any(abs(v) > 2 ** 53 for v in vals):
        return [str(v) for v in vals]
    return vals


def sha(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


def sizes(rng):
    return rng.choice([1, 2, 3, 5, 7, 8, 13, 14, 15, 16, 17, 18, 23, 31, 32, 33, 47, 48, 49, 63, 64, 65, 79, 99, 100,
                       rng.randint(1, 100)])


class Case:
    """Builds ops from the fixed RNG; `run` executes them with torch."""

    def __init__(self, rng):
        self.rng = rng

    def op(self, use_default):
        r = self.rng
        kinds = ['rand', 'uniform', 'randn', 'normal', 'randint', 'random_', 'randperm', 'bernoulli_p',
                 'bernoulli_t', 'exponential', 'multinomial', 'state']
        if use_default:
            kinds.append('dropout')
        k = r.choice(kinds)
        dt = r.choice(['float32', 'float64'])
        n = sizes(r)
        if k == 'rand':
            return dict(op=k, dtype=dt, n=n)
        if k == 'uniform':
            a = r.choice([-1.0, -0.5, 0.0, -1 / math.sqrt(30), -r.uniform(0, 10), r.uniform(-3, 3)])
            b = a + r.choice([1.0, 2.0, r.uniform(0, 5), 2 / math.sqrt(30), 1e-3])
            return dict(op=k, dtype=dt, n=n, a=a, b=b)
        if k == 'randn':
            return dict(op=k, dtype=dt, n=n)
        if k == 'normal':
            return dict(op=k, dtype=dt, n=n, mean=r.choice([0.0, 0.37, -2.5, r.uniform(-5, 5)]),
                        std=r.choice([1.0, 2.9, 0.02, r.uniform(0, 3)]), contiguous=r.random() < 0.6)
        if k == 'randint':
            lo, hi = r.choice([(0, 27), (0, 10), (-5, 5), (0, 2), (0, 2 ** 31), (-(2 ** 31), 2 ** 31),
                               (0, 2 ** 32 - 1), (0, 2 ** 32), (0, 2 ** 32 + 1), (-(2 ** 40), 2 ** 40),
                               (0, 1000003), (7, 8)])
            return dict(op=k, dtype='int64', n=n, low=str(lo), high=str(hi))
        if k == 'random_':
            d = r.choice(['int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'float32', 'float64'])
            return dict(op=k, dtype=d, n=n, **{'from': None, 'to': None})
        if k == 'randperm':
            return dict(op=k, dtype='int64', n=r.choice([1, 2, 3, 10, 16, 17, 50, 100, 257]))
        if k == 'bernoulli_p':
            return dict(op=k, dtype=r.choice(['float32', 'float64', 'uint8']), n=n,
                        p=r.choice([0.5, 0.8, 0.1, 1.0, 0.0, r.random()]))
        if k == 'bernoulli_t':
            probs = [r.random() if r.random() < 0.9 else r.choice([0.0, 1.0]) for _ in range(n)]
            if dt == 'float32':
                probs = [struct.unpack('<f', struct.pack('<f', v))[0] for v in probs]
            return dict(op=k, dtype=dt, probs=probs)
        if k == 'exponential':
            return dict(op=k, dtype=dt, n=n, lambd=r.choice([1.0, 2.0, 0.5, r.uniform(0.1, 10)]))
        if k == 'multinomial':
            rows = r.choice([1, 1, 2, 3])
            cats = r.choice([2, 3, 5, 10, 27, 64, 100])
            probs = []
            for _ in range(rows * cats):
                probs.append(0.0 if r.random() < 0.25 else r.random())
            for row in range(rows):
                if not any(probs[row * cats:(row + 1) * cats]):
                    probs[row * cats] = 0.5
            if dt == 'float32':
                probs = [struct.unpack('<f', struct.pack('<f', v))[0] for v in probs]
            repl = r.random() < 0.5
            k_ = r.choice([1, 2, 3, cats]) if not repl else r.choice([1, 2, 5, 20])
            k_ = min(k_, cats) if not repl else k_
            return dict(op=k, dtype=dt, probs=probs, rows=rows, cats=cats, k=k_, replacement=repl)
        if k == 'dropout':
            return dict(op=k, dtype=dt, n=n, p=r.choice([0.1, 0.2, 0.5, 0.3, 0.0, 1.0, r.random()]))
        return dict(op='state')


def run_op(o, g):
    """Execute one op; g is a torch.Generator or None (default generator)."""
    kw = {} if g is None else {'generator': g}
    k = o['op']
    if k == 'rand':
        return enc(torch.rand(o['n'], dtype=DT[o['dtype']], **kw))
    if k == 'uniform':
        return enc(torch.empty(o['n'], dtype=DT[o['dtype']]).uniform_(o['a'], o['b'], **kw))
    if k == 'randn':
        return enc(torch.randn(o['n'], dtype=DT[o['dtype']], **kw))
    if k == 'normal':
        if o['contiguous']:
            t = torch.empty(o['n'], dtype=DT[o['dtype']])
        else:
            t = torch.empty(2 * o['n'], dtype=DT[o['dtype']])[::2]
        t.normal_(o['mean'], o['std'], **kw)
        return enc(t)
    if k == 'randint':
        return enc(torch.randint(int(o['low']), int(o['high']), (o['n'],), **kw))
    if k == 'random_':
        t = torch.empty(o['n'], dtype=DT[o['dtype']])
        fr, to = o['from'], o['to']
        if fr is None and to is None:
            t.random_(**kw)
        elif fr is None:
            t.random_(to, **kw)
        else:
            t.random_(fr, to, **kw)
        return enc(t)
    if k == 'randperm':
        return enc(torch.randperm(o['n'], dtype=DT[o['dtype']], **kw))
    if k == 'bernoulli_p':
        return enc(torch.empty(o['n'], dtype=DT[o['dtype']]).bernoulli_(o['p'], **kw))
    if k == 'bernoulli_t':
        return enc(torch.bernoulli(torch.tensor(o['probs'], dtype=DT[o['dtype']]), **kw))
    if k == 'exponential':
        return enc(torch.empty(o['n'], dtype=DT[o['dtype']]).exponential_(o['lambd'], **kw))
    if k == 'multinomial':
        p = torch.tensor(o['probs'], dtype=DT[o['dtype']])
        if o['rows'] > 1:
            p = p.view(o['rows'], o['cats'])
        return enc(torch.multinomial(p, o['k'], o['replacement'], **kw))
    if k == 'dropout':
        return enc(torch.nn.functional.dropout(torch.ones(o['n'], dtype=DT[o['dtype']]), o['p'], training=True))
    if k == 'state':
        st = (torch.get_rng_state() if g is None else g.get_state())
        return hashlib.sha256(st.numpy().tobytes()).hexdigest()
    raise ValueError(k)


def programs(rng):
    progs = []
    for i in range(120):
        use_default = rng.random() < 0.4
        seed = rng.choice([0, 1, 5, 42, 1337, 2147483647, rng.randint(0, 2 ** 32), rng.randint(0, 2 ** 64 - 1),
                           -rng.randint(1, 2 ** 63)])
        case = Case(rng)
        ops = [case.op(use_default) for _ in range(rng.randint(2, 8))]
        progs.append(dict(id=f'prog{i}', gen='default' if use_default else 'new', seed=str(seed), ops=ops))
    return progs


def run_programs(progs):
    for p in progs:
        if p['gen'] == 'default':
            torch.manual_seed(int(p['seed']))
            g = None
        else:
            g = torch.Generator().manual_seed(int(p['seed']))
        for o in p['ops']:
            o['out'] = run_op(o, g)


def sweeps():
    out = []
    for seed in (0, 1, 42, 12345):
        for dt in ('float32', 'float64'):
            for fn in ('randn', 'rand'):
                shas = []
                for n in range(1, 101):
                    g = torch.Generator().manual_seed(seed)
                    t = getattr(torch, fn)(n, generator=g, dtype=DT[dt])
                    shas.append(sha(t))
                out.append(dict(id=f'sweep_{fn}_{dt}_{seed}', fn=fn, dtype=dt, seed=seed, sha256=shas))
    # randn sizes 1..100 consecutively on ONE generator (cache carried between small calls)
    for dt in ('float32', 'float64'):
        g = torch.Generator().manual_seed(7)
        h = hashlib.sha256()
        for n in range(1, 101):
            h.update(torch.randn(n, generator=g, dtype=DT[dt]).numpy().tobytes())
        out.append(dict(id=f'sweep_chain_{dt}', fn='randn_chain', dtype=dt, seed=7,
                        sha256=[h.hexdigest()], state=hashlib.sha256(g.get_state().numpy().tobytes()).hexdigest()))
    return out


def multinomial_cases():
    cases = []
    specs = [
        # (weights, k, replacement): zero weights force ties in topk
        ([0.0] * 17 + [1.0, 2.0, 3.0], 10, False),  # nth_element + sort branch (k*64 > n)
        ([0.0] * 197 + [1.0, 2.0], 3, False),  # partial_sort branch (k*64 <= n)
        ([0.0] * 300 + [5.0], 4, False),
        ([1.0] * 40, 40, False),
        ([0.0] * 63 + [1.0], 1, False),  # argmax
        ([0.0, 0.0, 0.0, 1.0, 0.0, 1.0], 6, False),
        ([0.0] * 128 + [1.0, 1.0], 2, False),
        ([0.0, 10.0, 3.0, 1.0], 4, True),
        ([0.0, 10.0, 3.0, 1.0], 1, True),
        ([1e-30, 1.0, 0.0, 1e30], 50, True),
    ]
    for ci, (w, k, repl) in enumerate(specs):
        outs = {}
        for dt in ('float32', 'float64'):
            for seed in (0, 1, 2, 3, 2147483647):
                g = torch.Generator().manual_seed(seed)
                res = torch.multinomial(torch.tensor(w, dtype=DT[dt]), k, repl, generator=g)
                outs[f'{dt}/{seed}'] = enc(res)
        cases.append(dict(id=f'mn{ci}', probs=w, rows=1, cats=len(w), k=k, replacement=repl, outs=outs))
    # 2-D, rows mixing ties, with and without replacement
    rng = random.Random(99)
    for ci in range(12):
        rows, cats = rng.choice([(2, 5), (3, 70), (4, 16), (5, 130)])
        w = [0.0 if rng.random() < 0.6 else rng.random() for _ in range(rows * cats)]
        for r in range(rows):
            w[r * cats + rng.randrange(cats)] = 0.25
        w = [struct.unpack('<f', struct.pack('<f', v))[0] for v in w]
        for repl in (False, True):
            k = rng.choice([1, 2, 3, cats // 2, cats]) if not repl else rng.choice([1, 7, 30])
            g = torch.Generator().manual_seed(ci)
            res = torch.multinomial(torch.tensor(w).view(rows, cats), k, repl, generator=g)
            cases.append(dict(id=f'mn2d{ci}_{repl}', probs=w, rows=rows, cats=cats, k=k, replacement=repl,
                              outs={f'float32/{ci}': enc(res)}))
    return cases


def bounds(fr, to):
    return {'from': None if fr is None else str(fr), 'to': None if to is None else str(to)}


def integer_cases():
    cases = []
    forms = [(None, None), (None, 10), (0, 2), (-3, 3), (5, None), (-(2 ** 63), None), (0, 2 ** 31 - 1),
             (-(2 ** 31), 2 ** 31), (0, 2 ** 32), (1, 2 ** 32 + 1), (-(2 ** 40), 2 ** 40), (2 ** 24 - 3, 2 ** 24 + 5),
             (2 ** 24 + 1, 2 ** 24 + 9), (2 ** 53 - 5, 2 ** 53 + 7), (-(2 ** 62), 2 ** 62), (0, 256), (-128, 128),
             (-32768, 32768), (0, 1), (1, None), (0, None)]
    for dt in DT:
        for fi, (fr, to) in enumerate(forms):
            g = torch.Generator().manual_seed(1000 + fi)
            t = torch.empty(12, dtype=DT[dt])
            try:
                if fr is None and to is None:
                    t.random_(generator=g)
                elif fr is None:
                    t.random_(to, generator=g)
                else:
                    t.random_(fr, to, generator=g)
                cases.append(dict(id=f'int_{dt}_{fi}', dtype=dt, seed=1000 + fi, n=12, **bounds(fr, to),
                                  out=enc(t), state=hashlib.sha256(g.get_state().numpy().tobytes()).hexdigest()))
            except Exception as e:
                cases.append(dict(id=f'int_{dt}_{fi}', dtype=dt, seed=1000 + fi, n=12, **bounds(fr, to),
                                  error=[type(e).__name__, str(e).split('\n')[0]]))
    for dt in ('int64', 'int32', 'int16', 'int8', 'uint8', 'float32', 'float64'):
        for n in (0, 1, 2, 127, 128, 129, 256, 257, 1000):
            g = torch.Generator().manual_seed(n)
            try:
                res = torch.randperm(n, dtype=DT[dt], generator=g)
                cases.append(dict(id=f'perm_{dt}_{n}', op='randperm', dtype=dt, seed=n, n=n, out=enc(res)))
            except Exception as e:
                cases.append(dict(id=f'perm_{dt}_{n}', op='randperm', dtype=dt, seed=n, n=n,
                                  error=[type(e).__name__, str(e).split('\n')[0]]))
    return cases


def state_cases():
    cases = []
    # digests after assorted calls (engine position, cached normal)
    g = torch.Generator().manual_seed(3)
    digests = []
    for call in (lambda: None, lambda: torch.randn(1, generator=g), lambda: torch.randn(1, generator=g),
                 lambda: torch.randn(3, generator=g), lambda: torch.rand(700, generator=g),
                 lambda: torch.randn(5, dtype=torch.float64, generator=g), lambda: torch.randperm(5, generator=g)):
        call()
        digests.append(hashlib.sha256(g.get_state().numpy().tobytes()).hexdigest())
    cases.append(dict(id='state_seq', seed=3, digests=digests))
    # legacy 5048-byte states: cached sample = normal_rho * sin(2 pi normal_x)
    for i, (nx, rho, valid) in enumerate([(0.3, 1.7, 1), (0.123456789, 0.5, 1), (0.9, 2.0, 0), (0.0, 1.0, 7),
                                          (0.75, -1.25, 1)]):
        base = bytearray(torch.Generator().manual_seed(11 + i).get_state().numpy().tobytes()[:5048])
        struct.pack_into('<dddi', base, 5016, nx, 0.0, rho, valid)
        g = torch.Generator()
        try:
            g.set_state(torch.frombuffer(bytearray(base), dtype=torch.uint8))
        except RuntimeError as e:  # 2.x dropped the legacy layout
            cases.append(dict(id=f'legacy{i}', error=str(e)))
            continue
        after = g.get_state().numpy().tobytes()
        first = torch.randn(2, dtype=torch.float64, generator=g)
        cases.append(dict(id=f'legacy{i}', seed=11 + i, normal_x=nx, normal_rho=rho, valid=valid,
                          state_after_set=hashlib.sha256(after).hexdigest(), initial_seed=str(g.initial_seed()),
                          randn2_f64=enc(first)))
    return cases


def error_cases():
    """key -> [exception type, first line of message]."""
    G = torch.Generator
    calls = {
        'seed_overflow': lambda: G().manual_seed(2 ** 64),
        'seed_overflow_neg': lambda: G().manual_seed(-2 ** 63 - 1),
        'seed_float': lambda: G().manual_seed(1.5),
        'state_size': lambda: G().set_state(torch.zeros(10, dtype=torch.uint8)),
        'state_invalid': lambda: G().set_state(torch.zeros(5056, dtype=torch.uint8)),
        'uniform_order': lambda: torch.empty(3).uniform_(2, 1),
        'uniform_order2': lambda: torch.empty(3).uniform_(0.1234567891, 0.1),
        'uniform_from_oob': lambda: torch.empty(3).uniform_(-3.5e38, 3e38),
        'uniform_to_oob': lambda: torch.empty(3).uniform_(0, 1e39),
        'uniform_span_f32': lambda: torch.empty(3).uniform_(-3e38, 3e38),
        'uniform_span_f64': lambda: torch.empty(3, dtype=torch.float64).uniform_(-1e308, 1e308),
        'normal_std': lambda: torch.empty(3).normal_(0, -1),
        'normal_std2': lambda: torch.empty(3).normal_(0, -0.123456789),
        'normal_std3': lambda: torch.empty(3).normal_(0, -1.5e-7),
        'exponential_lambda': lambda: torch.empty(3).exponential_(-1),
        'bernoulli_p': lambda: torch.empty(3).bernoulli_(1.5),
        'bernoulli_tensor_p': lambda: torch.bernoulli(torch.tensor([0.5, 1.5])),
        'dropout_p': lambda: torch.nn.functional.dropout(torch.ones(3), 1.5),
        'random_from_ge_to': lambda: torch.empty(3, dtype=torch.int64).random_(5, 5),
        'random_int32_to': lambda: torch.empty(3, dtype=torch.int32).random_(0, 2 ** 31 + 1),
        'random_uint8_from': lambda: torch.empty(3, dtype=torch.uint8).random_(-1, 5),
        'random_int8_to': lambda: torch.empty(3, dtype=torch.int8).random_(0, 200),
        'random_int16_to': lambda: torch.empty(3, dtype=torch.int16).random_(0, 2 ** 16),
        'random_bool_to': lambda: torch.empty(3, dtype=torch.bool).random_(0, 3),
        'random_int64_from': lambda: torch.empty(3, dtype=torch.int64).random_(0, 2 ** 63),
        'random_f32_from_none': lambda: torch.empty(3, dtype=torch.float32).random_(2 ** 25, None),
        'random_full_int32': lambda: torch.empty(3, dtype=torch.int32).random_(-2 ** 63, None),
        'randperm_neg': lambda: torch.randperm(-1),
        'randperm_f32': lambda: torch.randperm(2 ** 24 + 2, dtype=torch.float32),
        'randperm_uint8': lambda: torch.randperm(300, dtype=torch.uint8),
        'mn_nsample_gt': lambda: torch.multinomial(torch.tensor([1., 2.]), 3),
        'mn_nsample_zero': lambda: torch.multinomial(torch.tensor([1., 2.]), 0),
        'mn_neg': lambda: torch.multinomial(torch.tensor([1., -2.]), 1),
        'mn_nan': lambda: torch.multinomial(torch.tensor([1., float('nan')]), 1),
        'mn_inf': lambda: torch.multinomial(torch.tensor([1., float('inf')]), 1),
        'mn_zero': lambda: torch.multinomial(torch.tensor([0., 0.]), 1),
        'mn_repl_neg': lambda: torch.multinomial(torch.tensor([1., -2.]), 1, True),
        'mn_repl_nan': lambda: torch.multinomial(torch.tensor([1., float('nan')]), 1, True),
        'mn_repl_inf': lambda: torch.multinomial(torch.tensor([1., float('inf')]), 1, True),
        'mn_repl_zero': lambda: torch.multinomial(torch.tensor([0., 0.]), 1, True),
    }
    out = {}
    for key, f in calls.items():
        try:
            f()
            out[key] = None
        except Exception as e:
            out[key] = [type(e).__name__, str(e).split('\n')[0]]
    # a row error after earlier rows were sampled: the generator has advanced
    g = torch.Generator().manual_seed(8)
    try:
        torch.multinomial(torch.tensor([[1., 2.], [0., 0.]]), 3, True, generator=g)
    except Exception as e:
        out['mn_repl_row2'] = [type(e).__name__, str(e).split('\n')[0],
                               hashlib.sha256(g.get_state().numpy().tobytes()).hexdigest()]
    return out


def build():
    rng = random.Random(20240611)
    progs = programs(rng)
    run_programs(progs)
    return dict(
        meta=dict(torch=torch.__version__, python=sys.version.split()[0],
                  cpu_capability=torch.backends.cpu.get_cpu_capability()
                  if hasattr(torch.backends, 'cpu') and hasattr(torch.backends.cpu, 'get_cpu_capability') else '',
                  generator='scripts/gen_rng_goldens.py',
                  encoding='float32: 8 hex digits per value (bit pattern), float64: 16; ints as numbers '
                           '(strings beyond 2^53); sha256 over little-endian raw bytes'),
        programs=progs, sweeps=sweeps(), multinomial=multinomial_cases(), integers=integer_cases(),
        states=state_cases(), errors=error_cases())


def diff(ref, cur):
    """ids of records whose outputs differ between two builds."""
    out = []
    for p, q in zip(ref['programs'], cur['programs']):
        for i, (a, b) in enumerate(zip(p['ops'], q['ops'])):
            if a.get('out') != b.get('out'):
                out.append(f"{p['id']}.op{i}:{a['op']}")
                break
    for sec in ('sweeps', 'multinomial', 'integers', 'states'):
        for a, b in zip(ref[sec], cur[sec]):
            if {k: v for k, v in a.items()} != {k: v for k, v in b.items()}:
                out.append(a['id'])
    for k in ref['errors']:
        if ref['errors'][k] != cur['errors'].get(k):
            out.append('error:' + k)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--compare', action='store_true',
                    help='run under another torch and record the differences in the 1.13 file')
    args = ap.parse_args()
    doc = build()
    if not args.compare:
        if not torch.__version__.startswith('1.13'):
            sys.exit('the reference run needs torch 1.13 (/usr/bin/python3)')
        old = json.load(open(OUT)) if os.path.exists(OUT) else {}
        if 'torch_2x_differences' in old:
            doc['torch_2x_differences'] = old['torch_2x_differences']
        with open(OUT, 'w') as fh:
            json.dump(doc, fh, separators=(',', ':'))
            fh.write('\n')
        print('wrote', os.path.relpath(OUT, ROOT), os.path.getsize(OUT), 'bytes')
        return
    ref = json.load(open(OUT))
    d = diff(ref, doc)
    print(f'torch {torch.__version__}: {len(d)} records differ from 1.13')
    for x in d:
        print('  ', x)
    ref['torch_2x_differences'] = dict(torch=torch.__version__, records=d,
                                       note='torchlette follows 1.13 for these (spec section 12a)')
    with open(OUT, 'w') as fh:
        json.dump(ref, fh, separators=(',', ':'))
        fh.write('\n')


if __name__ == '__main__':
    main()
