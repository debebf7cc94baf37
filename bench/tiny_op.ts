// Where a tiny op's time goes (BENCHMARKS.md, "Tiny op"): torch.add on two [32, 27] float32
// tensors against its pieces: the native call alone on a reused output, on outputs taken round a
// ring of growing size (memory that is not in cache), on fresh allocator outputs; the
// allocation with its Storage and Tensor; and the op with the kernel call replaced by nothing.
//   node --import tsx bench/tiny_op.ts     (compile first for the numbers a user sees: npm run bench does)
import * as torch from "../src/index.js";
import { backend } from "../src/backend/index.js";
import { EW_OPS, FLAT_PARAMS, native } from "../src/backend/native.js";
import { allocArray, allocate } from "../src/storage.js";
import { Tensor } from "../src/tensor.js";
import { trialsUs } from "./timing.js";

if (native === null) throw new Error("the native addon is not loaded");
const nat = native;
const f32 = torch.float32;
const ADD = EW_OPS.indexOf("add");
const a = torch.randn([32, 27]), b = torch.randn([32, 27]);

function bench(name: string, f: () => unknown, n = 300000): void {
  const t = trialsUs(f, n, 9, 20000).map((us) => us * 1000);
  console.log(`${name.padEnd(44)} median ${t[4].toFixed(0).padStart(5)} ns  min ${t[0].toFixed(0).padStart(5)} ns`);
}

bench("torch.add", () => torch.add(a, b));
const buf = new ArrayBuffer(3 * 4096);
FLAT_PARAMS.set([ADD, 864, 0, 1024, 2048, 0, 0]); // op, n, offsets in floats
bench("native call, three ArrayBuffers, n = 864", () => nat.ew_flat_f32(buf, buf, buf));
FLAT_PARAMS.set([ADD, 1, 0, 1024, 2048, 0, 0]);
bench("native call, three ArrayBuffers, n = 1", () => nat.ew_flat_f32(buf, buf, buf));
const [o1, a1, b1] = [0, 1024, 2048].map((off) => new Float32Array(buf, off * 4, 1024));
FLAT_PARAMS.set([ADD, 1, 0, 0, 0, 0, 0]);
bench("native call, three Float32Arrays, n = 1", () => nat.ew_flat_f32(o1, a1, b1));
const A = a._storage.data as Float32Array, B = b._storage.data as Float32Array;
FLAT_PARAMS.set([ADD, 864, 0, a._offset, b._offset, 0, 0]);
bench("native call, fresh allocator output", () => nat.ew_flat_f32(allocArray(f32, 864, false) as Float32Array, A, B));
bench("allocation + Storage + Tensor", () => new Tensor(allocate(f32, 864, false), [32, 27]));
const ew = backend.elementwise;
backend.elementwise = () => {};
bench("torch.add with the kernel call taken out", () => torch.add(a, b));
backend.elementwise = ew;
// last: thousands of live typed arrays make every later collection slower
for (const R of [64, 4096, 16384]) {
  const ring = Array.from({ length: R }, () => new Float32Array(864));
  let k = 0;
  bench(`native call, outputs round ${((R * 3456) / 2 ** 20).toFixed(1)} MB`, () => nat.ew_flat_f32(ring[k++ % R], A, B));
}
