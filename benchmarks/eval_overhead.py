"""The wall-time cost of scoring lm-eval tasks during training (`train.eval_tasks`).

    python benchmarks/eval_overhead.py                   # tiny_shakespeare, 500 steps, 100 shakes_mc items per eval
    python benchmarks/eval_overhead.py --steps 2000 --pairs 3 --items 100

Not a test: a measurement script. It trains the `tiny_shakespeare` experiment (nanoGPT's CPU baby-GPT recipe:
evaluation every 250 steps, 20 validation batches) for `--steps` steps, once without tasks and once with
`train.eval_tasks=["shakes_mc"]` and `train.eval_tasks_limit=--items`, alternating the two in fresh subprocesses
(`--pairs` pairs), and prints the median wall times and their ratio (with tasks / without), and the same for the
process's CPU time (user + system, all threads), which other jobs on a shared machine disturb much less than wall
time. Data preparation is done once before the pairs (the token cache is shared), so the ratio compares training
runs.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def child(args):
    "Train once in this process and print one JSON line: the wall time of `model_pipeline` and the last scores."
    os.environ.setdefault("BASELINE_KIT_PROGRESS", "0")
    from dataclasses import replace
    from baseline_kit.experiments import get_experiment
    from baseline_kit.train import model_pipeline

    with tempfile.TemporaryDirectory() as root:
        config = get_experiment("tiny_shakespeare")
        config.run = replace(config.run, artifacts_root=root, device=args.device, checkpoint_every_n_steps=args.steps)
        tasks = {"eval_tasks": ["shakes_mc"], "eval_tasks_limit": args.items} if args.with_tasks else {}
        config.train = replace(config.train, max_steps=args.steps, sample_tokens=0, live_plot=False, **tasks)
        start, usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        result = model_pipeline(config)
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    last = {k: v for k, v in result.history[-1].items() if k.startswith(("tasks/", "val/loss"))}
    print("RESULT " + json.dumps({"wall_s": wall, "cpu_s": cpu, "last": last}), flush=True)


def run(args, with_tasks: bool) -> dict:
    "One training run in a fresh subprocess."
    cmd = [sys.executable, __file__, "--child", "--steps", str(args.steps), "--items", str(args.items)]
    cmd += ["--device", args.device] + (["--with-tasks"] if with_tasks else [])
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "BASELINE_KIT_PROGRESS": "0"})
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if done.returncode or line is None:
        sys.exit(
            f"run failed ({'with' if with_tasks else 'without'} tasks):\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    return json.loads(line[len("RESULT ") :])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=500, help="training steps (the recipe evaluates every 250)")
    parser.add_argument("--items", type=int, default=100, help="shakes_mc items per evaluation")
    parser.add_argument("--pairs", type=int, default=2, help="alternating without/with runs")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--with-tasks", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    from baseline_kit.experiments import get_experiment
    from baseline_kit.preparation import prepare_data
    from baseline_kit.tasks import task_manager

    prepare_data(get_experiment("tiny_shakespeare"))  # the token cache, once
    task_manager(["shakes_mc"])  # the task's YAML in the cache folder, once
    times = {(kind, tasks): [] for kind in ("wall_s", "cpu_s") for tasks in (False, True)}
    for pair in range(args.pairs):
        for with_tasks in (False, True):
            out = run(args, with_tasks)
            for kind in ("wall_s", "cpu_s"):
                times[kind, with_tasks].append(out[kind])
            label = "with tasks   " if with_tasks else "without tasks"
            seconds = f"wall {out['wall_s']:.1f} s, CPU {out['cpu_s']:.1f} s"
            print(f"pair {pair + 1} {label}: {seconds}  {json.dumps(out['last'])}", flush=True)
    print(f"tiny_shakespeare, {args.steps} steps, eval every 250 steps, {args.items} shakes_mc items per eval")
    for kind, name in (("wall_s", "wall time"), ("cpu_s", "CPU time")):
        without, with_tasks = statistics.median(times[kind, False]), statistics.median(times[kind, True])
        print(f"median {name}: without tasks {without:.1f} s, with tasks {with_tasks:.1f} s, ", end="")
        print(f"ratio with/without {with_tasks / without:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
