import { strict as assert } from "assert";
import { launchKernel, LaunchError } from "../../kernel/src/client/launcher";

describe("launcher: a kernel that dies at start", function () {
  this.timeout(60000);

  it("gives a LaunchError with the kernel's own message, and leaves no unhandled rejection behind", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      // An invalid setting makes the optlab kernel exit with an error before it serves.
      const err = await launchKernel({ env: { OPTLAB_TYPECHECK: "lazy" } }).then(
        async (k) => {
          await k.shutdown();
          return undefined;
        },
        (e: unknown) => e,
      );
      assert.ok(err instanceof LaunchError, `expected a LaunchError, got ${String(err)}`);
      assert.match(err.message, /the kernel exited during start-up \(exit code 1\)/);
      assert.match(err.message, /OPTLAB_TYPECHECK: expected "background" or "strict", got "lazy"/);
      // The client's kernel_info waits have 2 s timers, and the one pending when the kernel died can
      // start another round: let all of them run out.
      await new Promise((r) => setTimeout(r, 5000));
      assert.deepEqual(unhandled.map(String), []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
