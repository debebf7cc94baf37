// Compares src/random/libm.ts with glibc values written by scripts/gen_libm_vectors.py.
// Usage: node --import tsx scripts/check_libm.ts DIR   (DIR holds NAME.bin = inputs ++ outputs)
// Exits non-zero on any bit difference; writes DIR/v8_disagree.json (indices where V8's Math.*
// differs from glibc) for the vector selection.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fma32, fma64 } from "../src/random/fma.js";
import { cos, cosf, log, logf, sin, sinf } from "../src/random/libm.js";

const dir = process.argv[2];
const fns: Record<string, [(x: number) => number, (x: number) => number, boolean]> = {
  log: [log, Math.log, false],
  sin: [sin, Math.sin, false],
  cos: [cos, Math.cos, false],
  logf: [logf, (x) => Math.fround(Math.log(x)), true],
  sinf: [sinf, (x) => Math.fround(Math.sin(x)), true],
  cosf: [cosf, (x) => Math.fround(Math.cos(x)), true],
};
const fma3: Record<string, [(a: number, b: number, c: number) => number, (a: number, b: number, c: number) => number, boolean]> = {
  fma: [fma64, (a, b, c) => a * b + c, false],
  fmaf: [fma32, (a, b, c) => Math.fround(a * b + c), true],
};
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);
let failed = false;
const v8: Record<string, number[]> = {};
for (const [name, [fn, v8fn, isF32]] of Object.entries(fns)) {
  const buf = readFileSync(join(dir, `${name}.bin`));
  const all = isF32
    ? new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4)
    : new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  const n = all.length / 2;
  let bad = 0;
  const dis: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = fn(all[i]);
    if (!same(isF32 ? Math.fround(r) : r, all[n + i])) {
      if (bad++ < 10) console.log(`MISMATCH ${name}(${all[i]}) = ${r}, glibc ${all[n + i]}`);
    }
  }
  const ns = ((performance.now() - t0) / n) * 1e6;
  for (let i = 0; i < n; i++) if (!same(v8fn(all[i]), all[n + i])) dis.push(i);
  v8[name] = dis;
  console.log(`${name}: ${n - bad}/${n} identical to glibc (${ns.toFixed(0)} ns/call); V8 Math differs on ${dis.length}`);
  if (bad) failed = true;
}
for (const [name, [fn, naive, isF32]] of Object.entries(fma3)) {
  const buf = readFileSync(join(dir, `${name}.bin`));
  const all = isF32
    ? new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4)
    : new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  const n = all.length / 4;
  let bad = 0;
  const dis: number[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [all[3 * i], all[3 * i + 1], all[3 * i + 2]];
    const r = fn(a, b, c);
    if (!same(r, all[3 * n + i]) && bad++ < 10) console.log(`MISMATCH ${name}(${a}, ${b}, ${c}) = ${r}, hardware ${all[3 * n + i]}`);
    if (!same(naive(a, b, c), all[3 * n + i])) dis.push(i);
  }
  v8[name] = dis;
  console.log(`${name}: ${n - bad}/${n} identical to the hardware fma; unfused a*b+c differs on ${dis.length}`);
  if (bad) failed = true;
}
writeFileSync(join(dir, "v8_disagree.json"), JSON.stringify(v8));
if (failed) process.exit(1);
