/**
 * Coalesces stdout/stderr writes into few stream messages, as ipykernel's OutStream does: text
 * is held until FLUSH_INTERVAL_MS after the first pending write, or until FLUSH_BYTES are
 * pending, or until anything else is published (so stream text never overtakes or trails the
 * messages around it). One message per console.log would overrun iopub: 200,000 lines are
 * 200,000 signed multipart messages, and a PUB socket drops what exceeds its queue.
 */

/** Time-based flush: output shows up this soon after it is written (ipykernel uses 200 ms). */
export const FLUSH_INTERVAL_MS = 50;
/** Size-based flush, in UTF-16 code units pending. */
export const FLUSH_CHARS = 64 * 1024;
/** Longest text of one stream message; longer writes are split (UTF-16 code units). */
export const MAX_MESSAGE_CHARS = 1024 * 1024;

/** Where a pending batch goes: its stream name, text and the owner the writes came from. */
export type StreamSink<Owner> = (owner: Owner, name: "stdout" | "stderr", text: string) => void;

/** Batches stream text per (owner, stream name); the owner is the request the text belongs to. */
export class StreamBatcher<Owner> {
  private owner: Owner | undefined;
  private name: "stdout" | "stderr" = "stdout";
  private parts: string[] = [];
  private chars = 0;
  private since = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sink: StreamSink<Owner>) {}

  /** Appends text written to `name` on behalf of `owner`. */
  write(owner: Owner, name: "stdout" | "stderr", text: string): void {
    if (text.length === 0) return;
    if (this.chars > 0 && (owner !== this.owner || name !== this.name)) this.flush();
    if (this.chars === 0) {
      this.owner = owner;
      this.name = name;
      this.since = Date.now();
    }
    this.parts.push(text);
    this.chars += text.length;
    // A cell that prints in a synchronous loop never lets the timer fire: check the clock here.
    if (this.chars >= FLUSH_CHARS || Date.now() - this.since >= FLUSH_INTERVAL_MS) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
    }
  }

  /** Sends whatever is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.chars === 0) return;
    const text = this.parts.join("");
    const owner = this.owner as Owner;
    this.parts = [];
    this.chars = 0;
    this.owner = undefined;
    for (const piece of splitText(text, MAX_MESSAGE_CHARS)) this.sink(owner, this.name, piece);
  }
}

/** Splits text into pieces of at most `max` code units without cutting a surrogate pair. */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + max, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep the pair together
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
