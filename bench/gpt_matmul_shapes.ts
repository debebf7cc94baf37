// The float32 products of one char-GPT training step (bench/workloads.ts gptCase: 4 layers,
// n_embd 128, 4 heads of 32, block 64, batch 16, vocab 65, per-head nn.Linear), with the
// shapes and strides that backend.matmul receives (traced from the step), timed per call.
//   node --import tsx bench/gpt_matmul_shapes.ts [--threads 1,2] [--modes exact,fma] [--trials 7] [--only SUBSTR]
// Two timings per product: `mm` is torch.matmul (allocates its output, as the step does: a
// fresh Float32Array of up to 2 MiB whose pages the kernel faults in), `into` is nativeMatmul
// into a reused output (the kernel alone plus the wrapper's checks). Each is reported as the
// median and the minimum over trials (this VM's 2 cores are shared: minimums are the least
// disturbed, medians the typical). The last line weights each product by its calls per step.
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { nativeMatmul, native } from "../src/backend/native.js";

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const THREADS = arg("threads", "1,2").split(",").map(Number);
const MODES = arg("modes", "exact,fma").split(",");
const TRIALS = Number(arg("trials", "7"));
const ONLY = arg("only", "");
const TRIAL_MS = Number(arg("trial-ms", "8"));

/** [calls per step, A shape, A strides, B shape, B strides] */
type Shape = [number, number[], number[], number[], number[]];
const SHAPES: Shape[] = [
  [48, [1024, 32], [32, 1], [32, 128], [128, 1]], //           dx of a head's q/k/v: g @ W
  [48, [128, 1024], [1, 128], [1024, 32], [32, 1]], //        dW of a head's q/k/v: x^T @ g
  [48, [1024, 128], [128, 1], [128, 32], [1, 128]], //        a head's q/k/v: x @ W^T
  [4, [512, 1024], [1, 512], [1024, 128], [128, 1]], //       dW2 of the MLP
  [4, [1024, 128], [128, 1], [128, 512], [512, 1]], //        dx of the MLP's 2nd layer
  [4, [128, 1024], [1, 128], [1024, 512], [512, 1]], //       dW1 of the MLP
  [4, [1024, 128], [128, 1], [128, 512], [1, 128]], //        MLP layer 1 forward
  [4, [1024, 512], [512, 1], [512, 128], [1, 512]], //        MLP layer 2 forward
  [4, [1024, 512], [512, 1], [512, 128], [128, 1]], //        dx of the MLP's 1st layer
  [4, [128, 1024], [1, 128], [1024, 128], [128, 1]], //       dW of the projection
  [4, [1024, 128], [128, 1], [128, 128], [1, 128]], //        projection forward
  [4, [1024, 128], [128, 1], [128, 128], [128, 1]], //        dx of the projection
  [32, [16, 64, 64], [4096, 64, 1], [16, 64, 32], [2048, 32, 1]], //       wei @ v, d(wei) = g @ v^T's partner
  [16, [16, 64, 32], [8192, 128, 1], [16, 32, 64], [2048, 1, 32]], //      q @ k^T (q a slice of the cat)
  [16, [16, 64, 64], [4096, 1, 64], [16, 64, 32], [8192, 128, 1]], //     wei^T @ g (g a slice)
  [16, [16, 32, 64], [2048, 1, 32], [16, 64, 64], [4096, 64, 1]], //      q^T-side backward
  [16, [16, 64, 32], [2048, 32, 1], [16, 32, 64], [2048, 1, 32]], //      g @ k^T-side backward
  [1, [128, 1024], [1, 128], [1024, 65], [65, 1]], //         dW of lm_head
  [1, [1024, 128], [128, 1], [128, 65], [1, 128]], //         lm_head forward
  [1, [1024, 65], [65, 1], [65, 128], [128, 1]], //           dx of lm_head
];

function span(shape: number[], strides: number[]): number {
  return 1 + shape.reduce((s, n, d) => s + (n - 1) * strides[d], 0);
}
function operand(shape: number[], strides: number[]): Tensor {
  return torch.as_strided(torch.randn([span(shape, strides)]), shape, strides);
}
const fmt = (s: number[], st: number[]): string => `[${s}]` + (st.join() === torch.empty(s).stride().join() ? "" : `(${st})`);

interface Row {
  name: string;
  calls: number;
  flop: number;
  res: Map<string, { mm: number[]; into: number[] }>;
}

function time(run: () => void, flop: number): number {
  const reps = Math.max(1, Math.round((TRIAL_MS * 1e-3 * 60e9) / flop));
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) run();
  return (performance.now() - t0) / reps / 1000;
}

const med = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
};

if (native === null) throw new Error("native addon not loaded");
const rows: Row[] = [];
for (const [calls, as, ast, bs, bst] of SHAPES) {
  const name = `${fmt(as, ast)}@${fmt(bs, bst)}`;
  if (ONLY && !name.includes(ONLY)) continue;
  const a = operand(as, ast), b = operand(bs, bst);
  const nd = as.length;
  const M = as[nd - 2], K = as[nd - 1], N = bs[nd - 1];
  const batch = nd === 3 ? as[0] : 1;
  const out = torch.empty(nd === 3 ? [batch, M, N] : [M, N]);
  rows.push({ name, calls, flop: 2 * batch * M * N * K, res: new Map() });
  const row = rows[rows.length - 1];
  for (const th of THREADS)
    for (const mode of MODES) row.res.set(`${mode}/${th}`, { mm: [], into: [] });
  for (let t = 0; t < TRIALS; t++) {
    for (const th of THREADS) {
      torch.set_num_threads(th);
      for (const mode of MODES) {
        const exact = mode === "exact";
        torch.backends.native.exact_matmul = exact;
        const r = row.res.get(`${mode}/${th}`)!;
        if (t === 0) torch.matmul(a, b), nativeMatmul(a, b, out, false, exact);
        r.mm.push(time(() => void torch.matmul(a, b), row.flop));
        r.into.push(time(() => void nativeMatmul(a, b, out, false, exact), row.flop));
      }
    }
  }
}
torch.backends.native.exact_matmul = true;

const keys = THREADS.flatMap((th) => MODES.map((m) => `${m}/${th}`));
console.log(`per call: GF/s median/min-time (µs median)  [mm = torch.matmul, into = reused output]; load ${(await import("node:os")).loadavg()[0].toFixed(2)}`);
console.log(`${"calls".padStart(5)} ${"product".padEnd(46)} ` + keys.map((k) => `${k.padStart(10)} mm      into        `).join(""));
const tot = new Map<string, { mm: number; into: number; mmMin: number; intoMin: number }>();
for (const row of rows) {
  let line = `${String(row.calls).padStart(4)}x ${row.name.padEnd(46)} `;
  for (const k of keys) {
    const r = row.res.get(k)!;
    const gf = (s: number) => (row.flop / s / 1e9).toFixed(0).padStart(3);
    line += `${gf(med(r.mm))}/${gf(Math.min(...r.mm))} (${(med(r.mm) * 1e6).toFixed(0).padStart(4)}) ${gf(med(r.into))}/${gf(Math.min(...r.into))} (${(med(r.into) * 1e6).toFixed(0).padStart(4)})  `;
    const s = tot.get(k) ?? { mm: 0, into: 0, mmMin: 0, intoMin: 0 };
    s.mm += row.calls * med(r.mm), s.into += row.calls * med(r.into);
    s.mmMin += row.calls * Math.min(...r.mm), s.intoMin += row.calls * Math.min(...r.into);
    tot.set(k, s);
  }
  console.log(line);
}
for (const k of keys) {
  const s = tot.get(k)!;
  console.log(`step total ${k}: mm ${(s.mm * 1e3).toFixed(2)} ms (min ${(s.mmMin * 1e3).toFixed(2)}), into ${(s.into * 1e3).toFixed(2)} ms (min ${(s.intoMin * 1e3).toFixed(2)})`);
}
