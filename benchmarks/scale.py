"""A 1 GB corpus through the kit: memory, cache reuse, tokenization throughput (issue "Corpora bigger than memory").

    python benchmarks/scale.py                          # every part (about 30-40 minutes on 2 CPU cores)
    python benchmarks/scale.py --parts char,guide       # some parts: char, bpe, guide, shakespeare
    python benchmarks/scale.py --parts shakespeare --baseline /path/to/older/checkout --models baseline_decoder,llama

Not a test: a measurement script that prints each figure, its target and PASS/FAIL.

- char:  `baseline-kit train` (char tokenizer) on the generated 1 GB corpus (Tiny Shakespeare repeated), 20 steps:
         peak RSS of the first run (which builds the token cache) and wall time of a second run under a new name.
- bpe:   the same with an 8k BPE: the token cache's build throughput (MB/s) next to a bare `tokenizers`
         `encode_batch` loop over the same text, and the run's peak RSS.
- guide: the seed guide's example experiment (batch 256, seq 128, 10k BPE) on Tiny Shakespeare: peak RSS.
- shakespeare: Tiny Shakespeare, 2000 steps, this checkout against an older one (`--baseline`, a source folder
         holding `baseline_kit/`), alternating, per model (`--models`): full validation loss (same to 3 decimals),
         the ratio of the logged tokens/s and that of the runs' wall times (the one measure that means the same in
         both versions when the loop's timing changed).

Every run is a fresh process; peak RSS is that process's `ru_maxrss`. The token caches and runs live under
`--workdir` (default: a folder in /tmp), which starts empty unless `--keep` is given.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent
GB = 1 << 30
TARGETS = {"char_rss_gb": 1.2, "second_run_s": 20.0, "bpe_ratio": 0.8, "bpe_rss_gb": 2.0, "guide_rss_gb": 1.5}
# runs the command given as arguments; prints its wall time, peak RSS (kB, of the command alone) and exit status
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'MEASURED {time.perf_counter() - start} {peak} {code}')\n"
)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def measure(cmd: list, env: dict, label: str) -> dict:
    "Run `cmd` in a fresh process: wall seconds, peak RSS in GB, output; exits the benchmark if it fails."
    print(f"[{label}] python {' '.join(map(str, cmd))[:160]}", flush=True)
    cmd = [sys.executable, *map(str, cmd)]
    # run from a neutral folder: `python -m`/`-c` put the working folder first on sys.path, ahead of PYTHONPATH's kit
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir()
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("MEASURED ")), None)
    wall, peak_kb, code = line.split()[1:] if line else (0, 0, 1)
    if int(code):
        raise SystemExit(f"{label} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return {"wall_s": float(wall), "rss_gb": int(peak_kb) * 1024 / GB, "stdout": proc.stdout, "stderr": proc.stderr}


def make_corpus(shakespeare: Path, path: Path, repeat: int) -> int:
    "Write `shakespeare` `repeat` times to `path` (kept if already there); its size in bytes."
    data = shakespeare.read_bytes()
    if not path.is_file() or path.stat().st_size != len(data) * repeat:
        with open(path, "wb") as out:
            for _ in range(repeat):
                out.write(data)
    return path.stat().st_size


def config_file(workdir: Path, name: str, tokenizer: dict, corpus: Path, steps: int) -> Path:
    "A config JSON: the tiny_shakespeare recipe on `corpus` with `tokenizer`, `steps` steps, no samples or plots."
    from baseline_kit.experiments import get_experiment

    config = json.loads(get_experiment("tiny_shakespeare").to_json())
    config["run"].update(name=name, artifacts_root=str(workdir / "runs"), device="cpu", checkpoint_every_n_steps=1000)
    config["dataset"] = {"name": "local_text", "path": str(corpus)}
    config["tokenizer"] = tokenizer
    config["train"].update(max_steps=steps, sample_tokens=0, live_plot=False)
    path = workdir / f"{name}.json"
    path.write_text(json.dumps(config, indent=1))
    return path


def char_part(workdir: Path, corpus: Path, env: dict) -> dict:
    "First and second `baseline-kit train` runs with the char tokenizer on the 1 GB corpus."
    char = {"name": "char"}
    first = measure(["-m", "baseline_kit", "train", config_file(workdir, "char-1", char, corpus, 20)], env, "char run 1")
    second = measure(["-m", "baseline_kit", "train", config_file(workdir, "char-2", char, corpus, 20)], env, "char run 2")
    return {"first": first, "second": second}


BARE_LOOP = """
import sys, time
from tokenizers import Tokenizer
tokenizer = Tokenizer.from_file(sys.argv[1])
start, count, size, rest = time.perf_counter(), 0, 0, ""
with open(sys.argv[2], encoding="utf-8") as f:
    while True:
        block = f.read(1 << 22)
        text = rest + block
        cut = text.rfind("\\n") + 1 if block else len(text)
        text, rest = text[:cut], text[cut:]
        if not text:
            break
        step = max(1, len(text) // 64)  # 64 pieces per call, cut at newlines: the tokenizer's threads all work
        pieces, begin = [], 0
        while begin < len(text):
            end = text.find("\\n", begin + step) + 1 or len(text)
            pieces.append(text[begin:end])
            begin = end
        count += sum(len(e.ids) for e in tokenizer.encode_batch(pieces, add_special_tokens=False))
        size += len(text.encode("utf-8"))
print(f"BARE {size / (time.perf_counter() - start) / 1e6} {count}")
"""


def bpe_part(workdir: Path, corpus: Path, env: dict, corpus_bytes: int) -> dict:
    "`baseline-kit train` with an 8k BPE on the 1 GB corpus, then a bare `encode_batch` loop with its tokenizer."
    bpe = {"name": "bpe", "base_vocab_size": 8192, "num_special_tokens": 1}
    run = measure(["-m", "baseline_kit", "train", config_file(workdir, "bpe", bpe, corpus, 5)], env, "bpe run")
    manifests = [json.loads(p.read_text()) for p in (workdir / "cache" / "tokens").glob("*/manifest.json")]
    built = next(m for m in manifests if m["vocab_size"] == 8193)
    tokenizer = workdir / "runs" / "bpe" / "tokenizer.json"
    bare = measure(["-c", BARE_LOOP, tokenizer, corpus], env, "bare encode_batch loop")
    bare_mbs, bare_tokens = (float(x) for x in bare["stdout"].split("BARE ")[1].split()[:2])
    kit_mbs = corpus_bytes / built["seconds"] / 1e6
    return {"run": run, "kit_mbs": kit_mbs, "bare_mbs": bare_mbs, "tokens": built["num_tokens"], "bare_tokens": bare_tokens}


GUIDE = """
import sys
sys.path.insert(0, sys.argv[1])
from guide_experiment import build_config
from baseline_kit import model_pipeline
config = build_config()
config.train.max_steps = int(sys.argv[2])
model_pipeline(config)
"""


def guide_part(workdir: Path, shakespeare: Path, env: dict, steps: int) -> dict:
    "The seed guide's example experiment on Tiny Shakespeare for `steps` steps."
    project = workdir / "guide"
    (project / "datasets").mkdir(parents=True, exist_ok=True)
    shutil.copy(shakespeare, project / "datasets" / "my_dataset.txt")
    return measure(["-c", GUIDE, SOURCE / "examples", steps], {**env, "PROJECT_ROOT": str(project)}, "guide example")


def shakespeare_part(baseline: Path, env: dict, pairs: int, steps: int, model: str) -> dict:
    "Tiny Shakespeare `steps` steps of `model` with this checkout and `baseline`, alternating; val loss, speed."
    results = {"new": [], "old": []}
    for pair in range(pairs):
        for who in ("new", "old") if pair % 2 == 0 else ("old", "new"):
            source = SOURCE if who == "new" else baseline
            cmd = ["-m", "benchmarks.train_speed", "--child", "--steps", steps, "--models", model]
            cmd += ["--precision", "auto", "--threads", "0"]
            label = f"shakespeare {model} {who} (pair {pair + 1})"
            out = measure(cmd, {**env, "PYTHONPATH": f"{source}:{SOURCE}"}, label)
            line = next(x for x in out["stdout"].splitlines() if x.startswith("RESULT "))
            results[who].append(json.loads(line[len("RESULT ") :]))
    ratios = [n["tokens_per_sec"] / o["tokens_per_sec"] for n, o in zip(results["new"], results["old"])]
    # the logged tokens/s is defined by each version's loop; the run's wall time means the same in both
    wall_ratios = [o["wall_s"] / n["wall_s"] for n, o in zip(results["new"], results["old"])]
    return {**results, "ratios": ratios, "wall_ratios": wall_ratios}


def report(results: dict, corpus_bytes: int):
    print(f"\n== results (corpus {corpus_bytes / GB:.2f} GiB) ==")
    if "char" in results:
        first, second = results["char"]["first"], results["char"]["second"]
        ok = first["rss_gb"] <= TARGETS["char_rss_gb"]
        print(f"char, first run (builds the cache), 20 steps: peak RSS {first['rss_gb']:.2f} GB, wall {first['wall_s']:.0f} s"
              f"  [target <= {TARGETS['char_rss_gb']} GB] {verdict(ok)}")
        ok = second["wall_s"] <= TARGETS["second_run_s"]
        print(f"char, second run (new name, cache reused), 20 steps: wall {second['wall_s']:.1f} s, peak RSS "
              f"{second['rss_gb']:.2f} GB  [target <= {TARGETS['second_run_s']:.0f} s] {verdict(ok)}")
    if "bpe" in results:
        bpe = results["bpe"]
        ratio = bpe["kit_mbs"] / bpe["bare_mbs"]
        print(f"bpe 8k, token cache build: {bpe['kit_mbs']:.2f} MB/s; bare encode_batch loop: {bpe['bare_mbs']:.2f} MB/s;"
              f" ratio {ratio:.2f}  [target >= {TARGETS['bpe_ratio']}] {verdict(ratio >= TARGETS['bpe_ratio'])}")
        print(f"    tokens: cache {bpe['tokens']:,} (with one end-of-text), bare loop {int(bpe['bare_tokens']):,}")
        ok = bpe["run"]["rss_gb"] <= TARGETS["bpe_rss_gb"]
        print(f"bpe 8k run (trains on a sample, builds the cache, 5 steps): peak RSS {bpe['run']['rss_gb']:.2f} GB, wall "
              f"{bpe['run']['wall_s']:.0f} s  [target <= {TARGETS['bpe_rss_gb']} GB] {verdict(ok)}")
    if "guide" in results:
        guide = results["guide"]
        ok = guide["rss_gb"] <= TARGETS["guide_rss_gb"]
        print(f"guide example (batch 256, seq 128, 10k BPE): peak RSS {guide['rss_gb']:.2f} GB, wall {guide['wall_s']:.0f} s"
              f"  [target <= {TARGETS['guide_rss_gb']} GB] {verdict(ok)}")
    for model, runs in results.get("shakespeare", {}).items():
        new = [r["val_loss"] for r in runs["new"]]
        old = [r["val_loss"] for r in runs["old"]]
        same = all(round(n, 3) == round(o, 3) for n, o in zip(new, old))
        print(f"tiny shakespeare, {model}, {runs['steps']} steps, full val loss: new {', '.join(f'{v:.4f}' for v in new)}; "
              f"old {', '.join(f'{v:.4f}' for v in old)}  [same to 3 decimals] {verdict(same)}")
        for key, what in (("ratios", "logged tokens/s"), ("wall_ratios", "speed by run wall time")):
            ratio = statistics.median(runs[key])
            print(f"    {what} new/old: median {ratio:.2f} (pairs {', '.join(f'{r:.2f}' for r in runs[key])})"
                  f"  [not slower: >= 0.95] {verdict(ratio >= 0.95)}")


def main(args):
    from baseline_kit.data_files import resolve_data_file
    from baseline_kit.experiments import tiny_shakespeare_dataset

    source = tiny_shakespeare_dataset()
    shakespeare = resolve_data_file(source.path, source.url, source.sha256)  # from $BASELINE_KIT_CACHE, or downloaded
    workdir = Path(args.workdir)
    if workdir.exists() and not args.keep:
        shutil.rmtree(workdir / "cache", ignore_errors=True)
        shutil.rmtree(workdir / "runs", ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BASELINE_KIT_CACHE": str(workdir / "cache"), "BASELINE_KIT_PROGRESS": "0"}
    env["PYTHONPATH"] = f"{SOURCE}:{env.get('PYTHONPATH', '')}"
    corpus = workdir / "corpus.txt"
    corpus_bytes = make_corpus(shakespeare, corpus, args.repeat) if {"char", "bpe"} & set(args.parts) else 0
    results = {}
    if "char" in args.parts:
        results["char"] = char_part(workdir, corpus, env)
    if "bpe" in args.parts:
        results["bpe"] = bpe_part(workdir, corpus, env, corpus_bytes)
    if "guide" in args.parts:
        results["guide"] = guide_part(workdir, shakespeare, env, args.guide_steps)
    if "shakespeare" in args.parts:
        if not args.baseline:
            raise SystemExit("the shakespeare part needs --baseline (a source folder of an older kit)")
        data = workdir / "shakespeare-cache"  # Tiny Shakespeare found where both kits look, caches kept apart
        data.mkdir(exist_ok=True)
        if not (data / shakespeare.name).exists():
            (data / shakespeare.name).symlink_to(shakespeare)
        env_shakespeare = {**env, "BASELINE_KIT_CACHE": str(data)}
        results["shakespeare"] = {
            model: {**shakespeare_part(Path(args.baseline), env_shakespeare, args.pairs, args.steps, model),
                    "steps": args.steps}
            for model in args.models
        }
    report(results, corpus_bytes)
    if args.json:
        slim = json.loads(json.dumps(results, default=str))
        for part in slim.values():
            for value in part.values() if isinstance(part, dict) else []:
                if isinstance(value, dict):
                    value.pop("stdout", None)
                    value.pop("stderr", None)
        Path(args.json).write_text(json.dumps(slim, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="char,bpe,guide,shakespeare", type=lambda s: s.split(","))
    parser.add_argument("--workdir", default="/tmp/baseline_kit_scale", help="corpus, token caches and runs")
    parser.add_argument("--keep", action="store_true", help="keep the caches of an earlier invocation")
    parser.add_argument("--repeat", type=int, default=900, help="copies of Tiny Shakespeare in the corpus (900: 1 GB)")
    parser.add_argument("--guide-steps", type=int, default=30, help="steps of the guide example")
    parser.add_argument("--baseline", help="source folder of an older kit, for the shakespeare part")
    parser.add_argument("--pairs", type=int, default=2, help="new/old pairs in the shakespeare part")
    parser.add_argument("--steps", type=int, default=2000, help="steps of each shakespeare run")
    parser.add_argument("--models", default="baseline_decoder", type=lambda s: s.split(","),
                        help="models of the shakespeare part: baseline_decoder, llama or both (comma-separated)")
    parser.add_argument("--json", help="also write the results to this file")
    main(parser.parse_args())
