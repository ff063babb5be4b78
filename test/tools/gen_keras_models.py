"""Keras 3 models saved by Keras itself, for longshort's .keras / .h5 import tests.

Each model is built with random weights, saved as <name>.keras (Keras 3 zip) and
<name>.h5 (the legacy HDF5 file), and its input and Keras' prediction are written to
<name>.json, all in test/fixtures/keras/models/ (or the folder given).

The WEIGHTS models (names starting weights_) test `.weights.h5`: saved as <name>.keras
with one set of random weights, then given a second set, saved with
model.save_weights('<name>.weights.h5'); <name>.json holds the input and the prediction
with the second set, so only weights read from the .weights.h5 file reproduce it. They
go to test/fixtures/keras/weights/ (or <folder>/../weights).

Run: KERAS_BACKEND=jax .venv/bin/python test/tools/gen_keras_models.py
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

N, L, F = 3, 7, 4


def seq_lstm_gru():
    return keras.Sequential([
        keras.Input((L, F)),
        layers.LSTM(5, return_sequences=True, recurrent_activation="hard_sigmoid"),
        layers.Dropout(0.3),
        layers.GRU(4, reset_after=False, return_sequences=True),
        layers.GRU(3, reset_after=True, activation="relu"),
        layers.Dense(2, activation="softmax"),
    ])


def embed_bidir():
    return keras.Sequential([
        keras.Input((L,), dtype="int32"),
        layers.Embedding(11, 4, mask_zero=True),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
        layers.TimeDistributed(layers.Dense(2)),
    ])


def bidir_modes():
    return keras.Sequential([
        keras.Input((L, F)),
        layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="sum"),
        layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode="mul"),
        layers.Bidirectional(layers.LSTM(2, use_bias=False), merge_mode="ave"),
        layers.Dense(1, use_bias=False),
    ])


def backwards_rnn():
    return keras.Sequential([
        keras.Input((L, F)),
        layers.SimpleRNN(4, go_backwards=True, return_sequences=True, activation="relu"),
        layers.LSTM(3, go_backwards=True),
        layers.Dense(2, activation="tanh"),
    ])


def functional_chain():
    inp = keras.Input((L, F))
    h = layers.LSTM(4, return_sequences=True)(inp)
    h = layers.GRU(3, reset_after=False, recurrent_activation="hard_sigmoid")(h)
    out = layers.Dense(2, activation="sigmoid")(h)
    return keras.Model(inp, out)


def stateful_lstm():
    return keras.Sequential([
        keras.Input((L, F), batch_size=N),
        layers.LSTM(3, stateful=True, return_sequences=True),
        layers.Dense(1),
    ])


def weights_stack():
    return keras.Sequential([
        keras.Input((L, F)),
        layers.LSTM(5, return_sequences=True),
        layers.GRU(4, reset_after=True, return_sequences=True),
        layers.Bidirectional(layers.GRU(3, reset_after=False, return_sequences=True), merge_mode="concat"),
        layers.SimpleRNN(3),
        layers.Dense(2),
    ])


def weights_embed():
    return keras.Sequential([
        keras.Input((L,), dtype="int32"),
        layers.Embedding(11, 4),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
        layers.LSTM(2),
        layers.Dense(3, activation="tanh"),
    ])


WEIGHTS = {
    "weights_stack": weights_stack,
    "weights_embed": weights_embed,
}

MODELS = {
    "seq_lstm_gru": seq_lstm_gru,
    "embed_bidir": embed_bidir,
    "bidir_modes": bidir_modes,
    "backwards_rnn": backwards_rnn,
    "functional_chain": functional_chain,
    "stateful_lstm": stateful_lstm,
}


def write_case(path, x, y):
    """The input and Keras' prediction of one fixture, as JSON."""
    with open(path, "w") as f:
        json.dump({
            "keras_version": keras.__version__,
            "x": {"shape": list(x.shape), "dtype": str(x.dtype), "data": x.ravel().tolist()},
            "y": {"shape": list(y.shape), "data": y.ravel().tolist()},
        }, f)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras", "models")
    rng = np.random.default_rng(19)
    for name, make in MODELS.items():
        keras.utils.set_random_seed(1)
        model = make()
        model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
        if name == "embed_bidir":
            x = rng.integers(1, 11, size=(N, L)).astype(np.int32)
            x[0, 5:] = 0  # right padding
            x[1, 2] = 0  # a hole in the middle
        else:
            x = rng.normal(size=(N, L, F)).astype(np.float32)
        y = np.asarray(model.predict(x, verbose=0))
        model.save(os.path.join(out_dir, f"{name}.keras"))
        model.save(os.path.join(out_dir, f"{name}.h5"))
        write_case(os.path.join(out_dir, f"{name}.json"), x, y)
        print("wrote", name)
    weights_dir = os.path.join(out_dir, "..", "weights")
    os.makedirs(weights_dir, exist_ok=True)
    for name, make in WEIGHTS.items():
        keras.utils.set_random_seed(2)
        model = make()
        model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
        model.save(os.path.join(weights_dir, f"{name}.keras"))
        model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
        wfile = os.path.join(weights_dir, f"{name}.weights.h5")
        model.save_weights(wfile)
        if name == "weights_embed":
            x = rng.integers(0, 11, size=(N, L)).astype(np.int32)
        else:
            x = rng.normal(size=(N, L, F)).astype(np.float32)
        y = np.asarray(model.predict(x, verbose=0))
        # the file loads back into a fresh copy of the architecture with the same prediction
        check = keras.saving.load_model(os.path.join(weights_dir, f"{name}.keras"))
        check.load_weights(wfile)
        assert np.allclose(np.asarray(check.predict(x, verbose=0)), y, rtol=1e-6, atol=1e-7), name
        write_case(os.path.join(weights_dir, f"{name}.json"), x, y)
        print("wrote", name)


if __name__ == "__main__":
    main()
