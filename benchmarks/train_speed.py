"""Training speed and quality of the kit on nanoGPT's CPU "baby GPT" recipe (tiny Shakespeare, char level).

    python benchmarks/train_speed.py                      # both models, 2000 steps: tokens/s, val loss, data prep, overhead, import
    python benchmarks/train_speed.py --steps 300 --skip-eval
    NANOGPT_DIR=/path/to/nanoGPT python benchmarks/train_speed.py --steps 300 --skip-eval   # + ratio to nanoGPT

Not a test: a measurement script. Every training run is a fresh subprocess. With `NANOGPT_DIR` set (a nanoGPT
checkout whose `data/shakespeare_char` has been prepared), the kit and nanoGPT's `train.py` run alternately
(`--pairs` pairs) and the median tokens/s ratio is reported; on a small shared CPU timings drift by tens of percent,
so only numbers from the same invocation should be compared.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH, SEQ = 12, 64
TOKENS_PER_STEP = BATCH * SEQ
WARMUP_STEPS = 20  # steady state: windows/iterations after this many steps (compile, allocator and cache warm-up)
TARGETS = {"speed_ratio": 1.25, "val_loss": 1.88, "data_prep_s": 2.0, "non_model_pct": 5.0, "import_s": 1.0}


def experiment(root: str, steps: int, model: str, compile: bool, precision: str):
    "The `tiny_shakespeare` experiment (nanoGPT's CPU recipe) for `steps` steps, in `root`, without samples or extra checkpoints."
    from dataclasses import replace
    from baseline_kit.config import LlamaDecoderConfig
    from baseline_kit.experiments import get_experiment
    config = get_experiment("tiny_shakespeare")  # data from $BASELINE_KIT_CACHE, downloaded there if missing
    model_config = config.model if model == "baseline_decoder" else LlamaDecoderConfig(d_model=128, n_heads=4, layers=4, dropout=0.0)
    assert (config.train.batch_size, config.train.seq_len) == (BATCH, SEQ)
    run = replace(config.run, name="bench", artifacts_root=root, device="cpu", overwrite=True,
                  checkpoint_every_n_steps=max(steps, 1))
    return replace(config, run=run, model=model_config,
                   train=replace(config.train, max_steps=steps, sample_tokens=0, live_plot=False,
                                 compile=compile, precision=precision))


def child(args):
    "Train once in this process and print one JSON line of measurements (run by the parent in a subprocess)."
    os.environ.setdefault("BASELINE_KIT_PROGRESS", "0")
    import torch
    if args.threads: torch.set_num_threads(args.threads)
    from baseline_kit.preparation import prepare_data
    from baseline_kit.train import model_pipeline
    with tempfile.TemporaryDirectory() as root:
        config = experiment(root, args.steps, args.models, args.compile, args.precision)
        prep = prepare_data(config).seconds  # the same preparation model_pipeline does, timed on its own
        start = time.perf_counter()
        result = model_pipeline(config)
        wall = time.perf_counter() - start
        logs = [r for r in result.history if "train/tokens_per_sec" in r]
        steady = [r["train/tokens_per_sec"] for r in logs if r["step"] - args.log_interval >= WARMUP_STEPS]
        first = [r for r in logs if r["step"] <= WARMUP_STEPS]
        # time of the first WARMUP_STEPS steps beyond what steady state would take: compile and warm-up overhead
        tps = statistics.median(steady) if steady else float("nan")
        first_s = sum(10 * TOKENS_PER_STEP / r["train/tokens_per_sec"] for r in first)
        warmup_overhead = first_s - len(first) * 10 * TOKENS_PER_STEP / tps
        timing = result.timing
        total = sum(timing.values())
        out = {"tokens_per_sec": tps, "ms_per_step": 1000 * TOKENS_PER_STEP / tps, "warmup_overhead_s": warmup_overhead,
               "data_prep_s": prep, "non_model_pct": 100 * (timing["data"] + timing["other"]) / total,
               "timing": timing, "wall_s": wall, "train_loss": result.last("train/loss"), "val_loss_20_batches": result.last("val/loss")}
        if not args.skip_eval:
            from baseline_kit.inference import evaluate_run
            full = evaluate_run(result.run_dir, device="cpu")
            out["val_loss"], out["val_eval"] = full["loss"], "full validation split (inference.evaluate_run)"
    print("RESULT " + json.dumps(out), flush=True)


def run_ours(args, model: str, steps: int, skip_eval: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", "--steps", str(steps), "--models", model, "--precision", args.precision,
           "--threads", str(args.threads)] + (["--compile"] if args.compile else []) + (["--skip-eval"] if skip_eval else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "BASELINE_KIT_PROGRESS": "0"})
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if proc.returncode or line is None: raise SystemExit(f"kit run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def run_nanogpt(nanogpt_dir: str, steps: int) -> dict:
    "nanoGPT's CPU recipe for `steps` iterations; the median of its per-iteration times (warm-up and eval iterations excluded)."
    cmd = [sys.executable, "train.py", "config/train_shakespeare_char.py", "--device=cpu", "--compile=False", "--eval_iters=20",
           "--log_interval=1", f"--block_size={SEQ}", f"--batch_size={BATCH}", "--n_layer=4", "--n_head=4", "--n_embd=128",
           f"--max_iters={steps}", "--lr_decay_iters=2000", "--dropout=0.0", f"--out_dir={tempfile.mkdtemp(prefix='nanogpt-out-')}"]
    proc = subprocess.run(cmd, cwd=nanogpt_dir, capture_output=True, text=True)
    if proc.returncode: raise SystemExit(f"nanoGPT run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    times = [(int(i), float(ms)) for i, ms in re.findall(r"iter (\d+): loss [\d.]+, time ([\d.]+)ms", proc.stdout)]
    steady = [ms for i, ms in times if i > WARMUP_STEPS and i % 250 != 0]  # iterations that also ran an evaluation are excluded
    ms = statistics.median(steady)
    vals = re.findall(r"step (\d+): train loss [\d.]+, val loss ([\d.]+)", proc.stdout)
    return {"ms_per_step": ms, "tokens_per_sec": 1000 * TOKENS_PER_STEP / ms, "val_loss_20_batches": float(vals[-1][1]) if vals else None}


def import_seconds(module: str = "baseline_kit", repeats: int = 3) -> float:
    "Best of `repeats` fresh-interpreter import times of `module`."
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(repeats))


def verdict(ok: bool) -> str: return "PASS" if ok else "FAIL"


def speed_pairs(args, model: str, nanogpt_dir: str) -> dict:
    "Alternate kit and nanoGPT runs (`args.pairs` pairs, order swapped every pair); median tokens/s ratio."
    print(f"[{model}] alternating kit / nanoGPT, {args.pairs} pairs of {args.pair_steps} steps ...", flush=True)
    ours, theirs = [], []
    for pair in range(args.pairs):
        for who in (("kit", "nanogpt") if pair % 2 == 0 else ("nanogpt", "kit")):
            r = run_ours(args, model, args.pair_steps, skip_eval=True) if who == "kit" else run_nanogpt(nanogpt_dir, args.pair_steps)
            (ours if who == "kit" else theirs).append(r)
            print(f"  pair {pair + 1} {who:8s} {r['ms_per_step']:6.2f} ms/step  {r['tokens_per_sec']:8.0f} tokens/s", flush=True)
    ratios = [o["tokens_per_sec"] / t["tokens_per_sec"] for o, t in zip(ours, theirs)]
    return {"nanogpt_ms": statistics.median(t["ms_per_step"] for t in theirs), "kit_ms": statistics.median(o["ms_per_step"] for o in ours),
            "ratios": ratios, "speed_ratio": statistics.median(ratios)}


def report(model: str, steps: int, pairs: dict, run: dict):
    "Print one model's results against the targets."
    print(f"\n== {model} ==")
    if pairs:
        print(f"speed vs nanoGPT: median ratio {pairs['speed_ratio']:.2f}x (pairs {', '.join(f'{r:.2f}' for r in pairs['ratios'])}; "
              f"nanoGPT {pairs['nanogpt_ms']:.2f} ms/step, kit {pairs['kit_ms']:.2f} ms/step)  "
              f"[target >= {TARGETS['speed_ratio']}x] {verdict(pairs['speed_ratio'] >= TARGETS['speed_ratio'])}")
    if not run: return
    print(f"tokens/s (steady state, steps > {WARMUP_STEPS}): {run['tokens_per_sec']:.0f} ({run['ms_per_step']:.2f} ms/step); "
          f"warm-up/compile overhead {run['warmup_overhead_s']:.1f} s; run wall time {run['wall_s']:.1f} s")
    if "val_loss" in run:
        ok = run["val_loss"] <= TARGETS["val_loss"] if steps >= 2000 else None
        print(f"val loss at {steps} steps ({run['val_eval']}): {run['val_loss']:.4f}  [target <= {TARGETS['val_loss']} at 2000 steps] "
              f"{verdict(ok) if ok is not None else 'n/a (fewer than 2000 steps)'}  (20-batch estimate during training: {run['val_loss_20_batches']:.4f})")
    print(f"data prep (load + char tokenizer + encode + split + windows): {run['data_prep_s']:.2f} s  "
          f"[target <= {TARGETS['data_prep_s']} s] {verdict(run['data_prep_s'] <= TARGETS['data_prep_s'])}")
    print(f"non-model time (data + other) of a step: {run['non_model_pct']:.2f}%  "
          f"[target <= {TARGETS['non_model_pct']}%] {verdict(run['non_model_pct'] <= TARGETS['non_model_pct'])}")


def main(args):
    results, nanogpt_dir = {}, os.environ.get("NANOGPT_DIR")
    for model in args.models.split(","):
        pairs = speed_pairs(args, model, nanogpt_dir) if nanogpt_dir else {}
        if args.steps: print(f"[{model}] kit run: {args.steps} steps, precision={args.precision}, compile={args.compile} ...", flush=True)
        run = run_ours(args, model, args.steps, skip_eval=args.skip_eval) if args.steps else {}
        results[model] = {"pairs": pairs, "run": run}
    results["import_s"], results["import_train_s"] = import_seconds("baseline_kit"), import_seconds("baseline_kit.train")
    for model in args.models.split(","): report(model, args.steps, **results[model])
    print(f"\nimport baseline_kit: {results['import_s']:.3f} s  [target <= {TARGETS['import_s']} s] {verdict(results['import_s'] <= TARGETS['import_s'])}"
          f"   (import baseline_kit.train, torch included: {results['import_train_s']:.2f} s)")
    if not nanogpt_dir: print("(set NANOGPT_DIR to a nanoGPT checkout with data/shakespeare_char prepared to measure the speed ratio)")
    print("(BPE-8k data prep: python benchmarks/data_prep.py)")
    if args.json: Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000, help="steps of the main kit run (0: skip it)")
    parser.add_argument("--models", default="baseline_decoder,llama", help="comma-separated model adapters to measure")
    parser.add_argument("--compile", action="store_true", help="train with torch.compile (TrainConfig.compile)")
    parser.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto", help="TrainConfig.precision")
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    parser.add_argument("--skip-eval", action="store_true", help="skip the full validation pass after the main run")
    parser.add_argument("--pairs", type=int, default=3, help="kit/nanoGPT pairs when NANOGPT_DIR is set")
    parser.add_argument("--pair-steps", type=int, default=300, help="steps of each run in a speed pair")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log-interval", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args()
    child(args) if args.child else main(args)
