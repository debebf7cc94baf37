// makemore, lecture 2 ("The spelled-out intro to language modeling"): the bigram character
// model, first by counting — N[i, j] = how often character j follows character i in
// data/names.txt — then as a one-layer neural net trained by gradient descent, which ends up at
// the same model. Ported from the lecture's notebook; with the same generator seed it samples
// the lecture's names (mor., axx., minaymoryles., kondlaisah., anchshizarie.).
//
//   node --import tsx examples/bigram.ts [--steps 100] [--samples 5]
//
// Writes the neural net's loss curve to out/bigram-loss.svg.
import { fileURLToPath, pathToFileURL } from "node:url";

import * as torch from "../src/index.js";
import { nn } from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { intArg, parseArgs } from "./lib/args.js";
import { loadWords, vocab } from "./lib/names.js";
import { writeLossCurve } from "./lib/plot.js";
import { progressBar } from "./lib/progress.js";

const F = nn.functional;

/** the bigrams of all words, '.' marking start and end: inputs xs, targets ys (int64) */
export function bigrams(words: string[], stoi: Map<string, number>): [Tensor, Tensor] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const w of words) {
    const chs = [".", ...w, "."];
    for (let k = 0; k + 1 < chs.length; k++) {
      xs.push(stoi.get(chs[k])!);
      ys.push(stoi.get(chs[k + 1])!);
    }
  }
  return [torch.tensor(xs), torch.tensor(ys)];
}

/** N[ix1, ix2] += 1 for every bigram (one accumulating index_put_ instead of a Python loop) */
export function countMatrix(xs: Tensor, ys: Tensor): Tensor {
  const N = torch.zeros([27, 27], { dtype: torch.int32 });
  N.index_put_([xs, ys], torch.ones(xs.shape[0], { dtype: torch.int32 }), true);
  return N;
}

/** model smoothing: add 1 to every count, then normalise the rows */
export function probabilities(N: Tensor): Tensor {
  const P = N.add(1).float();
  P.div_(P.sum(1, true));
  return P;
}

/** sample words from rows of probabilities: row(ix) gives the distribution of the next char */
export function sampleWords(row: (ix: number) => Tensor, itos: Map<number, string>, count: number): string[] {
  const g = new torch.Generator().manual_seed(2147483647);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    const out: string[] = [];
    let ix = 0;
    for (;;) {
      const p = row(ix);
      ix = torch.multinomial(p, { num_samples: 1, replacement: true, generator: g }).item() as number;
      out.push(itos.get(ix)!);
      if (ix === 0) break;
    }
    words.push(out.join(""));
  }
  return words;
}

/**
 * The training set's log likelihood as the lecture computes it: `log_likelihood += logprob` one
 * bigram at a time, a float32 0-dim tensor accumulating in order (here the logs are taken in
 * one op and the same float32 additions are done in that order).
 */
export function logLikelihood(P: Tensor, xs: Tensor, ys: Tensor): Tensor {
  const logprobs = P.get(xs, ys).log();
  const v = logprobs.tolist() as number[];
  let acc = 0;
  for (let i = 0; i < v.length; i++) acc = Math.fround(acc + v[i]);
  return torch.tensor(acc);
}

export interface NeuralBigram {
  W: Tensor;
  losses: number[];
}

/** the 27x27 weights drawn as the lecture does */
export function initW(): Tensor {
  const g = new torch.Generator().manual_seed(2147483647);
  return torch.randn([27, 27], { generator: g, requires_grad: true });
}

/** one gradient-descent step of the one-layer net (one-hot inputs, softmax, L2 regularisation) */
export function nnStep(W: Tensor, xs: Tensor, ys: Tensor, lr = 50): number {
  const num = xs.nelement();
  // forward pass
  const xenc = F.one_hot(xs, { num_classes: 27 }).float(); // input to the network: one-hot encoding
  const logits = xenc.matmul(W); // predict log-counts
  const counts = logits.exp(); // counts, equivalent to N
  const probs = counts.div(counts.sum(1, true)); // probabilities for next character
  const loss = probs.get(torch.arange(num), ys).log().mean().neg().add(W.pow(2).mean().mul(0.01));
  // backward pass
  W.grad = null; // set to zero the gradient
  loss.backward();
  // update
  W.data.add_(W.grad!.mul(-lr));
  return loss.item() as number;
}

function main(): void {
  const args = parseArgs();
  const steps = intArg(args, "steps", 100);
  const nSamples = intArg(args, "samples", 5);

  const words = loadWords();
  const { stoi, itos } = vocab(words);
  const [xs, ys] = bigrams(words, stoi);

  // 1. counting
  const N = countMatrix(xs, ys);
  console.log(`N: ${N.shape} ${N.dtype}, ${N.sum().item()} bigrams; N[0] (after '.'):`);
  console.log(String(N.get(0)));
  const P = probabilities(N);
  for (const w of sampleWords((ix) => P.get(ix), itos, nSamples)) console.log(w);

  // GOAL: maximize likelihood of the data w.r.t. model parameters (statistical modeling)
  // equivalent to minimizing the average negative log likelihood
  const log_likelihood = logLikelihood(P, xs, ys);
  const n = xs.nelement();
  console.log(`log_likelihood=${log_likelihood}`);
  const nll = log_likelihood.neg();
  console.log(`nll=${nll}`);
  console.log(`${nll.div(n)}`);

  // 2. the neural net: gradient descent on W
  console.log(`number of examples: ${n}`);
  const W = initW();
  const losses: number[] = [];
  const bar = progressBar(steps, "bigram nn");
  for (let k = 0; k < steps; k++) {
    const loss = nnStep(W, xs, ys);
    losses.push(loss);
    bar.update(k + 1, loss);
  }
  bar.stop();
  console.log(`loss after ${steps} steps: ${losses[losses.length - 1].toFixed(4)}`);

  const out = fileURLToPath(new URL("../out/bigram-loss.svg", import.meta.url));
  writeLossCurve(out, [{ name: "loss", points: losses.map((l, i) => [i, l] as [number, number]) }], {
    title: "bigram neural net",
    xlabel: "step",
    ylabel: "loss",
  });
  console.log(`loss curve: ${out}`);

  // finally, sample from the 'neural net' model
  const nnRow = (ix: number) => {
    const xenc = F.one_hot(torch.tensor([ix]), { num_classes: 27 }).float();
    const counts = xenc.matmul(W).exp(); // predict log-counts, then counts
    return counts.div(counts.sum(1, true)); // probabilities for next character
  };
  for (const w of torch.no_grad(() => sampleWords(nnRow, itos, nSamples))) console.log(w);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
