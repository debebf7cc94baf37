// The char-GPT step's float32 products (bench/gpt_matmul_shapes.ts: per-head nn.Linear, the
// attention's batched products, lm_head), with the strides the step gives them, through the
// native matmul in exact mode against the TypeScript backend's kernel: bit for bit, on one
// and two threads, with the default heuristics and with every operand packed and the packed
// B shared or private. These shapes reach the paths tuned for them: row panels outside
// (small B blocks), column-major A packed in memory order, B^T packing, private packed B
// per thread, batches of small items, a 1-column edge panel (N = 65).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { jsBackend } from "../src/backend/index.js";
import { native, nativeMatmul } from "../src/backend/native.js";

const skip = process.env.TORCHLETTE_BACKEND === "js" || native === null ? "native backend not in use" : false;

/** [A shape, A strides, B shape, B strides]; the two largest GPT products are left out (the
 * TypeScript reference would take seconds), their layouts appear in smaller shapes. */
const SHAPES: [number[], number[], number[], number[]][] = [
  [[1024, 32], [32, 1], [32, 128], [128, 1]],
  [[128, 1024], [1, 128], [1024, 32], [32, 1]],
  [[1024, 128], [128, 1], [128, 32], [1, 128]],
  [[128, 1024], [1, 128], [1024, 128], [128, 1]],
  [[16, 64, 64], [4096, 64, 1], [16, 64, 32], [2048, 32, 1]],
  [[16, 64, 32], [8192, 128, 1], [16, 32, 64], [2048, 1, 32]],
  [[16, 64, 64], [4096, 1, 64], [16, 64, 32], [8192, 128, 1]],
  [[16, 32, 64], [2048, 1, 32], [16, 64, 64], [4096, 64, 1]],
  [[16, 64, 32], [2048, 32, 1], [16, 32, 64], [2048, 1, 32]],
  [[128, 1024], [1, 128], [1024, 65], [65, 1]],
  [[1024, 128], [128, 1], [128, 65], [1, 128]],
  [[1024, 65], [65, 1], [65, 128], [128, 1]],
];

function operand(shape: number[], strides: number[]): Tensor {
  const span = 1 + shape.reduce((s, n, d) => s + (n - 1) * strides[d], 0);
  return torch.as_strided(torch.randn([span]), shape, strides);
}

describe("native exact matmul on the GPT step's shapes", { skip }, () => {
  if (native === null) return;
  const nat = native;
  const threads0 = nat.get_num_threads();
  const thr0 = nat.set_thresholds();
  after(() => {
    nat.set_num_threads(threads0);
    nat.set_thresholds(thr0[0], thr0[1], thr0[2]);
  });
  torch.manual_seed(3);
  const cases = SHAPES.map(([as, ast, bs, bst]) => {
    const a = operand(as, ast), b = operand(bs, bst);
    const outShape = [...as.slice(0, -1), bs[bs.length - 1]];
    const want = torch.empty(outShape);
    jsBackend.matmul(a, b, want);
    return { a, b, outShape, want: want._storage.data as Float32Array, name: `${as}(${ast})@${bs}(${bst})` };
  });
  const configs: [string, () => void][] = [
    ["default", () => nat.set_thresholds(thr0[0], thr0[1], thr0[2])],
    ["packed, shared B", () => nat.set_thresholds(-1, 0, 0)],
    ["packed, private B", () => nat.set_thresholds(-1, 0, 2 ** 52)],
  ];
  for (const threads of [1, 2]) {
    for (const [cname, setup] of configs) {
      it(`threads=${threads} ${cname}: bit-identical to the TypeScript kernel`, () => {
        nat.set_num_threads(threads);
        setup();
        try {
          for (const c of cases) {
            const out = torch.empty(c.outShape);
            assert.ok(nativeMatmul(c.a, c.b, out, false, true));
            const got = out._storage.data as Float32Array;
            for (let i = 0; i < got.length; i++) {
              if (!Object.is(got[i], c.want[i])) assert.fail(`${c.name} at ${i}: ${got[i]} vs ${c.want[i]}`);
            }
          }
        } finally {
          nat.set_num_threads(threads0);
          nat.set_thresholds(thr0[0], thr0[1], thr0[2]);
        }
      });
    }
  }
});
