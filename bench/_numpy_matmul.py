"""numpy matmul GFLOP/s for the sizes given on the command line, as one JSON line.

Median over repeated calls of a @ b (float32 and float64), operands created once.
`--threads=N` caps the BLAS threads (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, set before numpy
loads, so they take effect); OPENBLAS_CORETYPE is left as the caller's environment has it
(bench/_util.mjs unsets it, so OpenBLAS picks its kernels by CPU detection).
"""
import json
import os
import sys
import time

THREADS = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--threads=")), None)
if THREADS is not None:
    os.environ["OPENBLAS_NUM_THREADS"] = THREADS
    os.environ["OMP_NUM_THREADS"] = THREADS

import numpy as np  # noqa: E402


def gflops(n, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    a @ b
    ts = []
    t0 = time.perf_counter()
    while len(ts) < 3 or (time.perf_counter() - t0 < 1.0 and len(ts) < 200):
        t = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - t)
    ts.sort()
    return 2 * n ** 3 / ts[len(ts) // 2] / 1e9


def blas():
    """The BLAS library actually mapped into this process (Debian switches it by alternatives)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1].rsplit("/", 1)[-1] for line in f if "blas" in line.lower()}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


sizes = [int(s) for s in sys.argv[1:] if not s.startswith("--")] or [128, 256, 512, 1024]
res = {}
for n in sizes:
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        res[f"{name}:{n}"] = gflops(n, dt)
print(json.dumps({"python": sys.executable, "numpy": np.__version__, "blas": blas(), "threads": THREADS, "results": res}))
