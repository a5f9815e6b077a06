"""The kit's lm-eval scores of a run next to stock lm-eval's on the run's Hugging Face export.

    python benchmarks/lm_eval_parity.py                        # short Tiny Shakespeare runs (char, BPE), shakes_mc
    python benchmarks/lm_eval_parity.py --run-dir RUN --tasks shakes_mc,hellaswag --limit 1000 --device cuda

Not a test (`nbs/53_task_evaluation.ipynb` tests the same on smaller runs): a measurement script. Without `--run-dir`
it trains the runs of that test (the `tiny_shakespeare` recipe with a 2-layer, 64-wide model and a 64-token context:
the char tokenizer for 300 steps, a 512-token BPE for 150 steps, fp32). Each run is scored by the kit
(`evaluate_tasks`) and by stock lm-eval (`--model hf --model_args pretrained=EXPORT,dtype=float32`, plus
`prefix_token_id=0` for a tokenizer without `<|endoftext|>`), and the script prints both, their difference and the
wall time of each.
"""

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def short_run(root: Path, name: str, steps: int, tokenizer=None) -> Path:
    "A short `name` run (2 layers, width 64, context 64, fp32) in `root`; its folder."
    from baseline_kit.experiments import get_experiment
    from baseline_kit.train import model_pipeline

    config = get_experiment(name)
    config.run = replace(config.run, name=f"short_{name}", artifacts_root=str(root), device="cpu")
    config.model = replace(config.model, d_model=64, layers=2, n_heads=4)
    config.tokenizer = tokenizer or config.tokenizer
    train = {"max_steps": steps, "eval_interval": steps, "learning_rate": 3e-3, "warmup_steps": 20}
    train.update(precision="fp32", sample_tokens=0, live_plot=False, seq_len=64, stride=None)
    config.train = replace(config.train, **train)
    return model_pipeline(config).run_dir


def compare(run_dir: Path, tasks: list, include_path, limit, device: str, root: Path) -> list:
    "`(task, metric, kit, stock, kit seconds, stock seconds)` for every acc-like metric of `tasks`."
    import lm_eval
    from baseline_kit.export import export_run
    from baseline_kit.inference import load_run
    from baseline_kit.task_evaluation import evaluate_tasks
    from baseline_kit.tasks import task_folders

    start = time.perf_counter()
    kit = evaluate_tasks(run_dir, tasks, include_path, limit=limit, device=device)["results"]
    kit_s = time.perf_counter() - start
    out = export_run(run_dir, root / f"hf_{run_dir.name}")
    args = f"pretrained={out},dtype=float32"
    if load_run(run_dir, device="cpu").tokenizer.eot_id is None:
        args += ",prefix_token_id=0"
    folders = [str(f) for f in task_folders(include_path)]
    manager = lm_eval.tasks.TaskManager(include_path=folders)  # as `lm_eval --include_path DIR`
    start = time.perf_counter()
    stock = lm_eval.simple_evaluate(
        model="hf", model_args=args, tasks=tasks, task_manager=manager, limit=limit, batch_size=32, device=device
    )["results"]
    stock_s = time.perf_counter() - start
    rows = []
    for task, values in kit.items():
        for key in ("acc,none", "acc_norm,none"):
            if key in values:
                rows.append((task, key.split(",")[0], values[key], stock[task][key], kit_s, stock_s))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", action="append", help="a trained run (repeatable); default: train short runs")
    parser.add_argument("--tasks", default="shakes_mc")
    parser.add_argument("--include-path", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    from baseline_kit.config import BPETokenizerConfig

    root = Path(tempfile.mkdtemp())
    if args.run_dir:
        runs = [Path(r) for r in args.run_dir]
    else:
        runs = [
            short_run(root, "tiny_shakespeare", 300),
            short_run(root, "tiny_shakespeare_bpe", 150, BPETokenizerConfig(base_vocab_size=512)),
        ]
    print("| run | task | metric | kit | stock lm-eval (hf) | difference | kit s | stock s |")
    print("|---|---|---|---|---|---|---|---|")
    for run_dir in runs:
        tasks = args.tasks.split(",")
        for task, metric, kit, stock, kit_s, stock_s in compare(
            run_dir, tasks, args.include_path, args.limit, args.device, root
        ):
            print(
                f"| {run_dir.name} | {task} | {metric} | {kit:.4f} | {stock:.4f} | {kit - stock:+.4f} "
                f"| {kit_s:.1f} | {stock_s:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
