"""Top-20 Hessian eigenvalues in PyTorch (float64, autograd double backward), for bench/hessian.mjs.

Reads a JSON problem {sizes, activation, weights: [{W (in x out), b}], x, labels, k, steps} from
argv[1], rebuilds the same MLP (optlab's W is in x out: y = x W + b) and runs, each timed:
  - Lanczos with full reorthogonalization for the same k (steps given by the optlab run), twice,
  - power iteration with deflation exactly as PyHessian's hessian.eigenvalues (tol 1e-3, maxIter 100),
  - the HVP alone (blocks of products on fixed vectors; problem["hvp"]).
Prints one JSON line with times (wall `ms` and process CPU `cpuMs`), HVP counts and eigenvalues.
Run it with OPENBLAS_NUM_THREADS/OMP_NUM_THREADS set to the thread count: torch.set_num_threads
does not bound the BLAS pool of Debian's build, which otherwise takes every core.
"""
import json, sys, time
import torch

torch.set_default_dtype(torch.float64)
prob = json.load(open(sys.argv[1]))
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(threads)
x = torch.tensor(prob["x"], dtype=torch.float64)
y = torch.tensor(prob["labels"], dtype=torch.long)
params = []
for layer in prob["weights"]:
    params.append(torch.tensor(layer["W"], dtype=torch.float64, requires_grad=True))
    params.append(torch.tensor(layer["b"], dtype=torch.float64, requires_grad=True))
act = {"relu": torch.relu, "tanh": torch.tanh}[prob["activation"]]


def loss_fn():
    h = x
    L = len(params) // 2
    for i in range(L):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < L - 1:
            h = act(h)
    return torch.nn.functional.cross_entropy(h, y)


# Building the double-backward graph (forward + first backward with create_graph) is part of every
# run below, as optlab's timings include its linearization: timed once here, added to each total.
build_t, build_c = time.perf_counter(), time.process_time()
loss = loss_fn()
grads = torch.autograd.grad(loss, params, create_graph=True)
build_ms, build_cpu = (time.perf_counter() - build_t) * 1e3, (time.process_time() - build_c) * 1e3
hvps = 0


def hvp(v):
    global hvps
    hvps += 1
    hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
    return [h.detach() for h in hv]


def dot(a, b):
    return sum((ai * bi).sum() for ai, bi in zip(a, b))


def normalize(v):
    n = torch.sqrt(dot(v, v))
    return [vi / n for vi in v]


def orthnormal(w, vs):
    for v in vs:
        c = dot(w, v)
        w = [wi - c * vi for wi, vi in zip(w, v)]
    return normalize(w)


def power(k, max_iter=100, tol=1e-3):
    # PyHessian hessian.eigenvalues(maxIter=100, tol=1e-3, top_n=k)
    gen = torch.Generator().manual_seed(0)
    eigenvalues, eigenvectors = [], []
    for _ in range(k):
        ev = None
        v = normalize([torch.randn(p.shape, generator=gen) for p in params])
        for _ in range(max_iter):
            v = orthnormal(v, eigenvectors)
            Hv = hvp(v)
            tmp = dot(Hv, v).item()
            v = normalize(Hv)
            if ev is None:
                ev = tmp
            elif abs(ev - tmp) / (abs(ev) + 1e-6) < tol:
                break
            else:
                ev = tmp
        eigenvalues.append(ev)
        eigenvectors.append(v)
    return eigenvalues


def lanczos(k, steps):
    p = sum(q.numel() for q in params)
    gen = torch.Generator().manual_seed(0)
    shapes = [q.shape for q in params]
    def unflat(u):
        out, o = [], 0
        for s in shapes:
            m = 1
            for d in s: m *= d
            out.append(u[o:o + m].view(s)); o += m
        return out
    q = torch.randn(p, generator=gen); q /= q.norm()
    Q = torch.zeros(steps, p); Q[0] = q
    alpha, beta = [], []
    for j in range(steps):
        w = torch.cat([h.reshape(-1) for h in hvp(unflat(Q[j]))])
        alpha.append(torch.dot(w, Q[j]).item())
        for _ in range(2):
            w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
        b = w.norm().item()
        if j == steps - 1: break
        beta.append(b); Q[j + 1] = w / b
    T = torch.diag(torch.tensor(alpha)) + torch.diag(torch.tensor(beta), 1) + torch.diag(torch.tensor(beta), -1)
    ev = torch.linalg.eigvalsh(T)
    return sorted(ev.tolist(), reverse=True)[:k]


def hvp_alone(count, blocks):
    # The HVP by itself: `blocks` blocks of `count` products on fixed unit vectors after 5 warm-up
    # products; the fastest block's per-product wall and CPU time (timeit's convention).
    gen = torch.Generator().manual_seed(1)
    vs = [normalize([torch.randn(q.shape, generator=gen) for q in params]) for _ in range(count)]
    for v in vs[:5]:
        hvp(v)
    best_ms = best_cpu = float("inf")
    for _ in range(blocks):
        t, c = time.perf_counter(), time.process_time()
        for v in vs:
            hvp(v)
        best_ms = min(best_ms, (time.perf_counter() - t) * 1e3 / count)
        best_cpu = min(best_cpu, (time.process_time() - c) * 1e3 / count)
    return {"ms": best_ms, "cpuMs": best_cpu}


out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "loss": loss.item(), "buildMs": build_ms}
if "slq" in prob:
    # SLQ's cost: `probes` Lanczos runs of `steps` HVPs each (full reorthogonalization), nothing else.
    t, c = time.perf_counter(), time.process_time(); hvps = 0
    for _ in range(prob["slq"]["probes"]):
        lanczos(1, prob["slq"]["steps"])
    out["slq"] = {"ms": (time.perf_counter() - t) * 1e3 + build_ms, "cpuMs": (time.process_time() - c) * 1e3 + build_cpu, "hvps": hvps}
else:
    # In optlab's order: Lanczos twice (the first call in this process, then the steady state),
    # power iteration, the HVP alone.
    t, c = time.perf_counter(), time.process_time(); hvps = 0; lz = lanczos(prob["k"], prob["steps"])
    out["lanczosCold"] = {"ms": (time.perf_counter() - t) * 1e3 + build_ms, "cpuMs": (time.process_time() - c) * 1e3 + build_cpu, "hvps": hvps}
    t, c = time.perf_counter(), time.process_time(); hvps = 0; lz = lanczos(prob["k"], prob["steps"])
    out["lanczos"] = {"ms": (time.perf_counter() - t) * 1e3 + build_ms, "cpuMs": (time.process_time() - c) * 1e3 + build_cpu, "hvps": hvps, "eigenvalues": lz}
    t, c = time.perf_counter(), time.process_time(); hvps = 0; pw = power(prob["k"])
    out["power"] = {"ms": (time.perf_counter() - t) * 1e3 + build_ms, "cpuMs": (time.process_time() - c) * 1e3 + build_cpu, "hvps": hvps, "eigenvalues": pw}
    out["hvp"] = hvp_alone(prob["hvp"]["count"], prob["hvp"]["blocks"])
print(json.dumps(out))
