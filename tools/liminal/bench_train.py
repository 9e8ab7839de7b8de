"""bench_train.py -- PyTorch's training-step rate for the LIMINAL TinyRecursiveModel, the peer of Limbic's trainer.

The same step as models/.../LiminalTrainer (MODELS.md 1.7 phase 1): batch 32 of 384-d sentence vectors, no affect
input, pad = model(e).pad, MSE against (B, 3) targets, zero_grad, backward, clip_grad_norm_(1.0), AdamW(3e-3, wd 1e-5).
Inputs are random unit vectors (the rate does not depend on the values); 8,062 rows like EmoBank's train split,
drawn in shuffled batches of 32 as the trainer does. Prints one JSON line per version:
  {"version": "v6", "steps_per_s": ..., "ms_per_step": ..., "threads": 2, "torch": "..."}

  /usr/bin/python3 tools/liminal/bench_train.py [--threads 2] [--seconds 10] [--versions v1,v6] [--input-dim 2304]

Compare with the steps/s in a Limbic run's results.json (training seconds only), measured in the same session.
"""
import argparse
import json
import os
import sys
import time

# The fair BLAS, as in ../shared/peers (common.py): OpenBLAS on libgomp, sharing torch's OpenMP pool. Debian's
# python3-torch otherwise loads whatever libblas.so.3 the alternatives point at (the pthread build fights the
# OpenMP pool for the 2 cores; netlib is 35-80x slower). Re-exec once with the loader path set, before torch loads.
OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
if os.environ.get("PEERS_BLAS") != "openmp" and os.path.isdir(OPENBLAS_OPENMP):
    env = dict(os.environ, PEERS_BLAS="openmp")
    env["LD_LIBRARY_PATH"] = OPENBLAS_OPENMP + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as R  # noqa: E402


def rate(version, input_dim, seconds, batch, rows=8062):
    torch.manual_seed(0)
    model = R.TinyRecursiveModel(version, input_dim=input_dim)
    model.train()
    e = torch.nn.functional.normalize(torch.randn(rows, input_dim), dim=1)
    t = torch.rand(rows, 3) - 0.5
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-5, betas=(0.9, 0.999), eps=1e-8)

    def steps(n):
        done = 0
        while done < n:
            order = torch.randperm(rows)
            for start in range(0, rows - batch + 1, batch):
                idx = order[start:start + batch]
                pad = model(e[idx])["pad"]
                loss = torch.nn.functional.mse_loss(pad, t[idx])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                loss.item()
                done += 1
                if done == n:
                    return

    steps(20)   # warm-up
    n, elapsed = 20, 0.0
    while True:
        t0 = time.perf_counter()
        steps(n)
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds or n >= 1 << 20:
            break
        n = max(n * 2, int(n * seconds / max(elapsed, 1e-3) * 1.1))
    return n / elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10.0, help="timed seconds per version (after warm-up)")
    ap.add_argument("--versions", default=",".join(R.VERSIONS))
    ap.add_argument("--input-dim", type=int, default=384)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for v in a.versions.split(","):
        r = rate(v, a.input_dim, a.seconds, a.batch)
        print(json.dumps({"version": v, "steps_per_s": round(r, 2), "ms_per_step": round(1000 / r, 3),
                          "threads": a.threads, "batch": a.batch, "input_dim": a.input_dim,
                          "torch": torch.__version__, "blas": os.environ.get("PEERS_BLAS", "system")}),
              flush=True)


if __name__ == "__main__":
    main()
