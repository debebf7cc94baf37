// The optimizers' fused loops (src/optim/fused.ts) against their op-by-op path: bit-identical
// parameters and state after several steps, the same version counters, for every option
// that changes the arithmetic, float32 and float64, with NaN/inf/-0/denormal/huge values.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { optim } from "../src/index.js";
import type { Tensor } from "../src/tensor.js";
import type { DType } from "../src/dtype.js";
import { fusedOptimizers } from "../src/optim/fused.js";

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -3e-39, 3e38, -3e38, 1e-8, 7, -7];

/** deterministic values with special ones mixed in */
function values(n: number, seed: number, special: boolean): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(special && i % 13 === 5 ? SPECIAL[(s >>> 8) % SPECIAL.length] : (s / 2 ** 32 - 0.5) * 4);
  }
  return out;
}

function bits(t: Tensor): string {
  const d = t._storage.data;
  const view = t.dtype.name === "float32" ? new Uint32Array(d.buffer, d.byteOffset, d.length) : new Uint32Array(d.buffer, d.byteOffset, d.length * 2);
  return Array.from(view, (x) => x.toString(16)).join(",");
}

type Make = (ps: Tensor[]) => optim.Optimizer;

function run(make: Make, dtype: DType, special: boolean, fused: boolean): { params: string[]; state: string[]; versions: number[] } {
  fusedOptimizers.enabled = fused;
  try {
    const shapes = [[5, 7], [13], [3, 1, 4]];
    const ps = shapes.map((sh, k) => torch.tensor(values(sh.reduce((a, b) => a * b, 1), 17 + k, special), { dtype }).reshape(sh).requires_grad_());
    const opt = make(ps);
    for (let step = 0; step < 4; step++) {
      ps.forEach((p, k) => (p.grad = torch.tensor(values(p.numel(), 100 * step + k, special), { dtype }).reshape(p._shape)));
      opt.step();
    }
    const state: string[] = [];
    for (const p of ps) for (const [k, v] of Object.entries(opt.state.get(p) ?? {})) state.push(`${k}=${v instanceof torch.Tensor ? bits(v) + "@" + v._version : v}`);
    return { params: ps.map(bits), state, versions: ps.map((p) => p._version) };
  } finally {
    fusedOptimizers.enabled = true;
  }
}

const CONFIGS: [string, Make][] = [
  ["SGD lr 0.1", (ps) => new optim.SGD(ps, { lr: 0.1 })],
  ["SGD lr 0", (ps) => new optim.SGD(ps, { lr: 0 })],
  ["SGD wd, maximize", (ps) => new optim.SGD(ps, { lr: 0.05, weight_decay: 0.3, maximize: true })],
  ["SGD momentum, dampening", (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.25 })],
  ["SGD momentum 1", (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 1 })],
  ["SGD nesterov, wd", (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.7, nesterov: true, weight_decay: 1e-2 })],
  ["SGD momentum, maximize", (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, maximize: true })],
  ["SGD nesterov, wd, maximize", (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.5, nesterov: true, weight_decay: 0.2, maximize: true })],
  ["Adam", (ps) => new optim.Adam(ps, { lr: 1e-2 })],
  ["Adam wd, amsgrad", (ps) => new optim.Adam(ps, { lr: 1e-2, weight_decay: 0.1, amsgrad: true })],
  ["Adam maximize, beta1 0.3", (ps) => new optim.Adam(ps, { lr: 3e-3, betas: [0.3, 0.99], maximize: true })],
  ["Adam beta1 0, beta2 0", (ps) => new optim.Adam(ps, { lr: 3e-3, betas: [0, 0] })],
  ["AdamW", (ps) => new optim.AdamW(ps, { lr: 1e-3 })],
  ["AdamW wd 0, eps 1", (ps) => new optim.AdamW(ps, { lr: 1e-3, weight_decay: 0, eps: 1 })],
  ["AdamW amsgrad, lr 0", (ps) => new optim.AdamW(ps, { lr: 0, amsgrad: true })],
];

for (const [name, make] of CONFIGS) {
  for (const dtype of [torch.float32, torch.float64]) {
    for (const special of [false, true]) {
      test(`fused ${name} (${dtype.name}${special ? ", special values" : ""}) equals the op-by-op update bit for bit`, () => {
        const ref = run(make, dtype, special, false);
        const got = run(make, dtype, special, true);
        assert.deepEqual(got.params, ref.params);
        assert.deepEqual(got.state, ref.state);
        assert.deepEqual(got.versions, ref.versions);
      });
    }
  }
}

test("parameters that cannot be walked flat take the op-by-op path with the same result", () => {
  // a transposed parameter: its grad follows its strides, the state too; not contiguous
  const make = () => {
    const p = torch.tensor(values(12, 3, false)).reshape([3, 4]).t().detach().requires_grad_();
    return p;
  };
  const a = make(), b = make();
  const oa = new optim.AdamW([a], { lr: 0.01 });
  fusedOptimizers.enabled = false;
  const ob = new optim.AdamW([b], { lr: 0.01 });
  try {
    for (let s = 0; s < 3; s++) {
      const g = torch.tensor(values(12, 50 + s, false)).reshape([4, 3]);
      a.grad = g.clone();
      b.grad = g.clone();
      fusedOptimizers.enabled = true;
      oa.step();
      fusedOptimizers.enabled = false;
      ob.step();
    }
  } finally {
    fusedOptimizers.enabled = true;
  }
  assert.equal(bits(a.contiguous()), bits(b.contiguous()));
  assert.equal(a._version, b._version);
});
