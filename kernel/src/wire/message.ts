import { randomUUID } from "crypto";
import { Signer } from "./signer";

/** The wire protocol version this kernel speaks. */
export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

/** A Jupyter message header. */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

/** A decoded Jupyter message; `buffers` are the raw frames after content. */
export interface Message<C = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Why an incoming multipart message was rejected. */
export class WireError extends Error {
  override name = "WireError";
}

/** Binary payloads accepted for outgoing buffers. */
export type BufferLike = Buffer | ArrayBuffer | ArrayBufferView;

/** Copies-free view of a BufferLike as a Buffer (typed arrays keep their byte offset and length). */
export function toBuffer(b: BufferLike): Buffer {
  if (Buffer.isBuffer(b)) return b;
  if (b instanceof ArrayBuffer) return Buffer.from(b);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function parseJsonFrame(frame: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError(`${what} frame is not valid JSON`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new WireError(`${what} frame: expected a JSON object`);
  }
  return v as Record<string, unknown>;
}

/** Decodes and verifies a multipart message; throws WireError naming the defect. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const delim = frames.findIndex((f) => f.equals(DELIMITER));
  if (delim < 0) throw new WireError("missing <IDS|MSG> delimiter");
  if (frames.length < delim + 6) {
    throw new WireError(`expected at least 5 frames after the delimiter, got ${frames.length - delim - 1}`);
  }
  const signature = frames[delim + 1];
  const body = frames.slice(delim + 2, delim + 6);
  if (!signer.verify(signature, body)) throw new WireError("invalid HMAC signature");
  const header = parseJsonFrame(body[0], "header");
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new WireError("header: expected string msg_type and msg_id");
  }
  return {
    identities: frames.slice(0, delim),
    header: header as Header,
    parent_header: parseJsonFrame(body[1], "parent_header") as Header,
    metadata: parseJsonFrame(body[2], "metadata"),
    content: parseJsonFrame(body[3], "content"),
    buffers: frames.slice(delim + 6),
  };
}

/** Creates a header for a message the kernel sends. */
export function makeHeader(msgType: string, session: string): Header {
  return {
    msg_id: randomUUID(),
    session,
    username: "kernel",
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Encodes a message into signed frames ready for a ZeroMQ multipart send. */
export function encode(
  signer: Signer,
  identities: Buffer[],
  header: Header,
  parent: Header | Record<string, never>,
  metadata: Record<string, unknown>,
  content: unknown,
  buffers: readonly BufferLike[] = [],
): Buffer[] {
  const body = [header, parent, metadata, content].map((o) => Buffer.from(JSON.stringify(o), "utf8"));
  return [...identities, DELIMITER, Buffer.from(signer.sign(body), "ascii"), ...body, ...buffers.map(toBuffer)];
}

/**
 * The frames as handed to ZeroMQ: the delimiter, signature and four JSON frames as strings,
 * identities and binary buffers as they are. zeromq.js sends a Buffer over 128 bytes without
 * copying and later releases it through the owning thread's event loop; a message still queued
 * when that thread (the control worker) or the process ends is then released into a loop that
 * is gone (heap corruption, SIGABRT at exit). Strings are copied and freed by ZeroMQ itself.
 * The JSON frames are UTF-8 text made by JSON.stringify, so the conversion is exact.
 */
export function sendable(frames: readonly Buffer[]): (Buffer | string)[] {
  const delim = frames.findIndex((f) => f.equals(DELIMITER));
  if (delim < 0) return [...frames];
  return frames.map((f, i) => (i >= delim && i < delim + 6 ? f.toString("utf8") : f));
}
