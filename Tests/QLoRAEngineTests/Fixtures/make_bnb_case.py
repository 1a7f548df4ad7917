"""Writes one case of bnb-4bit/ from a weight of a safetensors file, as bitsandbytes quantizes it on the CPU.

Usage: make_bnb_case.py MODEL.safetensors TENSOR_NAME CASE_FOLDER [--type nf4|fp4] [--blocksize 64] [--double-quant]

The folder holds the files bnb-4bit/'s README lists (input, packed codes, absmax or its double-quantized
parts, the dequantized tensor, meta.json). Made with bitsandbytes 0.50.2 and torch 2.15.
"""
import argparse, json, os
import numpy as np
from safetensors.torch import load_file
import bitsandbytes.functional as bf

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("tensor"); ap.add_argument("out")
ap.add_argument("--type", default="nf4"); ap.add_argument("--blocksize", type=int, default=64)
ap.add_argument("--double-quant", action="store_true")
a = ap.parse_args()
weight = load_file(a.model)[a.tensor].float().contiguous()
packed, state = bf.quantize_4bit(weight, blocksize=a.blocksize, quant_type=a.type, compress_statistics=a.double_quant)
os.makedirs(a.out, exist_ok=True)
save = lambda name, array: np.save(os.path.join(a.out, name), array)
save("input.npy", weight.numpy())
save("packed.npy", packed.numpy())
save("dequant.npy", bf.dequantize_4bit(packed, state).numpy())
meta = {"quant_type": a.type, "blocksize": a.blocksize, "double_quant": a.double_quant, "shape": list(weight.shape),
        "source": f"{os.path.basename(os.path.dirname(os.path.abspath(a.model)))}/{a.tensor}"}
if a.double_quant:
    save("qabsmax.npy", state.absmax.numpy())
    save("nested_absmax.npy", state.state2.absmax.numpy())
    save("nested_code.npy", state.state2.code.numpy())
    save("offset.npy", np.float32(state.offset.item()))
    meta["nested_blocksize"] = state.state2.blocksize
    meta["offset"] = state.offset.item()
else:
    save("absmax.npy", state.absmax.numpy())
json.dump(meta, open(os.path.join(a.out, "meta.json"), "w"), indent=1)
