"""Data preparation time on tiny Shakespeare: load + fit a BPE tokenizer (8k) + encode + split + cut windows.

    python benchmarks/data_prep.py [--repeats 3] [--tokenizer bpe|char] [--vocab 8192]

The data comes from the cache folder ($BASELINE_KIT_CACHE), downloaded there if missing. Not a test: a measurement script. Each repeat runs `baseline_kit.preparation.prepare_data` in a fresh subprocess (no
tokenizer cache, nothing reused between repeats) and the median is compared with the target (<= 2 s).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 2.0


def child(args):
    "One timed `prepare_data` in this process; prints one JSON line."
    from baseline_kit.config import BPETokenizerConfig, CharTokenizerConfig, ExperimentConfig, HoldoutSplitConfig, RunConfig, TrainConfig
    from baseline_kit.experiments import tiny_shakespeare_dataset
    from baseline_kit.preparation import prepare_data
    tokenizer = BPETokenizerConfig(base_vocab_size=args.vocab) if args.tokenizer == "bpe" else CharTokenizerConfig()
    with tempfile.TemporaryDirectory() as root:
        config = ExperimentConfig(run=RunConfig(name="prep", artifacts_root=root, device="cpu"),
                                  dataset=tiny_shakespeare_dataset(), tokenizer=tokenizer,
                                  train=TrainConfig(batch_size=12, seq_len=64, stride=1), split=HoldoutSplitConfig(train_fraction=0.9))
        start = time.perf_counter()
        data = prepare_data(config)
        seconds = time.perf_counter() - start
    print("RESULT " + json.dumps({"seconds": seconds, "vocab_size": data.tokenizer.vocab_size,
                                  "train_tokens": len(data.train.tokens), "val_tokens": len(data.val.tokens),
                                  "train_windows": data.train.num_windows}), flush=True)


def main(args):
    runs = []
    for _ in range(args.repeats):
        cmd = [sys.executable, __file__, "--child", "--tokenizer", args.tokenizer, "--vocab", str(args.vocab)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "BASELINE_KIT_PROGRESS": "0"})
        line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
        if proc.returncode or line is None: raise SystemExit(f"data prep failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        runs.append(json.loads(line[len("RESULT "):]))
        print(f"  {runs[-1]['seconds']:.2f} s", flush=True)
    seconds = statistics.median(r["seconds"] for r in runs)
    last = runs[-1]
    print(f"data prep ({args.tokenizer}{' ' + str(args.vocab) if args.tokenizer == 'bpe' else ''}; vocab {last['vocab_size']}, "
          f"{last['train_tokens']:,} train / {last['val_tokens']:,} val tokens, {last['train_windows']:,} train windows): "
          f"median {seconds:.2f} s of {len(runs)}  [target <= {TARGET_S} s] {'PASS' if seconds <= TARGET_S else 'FAIL'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tokenizer", choices=["bpe", "char"], default="bpe")
    parser.add_argument("--vocab", type=int, default=8192, help="BPE base vocabulary (bytes + merges)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    child(args) if args.child else main(args)
