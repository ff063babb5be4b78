"""Golden fixtures for the recurrent cell variants, from Keras 3 itself.

Builds LSTM / GRU / SimpleRNN layers with other activations, reset_after both ways and
use_bias both ways, sets random weights, runs a batch-3, 7-step input and writes the
Keras weights (Keras' own layout) and Keras' outputs (every step and the final
states) to test/fixtures/keras/cells.json.

Run: KERAS_BACKEND=jax .venv/bin/python test/tools/gen_keras_cells.py
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def keras2_hard_sigmoid(x):
    # Keras 2's (and TF.js's) definition, which Keras 3 replaced by relu6(x + 3) / 6
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


CASES = [
    ("lstm_default", "LSTM", dict()),
    ("lstm_hard_sigmoid_k3", "LSTM", dict(recurrent_activation="hard_sigmoid")),
    ("lstm_hard_sigmoid_k2_relu", "LSTM", dict(recurrent_activation=keras2_hard_sigmoid, activation="relu")),
    ("lstm_linear_nobias", "LSTM", dict(activation="linear", use_bias=False)),
    ("lstm_softsign_elu", "LSTM", dict(recurrent_activation="softsign", activation="elu")),
    ("gru_after_default", "GRU", dict(reset_after=True)),
    ("gru_before_default", "GRU", dict(reset_after=False)),
    ("gru_before_hard_sigmoid_k2", "GRU", dict(reset_after=False, recurrent_activation=keras2_hard_sigmoid)),
    ("gru_after_hard_sigmoid_k3_relu", "GRU", dict(reset_after=True, recurrent_activation="hard_sigmoid", activation="relu")),
    ("gru_before_nobias_selu", "GRU", dict(reset_after=False, use_bias=False, activation="selu")),
    ("gru_after_nobias", "GRU", dict(reset_after=True, use_bias=False)),
    ("simplernn_relu", "SimpleRNN", dict(activation="relu")),
    ("simplernn_linear", "SimpleRNN", dict(activation="linear")),
    ("simplernn_softplus", "SimpleRNN", dict(activation="softplus")),
    ("simplernn_sigmoid_nobias", "SimpleRNN", dict(activation="sigmoid", use_bias=False)),
]


def act_name(v):
    if v is keras2_hard_sigmoid:
        return "hard_sigmoid_keras2"
    return v


def main():
    rng = np.random.default_rng(9)
    N, L, F, H = 3, 7, 4, 5
    out = []
    for name, cls, kw in CASES:
        layer = getattr(keras.layers, cls)(H, return_sequences=True, return_state=True, **kw)
        x = rng.normal(size=(N, L, F)).astype(np.float32)
        layer(x)  # build
        weights = [rng.normal(scale=0.6, size=w.shape).astype(np.float32) for w in layer.get_weights()]
        layer.set_weights(weights)
        res = layer(x)
        seq = np.asarray(res[0])
        states = [np.asarray(s) for s in res[1:]]
        cfg = {
            "activation": act_name(kw.get("activation", "tanh")),
            "recurrent_activation": act_name(kw.get("recurrent_activation", "sigmoid")),
            "use_bias": kw.get("use_bias", True),
        }
        if cls == "GRU":
            cfg["reset_after"] = kw.get("reset_after", True)
        out.append({
            "name": name,
            "class_name": cls,
            "units": H,
            "config": cfg,
            "weights": [{"shape": list(w.shape), "data": w.ravel().tolist()} for w in weights],
            "x": {"shape": list(x.shape), "data": x.ravel().tolist()},
            "sequence": {"shape": list(seq.shape), "data": seq.ravel().tolist()},
            "states": [{"shape": list(s.shape), "data": s.ravel().tolist()} for s in states],
        })
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras", "cells.json")
    with open(path, "w") as f:
        json.dump({"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": out}, f)
    print("wrote", path, len(out), "cases")


if __name__ == "__main__":
    main()
