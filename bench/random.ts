// torch.randn / rand / randint / F.dropout on 1M float32 elements, one thread, best of trials:
//   node --import tsx bench/random.ts          (TORCHLETTE_BACKEND=js for the TypeScript loops)
// PyTorch's numbers: /work/.venv-oracle/bin/python bench/random_torch.py
import torch from "../src/index.js";

const N = 1 << 20;
const F = (torch as unknown as { nn: { functional: { dropout: (x: unknown, p: number, training: boolean) => unknown } } }).nn.functional;
torch.set_num_threads(1);
const x = torch.ones(N);
const cases: [string, () => unknown][] = [
  ["randn", () => torch.randn(N)],
  ["rand", () => torch.rand(N)],
  ["randint", () => torch.randint(0, 10, [N])],
  ["dropout", () => F.dropout(x, 0.5, true)],
];
for (const [name, f] of cases) {
  let best = Infinity;
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${name.padEnd(8)} ${best.toFixed(2)} ms`);
}
