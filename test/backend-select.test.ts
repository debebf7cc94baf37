// Which backend loads (src/backend/node.ts): the addon when it loads, otherwise the TypeScript
// backend with a one-line notice; TORCHLETTE_BACKEND=js forces the TypeScript backend,
// TORCHLETTE_BACKEND=native the addon or an error. Each case runs in a fresh process; the
// addon-missing cases run a copy of src/ in a directory without build/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { native } from "../src/backend/native.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/loader.mjs");

/** backends.name printed by a fresh process importing `src` with TORCHLETTE_BACKEND = value */
function load(src: string, value: string | undefined): { status: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, TORCHLETTE_BACKEND: value };
  if (value === undefined) delete env.TORCHLETTE_BACKEND;
  const code = `const t = await import(${JSON.stringify(join(src, "index.ts"))}); process.stdout.write(t.backends.name)`;
  const r = spawnSync(process.execPath, ["--import", TSX, "--input-type=module", "-e", code], { env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("TORCHLETTE_BACKEND picks the backend; an unknown value is named and ignored", { skip: native === null ? "the addon is not built here" : false }, () => {
  const src = join(ROOT, "src");
  assert.deepEqual(load(src, "native"), { status: 0, stdout: "native", stderr: "" });
  assert.deepEqual(load(src, "js"), { status: 0, stdout: "js", stderr: "" });
  assert.deepEqual(load(src, undefined), { status: 0, stdout: "native", stderr: "" });
  const odd = load(src, "cuda");
  assert.equal(odd.stdout, "native");
  assert.match(odd.stderr, /TORCHLETTE_BACKEND=cuda is neither "native" nor "js"; ignored/);
});

test("without the addon: the TypeScript backend with a one-line notice, or an error when native is asked for", () => {
  const dir = mkdtempSync(join(tmpdir(), "torchlette-nobuild-"));
  try {
    cpSync(join(ROOT, "src"), join(dir, "src"), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(dir, "package.json")); // ES modules, as here
    const src = join(dir, "src");
    const quiet = load(src, undefined);
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stdout, "js");
    const lines = quiet.stderr.trim().split("\n");
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^torchlette: native addon unavailable \(.*\); using the TypeScript backend$/);
    assert.deepEqual(load(src, "js"), { status: 0, stdout: "js", stderr: "" });
    const forced = load(src, "native");
    assert.notEqual(forced.status, 0);
    assert.equal(forced.stdout, "");
    assert.match(forced.stderr, /Error: torchlette: TORCHLETTE_BACKEND=native, but the native addon is unavailable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
