"""Writes test/fixtures/tensor/ops.json: forward values of tensor ops computed by PyTorch.

Run: python3 test/tools/gen_tensor_fixtures.py (any Python with torch; the fixture records its version)
Each case: {"name", "op", "args" (op-specific), "inputs": [{"shape", "data", "dtype"}],
"out": {"shape", "data"} or "outs": [...]}. Inputs are float64 unless "dtype" says
int32; outputs are computed in float64 (indices as integers).

Cases whose op is differentiable also hold PyTorch's gradients: "upstream" has one
weighting per output ({"shape", "data"}, null for an integer output) and "grads" one
entry per input, the gradient of loss = sum_k (out_k * upstream_k).sum() with respect to
that input (null where PyTorch has none: integer inputs, a where() condition).
The weightings come from their own generator, so the forward values do not depend on them.
"""
import json
import math
import os

import torch

torch.manual_seed(1234)
upstream_gen = torch.Generator().manual_seed(4321)
cases = []


def t(shape, lo=-2.0, hi=2.0):
    return (torch.rand(*shape, dtype=torch.float64) * (hi - lo) + lo) if shape else torch.tensor(0.7, dtype=torch.float64)


def enc(x):
    d = {"shape": list(x.shape), "data": [float(v) if x.is_floating_point() else int(v) for v in x.flatten().tolist()]}
    if not x.is_floating_point():
        d["dtype"] = "int32"
    return d


def add(name, op, inputs, fn, **args):
    leaves = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
    out = fn(*leaves)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    case = {"name": name, "op": op, "args": args, "inputs": [enc(x) for x in inputs]}
    if isinstance(out, (tuple, list)):
        case["outs"] = [enc(o.detach()) for o in outs]
    else:
        case["out"] = enc(out.detach())
    if any(o.requires_grad for o in outs):
        upstream = [torch.rand(o.shape, dtype=torch.float64, generator=upstream_gen) * 2 - 1
                    if o.requires_grad else None for o in outs]
        loss = sum((o * w).sum() for o, w in zip(outs, upstream) if w is not None)
        wrt = [x for x in leaves if x.requires_grad]
        got = iter(torch.autograd.grad(loss, wrt, allow_unused=True))
        grads = [next(got) if x.requires_grad else None for x in leaves]
        case["upstream"] = [None if w is None else enc(w) for w in upstream]
        case["grads"] = [None if g is None else enc(g) for g in grads]
    cases.append(case)


# element-wise binary with broadcasting
for op, fn in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div),
               ("maximum", torch.maximum), ("minimum", torch.minimum)]:
    add(f"{op} [3,1]x[1,4]", op, [t([3, 1]), t([1, 4])], fn)
    add(f"{op} [2,3,4]x[4]", op, [t([2, 3, 4]), t([4])], fn)
add("pow tensor exponent", "pow", [t([2, 3], 0.5, 2.0), t([3], -1.5, 1.5)], torch.pow)
add("pow number exponent", "pow", [t([5], 0.1, 3.0)], lambda a: torch.pow(a, 2.5), exponent=2.5)
add("pow negative base, integer exponent", "pow", [t([5])], lambda a: torch.pow(a, 3), exponent=3)
add("sub 0-d", "sub", [t([]), t([2, 2])], torch.sub)

# element-wise unary
for op, fn, lo, hi in [("neg", torch.neg, -2, 2), ("exp", torch.exp, -3, 3), ("log", torch.log, 0.01, 5),
                       ("sqrt", torch.sqrt, 0.0, 5), ("abs", torch.abs, -2, 2), ("square", torch.square, -2, 2),
                       ("sigmoid", torch.sigmoid, -40, 40), ("tanh", torch.tanh, -4, 4), ("relu", torch.relu, -2, 2)]:
    add(op, op, [t([3, 4], lo, hi)], fn)
add("clamp both", "clamp", [t([3, 4])], lambda a: torch.clamp(a, -0.5, 0.8), min=-0.5, max=0.8)
add("clamp min only", "clamp", [t([6])], lambda a: torch.clamp(a, min=0.1), min=0.1)
add("clamp max only", "clamp", [t([6])], lambda a: torch.clamp(a, max=-0.1), max=-0.1)
cond = (t([3, 1]) > 0).to(torch.float64)
add("where broadcast", "where", [cond, t([1, 4]), t([3, 4])], lambda c, a, b: torch.where(c != 0, a, b))

# reductions
x = t([2, 3, 4])
add("sum all", "sum", [x], lambda a: a.sum())
add("sum dim 1", "sum", [x], lambda a: a.sum(1), dim=1)
add("sum dims [0,2] keepdim", "sum", [x], lambda a: a.sum((0, 2), keepdim=True), dim=[0, 2], keepdim=True)
add("sum dim -1", "sum", [x], lambda a: a.sum(-1), dim=-1)
add("mean all", "mean", [x], lambda a: a.mean())
add("mean dims [-1,0]", "mean", [x], lambda a: a.mean((-1, 0)), dim=[-1, 0])
add("mean dim 2 keepdim", "mean", [x], lambda a: a.mean(2, keepdim=True), dim=2, keepdim=True)
add("max dim 1", "maxdim", [x], lambda a: tuple(torch.max(a, 1)), dim=1)
add("min dim -1 keepdim", "mindim", [x], lambda a: tuple(torch.min(a, -1, keepdim=True)), dim=-1, keepdim=True)
add("max all", "max", [x], lambda a: a.max())
add("min all", "min", [x], lambda a: a.min())
add("argmax dim 0", "argmax", [x], lambda a: a.argmax(0).to(torch.int32), dim=0)
add("argmin all", "argmin", [x], lambda a: a.argmin().to(torch.int32))
for d in [0, 1, 2, -1]:
    add(f"logsumexp dim {d}", "logsumexp", [x * 10], lambda a, d=d: a.logsumexp(d), dim=d)
    add(f"softmax dim {d}", "softmax", [x * 10], lambda a, d=d: a.softmax(d), dim=d)
    add(f"logSoftmax dim {d}", "logSoftmax", [x * 10], lambda a, d=d: a.log_softmax(d), dim=d)

# matmul and linear
add("matmul 1-D . 1-D", "matmul", [t([4]), t([4])], torch.matmul)
add("matmul 2-D", "matmul", [t([3, 4]), t([4, 5])], torch.matmul)
add("matmul 1-D @ 2-D", "matmul", [t([4]), t([4, 2])], torch.matmul)
add("matmul 2-D @ 1-D", "matmul", [t([3, 4]), t([4])], torch.matmul)
add("matmul batched broadcast", "matmul", [t([2, 1, 3, 4]), t([5, 4, 2])], torch.matmul)
add("matmul 3-D @ 1-D", "matmul", [t([2, 3, 4]), t([4])], torch.matmul)
add("linear with bias 3-D", "linear", [t([2, 3, 4]), t([5, 4]), t([5])], torch.nn.functional.linear)
add("linear no bias", "linear", [t([3, 4]), t([2, 4])], torch.nn.functional.linear)

# shape ops
y = t([2, 3, 4])
add("permute [2,0,1]", "permute", [y], lambda a: a.permute(2, 0, 1), dims=[2, 0, 1])
add("transpose 0,2", "transpose", [y], lambda a: a.transpose(0, 2), dim0=0, dim1=2)
add("slice dim 2 1:4:2", "slice", [y], lambda a: a[:, :, 1:4:2], dim=2, start=1, end=4, step=2)
add("slice dim 1 -2:", "slice", [y], lambda a: a[:, -2:], dim=1, start=-2)
add("slice dim 0 ::2 of 5", "slice", [t([5, 2])], lambda a: a[::2], dim=0, start=0, step=2)
add("narrow", "narrow", [y], lambda a: a.narrow(2, 1, 2), dim=2, start=1, length=2)
add("select dim 1 -1", "select", [y], lambda a: a.select(1, -1), dim=1, index=-1)
add("expand [3,1]->[2,3,4]", "expand", [t([3, 1])], lambda a: a.expand(2, 3, 4), shape=[2, 3, 4])
add("cat dim 1", "cat", [t([2, 1, 4]), t([2, 3, 4]), t([2, 2, 4])], lambda *xs: torch.cat(xs, 1), dim=1)
add("stack dim -1", "stack", [t([2, 3]), t([2, 3])], lambda *xs: torch.stack(xs, -1), dim=-1)
add("split [1,3] dim 1", "split", [t([2, 4])], lambda a: a.split([1, 3], 1), sizes=[1, 3], dim=1)
add("chunk 3 of 7", "chunk", [t([7, 2])], lambda a: a.chunk(3, 0), chunks=3, dim=0)
idx = torch.tensor([2, 0, 2, 1], dtype=torch.int32)
add("indexSelect dim 1 repeated", "indexSelect", [t([2, 3, 2]), idx], lambda a, i: torch.index_select(a, 1, i.long()), dim=1)
gidx = torch.tensor([[0, 2, 2], [1, 1, 0]], dtype=torch.int32)
add("gather dim 1", "gather", [t([2, 4]), gidx], lambda a, i: torch.gather(a, 1, i.long()), dim=1)
add("gather dim 0", "gather", [t([3, 3]), gidx], lambda a, i: torch.gather(a, 0, i.long()), dim=0)

# creation
add("linspace 0..1 x7", "linspace", [], lambda: torch.linspace(0, 1, 7, dtype=torch.float64), start=0, end=1, steps=7)
add("linspace -3..5 x5", "linspace", [], lambda: torch.linspace(-3, 5, 5, dtype=torch.float64), start=-3, end=5, steps=5)
add("arange 1..2 by 0.25", "arange", [], lambda: torch.arange(1, 2, 0.25, dtype=torch.float64), start=1, end=2, step=0.25)
add("arange 5..-3 by -2", "arange", [], lambda: torch.arange(5, -3, -2, dtype=torch.float64), start=5, end=-3, step=-2)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "tensor", "ops.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
