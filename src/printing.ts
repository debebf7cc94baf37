// Tensor printing, a port of torch/_tensor_str.py as it behaves in PyTorch 1.13 (the version the
// course notes were produced with). Spec and verified vectors: docs in the shared spec
// "pytorch-printing.md"; the tests replay its vectors plus extra torch 1.13 oracle cases.
//
// Two places where 1.13 and later PyTorch differ and 1.13 is followed on purpose:
//  * column widths are measured in the automatically chosen mode, then a user-forced sci_mode
//    is applied (`sci_mode=False` on [1e-5, 1.] prints `tensor([    0.0000,     1.0000])`);
//  * edgeitems <= 0 while summarizing: 1-D rows use Python's `x[-0:]` (the whole row) after
//    " ...", and >= 2-D tensors raise "stack expects a non-empty TensorList".
//
// Numbers are formatted exactly as CPython's str.format / repr(float) do, because torch calls
// them: JS toFixed/toExponential round ties away from zero, drop the sign of -0 and write
// exponents as "e+5"; those fast paths are only used where they are provably identical.

import { RuntimeError, ValueError } from "./errors.js";

export interface ReprInput {
  dtype: string; // "float32" | "float64" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool"
  shape: readonly number[];
  values: ArrayLike<number>; // row-major, contiguous; bool as 0/1; int64 as JS numbers
  requiresGrad?: boolean;
  gradFn?: string | null; // e.g. "AddBackward0"
  defaultDtype?: string; // default "float32"
}

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sci_mode: boolean | null;
}

type SetOptions = {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  profile?: "default" | "short" | "full";
  sci_mode?: boolean | null;
};

const PRINT_OPTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null };

const PROFILES: Record<string, Omit<PrintOptions, "sci_mode">> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

/** torch.set_printoptions. Like PyTorch, `sci_mode` is assigned on every call (omitted → null). */
export function set_printoptions(opts: SetOptions = {}): void {
  const o = opts ?? {};
  if (o.profile != null) {
    const p = PROFILES[o.profile];
    // PyTorch silently ignores an unknown profile name; so do we.
    if (p !== undefined && Object.prototype.hasOwnProperty.call(PROFILES, o.profile)) Object.assign(PRINT_OPTS, p);
  }
  if (o.precision != null) PRINT_OPTS.precision = o.precision;
  if (o.threshold != null) PRINT_OPTS.threshold = o.threshold;
  if (o.edgeitems != null) PRINT_OPTS.edgeitems = o.edgeitems;
  if (o.linewidth != null) PRINT_OPTS.linewidth = o.linewidth;
  PRINT_OPTS.sci_mode = o.sci_mode ?? null;
}

export function get_printoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

/**
 * torch.printoptions context manager: options apply while `fn` runs and are restored afterwards,
 * also when it throws. Synchronous only (like the Python `with` block): a returned promise is
 * not awaited, so options are already restored while it is pending.
 */
export function printoptions<T>(opts: Parameters<typeof set_printoptions>[0], fn: () => T): T {
  const saved = get_printoptions();
  set_printoptions(opts);
  try {
    return fn();
  } finally {
    Object.assign(PRINT_OPTS, saved);
  }
}

// ---------------------------------------------------------------------------------------------
// CPython number formatting
// ---------------------------------------------------------------------------------------------

const DV = new DataView(new ArrayBuffer(8));

/** x (finite, > 0) = m * 2^e exactly, m a BigInt. */
function decompose(x: number): [bigint, number] {
  DV.setFloat64(0, x);
  const bits = DV.getBigUint64(0);
  const bexp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return bexp === 0 ? [frac, -1074] : [frac | (1n << 52n), bexp - 1075];
}

const POW10: bigint[] = [1n];
function pow10(k: number): bigint {
  while (POW10.length <= k) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[k];
}

/** round-half-even of num/den (den > 0) */
function divRoundEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num - q * den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** "{:.pf}" of ax >= 0 (finite) by exact rational rounding. */
function fixedExact(ax: number, p: number): string {
  let n = 0n;
  if (ax !== 0) {
    const [m, e] = decompose(ax);
    n = e >= 0 ? (m << BigInt(e)) * pow10(p) : divRoundEven(m * pow10(p), 1n << BigInt(-e));
  }
  let s = n.toString();
  if (p === 0) return s;
  if (s.length <= p) s = "0".repeat(p - s.length + 1) + s;
  return s.slice(0, s.length - p) + "." + s.slice(s.length - p);
}

/** p+1 significant digits of ax > 0 (finite) and its decimal exponent, exactly rounded. */
function expExact(ax: number, p: number): [string, number] {
  const [m, e] = decompose(ax);
  const lo = pow10(p);
  const hi = lo * 10n;
  let E = Math.floor(Math.log10(ax)); // may be off by one near powers of ten; corrected below
  for (;;) {
    const k = p - E;
    let num = m;
    let den = 1n;
    if (e >= 0) num <<= BigInt(e);
    else den <<= BigInt(-e);
    if (k >= 0) num *= pow10(k);
    else den *= pow10(-k);
    const q = num / den;
    if (q < lo) {
      E -= 1;
      continue;
    }
    if (q >= hi) {
      E += 1;
      continue;
    }
    let n = divRoundEven(num, den);
    if (n === hi) {
      n = lo;
      E += 1;
    }
    return [n.toString(), E];
  }
}

function expString(digits: string, E: number): string {
  const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
  const a = Math.abs(E);
  return mant + (E < 0 ? "e-" : "e+") + (a < 10 ? "0" + a : String(a));
}

/**
 * CPython "{:.Pf}".format(v) / "{:.Pe}".format(v): correctly rounded, ties to even on the exact
 * binary value, "-0" keeps its sign, exponent with sign and >= 2 digits, nan/inf/-inf.
 */
export function pyFormat(v: number, spec: "f" | "e", precision: number): string {
  const p = precision;
  if (!Number.isInteger(p) || p < 0) throw new ValueError("Format specifier missing precision");
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  const neg = v < 0 || Object.is(v, -0);
  const ax = Math.abs(v);
  let body: string;
  if (spec === "f") {
    // ax is a tie at p decimals iff ax = odd * 2^-(p+1); scaling by a power of two is exact here.
    // Otherwise V8's toFixed (exact for |x| < 1e21, p <= 100) already rounds like CPython.
    if (p <= 100 && ax < 1e21) {
      const y = ax * 2 ** (p + 1);
      body = Number.isInteger(y) && y % 2 === 1 ? fixedExact(ax, p) : ax.toFixed(p);
    } else {
      body = fixedExact(ax, p);
    }
  } else if (spec === "e") {
    if (ax === 0) {
      body = expString("0".repeat(p + 1), 0);
    } else if (p <= 97) {
      // Three guard digits: unless they read "500" the exact value is not within half a guard
      // unit of a tie, so rounding toExponential(p) (ties away) agrees with ties-to-even.
      const g = ax.toExponential(p + 3);
      const gm = g.slice(0, g.indexOf("e"));
      if (gm.endsWith("500")) {
        const [d, E] = expExact(ax, p);
        body = expString(d, E);
      } else {
        const s = ax.toExponential(p);
        const i = s.indexOf("e");
        body = expString(s.slice(0, i).replace(".", ""), Number(s.slice(i + 1)));
      }
    } else {
      const [d, E] = expExact(ax, p);
      body = expString(d, E);
    }
  } else {
    throw new ValueError(`Unknown format code '${String(spec)}' for object of type 'float'`);
  }
  return neg ? "-" + body : body;
}

/** C++ `ostream << double` (printf %g, 6 significant digits), used in ATen messages; a NaN
 * prints as `${nanSign}nan` (its sign bit is the caller's to know). */
export function cppDouble(x: number, nanSign: "" | "-" = ""): string {
  if (x !== x) return `${nanSign}nan`;
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  // six significant digits rounded half-to-even on the exact binary value, as glibc's printf
  // does (JS toExponential rounds ties up)
  const [m, es] = Math.abs(x).toExponential(40).split("e");
  let e = Number(es);
  const d = m.replace(".", "");
  let n = Number(d.slice(0, 6));
  const rest = d.slice(6);
  if (rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || n % 2 === 1))) {
    n += 1;
    if (n === 1000000) {
      n = 100000;
      e += 1;
    }
  }
  const digits = String(n);
  const strip = (s: string) => s.replace(/0+$/, "");
  if (e < -4 || e >= 6) {
    const frac = strip(digits.slice(1));
    const ae = Math.abs(e);
    return `${sign}${digits[0]}${frac ? "." + frac : ""}e${e < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  const int = e >= 0 ? digits.slice(0, e + 1) : "0";
  const frac = strip(e >= 0 ? digits.slice(e + 1) : "0".repeat(-e - 1) + digits);
  return `${sign}${int}${frac ? "." + frac : ""}`;
}

/** CPython repr(float): shortest round-trip digits, exponent form when exp < -4 or >= 16. */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const sign = v < 0 ? "-" : "";
  // ECMAScript Number::toString picks the shortest round-trip digits, closest to the value —
  // the same digits as CPython's repr (dtoa mode 0); only the layout differs.
  const s = String(Math.abs(v));
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (m === null) throw new RuntimeError(`pyFloatRepr: unexpected number text ${s}`);
  const intPart = m[1];
  const fracPart = m[2] ?? "";
  let digits = intPart + fracPart;
  let decpt = intPart.length + (m[3] !== undefined ? Number(m[3]) : 0); // value = 0.digits * 10^decpt
  const lead = digits.length - digits.replace(/^0+/, "").length;
  digits = digits.slice(lead);
  decpt -= lead;
  digits = digits.replace(/0+$/, "");
  let out: string;
  if (decpt <= -4 || decpt > 16) {
    out = expString(digits, decpt - 1);
  } else if (decpt <= 0) {
    out = "0." + "0".repeat(-decpt) + digits;
  } else if (decpt >= digits.length) {
    out = digits + "0".repeat(decpt - digits.length) + ".0";
  } else {
    out = digits.slice(0, decpt) + "." + digits.slice(decpt);
  }
  return sign + out;
}

/** Python tuple repr of already-repr'd items: "()", "(a,)", "(a, b)". */
export function pyTupleRepr(items: string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

export function sizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.map((d) => intStr(d)).join(", ")}])`;
}

function intStr(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
}

// ---------------------------------------------------------------------------------------------
// _Formatter
// ---------------------------------------------------------------------------------------------

const FLOAT_DTYPES = new Set(["float32", "float64", "float16", "bfloat16"]);

class Formatter {
  readonly floating: boolean;
  readonly isBool: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;
  private readonly precision: number;

  constructor(vals: ArrayLike<number>, dtype: string, opts: PrintOptions) {
    this.floating = FLOAT_DTYPES.has(dtype);
    this.isBool = dtype === "bool";
    const p = (this.precision = opts.precision);
    if (!this.floating) {
      for (let i = 0; i < vals.length; i++) this.maxWidth = Math.max(this.maxWidth, this.plain(vals[i]).length);
      return;
    }
    const nz: number[] = [];
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (Number.isFinite(v) && v !== 0) nz.push(v);
    }
    // torch returns before applying PRINT_OPTS.sci_mode when nothing is finite and nonzero
    if (nz.length === 0) return;
    let mn = Infinity;
    let mx = 0;
    for (const v of nz) {
      const a = Math.abs(v);
      if (a < mn) mn = a;
      if (a > mx) mx = a;
      if (this.intMode && v !== Math.ceil(v)) this.intMode = false;
    }
    const autoSci = this.intMode ? mx / mn > 1000 || mx > 1e8 : mx / mn > 1000 || mx > 1e8 || mn < 1e-4;
    this.sciMode = autoSci;
    // 1.13: widths follow the automatic choice; a forced sci_mode only changes the rendering.
    for (const v of nz) {
      const w = autoSci ? pyFormat(v, "e", p).length : this.intMode ? pyFormat(v, "f", 0).length + 1 : pyFormat(v, "f", p).length;
      if (w > this.maxWidth) this.maxWidth = w;
    }
    if (opts.sci_mode !== null) this.sciMode = opts.sci_mode;
  }

  private plain(v: number): string {
    return this.isBool ? (v ? "True" : "False") : intStr(v);
  }

  format(v: number): string {
    let ret: string;
    if (this.floating) {
      if (this.sciMode) ret = pyFormat(v, "e", this.precision);
      else if (this.intMode) {
        ret = pyFormat(v, "f", 0);
        if (Number.isFinite(v)) ret += ".";
      } else ret = pyFormat(v, "f", this.precision);
    } else {
      ret = this.plain(v);
    }
    return ret.length < this.maxWidth ? " ".repeat(this.maxWidth - ret.length) + ret : ret;
  }
}

// ---------------------------------------------------------------------------------------------
// layout
// ---------------------------------------------------------------------------------------------

/** Indices of Python's x[a:b] on a length-n sequence (None bounds as undefined). */
function pySlice(n: number, start: number | undefined, stop: number | undefined): [number, number] {
  const norm = (i: number) => (i < 0 ? Math.max(n + i, 0) : Math.min(i, n));
  return [start === undefined ? 0 : norm(start), stop === undefined ? n : norm(stop)];
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

/** Positions kept by `x[:e]` and `x[-e:]` (1-D rows, Python slice semantics: e = 0 keeps all). */
function edgeSlices(n: number, e: number): [number[], number[]] {
  const [a0, a1] = pySlice(n, undefined, e);
  const [b0, b1] = pySlice(n, -e, undefined);
  return [range(a0, a1), range(b0, b1)];
}

interface Ctx {
  values: ArrayLike<number>;
  shape: readonly number[];
  strides: number[];
  summarize: boolean;
  fmt: Formatter;
  opts: PrintOptions;
}

/** get_summarized_data, flattened: the values the formatter looks at when summarizing. */
function summarizedValues(values: ArrayLike<number>, shape: readonly number[], strides: number[], e: number): number[] {
  const out: number[] = [];
  const rec = (dim: number, off: number) => {
    if (dim === shape.length) {
      out.push(values[off]);
      return;
    }
    const n = shape[dim];
    if (dim === shape.length - 1) {
      const idx = n > 2 * e ? edgeSlices(n, e).flat() : range(0, n);
      for (const i of idx) out.push(values[off + i]);
      return;
    }
    let idx: number[];
    if (n > 2 * e) {
      idx = [...range(0, e), ...range(n - e, n)];
      // torch.stack([]) in get_summarized_data
      if (idx.length === 0) throw new RuntimeError("stack expects a non-empty TensorList");
    } else {
      idx = range(0, n);
    }
    for (const i of idx) rec(dim + 1, off + i * strides[dim]);
  };
  rec(0, 0);
  return out;
}

function vectorStr(c: Ctx, off: number, indent: number): string {
  const n = c.shape[c.shape.length - 1];
  const o = c.opts;
  const perLine = Math.max(1, Math.floor((o.linewidth - indent) / (c.fmt.maxWidth + 2)));
  let data: string[];
  if (c.summarize && n > 2 * o.edgeitems) {
    const [a, b] = edgeSlices(n, o.edgeitems);
    data = [...a.map((i) => c.fmt.format(c.values[off + i])), " ...", ...b.map((i) => c.fmt.format(c.values[off + i]))];
  } else {
    data = new Array<string>(n);
    for (let i = 0; i < n; i++) data[i] = c.fmt.format(c.values[off + i]);
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
  return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
}

function tensorStrWithFormatter(c: Ctx, dim: number, off: number, indent: number): string {
  const nd = c.shape.length - dim;
  if (nd === 0) return c.fmt.format(c.values[off]);
  if (nd === 1) return vectorStr(c, off, indent);
  const n = c.shape[dim];
  const e = c.opts.edgeitems;
  const child = (i: number) => tensorStrWithFormatter(c, dim + 1, off + i * c.strides[dim], indent + 1);
  const slices =
    c.summarize && n > 2 * e ? [...range(0, e).map(child), "...", ...range(n - e, n).map(child)] : range(0, n).map(child);
  return "[" + slices.join("," + "\n".repeat(nd - 1) + " ".repeat(indent + 1)) + "]";
}

function tensorStr(x: ReprInput, indent: number, opts: PrintOptions): string {
  const shape = x.shape;
  let numel = 1;
  for (const d of shape) numel *= d;
  if (numel === 0) return "[]";
  if (x.values.length < numel) throw new RuntimeError(`tensorRepr: ${x.values.length} values for shape ${sizeRepr(shape)}`);
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const summarize = numel > opts.threshold;
  const src = summarize ? summarizedValues(x.values, shape, strides, opts.edgeitems) : x.values;
  const fmt = new Formatter(src, x.dtype, opts);
  return tensorStrWithFormatter({ values: x.values, shape, strides, summarize, fmt, opts }, 0, 0, indent);
}

function addSuffixes(s: string, suffixes: string[], indent: number, linewidth: number): string {
  const parts = [s];
  // Python's `len(s) - s.rfind("\n") + 1`: len + 2 when there is no newline (kept on purpose)
  let last = s.length - s.lastIndexOf("\n") + 1;
  for (const suf of suffixes) {
    if (last + suf.length + 2 > linewidth) {
      parts.push(",\n" + " ".repeat(indent) + suf);
      last = indent + suf.length;
    } else {
      parts.push(", " + suf);
      last += suf.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

/** repr(tensor) / str(tensor) of a dense CPU tensor, as PyTorch 1.13 prints it. */
export function tensorRepr(x: ReprInput): string {
  const opts = PRINT_OPTS;
  const prefix = "tensor(";
  const indent = prefix.length;
  const defaultDtype = x.defaultDtype ?? "float32";
  const suffixes: string[] = [];
  let numel = 1;
  for (const d of x.shape) numel *= d;
  let body: string;
  if (numel === 0) {
    // an empty tensor has no values to hint at its dtype, so only the default one is implicit
    if (x.shape.length !== 1) suffixes.push("size=" + pyTupleRepr(x.shape.map((d) => intStr(d))));
    if (x.dtype !== defaultDtype) suffixes.push("dtype=torch." + x.dtype);
    body = "[]";
  } else {
    if (!(x.dtype === defaultDtype || x.dtype === "int64" || x.dtype === "bool")) suffixes.push("dtype=torch." + x.dtype);
    body = tensorStr(x, indent, opts);
  }
  if (x.gradFn != null) suffixes.push(`grad_fn=<${x.gradFn}>`);
  else if (x.requiresGrad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent, opts.linewidth);
}

/**
 * repr(nn.Parameter): "Parameter containing:\n" + the tensor's repr. requires_grad defaults to
 * true; an explicit `requiresGrad: false` (nn.Parameter(t, requires_grad=False)) is honoured.
 */
export function parameterRepr(x: ReprInput): string {
  return "Parameter containing:\n" + tensorRepr({ ...x, requiresGrad: x.requiresGrad ?? true });
}
