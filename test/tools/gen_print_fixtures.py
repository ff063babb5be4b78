"""Writes test/fixtures/tensor/print.json: how PyTorch prints tensors (str(t)).

Run: .venv/bin/python test/tools/gen_print_fixtures.py (any torch; the committed file is from 2.13)
Each case: {"name", "dtype" (float32 | float64 | int32), "shape", "data" (flat, row-major;
"nan", "inf", "-inf" as strings), "requiresGrad", "options" (torch.set_printoptions
keywords, camelCase as in setPrintOptions), "str" (PyTorch's output)}.
"""
import json
import math
import os

import torch

torch.manual_seed(0)
DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32"}
cases = []


def num(v):
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def add(name, t, requires_grad=False, **options):
    if requires_grad:
        t = t.clone().requires_grad_(True)
    torch.set_printoptions(profile="default")
    torch.set_printoptions(**{{"sciMode": "sci_mode"}.get(k, k): v for k, v in options.items()})
    s = str(t)
    torch.set_printoptions(profile="default")
    flat = t.detach().reshape(-1)
    data = [num(float(v)) for v in flat.double().tolist()] if t.is_floating_point() else [int(v) for v in flat.tolist()]
    cases.append({"name": name, "dtype": DTYPES[t.dtype], "shape": list(t.shape), "data": data,
                  "requiresGrad": requires_grad, "options": options, "str": s})


f32, f64, i32 = torch.float32, torch.float64, torch.int32
add("row of two", torch.tensor([[0.1, 0.2]]))
add("integers in a float tensor", torch.tensor([1.0, 2.0, 3.0]))
add("all zeros", torch.zeros(2, 3))
add("small and large: scientific", torch.tensor([1e-5, 1.0]))
add("ratio over 1000: scientific", torch.tensor([0.5, 1234.5]))
add("integers past 1e8: scientific", torch.tensor([1e9, 1.0]))
add("ties round to even", torch.tensor([0.03125, 1.03125, 2.5, -0.71875], dtype=f64))
add("negative zero", torch.tensor([-0.0, 0.5]))
add("nan and infinities", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5]))
add("nan among integers", torch.tensor([float("nan"), 1.0, -2.0]))
add("wide fixed values", torch.tensor([123456.789, 0.5, -3.25], dtype=f64))
add("float64 matrix", torch.randn(3, 4, dtype=f64))
add("3-d", torch.randn(2, 3, 4))
add("4-d", torch.randn(2, 2, 2, 2, dtype=f64))
add("long vector wraps", torch.linspace(-1, 1, 30))
add("summarized 1-d", torch.randn(1200))
add("summarized matrix", torch.randn(40, 50))
add("summarized 3-d", torch.randn(12, 10, 10, dtype=f64) * 100)
add("summarized along the first dim only", torch.randn(1100, 2))
add("int32 matrix, summarized", torch.arange(2000, dtype=i32).reshape(40, 50))
add("int32 negative", torch.tensor([-5, 12, 300], dtype=i32))
add("scalar", torch.tensor(3.5))
add("int32 scalar", torch.tensor(7, dtype=i32))
add("empty vector", torch.zeros(0))
add("empty matrix", torch.zeros(0, 3))
add("empty float64", torch.zeros(2, 0, dtype=f64))
add("requires grad", torch.randn(2, 2), requires_grad=True)
add("suffixes wrap past the line width", torch.randn(2, 8, dtype=f64), requires_grad=True)
add("precision 2", torch.tensor([1 / 3, 2 / 3, 10.0]), precision=2)
add("sci mode forced", torch.tensor([1.5, 2.25]), sciMode=True)
add("sci mode off", torch.tensor([1e-6, 1.0]), sciMode=False)
add("threshold 10, edgeitems 2", torch.arange(24, dtype=f32).reshape(4, 6) / 7, threshold=10, edgeitems=2)
add("linewidth 40", torch.randn(16), linewidth=40)

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tensor", "print.json")
with open(out, "w") as f:
    # one case per line: readable diffs without a line per number
    f.write('{"torch": %s, "cases": [\n' % json.dumps(torch.__version__))
    f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    f.write("\n]}\n")
print(f"{out}: {len(cases)} cases (torch {torch.__version__})")
