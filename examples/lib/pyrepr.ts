// What a Jupyter cell shows for a value (Python's repr), so ported notebook cells print the same
// text: tuples as `(a, b)`, booleans as True/False, floats as Python's repr, tensors as PyTorch's.
import { pyFloatRepr, pyTupleRepr } from "../../src/printing.js";

export function pyRepr(v: unknown): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) < 1e16 ? String(v) : pyFloatRepr(v);
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return `'${v}'`;
  if (Array.isArray(v) && !(v.constructor && v.constructor.name === "Size")) return `[${v.map(pyRepr).join(", ")}]`;
  return String(v);
}

/** A notebook Out[] value: several values display as a Python tuple. */
export function display(...values: unknown[]): string {
  return values.length === 1 ? pyRepr(values[0]) : pyTupleRepr(values.map(pyRepr));
}

/** collections.Counter over integer labels, printed most common first (ties by first seen). */
export function Counter(values: Iterable<number>): string {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const items = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return `Counter({${items.map(([k, c]) => `${pyRepr(k)}: ${c}`).join(", ")}})`;
}
