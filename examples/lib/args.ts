// Minimal `--name value` / `--flag` command-line parsing for the examples.
export function parseArgs(argv: string[] = process.argv.slice(2)): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), true);
  }
  return out;
}

export function intArg(args: Map<string, string | true>, name: string, dflt: number): number {
  const v = args.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} expects an integer, got ${String(v)}`);
  return n;
}

export function floatArg(args: Map<string, string | true>, name: string, dflt: number): number {
  const v = args.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got ${String(v)}`);
  return n;
}
