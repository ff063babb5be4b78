#!/usr/bin/env python3
"""Writes the optimizer and scheduler golden fixtures in test/fixtures/optim/.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 test/tools/gen_optim_fixtures.py

Optimizer files (kind "optimizer") hold a list of cases. Each case trains the model
    Linear(4, 3) -> tanh -> Linear(3, 2), MSE loss on fixed random data (x: 8x4, y: 8x2)
for STEPS steps with one optimizer configuration and records, per step, the loss (before
the update), the total norm returned by clip_grad_norm_ (if used) and every parameter after
the update; once in float64 ("steps") and once in float32 ("steps32", same initial values
rounded to float32). Parameter order: fc1.weight, fc1.bias, fc2.weight, fc2.bias, then
"extra" (shape [2], takes no part in the loss, so its grad stays None) when the case has
"unused_param". Options use longshort's (camelCase) names; "groups" lists parameter
groups by parameter index. "state_layout" describes torch's optimizer.state_dict()['state']
after the last float64 step.

The scheduler file (kind "scheduler") holds cases run on SGD with two groups (lr 0.1 and
0.05) for EPOCHS epochs (optimizer.step(), then scheduler.step([metric])); "lrs" are the
groups' lrs after construction and after each epoch. LambdaLR cases carry the lambda's
values per epoch ("factors", one list per group).
"""
import json
import math
import os
import re

import torch

STEPS = 6
EPOCHS = 25
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'optim')


def snake(k):
    return re.sub(r'[A-Z]', lambda m: '_' + m.group(0).lower(), k)


def torch_kwargs(opts):
    out = {}
    for k, v in opts.items():
        out[snake(k)] = tuple(v) if isinstance(v, list) else v
    return out


OPTIMIZERS = {
    'SGD': torch.optim.SGD,
    'Adam': torch.optim.Adam,
    'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop,
    'Adagrad': torch.optim.Adagrad,
}


def make_data():
    g = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    fc1 = torch.nn.Linear(4, 3).double()
    fc2 = torch.nn.Linear(3, 2).double()
    extra = torch.randn(2, generator=g, dtype=torch.float64)
    x = torch.randn(8, 4, generator=g, dtype=torch.float64)
    y = torch.randn(8, 2, generator=g, dtype=torch.float64)
    init = [fc1.weight.detach().clone(), fc1.bias.detach().clone(), fc2.weight.detach().clone(),
            fc2.bias.detach().clone(), extra]
    return init, x, y


def flat(t):
    return [float(v) for v in t.detach().double().reshape(-1).tolist()]


def run(case, init, x, y, dtype):
    params = [torch.nn.Parameter(t.clone().to(dtype)) for t in init]
    if not case.get('unused_param'):
        params = params[:4]
    xs, ys = x.to(dtype), y.to(dtype)
    cls = OPTIMIZERS[case['optimizer']]
    if case.get('groups'):
        groups = [dict(params=[params[i] for i in g['params']], **torch_kwargs(g['options'])) for g in case['groups']]
        opt = cls(groups, **torch_kwargs(case['options']))
    else:
        opt = cls(params, **torch_kwargs(case['options']))
    steps = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        h = torch.tanh(xs @ params[0].t() + params[1])
        pred = h @ params[2].t() + params[3]
        loss = ((pred - ys) ** 2).mean()
        loss.backward()
        rec = {'loss': float(loss)}
        clip = case.get('clip')
        if clip and clip['type'] == 'norm':
            rec['clip_norm'] = float(torch.nn.utils.clip_grad_norm_(params, clip['maxNorm'], norm_type=clip.get('normType', 2)))
        elif clip and clip['type'] == 'value':
            torch.nn.utils.clip_grad_value_(params, clip['clipValue'])
        opt.step()
        rec['params'] = [flat(p) for p in params]
        steps.append(rec)
    layout = {}
    for idx, st in opt.state_dict()['state'].items():
        layout[str(idx)] = {
            k: ({'tensor': list(v.shape), 'value': float(v.reshape(-1)[0]) if v.numel() == 1 else None}
                if isinstance(v, torch.Tensor) else v)
            for k, v in st.items()
        }
    return steps, layout


def optimizer_cases():
    clip_n = {'type': 'norm', 'maxNorm': 0.5}
    clip_inf = {'type': 'norm', 'maxNorm': 0.3, 'normType': 'inf'}
    two_groups = [{'params': [0, 1], 'options': {'lr': 0.05}}, {'params': [2, 3], 'options': {}}]
    return {
        'sgd': [
            dict(name='sgd_plain', optimizer='SGD', options={'lr': 0.1}),
            dict(name='sgd_momentum', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.9}),
            dict(name='sgd_dampening', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.9, 'dampening': 0.3}),
            dict(name='sgd_nesterov', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.9, 'nesterov': True}),
            dict(name='sgd_weight_decay', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.5, 'weightDecay': 0.01}),
            dict(name='sgd_maximize', optimizer='SGD', options={'lr': 0.05, 'maximize': True, 'weightDecay': 0.1}),
            dict(name='sgd_clip_norm', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.9}, clip=clip_n),
            dict(name='sgd_clip_value', optimizer='SGD', options={'lr': 0.1}, clip={'type': 'value', 'clipValue': 0.1}),
            dict(name='sgd_unused_param', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.9}, unused_param=True),
            dict(name='sgd_two_groups', optimizer='SGD', options={'lr': 0.1, 'momentum': 0.9},
                 groups=[{'params': [0, 1], 'options': {'lr': 0.05, 'nesterov': True}}, {'params': [2, 3], 'options': {'momentum': 0.5}}]),
        ],
        'adam': [
            dict(name='adam_plain', optimizer='Adam', options={'lr': 0.01}),
            dict(name='adam_weight_decay', optimizer='Adam', options={'lr': 0.01, 'weightDecay': 0.1}),
            dict(name='adam_amsgrad', optimizer='Adam', options={'lr': 0.01, 'amsgrad': True, 'betas': [0.8, 0.99], 'eps': 1e-6}),
            dict(name='adam_maximize', optimizer='Adam', options={'lr': 0.01, 'maximize': True}),
            dict(name='adam_clip_inf', optimizer='Adam', options={'lr': 0.01}, clip=clip_inf),
            dict(name='adam_clip_norm_amsgrad', optimizer='Adam', options={'lr': 0.02, 'amsgrad': True}, clip=clip_n),
            dict(name='adam_two_groups', optimizer='Adam', options={'lr': 0.01}, groups=two_groups),
            dict(name='adam_unused_param', optimizer='Adam', options={'lr': 0.01}, unused_param=True),
        ],
        'adamw': [
            dict(name='adamw_default', optimizer='AdamW', options={'lr': 0.01}),
            dict(name='adamw_amsgrad', optimizer='AdamW', options={'lr': 0.01, 'weightDecay': 0.1, 'amsgrad': True}),
            dict(name='adamw_unused_two_groups', optimizer='AdamW', options={'lr': 0.01}, unused_param=True,
                 groups=[{'params': [0, 1, 4], 'options': {'weightDecay': 0.5}}, {'params': [2, 3], 'options': {}}]),
        ],
        'rmsprop': [
            dict(name='rmsprop_plain', optimizer='RMSprop', options={'lr': 0.01}),
            dict(name='rmsprop_momentum', optimizer='RMSprop', options={'lr': 0.01, 'momentum': 0.9}),
            dict(name='rmsprop_centered', optimizer='RMSprop', options={'lr': 0.01, 'centered': True, 'momentum': 0.5}),
            dict(name='rmsprop_weight_decay', optimizer='RMSprop', options={'lr': 0.01, 'weightDecay': 0.1, 'alpha': 0.9}),
            dict(name='rmsprop_clip_norm', optimizer='RMSprop', options={'lr': 0.01, 'centered': True}, clip={'type': 'norm', 'maxNorm': 1.0, 'normType': 1}),
            dict(name='rmsprop_unused_param', optimizer='RMSprop', options={'lr': 0.01, 'momentum': 0.9}, unused_param=True),
        ],
        'adagrad': [
            dict(name='adagrad_plain', optimizer='Adagrad', options={'lr': 0.1}),
            dict(name='adagrad_lr_decay', optimizer='Adagrad', options={'lr': 0.1, 'lrDecay': 0.1}),
            dict(name='adagrad_initial_accumulator', optimizer='Adagrad', options={'lr': 0.1, 'initialAccumulatorValue': 0.5, 'weightDecay': 0.05}),
            dict(name='adagrad_unused_param', optimizer='Adagrad', options={'lr': 0.1}, unused_param=True, clip=clip_n),
        ],
    }


def scheduler_cases():
    g = torch.Generator().manual_seed(7)
    noisy = [1.0 / (1 + 0.1 * e) + 0.05 * float(torch.rand(1, generator=g)) for e in range(EPOCHS)]
    plateau = [1.0, 0.9, 0.9, 0.95, 0.89995, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.71, 0.72, 0.6,
               0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5]
    rising = [0.1, 0.2, 0.25, 0.26, 0.3, 0.3, 0.3, 0.3, 0.35, 0.36, 0.37, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.6,
              0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    return [
        dict(name='step_lr', scheduler='StepLR', options={'stepSize': 3, 'gamma': 0.5}),
        dict(name='step_lr_default_gamma', scheduler='StepLR', options={'stepSize': 7}),
        dict(name='exponential_lr', scheduler='ExponentialLR', options={'gamma': 0.9}),
        dict(name='cosine_tmax5_etamin', scheduler='CosineAnnealingLR', options={'tMax': 5, 'etaMin': 0.001}),
        dict(name='cosine_tmax10', scheduler='CosineAnnealingLR', options={'tMax': 10}),
        dict(name='lambda_single', scheduler='LambdaLR', lambdas=[lambda e: 0.95 ** e]),
        dict(name='lambda_per_group', scheduler='LambdaLR', lambdas=[lambda e: 1.0 / (1 + e), lambda e: 0.5 ** (e // 4)]),
        dict(name='plateau_min_rel', scheduler='ReduceLROnPlateau', options={'patience': 2}, metrics=plateau),
        dict(name='plateau_min_abs_cooldown', scheduler='ReduceLROnPlateau',
             options={'thresholdMode': 'abs', 'threshold': 0.05, 'patience': 1, 'cooldown': 2, 'factor': 0.5}, metrics=noisy),
        dict(name='plateau_max_rel_minlr', scheduler='ReduceLROnPlateau',
             options={'mode': 'max', 'patience': 1, 'factor': 0.5, 'minLr': [0.02, 0.01]}, metrics=rising),
        dict(name='plateau_max_abs_eps', scheduler='ReduceLROnPlateau',
             options={'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.01, 'patience': 0, 'factor': 0.5, 'minLr': 0.04, 'eps': 0.011},
             metrics=rising),
    ]


def run_scheduler(case):
    p1 = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p2 = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    group_lrs = [0.1, 0.05]
    opt = torch.optim.SGD([{'params': [p1], 'lr': group_lrs[0]}, {'params': [p2], 'lr': group_lrs[1]}], lr=0.1)
    out = {k: v for k, v in case.items() if k != 'lambdas'}
    out['group_lrs'] = group_lrs
    name = case['scheduler']
    opts = dict(case.get('options', {}))
    if name == 'LambdaLR':
        fns = case['lambdas']
        sched = torch.optim.lr_scheduler.LambdaLR(opt, fns if len(fns) > 1 else fns[0])
        out['factors'] = [[fn(e) for e in range(EPOCHS + 1)] for fn in (fns if len(fns) > 1 else fns * 2)]
        out['per_group'] = len(fns) > 1
    else:
        kw = torch_kwargs(opts)
        if name == 'CosineAnnealingLR':
            kw = {'T_max': kw.pop('t_max'), **kw}
        sched = getattr(torch.optim.lr_scheduler, name)(opt, **kw)
    lrs = [[grp['lr'] for grp in opt.param_groups]]
    for e in range(EPOCHS):
        opt.step()
        if name == 'ReduceLROnPlateau':
            sched.step(case['metrics'][e])
        else:
            sched.step()
        lrs.append([grp['lr'] for grp in opt.param_groups])
        if name != 'ReduceLROnPlateau':
            assert lrs[-1] == sched.get_last_lr()
    out['lrs'] = lrs
    return out


def fix_inf(case):
    if case.get('clip') and case['clip'].get('normType') == 'inf':
        case['clip']['normType'] = 'Infinity'
    return case


def main():
    os.makedirs(OUT, exist_ok=True)
    init, x, y = make_data()
    for fname, cases in optimizer_cases().items():
        out_cases = []
        for case in cases:
            clip = case.get('clip')
            if clip and clip.get('normType') == 'inf':
                case = dict(case, clip=dict(clip, normType=math.inf))
            steps, layout = run(case, init, x, y, torch.float64)
            steps32, _ = run(case, init, x, y, torch.float32)
            c = dict(case)
            if clip:
                c['clip'] = dict(clip)
                if c['clip'].get('normType') == 'inf':
                    c['clip']['normType'] = 'Infinity'
            c['steps'] = steps
            c['steps32'] = steps32
            c['state_layout'] = layout
            out_cases.append(c)
        doc = {
            'kind': 'optimizer',
            'torch_version': torch.__version__,
            'model': 'Linear(4,3) -> tanh -> Linear(3,2), MSE',
            'init': [{'shape': list(t.shape), 'data': flat(t)} for t in init],
            'x': {'shape': list(x.shape), 'data': flat(x)},
            'y': {'shape': list(y.shape), 'data': flat(y)},
            'cases': out_cases,
        }
        with open(os.path.join(OUT, f'{fname}.json'), 'w') as f:
            json.dump(doc, f, separators=(',', ':'))
            f.write('\n')
    doc = {'kind': 'scheduler', 'torch_version': torch.__version__, 'epochs': EPOCHS,
           'cases': [run_scheduler(c) for c in scheduler_cases()]}
    with open(os.path.join(OUT, 'schedulers.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
