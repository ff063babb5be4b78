#!/usr/bin/env python3
"""PyTorch twin of examples/char-rnn.ts (karpathy/char-rnn's defaults on tiny Shakespeare).

Same vocabulary (every character of the file, sorted by code point), model (one-hot ->
nn.LSTM(V, 128, 2, batch_first) -> Linear(128, V) on every step), init (every parameter
U(-0.08, 0.08), the forget block of bias_ih_l{k} = 1), RMSprop(lr 2e-3, alpha 0.95,
eps 1e-8), element-wise gradient clamp 5, state carried across batches (detached) and mean
cross entropy over B*T.

--split picks the train/validation layout:
  tail     (examples/char-rnn.ts): the first 95% of the characters train, the last 5%
           validate, each laid out by charRnnBatches (batch_size streams, stream r of batch
           k+1 continues stream r of batch k); the state starts at zero each epoch.
  char-rnn (karpathy's CharSplitLMMinibatchLoader): the WHOLE text is cut into batch_size
           streams and then into seq_length columns; the first floor(0.95 * n) columns
           train, the rest validate -- so the validation characters are the last 5% of
           EVERY stream, spread over the whole text. (The last target is the true next
           id, as in charRnnBatches; char-rnn wraps it to data[0]: one character.)
The training state starts at zero each epoch, as in the example (--carry-epochs: never
reset, as train.lua, which carries it around the epoch boundary). Validation starts from a
zero state and carries it across its batches (eval_split).

--loss-scale T multiplies the loss by T before backward (char-rnn's gradient is the SUM
over time of per-step batch means, i.e. seq_length times the mean's; this only matters
through the clamp).

--init PATH.safetensors starts from given weights (e.g. `char-rnn --epochs 0 --save P`);
otherwise torch.manual_seed(--seed) and the char-rnn init.

Usage: /usr/bin/python3 test/tools/char_rnn_torch.py [--epochs 10] [--split char-rnn|tail]
       [--init P.safetensors] [--max-batches N] [--print-batches N] [--threads 1]
"""
import argparse
import json
import sys
import time

import safetensors_py  # test/tools/, beside this script
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--data", default="data/tinyshakespeare.txt")
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--hidden", type=int, default=128)
p.add_argument("--layers", type=int, default=2)
p.add_argument("--seq-length", type=int, default=50)
p.add_argument("--batch-size", type=int, default=50)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--alpha", type=float, default=0.95)
p.add_argument("--eps", type=float, default=1e-8)
p.add_argument("--grad-clip", type=float, default=5.0)
p.add_argument("--init-range", type=float, default=0.08)
p.add_argument("--forget-bias", choices=["ih", "both", "none"], default="ih")
p.add_argument("--train-frac", type=float, default=0.95)
p.add_argument("--split", choices=["char-rnn", "tail"], default="char-rnn")
p.add_argument("--carry-epochs", action="store_true")
p.add_argument("--loss-scale", type=float, default=1.0)
p.add_argument("--lr-decay", type=float, default=1.0, help="per epoch, after --lr-decay-after epochs")
p.add_argument("--lr-decay-after", type=int, default=10)
p.add_argument("--seed", type=int, default=123)
p.add_argument("--init", help="initial weights (safetensors, F32, PyTorch keys)")
p.add_argument("--max-batches", type=int, default=0)
p.add_argument("--print-batches", type=int, default=0, help="print the loss of each of the first N batches")
p.add_argument("--log-every", type=int, default=100)
p.add_argument("--eval-both", action="store_true", help="also report the other split's validation loss")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--save", help="write the final weights (safetensors) here")
a = p.parse_args()
torch.set_num_threads(a.threads)


def load_safetensors(path):
    """F32 tensors of a safetensors file (via safetensors_py, beside this script)."""
    tensors, _ = safetensors_py.load(path)
    for k, t in tensors.items():
        assert t.dtype == torch.float32, (k, t.dtype)
    return tensors


def save_safetensors(path, tensors):
    safetensors_py.save(path, {k: t.detach().float() for k, t in tensors.items()}, {"format": "pt"})


text = open(a.data, encoding="utf-8").read()
chars = sorted(set(text))
V = len(chars)
stoi = {c: i for i, c in enumerate(chars)}
ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
B, T = a.batch_size, a.seq_length


def stream_batches(d, batch):
    """charRnnBatches: x[r, t] = d[r*S + k*T + t], y = the next id."""
    nb = (len(d) - 1) // (batch * T)
    S = nb * T
    xs = d[:batch * S].view(batch, S)
    ys = d[1:batch * S + 1].view(batch, S)
    return [(xs[:, k * T:(k + 1) * T], ys[:, k * T:(k + 1) * T]) for k in range(nb)]


def split_tail():
    n_train = int(len(ids) * a.train_frac)
    tr, va = ids[:n_train], ids[n_train:]
    vb = min(B, (len(va) - 1) // T)
    return stream_batches(tr, B), stream_batches(va, vb)


def split_charrnn():
    n = len(ids) // (B * T) * (B * T)
    d = ids[:n]
    yd = d.clone()
    yd[:-1] = d[1:]
    yd[-1] = ids[n] if n < len(ids) else d[0]  # charRnnBatches: the true next id
    xs, ys = d.view(B, -1), yd.view(B, -1)
    nb = xs.shape[1] // T
    batches = [(xs[:, k * T:(k + 1) * T], ys[:, k * T:(k + 1) * T]) for k in range(nb)]
    ntr = int(nb * a.train_frac)
    return batches[:ntr], batches[ntr:]


splits = {"char-rnn": split_charrnn(), "tail": split_tail()}
train, val = splits[a.split]


class CharRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(V, a.hidden, a.layers, batch_first=True)
        self.decoder = nn.Linear(a.hidden, V)

    def forward(self, x, state):
        out, state = self.lstm(F.one_hot(x, V).float(), state)
        return self.decoder(out.reshape(-1, a.hidden)), state


torch.manual_seed(a.seed)
model = CharRNN()
if a.init:
    sd = load_safetensors(a.init)
    model.load_state_dict(sd)
    print(f"loaded {a.init}")
else:
    with torch.no_grad():
        for prm in model.parameters():
            prm.uniform_(-a.init_range, a.init_range)
        H = a.hidden
        for k in range(a.layers):
            if a.forget_bias in ("ih", "both"):
                getattr(model.lstm, f"bias_ih_l{k}")[H:2 * H] = 1.0
            if a.forget_bias == "both":
                getattr(model.lstm, f"bias_hh_l{k}")[H:2 * H] = 1.0
opt = torch.optim.RMSprop(model.parameters(), lr=a.lr, alpha=a.alpha, eps=a.eps)
print(f"V={V} split={a.split} train batches {len(train)} val batches {len(val)} of {tuple(val[0][0].shape)}; "
      f"torch {torch.__version__} threads {torch.get_num_threads()}", flush=True)


def evaluate(batches):
    model.eval()
    s, c, state = 0.0, 0, None
    with torch.no_grad():
        for x, y in batches:
            logits, state = model(x, state)
            s += F.cross_entropy(logits, y.reshape(-1), reduction="sum").item()
            c += y.numel()
    model.train()
    return s / c


state = None
step = 0
for epoch in range(1, a.epochs + 1):
    t0 = time.time()
    if not a.carry_epochs:
        state = None
    win, wn = 0.0, 0
    for k, (x, y) in enumerate(train):
        if a.max_batches and k >= a.max_batches:
            break
        logits, nxt = model(x, state)
        loss = F.cross_entropy(logits, y.reshape(-1))
        opt.zero_grad()
        (loss * a.loss_scale).backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), a.grad_clip)
        opt.step()
        state = (nxt[0].detach(), nxt[1].detach())
        step += 1
        v = loss.item()
        if step <= a.print_batches:
            print(f"batch {step} loss {v:.6f}", flush=True)
        win += v
        wn += 1
        if (k + 1) % a.log_every == 0:
            print(f"epoch {epoch} batch {k + 1}/{len(train)} train_loss {win / wn:.4f} ({(time.time() - t0) / (k + 1):.3f} s/batch)", flush=True)
            win, wn = 0.0, 0
    if epoch >= a.lr_decay_after and a.lr_decay < 1:
        for g in opt.param_groups:
            g["lr"] *= a.lr_decay
    msg = f"epoch {epoch}/{a.epochs}: validation loss {evaluate(val):.4f}"
    if a.eval_both:
        other = "tail" if a.split == "char-rnn" else "char-rnn"
        msg += f" ({other} split's validation: {evaluate(splits[other][1]):.4f})"
    print(f"{msg}, time {time.time() - t0:.1f} s", flush=True)
if a.save:
    save_safetensors(a.save, model.state_dict())
