// Every cell of the user's lecture notes, ported in examples/lecture-notes.ts, must print what
// the notes show, character for character. Cells that sample from the unseeded global generator
// cannot be reproduced; they are checked for validity instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runCells } from "../examples/lecture-notes.js";

// the notes write "In\u00a0[n]:" with a no-break space (as copied from the notebook page)
const notes = readFileSync(new URL("./fixtures/karpathy-lecture-notes.txt", import.meta.url), "utf8").replace(/\u00a0/g, " ");

function segment(n: number): string {
  const start = notes.indexOf(`In [${n}]:\n`);
  assert.ok(start >= 0, `cell ${n} not in the notes`);
  const next = notes.indexOf("\nIn [", start + 1);
  return notes.slice(start, next < 0 ? undefined : next);
}

const results = runCells();
const byCell = new Map(results.map((r) => [r.n, r]));

test("every cell of the notes is ported", () => {
  const inNotes = [...notes.matchAll(/^In \[(\d+)\]:$/gm)].map((m) => Number(m[1]));
  // In [1] appears twice in the notes (an HTML display cell, then `import torch`): one port
  for (const n of new Set(inNotes)) assert.ok(byCell.has(n), `cell ${n} missing from examples/lecture-notes.ts`);
});

for (const r of results) {
  if (r.random || r.out === "") continue;
  test(`cell ${r.n} prints what the notes show`, () => {
    const seg = segment(r.n);
    const outMarker = `Out[${r.n}]:\n`;
    const at = seg.indexOf(outMarker);
    if (at >= 0) {
      const shown = seg.slice(at + outMarker.length);
      assert.equal(shown.slice(0, r.out.length), r.out);
      assert.ok(shown.length === r.out.length || shown[r.out.length] === "\n", "output continues in the notes");
    } else {
      assert.ok(seg.includes("\n" + r.out + "\n") || seg.endsWith("\n" + r.out), `printed output of cell ${r.n} not found:\n${r.out}`);
    }
  });
}

test("unseeded sampling cells give valid samples", () => {
  const c21 = byCell.get(21)!.out; // multinomial(weights, 2): distinct, never the zero-weight class 0
  const m21 = /^tensor\(\[(\d), (\d)\]\)$/.exec(c21);
  assert.ok(m21, c21);
  assert.notEqual(m21[1], m21[2]);
  assert.ok(m21[1] !== "0" && m21[2] !== "0");
  const c25 = byCell.get(25)!.out; // 100 samples with replacement from classes 1..3
  const vals = c25.replace(/[^\d,]/g, "").split(",").map(Number);
  assert.equal(vals.length, 100);
  assert.ok(vals.every((v) => v >= 1 && v <= 3));
  const c89 = byCell.get(89)!.out;
  assert.equal((c89.match(/-?\d+\.\d{4}/g) ?? []).length, 30);
  // cell 90 is the same 30 numbers viewed as (2, 3, 5)
  assert.deepEqual(byCell.get(90)!.out.match(/-?\d+\.\d{4}/g), c89.match(/-?\d+\.\d{4}/g));
});
