"""PyTorch side of test/e2e/analyze-torch.test.ts: torch builds LeNet-5 and a CIFAR ResNet with its
own seeded initialisation (the ResNet's batch-norm affine parameters and running statistics made
non-trivial), saves each state_dict and its data as NumPy .npz exactly as a user would, and
computes the reference top-k Hessian eigenvalues of the mean cross-entropy in evaluation mode:
torch.autograd double-backward HVPs, Lanczos with full reorthogonalisation (top_hessian of
_models_torch.py) for LeNet-5 and the dense Hessian + eigvalsh for the ResNet.
argv: out_dir, digits.npz (x (n, 784) float64 MNIST digits, y (n,)), k. Writes ref.json."""
import json, os, sys
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _models_torch import LeNet5, ResNet, top_hessian  # noqa: E402

torch.set_default_dtype(torch.float64)
out_dir, digits, k = sys.argv[1], sys.argv[2], int(sys.argv[3])


def save_state(model, path):
    np.savez(path, **{name: t.detach().numpy() for name, t in model.state_dict().items()})


def dense_top(model, x, y, k):
    ps = list(model.parameters())
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, ps, create_graph=True)
    g = torch.cat([t.reshape(-1) for t in grads])
    rows = [torch.cat([h.reshape(-1) for h in torch.autograd.grad(g[i], ps, retain_graph=True)]) for i in range(g.numel())]
    H = torch.stack(rows)
    H = 0.5 * (H + H.T)
    return torch.linalg.eigvalsh(H).flip(0)[:k].tolist(), H.shape[0]


ref = {}
# LeNet-5 on MNIST digits, torch's default init.
torch.manual_seed(0)
lenet = LeNet5().eval()
d = np.load(digits)
x = torch.tensor(d["x"]).reshape(-1, 1, 28, 28)
y = torch.tensor(d["y"], dtype=torch.long)
save_state(lenet, os.path.join(out_dir, "lenet5.npz"))
np.savez(os.path.join(out_dir, "lenet5_data.npz"), x=x.numpy(), y=d["y"].astype(np.int64))  # images (n, 1, 28, 28)
ref["lenet5"] = {"top": top_hessian(lenet, x, y, k), "loss": F.cross_entropy(lenet(x), y).item()}

# ResNet-8 at width 2 on random images: small enough for the dense Hessian.
torch.manual_seed(1)
net = ResNet(1, 2)
with torch.no_grad():
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.3, 0.3)
net.train()
with torch.no_grad():
    for _ in range(3):
        net(torch.randn(8, 3, 8, 8) * 1.3 + 0.2)  # running statistics ≠ (0, 1); num_batches_tracked = 3
net.eval()
xr = torch.randn(12, 3, 8, 8)
yr = torch.randint(0, 10, (12,))
save_state(net, os.path.join(out_dir, "resnet.npz"))
np.savez(os.path.join(out_dir, "resnet_data.npz"), x=xr.numpy().astype(np.float32).astype(np.float64), y=yr.numpy())
xr = torch.tensor(np.load(os.path.join(out_dir, "resnet_data.npz"))["x"])
top, p = dense_top(net, xr, yr, k)
ref["resnet"] = {"top": top, "p": p, "loss": F.cross_entropy(net(xr), yr).item()}
json.dump(ref, open(os.path.join(out_dir, "ref.json"), "w"))
