#!/usr/bin/env python3
"""gen_golden.py -- golden fixtures (llm.c style) for the LIMINAL TinyRecursiveModel, v1 v2 v3 v4 v6.

Usage (the default output folder is relative to the repository, whatever the working directory):
    /usr/bin/python3 tools/liminal/gen_golden.py [--seed 20261204] [--out DIR] [--only case,case] [--no-selfcheck]

Each case writes <case>_f32.safetensors (and <case>_f64.safetensors for the cases in F64_CASES): the initial
weights, the inputs, the forward outputs, the loss, the gradients, 10 AdamW steps on the same batch and the weights
after them. See tools/liminal/README.md for every key and the tolerances. Torch + standard library only.
"""
import argparse
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as R  # noqa: E402
import stio  # noqa: E402

FORMAT = "liminal-golden-v1"
GENERATOR = "tools/liminal/gen_golden.py"
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "models", "src", "test", "resources", "liminal-golden")

BATCH, INPUT_DIM, D, K, N_IN, AFFECT_WEIGHT = 4, 384, 128, 5, 4, 0.3
STEPS = 10
ADAMW = {"lr": 3e-3, "weight_decay": 1e-5, "betas": [0.9, 0.999], "eps": 1e-8}
CLIP_MAX_NORM = 1.0
# Size control: grad.* and final.* of tensors with more elements than this are stored as flat[::SAMPLE_STRIDE].
SAMPLE_FULL_MAX_NUMEL = 4096
SAMPLE_STRIDE = 13  # prime: the samples walk through every row and column

# |actual - expected| <= tol * (1 + |expected|)  (atol = rtol = tol)
TOL = {
    "F64": {"output": 1e-9, "grad": 1e-9, "loss": 1e-9, "train": 1e-9, "final": 1e-9},
    # train.* and final.* in F32: 10 AdamW steps at lr 3e-3 amplify float32 rounding (torch f32 vs f64 measured
    # up to ~9e-5 on these cases), hence 5e-4 rather than 1e-4
    "F32": {"output": 1e-5, "grad": 1e-4, "loss": 1e-5, "train": 5e-4, "final": 5e-4},
}

# name, version, affect given, initial memory rows (v6)
CASES = [
    ("v1_affect", "v1", True, 0),
    ("v2_affect", "v2", True, 0),
    ("v3_affect", "v3", True, 0),
    ("v4_affect", "v4", True, 0),
    ("v6_plain", "v6", False, 0),          # the project default: no affect input, empty memory
    ("v6_affect_memory", "v6", True, 2),   # gate, confidence, Faith, and Memory/Love from the first iteration
]
F64_CASES = {"v1_affect", "v6_affect_memory"}


def make_initial(version, seed):
    """Initial weights and inputs, all rounded to float32 so the f32 and f64 files hold identical values."""
    torch.manual_seed(seed)
    model = R.TinyRecursiveModel(version, INPUT_DIM, D, K, N_IN, AFFECT_WEIGHT)  # PyTorch default init
    g = torch.Generator().manual_seed(seed + 1)
    state = {}
    for name, p in model.state_dict().items():
        t = p.detach().to(torch.float64)
        if name.startswith(("ln3.", "ln2.", "lnz.")):
            # perturb the LayerNorm defaults (1, 0) so a swapped gain/bias cannot pass
            noise = 0.1 * torch.randn(t.shape, generator=g, dtype=torch.float64)
            t = t + noise
        state[name] = t.to(torch.float32)
    e = torch.randn((BATCH, INPUT_DIM), generator=g, dtype=torch.float64)
    target = torch.rand((BATCH, 3), generator=g, dtype=torch.float64) * 1.6 - 0.8
    affect = (target + 0.1 * torch.randn((BATCH, 3), generator=g, dtype=torch.float64)).clamp(-1.0, 1.0)
    memory = torch.tanh(torch.randn((2, D), generator=g, dtype=torch.float64))
    inputs = {"embedding": e.to(torch.float32), "target": target.to(torch.float32),
              "affect": affect.to(torch.float32), "memory": memory.to(torch.float32)}
    return state, inputs


def run_case(version, state, inputs, with_affect, memory_rows, dtype):
    """Forward + backward + STEPS AdamW steps in `dtype`. Returns dict of result tensors (full, unsampled)."""
    model = R.TinyRecursiveModel(version, INPUT_DIM, D, K, N_IN, AFFECT_WEIGHT).to(dtype)
    model.load_state_dict({k: v.to(dtype) for k, v in state.items()})
    if model.count_without_proj() != R.EXPECTED_PARAMS_WITHOUT_PROJ[version]:
        raise AssertionError(f"{version}: {model.count_without_proj()} parameters without proj, MODELS.md says "
                             f"{R.EXPECTED_PARAMS_WITHOUT_PROJ[version]}")
    if version == "v6":
        for i in range(memory_rows):
            model.memory.push(inputs["memory"][i].to(dtype))
    e = inputs["embedding"].to(dtype).clone().requires_grad_(True)
    target = inputs["target"].to(dtype)
    affect = inputs["affect"].to(dtype) if with_affect else None
    params = list(model.parameters())
    names = [n for n, _ in model.named_parameters()]
    opt = torch.optim.AdamW(params, lr=ADAMW["lr"], betas=tuple(ADAMW["betas"]), eps=ADAMW["eps"],
                            weight_decay=ADAMW["weight_decay"])
    res = {}
    losses, norms = [], []
    for step in range(STEPS):
        opt.zero_grad(set_to_none=True)
        if e.grad is not None:
            e.grad = None
        out = model(e, affect)
        loss = R.loss_fn(out["pad"], target)
        loss.backward()
        if step == 0:
            res["output.y"] = out["y"].detach().clone()
            res["output.pad"] = out["pad"].detach().clone()
            res["output.confidence"] = torch.tensor(out["conf"], dtype=dtype)
            if "rinse" in out:
                res["output.rinse"] = out["rinse"].detach().clone()
            if "attn_map" in out:
                res["output.attn_map"] = out["attn_map"].detach().clone()
            if version == "v6":
                res["output.memory"] = model.memory.stacked(D, dtype).clone()
            res["output.loss"] = loss.detach().reshape(1).clone()
            for n, p in zip(names, params):
                # a parameter the loss does not reach has no gradient (torch: None); stored as zeros, and
                # AdamW skips it entirely (no weight decay either), so final == initial for it
                res["grad." + n] = p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p)
            res["grad.input.embedding"] = e.grad.detach().clone()
        losses.append(loss.item())
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, CLIP_MAX_NORM).item()))  # pre-clip total norm
        opt.step()
    res["train.losses"] = torch.tensor(losses, dtype=dtype)
    res["train.grad_norms"] = torch.tensor(norms, dtype=dtype)
    for n, p in zip(names, params):
        res["final." + n] = p.detach().clone()
    if version == "v6":
        res["final.memory"] = model.memory.stacked(D, dtype).clone()
    return res


def sampled(key, t):
    """grad.*/final.* of large parameters are stored as flat[::SAMPLE_STRIDE] (see README)."""
    if key.startswith(("grad.", "final.")) and key not in ("grad.input.embedding", "final.memory") \
            and t.numel() > SAMPLE_FULL_MAX_NUMEL:
        return t.reshape(-1)[::SAMPLE_STRIDE].clone()
    return t


def kind_of(key):
    if key.startswith("grad."):
        return "grad"
    if key.startswith("final."):
        return "final"
    if key == "output.loss":
        return "loss"
    if key.startswith("train."):
        return "train"
    return "output"


def max_err(actual, expected):
    """max over elements of |a - e| / (1 + |e|), i.e. the smallest tol that passes."""
    a, x = actual.to(torch.float64), expected.to(torch.float64)
    if a.shape != x.shape:
        raise AssertionError(f"shape {tuple(a.shape)} vs {tuple(x.shape)}")
    if a.numel() == 0:
        return 0.0
    return float(((a - x).abs() / (1.0 + x.abs())).max().item())


def compare(actual, expected, tol_table, label, margin=1.0):
    """Checks every key of expected; returns {kind: worst error}. Raises on a key over its tolerance."""
    worst = {}
    for key, x in expected.items():
        if key not in actual:
            raise AssertionError(f"{label}: missing {key}")
        k = kind_of(key)
        err = max_err(actual[key], x)
        worst[k] = max(worst.get(k, 0.0), err)
        if not err <= margin * tol_table[k]:
            raise AssertionError(f"{label}: {key} error {err:.3e} over {margin} x the {k} tolerance "
                                 f"{tol_table[k]:.0e}")
    return worst


def build_file(case, version, with_affect, memory_rows, seed, state, inputs, res, dtype, f32_vs_f64):
    st = "F32" if dtype == torch.float32 else "F64"
    tensors = []
    # weights and inputs are float32-valued by construction (make_initial), so they are stored as F32 in every file:
    # exact, and half the size of the F64 files (readers cast them to the file's dtype)
    for name, t in state.items():
        tensors.append(("param." + name, t.to(torch.float32)))
    tensors.append(("input.embedding", inputs["embedding"].to(torch.float32)))
    tensors.append(("input.target", inputs["target"].to(torch.float32)))
    if with_affect:
        tensors.append(("input.affect", inputs["affect"].to(torch.float32)))
    if memory_rows:
        tensors.append(("input.memory", inputs["memory"][:memory_rows].to(torch.float32)))
    for key, t in res.items():
        tensors.append((key, sampled(key, t).to(dtype)))
    meta = {
        "format": FORMAT, "generator": GENERATOR, "case": case, "version": version, "dtype": st,
        "seed": str(seed), "torch_version": torch.__version__,
        "batch": str(BATCH), "input_dim": str(INPUT_DIM), "d": str(D), "K": str(K), "n_in": str(N_IN),
        "affect_weight": repr(AFFECT_WEIGHT), "has_affect": str(with_affect).lower(),
        "initial_memory_rows": str(memory_rows), "memory_capacity": str(R.MEMORY_CAPACITY),
        "params_without_proj": str(R.EXPECTED_PARAMS_WITHOUT_PROJ[version]),
        "pad_readout": "pad_head(z_K)" if version in ("v3", "v4", "v6") else "tanh(y[:, 0:3])",
        "loss": "mse_loss(output.pad, input.target), mean over B*3",
        "trained_params": "all param.* including proj",
        "no_grad_params": ",".join(n[len("grad."):] for n, t in res.items()
                                   if n.startswith("grad.") and n != "grad.input.embedding" and t.abs().max() == 0),
        "steps": str(STEPS), "optimizer": json.dumps(dict(name="AdamW", **ADAMW)),
        "clip_grad_norm": repr(CLIP_MAX_NORM) + " (torch clip_grad_norm_: coef = max_norm/(norm+1e-6), clamped to 1)",
        "sample_stride": str(SAMPLE_STRIDE), "sample_full_max_numel": str(SAMPLE_FULL_MAX_NUMEL),
        "tolerance": json.dumps(TOL[st]), "tolerance_rule": "|a - e| <= tol * (1 + |e|)",
        "torch_f32_vs_f64": json.dumps(f32_vs_f64),
    }
    return tensors, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", default="")
    ap.add_argument("--no-selfcheck", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    only = {s for s in args.only.split(",") if s}
    total = 0
    written = []
    for idx, (case, version, with_affect, memory_rows) in enumerate(CASES):
        if only and case not in only:
            continue
        seed = args.seed + 100 * idx
        state, inputs = make_initial(version, seed)
        r64 = run_case(version, state, inputs, with_affect, memory_rows, torch.float64)
        r32 = run_case(version, state, inputs, with_affect, memory_rows, torch.float32)
        # the F32 tolerances must hold for torch float32 against the float64 reference of the same values
        # (within half of them, so an independent float32 implementation has the other half)
        f32_vs_f64 = compare(r32, r64, TOL["F32"], f"{case} torch f32 vs f64", margin=0.5)
        dtypes = [torch.float32] + ([torch.float64] if case in F64_CASES else [])
        for dtype in dtypes:
            res = r32 if dtype == torch.float32 else r64
            tensors, meta = build_file(case, version, with_affect, memory_rows, seed, state, inputs, res, dtype,
                                       f32_vs_f64)
            suffix = "_f32" if dtype == torch.float32 else "_f64"
            path = os.path.join(args.out, case + suffix + ".safetensors")
            n = stio.write(path, tensors, meta)
            total += n
            written.append(path)
            print(f"{os.path.basename(path)}: {n / 1e6:.2f} MB, loss {res['output.loss'].item():.6f} -> "
                  f"{res['train.losses'][-1].item():.6f}, conf {[round(c, 4) for c in res['output.confidence'].tolist()]}"
                  f", torch f32 vs f64 {json.dumps({k: float(f'{v:.2e}') for k, v in f32_vs_f64.items()})}")
    print(f"{len(written)} files, {total / 1e6:.2f} MB")
    if not args.no_selfcheck:
        import selfcheck
        for path in written:
            selfcheck.check(path)


if __name__ == "__main__":
    main()
