#!/usr/bin/env python3
"""Writes the pickle protocol 0 and 1 fixtures of test/io/pickle-protocols.test.ts.

  test/fixtures/pickle/values-pN.pkl   pickle.dumps(VALUES, protocol=N) for N = 0, 1, 2, 4:
                                       every plain kind the reader maps, memo references
                                       past 256 entries, a tuple that contains itself
                                       (protocol 0 POP, protocol 1 POP_MARK)
  test/fixtures/pickle/values.json     what a reader must find (encoding below)
  test/fixtures/pt/protocol1.pt(.json) torch.save(..., pickle_protocol=1): read like any
                                       other checkpoint by test/io/torch-checkpoint.test.ts
  test/fixtures/pt/protocol0.pt(.json) torch.save(..., pickle_protocol=0): the pickler writes
                                       the storage ids as text (str of a tuple), which torch
                                       itself cannot load back; the error expected

values.json: {"protocols": [...], "value": E} where E is null, a bool, a string, a JSON
number (a float, or an int of magnitude below 2^53), {"__int__": "decimal"} (any other int: a bigint),
{"__float__": "nan" | "inf" | "-inf"}, {"__list__": [E]}, {"__tuple__": [E]},
{"__dict__": [[key E, E], ...]} in order, {"__object__": "module.name", "args": [E]}
(a REDUCE of a class longshort does not map: set and bytes before protocol 3/4 and
pickled through __builtin__.set / _codecs.encode), {"__self_tuple__": true} (a tuple t
with t[0][0] is t).

Usage: python3 test/tools/gen_pickle_fixtures.py   (torch for the .pt files)
"""
import collections
import json
import math
import os
import pickle

import torch

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
pkl_dir = os.path.join(root, "pickle")
pt_dir = os.path.join(root, "pt")
os.makedirs(pkl_dir, exist_ok=True)
PROTOCOLS = [0, 1, 2, 4]

shared = [1, 2]
many = [f"s{i}" for i in range(300)]  # memo indices past 255: LONG_BINPUT / LONG_BINGET
self_tuple = ([],)
self_tuple[0].append(self_tuple)

VALUES = {
    "none": None,
    "bools": [True, False],
    "ints": [0, 1, 255, 256, 65535, 65536, -1, -256, 2**31 - 1, -(2**31), 2**31, 2**53, -(2**53)],
    "big_ints": [2**53 + 1, -(2**63), 2**64 + 7, -(10**30)],
    "floats": [0.5, -0.0, 1e-300, 1.7976931348623157e308, 3.141592653589793, float("nan"), float("inf"), float("-inf")],
    "strings": ["", "plain", "quote ' and \" and \\ backslash", "line\nbreak\ttab", "caf\u00e9 \u00ff",
                "\u03bb \u4e2d \u20ac", "\U0001f600 astral", "\x00\x7f"],
    "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
    "lists": [[], [[]], [1, [2, [3]]]],
    "dicts": [{}, {1: "one", "two": 2, 3.5: None}, {"nested": {"a": [1], "b": (2,)}}],
    "shared": [shared, shared],
    "many": many + [many[299], many[0]],
    "set": {3, 1, 2},
    "bytes": b"\x00\xff",
    "self_tuple": self_tuple,
}


def enc(v):
    if v is self_tuple:
        return {"__self_tuple__": True}
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else {"__int__": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"__float__": "nan"}
        if math.isinf(v):
            return {"__float__": "inf" if v > 0 else "-inf"}
        return v
    if isinstance(v, tuple):
        return {"__tuple__": [enc(x) for x in v]}
    if isinstance(v, list):
        return {"__list__": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"__dict__": [[enc(k), enc(x)] for k, x in v.items()]}
    raise TypeError(type(v))


# set and bytes differ by protocol: sets are EMPTY_SET/ADDITEMS from 4, bytes BINBYTES from 3
expected = {}
for p in PROTOCOLS:
    data = pickle.dumps(VALUES, protocol=p)
    assert pickle.loads(data)["strings"] == VALUES["strings"]
    with open(os.path.join(pkl_dir, f"values-p{p}.pkl"), "wb") as f:
        f.write(data)
    def item(k, v):
        if k == "set" and p < 4:
            return {"__object__": "__builtin__.set" if p < 3 else "builtins.set",
                    "args": [{"__list__": [enc(x) for x in sorted(v)]}]}
        if k == "set":
            return {"__set__": sorted(v)}
        if k == "bytes" and p < 3:
            return {"__object__": "_codecs.encode", "args": [v.decode("latin1"), "latin1"]}
        if k == "bytes":
            return {"__bytes__": list(v)}
        return enc(v)
    e = {"__dict__": [[k, item(k, v)] for k, v in VALUES.items()]}
    expected[str(p)] = e
with open(os.path.join(pkl_dir, "values.json"), "w") as f:
    json.dump({"python_pickle": pickle.format_version, "protocols": PROTOCOLS, "expected": expected}, f)


def leaf(v):
    """The encoding of test/tools/gen_torch_pt.py (read by test/io/torch-checkpoint.test.ts)."""
    if isinstance(v, torch.Tensor):
        t = v.detach()
        return {"__tensor__": True, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                "values": t.reshape(-1).tolist()}
    if isinstance(v, dict):
        return {"__dict__": [[k, leaf(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return {"__list__" if isinstance(v, list) else "__tuple__": [leaf(x) for x in v]}
    return v


torch.manual_seed(11)
base = torch.randn(3, 4)
checkpoint = {
    "epoch": 7,
    "model": collections.OrderedDict(
        [("weight", torch.randn(2, 3)), ("bias", torch.randn(2, dtype=torch.float64)),
         ("steps", torch.tensor([1, -2, 3], dtype=torch.int64)), ("view", base.t()[1:])]),
    "nested": [1, (2.5, "x"), None, True],
}
torch.save(checkpoint, os.path.join(pt_dir, "protocol1.pt"), pickle_protocol=1)
with open(os.path.join(pt_dir, "protocol1.json"), "w") as f:
    json.dump({"value": leaf(checkpoint)}, f)
torch.save(checkpoint, os.path.join(pt_dir, "protocol0.pt"), pickle_protocol=0)
with open(os.path.join(pt_dir, "protocol0.json"), "w") as f:
    json.dump({"error": {"name": "FormatError", "match": "unexpected persistent id"}}, f)
print(f"wrote values-p{{{','.join(map(str, PROTOCOLS))}}}.pkl, values.json, protocol0.pt, protocol1.pt "
      f"(torch {torch.__version__})")
