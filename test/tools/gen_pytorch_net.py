"""Writes test/fixtures/pytorch-net/: a PyTorch nn.Module with self.lstm / self.fc, saved
as PyTorch users save it, for the README's "Bringing a PyTorch model" recipe.

Run: .venv/bin/python test/tools/gen_pytorch_net.py (or /usr/bin/python3 with torch)
Files: net.pt (torch.save(net.state_dict())), checkpoint.pt (torch.save({'model':
state_dict, 'epoch': 3})), net.json ({"torch", "input": {"shape", "data"}, "output":
{"shape", "data"}, "str": str(output)}) with the input the README uses,
torch.linspace(-1, 1, 12).reshape(1, 4, 3).
"""
import json
import os

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 8, num_layers=2, batch_first=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


torch.manual_seed(7)
net = Net().eval()
x = torch.linspace(-1, 1, 12).reshape(1, 4, 3)
with torch.no_grad():
    y = net(x)
out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pytorch-net")
os.makedirs(out, exist_ok=True)
torch.save(net.state_dict(), os.path.join(out, "net.pt"))
torch.save({"model": net.state_dict(), "epoch": 3}, os.path.join(out, "checkpoint.pt"))
with open(os.path.join(out, "net.json"), "w") as f:
    json.dump({"torch": torch.__version__,
               "input": {"shape": list(x.shape), "data": x.reshape(-1).double().tolist()},
               "output": {"shape": list(y.shape), "data": y.reshape(-1).double().tolist()},
               "str": str(y)}, f, indent=1)
    f.write("\n")
print(out, str(y))
