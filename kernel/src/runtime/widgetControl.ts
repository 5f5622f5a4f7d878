import { commRegistry } from "./comms";

/** ipywidgets' control comm target: a frontend asks it for every live widget's state at once. */
export const WIDGET_CONTROL_TARGET = "jupyter.widget.control";

/** A live widget as @optlab/widgets keeps it in its process-wide registry. */
interface LiveWidget {
  readonly modelName: string;
  readonly modelModule: string;
  readonly modelModuleVersion: string;
  wireState(): Record<string, unknown>;
}

/** The slot @optlab/widgets keeps its live widgets in (shared by every copy of that package). */
const WIDGETS_SLOT = Symbol.for("optlab.widgets.registry");

/**
 * Registers the control target at kernel start. JupyterLab's widget manager opens it as soon as
 * it connects, before any cell ran: without a target the kernel closes that comm and the
 * frontend falls back to asking widget by widget. Importing @optlab/widgets registers its own
 * handler over this one; until then the answer is built from the same shared registry (empty
 * unless widgets exist).
 */
export function registerWidgetControlTarget(): void {
  commRegistry().registerTarget(WIDGET_CONTROL_TARGET, (comm) => {
    comm.onMsg((msg) => {
      const method = msg.data.method;
      if (method !== "request_states") {
        throw new Error(`${WIDGET_CONTROL_TARGET}: unknown method ${JSON.stringify(method)} (expected "request_states")`);
      }
      const live = (globalThis as { [WIDGETS_SLOT]?: Map<string, LiveWidget> })[WIDGETS_SLOT] ?? new Map<string, LiveWidget>();
      const states: Record<string, unknown> = {};
      const bufferPaths: (string | number)[][] = [];
      const buffers: ArrayBufferView[] = [];
      for (const [id, w] of live) {
        const state = splitBuffers(w.wireState(), [id, "state"], bufferPaths, buffers);
        states[id] = { model_name: w.modelName, model_module: w.modelModule, model_module_version: w.modelModuleVersion, state };
      }
      comm.send({ method: "update_states", states, buffer_paths: bufferPaths }, {}, buffers);
    });
  });
}

/** Copies `value` with binary leaves removed; each removed leaf's path goes to `paths`, its bytes to `buffers`. */
function splitBuffers(value: unknown, at: (string | number)[], paths: (string | number)[][], buffers: ArrayBufferView[]): unknown {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    paths.push(at);
    buffers.push(value instanceof ArrayBuffer ? new Uint8Array(value) : value);
    return undefined;
  }
  if (Array.isArray(value)) return value.map((v, i) => splitBuffers(v, [...at, i], paths, buffers));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = splitBuffers(v, [...at, k], paths, buffers);
      if (kept !== undefined || !(ArrayBuffer.isView(v) || v instanceof ArrayBuffer)) out[k] = kept;
    }
    return out;
  }
  return value;
}
