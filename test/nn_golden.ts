// Reading test/goldens/nn*.json (written by scripts/gen_nn_goldens.py from torch 1.13): tensors
// are base64 little-endian bytes with their shape and dtype.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/tensor.js";

export interface B64 {
  shape: number[];
  dtype: "float32" | "int64";
  b64: string;
}

export function golden<T = any>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./goldens/${name}`, import.meta.url)), "utf8")) as T;
}

export function values(g: B64): Float32Array | Float64Array {
  const buf = Buffer.from(g.b64, "base64");
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  if (g.dtype === "float32") return new Float32Array(ab);
  return Float64Array.from(new BigInt64Array(ab), Number);
}

export function fromB64(g: B64): Tensor {
  const v = values(g);
  const dtype = g.dtype === "float32" ? torch.float32 : torch.int64;
  return torch.tensor(Array.from(v), { dtype }).reshape(g.shape);
}

/** Values of a float tensor as a flat Float32Array/Float64Array copy (row-major). */
export function flat(t: Tensor): number[] {
  return Array.from(t.detach().contiguous().reshape([-1])._values());
}

/** bit-identical comparison of float32 values; the message names the first differing index */
export function sameBits(actual: Tensor, expected: B64, what: string): string | null {
  if (actual._shape.join(",") !== expected.shape.join(",")) return `${what}: shape [${actual._shape}] vs [${expected.shape}]`;
  const a = flat(actual);
  const e = values(expected);
  let bad = 0, first = -1;
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(Math.fround(a[i]), e[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  return bad === 0 ? null : `${what}: ${bad}/${e.length} values differ, first at ${first}: ${a[first]} vs ${e[first]}`;
}

/** max |a - e| / (atol + rtol |e|) <= 1 */
export function close(actual: Tensor | number[], expected: B64 | number[], what: string, rtol = 1e-5, atol = 1e-6): string | null {
  const a = Array.isArray(actual) ? actual : flat(actual);
  const e = Array.isArray(expected) ? expected : Array.from(values(expected));
  if (!Array.isArray(expected) && !Array.isArray(actual) && actual._shape.join(",") !== expected.shape.join(",")) {
    return `${what}: shape [${actual._shape}] vs [${expected.shape}]`;
  }
  if (a.length !== e.length) return `${what}: ${a.length} values vs ${e.length}`;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= atol + rtol * Math.abs(e[i]))) return `${what}[${i}]: ${a[i]} vs ${e[i]} (diff ${d})`;
  }
  return null;
}
