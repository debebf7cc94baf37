// Compares src/backend/js_math.ts with the libraries PyTorch 1.13 (Debian) calls, over all 2^32
// float32 inputs (or a sample): SLEEF 3.5.1 (libsleef.so.3, AVX2 dispatch) and glibc 2.36 libm.
// Needs gcc, /usr/lib/x86_64-linux-gnu/libsleef.so.3 and an AVX2+FMA CPU.
//
//   node --import tsx scripts/check_math_exhaustive.ts exp            # all 2^32 inputs
//   node --import tsx scripts/check_math_exhaustive.ts exp,log sample # 256 blocks of 65536
//   names: exp log log2 log10 log1p expm1 tanh erf sinh cosh asin acos atan sin cos tan
//          (sin/cos/tan: the "natural" path and, as sin!/cos!/tan!, the rempif path forced)
//          glibc: expf exp2f erff tanhf expm1f sinhf coshf log1pf
// MATH_MODULE=path checks another copy of js_math.ts instead. If that module exports HITS and
// REACH arrays (a copy whose fma32(a, b, c) calls count, per call site, how often a plain
// fround(a * b + c) would differ), the counts are printed: a site with no difference over all
// 2^32 inputs can use the plain form.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// the package first: js_math.ts and the backend table import each other
await import("../src/index.js");
const M = await import(process.env.MATH_MODULE ?? "../src/backend/js_math.js");

const GEN_C = String.raw`
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
typedef __m256 (*vf)(__m256);
#define F8(name) __m256 Sleef_##name(__m256);
F8(expf8_u10) F8(logf8_u10) F8(tanhf8_u10) F8(sinf8_u10) F8(cosf8_u10) F8(tanf8_u10)
F8(log1pf8_u10) F8(expm1f8_u10) F8(erff8_u10) F8(log2f8_u10) F8(log10f8_u10) F8(sinhf8_u10) F8(coshf8_u10)
F8(asinf8_u10) F8(acosf8_u10) F8(atanf8_u10)
static struct { const char* n; vf f; } V[] = {
 {"exp", Sleef_expf8_u10}, {"log", Sleef_logf8_u10}, {"tanh", Sleef_tanhf8_u10}, {"sin", Sleef_sinf8_u10}, {"cos", Sleef_cosf8_u10},
 {"tan", Sleef_tanf8_u10}, {"log1p", Sleef_log1pf8_u10}, {"expm1", Sleef_expm1f8_u10}, {"erf", Sleef_erff8_u10}, {"log2", Sleef_log2f8_u10},
 {"log10", Sleef_log10f8_u10}, {"sinh", Sleef_sinhf8_u10}, {"cosh", Sleef_coshf8_u10}, {"asin", Sleef_asinf8_u10}, {"acos", Sleef_acosf8_u10}, {"atan", Sleef_atanf8_u10}};
typedef float (*sf)(float);
static struct { const char* n; sf f; } S[] = {{"exp2f", exp2f}, {"expf", expf}, {"erff", erff}, {"tanhf", tanhf}, {"expm1f", expm1f}, {"sinhf", sinhf}, {"coshf", coshf}, {"log1pf", log1pf}};
static float fb(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
/* gen FN MODE LO HI: result bits for input bits [LO, HI). MODE v: 8 inputs per vector;
   s: input in all 8 lanes; b: 7 inputs + 1000.0f (forces the rempif path); g: glibc scalar */
int main(int argc, char** argv) {
  const char* fn = argv[1]; char mode = argv[2][0];
  uint64_t lo = strtoull(argv[3], 0, 0), hi = strtoull(argv[4], 0, 0);
  enum { B = 1 << 16 };
  static uint32_t out[B + 8];
  if (mode == 'g') {
    sf f = 0; for (unsigned i = 0; i < sizeof S / sizeof *S; i++) if (!strcmp(S[i].n, fn)) f = S[i].f;
    if (!f) return 2;
    for (uint64_t x = lo; x < hi;) { int n = 0; for (; n < B && x < hi; n++, x++) { float r = f(fb((uint32_t)x)); memcpy(&out[n], &r, 4); } fwrite(out, 4, n, stdout); }
    return 0;
  }
  vf f = 0; for (unsigned i = 0; i < sizeof V / sizeof *V; i++) if (!strcmp(V[i].n, fn)) f = V[i].f;
  if (!f) return 2;
  for (uint64_t x = lo; x < hi;) {
    int n = 0;
    while (n < B && x < hi) {
      float in[8], r[8];
      int k, w = mode == 'v' ? 8 : mode == 's' ? 1 : 7;
      for (k = 0; k < 8; k++) in[k] = fb((uint32_t)(mode == 's' ? x : x + (k < w && x + k < hi ? k : 0)));
      if (mode == 'b') in[7] = 1000.0f;
      _mm256_storeu_ps(r, f(_mm256_loadu_ps(in)));
      k = hi - x < (uint64_t)w ? (int)(hi - x) : w;
      memcpy(&out[n], r, 4 * k); n += k; x += k;
    }
    fwrite(out, 4, n, stdout);
  }
  return 0;
}
`;

type Fn = (x: number) => number;
/* eslint-disable @typescript-eslint/no-explicit-any */
const TABLE: Record<string, [string, string, Fn]> = {
  exp: ["exp", "v", M.expf],
  log: ["log", "v", M.logf],
  log2: ["log2", "v", M.log2f],
  log10: ["log10", "v", M.log10f],
  log1p: ["log1p", "v", M.log1pf],
  expm1: ["expm1", "v", M.expm1f],
  tanh: ["tanh", "v", M.tanhf],
  erf: ["erf", "v", M.erff],
  sinh: ["sinh", "v", M.sinhf],
  cosh: ["cosh", "v", M.coshf],
  asin: ["asin", "v", M.asinf],
  acos: ["acos", "v", M.acosf],
  atan: ["atan", "v", M.atanf],
  sin: ["sin", "s", (x) => M.sinf(x, M.trigBig(x))],
  cos: ["cos", "s", (x) => M.cosf(x, M.trigBig(x))],
  tan: ["tan", "s", (x) => M.tanf(x, M.trigBig(x))],
  "sin!": ["sin", "b", (x) => M.sinf(x, true)],
  "cos!": ["cos", "b", (x) => M.cosf(x, true)],
  "tan!": ["tan", "b", (x) => M.tanf(x, true)],
  expf: ["expf", "g", M.glibcExpf],
  exp2f: ["exp2f", "g", M.glibcExp2f],
  erff: ["erff", "g", M.glibcErff],
  tanhf: ["tanhf", "g", M.glibcTanhf],
  expm1f: ["expm1f", "g", M.glibcExpm1f],
  log1pf: ["log1pf", "g", M.glibcLog1pf],
  sinhf: ["sinhf", "g", M.glibcSinhf],
  coshf: ["coshf", "g", M.glibcCoshf],
};

const dir = mkdtempSync(join(tmpdir(), "mathx-"));
writeFileSync(join(dir, "gen.c"), GEN_C);
const GEN = join(dir, "gen");
execFileSync("gcc", ["-O2", "-mavx2", "-mfma", "-o", GEN, join(dir, "gen.c"), "/usr/lib/x86_64-linux-gnu/libsleef.so.3", "-lm"]);

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const floatOf = (b: number) => {
  U32[0] = b;
  return F32[0];
};

function run(name: string, lo: number, hi: number): Promise<number> {
  const [cname, mode, fn] = TABLE[name];
  return new Promise((resolve, reject) => {
    const p = spawn(GEN, [cname, mode, String(lo), String(hi)]);
    let x = lo;
    let bad = 0;
    let rest = Buffer.alloc(0);
    p.stdout.on("data", (chunk: Buffer) => {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const n = buf.length >> 2;
      // copy to an aligned array: pipe chunks need not start on a 4-byte boundary
      const want = new Uint32Array(n);
      new Uint8Array(want.buffer).set(buf.subarray(0, 4 * n));
      for (let i = 0; i < n; i++, x++) {
        const w = want[i];
        U32[0] = x;
        const xin = F32[0];
        const got = fn(xin);
        F32[0] = got;
        const gb = U32[0];
        if (gb !== w && !(got !== got && (w & 0x7fffffff) > 0x7f800000)) {
          if (bad < 10) console.log(`${name} x=${xin} (0x${x.toString(16)}): got ${got} (0x${gb.toString(16)}) want ${floatOf(w)} (0x${w.toString(16)})`);
          bad++;
        }
      }
      rest = buf.subarray(4 * n);
    });
    p.on("error", reject);
    p.on("close", () => resolve(bad));
  });
}

const names = (process.argv[2] ?? "").split(",").filter(Boolean);
const sample = process.argv[3] === "sample";
for (const name of names) {
  const t0 = Date.now();
  let bad = 0;
  if (sample) {
    for (let k = 0; k < 256; k++) bad += await run(name, k * 2 ** 24 + ((k * 40503) & 0xffff) * 97, k * 2 ** 24 + ((k * 40503) & 0xffff) * 97 + 65536);
  } else {
    bad = await run(name, 0, 2 ** 32);
  }
  if (M.HITS) {
    const sites: string[] = [];
    for (let k = 0; k < M.HITS.length; k++) if (M.REACH[k]) sites.push(`${k}:${M.REACH[k]}/${M.HITS[k]}`);
    console.log(`${name} fma sites reached/double-rounding-differs: ${sites.join(" ")}`);
    M.HITS.fill(0);
    M.REACH.fill(0);
  }
  console.log(`${name}: ${bad} mismatches (${sample ? "sample" : "all 2^32"}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
