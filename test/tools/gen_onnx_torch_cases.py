"""Recurrent models exported by torch.onnx.export (the TorchScript exporter, dynamic batch
and sequence axes) with PyTorch's own outputs, written to
test/fixtures/onnx/torch-<major.minor>/<case>/ in the ONNX backend-test layout: two data
sets each (batch 3 x sequence 7, and batch 2 x sequence 9 for the dynamic axes).

Runs under PyTorch 1.13 and 2.x alike (the `dynamo` switch only where torch 2 has it); the
folder is named after the torch that runs it:

  /usr/bin/python3 test/tools/gen_onnx_torch_cases.py        # torch-1.13: Debian 12's
      python3-torch 1.13 and python3-onnx 1.12 (apt-get install python3-torch python3-onnx)
  .venv/bin/python test/tools/gen_onnx_torch_cases.py        # torch-2.13: the venv's wheel
"""
import os
import shutil
import warnings

import numpy as np
import onnx
import torch
from onnx import numpy_helper

warnings.filterwarnings("ignore")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
VER = ".".join(torch.__version__.split(".")[:2])
OUT = os.path.join(ROOT, "test", "fixtures", "onnx", f"torch-{VER}")


class Seq(torch.nn.Module):
    """A recurrent layer returning its full output (and states when asked)."""

    def __init__(self, rnn, states=False):
        super().__init__()
        self.rnn = rnn
        self.states = states

    def forward(self, x, *h0):
        if h0:
            out, h = self.rnn(x, h0[0] if len(h0) == 1 else tuple(h0))
        else:
            out, h = self.rnn(x)
        if not self.states:
            return out
        return (out, *h) if isinstance(h, tuple) else (out, h)


class EmbedLstmLinear(torch.nn.Module):
    def __init__(self, log_softmax):
        super().__init__()
        self.emb = torch.nn.Embedding(11, 6)
        self.lstm = torch.nn.LSTM(6, 8, num_layers=2, batch_first=True)
        self.head = torch.nn.Linear(8, 11)
        self.log_softmax = log_softmax

    def forward(self, tokens):
        out, _ = self.lstm(self.emb(tokens))
        logits = self.head(out)
        return torch.log_softmax(logits, -1) if self.log_softmax else torch.softmax(logits, -1)


class GruLast(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(4, 6, num_layers=2, batch_first=True, bidirectional=True)
        self.head = torch.nn.Linear(12, 3)

    def forward(self, x):
        out, _ = self.gru(x)
        return torch.relu(self.head(out[:, -1, :]))


def export(name, model, make_inputs, input_names, output_names, dyn):
    torch.manual_seed(0)
    model.eval()
    dst = os.path.join(OUT, name)
    os.makedirs(dst)
    path = os.path.join(dst, "model.onnx")
    args = make_inputs(3, 7)
    kw = {"dynamo": False} if int(torch.__version__.split(".")[0]) >= 2 else {}
    torch.onnx.export(model, tuple(args), path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dyn, opset_version=14, **kw)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    for i, (b, l) in enumerate([(3, 7), (2, 9)]):
        ins = make_inputs(b, l)
        with torch.no_grad():
            outs = model(*ins)
        outs = outs if isinstance(outs, tuple) else (outs,)
        ds = os.path.join(dst, f"test_data_set_{i}")
        os.makedirs(ds)
        for j, (n, t) in enumerate(zip(input_names, ins)):
            with open(os.path.join(ds, f"input_{j}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(t.numpy(), n).SerializeToString())
        for j, (n, t) in enumerate(zip(output_names, outs)):
            with open(os.path.join(ds, f"output_{j}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(t.numpy(), n).SerializeToString())
    print(name, [n.op_type for n in onnx.load(path).graph.node][:40])


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    rnd = lambda *s: torch.randn(*s, generator=g)
    seq_dyn = lambda names: {n: {0: "seq", 1: "batch"} for n in names}
    bf_dyn = lambda names: {n: {0: "batch", 1: "seq"} for n in names}
    export("lstm", Seq(torch.nn.LSTM(4, 5)), lambda b, l: [rnd(l, b, 4)], ["x"], ["y"], seq_dyn(["x", "y"]))
    export("lstm_stacked_bidirectional_batch_first", Seq(torch.nn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True)),
           lambda b, l: [rnd(b, l, 4)], ["x"], ["y"], bf_dyn(["x", "y"]))
    export("lstm_states", Seq(torch.nn.LSTM(4, 5, num_layers=2), states=True),
           lambda b, l: [rnd(l, b, 4), rnd(2, b, 5), rnd(2, b, 5)], ["x", "h0", "c0"], ["y", "hn", "cn"],
           {"x": {0: "seq", 1: "batch"}, "y": {0: "seq", 1: "batch"}, "h0": {1: "batch"}, "c0": {1: "batch"}, "hn": {1: "batch"}, "cn": {1: "batch"}})
    export("gru_stacked_bidirectional", Seq(torch.nn.GRU(4, 5, num_layers=2, bidirectional=True), states=True),
           lambda b, l: [rnd(l, b, 4)], ["x"], ["y", "hn"], {"x": {0: "seq", 1: "batch"}, "y": {0: "seq", 1: "batch"}, "hn": {1: "batch"}})
    export("gru_batch_first", Seq(torch.nn.GRU(4, 5, batch_first=True)), lambda b, l: [rnd(b, l, 4)], ["x"], ["y"], bf_dyn(["x", "y"]))
    export("rnn_tanh_stacked_bidirectional_batch_first", Seq(torch.nn.RNN(4, 5, num_layers=2, bidirectional=True, batch_first=True)),
           lambda b, l: [rnd(b, l, 4)], ["x"], ["y"], bf_dyn(["x", "y"]))
    export("rnn_relu", Seq(torch.nn.RNN(4, 5, nonlinearity="relu"), states=True), lambda b, l: [rnd(l, b, 4), rnd(1, b, 5)], ["x", "h0"], ["y", "hn"],
           {"x": {0: "seq", 1: "batch"}, "y": {0: "seq", 1: "batch"}, "h0": {1: "batch"}, "hn": {1: "batch"}})
    for ls in (False, True):
        export(f"embedding_lstm_linear_{'log_softmax' if ls else 'softmax'}", EmbedLstmLinear(ls),
               lambda b, l: [torch.randint(0, 11, (b, l), generator=g)], ["tokens"], ["probs"], bf_dyn(["tokens", "probs"]))
    export("gru_bidirectional_last_step_linear_relu", GruLast(), lambda b, l: [rnd(b, l, 4)], ["x"], ["y"], {"x": {0: "batch", 1: "seq"}, "y": {0: "batch"}})
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write(f"torch {torch.__version__} onnx {onnx.__version__}\n")


if __name__ == "__main__":
    main()
