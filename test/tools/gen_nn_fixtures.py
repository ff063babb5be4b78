#!/usr/bin/env python3
"""Generates the PyTorch golden fixtures of longshort's nn layers and losses.

Run from the repo root with Debian's torch:  /usr/bin/python3 test/tools/gen_nn_fixtures.py
Writes test/fixtures/nn/{losses,linear,embedding}.json (float64, fixed seed).

Every case holds its inputs, options (in longshort's camelCase names), the output, a
cotangent `gradOutput` (random, shaped like the output) and the gradients of
sum(output * gradOutput) w.r.t. each float input that PyTorch differentiates.
Tensors are {"shape": [...], "data": [...row-major...]} plus "dtype": "int32" for ids;
non-finite values are the strings "NaN", "Infinity" and "-Infinity" (JSON has no NaN).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(20240601)
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'nn'))


def randn(*shape, scale=1.0):
    return torch.randn(tuple(shape), generator=gen) * scale


def rand(*shape):
    return torch.rand(tuple(shape), generator=gen)


def randint(high, *shape):
    return torch.randint(0, high, tuple(shape), generator=gen)


def num(v):
    v = float(v)
    if math.isfinite(v):
        return v
    return 'NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity')  # JSON has no NaN


def enc(t, int_ids=False):
    d = {'shape': list(t.shape), 'data': [num(v) for v in t.detach().reshape(-1).tolist()]}
    if int_ids:
        d['dtype'] = 'int32'
        d['data'] = [int(v) for v in t.reshape(-1).tolist()]
    return d


def run_case(name, fn_name, fn, inputs, int_inputs=(), options=None, torch_kwargs=None):
    """inputs: ordered dict name -> tensor; float tensors get requires_grad."""
    options = options or {}
    torch_kwargs = torch_kwargs or {}
    leaves = {}
    for k, v in inputs.items():
        if k in int_inputs:
            leaves[k] = v
        else:
            leaves[k] = v.clone().requires_grad_(True)
    out = fn(*leaves.values(), **torch_kwargs)
    cot = randn(*out.shape)
    grads = {}
    diff = [k for k in leaves if k not in int_inputs]
    # one input at a time: PyTorch may not implement the derivative for some of them
    for k in diff:
        for v in leaves.values():
            if v.grad is not None:
                v.grad = None
        out_k = fn(*leaves.values(), **torch_kwargs)
        try:
            (g,) = torch.autograd.grad((out_k * cot).sum(), [leaves[k]], allow_unused=True)
        except RuntimeError as e:
            if 'not implemented' in str(e):
                continue
            raise
        if g is not None:
            grads[k] = enc(g)
    case = {
        'name': name,
        'fn': fn_name,
        'inputs': {k: enc(v, k in int_inputs) for k, v in inputs.items()},
        'options': {k: (enc(v) if torch.is_tensor(v) else v) for k, v in options.items()},
        'output': enc(out),
        'gradOutput': enc(cot),
        'grads': grads,
    }
    return case


REDUCTIONS = ['mean', 'sum', 'none']


def loss_cases():
    cases = []
    # --- element-wise regression losses
    for shape in [(3, 4), (2, 3, 2)]:
        x = randn(*shape)
        y = randn(*shape)
        tag = 'x'.join(map(str, shape))
        for r in REDUCTIONS:
            cases.append(run_case(f'mse_{tag}_{r}', 'mseLoss', lambda a, b, r=r: F.mse_loss(a, b, reduction=r),
                                  {'input': x, 'target': y}, options={'reduction': r}))
            cases.append(run_case(f'l1_{tag}_{r}', 'l1Loss', lambda a, b, r=r: F.l1_loss(a, b, reduction=r),
                                  {'input': x, 'target': y}, options={'reduction': r}))
    x = randn(4, 5, scale=2.0)
    y = randn(4, 5)
    for delta in [1.0, 0.5, 2.5]:
        for r in REDUCTIONS:
            cases.append(run_case(f'huber_delta{delta}_{r}', 'huberLoss',
                                  lambda a, b, r=r, d=delta: F.huber_loss(a, b, reduction=r, delta=d),
                                  {'input': x, 'target': y}, options={'reduction': r, 'delta': delta}))
    for beta in [1.0, 0.3, 0.0]:
        for r in REDUCTIONS:
            cases.append(run_case(f'smoothl1_beta{beta}_{r}', 'smoothL1Loss',
                                  lambda a, b, r=r, bt=beta: F.smooth_l1_loss(a, b, reduction=r, beta=bt),
                                  {'input': x, 'target': y}, options={'reduction': r, 'beta': beta}))

    # --- class-index targets: nll and cross entropy
    def idx_targets(shape, C, ignore=None, n_ignored=0):
        t = randint(C, *shape)
        if ignore is not None and n_ignored > 0:
            flat = t.reshape(-1)
            for i in range(n_ignored):
                flat[(3 * i + 1) % flat.numel()] = ignore
        return t

    configs = [
        # name, input shape, target shape, C
        ('NC', (5, 4), (5,), 4),
        ('NCL', (3, 4, 5), (3, 5), 4),
        ('NCHW', (2, 3, 2, 3), (2, 2, 3), 3),
        ('C', (5,), (), 5),
    ]
    for cname, ishape, tshape, C in configs:
        x = randn(*ishape, scale=1.5)
        w = rand(C) + 0.2
        variants = [
            ('plain', None, -100, 0),
            ('weight', w, -100, 0),
            ('ignore_default', None, -100, 2),
            ('ignore1_weight', w, 1, 2),
        ]
        if cname == 'NCHW':
            variants = [variants[0], variants[3]]
        for vname, weight, ignore, n_ign in variants:
            if tshape == () and n_ign > 0:
                n_ign = 0  # unbatched: a single target; covered by the 'all ignored' case below
            t = idx_targets(tshape, C, ignore, n_ign)
            for r in REDUCTIONS:
                opts = {'reduction': r}
                kw = {'reduction': r}
                if weight is not None:
                    opts['weight'] = weight
                    kw['weight'] = weight
                if ignore != -100:
                    opts['ignoreIndex'] = ignore
                kw['ignore_index'] = ignore
                logp = torch.log_softmax(x, 1 if len(ishape) > 1 else 0)
                cases.append(run_case(f'nll_{cname}_{vname}_{r}', 'nllLoss',
                                      lambda a, b, kw=kw: F.nll_loss(a, b, **kw),
                                      {'input': logp, 'target': t}, int_inputs=('target',), options=opts))
                for ls in [0.0, 0.2]:
                    o2 = dict(opts)
                    k2 = dict(kw)
                    if ls > 0:
                        o2['labelSmoothing'] = ls
                        k2['label_smoothing'] = ls
                    cases.append(run_case(f'ce_{cname}_{vname}_ls{ls}_{r}', 'crossEntropy',
                                          lambda a, b, kw=k2: F.cross_entropy(a, b, **kw),
                                          {'input': x, 'target': t}, int_inputs=('target',), options=o2))
    # every target ignored: 'mean' is 0/0 = NaN in PyTorch
    x = randn(3, 4)
    t = torch.full((3,), -100, dtype=torch.long)
    w = rand(4) + 0.2
    for r in REDUCTIONS:
        cases.append(run_case(f'ce_all_ignored_{r}', 'crossEntropy', lambda a, b, r=r: F.cross_entropy(a, b, reduction=r),
                              {'input': x, 'target': t}, int_inputs=('target',), options={'reduction': r}))
        cases.append(run_case(f'ce_all_ignored_weight_ls0.2_{r}', 'crossEntropy',
                              lambda a, b, r=r: F.cross_entropy(a, b, reduction=r, weight=w, label_smoothing=0.2),
                              {'input': x, 'target': t}, int_inputs=('target',),
                              options={'reduction': r, 'weight': w, 'labelSmoothing': 0.2}))

    # --- class-probability targets
    for cname, ishape, cdim in [('NC', (5, 4), 1), ('NCL', (2, 4, 3), 1), ('C', (5,), 0)]:
        x = randn(*ishape, scale=1.5)
        p = torch.softmax(randn(*ishape), cdim)
        C = ishape[cdim]
        w = rand(C) + 0.2
        for vname, weight in [('plain', None), ('weight', w)]:
            for ls in [0.0, 0.2]:
                for r in REDUCTIONS:
                    opts = {'reduction': r}
                    kw = {'reduction': r}
                    if weight is not None:
                        opts['weight'] = weight
                        kw['weight'] = weight
                    if ls > 0:
                        opts['labelSmoothing'] = ls
                        kw['label_smoothing'] = ls
                    cases.append(run_case(f'ce_probs_{cname}_{vname}_ls{ls}_{r}', 'crossEntropy',
                                          lambda a, b, kw=kw: F.cross_entropy(a, b, **kw),
                                          {'input': x, 'target': p}, options=opts))

    # --- binary cross entropy on probabilities
    x = torch.sigmoid(randn(4, 3, scale=2.0))
    y = rand(4, 3)
    yb = (rand(4, 3) > 0.5).double()
    w = rand(3) + 0.5
    for tname, tt in [('soft', y), ('hard', yb)]:
        for wname, weight in [('plain', None), ('weight', w)]:
            for r in REDUCTIONS:
                opts = {'reduction': r}
                kw = {'reduction': r}
                if weight is not None:
                    opts['weight'] = weight
                    kw['weight'] = weight
                cases.append(run_case(f'bce_{tname}_{wname}_{r}', 'binaryCrossEntropy',
                                      lambda a, b, kw=kw: F.binary_cross_entropy(a, b, **kw),
                                      {'input': x, 'target': tt}, options=opts))

    # --- binary cross entropy with logits (incl. large logits)
    x = randn(4, 3, scale=3.0)
    x[0, 0] = 40.0
    x[1, 1] = -40.0
    x[2, 2] = 0.0
    pw = rand(3) * 3 + 0.2
    for tname, tt in [('soft', y), ('hard', yb)]:
        for vname, weight, posw in [('plain', None, None), ('weight', w, None), ('posweight', None, pw), ('both', w, pw)]:
            for r in REDUCTIONS:
                opts = {'reduction': r}
                kw = {'reduction': r}
                if weight is not None:
                    opts['weight'] = weight
                    kw['weight'] = weight
                if posw is not None:
                    opts['posWeight'] = posw
                    kw['pos_weight'] = posw
                cases.append(run_case(f'bcelogits_{tname}_{vname}_{r}', 'binaryCrossEntropyWithLogits',
                                      lambda a, b, kw=kw: F.binary_cross_entropy_with_logits(a, b, **kw),
                                      {'input': x, 'target': tt}, options=opts))
    return cases


def linear_cases():
    cases = []
    for name, xshape, bias in [('2d', (3, 4), True), ('3d', (2, 3, 4), True), ('1d', (4,), True), ('nobias', (2, 4), False)]:
        x = randn(*xshape)
        w = randn(5, 4)
        inputs = {'input': x, 'weight': w}
        if bias:
            inputs['bias'] = randn(5)
        cases.append(run_case(f'linear_{name}', 'linear', lambda *a: F.linear(*a), inputs))
    return cases


def embedding_cases():
    cases = []
    w = randn(6, 3)
    ids = torch.tensor([[1, 2, 1], [5, 0, 1]])
    cases.append(run_case('embedding_repeat', 'embedding', lambda i, ww: F.embedding(i, ww), {'ids': ids, 'weight': w},
                          int_inputs=('ids',)))
    cases.append(run_case('embedding_padding', 'embedding', lambda i, ww: F.embedding(i, ww, padding_idx=0),
                          {'ids': torch.tensor([[0, 2, 0], [4, 0, 2]]), 'weight': w}, int_inputs=('ids',),
                          options={'paddingIdx': 0}))
    cases.append(run_case('embedding_scalar', 'embedding', lambda i, ww: F.embedding(i, ww),
                          {'ids': torch.tensor(3), 'weight': w}, int_inputs=('ids',)))
    return cases


def write(name, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f'{name}.json')
    doc = {'generator': 'test/tools/gen_nn_fixtures.py', 'torch': torch.__version__, 'dtype': 'float64', 'cases': cases}
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    print(f'{path}: {len(cases)} cases, {os.path.getsize(path)} bytes', file=sys.stderr)


if __name__ == '__main__':
    write('losses', loss_cases())
    write('linear', linear_cases())
    write('embedding', embedding_cases())
