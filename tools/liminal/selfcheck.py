#!/usr/bin/env python3
"""selfcheck.py -- reload LIMINAL golden fixtures and re-verify them (torch + standard library, no numpy).

Usage:  /usr/bin/python3 tools/liminal/selfcheck.py [FILE_OR_DIR ...]   (default: models/src/test/resources/liminal-golden)

For each file: parses the safetensors with the stdlib reader, rebuilds the model from `param.*` and the inputs,
re-runs forward, backward and the 10 training steps in the file's dtype (torch.optim.AdamW) and compares every
stored key; then replays the 10 steps with a hand-written AdamW + clipping (the formulas in the README, no
torch.optim) and checks the stored losses and final weights; plus invariants (attention rows sum to 1, confidence
0 without affect, v6 memory = initial rows + K pushes, train.losses[0] = output.loss). Where both <case>_f32 and
<case>_f64 exist, the f32 file must be within the F32 tolerances of the f64 file.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_golden as G  # noqa: E402
import reference as R  # noqa: E402
import stio  # noqa: E402

# the same code on the same machine: agreement to rounding of the last few operations at most
RERUN_TOL = {"F64": 1e-12, "F32": 1e-6}


def _state_inputs(t, meta):
    state = {k[len("param."):]: v for k, v in t.items() if k.startswith("param.")}
    inputs = {"embedding": t["input.embedding"], "target": t["input.target"],
              "affect": t.get("input.affect"), "memory": t.get("input.memory")}
    return state, inputs


def manual_training(version, state, inputs, with_affect, memory_rows, dtype, steps, hp, clip):
    """AdamW and clip_grad_norm_ written out (README formulas); returns (losses, final state)."""
    model = R.TinyRecursiveModel(version, G.INPUT_DIM, G.D, G.K, G.N_IN, G.AFFECT_WEIGHT).to(dtype)
    model.load_state_dict({k: v.to(dtype) for k, v in state.items()})
    if version == "v6":
        for i in range(memory_rows):
            model.memory.push(inputs["memory"][i].to(dtype))
    e, target = inputs["embedding"].to(dtype), inputs["target"].to(dtype)
    affect = inputs["affect"].to(dtype) if with_affect else None
    params = list(model.parameters())
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    (b1, b2), lr, wd, eps = hp["betas"], hp["lr"], hp["weight_decay"], hp["eps"]
    losses = []
    for t in range(1, steps + 1):
        for p in params:
            p.grad = None
        loss = R.loss_fn(model(e, affect)["pad"], target)
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            norm = torch.sqrt(sum((p.grad * p.grad).sum() for p in params if p.grad is not None))
            coef = min(1.0, clip / (norm.item() + 1e-6))
            for i, p in enumerate(params):
                if p.grad is None:  # unreached by the loss: skipped, no weight decay (torch semantics)
                    continue
                g = p.grad * coef
                p.mul_(1.0 - lr * wd)
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                mhat = m[i] / (1 - b1 ** t)
                denom = torch.sqrt(v[i]) / math.sqrt(1 - b2 ** t) + eps
                p.sub_(lr * mhat / denom)
    return losses, {n: p.detach() for n, p in model.named_parameters()}


def check(path):
    t, meta = stio.read(path)
    if meta.get("format") != G.FORMAT:
        raise AssertionError(f"{path}: format {meta.get('format')!r}, expected {G.FORMAT}")
    st = meta["dtype"]
    dtype = torch.float32 if st == "F32" else torch.float64
    version, case = meta["version"], meta["case"]
    with_affect = meta["has_affect"] == "true"
    memory_rows = int(meta["initial_memory_rows"])
    K, steps = int(meta["K"]), int(meta["steps"])
    for key, x in t.items():
        stored = torch.float32 if key.startswith(("param.", "input.")) else dtype  # weights/inputs are always F32
        if x.dtype != stored:
            raise AssertionError(f"{path}: {key} is {x.dtype}, expected {stored} (file dtype {st})")
    state, inputs = _state_inputs(t, meta)
    res = G.run_case(version, state, inputs, with_affect, memory_rows, dtype)
    expected = {k: v for k, v in t.items() if not k.startswith(("param.", "input."))}
    if set(expected) != set(res):
        raise AssertionError(f"{path}: keys differ from a rerun: {sorted(set(expected) ^ set(res))}")
    rerun = {k: G.sampled(k, v) for k, v in res.items()}
    tol = {k: RERUN_TOL[st] for k in ("output", "grad", "loss", "train", "final")}
    worst = G.compare(rerun, expected, tol, f"{path} rerun")

    # invariants
    if abs(t["train.losses"][0].item() - t["output.loss"][0].item()) != 0.0:
        raise AssertionError(f"{path}: train.losses[0] != output.loss")
    conf = t["output.confidence"]
    if conf.shape != (K,):
        raise AssertionError(f"{path}: output.confidence shape {tuple(conf.shape)}")
    if not with_affect and conf.abs().max().item() != 0.0:
        raise AssertionError(f"{path}: confidence must be 0 without affect")
    if with_affect and not (conf.min().item() > 0.0 and conf.max().item() < 1.0):
        raise AssertionError(f"{path}: confidence outside (0, 1)")
    if "output.attn_map" in t:
        rows = t["output.attn_map"].to(torch.float64).sum(-1)
        if (rows - 1).abs().max().item() > 1e-5:
            raise AssertionError(f"{path}: attention rows do not sum to 1")
    if version == "v6":
        mem = t["output.memory"]
        if mem.shape != (memory_rows + K, G.D):
            raise AssertionError(f"{path}: output.memory shape {tuple(mem.shape)}")
        if memory_rows and not torch.equal(mem[:memory_rows], t["input.memory"].to(mem.dtype)):
            raise AssertionError(f"{path}: output.memory does not start with input.memory")
        if t["final.memory"].shape != (min(R.MEMORY_CAPACITY, memory_rows + K * steps), G.D):
            raise AssertionError(f"{path}: final.memory shape {tuple(t['final.memory'].shape)}")

    # independent optimizer replay
    hp = json.loads(meta["optimizer"])
    losses, final = manual_training(version, state, inputs, with_affect, memory_rows, dtype, steps, hp,
                                    float(meta["clip_grad_norm"].split()[0]))
    manual = {"train.losses": torch.tensor(losses, dtype=dtype)}
    manual.update({"final." + n: G.sampled("final." + n, p) for n, p in final.items()})
    # F32: the same float32 noise argument as torch f32 vs f64 (different operation order), so the F32 table
    opt_tol = {"F64": {"train": 1e-10, "final": 1e-10}, "F32": G.TOL["F32"]}[st]
    G.compare(manual, {k: expected[k] for k in manual}, opt_tol,
              f"{path} manual AdamW")

    # f32 file against its f64 sibling
    sibling = ""
    if path.endswith("_f32.safetensors"):
        p64 = path[: -len("_f32.safetensors")] + "_f64.safetensors"
        if os.path.exists(p64):
            t64, _ = stio.read(p64)
            e32 = {k: v for k, v in expected.items()}
            cross = G.compare(e32, {k: v for k, v in t64.items() if not k.startswith(("param.", "input."))},
                              G.TOL["F32"], f"{path} vs {os.path.basename(p64)}")
            sibling = f", vs f64 file {json.dumps({k: float(f'{v:.1e}') for k, v in cross.items()})}"
    print(f"ok {os.path.basename(path)} ({case}, {st}): rerun worst "
          f"{json.dumps({k: float(f'{v:.1e}') for k, v in worst.items()})}{sibling}")


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    targets = sys.argv[1:] or [G.DEFAULT_OUT]
    files = []
    for a in targets:
        if os.path.isdir(a):
            files += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith(".safetensors"))
        else:
            files.append(a)
    if not files:
        raise SystemExit(f"no .safetensors files in {targets}")
    for f in files:
        check(f)
    print(f"{len(files)} fixture(s) verified")


if __name__ == "__main__":
    main()
