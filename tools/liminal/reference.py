"""reference.py -- PyTorch reference of the LIMINAL TinyRecursiveModel versions v1, v2, v3, v4, v6.

Written from /work/shared/MODELS.md sections 1.0-1.5 (and the project decisions at its top), not from the
original notebook. Torch and the standard library only. Used by gen_golden.py (fixtures for the Java
implementation in models/) and by selfcheck.py.

Contract with the Java implementation (state_dict keys are the fixture's `param.<name>` keys):
  proj                    Linear(384 -> d)          sentence embedding e (B, 384) -> x (B, d)
  ln3, ln2, lnz           LayerNorm(3d), (2d), (d)  eps 1e-5, learnable gain and bias
  fz.0, fz.2              Linear(3d -> 2d), GELU (exact erf), Linear(2d -> d)
  fy.0, fy.2              Linear(2d -> 2d), GELU, Linear(2d -> d)
  affect_proj             Linear(3 -> d), then tanh
  affect_gate             Linear(2d -> 1), then sigmoid
  attn.q/k/v/o            v2+: SelfAttentionTiny, Linear(d -> d) each
  pad_head.0, pad_head.2  v3, v4, v6: Linear(d -> d/2), GELU, Linear(d/2 -> 3), tanh
  rinse_head.0, .2        v4: Linear(d+4 -> d/2), GELU, Linear(d/2 -> d/4), tanh
"""
import collections
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

VERSIONS = ("v1", "v2", "v3", "v4", "v6")

# MODELS.md 1.0 "Parameter counts" (d = 128), proj excluded.
EXPECTED_PARAMS_WITHOUT_PROJ = {"v1": 232449, "v2": 298497, "v3": 306948, "v4": 317540, "v6": 306948}

INNER_RESIDUAL = 0.3   # z <- LNz(z + 0.3 f_z(...))                      (1.1 step 1)
ANSWER_RESIDUAL = 0.4  # y <- y + 0.4 f_y(...)                            (1.1 step 3)
FAITH_SCALE = 0.05     # z <- z + 0.05 phi z                              (1.5)
LOVE_SCALE = 0.2       # z <- z + 0.2 beta (future - z)                   (1.5)
RINSE_MEMORY = 0.3     # r <- tanh(r + 0.3 future)                        (1.5)
MEMORY_WINDOW = 3      # future = mean of the last <= 3 stored vectors     (1.5)
MEMORY_CAPACITY = 100  # deque(100)                                       (1.5)


class SelfAttentionTiny(nn.Module):
    """Single head, no mask: A = softmax((H Wq)(H Wk)^T / sqrt(d)), out = O(A (H Wv))."""

    def __init__(self, d):
        super().__init__()
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)
        self.scale = 1.0 / math.sqrt(d)

    def forward(self, h):  # h (B, L, d)
        scores = torch.matmul(self.q(h), self.k(h).transpose(1, 2)) * self.scale  # (B, L, L)
        a = torch.softmax(scores, dim=-1)
        return self.o(torch.matmul(a, self.v(h))), a  # (B, L, d), (B, L, L)


class SoulMemory:
    """In-memory flavour of MODELS.md 1.5: bounded FIFO of detached d-vectors, never cleared by the model."""

    def __init__(self, capacity=MEMORY_CAPACITY):
        self.items = collections.deque(maxlen=capacity)

    def push(self, v):
        self.items.append(v.detach().clone())

    def future(self, d, dtype):
        """Element-wise mean of the last <= 3 stored vectors, zeros (d,) when empty."""
        if not self.items:
            return torch.zeros(d, dtype=dtype)
        last = list(self.items)[-MEMORY_WINDOW:]
        return torch.stack(last, 0).mean(0)

    def stacked(self, d, dtype):
        """All stored vectors, oldest first, (n, d); (0, d) when empty."""
        if not self.items:
            return torch.zeros((0, d), dtype=dtype)
        return torch.stack(list(self.items), 0)


class TinyRecursiveModel(nn.Module):
    def __init__(self, version, input_dim=384, d=128, K=5, n_in=4, affect_weight=0.3):
        super().__init__()
        if version not in VERSIONS:
            raise ValueError(f"unknown version {version!r}, expected one of {VERSIONS}")
        self.version, self.d, self.K, self.n_in, self.affect_weight = version, d, K, n_in, affect_weight
        self.proj = nn.Linear(input_dim, d)
        self.ln3 = nn.LayerNorm(3 * d, eps=1e-5)
        self.ln2 = nn.LayerNorm(2 * d, eps=1e-5)
        self.lnz = nn.LayerNorm(d, eps=1e-5)
        self.fz = nn.Sequential(nn.Linear(3 * d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.fy = nn.Sequential(nn.Linear(2 * d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.affect_proj = nn.Linear(3, d)
        self.affect_gate = nn.Linear(2 * d, 1)
        self.has_attn = version != "v1"
        self.has_pad_head = version in ("v3", "v4", "v6")
        self.has_rinse = version == "v4"
        self.has_soul = version == "v6"
        if self.has_attn:
            self.attn = SelfAttentionTiny(d)
        if self.has_pad_head:
            self.pad_head = nn.Sequential(nn.Linear(d, d // 2), nn.GELU(), nn.Linear(d // 2, 3), nn.Tanh())
        if self.has_rinse:
            self.rinse_head = nn.Sequential(nn.Linear(d + 4, d // 2), nn.GELU(), nn.Linear(d // 2, d // 4),
                                            nn.Tanh())
        # v6 module state: lives across calls (batches, steps), not in the state_dict.
        self.memory = SoulMemory() if self.has_soul else None

    def count_without_proj(self):
        return sum(p.numel() for n, p in self.named_parameters() if not n.startswith("proj."))

    def soul_kernel(self, x, y, z, r, conf):
        """MODELS.md 1.5 step 2, in the order listed there. Returns the updated (z, r)."""
        # Hope = clamp(mean(r), -1, 1) only logs in the original; it does not influence the computation.
        phi = math.sqrt(sum(conf) / len(conf)) if conf else 0.0     # Faith, a plain float (conf is detached)
        z = z + FAITH_SCALE * phi * z
        future = self.memory.future(self.d, z.dtype)                 # (d,), broadcast over the batch
        beta = torch.tanh((x * z).mean() + (y * r).mean()).detach()  # Love: one scalar, no gradient
        z = z + LOVE_SCALE * beta * (future - z)
        r = torch.tanh(r + RINSE_MEMORY * future)
        self.memory.push(r[0])                                      # first sample's rinse vector, detached
        return z, r

    def forward(self, e, affect=None):
        """e (B, input_dim); affect (B, 3) or None. Returns a dict of outputs (see gen_golden.py)."""
        x = self.proj(e)                                  # (B, d)
        B = x.shape[0]
        y = torch.zeros_like(x)                           # y0 = 0
        z = torch.zeros_like(x)                           # z0 = 0
        conf = []
        hist = []
        attn_map = None
        for _ in range(self.K):
            for _ in range(self.n_in):                    # 1. latent refinement
                z = self.lnz(z + INNER_RESIDUAL * self.fz(self.ln3(torch.cat([x, y, z], dim=1))))
            if affect is not None:                        # 2. gated affect injection
                u = torch.tanh(self.affect_proj(affect))                              # (B, d)
                gamma = torch.sigmoid(self.affect_gate(torch.cat([z, u], dim=1)))      # (B, 1)
                z = z + self.affect_weight * gamma * u
                conf.append(float(gamma.detach().mean().item()))
            else:
                conf.append(0.0)
            if self.has_attn:                             # v2+: attention over the history of z
                hist.append(z)
                if len(hist) >= 2:
                    o, attn_map = self.attn(torch.stack(hist, dim=1))                 # (B, k, d), (B, k, k)
                    z = self.lnz(z + o[:, -1, :])
            if self.has_soul:                             # v6: SoulKernel after the attention step
                r = torch.tanh(z + y)
                z, r = self.soul_kernel(x, y, z, r, conf)
            y = y + ANSWER_RESIDUAL * self.fy(self.ln2(torch.cat([y, z], dim=1)))     # 3. answer update
        out = {"y": y, "conf": conf, "z": z}
        if self.has_pad_head:
            out["pad"] = self.pad_head(z)
        else:
            out["pad"] = torch.tanh(y[:, 0:3])           # project decision: v3 head convention, scaled units
        if self.has_rinse:
            mean_conf = torch.full((1,), sum(conf) / len(conf), dtype=z.dtype)
            feats = torch.cat([z.mean(0), out["pad"].mean(0), mean_conf], dim=0)      # (d + 4,)
            out["rinse"] = self.rinse_head(feats)                                      # (d / 4,)
        if attn_map is not None:
            out["attn_map"] = attn_map
        return out


def loss_fn(pad, target):
    return F.mse_loss(pad, target)
