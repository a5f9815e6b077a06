"""Time to target: the modern baseline against GPT-2's recipe on Tiny Shakespeare, trained through the kit.

    python benchmarks/time_to_target.py                                   # baseline vs modern, 2 seeds, 2000 steps
    python benchmarks/time_to_target.py --ablation --steps 1000 --seeds 0 # each piece alone, each piece removed
    python benchmarks/time_to_target.py --pair bpe --steps 600            # tiny_shakespeare_bpe vs its modern variant
    python benchmarks/time_to_target.py --report runs.jsonl               # the tables again, from saved records

Every run is `python -m baseline_kit train EXPERIMENT --set ...` in a fresh process: the registered experiment
(`tiny_shakespeare` and `tiny_shakespeare_modern`, or the `_bpe` pair), scored on the full validation split every
100 steps (`train.eval_batches=null`), without samples. The systems alternate (the order reverses every seed) so that
the speed ratios come from the same invocation. Each process uses `--threads` threads (1 by default: on a shared
machine two multi-threaded torch processes spin against each other; both systems get the same). A long run's step
time depends on what else the machine did meanwhile, so the step-time ratio that is judged comes from
`--speed-rounds` (3) pairs of short runs (`--speed-steps`, 200) back to back, alternating, after the long runs.

Measured per run, from its `metrics.jsonl`: the validation curve, the step time (median over the logged windows
after the first 50 steps; the kit's clock leaves evaluations and checkpoints out), and the training time up to each
step (the sum of the logged windows). The target is the baseline's mean final validation loss; "steps to target" is
the first evaluation at or below it. Printed: steps to target, final loss, step time and training time to target,
each as modern / baseline, with PASS/FAIL against the issue's targets (<= 0.30x the steps, >= 0.25 lower at the end,
<= 1.6x the step time).

`--ablation`: the baseline and the modern recipe, each piece alone on the baseline (`baseline+piece`), each piece of
the recipe removed (`modern-piece`) and each other piece added to it (`modern+piece`); one seed and fewer steps are
fine there (the target is then the baseline's final loss at that length). `--plot FILE` draws the curves and the
final losses (`plot`, also used by the docs page on the recipe). Not a test: a measurement script (an hour).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPERIMENTS = {
    "char": ("tiny_shakespeare", "tiny_shakespeare_modern"),
    "bpe": ("tiny_shakespeare_bpe", "tiny_shakespeare_bpe_modern"),
}
RECIPE = ("muon", "rotary", "qk_norm")  # what `tiny_shakespeare_modern` changes (checked by the docs page's test)
PIECES = {  # name: (overrides that add it, overrides that take it away again)
    "muon": (["train.optimizer=muon"], ["train.optimizer=adamw"]),
    "rotary": (["model.positions=rotary"], ["model.positions=learned"]),
    "wsd": (["train.lr_schedule=wsd"], ["train.lr_schedule=cosine"]),
    "qk_norm": (["model.qk_norm=true"], ["model.qk_norm=false"]),
    "relu2": (["model.activation=relu2"], ["model.activation=gelu"]),
    "swiglu": (["model.activation=swiglu"], ["model.activation=gelu"]),
    "untied": (["model.tie_embeddings=false"], ["model.tie_embeddings=true"]),
    "zero_init": (["model.zero_init_projections=true"], ["model.zero_init_projections=false"]),
    "softcap": (["model.logit_softcap=15.0"], ["model.logit_softcap=null"]),
}
TARGETS = {"step_fraction": 0.30, "loss_gap": 0.25, "step_time": 1.6}
WARMUP_STEPS = 50  # step times: windows after this many steps


def ablation_systems() -> list:
    "The ablation's systems, in run order."
    alone = [f"baseline+{p}" for p in PIECES]
    removed = [f"modern-{p}" for p in RECIPE]
    added = [f"modern+{p}" for p in PIECES if p not in RECIPE and not (p == "swiglu" and "relu2" in RECIPE)]
    return ["baseline", "modern", *alone, *removed, *added]


def same_as(system: str):
    "The system that trains exactly as `system` does, if another one does: the recipe less one of two pieces."
    if system.startswith("modern-") and len(RECIPE) == 2:
        return "baseline+" + next(p for p in RECIPE if p != system.removeprefix("modern-"))
    return None


def system_command(system: str, pair: str = "char") -> tuple:
    "`(experiment, overrides)` of a system: `baseline`, `modern`, `baseline+piece`, `modern-piece`, `modern+piece`."
    base, modern = EXPERIMENTS[pair]
    for sign in "+-":
        if sign in system:
            start, piece = system.split(sign, 1)
            on, off = PIECES[piece]
            return (base if start == "baseline" else modern), (on if sign == "+" else off)
    return {"baseline": base, "modern": modern}[system], []


def train_run(system: str, seed: int, steps: int, root: Path, pair: str, threads: int, speed: bool = False) -> dict:
    "Train `system` with `seed` in a fresh process; its record (curve, timings) from the run's metrics."
    experiment, overrides = system_command(system, pair)
    name = f"{system.replace('+', '_plus_').replace('-', '_minus_')}-seed{seed}{'-speed' if speed else ''}"
    scoring = ["train.eval_interval=100000", "train.eval_batches=1"] if speed else ["train.eval_interval=100"]
    sets = [
        f"run.artifacts_root={root}",
        f"run.name={name}",
        f"run.seed={1337 + seed}",
        f"train.max_steps={steps}",
        "train.eval_batches=null",  # the full validation split (speed runs: one batch, at the end only)
        "train.sample_tokens=0",
        *scoring,
        *overrides,
    ]
    command = [sys.executable, "-m", "baseline_kit", "train", experiment, "--overwrite"]
    command += [arg for s in sets for arg in ("--set", s)]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), "BASELINE_KIT_PROGRESS": "0"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{system} seed {seed} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    kind = {"kind": "speed"} if speed else {}
    return {"system": system, "seed": seed, "steps": steps, "wall": wall, **kind, **read_run(root / name)}


def read_run(run_dir: Path) -> dict:
    "Validation curve, step times and cumulative training seconds of a finished run folder."
    config = json.loads((run_dir / "run_config.json").read_text())
    tokens_per_step = config["train"]["batch_size"] * config["train"]["seq_len"]
    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines() if line.strip()]
    curve = {r["step"]: r["val/loss"] for r in records if "val/loss" in r}
    seconds, previous, elapsed, step_times = {}, 0, 0.0, []
    for r in records:
        if "train/tokens_per_sec" not in r:
            continue
        window = (r["step"] - previous) * tokens_per_step / r["train/tokens_per_sec"]
        elapsed += window
        seconds[r["step"]] = elapsed
        step_times.append((previous, window / (r["step"] - previous)))
        previous = r["step"]
    steady = [t for start, t in step_times if start >= WARMUP_STEPS] or [t for _, t in step_times]  # short runs: all
    return {"curve": curve, "train_seconds": seconds, "step_time": statistics.median(steady)}


def steps_to(record: dict, target: float):
    "The first evaluated step at or below `target`, or `None`."
    return next((s for s, v in sorted(record["curve"].items()) if v <= target), None)


def seconds_to(record: dict, step) -> float:
    "Training seconds up to `step` (the logged window that ends there)."
    if step is None:
        return float("nan")
    return next(t for s, t in sorted(record["train_seconds"].items()) if s >= step)


def final(record: dict) -> float:
    return record["curve"][max(record["curve"])]


def mean(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else float("nan")


def table(records: list, target: float) -> str:
    "One line per run: final loss, step to target, training seconds to target, step time."
    header = ("system", "seed", "final val", "step→target", "train s→target", "ms/step")
    lines = ["{:<22} {:>4} {:>9} {:>11} {:>14} {:>8}".format(*header)]
    for r in records:
        step = steps_to(r, target)
        lines.append(
            f"{r['system']:<22} {r['seed']:>4} {final(r):>9.4f} {str(step):>11} {seconds_to(r, step):>14.1f} "
            f"{1000 * r['step_time']:>8.2f}"
        )
    return "\n".join(lines)


def by_system(records: list) -> dict:
    out = {}
    for r in records:
        out.setdefault(r["system"], []).append(r)
    return out


def speed_ratios(records: list) -> list:
    "modern / baseline step time of each speed round (back-to-back short runs), in order."
    rounds = by_system([r for r in records if r.get("kind") == "speed"])
    return [m["step_time"] / b["step_time"] for b, m in zip(rounds.get("baseline", []), rounds.get("modern", []))]


def compare(records: list) -> str:
    "The modern-vs-baseline summary: ratios and PASS/FAIL against the issue's targets."
    rounds = speed_ratios(records)
    records = [r for r in records if r.get("kind") != "speed"]
    systems = by_system(records)
    base, modern = systems["baseline"], systems["modern"]
    steps = base[0]["steps"]
    target = mean(final(r) for r in base)
    lines = [f"target: the baseline's mean final val loss {target:.4f} (seeds {[r['seed'] for r in base]})", ""]
    lines += [table(base + modern, target), ""]
    modern_steps = [steps_to(r, target) for r in modern]
    reached = [s for s in modern_steps if s is not None]
    step_mean = mean(modern_steps) if len(reached) == len(modern) else float("nan")
    gap = target - mean(final(r) for r in modern)
    pairs = {r["seed"]: r for r in base}
    seed_ratios = [r["step_time"] / pairs[r["seed"]]["step_time"] for r in modern if r["seed"] in pairs]
    time_ratio = statistics.median(rounds or seed_ratios)  # back-to-back rounds, when measured: the same load
    to_target = mean(seconds_to(r, steps_to(r, target)) for r in modern)
    base_total = mean(seconds_to(r, steps) for r in base)

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    fraction = step_mean / steps
    lines += [
        f"steps to target: modern mean {step_mean:.0f} of {steps} ({modern_steps}) = {fraction:.3f}x the steps "
        f"[target <= {TARGETS['step_fraction']:.2f}x: {verdict(fraction <= TARGETS['step_fraction'])}]",
        f"final val: baseline {target:.4f}, modern {mean(final(r) for r in modern):.4f}, {gap:.4f} lower "
        f"[target >= {TARGETS['loss_gap']}: {verdict(gap >= TARGETS['loss_gap'])}]",
        f"step time: modern / baseline {time_ratio:.3f}x"
        + (f" (median of {len(rounds)} back-to-back rounds: {', '.join(f'{x:.3f}' for x in rounds)})" if rounds else "")
        + f"; the long runs' per seed: {', '.join(f'{x:.3f}' for x in seed_ratios)} "
        f"(ms {1000 * mean(r['step_time'] for r in modern):.2f} vs {1000 * mean(r['step_time'] for r in base):.2f}) "
        f"[target <= {TARGETS['step_time']}x: {verdict(time_ratio <= TARGETS['step_time'])}]",
        f"training time to target: modern {to_target:.1f} s vs the baseline's {base_total:.1f} s for its {steps} "
        f"steps = {to_target / base_total:.3f}x",
        f"process wall (evaluations included): modern {mean(r['wall'] for r in modern):.0f} s, "
        f"baseline {mean(r['wall'] for r in base):.0f} s",
    ]
    return "\n".join(lines)


def ablation(records: list) -> str:
    "Each system's mean final loss and steps to the baseline's final loss, against the baseline and the recipe."
    systems = by_system([r for r in records if r.get("kind") != "speed"])
    if "baseline" not in systems:
        return "\n".join(f"{name:<22} final val {mean(final(r) for r in runs):.4f}" for name, runs in systems.items())
    target = mean(final(r) for r in systems["baseline"])
    base_time = mean(r["step_time"] for r in systems["baseline"])
    modern_final = mean(final(r) for r in systems["modern"]) if "modern" in systems else float("nan")
    lines = [f"target: the baseline's final val loss {target:.4f}", ""]
    header = ("system", "final val", "vs baseline", "vs modern", "step→target", "step time")
    lines.append("{:<22} {:>9} {:>11} {:>9} {:>11} {:>9}".format(*header))
    for system, runs in systems.items():
        end = mean(final(r) for r in runs)
        step = mean(steps_to(r, target) for r in runs)
        lines.append(
            f"{system:<22} {end:>9.4f} {end - target:>+11.4f} {end - modern_final:>+9.4f} {step:>11.0f} "
            f"{mean(r['step_time'] for r in runs) / base_time:>8.2f}x"
        )
    return "\n".join(lines)


def plot(records: list, path=None, title: str = ""):
    "Validation curves (left) and final loss against the baseline's (right) of every system; saved to `path` if given."
    import matplotlib.pyplot as plt

    systems = by_system([r for r in records if r.get("kind") != "speed"])
    target = mean(final(r) for r in systems["baseline"])
    fig, (curves, bars) = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [1.1, 1]})
    for system, runs in systems.items():
        steps = sorted(runs[0]["curve"])
        values = [mean(r["curve"].get(s) for r in runs) for s in steps]
        main = {"baseline": "black", "modern": "tab:red"}
        style = {"lw": 2.5, "color": main[system]} if system in main else {"lw": 1, "alpha": 0.8}
        curves.plot(steps, values, label=system, **style)
    curves.axhline(target, color="grey", ls=":", lw=1)
    curves.set(xlabel="step", ylabel="validation loss (full split)", ylim=(target - 0.45, target + 0.8), title=title)
    curves.legend(fontsize=7, ncol=2)
    names = list(systems)
    deltas = [mean(final(r) for r in systems[n]) - target for n in names]
    kinds = {"baseline": "black", "modern": "tab:red", "baseline+": "tab:blue", "modern-": "tab:orange"}
    colors = [kinds.get(n, kinds.get(n[: n.find("+") + 1] or n[: n.find("-") + 1], "tab:green")) for n in names]
    bars.barh(names, deltas, color=colors)
    bars.invert_yaxis()
    bars.axvline(0, color="grey", lw=1)
    bars.set(xlabel="final validation loss − the baseline's (lower is better)")
    bars.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=110)
    return fig


def load_records(path: Path) -> list:
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for r in records:  # JSON keys are strings
        r["curve"] = {int(k): v for k, v in r["curve"].items()}
        r["train_seconds"] = {int(k): v for k, v in r["train_seconds"].items()}
    return records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pair", default="char", choices=list(EXPERIMENTS), help="which experiments (char or bpe)")
    parser.add_argument("--seeds", default="0,1", help="comma-separated; run.seed is 1337 + seed")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1, help="torch threads per training process")
    parser.add_argument("--ablation", action="store_true", help="each piece alone and each piece removed")
    parser.add_argument("--speed-rounds", type=int, default=None, help="then this many back-to-back short runs each "
                        "for the step-time ratio (default 3; the ablation: 0)")
    parser.add_argument("--speed-steps", type=int, default=200, help="steps of a speed run")
    parser.add_argument("--speed-only", action="store_true", help="only the speed rounds (add them to --json)")
    parser.add_argument("--systems", default=None, help="comma-separated systems instead (e.g. baseline,modern+wsd)")
    parser.add_argument("--json", default=None, help="append each run's record to this JSON-lines file; runs it "
                        "already holds (same system, seed, steps) are not run again")
    parser.add_argument("--report", default=None, help="print the tables of a --json file (no training)")
    parser.add_argument("--plot", default=None, help="save the curves and final losses to this image")
    args = parser.parse_args(argv)
    if args.report:
        records = load_records(Path(args.report))
    else:
        seeds = [] if args.speed_only else [int(s) for s in args.seeds.split(",")]
        systems = ablation_systems() if args.ablation else ["baseline", "modern"]
        systems = args.systems.split(",") if args.systems else systems
        saved = load_records(Path(args.json)) if args.json and Path(args.json).is_file() else []
        records = []

        def done(system, seed, steps, kind=None):
            "The saved record of this run, if an earlier (interrupted) invocation finished it."
            match = (system, seed, steps, kind)
            return next((r for r in saved if (r["system"], r["seed"], r["steps"], r.get("kind")) == match), None)

        with tempfile.TemporaryDirectory() as root:
            for index, seed in enumerate(seeds):
                order = systems if index % 2 == 0 else systems[::-1]  # alternate the order every seed
                for system in sorted(order, key=lambda s: same_as(s) is not None):  # copies after their originals
                    twin = next((r for r in records if r["seed"] == seed and r["system"] == same_as(system)), None)
                    if twin is not None:  # the same config and seed: the same run
                        record = {**twin, "system": system}
                    elif done(system, seed, args.steps):
                        records.append(done(system, seed, args.steps))
                        continue
                    else:
                        record = train_run(system, seed, args.steps, Path(root), args.pair, args.threads)
                    ms, wall = 1000 * record["step_time"], record["wall"]
                    print(f"{system} seed {seed}: val {final(record):.4f}, {ms:.2f} ms/step, {wall:.0f} s", flush=True)
                    records.append(record)
                    if args.json:
                        with open(args.json, "a") as f:
                            f.write(json.dumps(record) + "\n")
            speed_rounds = args.speed_rounds if args.speed_rounds is not None else 0 if args.ablation else 3
            for round in range(speed_rounds):  # the step time of both, close in time: under the same load
                for system in ["baseline", "modern"][:: 1 if round % 2 == 0 else -1]:
                    if done(system, round, args.speed_steps, "speed"):
                        records.append(done(system, round, args.speed_steps, "speed"))
                        continue
                    record = train_run(system, round, args.speed_steps, Path(root), args.pair, args.threads, speed=True)
                    print(f"speed round {round}, {system}: {1000 * record['step_time']:.2f} ms/step", flush=True)
                    records.append(record)
                    if args.json:
                        with open(args.json, "a") as f:
                            f.write(json.dumps(record) + "\n")
    print()
    names = {r["system"] for r in records}
    if args.speed_only:
        print(f"step time, modern / baseline, per round: {', '.join(f'{x:.3f}' for x in speed_ratios(records))}")
    else:
        print(compare(records) if names == {"baseline", "modern"} else ablation(records))
    if args.plot:
        plot(records, args.plot)


if __name__ == "__main__":
    main()
