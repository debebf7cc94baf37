// The benchmarked workloads on the torchlette side; bench/pytorch_bench.py has the same ones in
// PyTorch, written the same way (same shapes, same ops, same optimizer settings).
//   add       torch.add on two [32, 27] float32 tensors (the per-op overhead floor)
//   add_grad  the same with requires_grad (one AddBackward0 node recorded)
//   mlp       makemore's MLP training step: a minibatch of 32 contexts of 3 characters drawn with
//             randint, embedding [27, 10] -> [32, 30] @ W1 [30, 200] + b1 -> tanh -> @ W2 [200, 27]
//             + b2 -> cross_entropy, zero_grad, backward, optim.SGD(lr 0.1) step
//   gpt       the lecture's char-GPT (examples/gpt.ts: per-head Linear layers, LayerNorm, ReLU MLP)
//             training step: a batch of random windows of a random token stream, forward with
//             cross_entropy, zero_grad, backward, optim.AdamW(lr 1e-3) step
import * as torch from "../src/index.js";
import { nn, optim } from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { GPTLanguageModel, type GPTConfig } from "../examples/gpt.js";

const F = nn.functional;

export interface GptShape {
  vocab: number;
  block: number;
  batch: number;
  n_embd: number;
  n_head: number;
  n_layer: number;
}
/** the char-GPT: 4 layers, 128 wide, 4 heads, context 64, batch 16, tinyshakespeare's 65 characters */
export const GPT_SHAPE: GptShape = { vocab: 65, block: 64, batch: 16, n_embd: 128, n_head: 4, n_layer: 4 };

export function addCase(grad: boolean): () => Tensor {
  const a = torch.randn([32, 27], { requires_grad: grad });
  const b = torch.randn([32, 27], { requires_grad: grad });
  return () => torch.add(a, b);
}

export interface MlpStep {
  step: () => Tensor;
  params: Tensor[];
}

export function mlpCase(): MlpStep {
  const g = new torch.Generator().manual_seed(2147483647);
  const N = 200000;
  const Xtr = torch.randint(0, 27, [N, 3], { generator: g });
  const Ytr = torch.randint(0, 27, [N], { generator: g });
  const C = torch.randn([27, 10], { generator: g });
  const W1 = torch.randn([30, 200], { generator: g }).mul(5 / 3).div(30 ** 0.5);
  const b1 = torch.randn(200, { generator: g }).mul(0.01);
  const W2 = torch.randn([200, 27], { generator: g }).mul(0.01);
  const b2 = torch.randn(27, { generator: g }).mul(0);
  const params = [C, W1, b1, W2, b2];
  for (const p of params) p.requires_grad_(true);
  const opt = new optim.SGD(params, { lr: 0.1 });
  const step = (): Tensor => {
    const ix = torch.randint(0, N, [32], { generator: g });
    const Xb = Xtr.get(ix), Yb = Ytr.get(ix);
    const emb = C.get(Xb);
    const h = torch.tanh(emb.view(emb.shape[0], -1).matmul(W1).add(b1));
    const logits = h.matmul(W2).add(b2);
    const loss = F.cross_entropy(logits, Yb);
    opt.zero_grad(true);
    loss.backward();
    opt.step();
    return loss;
  };
  return { step, params };
}

export interface GptStep {
  step: () => Tensor;
  model: GPTLanguageModel;
}

export function gptCase(s: GptShape = GPT_SHAPE): GptStep {
  torch.manual_seed(1337);
  const cfg: GPTConfig = { vocab_size: s.vocab, n_embd: s.n_embd, n_head: s.n_head, n_layer: s.n_layer, block_size: s.block, dropout: 0 };
  const model = new GPTLanguageModel(cfg);
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
  const data = torch.randint(0, s.vocab, [100000]);
  const T = s.block;
  const step = (): Tensor => {
    const ix = torch.randint(data.shape[0] - T, [s.batch]).tolist() as number[];
    const x = torch.stack(ix.map((i) => data.get(`${i}:${i + T}`)));
    const y = torch.stack(ix.map((i) => data.get(`${i + 1}:${i + T + 1}`)));
    const [, loss] = model.forward(x, y);
    opt.zero_grad(true);
    loss!.backward();
    opt.step();
    return loss!;
  };
  return { step, model };
}

/**
 * The GPT scripts' command line, `[threads=1] [exact|fma] [steps]`: sets the thread count and
 * the matmul mode, builds the step (gptCase) and runs three warm-up steps.
 */
export function gptFromArgv(defaultSteps: number): { step: () => Tensor; threads: number; mode: string; steps: number } {
  const threads = Number(process.argv[2] ?? 1);
  const mode = process.argv[3] ?? "exact";
  const steps = Number(process.argv[4] ?? defaultSteps);
  torch.set_num_threads(threads);
  torch.backends.native.exact_matmul = mode === "exact";
  const { step } = gptCase();
  for (let i = 0; i < 3; i++) step();
  return { step, threads, mode, steps };
}
