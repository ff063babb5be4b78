"""LSTM/GRU/RNN modules with cell variants (peepholes, coupled input-forget gate, clip,
other activations, the reset-before GRU) exported by longshort's exportOnnx, checked by
onnx.checker (full check) and run by onnxruntime; written to
test/fixtures/onnx/export-variants/<case>/ in the ONNX backend-test layout
(model.onnx, test_data_set_0/{input,output}_K.pb) plus case.json, which tells the
JavaScript test how to rebuild the module (class, sizes, options, seed). Batch 3,
sequence 7. The expected outputs are onnxruntime's.

Usage (after npm run build): .venv/bin/python test/tools/gen_onnx_export_cases.py
"""
import json
import os
import shutil
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "onnx", "export-variants")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    subprocess.run(["node", os.path.join(ROOT, "test", "tools", "export-onnx-variant-cases.mjs"), OUT], check=True)
    for name in sorted(os.listdir(OUT)):
        dst = os.path.join(OUT, name)
        if not os.path.isdir(dst):
            continue
        model = onnx.load(os.path.join(dst, "model.onnx"))
        onnx.checker.check_model(model, full_check=True)
        with open(os.path.join(dst, "inputs.json")) as f:
            inputs = json.load(f)
        os.remove(os.path.join(dst, "inputs.json"))
        feeds = {i["name"]: np.array(i["data"], dtype=np.float32).reshape(i["shape"]) for i in inputs}
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        names = [o.name for o in sess.get_outputs()]
        results = sess.run(None, feeds)
        os.makedirs(os.path.join(dst, "test_data_set_0"))
        for j, gi in enumerate(model.graph.input):
            with open(os.path.join(dst, "test_data_set_0", f"input_{j}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(feeds[gi.name], gi.name).SerializeToString())
        for j, (n, r) in enumerate(zip(names, results)):
            with open(os.path.join(dst, "test_data_set_0", f"output_{j}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(r, n).SerializeToString())
        print(name, [r.shape for r in results])
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write(f"onnx {onnx.__version__} onnxruntime {ort.__version__}\n")


if __name__ == "__main__":
    main()
