#!/usr/bin/env python3
"""What torch.manual_seed(seed) + PyTorch draws, for longshort's mt19937 generator.

Writes test/fixtures/rng/torch_mt19937.json: for each seed, a list of steps run in order
after torch.manual_seed(seed), each {"op", args..., "values"} (float values exactly as
PyTorch stores them, float32 ones widened to float64). test/core/rng-torch.test.ts replays
every step with manualSeed(seed, { algorithm: 'mt19937' }) and expects the same values.

Usage: /usr/bin/python3 test/tools/gen_rng_fixtures.py [out.json]
"""
import json
import sys

import torch
import torch.nn as nn

out = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/rng/torch_mt19937.json"


def flat(t):
    return t.detach().reshape(-1).tolist()


def module_values(m):
    return [[k, list(v.shape), flat(v)] for k, v in m.state_dict().items()]


cases = []
for seed in (0, 1, 1234):
    torch.manual_seed(seed)
    steps = [
        {"op": "rand", "shape": [5], "dtype": "float32", "values": flat(torch.rand(5))},
        {"op": "rand", "shape": [3], "dtype": "float64", "values": flat(torch.rand(3, dtype=torch.float64))},
        {"op": "uniform_", "shape": [4], "low": -0.3, "high": 0.7, "values": flat(torch.empty(4).uniform_(-0.3, 0.7))},
        {"op": "randint", "low": 2, "high": 9, "shape": [6], "values": flat(torch.randint(2, 9, (6,)))},
        {"op": "randperm", "n": 50, "values": flat(torch.randperm(50))},
        {"op": "dropout", "input": [float(i % 7) - 3 for i in range(40)], "p": 0.3,
         "values": flat(torch.nn.functional.dropout(torch.tensor([float(i % 7) - 3 for i in range(40)]), 0.3))},
        {"op": "module", "kind": "LSTM", "args": [3, 4], "kwargs": {"num_layers": 2, "bidirectional": True},
         "values": module_values(nn.LSTM(3, 4, num_layers=2, bidirectional=True))},
        {"op": "module", "kind": "LSTM", "args": [7, 6], "kwargs": {"num_layers": 2, "batch_first": True, "proj_size": 3},
         "values": module_values(nn.LSTM(7, 6, num_layers=2, batch_first=True, proj_size=3))},
        {"op": "module", "kind": "Linear", "args": [6, 10], "kwargs": {}, "values": module_values(nn.Linear(6, 10))},
        {"op": "module", "kind": "Linear", "args": [128, 10], "kwargs": {}, "values": module_values(nn.Linear(128, 10))},
        {"op": "module", "kind": "GRUCell", "args": [5, 6], "kwargs": {}, "values": module_values(nn.GRUCell(5, 6))},
        {"op": "module", "kind": "RNN", "args": [2, 3], "kwargs": {"nonlinearity": "relu"}, "values": module_values(nn.RNN(2, 3, nonlinearity="relu"))},
        {"op": "module", "kind": "GRU", "args": [4, 5], "kwargs": {"dtype": "float64"},
         "values": module_values(nn.GRU(4, 5, dtype=torch.float64))},
    ]
    cases.append({"seed": seed, "steps": steps})

with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {out} (torch {torch.__version__})")
