#!/usr/bin/python3
"""Export the PyTorch W1 (inference) and W3 (single-step, state in/out) models to ONNX for the
onnxruntime-node runner (bench/runners/ort.mjs), plus reference inputs/outputs to check numerical agreement.
Adapted from ../shared/peers/runners/export_onnx.py; the model classes and data rule are copied from
../shared/peers/runners/torch_runner.py so that bench/ is self-contained.

  /usr/bin/python3 bench/runners/export_onnx.py      -> bench/models/*.onnx, *.bin, meta.json

Uses only torch.onnx.export (works without the `onnx` python package). Needs Debian's python3-torch.
"""
import json
import os
import sys

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load_workloads():
    with open(os.path.join(ROOT, "workloads.json")) as f:
        spec = json.load(f)
    spec["by_id"] = {w["id"]: w for w in spec["workloads"]}
    return spec


def data_w1(w, g):
    x = torch.rand(w["batch"], w["seq"], w["input_size"], generator=g)
    y = x[:, :, :10].mean(1).argmax(1)
    return x, y


class SeqClassifier(nn.Module):  # W1
    def __init__(self, i, h, layers, out):
        super().__init__()
        self.lstm = nn.LSTM(i, h, layers, batch_first=True)
        self.fc = nn.Linear(h, out)

    def forward(self, x):
        o, _ = self.lstm(x)
        return self.fc(o[:, -1])


class StreamNet(nn.Module):  # W3: one step, state in/out
    def __init__(self, i, h):
        super().__init__()
        self.lstm = nn.LSTM(i, h, 1, batch_first=True)
        self.fc = nn.Linear(h, 1)

    def forward(self, x, h, c):
        o, (h2, c2) = self.lstm(x, (h, c))
        return self.fc(o), h2, c2

OPSET = 14


def main():
    spec = load_workloads()
    W = spec["by_id"]
    outdir = os.path.join(ROOT, "models")
    os.makedirs(outdir, exist_ok=True)
    meta = {"torch": torch.__version__, "opset": OPSET, "onnx_python_package": False}
    try:
        import onnx  # noqa: F401
        meta["onnx_python_package"] = True
    except ImportError:
        pass

    # ---- W1: batch 100 x 28 x 28 -> logits 100 x 10 (dynamic batch axis)
    w = W["W1"]
    torch.manual_seed(spec["seed"])
    g = torch.Generator().manual_seed(spec["seed"])
    x, _ = data_w1(w, g)
    m1 = SeqClassifier(w["input_size"], w["hidden"], w["layers"], w["head"]["out"]).eval()
    with torch.no_grad():
        y = m1(x)
    p1 = os.path.join(outdir, "w1_mnist_rows.onnx")
    torch.onnx.export(m1, (x,), p1, input_names=["x"], output_names=["logits"], opset_version=OPSET,
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    x.numpy().astype("float32").tofile(os.path.join(outdir, "w1_x.bin"))
    y.numpy().astype("float32").tofile(os.path.join(outdir, "w1_logits_ref.bin"))
    meta["W1"] = {"model": os.path.basename(p1), "x_shape": list(x.shape), "y_shape": list(y.shape)}

    # ---- W3: one step; inputs x[1,1,1], h[1,1,H], c[1,1,H] -> y[1,1,1], h', c'
    w = W["W3"]
    torch.manual_seed(spec["seed"])
    net = StreamNet(w["input_size"], w["hidden"]).eval()
    H = w["hidden"]
    xs = torch.sin(0.05 * torch.arange(w["steps"], dtype=torch.float32))
    h = torch.zeros(1, 1, H)
    c = torch.zeros(1, 1, H)
    ys = []
    with torch.no_grad():
        for t in range(w["steps"]):
            yt, h, c = net(xs[t].view(1, 1, 1), h, c)
            ys.append(float(yt))
    p3 = os.path.join(outdir, "w3_stream_step.onnx")
    torch.onnx.export(net, (xs[0].view(1, 1, 1), torch.zeros(1, 1, H), torch.zeros(1, 1, H)), p3,
                      input_names=["x", "h", "c"], output_names=["y", "h_out", "c_out"], opset_version=OPSET)
    xs.numpy().astype("float32").tofile(os.path.join(outdir, "w3_x.bin"))
    torch.tensor(ys, dtype=torch.float32).numpy().tofile(os.path.join(outdir, "w3_y_ref.bin"))
    meta["W3"] = {"model": os.path.basename(p3), "steps": w["steps"], "hidden": H}

    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log(f"exported {p1} ({os.path.getsize(p1)} B), {p3} ({os.path.getsize(p3)} B); onnx python package: {meta['onnx_python_package']}")


if __name__ == "__main__":
    main()
