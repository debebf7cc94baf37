// Python's warnings.warn(msg, UserWarning) under the default filter, which shows a warning once
// per call site; once per message per process is the closest JavaScript has.
const shown = new Set<string>();

export function warn(msg: string): void {
  if (shown.has(msg)) return;
  shown.add(msg);
  console.warn(`UserWarning: ${msg}`);
}
