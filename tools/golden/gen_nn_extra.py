#!/usr/bin/env python3
"""gen_nn_extra.py -- extra PyTorch golden fixtures for Limbic's nn module.

Usage (from anywhere; the default output folder is relative to the repository):
    /usr/bin/python3 tools/golden/gen_nn_extra.py --seed 1234 [--out DIR] [--only a,b] [--no-selfcheck]

Cases the shared fixture set (shared/golden/gen_golden.py) does not have: a bidirectional 2-layer GRU, an LSTM
over packed variable-length sequences, cross-entropy with label smoothing, BCE-with-logits with pos_weight and
weight, L1, MSE with sum reduction, KL divergence with log targets, causal multi-head and single-head
attention, LinearLR / SequentialLR / ReduceLROnPlateau schedules and SGD with dampening.

The file format, tensor naming (input./param./grad_out./out./grad.), metadata keys, upstream gradients and
tolerances are exactly those of gen_golden.py (see tools/golden/README.md). Self-contained: torch and the
standard library only (numpy through Tensor.numpy() for serialisation). Every float32 case is recomputed in
float64 from the same float32-rounded inputs and refused unless torch-float32 is within the stated tolerance
of it; the ratio is stored as `f32_vs_f64_tol_ratio`.
"""
import os
import sys

# --- optional OpenBLAS (OpenMP) runtime, as gen_golden.py; must be set before torch is loaded ---
_OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def _maybe_reexec():
    if os.environ.get("GEN_GOLDEN_REEXEC") == "1" or not os.path.isdir(_OPENBLAS_DIR):
        return
    cur = os.environ.get("LD_LIBRARY_PATH", "")
    if _OPENBLAS_DIR in cur.split(":"):
        return
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = _OPENBLAS_DIR + (":" + cur if cur else "")
    env["GEN_GOLDEN_REEXEC"] = "1"
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


_maybe_reexec()

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import struct  # noqa: E402
import zlib  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

F32, F64, I64 = torch.float32, torch.float64, torch.int64
ST_NAME = {F32: "F32", F64: "F64", I64: "I64"}
NP_DTYPE = {F32: "<f4", F64: "<f8", I64: "<i8"}

FORMAT_VERSION = "golden-v1"
GENERATOR = "tools/golden/gen_nn_extra.py"
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "nn", "src", "test", "resources", "golden-extra")

# |actual - expected| <= atol + rtol * |expected|  (same values as gen_golden.py)
TOL_F32 = {"fwd": (1e-4, 1e-5), "grad": (1e-3, 1e-4)}
TOL_F64 = {"fwd": (1e-10, 1e-10), "grad": (1e-10, 1e-10)}


# ----------------------------------------------------------------------------
# safetensors writer
# ----------------------------------------------------------------------------
def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, torch.Tensor); metadata: dict str->str. Header padded to 8 bytes."""
    header = collections.OrderedDict()
    header["__metadata__"] = collections.OrderedDict((str(k), str(v)) for k, v in metadata.items())
    blobs = []
    offset = 0
    for name, t in tensors:
        t = t.detach().cpu().contiguous()
        if t.dtype not in ST_NAME:
            raise TypeError(f"{name}: unsupported dtype {t.dtype}")
        data = t.numpy().astype(NP_DTYPE[t.dtype], copy=False).tobytes(order="C")
        header[name] = collections.OrderedDict([
            ("dtype", ST_NAME[t.dtype]),
            ("shape", [int(s) for s in t.shape]),
            ("data_offsets", [offset, offset + len(data)]),
        ])
        blobs.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)
    return 8 + len(hjson) + offset


# ----------------------------------------------------------------------------
# Case context (same semantics as gen_golden.py's Ctx)
# ----------------------------------------------------------------------------
class Ctx:
    """quant: precision the random draws are rounded to (what is stored); dt: working precision."""

    def __init__(self, seed, quant, dt):
        self.g = torch.Generator()
        self.g.manual_seed(seed)
        self.quant = quant
        self.dt = dt
        self.entries = collections.OrderedDict()
        self.leaves = collections.OrderedDict()
        self.outs = collections.OrderedDict()
        self.meta = collections.OrderedDict()

    def q(self, t64):
        return t64.to(self.quant).to(self.dt)

    def raw_randn(self, *shape):
        return torch.randn(tuple(shape), generator=self.g, dtype=F64)

    def raw_uniform(self, lo, hi, *shape):
        return torch.rand(tuple(shape), generator=self.g, dtype=F64) * (hi - lo) + lo

    def randn(self, *shape, std=1.0, mean=0.0):
        return self.q(self.raw_randn(*shape) * std + mean)

    def uniform(self, lo, hi, *shape):
        return self.q(self.raw_uniform(lo, hi, *shape))

    def randint(self, lo, hi, *shape):
        return torch.randint(lo, hi, shape, generator=self.g, dtype=I64)

    def input(self, name, t, grad=True):
        key = "input." + name
        if t.is_floating_point() and grad:
            t = t.detach().clone().requires_grad_(True)
            self.leaves[key] = t
        self.entries[key] = t.detach().clone()
        return t

    def param(self, name, t):
        key = "param." + name
        if not t.requires_grad:
            t = t.detach().clone().requires_grad_(True)
        self.leaves[key] = t
        self.entries[key] = t.detach().clone()
        return t

    def output(self, name, t, grad=True):
        key = "out." + name
        if grad:
            self.outs[key] = t
        self.entries[key] = t.detach().clone()
        return t

    def set_meta(self, **kw):
        for k, v in kw.items():
            self.meta[k] = str(v)

    def finish(self):
        """Backward of sum_k <out.k, grad_out.k> with random upstream gradients (scalars: U[0.5,1.5))."""
        if not self.outs:
            return
        outs, gouts = [], []
        for key, t in self.outs.items():
            g = self.uniform(0.5, 1.5) if t.dim() == 0 else self.randn(*t.shape)
            self.entries["grad_out." + key[4:]] = g.detach().clone()
            outs.append(t)
            gouts.append(g)
        torch.autograd.backward(outs, gouts)
        for key, leaf in self.leaves.items():
            gkey = "grad." + (key[len("input."):] if key.startswith("input.") else key)
            if leaf.grad is None:
                raise RuntimeError(f"no gradient reached {key}")
            self.entries[gkey] = leaf.grad.detach().clone()


class CaseDef:
    def __init__(self, name, fn, checks, primary, extra_f64, selfcheck):
        self.name, self.fn, self.checks = name, fn, checks
        self.primary, self.extra_f64, self.selfcheck = primary, extra_f64, selfcheck


CASES = []


def register(name, fn, checks, primary=F32, f64=False, selfcheck=True):
    CASES.append(CaseDef(name, fn, checks, primary, f64, selfcheck))


def case(name, checks, **kw):
    def deco(fn):
        register(name, fn, checks, **kw)
        return fn
    return deco


# ============================================================================
# Recurrent layers
# ============================================================================
RNN_LAYOUTS = ("x [B,T,in]; out.output [B,T,D*H] (fwd||reverse); out.h_n/c_n [layers*D,B,H] "
               "ordered l0, l0_reverse, l1, l1_reverse (NOT batch-first); layer-1 input size = D*H")
RNN_PARAM_NAMES = ("weight_ih_l{k}[_reverse], weight_hh_l{k}[_reverse], bias_ih_l{k}[_reverse], "
                   "bias_hh_l{k}[_reverse]; all params U(-1/sqrt(H),1/sqrt(H))")
LSTM_GATES = ("LSTM gate order i,f,g,o: weight_ih_l{k} = [W_ii;W_if;W_ig;W_io] shape [4H, in]; "
              "i=sig, f=sig, g=tanh, o=sig; c'=f*c+i*g; h'=o*tanh(c')")
GRU_GATES = ("GRU gate order r,z,n: weight_ih_l0 = [W_ir;W_iz;W_in] shape [3H, in]; "
             "r=sig(W_ir x+b_ir+W_hr h+b_hr); z=sig(...); n=tanh(W_in x+b_in + r*(W_hn h+b_hn)); h'=(1-z)*n + z*h")


def _fill_rnn(C, rnn, H):
    k = 1.0 / math.sqrt(H)
    for n, p in rnn.named_parameters():
        with torch.no_grad():
            p.copy_(C.uniform(-k, k, *p.shape))
        C.param(n, p)


@case("gru_bi_2layer_state", "nn.GRU bidirectional, 2 layers, batch_first, non-zero initial state, B=2 T=4 in=5 H=3",
      f64=True)
def _gru_bi(C):
    B, T, I, H, L, D = 2, 4, 5, 3, 2, 2
    rnn = nn.GRU(I, H, num_layers=L, bidirectional=True, batch_first=True, dtype=C.dt)
    x = C.input("x", C.randn(B, T, I))
    h0 = C.input("h0", C.randn(L * D, B, H, std=0.5))
    _fill_rnn(C, rnn, H)
    out, hn = rnn(x, h0)
    C.output("output", out)
    C.output("h_n", hn)
    C.set_meta(op="nn.GRU", input_size=I, hidden_size=H, num_layers=L, bidirectional=True, batch_first=True,
               batch=B, seq_len=T, initial_state="random (input.h0)", gates=GRU_GATES, layouts=RNN_LAYOUTS,
               param_names=RNN_PARAM_NAMES, upstream="random grad_out for output and h_n simultaneously")


def _packed_lengths(C, B, T):
    lengths = torch.randperm(T, generator=C.g)[:B] + 1     # distinct lengths in 1..T
    if not bool((lengths == T).any()):
        lengths[1] = T                                     # one full-length row
    if bool((lengths[:-1] >= lengths[1:]).all()):
        lengths[0], lengths[-1] = lengths[-1].clone(), lengths[0].clone()   # never sorted: exercise the sorting
    return C.input("lengths", lengths, grad=False)


PACKED_NOTE = ("input.lengths I64 [B], each in [1,T], not sorted: x is packed with "
               "pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False) and the output "
               "unpacked with pad_packed_sequence(total_length=T); out.output is 0 past each row's "
               "length (and gets no gradient there), the reverse direction starts at the row's last "
               "valid step, h_n (and c_n) are each row's state after its last valid step; grad.x is 0 past "
               "each length")


@case("gru_bi_2layer_lengths", "nn.GRU bidirectional, 2 layers, batch_first, non-zero state, packed "
                               "variable-length rows (pack_padded_sequence, enforce_sorted=False), B=4 T=5 in=4 H=3")
def _gru_lengths(C):
    B, T, I, H, L, D = 4, 5, 4, 3, 2, 2
    rnn = nn.GRU(I, H, num_layers=L, bidirectional=True, batch_first=True, dtype=C.dt)
    x = C.input("x", C.randn(B, T, I))
    h0 = C.input("h0", C.randn(L * D, B, H, std=0.5))
    lengths = _packed_lengths(C, B, T)
    _fill_rnn(C, rnn, H)
    pout, hn = rnn(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False), h0)
    out, _ = pad_packed_sequence(pout, batch_first=True, padding_value=0.0, total_length=T)
    C.output("output", out)
    C.output("h_n", hn)
    C.set_meta(op="nn.GRU", input_size=I, hidden_size=H, num_layers=L, bidirectional=True, batch_first=True,
               batch=B, seq_len=T, initial_state="random (input.h0)", gates=GRU_GATES, layouts=RNN_LAYOUTS,
               param_names=RNN_PARAM_NAMES, upstream="random grad_out for output and h_n simultaneously",
               lengths=PACKED_NOTE)


@case("lstm_bi_2layer_lengths", "nn.LSTM bidirectional, 2 layers, batch_first, non-zero state, packed "
                                "variable-length rows (pack_padded_sequence, enforce_sorted=False), B=4 T=5 in=4 H=3")
def _lstm_lengths(C):
    B, T, I, H, L, D = 4, 5, 4, 3, 2, 2
    rnn = nn.LSTM(I, H, num_layers=L, bidirectional=True, batch_first=True, dtype=C.dt)
    x = C.input("x", C.randn(B, T, I))
    h0 = C.input("h0", C.randn(L * D, B, H, std=0.5))
    c0 = C.input("c0", C.randn(L * D, B, H, std=0.5))
    lengths = _packed_lengths(C, B, T)
    _fill_rnn(C, rnn, H)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    pout, (hn, cn) = rnn(packed, (h0, c0))
    out, _ = pad_packed_sequence(pout, batch_first=True, padding_value=0.0, total_length=T)
    C.output("output", out)
    C.output("h_n", hn)
    C.output("c_n", cn)
    C.set_meta(op="nn.LSTM", input_size=I, hidden_size=H, num_layers=L, bidirectional=True, batch_first=True,
               batch=B, seq_len=T, initial_state="random (input.h0/c0)", gates=LSTM_GATES, layouts=RNN_LAYOUTS,
               param_names=RNN_PARAM_NAMES, upstream="random grad_out for output, h_n and c_n simultaneously",
               lengths=PACKED_NOTE)


# ============================================================================
# Losses
# ============================================================================
@case("cross_entropy_label_smoothing", "cross_entropy with class weights, ignore_index=-100 (2 ignored rows) "
                                       "and label_smoothing=0.1, mean", f64=True)
def _ce_ls(C):
    N, Cn, eps = 9, 5, 0.1
    logits = C.input("logits", C.randn(N, Cn, std=1.5))
    t = C.randint(0, Cn, N)
    t[2] = -100
    t[N - 1] = -100
    t = C.input("target", t, grad=False)
    w = C.input("weight", C.uniform(0.2, 2.0, Cn), grad=False)
    C.output("loss", F.cross_entropy(logits, t, weight=w, ignore_index=-100, reduction="mean",
                                     label_smoothing=eps))
    C.set_meta(op="cross_entropy", reduction="mean", ignore_index=-100, class_weights=True, label_smoothing=eps,
               formula="lp = log_softmax(logits); valid rows i have t_i != ignore_index; "
                       "nll = sum_i w[t_i]*(-lp[i,t_i]) / sum_i w[t_i]; "
                       "smooth = sum_i sum_c w[c]*(-lp[i,c]) / C / sum_i w[t_i]; "
                       "loss = (1-label_smoothing)*nll + label_smoothing*smooth (PyTorch 1.13)")


@case("bce_with_logits_pos_weight", "binary_cross_entropy_with_logits with pos_weight [C] and weight [C], "
                                    "multi-label 0/1 targets, mean")
def _bce_pw(C):
    N, Cn = 6, 13
    x = C.input("logits", C.randn(N, Cn, std=2.0))
    t = C.input("target", C.q((C.raw_uniform(0, 1, N, Cn) < 0.4).to(F64)))
    w = C.input("weight", C.uniform(0.2, 2.0, Cn), grad=False)
    pw = C.input("pos_weight", C.uniform(0.5, 3.0, Cn), grad=False)
    C.output("loss", F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction="mean"))
    C.set_meta(op="binary_cross_entropy_with_logits", reduction="mean",
               formula="lw = 1 + (pos_weight - 1)*t; loss = mean(weight*((1 - t)*x + lw*softplus(-x))), "
                       "softplus(-x) = max(-x,0) + log(1 + exp(-|x|)); weight and pos_weight broadcast over rows",
               note="input.weight and input.pos_weight are constants (no gradient); grad.target included")


@case("l1_loss", "l1_loss mean")
def _l1(C):
    x = C.input("x", C.randn(4, 13))
    # keep |x - target| away from 0, where the gradient (sign) would be ambiguous
    d = C.raw_uniform(0.05, 1.5, 4, 13) * torch.where(C.raw_uniform(0, 1, 4, 13) < 0.5, -1.0, 1.0).to(F64)
    t = C.input("target", C.q(x.detach().to(F64) + d))
    C.output("loss", F.l1_loss(x, t, reduction="mean"))
    C.set_meta(op="l1_loss", reduction="mean", formula="loss = mean(|x - target|)",
               note="|x - target| >= 0.05 everywhere; grad.target included")


@case("mse_loss_sum", "mse_loss with reduction=sum")
def _mse_sum(C):
    x = C.input("x", C.randn(4, 13))
    t = C.input("target", C.randn(4, 13))
    C.output("loss", F.mse_loss(x, t, reduction="sum"))
    C.set_meta(op="mse_loss", reduction="sum", formula="loss = sum((x - target)^2)")


@case("kl_div_log_target", "kl_div(log-prob input, log-prob target, reduction=batchmean, log_target=True)")
def _kl_log(C):
    logp = C.input("input", C.q(torch.log_softmax(C.raw_randn(5, 13) * 1.5, dim=-1)))
    logq = C.input("target", C.q(torch.log_softmax(C.raw_randn(5, 13) * 1.5, dim=-1)))
    C.output("loss", F.kl_div(logp, logq, reduction="batchmean", log_target=True))
    C.set_meta(op="kl_div", reduction="batchmean", log_target=True,
               formula="loss = sum(exp(target) * (target - input)) / input.shape[0]",
               note="input and target are both log-probabilities (log_softmax of random logits); grad.target "
                    "included")


# ============================================================================
# Attention
# ============================================================================
def _padding_mask(B, T, pads):
    m = torch.zeros(B, T, dtype=I64)
    for bi, npad in enumerate(pads):
        if npad:
            m[bi, T - npad:] = 1
    return m


@case("mha_self_causal_key_padding", "nn.MultiheadAttention self-attention, E=8, 2 heads, batch_first, causal "
                                     "attn_mask and key_padding_mask (0/2/1 padded keys)")
def _mha_causal(C):
    B, T, E, H, pads = 3, 5, 8, 2, (0, 2, 1)
    mha = nn.MultiheadAttention(E, H, dropout=0.0, bias=True, batch_first=True, dtype=C.dt)
    x = C.input("x", C.randn(B, T, E))
    for n, p in mha.named_parameters():    # as gen_golden.py's fill_module
        if "weight" in n:
            k = 1.0 / math.sqrt(p.shape[-1] if p.dim() > 1 else p.shape[0])
            v = C.uniform(-k, k, *p.shape)
        else:
            v = C.randn(*p.shape, std=0.1)
        with torch.no_grad():
            p.copy_(v)
        C.param(n, p)
    m = C.input("key_padding_mask", _padding_mask(B, T, pads), grad=False)
    kpm = m.bool()
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)   # True = masked (key j > query i)
    y, w = mha(x, x, x, key_padding_mask=kpm, attn_mask=causal, need_weights=True, average_attn_weights=True)
    C.output("attn_output", y)
    C.output("attn_weights", w, grad=False)
    with torch.no_grad():
        _, wh = mha(x, x, x, key_padding_mask=kpm, attn_mask=causal, need_weights=True,
                    average_attn_weights=False)
    C.output("attn_weights_per_head", wh, grad=False)
    C.set_meta(op="nn.MultiheadAttention", embed_dim=E, num_heads=H, head_dim=E // H, batch_first=True,
               dropout=0.0, causal=True,
               self_attention="query = key = value = input.x (grad.x sums all three paths)",
               in_proj="in_proj_weight [3E,E] rows 0:E = W_q, E:2E = W_k, 2E:3E = W_v; in_proj_bias likewise; "
                       "head h uses features h*head_dim:(h+1)*head_dim",
               formula="attn = softmax(Q_h K_h^T / sqrt(head_dim) + mask) V_h; concat heads; out_proj",
               attn_mask="causal: bool attn_mask = triu(ones(T,T), 1), query i sees keys j <= i",
               key_padding_mask=("input.key_padding_mask I64 [B,T], 1 = padded key (ignored, -inf score), "
                                 f"0 = valid; pads per batch element = {list(pads)} (key 0 is never padded, so "
                                 "no query row is fully masked)"),
               forward_only="out.attn_weights (head-averaged [B,T,T]), out.attn_weights_per_head [B,H,T,T]")


@case("attention_single_head_causal", "single-head attention (d_model 6, d_k 4) with a causal mask and a "
                                      "key_padding_mask (0/2 padded keys)")
def _attn1_causal(C):
    B, T, D, Dk, pads = 2, 5, 6, 4, (0, 2)
    x = C.input("x", C.randn(B, T, D))
    P = {}
    for n, (o, i) in (("q", (Dk, D)), ("k", (Dk, D)), ("v", (Dk, D)), ("o", (D, Dk))):
        k = 1.0 / math.sqrt(i)
        P[n + ".weight"] = C.param(n + ".weight", C.uniform(-k, k, o, i))
        P[n + ".bias"] = C.param(n + ".bias", C.uniform(-k, k, o))
    m = C.input("key_padding_mask", _padding_mask(B, T, pads), grad=False)
    Q = F.linear(x, P["q.weight"], P["q.bias"])
    K = F.linear(x, P["k.weight"], P["k.bias"])
    V = F.linear(x, P["v.weight"], P["v.bias"])
    masked = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)[None] | m.bool()[:, None, :]
    scores = (Q @ K.transpose(-1, -2) / math.sqrt(Dk)).masked_fill(masked, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    y = F.linear(probs @ V, P["o.weight"], P["o.bias"])
    C.output("y", y)
    C.output("attn_probs", probs, grad=False)
    C.set_meta(op="single_head_attention", d_model=D, d_k=Dk, causal=True,
               formula="Q=x Wq^T+bq; K=x Wk^T+bk; V=x Wv^T+bv; S=Q K^T / sqrt(d_k) with -inf where key j > query i "
                       "or key j is padded; P=softmax(S); y=(P V) Wo^T+bo",
               key_padding_mask=f"input.key_padding_mask I64 [B,T], 1 = padded key; pads per batch element = "
                                f"{list(pads)} (key 0 never padded: no fully-masked row)",
               forward_only="out.attn_probs [B,T,T]")


# ============================================================================
# Optimisers and schedules
# ============================================================================
def _optim_trajectory(C, make_opt, hp, formula, **meta):
    """5 steps from the given gradients: param.w/b, input.grad_step{s}.*, out.param_step{s}.*, out.state.*."""
    w = C.param("w", C.randn(7, 13))
    b = C.param("b", C.randn(13))
    grads = []
    for s in range(1, 6):
        grads.append((C.input(f"grad_step{s}.w", C.randn(7, 13), grad=False),
                      C.input(f"grad_step{s}.b", C.randn(13), grad=False)))
    opt = make_opt(w, b)
    for s, (gw, gb) in enumerate(grads, 1):
        w.grad = gw.detach().clone()
        b.grad = gb.detach().clone()
        opt.step()
        C.output(f"param_step{s}.w", w, grad=False)
        C.output(f"param_step{s}.b", b, grad=False)
    for n, p in (("w", w), ("b", b)):
        st = opt.state[p]
        for sk in ("exp_avg", "exp_avg_sq", "momentum_buffer"):
            if sk in st and st[sk] is not None:
                C.output(f"state.{sk}.{n}", st[sk], grad=False)
    C.set_meta(op=f"optim.{type(opt).__name__}", steps=5, hyperparams=json.dumps(hp), formula=formula,
               layout="param.w/b = initial values; input.grad_step{s}.w/b = gradient given at step s "
                      "(s=1..5); out.param_step{s}.w/b = params after step s; out.state.* = optimizer "
                      "state after step 5", **meta)


@case("optim_sgd_dampening", "SGD lr 1e-2 momentum 0.9 dampening 0.1 weight_decay 1e-3, 5 steps")
def _sgd_damp(C):
    hp = dict(lr=1e-2, momentum=0.9, dampening=0.1, weight_decay=1e-3, nesterov=False)
    _optim_trajectory(C, lambda w, b: torch.optim.SGD([w, b], foreach=False, **hp), hp,
                      "g = g + wd*p; buf = g at step 1 (no dampening on the first step), else "
                      "buf = momentum*buf + (1-dampening)*g; p -= lr*buf")


@case("optim_adamw_groups", "AdamW with two param groups: w (lr 3e-3, wd 1e-2 = defaults) and b (lr 1e-2, wd 0), "
                            "5 steps")
def _adamw_groups(C):
    hp = dict(lr=3e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)
    groups = [dict(params=["w"]), dict(params=["b"], lr=1e-2, weight_decay=0.0)]

    def make(w, b):
        return torch.optim.AdamW([dict(params=[w]), dict(params=[b], lr=1e-2, weight_decay=0.0)], amsgrad=False,
                                 foreach=False, **hp)
    _optim_trajectory(C, make, hp,
                      "per group: t+=1; p *= (1 - lr*wd); m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; "
                      "p -= (lr / (1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps)",
                      param_groups=json.dumps(groups),
                      groups_note="param_groups: JSON list of groups, each naming its params (param.<name>) and "
                                  "overriding lr / weight_decay of hyperparams where given")


def _lr_trace(opt, step, n):
    lrs = []
    for e in range(n):
        if e > 0:
            step(e)
        lrs.append(opt.param_groups[0]["lr"])
    return torch.tensor(lrs, dtype=F64)


@case("lr_linear_warmup", "LinearLR(start_factor=0.1, end_factor=1.0, total_iters=6) from lr 3e-3, 25 values",
      primary=F64, selfcheck=False)
def _linear_lr(C):
    base, sf, ef, ti, n = 3e-3, 0.1, 1.0, 6, 25
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
    sch = torch.optim.lr_scheduler.LinearLR(opt, start_factor=sf, end_factor=ef, total_iters=ti)
    C.output("lr", _lr_trace(opt, lambda e: (opt.step(), sch.step()), n), grad=False)
    closed = [base * (sf + (ef - sf) * min(ti, e) / ti) for e in range(n)]
    C.output("lr_closed_form", torch.tensor(closed, dtype=F64), grad=False)
    C.set_meta(op="LinearLR", base_lr=base, start_factor=sf, end_factor=ef, total_iters=ti, steps=n,
               layout="out.lr[e] = optimizer lr after e calls of scheduler.step() (e = 0..24; lr[0] = base*start)",
               formula="closed form: base*(start + (end - start)*min(e, total_iters)/total_iters); PyTorch's "
                       "recursive get_lr() gives out.lr, equal to out.lr_closed_form up to float64 rounding",
               note="no random inputs in this case")


@case("lr_sequential_warmup_cosine", "SequentialLR([LinearLR(0.1, 1.0, 5), CosineAnnealingLR(T_max=15, "
                                     "eta_min=1e-4)], milestones=[5]) from lr 3e-3, 25 values",
      primary=F64, selfcheck=False)
def _seq_lr(C):
    base, sf, ti, tmax, eta, n = 3e-3, 0.1, 5, 15, 1e-4, 25
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=sf, end_factor=1.0, total_iters=ti)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=tmax, eta_min=eta)
    sch = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[ti])
    import warnings
    with warnings.catch_warnings():   # SequentialLR calls step(0) at the milestone (deprecated epoch argument)
        warnings.simplefilter("ignore")
        C.output("lr", _lr_trace(opt, lambda e: (opt.step(), sch.step()), n), grad=False)
    C.set_meta(op="SequentialLR", base_lr=base, steps=n, milestones=json.dumps([ti]),
               schedulers=json.dumps([dict(type="LinearLR", start_factor=sf, end_factor=1.0, total_iters=ti),
                                      dict(type="CosineAnnealingLR", T_max=tmax, eta_min=eta)]),
               layout="out.lr[e] = optimizer lr after e calls of SequentialLR.step() (e = 0..24)",
               formula="epochs 0..milestone-1: LinearLR (recursive); at the milestone CosineAnnealingLR.step(0) "
                       "(closed form, = base), then its recursive steps",
               note="no random inputs in this case")


def _plateau(hp):
    def fn(C):
        _plateau_case(C, hp)
    return fn


def _plateau_case(C, hp):
    base, n = 1e-2, 40
    # a loss that falls for 8 epochs and then plateaus with noise (some noisy epochs still count as better);
    # in mode max the same curve is negated (an accuracy-like metric that rises, then plateaus)
    e = torch.arange(n, dtype=F64)
    metrics = torch.clamp(1.0 - 0.1 * e, min=0.3) + 0.01 * C.raw_randn(n)
    if hp["mode"] == "max":
        metrics = -metrics
    metrics = C.input("metrics", metrics, grad=False)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
    sch = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **hp)
    lrs = [opt.param_groups[0]["lr"]]
    for i in range(n):
        opt.step()
        sch.step(float(metrics[i]))
        lrs.append(opt.param_groups[0]["lr"])
    C.output("lr", torch.tensor(lrs, dtype=F64), grad=False)
    C.set_meta(op="ReduceLROnPlateau", base_lr=base, steps=n, hyperparams=json.dumps(hp), **hp,
               layout="input.metrics[i] = metric passed to the i-th step(metric) (F64 [40]); out.lr[e] = "
                      "optimizer lr after e calls of step(metric) (e = 0..40; lr[0] = base)",
               formula="better if metric < best*(1 - threshold) (min, rel), < best - threshold (min, abs), "
                       "> best*(1 + threshold) (max, rel), > best + threshold (max, abs); after more than patience bad "
                       "epochs lr = max(lr*factor, min_lr) if the change exceeds eps, then cooldown epochs in "
                       "which bad epochs are not counted",
               reductions=str(sum(1 for a, b in zip(lrs, lrs[1:]) if b < a)))


register("lr_reduce_on_plateau",
         _plateau(dict(mode="min", factor=0.5, patience=2, threshold=1e-2, threshold_mode="rel", cooldown=1,
                       min_lr=2e-4, eps=1e-8)),
         "ReduceLROnPlateau(mode=min, factor=0.5, patience=2, threshold=1e-2 rel, cooldown=1, min_lr=2e-4) from lr "
         "1e-2 on a seeded metric sequence of 40 epochs", primary=F64, selfcheck=False)
register("lr_reduce_on_plateau_max_abs",
         _plateau(dict(mode="max", factor=0.3, patience=1, threshold=5e-3, threshold_mode="abs", cooldown=2,
                       min_lr=1e-4, eps=1e-8)),
         "ReduceLROnPlateau(mode=max, factor=0.3, patience=1, threshold=5e-3 abs, cooldown=2, min_lr=1e-4) from lr "
         "1e-2 on a seeded rising-then-flat metric sequence of 40 epochs", primary=F64, selfcheck=False)


# ----------------------------------------------------------------------------
# Driver (as gen_golden.py)
# ----------------------------------------------------------------------------
def case_seed(global_seed, name):
    return (global_seed * 1_000_003 + zlib.crc32(name.encode("utf-8"))) % (2 ** 63 - 1)


def run_case(cd, seed, quant, dt):
    s = case_seed(seed, cd.name)
    torch.manual_seed(s)
    C = Ctx(s, quant, dt)
    cd.fn(C)
    C.finish()
    return C


def kind_of(key):
    if key.startswith("grad.") and not key.startswith("grad_out."):
        return "grad"
    if key.startswith("out."):
        return "fwd"
    return "input"


def compare_to_ref(C32, C64, tol):
    worst = {"fwd": 0.0, "grad": 0.0}
    for key, a in C32.entries.items():
        b = C64.entries[key]
        k = kind_of(key)
        if a.dtype == I64:
            if not torch.equal(a, b):
                raise AssertionError(f"{key}: integer mismatch between f32 and f64 runs")
            continue
        a64 = a.to(F64)
        if k == "input":
            if not torch.equal(a64, b):
                raise AssertionError(f"{key}: inputs differ between f32 and f64 runs")
            continue
        rtol, atol = tol[k]
        r = ((a64 - b).abs() / (atol + rtol * b.abs())).max().item() if a.numel() else 0.0
        worst[k] = max(worst[k], r)
    return worst


CATEGORY_ORDER = ("input.", "param.", "grad_out.", "out.", "grad.")


def ordered_entries(entries):
    def cat(k):
        for i, p in enumerate(CATEGORY_ORDER):
            if k.startswith(p) and not (p == "grad." and k.startswith("grad_out.")):
                return i
        return len(CATEGORY_ORDER)
    keys = list(entries.keys())
    return sorted(keys, key=lambda k: (cat(k), keys.index(k)))


def fmt_tol(t):
    return f"rtol={t[0]:g} atol={t[1]:g}"


def shape_str(t):
    return "[" + ",".join(str(int(s)) for s in t.shape) + "]"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", default=None, help="comma-separated case names")
    ap.add_argument("--no-selfcheck", action="store_true", help="skip the float64 reference check")
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.set_default_dtype(torch.float32)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    only = set(args.only.split(",")) if args.only else None

    rows, total = [], 0
    for cd in CASES:
        if only and cd.name not in only:
            continue
        variants = [(cd.name, cd.primary)] + ([(cd.name + "_f64", F64)] if cd.extra_f64 else [])
        for fname, dt in variants:
            C = run_case(cd, args.seed, dt, dt)
            tol = dict(TOL_F32 if dt == F32 else TOL_F64)
            ratio = None
            if dt == F32 and cd.selfcheck and not args.no_selfcheck:
                ratio = compare_to_ref(C, run_case(cd, args.seed, F32, F64), tol)
                for k, r in ratio.items():
                    if r > 1.0:
                        raise AssertionError(f"{fname}: torch float32 {k} result exceeds the tolerance vs the "
                                             f"float64 reference (ratio {r:.3g})")
            keys = ordered_entries(C.entries)
            tensors = [(k, C.entries[k]) for k in keys]
            has_grad = any(kind_of(k) == "grad" for k in keys)
            meta = collections.OrderedDict()
            meta["format"] = FORMAT_VERSION
            meta["case"] = fname
            meta["description"] = cd.checks + (" [float64 variant]" if fname.endswith("_f64") else "")
            meta["dtype"] = ST_NAME[dt]
            meta["seed"] = str(args.seed)
            meta["case_seed"] = str(case_seed(args.seed, cd.name))
            meta["torch_version"] = torch.__version__
            meta["generator"] = GENERATOR
            meta.update(C.meta)
            if C.outs:
                meta["backward"] = ("grad.* = d(sum_k <out.k, grad_out.k>)/d(leaf) for every out.k that has a "
                                    "grad_out.k; scalar outputs use a random upstream scalar in [0.5,1.5)")
            meta["tol_forward"] = fmt_tol(tol["fwd"])
            if has_grad:
                meta["tol_grad"] = fmt_tol(tol["grad"])
            if ratio is not None:
                meta["f32_vs_f64_tol_ratio"] = f"fwd={ratio['fwd']:.3g}" + (
                    f" grad={ratio['grad']:.3g}" if has_grad else "")
            nbytes = write_safetensors(os.path.join(args.out, fname + ".safetensors"), tensors, meta)
            total += nbytes
            rows.append((fname, meta["description"], tensors, tol, has_grad, ratio))
            rs = "" if ratio is None else f"  f32/f64 ratio fwd={ratio['fwd']:.3g} grad={ratio['grad']:.3g}"
            print(f"{fname:40s} {nbytes:8d} B{rs}")

    if not only:
        lines = ["# Extra golden fixtures (nn module)", "",
                 f"Generated by `{GENERATOR} --seed {args.seed}` with torch {torch.__version__}. {len(rows)} files, "
                 f"{total} bytes. Same format and conventions as shared/golden (see tools/golden/README.md).", "",
                 "| file | what it checks | tensors (name dtype[shape]) | tolerances | f32 vs f64 ratio |",
                 "|---|---|---|---|---|"]
        for fname, desc, tensors, tol, has_grad, ratio in rows:
            tl = "<br>".join(f"`{k}` {ST_NAME[t.dtype]}{shape_str(t)}" for k, t in tensors)
            tols = f"fwd {fmt_tol(tol['fwd'])}" + (f"<br>grad {fmt_tol(tol['grad'])}" if has_grad else "")
            rs = "-" if ratio is None else f"fwd {ratio['fwd']:.2g}" + (
                f"<br>grad {ratio['grad']:.2g}" if has_grad else "")
            lines.append(f"| `{fname}.safetensors` | {desc} | {tl} | {tols} | {rs} |")
        with open(os.path.join(args.out, "INDEX.md"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{len(rows)} files, {total} bytes -> {args.out}")


if __name__ == "__main__":
    main()
