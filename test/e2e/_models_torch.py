"""PyTorch reference for test/e2e/models-torch.test.ts: LeNet-5 and a CIFAR ResNet in float64,
built from torch.nn modules, loaded with optlab's weights by state-dict name, run on the same data.
Reads a JSON job from argv[1], writes JSON results to argv[2]."""
import json, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Block(nn.Module):
    def __init__(self, inp, out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.shortcut = nn.Sequential()
        if stride != 1 or inp != out:
            self.shortcut = nn.Sequential(nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(h)) + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n, w):
        super().__init__()
        self.conv1 = nn.Conv2d(3, w, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        def stage(i, o, s):
            return nn.Sequential(*[Block(i if k == 0 else o, o, s if k == 0 else 1) for k in range(n)])
        self.layer1 = stage(w, w, 1)
        self.layer2 = stage(w, 2 * w, 2)
        self.layer3 = stage(2 * w, 4 * w, 2)
        self.fc = nn.Linear(4 * w, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean((2, 3)))


def load(model, params):
    sd = model.state_dict()
    new = {}
    for k, v in sd.items():
        if k.endswith("num_batches_tracked"):
            new[k] = v
            continue
        if k not in params:
            raise KeyError(f"optlab did not send {k}")
        a = torch.tensor(params[k]["data"]).reshape(params[k]["shape"])
        if tuple(a.shape) != tuple(v.shape):
            raise ValueError(f"{k}: shape {tuple(a.shape)} vs torch {tuple(v.shape)}")
        new[k] = a
    extra = set(params) - set(sd)
    if extra:
        raise KeyError(f"names torch does not have: {sorted(extra)}")
    model.load_state_dict(new, strict=True)


def top_hessian(model, x, y, k):
    """Top-k eigenvalues of the loss Hessian: Lanczos with full reorthogonalisation on autograd
    HVPs (torch only), run until the top-k Ritz values change by < 1e-13 relative over 10 steps."""
    ps = list(model.parameters())
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, ps, create_graph=True)
    sizes = [p.numel() for p in ps]

    def mv(v):
        vs, o = [], 0
        for p, m in zip(ps, sizes):
            vs.append(v[o:o + m].reshape(p.shape))
            o += m
        hv = torch.autograd.grad(grads, ps, grad_outputs=vs, retain_graph=True)
        return torch.cat([h.reshape(-1) for h in hv])

    n = sum(sizes)
    q = torch.ones(n) / n ** 0.5
    Q, alpha, beta = [q], [], []
    prev = None
    for step in range(400):
        w = mv(Q[-1])
        a = torch.dot(w, Q[-1])
        alpha.append(a)
        Qm = torch.stack(Q)
        for _ in range(2):
            w = w - Qm.T @ (Qm @ w)
        b = torch.linalg.norm(w)
        T = torch.diag(torch.stack(alpha))
        for i, bb in enumerate(beta):
            T[i, i + 1] = T[i + 1, i] = bb
        ritz = torch.linalg.eigvalsh(T).flip(0)[:k]
        if step % 10 == 9 and prev is not None and len(ritz) == k:
            if torch.max(torch.abs(ritz - prev)) < 1e-13 * abs(ritz[0]):
                break
        if step % 10 == 9:
            prev = ritz
        beta.append(b)
        Q.append(w / b)
    return ritz.tolist()


if __name__ == "__main__":  # importable: _analyze_torch.py reuses the models and top_hessian
    job = json.load(open(sys.argv[1]))
    out = {}
    for name, spec in job.items():
        model = LeNet5() if spec["arch"] == "lenet5" else ResNet(spec["blocks"], spec["width"])
        load(model, spec["params"])
        x = torch.tensor(spec["x"]).reshape(spec["xshape"])
        y = torch.tensor(spec["y"], dtype=torch.long)
        res = {}
        if spec.get("hessian_k"):
            model.eval()
            res["top"] = top_hessian(model, x, y, spec["hessian_k"])
            out[name] = res
            continue
        model.eval()
        with torch.no_grad():
            f = model(x)
        res["eval_out"] = f.flatten().tolist()
        res["eval_loss"] = F.cross_entropy(f, y).item()
        if spec.get("train"):
            model.train()
            with torch.no_grad():
                f = model(x)
            res["train_out"] = f.flatten().tolist()
            res["train_loss"] = F.cross_entropy(f, y).item()
            res["buffers"] = {k: v.flatten().tolist() for k, v in model.state_dict().items() if "running" in k}
        out[name] = res
    json.dump(out, open(sys.argv[2], "w"))
