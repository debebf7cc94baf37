// torchlette native sgemm vs PyTorch (MKL) on the same machine, in the same run.
//   node --import tsx bench/matmul.ts [--quick]
// PyTorch runs through /work/.venv-oracle/bin/python or $TORCHLETTE_PYTHON; skipped with a
// message when neither exists. Both sides use the same protocol: square float32 products,
// C = A @ B into a preallocated C, best of many short trials (the VM's speed drifts, and
// other processes share its two cores; the best trial is the least disturbed one).
// Also times the makemore MLP's products (forward and the transposed backward ones) per call.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { native, nativeUnavailableReason, sgemm } from "../src/backend/native.js";

const quick = process.argv.includes("--quick");
const SIZES = [64, 256, 512, 1024, 2048];
const THREADS = [1, 2];
const TRIAL_S = 0.02; // one trial
const BUDGET_S = quick ? 0.15 : 0.4; // per (size, threads), per side

// [name, M, N, K, A transposed, B transposed]: the MLP of makemore part 2 (batch 32,
// 3 x 10-d embeddings -> 200 hidden -> 27 logits).
const MLP: [string, number, number, number, boolean, boolean][] = [
  ["h = emb @ W1      [32,30]@[30,200]", 32, 200, 30, false, false],
  ["logits = h @ W2   [32,200]@[200,27]", 32, 27, 200, false, false],
  ["dW2 = h^T @ dlog  [200,32]@[32,27]", 200, 27, 32, true, false],
  ["dh = dlog @ W2^T  [32,27]@[27,200]", 32, 200, 27, false, true],
  ["dW1 = emb^T @ dh  [30,32]@[32,200]", 30, 200, 32, true, false],
  ["demb = dh @ W1^T  [32,200]@[200,30]", 32, 30, 200, false, true],
];

function bestSeconds(run: () => void, flopPerCall: number): number {
  run();
  run();
  const reps = Math.max(1, Math.round((TRIAL_S * 100e9) / Math.max(flopPerCall, 1)));
  let best = Infinity;
  const deadline = performance.now() + BUDGET_S * 1000;
  let trials = 0;
  while (trials < 3 || (performance.now() < deadline && trials < 200)) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
    trials++;
  }
  return best;
}

function ours(): { square: Record<string, number>; mlp: number[] } {
  const nat = native!;
  const threads0 = nat.get_num_threads();
  const square: Record<string, number> = {};
  for (const n of SIZES) {
    const A = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const B = Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
    const C = new Float32Array(n * n);
    for (const t of THREADS) {
      nat.set_num_threads(t);
      const s = bestSeconds(() => sgemm(1, n, n, n, A, 0, 0, n, 1, B, 0, 0, n, 1, C, 0, 0, n, 0), 2 * n ** 3);
      square[`${n}/${t}`] = (2 * n ** 3) / s / 1e9;
    }
  }
  nat.set_num_threads(threads0);
  const mlp: number[] = [];
  for (const [, M, N, K, ta, tb] of MLP) {
    const A = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
    const B = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
    const C = new Float32Array(M * N);
    const [ars, acs] = ta ? [1, M] : [K, 1];
    const [brs, bcs] = tb ? [1, K] : [N, 1];
    mlp.push(bestSeconds(() => sgemm(1, M, N, K, A, 0, 0, ars, acs, B, 0, 0, brs, bcs, C, 0, 0, N, 0), 2 * M * N * K) * 1e6);
  }
  return { square, mlp };
}

const PY = String.raw`
import json, sys, time, torch
sizes, threads, trial_s, budget_s, mlp = json.loads(sys.argv[1])
def best(run, flop):
    run(); run()
    reps = max(1, round(trial_s * 100e9 / max(flop, 1)))
    b = float("inf"); trials = 0; deadline = time.perf_counter() + budget_s
    while trials < 3 or (time.perf_counter() < deadline and trials < 200):
        t0 = time.perf_counter()
        for _ in range(reps): run()
        b = min(b, (time.perf_counter() - t0) / reps); trials += 1
    return b
square = {}
g = torch.Generator().manual_seed(0)
for n in sizes:
    a = torch.rand(n, n, generator=g) - 0.5; b = torch.rand(n, n, generator=g) - 0.5; c = torch.empty(n, n)
    for t in threads:
        torch.set_num_threads(t)
        s = best(lambda: torch.mm(a, b, out=c), 2 * n**3)
        square[f"{n}/{t}"] = 2 * n**3 / s / 1e9
torch.set_num_threads(1)
out_mlp = []
for name, M, N, K, ta, tb in mlp:
    a = torch.rand(K, M).t() if ta else torch.rand(M, K)
    b = torch.rand(N, K).t() if tb else torch.rand(K, N)
    c = torch.empty(M, N)
    out_mlp.append(best(lambda: torch.mm(a, b, out=c), 2 * M * N * K) * 1e6)
print(json.dumps({"version": torch.__version__, "square": square, "mlp": out_mlp}))
`;

function pytorch(): { version: string; square: Record<string, number>; mlp: number[] } | string {
  const py = process.env.TORCHLETTE_PYTHON ?? "/work/.venv-oracle/bin/python";
  if (!existsSync(py)) return `PyTorch skipped: ${py} not found (set TORCHLETTE_PYTHON)`;
  try {
    const out = execFileSync(py, ["-c", PY, JSON.stringify([SIZES, THREADS, TRIAL_S, BUDGET_S, MLP])], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    return JSON.parse(out.trim().split("\n").pop()!);
  } catch (e) {
    return `PyTorch skipped: ${(e as Error).message.split("\n")[0]}`;
  }
}

if (native === null) {
  console.log(`native backend unavailable: ${nativeUnavailableReason}`);
  process.exit(1);
}
const blk = native.blocking("float32");
console.log(
  `torchlette native sgemm: kernels=${native.isa()} MRxNR=${blk.MR}x${blk.NR} MC=${blk.MC} KC=${blk.KC} NC=${blk.NC}, ` +
    `default threads=${native.default_num_threads()}`,
);
const t0 = performance.now();
const mine = ours();
const theirs = pytorch();
const pt = typeof theirs === "string" ? null : theirs;
if (typeof theirs === "string") console.log(theirs);
else console.log(`PyTorch ${theirs.version} (torch.mm, out=)`);

const pad = (s: string | number, w: number) => String(s).padStart(w);
console.log(`\n${pad("n", 5)} ${pad("threads", 7)} ${pad("torchlette GFLOP/s", 19)} ${pad("PyTorch GFLOP/s", 16)} ${pad("ratio", 6)}`);
for (const n of SIZES) {
  for (const t of THREADS) {
    const key = `${n}/${t}`;
    const a = mine.square[key];
    const b = pt?.square[key];
    console.log(
      `${pad(n, 5)} ${pad(t, 7)} ${pad(a.toFixed(1), 19)} ${pad(b ? b.toFixed(1) : "-", 16)} ${pad(b ? (a / b).toFixed(2) : "-", 6)}`,
    );
  }
}
console.log(`\nmakemore MLP products, 1 thread, microseconds per call (torchlette includes argument checks):`);
console.log(`${"".padEnd(38)} ${pad("torchlette", 10)} ${pad("PyTorch", 8)} ${pad("ratio", 6)}`);
MLP.forEach(([name], i) => {
  const a = mine.mlp[i];
  const b = pt?.mlp[i];
  console.log(`${name.padEnd(38)} ${pad(a.toFixed(2), 10)} ${pad(b ? b.toFixed(2) : "-", 8)} ${pad(b ? (b / a).toFixed(2) : "-", 6)}`);
});
console.log(`\n(ratio > 1: torchlette faster) total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
