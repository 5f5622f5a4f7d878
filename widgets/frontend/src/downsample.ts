/** Render throttling for the live views (curve decimation lives in src/svg/decimate.ts, shared with the static figures). */
export { minMaxIndices } from "../../src/svg/decimate";

/** Calls `fn` at most once per `ms` (trailing call guaranteed), on animation frames when available. */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  const call = () => {
    if (timer !== null) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
      else run();
    }, wait);
  };
  call.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return call;
}
