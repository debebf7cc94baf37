// The character-level GPT of Andrej Karpathy's "Let's build GPT: from scratch, in code, spelled
// out" (ng-video-lecture, gpt.py), ported line for line: Head, MultiHeadAttention, FeedFoward,
// Block, token + position embeddings, AdamW, estimate_loss and generate, on tinyshakespeare.
//
//   node --import tsx examples/gpt.ts            --small (default): a model that trains in minutes
//   node --import tsx examples/gpt.ts --lecture  the lecture's hyperparameters (10.8M parameters,
//                                                 ~200 GFLOP per forward pass at batch 64: far too
//                                                 slow for a CPU; the lecture's GPU run took 15 min)
//   options: --iters N --eval-interval N --eval-iters N --batch N --tokens N --seed N
//
// Writes the loss curve to out/gpt-loss.svg.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

import * as torch from "../src/index.js";
import { nn, optim } from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { intArg, parseArgs } from "./lib/args.js";
import { writeLossCurve } from "./lib/plot.js";
import { progressBar } from "./lib/progress.js";

const F = nn.functional;

export interface GPTConfig {
  vocab_size: number;
  n_embd: number;
  n_head: number;
  n_layer: number;
  block_size: number;
  dropout: number;
}

export interface TrainConfig {
  batch_size: number;
  max_iters: number;
  eval_interval: number;
  learning_rate: number;
  eval_iters: number;
}

/** gpt.py's hyperparameters */
export const LECTURE = {
  model: { n_embd: 384, n_head: 6, n_layer: 6, block_size: 256, dropout: 0.2 },
  train: { batch_size: 64, max_iters: 5000, eval_interval: 500, learning_rate: 3e-4, eval_iters: 200 },
};
/** a few minutes on two CPU cores: the same architecture, scaled down (0.03M parameters) */
export const SMALL = {
  model: { n_embd: 32, n_head: 4, n_layer: 2, block_size: 32, dropout: 0.0 },
  train: { batch_size: 16, max_iters: 1500, eval_interval: 300, learning_rate: 1e-3, eval_iters: 10 },
};

/** one head of self-attention */
export class Head extends nn.Module {
  declare key: nn.Linear;
  declare query: nn.Linear;
  declare value: nn.Linear;
  declare tril: Tensor;
  declare dropout: nn.Dropout;

  constructor(cfg: GPTConfig, head_size: number) {
    super();
    this.key = new nn.Linear(cfg.n_embd, head_size, { bias: false });
    this.query = new nn.Linear(cfg.n_embd, head_size, { bias: false });
    this.value = new nn.Linear(cfg.n_embd, head_size, { bias: false });
    this.register_buffer("tril", torch.tril(torch.ones(cfg.block_size, cfg.block_size)));
    this.dropout = new nn.Dropout(cfg.dropout);
  }

  override forward(x: Tensor): Tensor {
    // input of size (batch, time-step, channels), output of size (batch, time-step, head size)
    const [, T] = x.shape;
    const k = this.key(x); // (B,T,hs)
    const q = this.query(x); // (B,T,hs)
    // compute attention scores ("affinities")
    let wei = q.matmul(k.transpose(-2, -1)).mul(k.shape[k.dim() - 1] ** -0.5); // (B,T,hs) @ (B,hs,T) -> (B,T,T)
    wei = wei.masked_fill(this.tril.get(`:${T}`, `:${T}`).eq(0), -Infinity); // (B,T,T)
    wei = F.softmax(wei, -1); // (B,T,T)
    wei = this.dropout(wei);
    // perform the weighted aggregation of the values
    const v = this.value(x); // (B,T,hs)
    return wei.matmul(v); // (B,T,T) @ (B,T,hs) -> (B,T,hs)
  }
}

/** multiple heads of self-attention in parallel */
export class MultiHeadAttention extends nn.Module {
  declare heads: nn.ModuleList;
  declare proj: nn.Linear;
  declare dropout: nn.Dropout;

  constructor(cfg: GPTConfig, num_heads: number, head_size: number) {
    super();
    this.heads = new nn.ModuleList(Array.from({ length: num_heads }, () => new Head(cfg, head_size)));
    this.proj = new nn.Linear(head_size * num_heads, cfg.n_embd);
    this.dropout = new nn.Dropout(cfg.dropout);
  }

  override forward(x: Tensor): Tensor {
    const out = torch.cat([...this.heads].map((h) => h(x) as Tensor), -1);
    return this.dropout(this.proj(out));
  }
}

/** a simple linear layer followed by a non-linearity (the lecture's class name, typo included,
 * so the module repr reads the same) */
export class FeedFoward extends nn.Module {
  declare net: nn.Sequential;

  constructor(cfg: GPTConfig, n_embd: number) {
    super();
    this.net = new nn.Sequential(
      new nn.Linear(n_embd, 4 * n_embd),
      new nn.ReLU(),
      new nn.Linear(4 * n_embd, n_embd),
      new nn.Dropout(cfg.dropout),
    );
  }

  override forward(x: Tensor): Tensor {
    return this.net(x);
  }
}
export { FeedFoward as FeedForward };

/** Transformer block: communication followed by computation */
export class Block extends nn.Module {
  declare sa: MultiHeadAttention;
  declare ffwd: FeedFoward;
  declare ln1: nn.LayerNorm;
  declare ln2: nn.LayerNorm;

  constructor(cfg: GPTConfig, n_embd: number, n_head: number) {
    // n_embd: embedding dimension, n_head: the number of heads we'd like
    super();
    const head_size = Math.floor(n_embd / n_head);
    this.sa = new MultiHeadAttention(cfg, n_head, head_size);
    this.ffwd = new FeedFoward(cfg, n_embd);
    this.ln1 = new nn.LayerNorm(n_embd);
    this.ln2 = new nn.LayerNorm(n_embd);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.sa(this.ln1(x)));
    x = x.add(this.ffwd(this.ln2(x)));
    return x;
  }
}

export class GPTLanguageModel extends nn.Module {
  readonly cfg: GPTConfig;
  declare token_embedding_table: nn.Embedding;
  declare position_embedding_table: nn.Embedding;
  declare blocks: nn.Sequential;
  declare ln_f: nn.LayerNorm;
  declare lm_head: nn.Linear;

  constructor(cfg: GPTConfig) {
    super();
    this.cfg = cfg;
    // each token directly reads off the logits for the next token from a lookup table
    this.token_embedding_table = new nn.Embedding(cfg.vocab_size, cfg.n_embd);
    this.position_embedding_table = new nn.Embedding(cfg.block_size, cfg.n_embd);
    this.blocks = new nn.Sequential(...Array.from({ length: cfg.n_layer }, () => new Block(cfg, cfg.n_embd, cfg.n_head)));
    this.ln_f = new nn.LayerNorm(cfg.n_embd); // final layer norm
    this.lm_head = new nn.Linear(cfg.n_embd, cfg.vocab_size);
    // better init, not covered in the original GPT video, but important, will cover in followup video
    this.apply((m) => this._init_weights(m));
  }

  _init_weights(module: nn.Module): void {
    if (module instanceof nn.Linear) {
      nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    }
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const [B, T] = idx.shape;
    // idx and targets are both (B,T) tensor of integers
    const tok_emb = this.token_embedding_table(idx); // (B,T,C)
    const pos_emb = this.position_embedding_table(torch.arange(T)); // (T,C)
    let x = tok_emb.add(pos_emb); // (B,T,C)
    x = this.blocks(x); // (B,T,C)
    x = this.ln_f(x); // (B,T,C)
    const logits: Tensor = this.lm_head(x); // (B,T,vocab_size)
    if (targets === null) return [logits, null];
    const C = logits.shape[2];
    const loss = F.cross_entropy(logits.view(B * T, C), targets.view(B * T));
    return [logits, loss];
  }

  generate(idx: Tensor, max_new_tokens: number, opts: { generator?: torch.Generator } = {}): Tensor {
    // idx is (B, T) array of indices in the current context
    for (let i = 0; i < max_new_tokens; i++) {
      // crop idx to the last block_size tokens
      const idx_cond = idx.get(":", `-${this.cfg.block_size}:`);
      // get the predictions
      const [logits] = this.forward(idx_cond);
      // focus only on the last time step, apply softmax to get probabilities
      const probs = F.softmax(logits.get(":", -1, ":"), -1); // (B, C)
      // sample from the distribution
      const idx_next = torch.multinomial(probs, { num_samples: 1, generator: opts.generator }); // (B, 1)
      // append sampled index to the running sequence
      idx = torch.cat([idx, idx_next], 1); // (B, T+1)
    }
    return idx;
  }
}

export interface Corpus {
  chars: string[];
  encode: (s: string) => number[];
  decode: (l: number[]) => string;
  train_data: Tensor;
  val_data: Tensor;
}

export function loadShakespeare(path = fileURLToPath(new URL("../data/tinyshakespeare.txt", import.meta.url))): Corpus {
  const text = readFileSync(path, "utf8");
  // here are all the unique characters that occur in this text (sorted by code point, as Python)
  const chars = [...new Set(text)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const stoi = new Map(chars.map((ch, i) => [ch, i]));
  const encode = (s: string) => [...s].map((c) => stoi.get(c)!);
  const decode = (l: number[]) => l.map((i) => chars[i]).join("");
  // train and test splits
  const data = torch.tensor(encode(text), { dtype: torch.long });
  const n = Math.trunc(0.9 * data.shape[0]); // first 90% will be train, rest val
  return { chars, encode, decode, train_data: data.get(`:${n}`), val_data: data.get(`${n}:`) };
}

/** a small batch of inputs x and targets y from the split */
export function getBatch(data: Tensor, block_size: number, batch_size: number): [Tensor, Tensor] {
  const ix = torch.randint(data.shape[0] - block_size, [batch_size]).tolist() as number[];
  const x = torch.stack(ix.map((i) => data.get(`${i}:${i + block_size}`)));
  const y = torch.stack(ix.map((i) => data.get(`${i + 1}:${i + block_size + 1}`)));
  return [x, y];
}

export function estimateLoss(model: GPTLanguageModel, corpus: Corpus, batch_size: number, eval_iters: number): { train: number; val: number } {
  return torch.no_grad(() => {
    const out: Record<string, number> = {};
    model.eval();
    for (const split of ["train", "val"] as const) {
      const losses = torch.zeros(eval_iters);
      for (let k = 0; k < eval_iters; k++) {
        const [X, Y] = getBatch(split === "train" ? corpus.train_data : corpus.val_data, model.cfg.block_size, batch_size);
        const [, loss] = model.forward(X, Y);
        losses.set(k, loss!.item() as number);
      }
      out[split] = losses.mean().item() as number;
    }
    model.train();
    return out as { train: number; val: number };
  });
}

/** One optimisation step of the lecture's loop; returns the loss value. */
export function trainStep(model: GPTLanguageModel, optimizer: optim.Optimizer, corpus: Corpus, batch_size: number): number {
  // sample a batch of data
  const [xb, yb] = getBatch(corpus.train_data, model.cfg.block_size, batch_size);
  // evaluate the loss
  const [, loss] = model.forward(xb, yb);
  optimizer.zero_grad(true);
  loss!.backward();
  optimizer.step();
  return loss!.item() as number;
}

function main(): void {
  const args = parseArgs();
  const preset = args.has("lecture") ? LECTURE : SMALL;
  const tc: TrainConfig = {
    ...preset.train,
    max_iters: intArg(args, "iters", preset.train.max_iters),
    eval_interval: intArg(args, "eval-interval", preset.train.eval_interval),
    eval_iters: intArg(args, "eval-iters", preset.train.eval_iters),
    batch_size: intArg(args, "batch", preset.train.batch_size),
  };
  const tokens = intArg(args, "tokens", 500);
  torch.manual_seed(intArg(args, "seed", 1337));

  const corpus = loadShakespeare();
  const cfg: GPTConfig = { ...preset.model, vocab_size: corpus.chars.length };
  console.log(`config: ${args.has("lecture") ? "--lecture" : "--small"} ${JSON.stringify({ ...cfg, ...tc })}`);
  const model = new GPTLanguageModel(cfg);
  // print the number of parameters in the model
  let n = 0;
  for (const p of model.parameters()) n += p.numel();
  console.log(n / 1e6, "M parameters");

  // create a PyTorch optimizer
  const optimizer = new optim.AdamW(model.parameters(), { lr: tc.learning_rate });
  const lossi: [number, number][] = [];
  const evals = { train: [] as [number, number][], val: [] as [number, number][] };
  const bar = progressBar(tc.max_iters, "gpt");
  const t0 = performance.now();
  for (let iter = 0; iter < tc.max_iters; iter++) {
    // every once in a while evaluate the loss on train and val sets
    if (iter % tc.eval_interval === 0 || iter === tc.max_iters - 1) {
      const losses = estimateLoss(model, corpus, tc.batch_size, tc.eval_iters);
      bar.log(`step ${iter}: train loss ${losses.train.toFixed(4)}, val loss ${losses.val.toFixed(4)}`);
      evals.train.push([iter, losses.train]);
      evals.val.push([iter, losses.val]);
    }
    const loss = trainStep(model, optimizer, corpus, tc.batch_size);
    lossi.push([iter, loss]);
    bar.update(iter + 1, loss);
  }
  bar.stop();
  const secs = (performance.now() - t0) / 1000;
  console.log(`trained ${tc.max_iters} steps in ${secs.toFixed(1)} s (${(tc.max_iters / secs).toFixed(2)} steps/s)`);

  const out = fileURLToPath(new URL("../out/gpt-loss.svg", import.meta.url));
  writeLossCurve(
    out,
    [
      { name: "train (batch)", points: lossi },
      { name: "train (estimate)", points: evals.train },
      { name: "val (estimate)", points: evals.val },
    ],
    { title: "GPT on tinyshakespeare", xlabel: "step", ylabel: "loss" },
  );
  console.log(`loss curve: ${out}`);

  // generate from the model (in training mode, as the lecture does: dropout stays on)
  const context = torch.zeros([1, 1], { dtype: torch.long });
  const sample = torch.no_grad(() => model.generate(context, tokens));
  console.log(corpus.decode(sample.get(0).tolist() as number[]));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
