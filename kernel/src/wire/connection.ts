import * as fs from "fs";
import * as path from "path";
import { isSignatureScheme, SIGNATURE_SCHEMES } from "./signer";

/** The fields of a Jupyter connection file that the kernel uses. */
export interface ConnectionInfo {
  ip: string;
  transport: "tcp" | "ipc";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

/** Thrown when a connection file is missing or malformed; the message names what was expected. */
export class ConnectionFileError extends Error {
  override name = "ConnectionFileError";
}

const PORTS = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

/** Reads and validates a Jupyter connection file. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new ConnectionFileError(`connection file not readable: ${path} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConnectionFileError(`connection file ${path} is not valid JSON`);
  }
  return parseConnectionInfo(raw, path);
}

/** Validates a parsed connection object. */
export function parseConnectionInfo(raw: unknown, source = "connection info"): ConnectionInfo {
  if (typeof raw !== "object" || raw === null) {
    throw new ConnectionFileError(`${source}: expected a JSON object`);
  }
  const o = raw as Record<string, unknown>;
  const transport = o.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new ConnectionFileError(`${source}: expected transport "tcp" or "ipc", got ${JSON.stringify(transport)}`);
  }
  if (typeof o.ip !== "string" || o.ip === "") {
    throw new ConnectionFileError(`${source}: expected "ip" to be a non-empty string`);
  }
  for (const p of PORTS) {
    const v = o[p];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535) {
      throw new ConnectionFileError(`${source}: expected "${p}" to be an integer port, got ${JSON.stringify(v)}`);
    }
  }
  const key = o.key ?? "";
  if (typeof key !== "string") throw new ConnectionFileError(`${source}: expected "key" to be a string`);
  const scheme = o.signature_scheme ?? "hmac-sha256";
  if (typeof scheme !== "string" || !isSignatureScheme(scheme)) {
    throw new ConnectionFileError(`${source}: expected signature_scheme to be one of ${SIGNATURE_SCHEMES.map((s) => JSON.stringify(s)).join(", ")}, got ${JSON.stringify(scheme)}`);
  }
  return {
    ip: o.ip,
    transport,
    shell_port: o.shell_port as number,
    iopub_port: o.iopub_port as number,
    stdin_port: o.stdin_port as number,
    control_port: o.control_port as number,
    hb_port: o.hb_port as number,
    key,
    signature_scheme: scheme,
  };
}

/** The ZeroMQ endpoint for one channel; ipc ports become `<ip>-<port>` paths as in jupyter_client. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}

/**
 * Binds `socket` to the connection file's endpoint for `channel`; a failure (most often a port
 * another process took between the file being written and the kernel starting) becomes an error
 * naming the channel and the endpoint, so the frontend's log says which port to free.
 */
export async function bindChannel(socket: { bind(address: string): Promise<void> }, info: ConnectionInfo, channel: string, port: number): Promise<void> {
  const at = endpoint(info, port);
  try {
    await socket.bind(at);
  } catch (e) {
    throw new ConnectionFileError(`cannot bind the ${channel} socket to ${at} (${channel}_port in the connection file): ${(e as Error).message}`);
  }
}

/**
 * Removes a connection file this kernel owns (it holds the signing key) and its private
 * directory when that is left empty. Never throws: it runs on the way out.
 */
export function removeOwnedConnectionFile(file: string | undefined): void {
  if (!file) return;
  try {
    fs.rmSync(file, { force: true });
    fs.rmdirSync(path.dirname(file));
  } catch {
    // the directory holds other files, or is gone already
  }
}
