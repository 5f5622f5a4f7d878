/** One line of a figure: (x, y) pairs, drawn in x order. */
export interface Series {
  label: string;
  points: [number, number][];
}

/** What to draw: y against x, one line per series. */
export interface LineFigure {
  title: string;
  x: string;
  y: string;
  series: Series[];
  /** Width and height in CSS pixels (default 520 × 320). */
  width?: number;
  height?: number;
}

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** About `count` round tick values (1, 2 or 5 × 10^k apart) from a tick ≤ lo to a tick ≥ hi. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) return [lo];
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * pow).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let k = Math.floor(lo / step); k <= Math.ceil(hi / step); k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Powers of ten from one ≤ lo to one ≥ hi (every few decades when there are many). */
export function decadeTicks(lo: number, hi: number, count = 6): number[] {
  const [a, b] = [Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi))];
  const every = Math.max(1, Math.ceil((b - a) / count));
  const ticks: number[] = [];
  for (let e = a; e <= b + every - 1; e += every) ticks.push(10 ** e);
  return ticks;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/**
 * A static SVG line chart of a swept scalar: x ticks at the swept values (log-spaced when they
 * are positive and span a factor ≥ 10, as learning rates usually do); y ticks at round values,
 * or at powers of ten when the values are positive and span a factor ≥ 1000 (losses do).
 */
export function lineFigureSvg(f: LineFigure): string {
  const W = f.width ?? 520, H = f.height ?? 320;
  const m = { left: 76, right: 140, top: 34, bottom: 48 };
  const xs = [...new Set(f.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const ys = f.series.flatMap((s) => s.points.map(([, y]) => y));
  const logX = xs.length > 1 && xs[0] > 0 && xs[xs.length - 1] / xs[0] >= 10;
  const tx = (v: number) => (logX ? Math.log10(v) : v);
  const [x0, x1] = [tx(xs[0]), tx(xs[xs.length - 1])];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const logY = y0 > 0 && y1 / y0 >= 1000;
  if (y0 === y1) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  const yTicks = logY ? decadeTicks(y0, y1) : niceTicks(y0, y1);
  [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const px = (v: number) => m.left + (x1 === x0 ? 0.5 : (tx(v) - x0) / (x1 - x0)) * (W - m.left - m.right);
  const py = (v: number) => H - m.bottom - ((ty(v) - ty(y0)) / (ty(y1) - ty(y0))) * (H - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left}" y="18" font-size="13" font-weight="bold">${esc(f.title)}</text>`,
  ];
  const bottom = H - m.bottom;
  out.push(`<line x1="${m.left}" y1="${bottom}" x2="${W - m.right}" y2="${bottom}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${bottom}" stroke="#333"/>`);
  for (const v of xs) {
    out.push(`<line x1="${px(v)}" y1="${bottom}" x2="${px(v)}" y2="${bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${px(v)}" y="${bottom + 17}" text-anchor="middle">${esc(fmt(v))}</text>`);
  }
  for (const v of yTicks) {
    out.push(`<line x1="${m.left}" y1="${py(v)}" x2="${W - m.right}" y2="${py(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${py(v) + 4}" text-anchor="end">${esc(fmt(v))}</text>`);
  }
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(f.x)}${logX ? " (log scale)" : ""}</text>`);
  out.push(`<text transform="translate(14 ${(m.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(f.y)}${logY ? " (log scale)" : ""}</text>`);
  f.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${s.label}: ${f.x}=${x}, ${f.y}=${y}`)}</title></circle>`);
    const ly = m.top + 6 + k * 16;
    out.push(`<line x1="${W - m.right + 12}" y1="${ly}" x2="${W - m.right + 30}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${W - m.right + 34}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
