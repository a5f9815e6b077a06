"""Quality per step against the peers, on nanoGPT's CPU "baby GPT" recipe (Tiny Shakespeare, char level).

    python benchmarks/quality.py                                   # kit, llama, hf (if installed); 3 seeds; 2000 steps
    NANOGPT_DIR=/path/to/nanoGPT python benchmarks/quality.py      # + nanoGPT (data/shakespeare_char prepared)
    python benchmarks/quality.py --systems kit,kit+fp32,kit+nobias --seeds 0,1,2   # one factor at a time
    python benchmarks/quality.py --steps 20 --seeds 0 --systems kit --curve 10 --max-windows 256   # a smoke run (CI)
    python benchmarks/quality.py --report-only --resume runs.jsonl --systems kit,hf   # tables from --json records

Systems (comma-separated in `--systems`):
  kit       the kit's `tiny_shakespeare` experiment (`baseline_decoder`: nanoGPT's architecture, with biases)
  llama     the same recipe with the kit's `llama` model of the same width/depth/heads
  nanogpt   nanoGPT's own train.py (needs NANOGPT_DIR), unmodified; seed k is torch.manual_seed(1337 + k)
  hf        transformers' Trainer with a GPT2LMHeadModel of the same shape (biases, exact GELU), the same AdamW,
            cosine-with-min-lr schedule, clipping, batch and steps, fed the kit's training windows for that seed
  kit+V1+V2 the kit with factor variants applied (see VARIANTS), e.g. kit+fp32, kit+nobias+tanh_gelu

One harness scores every model: fp32 forward passes over the kit's validation split (the last 10% of the char token
stream), cut into non-overlapping windows of 64 targets (65 tokens), every target weighted equally; intermediate models
are scored the same way at the `--curve` steps (and the final one at `--steps`). Every training run is a fresh
subprocess; the systems alternate (the order reverses every seed) so that the tokens/s ratios (kit / peer, steady
state, median over seeds) come from the same invocation. Not a test: a measurement script (minutes).
"""
import argparse
import hashlib
import json
import math
import os
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH, SEQ, STEPS = 12, 64, 2000
TOKENS_PER_STEP = BATCH * SEQ
WARMUP_STEPS = 20  # steady-state timing: steps after this many
MAX_WINDOWS = 0  # score only the first this many validation windows (0: all; smoke runs only)
VARIANTS = {  # kit factor variants, one factor each (applied in the kit's child process)
    "fp32": "train.precision = fp32 (no bf16 autocast)",
    "bias": "model.bias = True (biases in linear layers and LayerNorms, as GPT-2 / HF; the recipe's default now)",
    "nobias": "model.bias = False (nanoGPT's default; the recipe before this benchmark)",
    "tanh_gelu": "tanh-approximated GELU (HF's gelu_new) instead of the exact one",
    "replacement": "training windows drawn at random with replacement (nanoGPT's get_batch), not a shuffled epoch",
    "noclip": "train.grad_clip = 0 (no gradient clipping)",
    "hf_warmup": "warmup lr = lr * step / warmup (HF's formula; starts at 0) instead of lr * (step + 1) / (warmup + 1)",
    "wd_noemb": "no weight decay on the embeddings (decay only the linear weights)",
    "sdpa": "PyTorch's fused attention (SDPA) in bf16 instead of the kit's explicit bf16 CPU attention path",
    "wd0": "train.weight_decay = 0",
    "attn_fp32": "bf16 autocast, but the attention softmax in fp32 (scores from the bf16 matmul, weights cast back)",
    "head_fp32": "bf16 autocast, but the output head (logits) computed in fp32",
}


# ---------------------------------------------------------------------------------------------------- the harness
def kit_data(seed: int = 0, steps: int = STEPS):
    "The kit's prepared data for the `tiny_shakespeare` experiment: (tokenizer, train loader for `seed`, val tokens)."
    from baseline_kit.preparation import prepare_data
    with tempfile.TemporaryDirectory() as root:
        data = prepare_data(experiment(root, steps, "baseline_decoder", seed))
    return data.tokenizer, data.train, data.val.tokens.to_tensor()


def fingerprint(tokens) -> str: return hashlib.sha256(tokens.long().numpy().tobytes()).hexdigest()[:16]


def score(logits_fn, val_tokens, seq_len: int = SEQ, batch: int = 128) -> dict:
    "Mean next-token cross-entropy (fp32) of `logits_fn(inputs) -> (B, T, V)` over non-overlapping windows."
    import torch
    import torch.nn.functional as F
    starts = torch.arange(0, len(val_tokens) - seq_len, seq_len)  # every full window of seq_len + 1 tokens
    if MAX_WINDOWS: starts = starts[:MAX_WINDOWS]
    offsets = torch.arange(seq_len + 1)
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(starts), batch):
            windows = val_tokens[starts[i:i + batch, None] + offsets]
            logits = logits_fn(windows[:, :-1].contiguous()).float()
            targets = windows[:, 1:].reshape(-1)
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets, reduction="sum").item()
            count += windows[:, 1:].numel()
    return {"loss": total / count, "targets": count, "windows": len(starts), "val_sha": fingerprint(val_tokens)}


def score_module(model, logits_fn, val_tokens) -> dict:
    "`score` with `model` in eval mode, fp32, no autocast; restores its training mode."
    was_training = model.training
    model.eval()
    try: return score(logits_fn, val_tokens)
    finally: model.train(was_training)


# ---------------------------------------------------------------------------------------------------- the kit
def experiment(root: str, steps: int, model: str, seed: int):
    "The `tiny_shakespeare` experiment for `steps` steps and `seed`, in `root`, without samples or extra checkpoints."
    from dataclasses import replace
    from baseline_kit.config import LlamaDecoderConfig
    from baseline_kit.experiments import get_experiment
    config = get_experiment("tiny_shakespeare")
    assert (config.train.batch_size, config.train.seq_len) == (BATCH, SEQ)
    model_config = (config.model if model == "baseline_decoder"
                    else LlamaDecoderConfig(d_model=128, n_heads=4, layers=4, dropout=0.0))
    run = replace(config.run, name="quality", artifacts_root=root, device="cpu", overwrite=True, seed=seed,
                  checkpoint_every_n_steps=max(steps, 1))
    return replace(config, run=run,
                   model=model_config, train=replace(config.train, max_steps=steps, eval_interval=max(steps, 1),
                                                     sample_tokens=0, live_plot=False))


def apply_variants(config, variants: list):
    "Apply the kit factor `variants` (names in VARIANTS) to `config`; a factor that is code is patched in this process."
    from dataclasses import replace
    import torch
    import torch.nn.functional as F
    import baseline_kit.optimization as ko
    import baseline_kit.train as kt
    from baseline_kit.models import baseline_decoder as bd
    for v in variants:
        if v not in VARIANTS: raise SystemExit(f"unknown variant {v!r}; known: {', '.join(VARIANTS)}")
        if v == "fp32": config = replace(config, train=replace(config.train, precision="fp32"))
        elif v == "bias": config = replace(config, model=replace(config.model, bias=True))
        elif v == "nobias": config = replace(config, model=replace(config.model, bias=False))
        elif v == "noclip": config = replace(config, train=replace(config.train, grad_clip=0.0))
        elif v == "wd0": config = replace(config, train=replace(config.train, weight_decay=0.0))
        elif v == "tanh_gelu":
            bd.MLP.forward = lambda self, x: self.dropout(self.proj(F.gelu(self.up(x), approximate="tanh")))
        elif v == "hf_warmup":
            original = ko.WarmupCosine.__call__
            ko.WarmupCosine.__call__ = lambda self, step: (step / max(1, self.warmup_steps) if step < self.warmup_steps
                                                           else original(self, step))
        elif v == "wd_noemb":
            def build_optimizer(model, tc, device):
                params = [p for p in model.parameters() if p.requires_grad]
                embeddings = {id(m.weight) for m in model.modules() if isinstance(m, torch.nn.Embedding)}
                decay = [p for p in params if p.dim() >= 2 and id(p) not in embeddings]
                rest = [p for p in params if not (p.dim() >= 2 and id(p) not in embeddings)]
                return torch.optim.AdamW([{"params": decay, "weight_decay": tc.weight_decay},
                                          {"params": rest, "weight_decay": 0.0}], lr=tc.learning_rate,
                                         betas=(tc.beta1, tc.beta2), foreach=True)
            kt.build_optimizer = build_optimizer
        elif v == "sdpa":
            bd.attend = lambda q, k, v, attn_mask=None, is_causal=False, dropout_p=0.0: F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, is_causal=is_causal, dropout_p=dropout_p)
        elif v == "attn_fp32":
            def attend(q, k, v, attn_mask=None, is_causal=False, dropout_p=0.0):
                if q.dtype not in (torch.bfloat16, torch.float16):
                    return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, is_causal=is_causal)
                scores = (q @ k.transpose(-2, -1)).float() * q.shape[-1] ** -0.5
                if is_causal: attn_mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
                if attn_mask is not None: scores = scores.masked_fill(~attn_mask, float("-inf"))
                return scores.softmax(-1).to(v.dtype) @ v
            bd.attend = attend
        elif v == "head_fp32":
            build = bd.DecoderAdapter.build
            def build_with_fp32_head(self, cfg, vocab_size, seq_len):
                model = build(self, cfg, vocab_size, seq_len)
                def head(x):
                    with torch.autocast("cpu", enabled=False): return F.linear(x.float(), model.head.weight)
                model.head.forward = head
                return model
            bd.DecoderAdapter.build = build_with_fp32_head
            # with targets the model computes its loss from the head's weight, not through `head`
            loss = bd.linear_cross_entropy
            def fp32_loss(hidden, weight, targets, bias=None):
                with torch.autocast("cpu", enabled=False): return loss(hidden.float(), weight.float(), targets, bias)
            bd.linear_cross_entropy = fp32_loss
    return config


def with_replacement(loader, seed: int):
    "Make the training `loader` draw `batch_size` random windows with replacement per batch (nanoGPT's get_batch)."
    import torch
    generator = torch.Generator().manual_seed(seed)
    def batch(epoch, index):
        starts = torch.randint(loader.num_windows, (loader.batch_size,), generator=generator).numpy() * loader.stride
        windows = torch.from_numpy(loader.tokens.take(starts[:, None] + loader.offsets))
        return windows[:, :-1], windows[:, 1:]
    loader.batch = batch


def kit_child(args):
    "Train the kit (or a variant) once in this process; print one RESULT line."
    import torch
    import baseline_kit.train as kt
    from baseline_kit.callbacks import Callback
    name, *variants = args.system.split("+")
    model = "baseline_decoder" if name == "kit" else "llama"
    curve, scores = set(args.curve_steps), {}
    with tempfile.TemporaryDirectory() as root:
        config = apply_variants(experiment(root, args.steps, model, args.seed), variants)
        val_tokens = None

        class Probe(Callback):
            def on_train_begin(self, run):
                nonlocal val_tokens
                val_tokens = run.data.val.tokens.to_tensor()
                if "replacement" in variants: with_replacement(run.data.train, args.seed)
            def on_step_end(self, run):
                if run.step in curve or run.step == run.total_steps:
                    scores[run.step] = score_module(run.model, lambda x: run.model(x)[0], val_tokens)

        result = kt.model_pipeline(config, callbacks=[Probe()])
    logs = [r for r in result.history if "train/tokens_per_sec" in r]
    steady = [r["train/tokens_per_sec"] for r in logs if r["step"] - config.train.log_interval >= WARMUP_STEPS] or \
             [r["train/tokens_per_sec"] for r in logs]
    tps = statistics.median(steady)
    emit_result(args, scores, tps, {"precision": str(kt.autocast_dtype(torch.device("cpu"), config.train.precision))})


def emit_result(args, scores: dict, tokens_per_sec: float, extra: dict = None):
    final = scores[max(scores)]
    out = {"system": args.system, "seed": args.seed, "steps": args.steps, "loss": final["loss"],
           "curve": {str(k): v["loss"] for k, v in sorted(scores.items())}, "targets": final["targets"],
           "windows": final["windows"], "val_sha": final["val_sha"], "tokens_per_sec": tokens_per_sec,
           "ms_per_step": 1000 * TOKENS_PER_STEP / tokens_per_sec, **(extra or {})}
    print("RESULT " + json.dumps(out), flush=True)


# ---------------------------------------------------------------------------------------------------- nanoGPT
def nanogpt_child(args):
    "Run nanoGPT's train.py (unmodified) in this process, keep its checkpoints at the curve steps, score them."
    import numpy as np
    import runpy
    import torch
    nanogpt_dir = Path(os.environ["NANOGPT_DIR"]).resolve()
    tokenizer, _, val_tokens = kit_data(args.seed, args.steps)
    data_dir = nanogpt_dir / "data" / "shakespeare_char"
    meta = pickle.loads((data_dir / "meta.pkl").read_bytes())
    same_vocab = [meta["itos"][i] for i in range(meta["vocab_size"])] == tokenizer.chars
    same_val = np.array_equal(np.fromfile(data_dir / "val.bin", dtype=np.uint16).astype(np.int64), val_tokens.numpy())
    if not (same_vocab and same_val):
        raise SystemExit(f"nanoGPT's data differs from the kit's: same vocab {same_vocab}, same val tokens {same_val}")
    out_dir = tempfile.mkdtemp(prefix="nanogpt-quality-")
    eval_interval = math.gcd(*args.curve_steps, args.steps)
    saved, save, manual_seed = [], torch.save, torch.manual_seed
    def save_per_step(obj, f, *a, **k):  # nanoGPT overwrites ckpt.pt at every eval; keep one file per step
        if isinstance(obj, dict) and "iter_num" in obj:
            f = os.path.join(out_dir, f"ckpt_{obj['iter_num']}.pt"); saved.append((obj["iter_num"], f))
        return save(obj, f, *a, **k)
    torch.save = save_per_step
    torch.manual_seed = lambda s: manual_seed(s + args.seed)  # train.py seeds 1337 + rank: seed k -> 1337 + k
    sys.argv = ["train.py", "config/train_shakespeare_char.py", "--device=cpu", "--compile=False", "--dtype=float32",
                "--eval_iters=20", "--log_interval=1", f"--eval_interval={eval_interval}",
                "--always_save_checkpoint=True", f"--block_size={SEQ}", f"--batch_size={BATCH}", "--n_layer=4",
                "--n_head=4", "--n_embd=128", "--dropout=0.0",
                f"--max_iters={args.steps}", f"--lr_decay_iters={args.steps}", f"--out_dir={out_dir}"]
    cwd = os.getcwd(); os.chdir(nanogpt_dir); sys.path.insert(0, str(nanogpt_dir))
    try: runpy.run_path("train.py", run_name="__main__")
    finally: os.chdir(cwd); torch.save, torch.manual_seed = save, manual_seed
    from model import GPT, GPTConfig
    scores = {}
    for step, path in saved:
        if step not in args.curve_steps and step != args.steps: continue
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
        model = GPT(GPTConfig(**checkpoint["model_args"]))
        model.load_state_dict(checkpoint["model"])
        # called with targets, nanoGPT's forward returns the logits at every position
        scores[step] = score_module(model, lambda x: model(x, x)[0], val_tokens)
    print(f"nanoGPT data matches the kit's split: vocab {same_vocab}, val tokens {same_val}", flush=True)
    emit_result(args, scores, float("nan"), {"precision": "fp32"})  # the parent reads tokens/s from train.py's log


def nanogpt_tokens_per_sec(stdout: str, eval_interval: int) -> float:
    "Median steady-state iteration time from train.py's log (iterations that also evaluated are excluded)."
    times = [(int(i), float(ms)) for i, ms in re.findall(r"iter (\d+): loss [\d.]+, time ([\d.]+)ms", stdout)]
    steady = [ms for i, ms in times if i > WARMUP_STEPS and i % eval_interval != 0] or [ms for _, ms in times]
    return 1000 * TOKENS_PER_STEP / statistics.median(steady)


# ---------------------------------------------------------------------------------------------------- HF Trainer
def hf_child(args):
    "transformers' Trainer with a GPT2LMHeadModel of the kit's shape on the kit's training windows for this seed."
    import torch
    import torch.nn.functional as F
    from transformers import GPT2Config, GPT2LMHeadModel, Trainer, TrainerCallback, TrainingArguments, set_seed
    tokenizer, loader, val_tokens = kit_data(args.seed, args.steps)
    steps, curve = args.steps, set(args.curve_steps)

    class KitWindows(torch.utils.data.IterableDataset):
        "The kit's training windows for this seed, in the kit's order: batch `s` is the kit's batch at step `s`."
        def __iter__(self):
            for step in range(steps):
                x, y = loader.batch(*divmod(step, len(loader)))
                for i in range(len(x)): yield {"input_ids": x[i], "labels": y[i]}

    class WindowTrainer(Trainer):
        "Loss on the window's own 64 targets (GPT2's built-in shift would leave 63 of 64)."
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            logits = model(input_ids=inputs["input_ids"]).logits
            loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), inputs["labels"].reshape(-1))
            return (loss, logits) if return_outputs else loss

    scores, intervals = {}, []

    class Probe(TrainerCallback):
        last = None
        def on_step_end(self, targs, state, control, model=None, **kwargs):
            now = time.perf_counter()
            if self.last is not None: intervals.append((state.global_step, now - self.last))
            if state.global_step in curve or state.global_step == steps:
                scores[state.global_step] = score_module(model, lambda x: model(input_ids=x).logits, val_tokens)
            self.last = time.perf_counter()

    set_seed(args.seed)
    config = GPT2Config(vocab_size=tokenizer.vocab_size, n_positions=SEQ, n_embd=128, n_layer=4, n_head=4,
                        activation_function="gelu", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(config)
    targs = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="hf-quality-"), max_steps=steps,
                              per_device_train_batch_size=BATCH, learning_rate=1e-3,
                              lr_scheduler_type="cosine_with_min_lr", lr_scheduler_kwargs={"min_lr": 1e-4},
                              warmup_steps=100, weight_decay=0.1, adam_beta1=0.9, adam_beta2=0.99, max_grad_norm=1.0,
                              optim="adamw_torch", seed=args.seed, use_cpu=True, save_strategy="no", report_to="none",
                              logging_steps=max(1, steps // 4), disable_tqdm=True, dataloader_num_workers=0)
    WindowTrainer(model=model, args=targs, train_dataset=KitWindows(), callbacks=[Probe()]).train()
    steady = [s for step, s in intervals if step > WARMUP_STEPS and step - 1 not in curve] or [s for _, s in intervals]
    emit_result(args, scores, TOKENS_PER_STEP / statistics.median(steady), {"precision": "fp32"})


# ---------------------------------------------------------------------------------------------------- the parent
def run_system(args, system: str, seed: int) -> dict:
    "Train and score `system` for `seed` in a fresh subprocess; its RESULT record."
    cmd = [sys.executable, __file__, "--child", "--system", system, "--seed", str(seed), "--steps", str(args.steps),
           "--curve", ",".join(map(str, args.curve_steps)), "--threads", str(args.threads),
           "--max-windows", str(args.max_windows)]
    env = {**os.environ, "BASELINE_KIT_PROGRESS": "0", "TOKENIZERS_PARALLELISM": "false"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if proc.returncode or line is None:
        raise SystemExit(f"{system} seed {seed} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    record = json.loads(line[len("RESULT "):])
    if system == "nanogpt":
        record["tokens_per_sec"] = nanogpt_tokens_per_sec(proc.stdout, math.gcd(*args.curve_steps, args.steps))
        record["ms_per_step"] = 1000 * TOKENS_PER_STEP / record["tokens_per_sec"]
    record["wall_s"] = time.perf_counter() - start
    return record


def welch(a: list, b: list) -> tuple:
    "Welch's t-test of the means of `a` and `b`: (t, two-sided p). NaN when a group has fewer than 2 values."
    if len(a) < 2 or len(b) < 2: return float("nan"), float("nan")
    try:
        from scipy.stats import ttest_ind
        r = ttest_ind(a, b, equal_var=False)
        return float(r.statistic), float(r.pvalue)
    except ImportError: pass
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    if va + vb == 0: return float("nan"), float("nan")
    t = (statistics.mean(a) - statistics.mean(b)) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    return t, incomplete_beta(df / 2, 0.5, df / (df + t * t))  # two-sided p of Student's t with df degrees of freedom


def incomplete_beta(a: float, b: float, x: float) -> float:
    "Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes' betacf)."
    if x <= 0 or x >= 1: return float(x >= 1)
    if x > (a + 1) / (a + b + 2): return 1 - incomplete_beta(b, a, 1 - x)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)) / a
    c, d, f = 1.0, 1 - (a + b) * x / (a + 1), 0.0
    d = 1 / (d if abs(d) > 1e-300 else 1e-300); f = d
    for m in range(1, 300):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        for num in (even, odd):
            d = 1 + num * d; d = 1 / (d if abs(d) > 1e-300 else 1e-300)
            c = 1 + num / c; c = c if abs(c) > 1e-300 else 1e-300
            f *= c * d
        if abs(c * d - 1) < 1e-12: break
    return front * f


def summarize(records: list, steps: int, curve_steps: list, reference: str = "kit", partial: bool = False):
    "Print mean ± std per system, the reference's difference to each system with Welch's p, curves and speed ratios."
    systems = list(dict.fromkeys(r["system"] for r in records))
    by = {s: [r for r in records if r["system"] == s] for s in systems}
    ref = reference if reference in by else systems[0]
    shas = {(r["val_sha"], r["targets"]) for r in records}
    first = records[0]
    split = f"the first {first['windows']} windows of the validation split" if partial else "full validation split"
    print(f"\n== validation loss at {steps} steps, one harness: fp32, {split}, non-overlapping windows "
          f"of {SEQ} targets ({first['windows']} windows, {first['targets']} targets, val sha {first['val_sha']}); "
          f"identical for every run: {len(shas) == 1}")
    print(f"reference: {ref}")
    print(f"{'system':26s} {'seeds':>5s} {'mean':>7s} {'std':>7s}   {'ref - system':>12s} {'p (Welch)':>9s}  "
          f"{'tokens/s':>8s} {'ref/system':>10s}  per seed")
    ref_tps = {r["seed"]: r["tokens_per_sec"] for r in by[ref]}
    for s in systems:
        losses = [r["loss"] for r in by[s]]
        mean, std = statistics.mean(losses), statistics.stdev(losses) if len(losses) > 1 else float("nan")
        ratios = [ref_tps[r["seed"]] / r["tokens_per_sec"] for r in by[s] if r["seed"] in ref_tps]
        ratio = statistics.median(ratios) if ratios else float("nan")
        if s == ref: diff, p = "", ""
        else:
            _, pv = welch([r["loss"] for r in by[ref]], losses)
            diff, p = f"{statistics.mean(r['loss'] for r in by[ref]) - mean:+.4f}", f"{pv:.3f}"
        tps = statistics.median(r["tokens_per_sec"] for r in by[s])
        print(f"{s:26s} {len(losses):5d} {mean:7.4f} {std:7.4f}   {diff:>12s} {p:>9s}  {tps:8.0f} {ratio:9.2f}x  "
              + ", ".join(f"{r['seed']}: {r['loss']:.4f}" for r in by[s]))
    points = [str(k) for k in sorted(set(curve_steps) | {steps})]
    print(f"\n== loss curves (mean over seeds, same harness) at steps {', '.join(points)}")
    print(f"{'system':26s} " + " ".join(f"{p:>7s}" for p in points))
    for s in systems:
        cells = []
        for p in points:
            values = [r["curve"][p] for r in by[s] if p in r["curve"]]
            cells.append(f"{statistics.mean(values):7.4f}" if values else f"{'-':>7s}")
        print(f"{s:26s} " + " ".join(cells))


def main(args):
    systems = args.systems.split(",") if args.systems else default_systems()
    if "nanogpt" in systems and not os.environ.get("NANOGPT_DIR") and not args.report_only:
        raise SystemExit("nanogpt needs NANOGPT_DIR")
    records = [json.loads(line) for path in (args.resume.split(",") if args.resume else [])
               for line in Path(path).read_text().splitlines() if line.strip()]
    records = [r for r in records if r["system"] in systems and r["seed"] in args.seeds and r["steps"] == args.steps]
    done = {(r["system"], r["seed"]) for r in records}
    print(f"systems {', '.join(systems)}; seeds {', '.join(map(str, args.seeds))}; {args.steps} steps; "
          f"curve at {', '.join(map(str, args.curve_steps))}", flush=True)
    for n, seed in enumerate(args.seeds):
        for system in (systems if n % 2 == 0 else systems[::-1]):  # alternate the order: drift hits every system alike
            if (system, seed) in done or args.report_only: continue
            r = run_system(args, system, seed)
            records.append(r)
            print(f"  seed {seed} {system:22s} loss {r['loss']:.4f}  {r['tokens_per_sec']:7.0f} tokens/s "
                  f"({r['ms_per_step']:.2f} ms/step)  curve {r['curve']}  [{r['wall_s']:.0f} s]", flush=True)
            if args.json:
                with open(args.json, "a") as f: f.write(json.dumps(r) + "\n")
    summarize(records, args.steps, args.curve_steps, args.reference, partial=bool(args.max_windows))


def default_systems() -> list:
    systems = ["kit", "llama"] + (["nanogpt"] if os.environ.get("NANOGPT_DIR") else [])
    try:
        import transformers  # noqa: F401
        systems.append("hf")
    except ImportError: print("(transformers is not installed: no hf system)")
    return systems


def child(args):
    global MAX_WINDOWS
    os.environ.setdefault("BASELINE_KIT_PROGRESS", "0")
    MAX_WINDOWS = args.max_windows
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    name = args.system.split("+")[0]
    if name in ("kit", "llama"): kit_child(args)
    elif name == "nanogpt": nanogpt_child(args)
    elif name == "hf": hf_child(args)
    else: raise SystemExit(f"unknown system {args.system!r}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", help="comma-separated: kit, llama, nanogpt, hf, kit+VARIANT... "
                                          "(default: kit, llama, nanogpt if NANOGPT_DIR, hf if transformers)")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds")
    parser.add_argument("--steps", type=int, default=STEPS, help="optimizer steps (the schedule decays over these)")
    parser.add_argument("--curve", default="500,1000,1500", help="also score the models at these steps")
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads in every run (0: default)")
    parser.add_argument("--max-windows", type=int, default=0,
                        help="score only the first N validation windows (0: the full split; for smoke runs)")
    parser.add_argument("--json", help="append every run's record (one JSON line) to this file")
    parser.add_argument("--resume", help="--json files (comma-separated) of earlier runs: skip those (system, seed) "
                                         "and include them")
    parser.add_argument("--reference", default="kit", help="the system the others are compared with (default: kit)")
    parser.add_argument("--report-only", action="store_true", help="only summarize the --resume records; train nothing")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--system", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",") if s]
    args.curve_steps = [int(s) for s in args.curve.split(",") if s and int(s) < args.steps]
    child(args) if args.child else main(args)
