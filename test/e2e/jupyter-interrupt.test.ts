import { strict as assert } from "assert";
import { installedKernelEnv, requirePythonModules, runPython } from "./python";

/**
 * What a JupyterLab user's "interrupt" does: the server's KernelManager.interrupt_kernel(),
 * which follows the installed kernelspec's interrupt_mode. Every kind of stuck cell must stop.
 */
const SCRIPT = String.raw`
import json, time
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name='optlab')
km.start_kernel()
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)

def run(code, timeout=60):
    msg_id = kc.execute(code)
    return wait_reply(msg_id, timeout)

def wait_reply(msg_id, timeout):
    deadline = time.time() + timeout
    while True:
        r = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        if r['parent_header'].get('msg_id') == msg_id:
            return r

def result(code):
    msg_id = kc.execute(code)
    wait_reply(msg_id, 60)
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m['parent_header'].get('msg_id') == msg_id and m['msg_type'] == 'execute_result':
            return m['content']['data']['text/plain']

def interrupted(code, delay):
    msg_id = kc.execute(code)
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m['parent_header'].get('msg_id') == msg_id and m['msg_type'] == 'execute_input':
            break
    time.sleep(delay)
    t0 = time.time()
    km.interrupt_kernel()
    try:
        r = wait_reply(msg_id, 10)
    except Exception:
        return {'stopped': False}
    return {'stopped': True, 'ms': (time.time() - t0) * 1000, 'status': r['content']['status'], 'ename': r['content'].get('ename')}

out = {'mode': km.kernel_spec.interrupt_mode, 'cases': {}}
run('const keep = { epochs: 12 };')
cases = [
    ('sync loop at execute_input', 'let a = 0; while (true) { a++; }', 0.0),
    ('sync loop', 'for (;;) { Math.sqrt(2); }', 0.3),
    ('loop after await', 'await 0;\nlet b = 0;\nwhile (true) { b++; }', 0.3),
    ('never-resolving await', 'await new Promise(() => {});', 0.3),
    ('spinning timer', 'setTimeout(() => { for (;;) {} }, 0);\nawait new Promise((r) => setTimeout(r, 60000));', 0.3),
]
for i in range(3):
    cases.append(('sync loop at execute_input #%d' % (i + 2), 'let c%d = 0; while (true) { c%d++; }' % (i, i), 0.0))
for name, code, delay in cases:
    out['cases'][name] = interrupted(code, delay)
    if not out['cases'][name]['stopped']:
        break
    out['cases'][name]['after'] = result('keep.epochs + 1')
print(json.dumps(out))
kc.stop_channels(); km.shutdown_kernel(now=True)
`;

describe("e2e: interrupts through jupyter_client's KernelManager (what JupyterLab's stop button does)", function () {
  this.timeout(180_000);

  it("the kernelspec's interrupt mode stops every kind of stuck cell within 2 s; state is kept", () => {
    requirePythonModules({ jupyter_client: "python3-jupyter-client" });
    const { env } = installedKernelEnv();
    const r = runPython(["-c", SCRIPT], { env });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
      mode: string;
      cases: Record<string, { stopped: boolean; ms?: number; status?: string; ename?: string; after?: string }>;
    };
    assert.equal(Object.keys(out.cases).length, 8, `every case ran (mode ${out.mode}): ${JSON.stringify(out.cases)}`);
    for (const [name, c] of Object.entries(out.cases)) {
      assert.ok(c.stopped, `${name}: the cell did not stop (interrupt_mode ${out.mode})`);
      assert.ok(c.ms! < 2000, `${name}: took ${c.ms} ms`);
      assert.equal(c.status, "error", name);
      assert.equal(c.ename, "KeyboardInterrupt", name);
      assert.equal(c.after, "13", `${name}: the next cell sees earlier state`);
    }
  });
});
