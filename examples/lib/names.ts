// data/names.txt and the character vocabulary of the makemore lectures: '.' is 0, 'a'..'z' 1..26.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Vocab {
  stoi: Map<string, number>;
  itos: Map<number, string>;
}

/** open('names.txt', 'r').read().splitlines() */
export function loadWords(path = fileURLToPath(new URL("../../data/names.txt", import.meta.url))): string[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function vocab(words: string[]): Vocab {
  const chars = [...new Set(words.join(""))].sort();
  const stoi = new Map(chars.map((s, i) => [s, i + 1] as [string, number]));
  stoi.set(".", 0);
  const itos = new Map([...stoi].map(([s, i]) => [i, s] as [number, string]));
  return { stoi, itos };
}
