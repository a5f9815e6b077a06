"""Data-parallel training throughput: one process against torchrun ranks (issue "Data-parallel training").

    python benchmarks/ddp.py                    # CPU: 1 process x 2 threads vs 2 processes x 1 thread, alternating
    python benchmarks/ddp.py --steps 500 --pairs 3
    python benchmarks/ddp.py --gpu              # also the NCCL path: 1 GPU vs all GPUs of the machine (needs >= 2)

Not a test: a measurement script. Every run is a fresh `baseline-kit train` of the tiny_shakespeare recipe (baby GPT,
batch 12, context 64) for `--steps` steps; tokens/s is the median of the logged windows after the first 50 steps.
Runs alternate (`--pairs` pairs, order swapped each pair) because timings on a small shared machine drift; compare
only numbers from one invocation. It prints what was run and what was not (no GPU, a single GPU).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WARMUP = 50  # steps left out of the tokens/s median


def config_file(folder: Path, name: str, steps: int, device: str) -> Path:
    "The tiny_shakespeare experiment as a config file, `steps` steps on `device`, no samples or plots."
    from baseline_kit.experiments import get_experiment

    config = json.loads(get_experiment("tiny_shakespeare").to_json())
    config["run"].update(name=name, artifacts_root=str(folder), device=device, checkpoint_every_n_steps=steps)
    config["train"].update(max_steps=steps, sample_tokens=0, live_plot=False, eval_interval=steps)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(config))
    return path


def train(folder: Path, name: str, steps: int, device: str, nproc: int, threads: int) -> float:
    "Run one training job; its steady-state tokens/s."
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "BASELINE_KIT_PROGRESS": "0"}
    command = [sys.executable, "-m", "baseline_kit", "train", str(config_file(folder, name, steps, device))]
    command += ["--nproc", str(nproc)] if nproc > 1 else []
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"{name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    records = [json.loads(line) for line in (folder / name / "metrics.jsonl").read_text().splitlines()]
    rates = [r["train/tokens_per_sec"] for r in records if "train/tokens_per_sec" in r and r["step"] > WARMUP]
    return statistics.median(rates)


def compare(folder: Path, label: str, one: dict, many: dict, pairs: int, steps: int) -> dict:
    "Alternate the two set-ups; medians and the ratio many/one."
    rates = {"one": [], "many": []}
    for pair in range(pairs):
        for who in ("one", "many") if pair % 2 == 0 else ("many", "one"):
            setup = one if who == "one" else many
            rate = train(folder, f"{label}-{who}-{pair}", steps, **setup)
            rates[who].append(rate)
            print(f"  {label} pair {pair + 1} {who:4s} ({setup}): {rate:,.0f} tokens/s", flush=True)
    ratios = [m / o for m, o in zip(rates["many"], rates["one"])]
    return {"one": statistics.median(rates["one"]), "many": statistics.median(rates["many"]), "ratios": ratios}


def main(args):
    import torch

    results, notes = {}, []
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root)
        cpu_one = {"device": "cpu", "nproc": 1, "threads": 2}
        cpu_many = {"device": "cpu", "nproc": 2, "threads": 1}
        print(f"CPU: 1 process x 2 threads vs 2 processes x 1 thread (gloo), {args.pairs} pairs of {args.steps} steps")
        results["cpu"] = compare(folder, "cpu", cpu_one, cpu_many, args.pairs, args.steps)
        gpus = torch.cuda.device_count()
        if not args.gpu:
            notes.append("NCCL path not run (pass --gpu on a machine with 2 or more GPUs)")
        elif gpus < 2:
            notes.append(f"NCCL path not run: {gpus} GPU(s) on this machine, data parallelism needs 2 or more")
        else:
            print(f"GPU: 1 GPU vs {gpus} GPUs (NCCL)")
            one = {"device": "cuda", "nproc": 1, "threads": 4}
            many = {"device": "cuda", "nproc": gpus, "threads": 4}
            results["gpu"] = compare(folder, "gpu", one, many, args.pairs, args.steps)
    print("\n== results ==")
    cpu = results["cpu"]
    print(f"CPU tokens/s: 1 process x 2 threads {cpu['one']:,.0f}; 2 processes x 1 thread {cpu['many']:,.0f}; "
          f"ratio {statistics.median(cpu['ratios']):.2f} (pairs {', '.join(f'{r:.2f}' for r in cpu['ratios'])})")
    if "gpu" in results:
        gpu = results["gpu"]
        print(f"GPU tokens/s: 1 GPU {gpu['one']:,.0f}; all GPUs {gpu['many']:,.0f}; "
              f"scaling {statistics.median(gpu['ratios']):.2f}x")
    for note in notes:
        print(note)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "notes": notes}, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=300, help="steps per run")
    parser.add_argument("--pairs", type=int, default=2, help="alternating pairs per comparison")
    parser.add_argument("--gpu", action="store_true", help="also compare 1 GPU with all GPUs (NCCL)")
    parser.add_argument("--json", help="also write the results to this file")
    main(parser.parse_args())
