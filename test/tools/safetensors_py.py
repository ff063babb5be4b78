#!/usr/bin/env python3
"""A small, independent safetensors reader/writer (struct + json + torch) used to
cross-check longshort's implementation when the `safetensors` package is unavailable.

It follows the reference library: 8-byte little-endian header length, UTF-8 JSON header
with "__metadata__" first and the tensors sorted by dtype alignment (descending) and then
by name, padded with spaces to a multiple of 8 bytes, then the little-endian data.

Usage:
  safetensors_py.py write PATH       write the fixture (every dtype) to PATH and print
                                     what a reader must find, as JSON
  safetensors_py.py read PATH        print the file's contents as JSON
  safetensors_py.py rewrite IN OUT   read IN and write the same tensors to OUT

JSON printed: {"metadata": {...}, "tensors": {name: {"dtype", "shape", "values"}}},
values flat, floats converted to float64 on this side (non-finite ones as "nan", "inf",
"-inf"), ints as ints.
"""
import json
import math
import struct
import sys

import torch

assert sys.byteorder == "little", "this tool writes native bytes as little-endian"

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
    "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32,
}
NAMES = {v: k for k, v in DTYPES.items()}
# The reference implementation's Dtype enum order (increasing alignment).
ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
         "I32", "U32", "F32", "F64", "I64", "U64"]
MAX_HEADER = 100_000_000


def to_bytes(t):
    return t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def save(path, tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-ORDER.index(NAMES[kv[1].dtype]), kv[0]))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, t in items:
        b = to_bytes(t)
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    assert len(data) >= 8, "file shorter than 8 bytes"
    (n,) = struct.unpack("<Q", data[:8])
    assert n <= MAX_HEADER and 8 + n <= len(data), "bad header length"
    text = data[8:8 + n].decode("utf-8")
    assert text.startswith("{"), "header must start with '{'"
    header = json.loads(text)
    metadata = header.pop("__metadata__", None)
    buf = data[8 + n:]
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    pos, tensors = 0, {}
    for name, info in entries:
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        shape = info["shape"]
        assert begin == pos and end >= begin, f"{name}: offsets not contiguous"
        numel = math.prod(shape)
        assert end - begin == numel * torch.empty((), dtype=dtype).element_size(), f"{name}: size"
        pos = end
        if numel == 0:
            tensors[name] = torch.empty(shape, dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(bytearray(buf[begin:end]), dtype=dtype).reshape(shape)
    assert pos == len(buf), "offsets do not cover the data"
    return tensors, metadata


def plain(x):
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def describe(tensors, metadata):
    out = {}
    for name, t in tensors.items():
        flat = t.reshape(-1)
        flat = flat.to(torch.float64) if t.is_floating_point() else flat.to(torch.int64)
        out[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape),
                     "values": [plain(v) for v in flat.tolist()]}
    return {"metadata": metadata or {}, "tensors": out}


def fixture():
    g = torch.Generator().manual_seed(0)
    inf, nan = float("inf"), float("nan")
    f32 = [0.0, -0.0, 1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, inf, -inf, nan]
    f16 = [0.0, -0.0, 2.0 ** -24, -(2.0 ** -14), 65504.0, -65504.0, 1 / 3, inf, -inf, nan]
    bf16 = [0.0, -0.0, 3.0e38, -1.0e-38, 9.2e-41, 1 / 3, inf, -inf, nan]
    return {
        "f64.rand": torch.randn(2, 3, generator=g, dtype=torch.float64),
        "f64.special": torch.tensor([0.0, -0.0, 5e-324, 1.7976931348623157e308, inf, nan], dtype=torch.float64),
        "f32.rand": torch.randn(3, 4, generator=g),
        "f32.special": torch.tensor(f32, dtype=torch.float32),
        "f32.scalar": torch.tensor(-7.25),
        "f16.rand": torch.randn(2, 2, 3, generator=g).to(torch.float16),
        "f16.special": torch.tensor(f16, dtype=torch.float16),
        "f16.empty": torch.zeros(0, 3, dtype=torch.float16),
        "bf16.rand": torch.randn(5, generator=g).to(torch.bfloat16),
        "bf16.special": torch.tensor(bf16, dtype=torch.bfloat16),
        "i64.values": torch.tensor([-2 ** 31, 2 ** 31 - 1, 0, -1, 123456789], dtype=torch.int64),
        "i64.empty": torch.zeros(0, dtype=torch.int64),
        "i32.values": torch.arange(-5, 7, dtype=torch.int32).reshape(3, 4),
        "i32.scalar": torch.tensor(2 ** 31 - 1, dtype=torch.int32),
    }


def main(argv):
    if len(argv) == 3 and argv[1] == "write":
        tensors, metadata = fixture(), {"format": "pt", "source": "python ü"}
        save(argv[2], tensors, metadata)
        print(json.dumps(describe(tensors, metadata)))
    elif len(argv) == 3 and argv[1] == "read":
        print(json.dumps(describe(*load(argv[2]))))
    elif len(argv) == 4 and argv[1] == "rewrite":
        tensors, metadata = load(argv[2])
        save(argv[3], tensors, metadata)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
