"""FSDP on the real `tiny_shakespeare` experiment, two CPU processes, fp32, through the CLI and `launch`.

    python benchmarks/fsdp_tiny_shakespeare.py                 # the full 2000 steps (about 30 min on 2 cores)
    python benchmarks/fsdp_tiny_shakespeare.py --steps 500     # shorter

Not a test (the notebooks test the same on a tiny fixture in seconds): the measurement on the experiment itself.
Each step is a fresh `python -m baseline_kit train tiny_shakespeare --nproc 2 --set train.precision=fp32 ...`:

1. `train.strategy=ddp` and `train.strategy=fsdp`: the final validation losses (full split) and their difference.
2. The fsdp run's checkpoint: the `.distcp` shard files it names.
3. A third fsdp run killed (`SIGKILL` to torchrun and both ranks) once its first checkpoint exists, then `--resume`d:
   the SHA-256 of its final model against the uninterrupted fsdp run's.
4. `evaluate` and `export` of the fsdp run in one process, without torchrun.
5. `launch(config, nproc=2)` from Python (as in a notebook) on the same config: its final val loss against torchrun's.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "BASELINE_KIT_PROGRESS": "0"}


def sets(root: Path, name: str, strategy: str, steps: int) -> list:
    "The `--set` arguments of one run."
    values = [f"run.artifacts_root={root}", f"run.name={name}", "train.precision=fp32", f"train.strategy={strategy}",
              f"train.max_steps={steps}", "train.eval_batches=null", "train.sample_tokens=0"]  # fmt: skip
    return [arg for value in values for arg in ("--set", value)]


def train(root: Path, name: str, strategy: str, steps: int, *extra, wait: bool = True):
    "`baseline-kit train tiny_shakespeare --nproc 2 ...`; the finished process (or the running one)."
    command = [sys.executable, "-m", "baseline_kit", "train", "tiny_shakespeare", "--nproc", "2"]
    command += sets(root, name, strategy, steps) + list(extra)
    if not wait:
        return subprocess.Popen(command, env=ENV, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
    done = subprocess.run(command, env=ENV, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done


def final_val(run_dir: Path) -> float:
    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return next(r["val/loss"] for r in reversed(records) if "val/loss" in r)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    os.environ.update(OMP_NUM_THREADS="1", BASELINE_KIT_PROGRESS="0")  # before torch loads: `launch` forks this process
    root = Path(tempfile.mkdtemp(prefix="fsdp-ts-"))
    start = time.perf_counter()
    train(root, "ddp", "ddp", args.steps)
    train(root, "fsdp", "fsdp", args.steps)
    ddp, fsdp = final_val(root / "ddp"), final_val(root / "fsdp")
    verdict = "PASS" if abs(ddp - fsdp) <= 3e-3 else "FAIL"
    print(f"1. final val loss after {args.steps} steps: ddp {ddp:.5f}, fsdp {fsdp:.5f}, "
          f"|difference| {abs(ddp - fsdp):.2e} [target <= 3e-3: {verdict}]", flush=True)  # fmt: skip
    from baseline_kit.fixtures import kill_job
    from baseline_kit.run_state import load_checkpoint

    saved = load_checkpoint(root / "fsdp" / "baseline_checkpoint.pt")
    files = sorted(p.name for p in (root / "fsdp" / saved["shards"]).iterdir())
    print(f"2. checkpoint at step {saved['step']}, strategy {saved['strategy']}: {saved['shards']} holds {files}")
    killed = train(root, "killed", "fsdp", args.steps, wait=False)
    checkpoint = root / "killed" / "baseline_checkpoint.pt"
    kill_job(killed, when_exists=checkpoint, timeout=3600)  # the CLI, torchrun and both ranks, once it has one
    at = load_checkpoint(checkpoint)["step"]
    train(root, "killed", "fsdp", args.steps, "--resume")
    same = sha256(root / "killed" / "baseline_model.pt") == sha256(root / "fsdp" / "baseline_model.pt")
    print(f"3. killed (kill -9) after its checkpoint at step {at}, resumed: final weights "
          f"{'bit-identical' if same else 'DIFFER'} (sha256 {sha256(root / 'fsdp' / 'baseline_model.pt')[:16]}...)")
    command = [sys.executable, "-m", "baseline_kit", "evaluate", str(root / "fsdp"), "--device", "cpu"]
    evaluated = subprocess.run(command, env=ENV, capture_output=True, text=True)
    exported = subprocess.run([sys.executable, "-m", "baseline_kit", "export", str(root / "fsdp"), "--out",
                               str(root / "exported")], env=ENV, capture_output=True, text=True)  # fmt: skip
    scored = json.loads(evaluated.stdout)["loss"] if evaluated.returncode == 0 else evaluated.stderr[-300:]
    print(f"4. one process: evaluate rc {evaluated.returncode}, val loss {scored}; "
          f"export rc {exported.returncode}: {sorted(p.name for p in (root / 'exported').iterdir())}")
    from dataclasses import replace

    from baseline_kit import launch
    from baseline_kit.experiments import get_experiment

    config = get_experiment("tiny_shakespeare")
    config.run = replace(config.run, artifacts_root=str(root), name="launched")
    config.train = replace(config.train, precision="fp32", strategy="fsdp", max_steps=args.steps, eval_batches=None,
                           sample_tokens=0, live_plot=False)  # fmt: skip
    launched = launch(config, nproc=2).last("val/loss")
    print(f"5. launch(config, nproc=2): final val loss {launched:.6f}, torchrun's {fsdp:.6f}, "
          f"{'equal' if launched == fsdp else f'differ by {abs(launched - fsdp):.2e}'}")
    print(f"total {time.perf_counter() - start:.0f} s; run folders in {root}")


if __name__ == "__main__":
    main()
