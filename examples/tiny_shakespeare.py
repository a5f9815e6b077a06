"""The canonical experiment as a script: nanoGPT's baby GPT on Tiny Shakespeare (downloaded once, checksummed).

    python examples/tiny_shakespeare.py                       # 2000 steps, run folder artifacts/tiny_shakespeare
    python examples/tiny_shakespeare.py --steps 50 --resume   # any TrainConfig.max_steps; continue a run

The same as `baseline-kit train tiny_shakespeare` (or `python -m baseline_kit train tiny_shakespeare`).
"""
import argparse
from dataclasses import replace

from baseline_kit import get_experiment, load_run, model_pipeline

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=None, help="optimizer steps (default: the experiment's 2000)")
    parser.add_argument("--artifacts-root", default=None, help="folder for the run folder (default: artifacts)")
    parser.add_argument("--resume", action="store_true", help="continue the run from its checkpoint")
    args = parser.parse_args()
    config = get_experiment("tiny_shakespeare")
    config.run = replace(config.run, resume_from_checkpoint=args.resume,
                         artifacts_root=args.artifacts_root or config.run.artifacts_root)
    if args.steps is not None:
        config.train = replace(config.train, max_steps=args.steps, eval_interval=min(args.steps, 250))
    result = model_pipeline(config)
    print(f"run folder: {result.run_dir}  val/loss: {result.last('val/loss'):.4f}")
    print(load_run(result.run_dir).generate("ROMEO:", max_new_tokens=200, seed=0))
