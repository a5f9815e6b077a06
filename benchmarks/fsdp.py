"""Sharded against replicated training state: DDP vs FSDP (`train.strategy`) on 2 CPU processes (issue "FSDP2").

    python benchmarks/fsdp.py                       # d_model 512, 8 layers (~25M parameters), 2 alternating rounds
    python benchmarks/fsdp.py --d-model 768 --layers 12 --rounds 3 --steps 40

Not a test: a measurement script. Each run is a fresh 2-process job (`baseline-kit train --nproc 2`, gloo, one thread
per process) of the tiny_shakespeare data with a bigger `baseline_decoder`. A callback on every rank counts, after an
optimizer step, the bytes this process holds of the parameters, their gradients (the same shapes as the parameters)
and the optimizer's state, from the tensors themselves (a DTensor counts its local shard), and times the steps after
a warm-up. Runs alternate (DDP first in even rounds, FSDP first in odd ones) because timings on a small shared machine
drift; compare only numbers from one invocation. It also prints each rank's peak RSS (the whole process: the Python
runtime, data and activations too).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WARMUP = 5  # steps left out of the step-time median

WORKER = """
import json, resource, sys, time
from baseline_kit.callbacks import Callback
from baseline_kit.config import ExperimentConfig
from baseline_kit.sharding import local
from baseline_kit.train import model_pipeline


class Measure(Callback):
    def __init__(self):
        self.times, self.held, self.last = [], None, None

    def on_step_end(self, run):
        now = time.perf_counter()
        if self.last is not None:
            self.times.append(now - self.last)
        self.last = now
        if self.held is None:
            params = sum(local(p).numel() * p.element_size() for p in run.model.parameters())
            state = sum(local(t).numel() * t.element_size() for s in run.optimizer.state.values()
                        for t in s.values() if hasattr(t, "numel") and t.dim() > 0)
            self.held = {"parameters": params, "gradients": params, "optimizer": state}


measure = Measure()
model_pipeline(ExperimentConfig.from_json(open(sys.argv[1]).read()), callbacks=[measure])
import torch.distributed  # noqa: E402  (the group has ended: report through a file per rank)
rank = int(__import__("os").environ["RANK"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
json.dump({"held": measure.held, "times": measure.times, "peak_rss_gb": peak}, open(f"{sys.argv[2]}.{rank}", "w"))
"""


def config_file(folder: Path, name: str, args, strategy: str) -> Path:
    "The tiny_shakespeare data with a bigger model, `args.steps` steps, under `strategy`."
    from baseline_kit.experiments import get_experiment

    config = json.loads(get_experiment("tiny_shakespeare").to_json())
    config["run"].update(name=name, artifacts_root=str(folder), device="cpu", checkpoint_every_n_steps=10**6)
    config["model"].update(d_model=args.d_model, n_heads=args.d_model // 64, layers=args.layers)
    config["train"].update(max_steps=args.steps, sample_tokens=0, live_plot=False, eval_interval=10**6,
                           batch_size=8, seq_len=128, precision="fp32", strategy=strategy, log_interval=10)  # fmt: skip
    path = folder / f"{name}.json"
    path.write_text(json.dumps(config))
    return path


def run(folder: Path, name: str, args, strategy: str) -> list:
    "One 2-process job; each rank's measurements."
    worker = folder / "worker.py"
    worker.write_text(WORKER)
    out = folder / f"{name}.measure"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "BASELINE_KIT_PROGRESS": "0"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", str(worker),
               str(config_file(folder, name, args, strategy)), str(out)]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"{name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return [json.loads(Path(f"{out}.{rank}").read_text()) for rank in (0, 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d-model", type=int, default=512)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fsdp-bench-"))
    results = {"ddp": [], "fsdp": []}
    for round_ in range(args.rounds):
        for strategy in ("ddp", "fsdp") if round_ % 2 == 0 else ("fsdp", "ddp"):
            ranks = run(folder, f"{strategy}-{round_}", args, strategy)
            step_ms = statistics.median(t for rank in ranks for t in rank["times"][WARMUP:]) * 1000
            held = ranks[0]["held"]
            total = sum(held.values()) / 2**20
            rss = max(rank["peak_rss_gb"] for rank in ranks)
            results[strategy].append((total, held, step_ms, rss))
            print(f"round {round_ + 1} {strategy:4s}: rank 0 holds {total:7.1f} MB (parameters "
                  f"{held['parameters'] / 2**20:.1f}, gradients {held['gradients'] / 2**20:.1f}, optimizer "
                  f"{held['optimizer'] / 2**20:.1f}); {step_ms:.0f} ms/step; peak RSS {rss:.2f} GB", flush=True)  # fmt: skip
    ddp, fsdp = results["ddp"], results["fsdp"]
    memory = statistics.median(f[0] / d[0] for f, d in zip(fsdp, ddp))
    speed = statistics.median(f[2] / d[2] for f, d in zip(fsdp, ddp))
    rss = statistics.median(f[3] / d[3] for f, d in zip(fsdp, ddp))
    print(f"\nd_model {args.d_model}, {args.layers} layers, 2 CPU processes, {args.steps} steps per run")
    print(f"FSDP / DDP per rank: parameters + gradients + optimizer state {memory:.3f}x, step time {speed:.2f}x, "
          f"peak RSS {rss:.2f}x (medians over {args.rounds} rounds)")  # fmt: skip


if __name__ == "__main__":
    main()
