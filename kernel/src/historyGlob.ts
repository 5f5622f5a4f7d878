/**
 * SQLite GLOB matching (what IPython's history search runs): `*` any run, `?` one character,
 * `[...]` a class (`[a-z]`, `[^x]`, `]` first is literal), everything else literal and case
 * sensitive. Matching is greedy per star-free segment, so it takes O(text × pattern) time in
 * the worst case instead of the exponential backtracking a translated RegExp can hit
 * (`*a*a*a*a*a*a*a*a*a*a*b` over a long line of `a`s).
 */

type Token = { kind: "char"; c: string } | { kind: "any" } | { kind: "class"; negate: boolean; ranges: [string, string][] };

/** A compiled glob; `undefined` segments mean the pattern can never match (unterminated `[`). */
export interface Glob {
  test(text: string): boolean;
}

function tokenize(pattern: string): { segments: Token[][]; leadingStar: boolean; trailingStar: boolean } | undefined {
  const chars = Array.from(pattern);
  const segments: Token[][] = [[]];
  let leadingStar = false;
  let trailingStar = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "*") {
      if (i === 0) leadingStar = true;
      if (segments[segments.length - 1].length > 0) segments.push([]);
      trailingStar = true;
      continue;
    }
    trailingStar = false;
    const seg = segments[segments.length - 1];
    if (c === "?") seg.push({ kind: "any" });
    else if (c === "[") {
      let j = i + 1;
      let negate = false;
      if (chars[j] === "^") {
        negate = true;
        j++;
      }
      const ranges: [string, string][] = [];
      if (chars[j] === "]") {
        ranges.push(["]", "]"]);
        j++;
      }
      while (j < chars.length && chars[j] !== "]") {
        if (chars[j + 1] === "-" && j + 2 < chars.length && chars[j + 2] !== "]") {
          ranges.push([chars[j], chars[j + 2]]);
          j += 3;
        } else {
          ranges.push([chars[j], chars[j]]);
          j++;
        }
      }
      if (j >= chars.length) return undefined; // SQLite: an unterminated class matches nothing
      seg.push({ kind: "class", negate, ranges });
      i = j;
    } else seg.push({ kind: "char", c });
  }
  if (segments[segments.length - 1].length === 0 && segments.length > 1) segments.pop();
  return { segments, leadingStar, trailingStar };
}

function tokenMatches(t: Token, c: string): boolean {
  if (t.kind === "any") return true;
  if (t.kind === "char") return t.c === c;
  // As SQLite: a range's first character matches by itself too, even in a reversed range.
  const inside = t.ranges.some(([lo, hi]) => c === lo || (lo.codePointAt(0)! <= c.codePointAt(0)! && c.codePointAt(0)! <= hi.codePointAt(0)!));
  return inside !== t.negate;
}

function segmentAt(seg: Token[], text: string[], at: number): boolean {
  if (at + seg.length > text.length) return false;
  for (let k = 0; k < seg.length; k++) if (!tokenMatches(seg[k], text[at + k])) return false;
  return true;
}

/** Compiles a SQLite GLOB pattern. */
export function compileGlob(pattern: string): Glob {
  const parsed = tokenize(pattern);
  if (!parsed) return { test: () => false };
  const { segments, leadingStar, trailingStar } = parsed;
  return {
    test(input: string): boolean {
      const text = Array.from(input);
      if (segments.length === 1 && segments[0].length === 0) return leadingStar || text.length === 0;
      let lo = 0;
      let hi = text.length;
      let first = 0;
      let last = segments.length;
      if (!leadingStar) {
        if (!segmentAt(segments[0], text, 0)) return false;
        lo = segments[0].length;
        first = 1;
        if (segments.length === 1 && !trailingStar) return lo === text.length;
      }
      if (!trailingStar && last > first) {
        const seg = segments[last - 1];
        if (hi - seg.length < lo || !segmentAt(seg, text, hi - seg.length)) return false;
        hi -= seg.length;
        last--;
      }
      // Middle segments: leftmost match of each, in order, inside [lo, hi).
      for (let s = first; s < last; s++) {
        const seg = segments[s];
        let at = lo;
        while (at + seg.length <= hi && !segmentAt(seg, text, at)) at++;
        if (at + seg.length > hi) return false;
        lo = at + seg.length;
      }
      return true;
    },
  };
}
