import * as path from "path";
import { PROTOCOL_VERSION } from "../wire/message";
import type { Handler } from "./types";
import { VERSION } from "../version";


/** The version of tslab's TypeScript, from its package.json (loading TypeScript itself takes long). */
function typescriptVersion(): string {
  const tslabDir = path.dirname(require.resolve("tslab/package.json"));
  return (require(require.resolve("@tslab/typescript-for-tslab/package.json", { paths: [tslabDir] })) as { version: string }).version;
}

/** kernel_info_request → language, implementation and protocol version. */
export const kernelInfo: Handler = (kernel, channel, msg) =>
  kernel.transport.reply(channel, msg, "kernel_info_reply", {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "optlab",
    implementation_version: VERSION,
    language_info: {
      name: "typescript",
      version: typescriptVersion(),
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
      nbconvert_exporter: "script",
    },
    banner: `optlab ${VERSION} — TypeScript for deep-learning optimization (Node ${process.version})`,
    help_links: [
      { text: "optlab", url: "https://github.com/optlab/optlab" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/" },
    ],
    debugger: false,
  });
