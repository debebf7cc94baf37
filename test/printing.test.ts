// Tensor printing against torch 1.13 and CPython.
// Vectors: test/vectors/printing.json (spec vectors copied from the shared printing spec, plus
// extra torch 1.13 cases from scripts/gen_printing_vectors.py) and test/vectors/pyformat.json
// (CPython str.format/repr strings from scripts/gen_pyformat_vectors.py).
import { test, describe, beforeEach, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import {
  tensorRepr,
  parameterRepr,
  sizeRepr,
  set_printoptions,
  get_printoptions,
  printoptions,
  pyFormat,
  pyFloatRepr,
  pyTupleRepr,
  type ReprInput,
} from "../src/printing.js";
import { RuntimeError } from "../src/errors.js";

const vecDir = fileURLToPath(new URL("./vectors/", import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(vecDir + name, "utf8"));

type JsonVal = number | boolean | string;
interface Case {
  construct: string;
  options: Record<string, unknown>;
  dtype: string;
  shape: number[];
  values: JsonVal[] | null;
  requires_grad: boolean;
  grad_fn: string | null;
  expected?: string;
  error?: string;
  kind?: "tensor" | "parameter";
  default_dtype?: string;
}

function decode(v: JsonVal): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0.0": -0 };
  if (!(v in special)) throw new Error(`unknown encoded value ${v}`);
  return special[v];
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

// The vector cases without inline values (numel > 1200) are all of the form
// `torch.arange(N[.]) [.reshape(...)] [/ k | * k]`; float32 arithmetic with a Python scalar runs
// in float32 (checked against torch 1.13: arange(2000.)/3 and arange(4096.)*1e-3 match exactly).
function rebuild(c: Case): number[] {
  const m = /^torch\.arange\((\d+)(\.?)\)(?:\.reshape\(([\d, ]+)\))?(?: ([*/]) ([\d.e+-]+))?$/.exec(c.construct);
  if (m === null) throw new Error(`no rebuild rule for construct ${c.construct}`);
  const n = Number(m[1]);
  const isFloat = m[2] === ".";
  assert.equal(isFloat ? "float32" : "int64", c.dtype, c.construct);
  if (m[3] !== undefined) assert.deepEqual(m[3].split(",").map(Number), c.shape, c.construct);
  assert.equal(n, numel(c.shape), c.construct);
  const k = m[5] === undefined ? 1 : Math.fround(Number(m[5]));
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    out[i] = m[4] === "/" ? Math.fround(i / k) : m[4] === "*" ? Math.fround(i * k) : i;
  }
  return out;
}

function reprOf(c: Case): string {
  set_printoptions({ profile: "default" });
  set_printoptions(c.options as Parameters<typeof set_printoptions>[0]);
  const values = c.values === null ? rebuild(c) : c.values.map(decode);
  assert.equal(values.length, numel(c.shape), `${c.construct}: value count`);
  const input: ReprInput = {
    dtype: c.dtype,
    shape: c.shape,
    values,
    requiresGrad: c.requires_grad,
    gradFn: c.grad_fn,
    defaultDtype: c.default_dtype ?? "float32",
  };
  return c.kind === "parameter" ? parameterRepr(input) : tensorRepr(input);
}

const printing = load("printing.json");

describe("tensorRepr: spec vectors (torch 1.13)", () => {
  after(() => set_printoptions({ profile: "default" }));
  const cases: Case[] = printing.cases;
  test("vector file is complete", () => {
    assert.equal(cases.length, 147);
    assert.equal(cases.filter((c) => c.values === null).length, 7);
  });
  cases.forEach((c, i) => {
    test(`#${i} ${c.construct} ${JSON.stringify(c.options)}`, () => {
      assert.equal(reprOf(c), c.expected);
    });
  });
  test("torch.Size", () => {
    for (const s of printing.size_cases as { shape: number[]; expected: string }[]) {
      assert.equal(sizeRepr(s.shape), s.expected);
    }
  });
});

describe("tensorRepr: extra torch 1.13 cases", () => {
  after(() => set_printoptions({ profile: "default" }));
  const cases: Case[] = printing.extra_cases;
  test("vector file is complete", () => assert.ok(cases.length >= 300));
  cases.forEach((c, i) => {
    test(`#${i} ${c.construct} ${JSON.stringify(c.options)}`, () => {
      if (c.error !== undefined) {
        assert.throws(() => reprOf(c), (e: unknown) => e instanceof RuntimeError && e.message === c.error);
      } else {
        assert.equal(reprOf(c), c.expected);
      }
    });
  });
});

describe("tensorRepr: direct checks", () => {
  beforeEach(() => set_printoptions({ profile: "default" }));
  after(() => set_printoptions({ profile: "default" }));

  test("ReprInput accepts typed arrays and honours defaults", () => {
    assert.equal(tensorRepr({ dtype: "float32", shape: [2, 2], values: new Float32Array([1, 2.5, -3, 0]) }),
      "tensor([[ 1.0000,  2.5000],\n        [-3.0000,  0.0000]])");
    assert.equal(tensorRepr({ dtype: "bool", shape: [3], values: new Uint8Array([1, 0, 1]) }), "tensor([ True, False,  True])");
    assert.equal(tensorRepr({ dtype: "float64", shape: [1], values: [1], defaultDtype: "float64" }), "tensor([1.])");
    assert.equal(tensorRepr({ dtype: "float32", shape: [], values: [6], gradFn: "SumBackward0", requiresGrad: true }),
      "tensor(6., grad_fn=<SumBackward0>)");
  });

  test("forced sci_mode: widths measured in the automatic mode (1.13 rule)", () => {
    set_printoptions({ sci_mode: false });
    assert.equal(tensorRepr({ dtype: "float32", shape: [2], values: [Math.fround(1e-5), 1] }), "tensor([    0.0000,     1.0000])");
    set_printoptions({ sci_mode: true });
    assert.equal(tensorRepr({ dtype: "float32", shape: [3], values: [1, 2, 3] }), "tensor([1.0000e+00, 2.0000e+00, 3.0000e+00])");
    // nothing finite and nonzero: torch returns before looking at sci_mode
    assert.equal(tensorRepr({ dtype: "float32", shape: [2], values: [0, NaN] }), "tensor([0., nan])");
  });

  test("parameterRepr", () => {
    assert.equal(parameterRepr({ dtype: "float32", shape: [2], values: [1, 2] }), "Parameter containing:\ntensor([1., 2.], requires_grad=True)");
  });

  test("a few thousand elements print quickly", () => {
    const vals = new Float32Array(5000);
    let s = 1;
    for (let i = 0; i < vals.length; i++) {
      s = (s * 48271) % 2147483647;
      vals[i] = (s / 2147483647 - 0.5) * 100;
    }
    const t0 = performance.now();
    const out = printoptions({ profile: "full" }, () => tensorRepr({ dtype: "float32", shape: [50, 100], values: vals }));
    const ms = performance.now() - t0;
    assert.equal(out.match(/e[+-]\d\d/g)?.length, 5000); // ratio > 1000: every value in sci mode
    assert.ok(ms < 1500, `printing 5000 floats took ${ms.toFixed(0)} ms`);
  });
});

describe("pyFormat / pyFloatRepr vs CPython", () => {
  const vec = load("pyformat.json");
  const dv = new DataView(new ArrayBuffer(8));
  const fromHex = (h: string) => {
    dv.setBigUint64(0, BigInt("0x" + h));
    return dv.getFloat64(0);
  };
  const cases: [string, string, ["f" | "e", number, string][]][] = vec.cases;

  test("vector file is complete", () => assert.ok(cases.length > 3000));
  test("str.format '{:.Pf}' and '{:.Pe}'", () => {
    let n = 0;
    const bad: string[] = [];
    for (const [h, , specs] of cases) {
      const x = fromHex(h);
      for (const [spec, p, want] of specs) {
        n++;
        const got = pyFormat(x, spec, p);
        if (got !== want && bad.length < 10) bad.push(`${h} ${spec}${p}: got ${got} want ${want}`);
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(n > 20000);
  });
  test("repr(float)", () => {
    const bad: string[] = [];
    for (const [h, want] of cases) {
      const got = pyFloatRepr(fromHex(h));
      if (got !== want && bad.length < 10) bad.push(`${h}: got ${got} want ${want}`);
    }
    assert.deepEqual(bad, []);
  });

  test("hand-picked pyFormat cases", () => {
    assert.equal(pyFormat(0.03125, "f", 4), "0.0312"); // tie to even (JS toFixed: 0.0313)
    assert.equal(pyFormat(0.09375, "f", 4), "0.0938");
    assert.equal(pyFormat(2.5, "f", 0), "2");
    assert.equal(pyFormat(3.5, "f", 0), "4");
    assert.equal(pyFormat(-2.5, "f", 0), "-2");
    assert.equal(pyFormat(125, "e", 1), "1.2e+02");
    assert.equal(pyFormat(-0, "f", 4), "-0.0000");
    assert.equal(pyFormat(-0, "f", 0), "-0");
    assert.equal(pyFormat(-0, "e", 4), "-0.0000e+00");
    assert.equal(pyFormat(-1e-5, "f", 4), "-0.0000");
    assert.equal(pyFormat(1e5, "e", 4), "1.0000e+05");
    assert.equal(pyFormat(1e100, "e", 4), "1.0000e+100");
    assert.equal(pyFormat(1e-10, "e", 4), "1.0000e-10");
    assert.equal(pyFormat(9.99995, "e", 4), "1.0000e+01"); // the double is just above the tie
    assert.equal(pyFormat(0.25, "e", 0), "2e-01"); // exact tie (JS toExponential: 3e-1)
    assert.equal(pyFormat(1.5, "e", 0), "2e+00");
    assert.equal(pyFormat(1e21, "f", 1), "1000000000000000000000.0");
    assert.equal(pyFormat(NaN, "f", 4), "nan");
    assert.equal(pyFormat(-NaN, "e", 4), "nan");
    assert.equal(pyFormat(Infinity, "e", 4), "inf");
    assert.equal(pyFormat(-Infinity, "f", 4), "-inf");
    assert.equal(pyFormat(5e-324, "e", 2), "4.94e-324");
  });

  test("hand-picked pyFloatRepr cases", () => {
    const cases: [number, string][] = [
      [3.4523065090179443, "3.4523065090179443"], [1, "1.0"], [1e-5, "1e-05"], [1e16, "1e+16"],
      [1e15, "1000000000000000.0"], [1e-4, "0.0001"], [NaN, "nan"], [Infinity, "inf"],
      [-Infinity, "-inf"], [-0, "-0.0"], [0, "0.0"], [0.1, "0.1"], [-1.5e-7, "-1.5e-07"],
      [1e22, "1e+22"], [1.7976931348623157e308, "1.7976931348623157e+308"], [5e-324, "5e-324"],
      [123456789012345680, "1.2345678901234568e+17"], [9999999999999998, "9999999999999998.0"],
      [0.00012, "0.00012"], [100, "100.0"],
    ];
    for (const [v, want] of cases) assert.equal(pyFloatRepr(v), want, String(v));
  });

  test("pyTupleRepr", () => {
    assert.equal(pyTupleRepr([]), "()");
    assert.equal(pyTupleRepr(["2"]), "(2,)");
    assert.equal(pyTupleRepr(["2", "0"]), "(2, 0)");
  });
});

describe("print options", () => {
  beforeEach(() => set_printoptions({ profile: "default" }));
  after(() => set_printoptions({ profile: "default" }));

  test("defaults and profiles", () => {
    assert.deepEqual(get_printoptions(), { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null });
    set_printoptions({ profile: "short" });
    assert.deepEqual(get_printoptions(), { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80, sci_mode: null });
    set_printoptions({ profile: "full" });
    assert.deepEqual(get_printoptions(), { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80, sci_mode: null });
  });

  test("profile is applied first, then explicit options; omitted options are kept", () => {
    set_printoptions({ precision: 7, linewidth: 100 });
    set_printoptions({ profile: "short", precision: 6 });
    assert.deepEqual(get_printoptions(), { precision: 6, threshold: 1000, edgeitems: 2, linewidth: 80, sci_mode: null });
    set_printoptions({ edgeitems: 5 });
    assert.equal(get_printoptions().precision, 6);
    assert.equal(get_printoptions().edgeitems, 5);
  });

  test("sci_mode is reset by any call that omits it", () => {
    set_printoptions({ sci_mode: true });
    assert.equal(get_printoptions().sci_mode, true);
    set_printoptions({ precision: 3 });
    assert.equal(get_printoptions().sci_mode, null);
    set_printoptions({ sci_mode: false });
    set_printoptions();
    assert.equal(get_printoptions().sci_mode, null);
  });

  test("get_printoptions returns a copy", () => {
    const o = get_printoptions();
    o.precision = 9;
    assert.equal(get_printoptions().precision, 4);
  });

  test("options change the printed text", () => {
    set_printoptions({ precision: 2 });
    assert.equal(tensorRepr({ dtype: "float32", shape: [1], values: [Math.fround(1.12345)] }), "tensor([1.12])");
    set_printoptions({ threshold: 5 });
    assert.equal(tensorRepr({ dtype: "int64", shape: [10], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }), "tensor([0, 1, 2,  ..., 7, 8, 9])");
  });

  test("printoptions applies temporarily and restores, also on throw", () => {
    set_printoptions({ precision: 6, sci_mode: true });
    const before = get_printoptions();
    const r = printoptions({ precision: 1 }, () => {
      assert.equal(get_printoptions().precision, 1);
      assert.equal(get_printoptions().sci_mode, null);
      return tensorRepr({ dtype: "float32", shape: [1], values: [1.25] });
    });
    assert.equal(r, "tensor([1.2])");
    assert.deepEqual(get_printoptions(), before);
    assert.throws(
      () =>
        printoptions({ profile: "full", linewidth: 10 }, () => {
          printoptions({ precision: 2 }, () => {
            throw new Error("boom");
          });
        }),
      /boom/,
    );
    assert.deepEqual(get_printoptions(), before);
  });
});
