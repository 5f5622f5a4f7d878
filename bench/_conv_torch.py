"""PyTorch timings for bench/conv.mjs (float64, one thread): conv2d forward+backward and a LeNet-5
loss HVP (double backward) on the weights and data optlab sends in argv[1]. Prints one JSON line."""
import json, sys, time
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
job = json.load(open(sys.argv[1]))
T = lambda a: torch.tensor(a["data"]).reshape(a["shape"])


def best(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    return min(ts)


c = job["conv"]
x = T(c["x"]).requires_grad_()
w = T(c["w"]).requires_grad_()
b = T(c["b"]).requires_grad_()
gout = T(c["g"])


def conv_fb():
    y = F.conv2d(x, w, b, stride=1, padding=1)
    torch.autograd.grad(y, [x, w, b], gout)


out = {"conv_ms": best(conv_fb, job["reps"])}
le = job["lenet"]
ps = [T(le["params"][k]).requires_grad_() for k in le["order"]]
X = T(le["x"])
y = torch.tensor(le["y"], dtype=torch.long)
v = [T(a) for a in le["v"]]


def net(p):
    h = F.max_pool2d(F.relu(F.conv2d(X, p[0], p[1], padding=2)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, p[2], p[3])), 2).flatten(1)
    h = F.relu(F.linear(h, p[4], p[5]))
    h = F.relu(F.linear(h, p[6], p[7]))
    return F.linear(h, p[8], p[9])


def hvp():
    g = torch.autograd.grad(F.cross_entropy(net(ps), y), ps, create_graph=True)
    hv = torch.autograd.grad(g, ps, v)
    return hv


out["hvp_ms"] = best(hvp, job["reps"])
out["hv0"] = hvp()[0].flatten()[:4].tolist()
print(json.dumps(out))
