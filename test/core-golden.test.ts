// Every case of test/goldens/core.json (generated from PyTorch 2.13 by
// scripts/gen_core_goldens.py, with torch 1.13's result kept as "alt" where the versions differ)
// replayed through torchlette: dtypes, shapes, ints, bools, reprs, view aliasing/strides, error
// classes and messages exactly; floats within the tolerance documented in test/oracle.ts
// (4 ulps relative; plus an absolute 32 ulps of the case's largest magnitude for accumulating
// ops). A case torchlette cannot express fails; none is skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { check, type Case } from "./oracle.js";

const file = fileURLToPath(new URL("./goldens/core.json", import.meta.url));
const doc = JSON.parse(readFileSync(file, "utf8")) as { torch: string; cases: Case[] };

// one test per op family ("binary/add", "reduce/sum", ...) listing every failing case in it
const groups = new Map<string, Case[]>();
for (const c of doc.cases) {
  const parts = c.name.split("/");
  const key = parts.length > 2 ? parts.slice(0, 2).join("/") : parts[0];
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key)!.push(c);
}

test("core goldens file is non-trivial", () => {
  assert.ok(doc.cases.length > 1000, `only ${doc.cases.length} cases`);
  for (const c of doc.cases) assert.ok(c.expect, `${c.name} has no expected result`);
});

for (const [group, cases] of groups) {
  test(`core golden: ${group} (${cases.length} cases)`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      const problems = check(c, c.expect!, c.alt);
      if (problems.length) failures.push(`${c.name}:\n  ${problems.join("\n  ")}`);
    }
    assert.equal(failures.length, 0, `${failures.length}/${cases.length} failing:\n${failures.join("\n")}`);
  });
}
