// The case format shared by test/core-golden.test.ts (cases replayed from test/goldens/core.json)
// and test/differential.test.ts (random chains checked against a live PyTorch): an interpreter
// from a JSON case to torchlette calls, the comparison of a torchlette result with PyTorch's
// recorded one, and the runner of the PyTorch side (scripts/gen_core_goldens.py --serve in a
// Python subprocess). The format is documented in that script's docstring.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as torch from "../src/index.js";
import { DType } from "../src/dtype.js";
import { Storage } from "../src/storage.js";
import { Tensor } from "../src/tensor.js";
import { contiguousStrides } from "../src/shape.js";

// ---------------------------------------------------------------------------------------------
// format

export type JVal = number | boolean | string;
export interface TensorSpec {
  dtype: string;
  shape: number[];
  values: JVal[];
  layout?: "contiguous" | "transposed" | "sliced" | "offset" | "permuted" | "expanded";
  base_shape?: number[];
  requires_grad?: boolean;
}
export type Node =
  | { t: TensorSpec }
  /** `ns`: a namespace under torch for calls without self ("nn.functional") */
  | { call: string; self?: Node; args?: Arg[]; kwargs?: Record<string, Arg>; pick?: number; ns?: string }
  | { attr: string; self: Node; pick?: number }
  /** the value of step `var` of a gradient program (GradCase) */
  | { var: number };
export type Arg =
  | Node
  | number
  | boolean
  | string
  | null
  | Arg[]
  | { list: Arg[] }
  | { dtype: string }
  | { f: "nan" | "inf" | "-inf" };

export interface TensorResult {
  dtype: string;
  shape: number[];
  stride: number[];
  offset: number;
  values: JVal[] | null;
  repr: string | null;
  alias: number | null;
  contiguous: boolean;
}
export type Result =
  | { tensor: TensorResult }
  | { list: Result[] }
  | { size: number[] }
  | { dtype: string }
  | { scalar: JVal; kind: "int" | "float" | "bool" | "str" }
  | { error: { type: string; message: string } };

export interface Case {
  name: string;
  expr: Node;
  uninit?: boolean;
  /** torch.set_default_dtype for the duration of the case */
  default_dtype?: "float32" | "float64";
  expect?: Result;
  alt?: Result;
}

/** A case the interpreter cannot express in torchlette: reported as a failure, never skipped. */
export class Unsupported extends Error {}

const DTYPES: Record<string, DType> = {
  float32: torch.float32,
  float64: torch.float64,
  int64: torch.int64,
  int32: torch.int32,
  int16: torch.int16,
  int8: torch.int8,
  uint8: torch.uint8,
  bool: torch.bool,
};

export function decodeValue(v: JVal): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0.0": -0 };
  if (!(v in special)) throw new Error(`unknown encoded value ${v}`);
  return special[v];
}

export function encodeValue(v: number, dtype: DType): JVal {
  if (dtype === torch.bool) return v !== 0;
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0.0";
  return v;
}

// ---------------------------------------------------------------------------------------------
// inputs: built straight from storage, strides and offset (not through the ops under test), with
// the same memory layout as the PyTorch expression in the generator's build()

export function buildInput(spec: TensorSpec): Tensor {
  const dt = DTYPES[spec.dtype];
  if (!dt) throw new Unsupported(`dtype ${spec.dtype}`);
  const shape = spec.shape.slice();
  const nd = shape.length;
  const layout = spec.layout ?? "contiguous";
  const vals = spec.values.map(decodeValue);
  let strides: number[];
  let offset = 0;
  let storageLen: number;
  const n = shape.reduce((a, b) => a * b, 1);
  if (layout === "expanded") {
    const base = spec.base_shape!;
    const bst = contiguousStrides(base);
    const off = nd - base.length;
    strides = shape.map((s, i) => (i < off ? 0 : base[i - off] === s ? bst[i - off] : 0));
    const data = new dt.ArrayType(vals.length);
    for (let i = 0; i < vals.length; i++) data[i] = vals[i];
    return finish(new Tensor(new Storage(data, dt), shape, strides, 0), spec);
  }
  switch (layout) {
    case "contiguous":
      strides = contiguousStrides(shape);
      storageLen = n;
      break;
    case "transposed": {
      // x.mT.contiguous().mT, where contiguous() keeps a view that already is (size-1 dims)
      if (nd < 2) throw new Unsupported("transposed layout needs 2 dims");
      const perm = shape.map((_, i) => i);
      [perm[nd - 2], perm[nd - 1]] = [perm[nd - 1], perm[nd - 2]];
      strides = permutedLayout(shape, perm);
      storageLen = n;
      break;
    }
    case "sliced":
      strides = contiguousStrides([...shape, 2]).slice(0, nd);
      storageLen = 2 * n;
      break;
    case "offset":
      strides = contiguousStrides(shape);
      offset = 3;
      storageLen = n + 3;
      break;
    case "permuted": {
      strides = permutedLayout(shape, shape.map((_, i) => (i + 1) % nd));
      storageLen = n;
      break;
    }
    default:
      throw new Unsupported(`layout ${layout}`);
  }
  const data = new dt.ArrayType(storageLen);
  data.fill(7); // the generator's filler for storage the view does not cover
  // write the values in row-major order of `shape` through the strides
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let p = offset;
    for (let d = 0; d < nd; d++) p += idx[d] * strides[d];
    data[p] = vals[i];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return finish(new Tensor(new Storage(data, dt), shape, strides, offset), spec);
}

/** Strides of x.permute(perm).contiguous().permute(inverse) for a contiguous x of `shape`. */
function permutedLayout(shape: readonly number[], perm: readonly number[]): number[] {
  const nd = shape.length;
  const base = contiguousStrides(shape);
  const pShape = perm.map((p) => shape[p]);
  let pStrides = perm.map((p) => base[p]);
  if (!isContiguous(pShape, pStrides)) pStrides = contiguousStrides(pShape);
  const out = new Array<number>(nd);
  perm.forEach((p, i) => (out[p] = pStrides[i]));
  return out;
}

/** c10's is_contiguous: size-1 dims are ignored, an empty tensor is contiguous. */
function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  if (shape.some((s) => s === 0)) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

function finish(t: Tensor, spec: TensorSpec): Tensor {
  if (spec.requires_grad) t.requires_grad_(true);
  return t;
}

// ---------------------------------------------------------------------------------------------
// interpreter

export interface Evaluated {
  value: unknown;
  leaves: Tensor[];
}

/** Run a case's expression in torchlette; throws what torchlette throws. `vars`: the values
 * of the earlier steps of a gradient program, for {var: i} nodes. */
export function evaluate(expr: Node, leaves: Tensor[] = [], vars: readonly unknown[] = []): Evaluated {
  const value = ev(expr, leaves, vars);
  return { value, leaves };
}

const NS = torch as unknown as Record<string, unknown>;

function ev(node: Node, leaves: Tensor[], vars: readonly unknown[]): unknown {
  if ("t" in node) {
    const t = buildInput(node.t);
    leaves.push(t);
    return t;
  }
  if ("var" in node) {
    if (node.var >= vars.length) throw new Error(`program step ${node.var} is not defined yet`);
    return vars[node.var];
  }
  let r: unknown;
  if ("attr" in node) {
    const self = ev(node.self, leaves, vars) as Record<string, unknown>;
    if (!(node.attr in self)) throw new Unsupported(`torchlette Tensor has no attribute ${node.attr}`);
    r = self[node.attr];
    if (typeof r === "function") throw new Unsupported(`${node.attr} is a method in torchlette, an attribute in PyTorch`);
  } else {
    const self = node.self !== undefined ? (ev(node.self, leaves, vars) as Record<string, unknown>) : undefined;
    const args = (node.args ?? []).map((a) => arg(a, leaves, vars));
    const kw = Object.entries(node.kwargs ?? {});
    const kwObj: Record<string, unknown> = {};
    for (const [k, v] of kw) kwObj[k] = arg(v, leaves, vars);
    let ns = NS;
    if (self === undefined && node.ns !== undefined) {
      for (const part of node.ns.split(".")) {
        const next = ns[part];
        if (next === null || typeof next !== "object") throw new Unsupported(`torchlette has no torch.${node.ns}`);
        ns = next as Record<string, unknown>;
      }
    }
    const fn = self !== undefined ? self[node.call] : ns[node.call];
    if (typeof fn !== "function") {
      throw new Unsupported(`torchlette has no ${self !== undefined ? "Tensor method" : `torch${node.ns ? `.${node.ns}` : ""} function`} ${node.call}`);
    }
    const callArgs = kw.length > 0 ? [...args, kwObj] : args;
    r = (fn as (...a: unknown[]) => unknown).apply(self ?? ns, callArgs);
  }
  if (node.pick !== undefined) {
    const seq = toSeq(r);
    if (seq === null) throw new Unsupported(`pick ${node.pick} from a non-sequence`);
    r = seq[node.pick];
  }
  return r;
}

function arg(a: Arg, leaves: Tensor[], vars: readonly unknown[]): unknown {
  if (a === null || typeof a !== "object") return a;
  if (Array.isArray(a)) return a.map((x) => arg(x, leaves, vars));
  if ("dtype" in a) {
    const d = DTYPES[a.dtype];
    if (!d) throw new Unsupported(`dtype ${a.dtype}`);
    return d;
  }
  if ("f" in a) return decodeValue(a.f);
  if ("list" in a) return a.list.map((x) => arg(x, leaves, vars));
  return ev(a as Node, leaves, vars);
}

/** Arrays and array-likes that PyTorch returns as tuples (split, max(dim) ...). */
function toSeq(r: unknown): unknown[] | null {
  if (Array.isArray(r)) return r;
  if (r !== null && typeof r === "object" && !(r instanceof Tensor) && Symbol.iterator in r && "length" in r) {
    return Array.from(r as Iterable<unknown>);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// comparison

/**
 * Float tolerance: |got - want| <= rtol * |want| + atol, with rtol per dtype and
 * atol = atolFactor * rtol * M, M being `magnitude` or the largest finite |value| expected,
 * whichever is larger. NaNs must match NaNs and infinities must match exactly. `repr` says when
 * reprs are compared: "close" always (numbers may differ by one unit in their last printed
 * digit when the values are not bit-identical), "bitexact" only when the values are.
 */
export interface Tolerance {
  rtol: { float32: number; float64: number };
  atolFactor: number;
  magnitude: number;
  repr: "close" | "bitexact";
}

/** The golden replay's tolerance: 4 units in the last place (2^-21 for float32, 2^-50 for
 * float64); for results that accumulate many roundings (sums, products, matmul, var/std, norms,
 * lerp ...) also an absolute 32 ulps of the case's largest magnitude (inputs and outputs: a
 * cancelled sum can be tiny next to its terms). */
export const GOLDEN_RTOL = { float32: 2 ** -21, float64: 2 ** -50 };

export const ACCUMULATING = new Set([
  "sum", "nansum", "mean", "prod", "std", "var", "var_mean", "std_mean", "logsumexp", "cumsum", "cumprod",
  "norm", "matmul", "mm", "bmm", "dot", "mv", "addmm", "lerp", "linspace", "logspace", "remainder", "fmod",
]);

export function opsOf(node: Node, out: Set<string> = new Set()): Set<string> {
  if ("t" in node || "var" in node) return out;
  if ("call" in node) out.add(node.call);
  else out.add(node.attr);
  if (node.self) opsOf(node.self, out);
  if ("call" in node) {
    const walk = (a: Arg): void => {
      if (a === null || typeof a !== "object") return;
      if (Array.isArray(a)) a.forEach(walk);
      else if ("list" in a) a.list.forEach(walk);
      else if ("t" in a || "call" in a || "attr" in a || "var" in a) opsOf(a as Node, out);
    };
    (node.args ?? []).forEach(walk);
    Object.values(node.kwargs ?? {}).forEach(walk);
  }
  return out;
}

export function maxAbs(ts: readonly Tensor[]): number {
  let m = 0;
  for (const t of ts) {
    if (t.dtype.kind !== "f") continue;
    const v = t._values();
    for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) m = Math.max(m, Math.abs(v[i]));
  }
  return m;
}

export function goldenTolerance(c: Case, leaves: Tensor[]): Tolerance {
  let accumulate = false;
  for (const o of opsOf(c.expr)) if (ACCUMULATING.has(o)) accumulate = true;
  return { rtol: GOLDEN_RTOL, atolFactor: accumulate ? 8 : 0, magnitude: maxAbs(leaves), repr: "close" };
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return `Tensor(${x.dtype.name}, [${x._shape.join(", ")}])`;
  if (x instanceof Error) return `${x.name}: ${x.message}`;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

function isTorchError(e: unknown): e is Error {
  return (
    e instanceof torch.RuntimeError ||
    e instanceof torch.IndexError ||
    e instanceof torch.ValueError ||
    e instanceof torch.TypeError ||
    e instanceof torch.NotImplementedError
  );
}

function errorClass(e: unknown): string {
  if (isTorchError(e)) return e.name;
  if (e instanceof Error) return `JS ${e.name}`;
  return typeof e;
}

/** Problems with a torchlette outcome (a value, or a thrown error) against an expected result. */
export function compare(
  got: { value?: unknown; error?: unknown },
  want: Result,
  leaves: Tensor[],
  tol: Tolerance,
  path = "result",
): string[] {
  if ("error" in want) {
    if (!("error" in got)) return [`${path}: expected ${want.error.type}: ${want.error.message} but got ${describe(got.value)}`];
    const e = got.error;
    const cls = errorClass(e);
    const msg = e instanceof Error ? e.message : String(e);
    const out: string[] = [];
    if (e instanceof Unsupported) return [`${path}: unsupported by torchlette: ${msg}`];
    if (cls !== want.error.type) out.push(`${path}: error class ${cls} != ${want.error.type} (${msg})`);
    if (msg !== want.error.message) out.push(`${path}: error message\n    got:  ${msg}\n    want: ${want.error.message}`);
    return out;
  }
  if ("error" in got) {
    const e = got.error;
    if (e instanceof Unsupported) return [`${path}: unsupported by torchlette: ${e.message}`];
    if (!isTorchError(e)) {
      const where = e instanceof Error ? (e.stack ?? "").split("\n").slice(1, 4).join("\n") : "";
      return [`${path}: torchlette crashed (${describe(e)})\n${where}`];
    }
    return [`${path}: torchlette threw ${describe(e)}; PyTorch returned ${JSON.stringify(want).slice(0, 200)}`];
  }
  return compareValue(got.value, want, leaves, tol, path);
}

function compareValue(v: unknown, want: Result, leaves: Tensor[], tol: Tolerance, path: string): string[] {
  if ("tensor" in want) {
    if (!(v instanceof Tensor)) return [`${path}: expected a tensor, got ${describe(v)}`];
    return compareTensor(v, want.tensor, leaves, tol, path);
  }
  if ("list" in want) {
    const seq = toSeq(v);
    if (seq === null) return [`${path}: expected a sequence of ${want.list.length}, got ${describe(v)}`];
    if (seq.length !== want.list.length) return [`${path}: length ${seq.length} != ${want.list.length}`];
    return seq.flatMap((x, i) => compareValue(x, want.list[i], leaves, tol, `${path}[${i}]`));
  }
  if ("size" in want) {
    if (!Array.isArray(v)) return [`${path}: expected torch.Size(${JSON.stringify(want.size)}), got ${describe(v)}`];
    if (!(v instanceof torch.Size)) return [`${path}: expected a torch.Size, got a plain array`];
    return sameInts(v, want.size) ? [] : [`${path}: size [${v.join(", ")}] != [${want.size.join(", ")}]`];
  }
  if ("dtype" in want) {
    if (!(v instanceof DType)) return [`${path}: expected dtype ${want.dtype}, got ${describe(v)}`];
    return v.name === want.dtype ? [] : [`${path}: dtype ${v.name} != ${want.dtype}`];
  }
  if ("scalar" in want) {
    if (want.kind === "bool" || want.kind === "str") {
      return v === want.scalar ? [] : [`${path}: ${describe(v)} != ${JSON.stringify(want.scalar)}`];
    }
    if (typeof v !== "number") return [`${path}: expected a number ${want.scalar}, got ${describe(v)}`];
    const w = decodeValue(want.scalar);
    return Object.is(v, w) || (v === w) ? [] : [`${path}: ${v} != ${w}`];
  }
  return [`${path}: unknown expected result ${JSON.stringify(want)}`];
}

function sameInts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function compareTensor(t: Tensor, w: TensorResult, leaves: Tensor[], tol: Tolerance, path: string): string[] {
  const out: string[] = [];
  if (t.dtype.name !== w.dtype) out.push(`${path}: dtype ${t.dtype.name} != ${w.dtype}`);
  if (!sameInts(t._shape, w.shape)) {
    out.push(`${path}: shape [${t._shape.join(", ")}] != [${w.shape.join(", ")}]`);
    return out;
  }
  // views must alias the same input with PyTorch's strides; copies must not alias an input
  const aliasOf = t.numel() === 0 ? -1 : leaves.findIndex((l) => l._storage === t._storage);
  if (w.alias !== null) {
    if (aliasOf !== w.alias) out.push(`${path}: PyTorch returns a view of input ${w.alias}; torchlette ${aliasOf < 0 ? "copied" : `aliases input ${aliasOf}`}`);
    else if (!sameInts(t._strides, w.stride) || t._offset !== w.offset) {
      out.push(`${path}: view strides/offset [${t._strides.join(", ")}]+${t._offset} != [${w.stride.join(", ")}]+${w.offset}`);
    }
  } else if (aliasOf >= 0 && t.numel() > 0) {
    out.push(`${path}: PyTorch returns a new tensor; torchlette's result aliases input ${aliasOf}`);
  }
  if (t.is_contiguous() !== w.contiguous) out.push(`${path}: is_contiguous() ${t.is_contiguous()} != ${w.contiguous}`);
  let bitExact = true;
  if (w.values !== null) {
    const got = t._values();
    if (got.length !== w.values.length) {
      out.push(`${path}: ${got.length} values != ${w.values.length}`);
      return out;
    }
    const isFloat = w.dtype === "float32" || w.dtype === "float64";
    const want = w.values.map(decodeValue);
    let M = tol.magnitude;
    for (const x of want) if (Number.isFinite(x)) M = Math.max(M, Math.abs(x));
    const rtol = isFloat ? tol.rtol[w.dtype as "float32" | "float64"] : 0;
    const atol = tol.atolFactor * rtol * M;
    const bad: string[] = [];
    for (let i = 0; i < want.length; i++) {
      const g = got[i], e = want[i];
      if (Object.is(g, e)) continue;
      bitExact = false;
      if (isFloat && g === g && e === e && Number.isFinite(e) && Math.abs(g - e) <= rtol * Math.abs(e) + atol) continue;
      if (isFloat && g === e) continue; // 0 vs -0: the repr decides
      bad.push(`[${i}] ${g} != ${e}`);
    }
    if (bad.length) out.push(`${path}: values differ${isFloat ? ` beyond tolerance (rtol ${rtol.toExponential(2)}, atol ${atol.toExponential(2)})` : ""}: ${bad.slice(0, 6).join(", ")}${bad.length > 6 ? ` (+${bad.length - 6} more)` : ""}`);
  }
  if (w.repr !== null) {
    let r: string;
    try {
      r = t.toString();
    } catch (e) {
      r = `<repr threw ${describe(e)}>`;
    }
    const skip = tol.repr === "bitexact" && !bitExact;
    if (!skip && r !== w.repr && !(bitExact === false && reprsClose(r, w.repr))) {
      out.push(`${path}: repr\n    got:  ${JSON.stringify(r)}\n    want: ${JSON.stringify(w.repr)}`);
    }
  }
  return out;
}

const NUM = /-?\d+(?:\.\d*)?(?:e[+-]\d+)?/g;

/** Reprs of values that differ within tolerance: same text except printed numbers, which may
 * differ by one unit in their last printed digit (a 1-ulp change can round the other way). */
function reprsClose(a: string, b: string): boolean {
  if (a.replace(NUM, "#") !== b.replace(NUM, "#")) return false;
  const na = a.match(NUM) ?? [], nb = b.match(NUM) ?? [];
  if (na.length !== nb.length) return false;
  for (let i = 0; i < na.length; i++) {
    if (na[i] === nb[i]) continue;
    const unit = (s: string) => {
      const m = /\.(\d*)/.exec(s.split("e")[0]);
      const exp = s.includes("e") ? Number(s.split("e")[1]) : 0;
      return 10 ** (exp - (m ? m[1].length : 0));
    };
    if (Math.abs(Number(na[i]) - Number(nb[i])) > 1.0000001 * Math.max(unit(na[i]), unit(nb[i]))) return false;
  }
  return true;
}

/** Run a case in torchlette and compare with `want` (and with the alternative torch version's
 * result when the case records one): [] when it matches either. */
export function check(c: Case, want: Result, alt?: Result, tolFor: (c: Case, leaves: Tensor[]) => Tolerance = goldenTolerance): string[] {
  const saved = torch.get_default_dtype();
  if (c.default_dtype) torch.set_default_dtype(DTYPES[c.default_dtype]);
  try {
    const leaves: Tensor[] = [];
    let got: { value?: unknown; error?: unknown };
    try {
      got = { value: evaluate(c.expr, leaves).value };
    } catch (e) {
      got = { error: e };
    }
    const tol = tolFor(c, leaves);
    const problems = compare(got, want, leaves, tol);
    if (problems.length === 0 || alt === undefined) return problems;
    const altProblems = compare(got, alt, leaves, tol);
    return altProblems.length === 0 ? [] : problems;
  } finally {
    torch.set_default_dtype(saved);
  }
}

// ---------------------------------------------------------------------------------------------
// the PyTorch side

const SCRIPT = fileURLToPath(new URL("../scripts/gen_core_goldens.py", import.meta.url));
const VENV = "/work/.venv-oracle/bin/python";

export type OracleAnswer = { ok: true; torch: string; results: Result[]; python: string } | { ok: false; reason: string };

/** The interpreter to use: $TORCHLETTE_PYTHON, else the oracle venv if present, else python3. */
export function oraclePython(): string {
  return process.env.TORCHLETTE_PYTHON || (existsSync(VENV) ? VENV : "python3");
}

/** Run all cases through PyTorch in one subprocess. `ok: false` when no usable PyTorch exists. */
export function runOracle(cases: { name: string; expr: Node; uninit?: boolean }[]): OracleAnswer {
  return spawnOracle(cases) as OracleAnswer;
}

function spawnOracle(cases: unknown[], python = oraclePython()): { ok: true; torch: string; results: unknown[]; python: string } | { ok: false; reason: string } {
  const p = spawnSync(python, [SCRIPT, "--serve"], {
    input: JSON.stringify({ cases }),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (p.error) return { ok: false, reason: `cannot run ${python}: ${p.error.message}` };
  if (p.status !== 0) {
    const err = p.stderr.trim().split("\n").slice(-1)[0] ?? "";
    if (/No module named '?(torch|numpy)/.test(err)) return { ok: false, reason: `${python} has no torch/numpy (${err})` };
    throw new Error(`PyTorch oracle ${python} failed (status ${p.status}):\n${p.stderr}`);
  }
  const out = JSON.parse(p.stdout) as { torch: string; results: unknown[] };
  return { ok: true, torch: out.torch, results: out.results, python };
}

// ---------------------------------------------------------------------------------------------
// gradient programs (test/differential-grad.test.ts); the format is in the generator's docstring

export interface GradProgram {
  steps: Node[];
  loss: number;
  /** steps (leaves, or any tensors that require grad) whose gradients are compared */
  wrt: number[];
  mode: "backward" | "twice" | "grad";
  /** "twice": the second backward starts here (default: loss again) */
  loss2?: number;
  /** "twice": retain_graph of the first backward (default true) */
  retain?: boolean;
}
export interface GradCase {
  name: string;
  program: GradProgram;
}
export type GradResult =
  | { error: { type: string; message: string }; stage: "forward" | "backward" }
  | {
      loss: TensorResult;
      grad_fns: (string | null)[];
      grads: (TensorResult | null)[];
      grad_none: boolean[];
      /** the program with float32 read as float64: values of the loss and of each gradient */
      ref?: { loss: JVal[]; grads: (JVal[] | null)[]; fmax: number; gmax: number };
    };

export interface GradOutcome {
  stage: "forward" | "backward" | "done";
  error?: unknown;
  loss?: Tensor;
  grad_fns?: (string | null)[];
  grads?: (Tensor | null)[];
  grad_none?: boolean[];
  leaves: Tensor[];
  vars: unknown[];
}

/** Run a gradient program in torchlette, as scripts/gen_core_goldens.py's run_program does. */
export function runProgram(p: GradProgram): GradOutcome {
  const leaves: Tensor[] = [];
  const vars: unknown[] = [];
  const o: GradOutcome = { stage: "forward", leaves, vars };
  try {
    for (const step of p.steps) vars.push(evaluate(step, leaves, vars).value);
    const loss = vars[p.loss] as Tensor;
    const wrt = p.wrt.map((i) => vars[i] as Tensor);
    o.loss = loss;
    o.grad_fns = vars.map((v) => (v instanceof Tensor && v.grad_fn ? v.grad_fn.name : null));
    o.stage = "backward";
    let grads: (Tensor | null)[];
    if (p.mode === "grad") {
      grads = torch.autograd.grad(loss, wrt, { allow_unused: true });
    } else {
      loss.backward({ retain_graph: p.mode === "twice" && (p.retain ?? true) });
      if (p.mode === "twice") (vars[p.loss2 ?? p.loss] as Tensor).backward();
      grads = wrt.map((w) => w.grad);
    }
    o.grads = grads;
    o.grad_none = wrt.map((w) => w.grad === null);
    o.stage = "done";
  } catch (e) {
    o.error = e;
  }
  return o;
}

export type GradOracleAnswer = { ok: true; torch: string; results: GradResult[]; python: string } | { ok: false; reason: string };

/** Run gradient programs through PyTorch in one subprocess (of `python`, default oraclePython()). */
export function runGradOracle(cases: GradCase[], python?: string): GradOracleAnswer {
  return spawnOracle(cases, python) as GradOracleAnswer;
}

/** Debian's torch 1.13 (whose names and messages win where versions differ), unless
 * $TORCHLETTE_ALT_PYTHON names another interpreter ("" for none); null when absent or when it
 * is the main oracle's interpreter. */
export function altOraclePython(): string | null {
  const alt = process.env.TORCHLETTE_ALT_PYTHON ?? "/usr/bin/python3";
  if (alt === "" || alt === oraclePython() || !existsSync(alt)) return null;
  return alt;
}

export { errorClass, isTorchError, describe as describeValue };
