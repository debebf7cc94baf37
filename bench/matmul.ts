// torchlette native sgemm vs PyTorch (MKL) on the same machine, in the same run.
//   node --import tsx bench/matmul.ts [--quick]
// PyTorch runs in a helper process through /work/.venv-oracle/bin/python or
// $TORCHLETTE_PYTHON (skipped with a message when neither works). Both sides use the same
// protocol: float32 C = A @ B into a preallocated C, best of short trials. Measurements
// alternate between the two sides round after round, so that the drift of this VM's speed
// and other processes on its two cores hit both alike; the best trial is the least disturbed.
// Also times the makemore MLP's products (forward and the transposed backward ones) per call.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { native, nativeUnavailableReason, sgemm } from "../src/backend/native.js";

const quick = process.argv.includes("--quick");
const SIZES = [64, 256, 512, 1024, 2048];
const THREADS = [1, 2];
const ROUNDS = quick ? 2 : 4;
const TRIAL_S = 0.01; // one trial
const ROUND_S = quick ? 0.06 : 0.12; // per (case, side, round)

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

interface Case {
  key: string;
  M: number;
  N: number;
  K: number;
  ta: boolean;
  tb: boolean;
  threads: number;
  exact?: boolean; // ours only: the sequential FMA-free sums of torch 1.13 (no PyTorch run)
}
const SQUARE: Case[] = SIZES.flatMap((n) => THREADS.map((t) => ({ key: `${n}/${t}`, M: n, N: n, K: n, ta: false, tb: false, threads: t })));
const EXACT: Case[] = SIZES.map((n) => ({ key: `${n}/1/exact`, M: n, N: n, K: n, ta: false, tb: false, threads: 1, exact: true }));
const MLPC: Case[] = MLP.map(([key, M, N, K, ta, tb]) => ({ key, M, N, K, ta, tb, threads: 1 }));
const CASES: Case[] = [...SQUARE, ...EXACT, ...MLPC];

/** Best seconds per call over trials of ~TRIAL_S for about budget seconds. */
function bestSeconds(run: () => void, flop: number, budget: number): number {
  run();
  const reps = Math.max(1, Math.round((TRIAL_S * 150e9) / Math.max(flop, 1)));
  let best = Infinity;
  const deadline = performance.now() + budget * 1000;
  for (let trials = 0; trials < 2 || (performance.now() < deadline && trials < 500); trials++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

const ourRuns = new Map<string, () => void>();
function ourRun(c: Case): () => void {
  let f = ourRuns.get(c.key);
  if (!f) {
    const { M, N, K, ta, tb } = c;
    const A = Float32Array.from({ length: M * K }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const B = Float32Array.from({ length: K * N }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
    const C = new Float32Array(M * N);
    const [ars, acs] = ta ? [1, M] : [K, 1];
    const [brs, bcs] = tb ? [1, K] : [N, 1];
    const exact = c.exact ?? false;
    f = () => sgemm(1, M, N, K, A, 0, 0, ars, acs, B, 0, 0, brs, bcs, C, 0, 0, N, 0, exact);
    ourRuns.set(c.key, f);
  }
  return f;
}

const PY = String.raw`
import json, sys, time, torch
trial_s = float(sys.argv[1]); cache = {}
def best(run, flop, budget):
    run()
    reps = max(1, round(trial_s * 150e9 / max(flop, 1)))
    b = float("inf"); trials = 0; deadline = time.perf_counter() + budget
    while trials < 2 or (time.perf_counter() < deadline and trials < 500):
        t0 = time.perf_counter()
        for _ in range(reps): run()
        b = min(b, (time.perf_counter() - t0) / reps); trials += 1
    return b
print(json.dumps({"version": torch.__version__}), flush=True)
for line in sys.stdin:
    c = json.loads(line)
    key = c["key"]
    if key not in cache:
        M, N, K = c["M"], c["N"], c["K"]
        a = (torch.rand(K, M).t() if c["ta"] else torch.rand(M, K)) - 0.5
        b = (torch.rand(N, K).t() if c["tb"] else torch.rand(K, N)) - 0.5
        cache[key] = (a, b, torch.empty(M, N))
    a, b, out = cache[key]
    torch.set_num_threads(c["threads"])
    s = best(lambda: torch.mm(a, b, out=out), 2 * c["M"] * c["N"] * c["K"], c["budget"])
    print(json.dumps({"s": s}), flush=True)
`;

class Torch {
  private lines: AsyncIterableIterator<string>;
  private constructor(private proc: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }
  static async start(): Promise<{ torch: Torch; version: string } | string> {
    const py = process.env.TORCHLETTE_PYTHON ?? "/work/.venv-oracle/bin/python";
    if (!existsSync(py)) return `PyTorch skipped: ${py} not found (set TORCHLETTE_PYTHON)`;
    const proc = spawn(py, ["-c", PY, String(TRIAL_S)]);
    let err = "";
    proc.stderr.on("data", (d) => (err += d));
    const t = new Torch(proc);
    const first = await t.lines.next();
    if (first.done) return `PyTorch skipped: ${err.trim().split("\n").pop() ?? "no output"}`;
    return { torch: t, version: JSON.parse(first.value).version };
  }
  async seconds(c: Case, budget: number): Promise<number> {
    this.proc.stdin.write(JSON.stringify({ ...c, budget }) + "\n");
    const r = await this.lines.next();
    if (r.done) throw new Error("PyTorch helper exited");
    return JSON.parse(r.value).s;
  }
  stop(): void {
    this.proc.stdin.end();
  }
}

async function main(): Promise<void> {
  if (native === null) {
    console.log(`native backend unavailable: ${nativeUnavailableReason}`);
    process.exitCode = 1;
    return;
  }
  const nat = native;
  const blk = nat.blocking("float32");
  console.log(
    `torchlette native sgemm: kernels=${nat.isa()} MRxNR=${blk.MR}x${blk.NR} MC=${blk.MC} KC=${blk.KC} NC=${blk.NC}, ` +
      `default threads=${nat.default_num_threads()}`,
  );
  const t0 = performance.now();
  const started = await Torch.start();
  const torch = typeof started === "string" ? null : started.torch;
  console.log(typeof started === "string" ? started : `PyTorch ${started.version} (torch.mm with out=)`);
  const threads0 = nat.get_num_threads();
  const ours = new Map<string, number>(), theirs = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of CASES) {
      const flop = 2 * c.M * c.N * c.K;
      nat.set_num_threads(c.threads);
      const s = bestSeconds(ourRun(c), flop, ROUND_S);
      ours.set(c.key, Math.min(ours.get(c.key) ?? Infinity, s));
      if (torch && !c.exact) theirs.set(c.key, Math.min(theirs.get(c.key) ?? Infinity, await torch.seconds(c, ROUND_S)));
    }
  }
  nat.set_num_threads(threads0);
  torch?.stop();

  const pad = (s: string | number, w: number) => String(s).padStart(w);
  console.log(`\n${pad("n", 5)} ${pad("threads", 7)} ${pad("torchlette GFLOP/s", 19)} ${pad("PyTorch GFLOP/s", 16)} ${pad("ratio", 6)}`);
  for (const c of SQUARE) {
    const flop = 2 * c.M ** 3;
    const a = flop / ours.get(c.key)! / 1e9;
    const tb = theirs.get(c.key);
    const b = tb === undefined ? undefined : flop / tb / 1e9;
    console.log(
      `${pad(c.M, 5)} ${pad(c.threads, 7)} ${pad(a.toFixed(1), 19)} ${pad(b ? b.toFixed(1) : "-", 16)} ${pad(b ? (a / b).toFixed(2) : "-", 6)}`,
    );
  }
  console.log(`\nexact mode (sequential sums without FMA, torch 1.13's numbers bit for bit), 1 thread:`);
  for (const c of EXACT) {
    const a = (2 * c.M ** 3) / ours.get(c.key)! / 1e9;
    const tb = theirs.get(`${c.M}/1`);
    const b = tb === undefined ? undefined : (2 * c.M ** 3) / tb / 1e9;
    console.log(`${pad(c.M, 5)} ${pad(1, 7)} ${pad(a.toFixed(1), 19)} ${pad(b ? b.toFixed(1) : "-", 16)} ${pad(b ? (a / b).toFixed(2) : "-", 6)}`);
  }
  console.log(`\nmakemore MLP products, 1 thread, microseconds per call (torchlette's include the argument checks):`);
  console.log(`${"".padEnd(38)} ${pad("torchlette", 10)} ${pad("PyTorch", 8)} ${pad("ratio", 6)}`);
  for (const c of MLPC) {
    const a = ours.get(c.key)! * 1e6;
    const tb = theirs.get(c.key);
    const b = tb === undefined ? undefined : tb * 1e6;
    console.log(`${c.key.padEnd(38)} ${pad(a.toFixed(2), 10)} ${pad(b ? b.toFixed(2) : "-", 8)} ${pad(b ? (b / a).toFixed(2) : "-", 6)}`);
  }
  console.log(`\n(ratio > 1: torchlette faster) total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
