// Loss curves as a standalone SVG file (no dependencies): one polyline per series, axes with
// "nice" ticks, a legend. Written under out/ by the examples.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Series {
  name: string;
  /** [x, y] points; x is usually the step */
  points: [number, number][];
  color?: string;
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function lossCurveSvg(series: Series[], opts: { title?: string; xlabel?: string; ylabel?: string } = {}): string {
  const W = 800, H = 480, L = 70, R = 20, T = 40, B = 50;
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${L - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#444"/>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const d = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${d}"/>`);
    parts.push(`<rect x="${W - R - 150}" y="${T + 10 + i * 18}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${W - R - 132}" y="${T + 15 + i * 18}">${esc(s.name)}</text>`);
  });
  if (opts.title) parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  if (opts.xlabel) parts.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xlabel)}</text>`);
  if (opts.ylabel) {
    parts.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.ylabel)}</text>`);
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

export function writeLossCurve(path: string, series: Series[], opts: Parameters<typeof lossCurveSvg>[1] = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lossCurveSvg(series, opts));
}

/** Mean of each consecutive chunk of `size` values (the lecture's lossi.view(-1, 1000).mean(1)). */
export function chunkMeans(values: number[], size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + size <= values.length; i += size) {
    let s = 0;
    for (let j = i; j < i + size; j++) s += values[j];
    out.push([i + size, s / size]);
  }
  return out;
}
