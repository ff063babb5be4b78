#!/usr/bin/env python3
"""Writes the PyTorch checkpoint fixtures of test/io/torch-load.test.ts into test/fixtures/pt/.

Each X.pt is made by torch.save; X.json says what a reader must find in it: "value", the
whole tree (tensors as {__tensor__, dtype, shape, values row-major}, dicts as
{__dict__: [[key, value], ...]} in order, lists/tuples, argparse Namespaces as
{__object__, state}); "model", an input and the output the lstm_state model computes;
"stateDict", the state_dict() of a pickled module; "resume", an input and the model's
weights after one more Adam step (sum of outputs) from the checkpoint's model and
optimizer state; or "error", the error expected.

  lstm_state.pt      state_dict of LSTM(3, 4, num_layers=2, bidirectional) + Linear(8, 2),
                     plus the output PyTorch computes for a fixed input (lstm_state.json)
  checkpoint.pt      {'epoch', 'model' (that state dict), 'optimizer' (Adam state after one
                     step), 'args' (argparse.Namespace), 'half', 'bf16', 'int64', 'bool',
                     'view' (a strided view sharing storage), 'scalar', 'nested' list/tuple}
  protocol4.pt       a small state dict written with pickle protocol 4
  legacy.pt          the pre-1.6 (non-zip) format (legacy.json: the error expected)
  module.pt          a whole pickled nn.Module (torch.save(model)); module.json: its state_dict()

Usage: /usr/bin/python3 test/tools/gen_torch_pt.py [out_dir]
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn

out = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/pt"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


def leaf(v):
    if isinstance(v, torch.Tensor):
        t = v.detach()
        dt = str(t.dtype).replace("torch.", "")
        vals = t.reshape(-1).tolist() if t.dtype != torch.bfloat16 and t.dtype != torch.float16 else t.float().reshape(-1).tolist()
        if t.dtype == torch.bool:
            vals = [int(b) for b in vals]
        return {"__tensor__": True, "dtype": dt, "shape": list(t.shape), "values": vals}
    if isinstance(v, dict):
        return {"__dict__": [[k, leaf(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return {"__list__" if isinstance(v, list) else "__tuple__": [leaf(x) for x in v]}
    if isinstance(v, argparse.Namespace):
        return {"__object__": "argparse.Namespace", "state": leaf(vars(v))}
    return v


def write(name, obj, expect=None, **kw):
    """X.pt, and X.json: {"value": the tree} plus any extra expectations in `expect`."""
    torch.save(obj, f"{out}/{name}.pt", **kw)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"value": leaf(obj), **(expect or {})}, f)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        o, _ = self.lstm(x)
        return self.fc(o)


net = Net()
sd = net.state_dict()
x = torch.randn(5, 2, 3)
with torch.no_grad():
    y = net(x)
# the model check: LSTM(3, 4, 2 layers, bidirectional) -> Linear(8, 2) on x gives y
write("lstm_state", sd, {"model": {"input": leaf(x), "output": leaf(y)}})

opt = torch.optim.Adam(net.parameters(), lr=0.01)
net(x).sum().backward()
opt.step()
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
ckpt = {
    "epoch": 3,
    "model": net.state_dict(),
    "optimizer": opt.state_dict(),
    "args": argparse.Namespace(lr=0.01, hidden=4, name="run1"),
    "half": torch.tensor([1.5, -2.25, 65504.0], dtype=torch.float16),
    "bf16": torch.tensor([[1.0, -3.5]], dtype=torch.bfloat16),
    "int64": torch.tensor([0, -7, 2**31 - 1], dtype=torch.int64),
    "bool": torch.tensor([True, False, True]),
    "view": base[1:, ::2],
    "base": base,
    "scalar": torch.tensor(2.5, dtype=torch.float64),
    "nested": [1, 2.5, "three", (True, None)],
}
# resuming: one more Adam step from the saved model + optimizer state on x2
x2 = torch.randn(4, 3, 3)
torch.save(ckpt, f"{out}/checkpoint.pt")
saved = leaf(ckpt)  # before the step below changes the tensors ckpt refers to
opt.zero_grad()
net(x2).sum().backward()
opt.step()
with open(f"{out}/checkpoint.json", "w") as f:
    json.dump({"value": saved, "resume": {"input": leaf(x2), "after": leaf(net.state_dict())}}, f)
small = {"w": torch.tensor([[1.0, 2.0], [3.0, 4.0]]), "b": torch.tensor([0.5, -0.5], dtype=torch.float64)}
write("protocol4", small, pickle_protocol=4)
torch.save(small, f"{out}/legacy.pt", _use_new_zipfile_serialization=False)
with open(f"{out}/legacy.json", "w") as f:
    json.dump({"error": {"name": "UnsupportedError", "match": "legacy torch.save format"}}, f)
# a whole pickled module: its state_dict() is recoverable without running anything
mod = nn.Sequential(nn.LSTM(2, 3), nn.Linear(3, 1, bias=False))
mod[0].register_buffer("scratch", torch.zeros(2), persistent=False)
torch.save(mod, f"{out}/module.pt")
with open(f"{out}/module.json", "w") as f:
    json.dump({"stateDict": leaf(mod.state_dict())}, f)
print(f"wrote {out}: torch {torch.__version__}")
