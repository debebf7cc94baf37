// The allocator (src/storage.ts) and the engine's taking over of gradients (AccumulateGrad
// stealing, src/autograd/engine.ts): no two live allocations share memory, zero-filled memory
// is zero, size classes waste little, and stolen gradients alias nothing and give the same
// numbers as copies.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/tensor.js";
import { allocArray, allocate, allocStats, classBytes, classId, SLAB_MAX, SLOTS } from "../src/storage.js";
import { recycleGradients, stealGradients } from "../src/autograd/engine.js";

test("size classes cover every request from 65 bytes to SLAB_MAX with at most 25% + 64 bytes of slack", () => {
  let prevId = 0;
  for (let b = 65; b <= SLAB_MAX; b++) {
    const id = classId(b);
    const size = classBytes(id);
    assert.ok(size >= b, `${b} bytes -> class ${id} of ${size}`);
    assert.ok(size <= 1.25 * b + 64, `${b} bytes -> class ${id} of ${size}`);
    assert.equal(size % 64, 0);
    assert.ok(id >= prevId && id <= 40);
    prevId = id;
  }
  assert.equal(classBytes(classId(SLAB_MAX)), SLAB_MAX);
});

test("allocations never overlap, are 64-byte aligned in their slab, and zero-filled when asked", () => {
  const kept: { a: ArrayBufferView; dtype: string }[] = [];
  const dtypes = [torch.float32, torch.float64, torch.int64, torch.uint8, torch.bool, torch.int32];
  let seed = 7;
  for (let i = 0; i < 3000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const dt = dtypes[seed % dtypes.length];
    const n = 1 + ((seed >>> 8) % (i % 10 === 0 ? 20000 : 600));
    const a = allocArray(dt, n, i % 2 === 0);
    assert.equal((a as { length: number }).length, n);
    if (i % 2 === 0) assert.ok(Array.prototype.every.call(a, (x: number) => x === 0), `allocation ${i} not zeroed`);
    else (a as unknown as { fill(v: number): void }).fill(i % 256); // dirty it: a later zeroed one must not see this
    if (a.byteLength <= SLAB_MAX) assert.equal(a.byteOffset % 64, 0);
    kept.push({ a, dtype: dt.name });
  }
  // per buffer, the byte ranges are disjoint
  const byBuffer = new Map<ArrayBufferLike, [number, number][]>();
  for (const { a } of kept) {
    const r = byBuffer.get(a.buffer) ?? [];
    r.push([a.byteOffset, a.byteOffset + a.byteLength]);
    byBuffer.set(a.buffer, r);
  }
  for (const ranges of byBuffer.values()) {
    ranges.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] >= ranges[i - 1][1], "two live allocations overlap");
    assert.ok(ranges.length <= Math.max(SLOTS, 64));
  }
});

test("tensors from the allocator behave: views share storage and version, fresh tensors are zero", () => {
  const before = allocStats.carved;
  const x = torch.zeros([32, 27]);
  assert.ok(allocStats.carved > before, "a [32, 27] tensor comes from a slab");
  const v = x.view(27, 32);
  assert.equal(v._storage, x._storage);
  x.add_(1);
  assert.equal(v._version, x._version);
  assert.equal(v.sum().item(), 864);
  const y = x.mul(2);
  const [xd, yd] = [x._storage.data, y._storage.data];
  assert.ok(xd.buffer !== yd.buffer || xd.byteOffset + xd.byteLength <= yd.byteOffset || yd.byteOffset + yd.byteLength <= xd.byteOffset);
  assert.equal(allocate(torch.float32, 100).version, 0);
  const e = torch.empty([50, 50]);
  assert.equal(e.abs().sum().item(), 0);
});

// ---- gradient stealing ----

function graphs(): [string, () => { leaves: Tensor[]; loss: Tensor }][] {
  const leaf = (shape: number[], seed: number): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return torch.tensor(Array.from({ length: n }, (_, i) => Math.sin(seed * 7 + i * 1.3))).reshape(shape).requires_grad_();
  };
  return [
    ["mul chain", () => {
      const a = leaf([4, 5], 1);
      return { leaves: [a], loss: a.mul(2).mul(a).sum() };
    }],
    ["shared add (AddBackward returns one tensor twice)", () => {
      const a = leaf([3, 4], 2), b = leaf([3, 4], 3);
      return { leaves: [a, b], loss: a.add(b).mul(3).sum() };
    }],
    ["leaf used twice through identity-gradient nodes", () => {
      const a = leaf([6], 4);
      const u = a.frac(), v = a.frac().mul(3);
      return { leaves: [a], loss: u.add(v).mul(2).add(a.mul(5)).sum() };
    }],
    ["MLP", () => {
      const x = torch.tensor(Array.from({ length: 40 }, (_, i) => Math.cos(i))).reshape([8, 5]);
      const W1 = leaf([5, 7], 5), b1 = leaf([7], 6), W2 = leaf([7, 3], 7), b2 = leaf([3], 8);
      const h = x.matmul(W1).add(b1).tanh();
      const loss = torch.nn.functional.cross_entropy(h.matmul(W2).add(b2), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1]));
      return { leaves: [W1, b1, W2, b2], loss };
    }],
    ["transposed leaf (gradient layout contract)", () => {
      const a = torch.tensor(Array.from({ length: 12 }, (_, i) => i / 7)).reshape([3, 4]).t().detach().requires_grad_();
      return { leaves: [a], loss: a.mul(a).sum() };
    }],
    ["views of one gradient to several leaves", () => {
      const a = leaf([2, 3], 9), b = leaf([2, 3], 10);
      const c = torch.cat([a, b]).mul(2);
      return { leaves: [a, b], loss: c.mul(c).sum() };
    }],
  ];
}

function gradBits(t: Tensor): string {
  const g = t.grad!;
  return JSON.stringify([g._shape, g.stride(), Array.from(g.contiguous()._values())]);
}

for (const [name, make] of graphs()) {
  test(`stolen gradients equal copied ones and alias nothing: ${name}`, () => {
    const run = (steal: boolean, twice: boolean) => {
      stealGradients.enabled = steal;
      try {
        const { leaves, loss } = make();
        loss.backward({ retain_graph: twice });
        if (twice) loss.backward();
        return leaves;
      } finally {
        stealGradients.enabled = true;
      }
    };
    for (const twice of [false, true]) {
      const ref = run(false, twice), got = run(true, twice);
      assert.deepEqual(got.map(gradBits), ref.map(gradBits));
      // every leaf's .grad has a storage of its own, and writing to it leaves the others alone
      const storages = new Set(got.map((t) => t.grad!._storage));
      assert.equal(storages.size, got.length);
      got[0].grad!.fill_(123);
      assert.deepEqual(got.slice(1).map(gradBits), ref.slice(1).map(gradBits));
    }
  });
}

test("a gradient a hook kept is not taken over by a leaf", () => {
  const a = torch.tensor([0.5, 1.5, 2.5]).requires_grad_();
  const y = a.frac(); // FracBackward0 passes its gradient through as is
  const kept: Tensor[] = [];
  y.register_hook((g) => {
    const t = g.mul(2);
    kept.push(t);
    return t;
  });
  y.sum().backward();
  assert.deepEqual(Array.from(a.grad!._values()), [2, 2, 2]);
  assert.notEqual(a.grad!._storage, kept[0]._storage);
  kept[0].fill_(-1);
  assert.deepEqual(Array.from(a.grad!._values()), [2, 2, 2]);
});

test("a retained non-leaf gradient and the leaf's are separate tensors", () => {
  const a = torch.tensor([1, 2, 3], { dtype: torch.float32 }).requires_grad_();
  const y = a.mul(2);
  y.retain_grad();
  y.mul(y).sum().backward();
  assert.notEqual(a.grad!._storage, y.grad!._storage);
  assert.deepEqual(Array.from(a.grad!._values()), [8, 16, 24]);
  assert.deepEqual(Array.from(y.grad!._values()), [4, 8, 12]);
});

test("random graphs with shared subexpressions: the same gradients with and without stealing", () => {
  // leaves used several times, identity-gradient nodes (frac, add) that pass one gradient
  // tensor on to several consumers: the cases where a stolen gradient could still be pending
  let seed = 1;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const build = (steal: boolean, s0: number): string => {
    seed = s0;
    stealGradients.enabled = steal;
    try {
      const leaves = [0, 1].map((k) => torch.tensor([0.3 + k, 1.7, -2.2]).requires_grad_());
      const pool: Tensor[] = [...leaves];
      for (let i = 0; i < 7; i++) {
        const a = pool[Math.floor(rnd() * pool.length)], b = pool[Math.floor(rnd() * pool.length)];
        const op = Math.floor(rnd() * 4);
        pool.push(op === 0 ? a.add(b) : op === 1 ? a.mul(b) : op === 2 ? a.frac() : a.mul(2));
      }
      let loss = pool[pool.length - 1];
      for (let i = 2; i < pool.length - 1; i++) if (rnd() < 0.5) loss = loss.add(pool[i]);
      loss.sum().backward();
      return leaves.map((l) => (l.grad ? Array.from(l.grad._values()).join(",") : "none")).join(" | ");
    } finally {
      stealGradients.enabled = true;
    }
  };
  for (let s = 1; s <= 800; s++) assert.equal(build(true, s), build(false, s), `graph ${s}`);
});

test("large tensors (own buffers, recycled by the engine): the same gradients with and without recycling, hooks and retained gradients intact", () => {
  // [130, 130] float32 = 67.6 KB: above SLAB_MAX, so the gradients made during backward have
  // buffers of their own and go back to the pool once consumed
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const before = allocStats.recycled;
  const build = (recycle: boolean, s0: number): string => {
    seed = s0;
    recycleGradients.enabled = recycle;
    try {
      const base = torch.arange(130 * 130, { dtype: torch.float32 }).reshape([130, 130]).mul(0.001);
      const leaves = [0, 1].map((k) => base.add(k).sin().detach().requires_grad_());
      const pool: Tensor[] = [...leaves];
      const kept: Tensor[] = [];
      const retained: Tensor[] = [];
      for (let i = 0; i < 9; i++) {
        const a = pool[Math.floor(rnd() * pool.length)], b = pool[Math.floor(rnd() * pool.length)];
        const op = Math.floor(rnd() * 7);
        const t =
          op === 0 ? a.add(b) : op === 1 ? a.mul(b) : op === 2 ? a.frac() : op === 3 ? a.mul(2)
          : op === 4 ? a.t().contiguous().mul(0.5) : op === 5 ? a.matmul(b).mul(0.01) : a.tanh();
        if (rnd() < 0.15) t.register_hook((g: Tensor) => void kept.push(g));
        if (rnd() < 0.15) {
          t.retain_grad();
          retained.push(t);
        }
        pool.push(t);
      }
      let loss = pool[pool.length - 1];
      for (let i = 2; i < pool.length - 1; i++) if (rnd() < 0.5) loss = loss.add(pool[i]);
      loss.sum().backward();
      const sig = (t: Tensor | null) => (t ? `${t.numel()}:${t.sum().item()}:${t.abs().max().item()}` : "none");
      // every tensor a user can reach still has its memory
      for (const t of [...kept, ...retained.map((r) => r.grad), ...leaves.map((l) => l.grad)].filter((g) => g !== null)) {
        // (an expanded gradient has stride 0: its storage may be shorter than numel)
        const top = t!._shape.reduce((acc, n, d) => acc + (n - 1) * t!._strides[d], t!._offset);
        assert.ok(t!.numel() === 0 || top < t!._storage.data.length, "a reachable gradient lost its memory");
      }
      return [...leaves.map((l) => sig(l.grad)), ...kept.map(sig), ...retained.map((r) => sig(r.grad))].join(" | ");
    } finally {
      recycleGradients.enabled = true;
    }
  };
  for (let s = 1; s <= 120; s++) assert.equal(build(true, s), build(false, s), `graph ${s}`);
  assert.ok(allocStats.recycled > before, "the graphs exercised the pool");
});

test("the addon keeps freed memory mapped (glibc mallopt) unless the user chose malloc settings", { skip: process.env.TORCHLETTE_BACKEND === "js" || process.platform !== "linux" ? "native addon on Linux only" : false }, async () => {
  const { spawnSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const addon = fileURLToPath(new URL("../build/Release/torchlette_native.node", import.meta.url));
  // glibc's own settings must stay as the user set them; the check runs in fresh processes
  const tuned = (env: Record<string, string>): string => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MALLOC_") && k !== "GLIBC_TUNABLES" && k !== "TORCHLETTE_MALLOPT"));
    const r = spawnSync(process.execPath, ["-e", `process.stdout.write(String(require(${JSON.stringify(addon)}).malloc_tuned()))`], { env: { ...clean, ...env }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime !== undefined;
  assert.equal(tuned({}), String(glibc));
  const userChose = Object.keys(process.env).some((k) => k.startsWith("MALLOC_") || k === "GLIBC_TUNABLES") || process.env.TORCHLETTE_MALLOPT === "0";
  assert.equal(torch.backends.native.malloc_tuned(), glibc && !userChose);
  assert.equal(tuned({ TORCHLETTE_MALLOPT: "0" }), "false");
  assert.equal(tuned({ MALLOC_TOP_PAD_: "0" }), "false");
  assert.equal(tuned({ GLIBC_TUNABLES: "glibc.malloc.trim_threshold=131072" }), "false");
});

test("a storage whose array is replaced passes the new array's buffer to the native kernels", () => {
  const x = torch.ones([4, 4]);
  const s = x._storage;
  const old = s.buf;
  const fresh = new Float32Array(64).fill(2);
  s.data = fresh.subarray(16, 32);
  assert.notEqual(s.buf, old);
  assert.equal(s.buf, fresh.buffer);
  assert.equal(s.base, 16);
  const y = x.add(x); // the flat native entry reads x through (buf, base)
  assert.deepEqual([...y._storage.data], new Array(16).fill(4));
});
