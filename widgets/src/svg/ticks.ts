/**
 * Tick labels readers can read: plain decimals (0.001, 10, 2500) and powers of ten written
 * 10⁻⁵ / 10⁶ when far from 1 — never d3's SI prefixes (`100m`, `1f`, `2k`), which look like units.
 */

const SUP: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** 10 raised to an integer, written with superscript digits (10⁻³). */
export function powerOfTen(exp: number): string {
  return `10${String(exp).replace(/[-0-9]/g, (c) => SUP[c])}`;
}

/**
 * One number as a tick label: decimals for 1e-3 ≤ |v| < 1e5 (up to 6 significant digits, trailing
 * zeros dropped), else a power of ten when v is one, else mantissa×10ⁿ.
 */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return "";
  if (v === 0) return "0";
  const a = Math.abs(v);
  const sign = v < 0 ? "−" : "";
  if (a >= 1e-3 && a < 1e5) return sign + String(+a.toPrecision(6));
  const exp = Math.floor(Math.log10(a) + 1e-9);
  const mant = +(a / 10 ** exp).toPrecision(3);
  return sign + (mant === 1 ? powerOfTen(exp) : `${mant}×${powerOfTen(exp)}`);
}

/**
 * Ticks of a log axis over [lo, hi] (lo > 0): the powers of ten inside, thinned to at most
 * `count` (every k-th decade); with fewer than two decades, 1-2-5 multiples, then d3-style
 * linear ticks as a last resort so an axis is never bare.
 */
export function logTicks(lo: number, hi: number, count = 5): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const e0 = Math.ceil(Math.log10(lo) - 1e-9);
  const e1 = Math.floor(Math.log10(hi) + 1e-9);
  if (e1 - e0 + 1 >= 2) {
    const step = Math.max(1, Math.ceil((e1 - e0 + 1) / count));
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) if ((e - e0) % step === 0) out.push(+(10 ** e).toPrecision(12));
    return out;
  }
  const out: number[] = [];
  for (let e = e0 - 1; e <= e1 + 1; e++) {
    for (const m of [1, 2, 5]) {
      const v = +(m * 10 ** e).toPrecision(12);
      if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) out.push(v);
    }
  }
  return out.length >= 2 ? out : [lo, hi].map((v) => +v.toPrecision(3));
}
