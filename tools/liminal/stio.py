"""stio.py -- safetensors read/write with the standard library only (no numpy), for torch CPU tensors.

Format: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}} with an optional
"__metadata__" object of string -> string (the header is padded with spaces to a multiple of 8), then the raw
little-endian data; data_offsets are relative to the first byte after the header.
"""
import array
import collections
import json
import os
import struct
import sys

import torch

_CODES = {torch.float32: ("F32", "f"), torch.float64: ("F64", "d"), torch.int64: ("I64", "q")}
_BY_NAME = {v[0]: (k, v[1]) for k, v in _CODES.items()}


def _to_bytes(t):
    st, code = _CODES[t.dtype]
    flat = t.detach().cpu().contiguous().reshape(-1).tolist()
    a = array.array(code, flat)
    if sys.byteorder != "little":
        a.byteswap()
    return st, a.tobytes()


def write(path, tensors, metadata):
    """tensors: list of (name, tensor) in file order; metadata: dict str -> str. Atomic (temp + fsync + rename)."""
    header = collections.OrderedDict()
    header["__metadata__"] = collections.OrderedDict((str(k), str(v)) for k, v in metadata.items())
    blobs, offset = [], 0
    for name, t in tensors:
        if name in header:
            raise ValueError(f"{path}: duplicate tensor name {name}")
        st, data = _to_bytes(t)
        header[name] = collections.OrderedDict(
            [("dtype", st), ("shape", [int(s) for s in t.shape]), ("data_offsets", [offset, offset + len(data)])])
        blobs.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return 8 + len(hjson) + offset


def read(path):
    """Returns (OrderedDict name -> tensor, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} exceeds the file size {len(raw)}")
    header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=collections.OrderedDict)
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = collections.OrderedDict()
    for name, info in header.items():
        if info["dtype"] not in _BY_NAME:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        dtype, code = _BY_NAME[info["dtype"]]
        lo, hi = info["data_offsets"]
        a = array.array(code)
        a.frombytes(raw[base + lo:base + hi])
        if sys.byteorder != "little":
            a.byteswap()
        shape = info["shape"]
        numel = 1
        for s in shape:
            numel *= s
        if len(a) != numel:
            raise ValueError(f"{path}: tensor {name} has {len(a)} values for shape {shape}")
        out[name] = torch.tensor(a.tolist(), dtype=dtype).reshape(shape)
    return out, meta
