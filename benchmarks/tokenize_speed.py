"""Token-cache build throughput against a bare `tokenizers` `encode_batch` loop (issue "Tokenize at the speed of the
hardware").

    python benchmarks/tokenize_speed.py                         # every part (about 20-40 minutes on 2 CPU cores)
    python benchmarks/tokenize_speed.py --parts speed --rounds 3
    python benchmarks/tokenize_speed.py --parts cli --rounds 2

Not a test: a measurement script that prints each figure, its target and PASS/FAIL.

- corpus: about 80 MB (`--corpus-mb`) of varied text, written once to `--workdir`: Tiny Shakespeare, then the Python
  sources and docs (`.py .md .rst .txt`) of the installed site-packages in sorted order (UTF-8 files under 1 MB with
  no line over 10,000 characters and no NUL).
- tokenizers: `8k` is `tiny_shakespeare_bpe`'s (8192 + 1 ids, fitted on Tiny Shakespeare), `32k` is fitted by the kit
  (`BPETokenizer`, `base_vocab_size=32768`) on the corpus; both are kept in `--workdir`.
- speed: per round and vocabulary, alternating, each in a fresh process: the token-cache build (`token_cache` into an
  empty cache; the build's seconds from its manifest) and a bare loop (the file read whole, cut with the kit's
  `split_at_line_starts`, `encode_batch` on 64 pieces of 64 KB per call, ids counted); MB/s, ratio, medians. In the
  first round the bare loop keeps its ids and they are compared with the cache's.
- projection: one-thread rates of tiktoken and of `tokenizers` on the corpus's first 8 MB, and the build's rate with
  encoding taken out (reading, hashing, packing, writing, with made-up ids): on N cores the build makes about
  min(that, N x tiktoken's one-thread rate) and the bare loop about N x tokenizers' (both scaling linearly: an upper
  bound for each).
- cli: the issue's done-when check. `python -m baseline_kit train` on the corpus with a 32k BPE: once to fit the
  tokenizer (not timed; it stays cached), then per round a cold run (token caches and remembered file hashes removed)
  and a second run that reuses the cache; the build = cold - warm wall time, against a bare loop with the run folder's
  `tokenizer.json` (target: at most 1/4 of it); the cache's ids against that loop's.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent
MB = 1e6
SUFFIXES = (".py", ".md", ".rst", ".txt")
TARGET_BUILD_SHARE = 0.25  # the build takes at most this share of the bare loop's time


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------- children: each prints one `RESULT {json}` line


def child_kit(tokenizer_path: str, corpus_path: str) -> dict:
    "Build the token cache of `corpus_path` with the kit BPE at `tokenizer_path` (cache: $BASELINE_KIT_CACHE)."
    from baseline_kit.adapter_configs import LocalTextDatasetConfig
    from baseline_kit.data import LocalTextDataset
    from baseline_kit.token_cache import token_cache
    from baseline_kit.tokenization import BPETokenizer

    tokenizer = BPETokenizer.load(tokenizer_path)
    corpus = LocalTextDataset().load(LocalTextDatasetConfig(path=corpus_path))
    start = time.perf_counter()
    cache = token_cache(corpus, tokenizer)
    total = time.perf_counter() - start
    manifest = cache.manifest
    keep = ("seconds", "num_tokens", "dtype", "encoder", "threads")
    return {**{key: manifest.get(key) for key in keep}, "total_s": total, "folder": str(cache.folder)}


def child_bare(tokenizer_path: str, corpus_path: str, ids_out: str) -> dict:
    "A bare `encode_batch` loop over the file; with `ids_out`, its ids are written there (that time not counted)."
    import numpy as np
    from tokenizers import Tokenizer

    from baseline_kit.types import split_at_line_starts

    tokenizer = Tokenizer.from_file(tokenizer_path)
    tokenizer.encode_special_tokens = True  # as the kit's BPE: a special token's text in the data is text
    start, count, excluded, kept = time.perf_counter(), 0, 0.0, []
    text = Path(corpus_path).read_text(encoding="utf-8")
    pieces = split_at_line_starts(text)
    for first in range(0, len(pieces), 64):
        encodings = tokenizer.encode_batch(pieces[first : first + 64], add_special_tokens=False)
        count += sum(len(encoding.ids) for encoding in encodings)
        if ids_out:
            aside = time.perf_counter()
            kept.extend(np.array(encoding.ids, dtype=np.uint32) for encoding in encodings)
            excluded += time.perf_counter() - aside
    seconds = time.perf_counter() - start - excluded
    if ids_out:
        np.concatenate(kept).tofile(ids_out)
    return {"seconds": seconds, "num_tokens": count, "bytes": len(text.encode("utf-8"))}


def child_rates(tokenizer_path: str, corpus_path: str) -> dict:
    "One-thread MB/s of tiktoken and `tokenizers` on the first 8 MB; the build's MB/s without encoding."
    from unittest import mock

    import numpy as np

    from baseline_kit import token_cache as tc
    from baseline_kit.adapter_configs import LocalTextDatasetConfig
    from baseline_kit.data import LocalTextDataset
    from baseline_kit.fast_bpe import FastBPE, fast_encoder
    from baseline_kit.tokenization import BPETokenizer
    from baseline_kit.types import split_at_line_starts

    tokenizer = BPETokenizer.load(tokenizer_path)
    fast, why = fast_encoder(tokenizer)
    if fast is None:
        raise SystemExit(f"no fast path: {why}")
    with open(corpus_path, encoding="utf-8") as f:
        pieces = split_at_line_starts(f.read(8_000_000))
    size = sum(len(piece.encode("utf-8")) for piece in pieces)
    rates = {}
    start = time.perf_counter()
    for piece in pieces:
        fast.encode_arrays([piece])
    rates["tiktoken_1thread"] = size / (time.perf_counter() - start) / MB
    start = time.perf_counter()
    for piece in pieces:
        tokenizer.tokenizer.encode(piece, add_special_tokens=False)  # one text: no parallelism
    rates["tokenizers_1thread"] = size / (time.perf_counter() - start) / MB

    def made_up(self, texts):
        return [np.zeros(len(text) // 4, dtype=np.uint32) for text in texts]

    corpus = LocalTextDataset().load(LocalTextDatasetConfig(path=corpus_path))
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(FastBPE, "encode_arrays", made_up):
        with mock.patch.object(tc._Encoder, "check", lambda self, pieces: None):
            start = time.perf_counter()
            tc._write_tokens(Path(folder), corpus, tokenizer, None)
            rates["build_without_encoding"] = corpus.num_bytes / (time.perf_counter() - start) / MB
    return rates


CHILDREN = {"kit": child_kit, "bare": child_bare, "rates": child_rates}


# ---------------------------------------------------------------- the parent


def run(cmd: list, env: dict, label: str) -> dict:
    "Run `cmd` (python arguments) in a fresh process from a neutral folder: its wall seconds and `RESULT`, if any."
    print(f"[{label}] {' '.join(map(str, cmd))[:150]}", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *map(str, cmd)], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir()
    )
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{label} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    result = json.loads(line[len("RESULT ") :]) if line else {}
    return {**result, "wall_s": wall, "stderr": proc.stderr}


def child(kind: str, *args, env: dict, label: str) -> dict:
    return run([__file__, "--child", kind, *args], env, label)


def thread_scaling(cores: int) -> float:
    "How much faster `cores` threads hash than one (`hashlib` releases the GIL): what this machine gives threads now."
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    data = os.urandom(50_000_000)
    start = time.perf_counter()
    for _ in range(cores):
        hashlib.sha256(data).digest()
    serial = time.perf_counter() - start
    with ThreadPoolExecutor(cores) as pool:
        start = time.perf_counter()
        list(pool.map(lambda _: hashlib.sha256(data).digest(), range(cores)))
    return serial / (time.perf_counter() - start)


def make_corpus(path: Path, shakespeare: Path, megabytes: float) -> int:
    "Write the varied corpus to `path` once (kept if there); its size in bytes."
    if path.is_file():
        return path.stat().st_size
    wanted, files, parts = int(megabytes * MB), 0, [shakespeare.read_text(encoding="utf-8")]
    size = len(parts[0].encode())
    for file in sorted(Path(sysconfig.get_paths()["purelib"]).rglob("*")):
        if size >= wanted:
            break
        if file.suffix not in SUFFIXES or not file.is_file() or file.stat().st_size > 1_000_000:
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "\x00" in text or not text.strip() or max(map(len, text.splitlines() or [""])) > 10_000:
            continue
        parts.append(text)
        size += len(text.encode()) + 1
        files += 1
    path.write_text("\n".join(parts), encoding="utf-8")
    print(f"corpus: Tiny Shakespeare + {files} files of {sysconfig.get_paths()['purelib']}: {size / MB:.1f} MB")
    return path.stat().st_size


def fit_tokenizers(workdir: Path, corpus: Path, shakespeare: Path, vocabs: list) -> dict:
    "The kit BPEs, fitted once and kept in `workdir`: {name: path}."
    from baseline_kit.adapter_configs import BPETokenizerConfig, LocalTextDatasetConfig
    from baseline_kit.data import LocalTextDataset
    from baseline_kit.tokenization import BPETokenizer

    paths = {}
    for name in vocabs:
        path = workdir / f"bpe-{name}.json"
        if not path.is_file():
            source = shakespeare if name == "8k" else corpus
            config = BPETokenizerConfig(base_vocab_size={"8k": 8192, "32k": 32768}[name], num_special_tokens=1)
            start = time.perf_counter()
            tokenizer = BPETokenizer(config).fit(LocalTextDataset().load(LocalTextDatasetConfig(path=str(source))))
            tokenizer.save(path)
            print(f"fitted the {name} BPE on {source.name} in {time.perf_counter() - start:.0f} s", flush=True)
        paths[name] = path
    return paths


def same_ids(cache_folder: Path, ids_file: Path) -> tuple:
    "Whether the cache's ids (its final end-of-text aside) are the bare loop's: `(same, cache count, loop count)`."
    import numpy as np

    manifest = json.loads((cache_folder / "manifest.json").read_text())
    cached = np.fromfile(cache_folder / "tokens.bin", dtype=manifest["dtype"])[:-1]
    bare = np.fromfile(ids_file, dtype=np.uint32)
    return len(cached) == len(bare) and bool(np.array_equal(cached, bare)), len(cached), len(bare)


def speed_part(workdir: Path, corpus: Path, tokenizers: dict, env: dict, rounds: int) -> dict:
    "Alternating token-cache builds and bare loops, per vocabulary; the ids compared in the first round."
    results = {name: {"kit": [], "bare": [], "same": None} for name in tokenizers}
    cache = workdir / "speed-cache"
    for round_ in range(rounds):
        for name, path in tokenizers.items():
            for who in ("kit", "bare") if round_ % 2 == 0 else ("bare", "kit"):
                label = f"{name} {who} (round {round_ + 1})"
                if who == "kit":
                    shutil.rmtree(cache / "tokens", ignore_errors=True)
                    out = child("kit", path, corpus, env={**env, "BASELINE_KIT_CACHE": str(cache)}, label=label)
                    if round_ == 0:
                        kept = workdir / f"cache-{name}"
                        shutil.rmtree(kept, ignore_errors=True)
                        shutil.copytree(out["folder"], kept)
                else:
                    ids = str(workdir / f"bare-{name}.u32") if round_ == 0 else ""
                    out = child("bare", path, corpus, ids, env=env, label=label)
                results[name][who].append(out)
        if round_ == 0:
            for name in tokenizers:
                results[name]["same"] = same_ids(workdir / f"cache-{name}", workdir / f"bare-{name}.u32")
    for name, path in tokenizers.items():
        results[name]["rates"] = child("rates", path, corpus, env=env, label=f"{name} one-thread rates")
    return results


def config_file(workdir: Path, name: str, corpus: Path, vocab: int) -> Path:
    "A config JSON: a small model on `corpus` with a `vocab` BPE, 1 step, 1 evaluation batch, no samples or plots."
    from baseline_kit.experiments import get_experiment

    config = json.loads(get_experiment("tiny_shakespeare").to_json())
    config["run"].update(name=name, artifacts_root=str(workdir / "runs"), device="cpu", checkpoint_every_n_steps=1000)
    config["dataset"] = {"name": "local_text", "path": str(corpus)}
    config["tokenizer"] = {"name": "bpe", "base_vocab_size": vocab, "num_special_tokens": 1}
    config["model"].update(d_model=64, n_heads=2, layers=1)
    config["train"].update(max_steps=1, batch_size=4, eval_batches=1, sample_tokens=0, live_plot=False)
    path = workdir / f"{name}.json"
    path.write_text(json.dumps(config, indent=1))
    return path


def cli_part(workdir: Path, corpus: Path, env: dict, rounds: int, vocab: int) -> dict:
    "The done-when check through `python -m baseline_kit train`: cold minus warm run against a bare loop."
    cache = workdir / "cli-cache"
    env = {**env, "BASELINE_KIT_CACHE": str(cache)}
    shutil.rmtree(workdir / "runs", ignore_errors=True)
    train = ["-m", "baseline_kit", "train"]
    fit = run([*train, config_file(workdir, "cli-fit", corpus, vocab)], env, "cli: fit the tokenizer (not timed)")
    rows = []
    for round_ in range(rounds):
        shutil.rmtree(cache / "tokens", ignore_errors=True)
        shutil.rmtree(cache / "file-hashes", ignore_errors=True)
        cold = run([*train, config_file(workdir, f"cli-cold-{round_}", corpus, vocab)], env, f"cli cold {round_ + 1}")
        warm = run([*train, config_file(workdir, f"cli-warm-{round_}", corpus, vocab)], env, f"cli warm {round_ + 1}")
        tokenizer = workdir / "runs" / f"cli-cold-{round_}" / "tokenizer.json"
        ids = str(workdir / "cli-bare.u32") if round_ == 0 else ""
        bare = child("bare", tokenizer, corpus, ids, env=env, label=f"cli bare loop {round_ + 1}")
        rows.append({"cold": cold["wall_s"], "warm": warm["wall_s"], "bare": bare["seconds"]})
        if round_ == 0:
            (folder,) = [p.parent for p in (cache / "tokens").glob("*/manifest.json")]
            manifest = json.loads((folder / "manifest.json").read_text())
            rows[-1]["manifest"] = {key: manifest.get(key) for key in ("seconds", "num_tokens", "encoder", "threads")}
            same = same_ids(folder, workdir / "cli-bare.u32")
    return {"fit_wall_s": fit["wall_s"], "rows": rows, "same": same, "stderr": cold["stderr"]}


def listed(values: list) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def report(results: dict, corpus_bytes: int, cores: int):
    mb = corpus_bytes / MB
    print(f"\n== results (corpus {mb:.1f} MB, {cores} cores, load average now {os.getloadavg()[0]:.1f}) ==")
    print(
        f"{cores} threads hashing / one thread: {results['scaling'][0]:.2f}x at the start, {thread_scaling(cores):.2f}x"
        f" now (about {cores}x on an idle machine; about 1x when other jobs take the other cores)"
    )
    for name, res in results.get("speed", {}).items():
        kit = [mb / r["seconds"] for r in res["kit"]]
        bare = [mb / r["seconds"] for r in res["bare"]]
        ratios = [k / b for k, b in zip(kit, bare)]
        first = res["kit"][0]
        print(
            f"{name} BPE: token-cache build {statistics.median(kit):.2f} MB/s (rounds {listed(kit)};"
            f" {first['encoder']} on {first['threads']} threads), bare encode_batch loop {statistics.median(bare):.2f}"
            f" MB/s (rounds {listed(bare)}); ratio median {statistics.median(ratios):.2f} (rounds {listed(ratios)})"
        )
        same, cached, looped = res["same"]
        print(
            f"    ids: cache {cached:,} (its final end-of-text aside), bare loop {looped:,}: identical {verdict(same)}"
        )
        rates = res["rates"]
        tik, hf, serial = rates["tiktoken_1thread"], rates["tokenizers_1thread"], rates["build_without_encoding"]
        kit16, bare16 = min(serial, 16 * tik), 16 * hf
        print(
            f"    one thread: tiktoken {tik:.2f} MB/s, tokenizers {hf:.2f} MB/s ({tik / hf:.1f}x); build without"
            f" encoding {serial:.0f} MB/s"
        )
        print(
            f"    {cores}-core efficiency: build {statistics.median(kit) / min(serial, cores * tik):.2f} of"
            f" min(serial, {cores} x tiktoken), bare loop {statistics.median(bare) / (cores * hf):.2f} of {cores} x"
            f" tokenizers"
        )
        print(
            f"    projection for 16 cores: build ~{kit16:.0f} MB/s, bare loop ~{bare16:.0f} MB/s,"
            f" ratio ~{kit16 / bare16:.1f}"
        )
    if "cli" in results:
        cli = results["cli"]
        print(f"cli (32k BPE fitted by the run: {cli['fit_wall_s']:.0f} s for the first run, not counted):")
        for i, row in enumerate(cli["rows"]):
            build = row["cold"] - row["warm"]
            share = build / row["bare"]
            print(
                f"    round {i + 1}: cold run {row['cold']:.1f} s, warm run {row['warm']:.1f} s, build {build:.1f} s"
                f" ({mb / build:.1f} MB/s); bare loop {row['bare']:.1f} s ({mb / row['bare']:.2f} MB/s); build / bare"
                f" {share:.3f}  [target <= {TARGET_BUILD_SHARE}] {verdict(share <= TARGET_BUILD_SHARE)}"
            )
            if "manifest" in row:
                print(f"    manifest: {row['manifest']}")
        same, cached, looped = cli["same"]
        print(
            f"    ids: cache {cached:,}, bare loop with the run's tokenizer.json {looped:,}: identical {verdict(same)}"
        )
        said = [line for line in cli["stderr"].splitlines() if "token cache is built with" in line]
        print(f"    fallback lines in the cold run: {said or 'none'}")


def main(args):
    from baseline_kit.data import resolve_data_file
    from baseline_kit.experiments import tiny_shakespeare_dataset

    source = tiny_shakespeare_dataset()
    shakespeare = resolve_data_file(source.path, source.url, source.sha256)  # from $BASELINE_KIT_CACHE
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BASELINE_KIT_PROGRESS": "0", "BASELINE_KIT_CACHE": str(workdir / "cache")}
    env["PYTHONPATH"] = f"{SOURCE}:{env.get('PYTHONPATH', '')}"
    os.environ["BASELINE_KIT_CACHE"] = str(workdir / "fit-cache")  # this process fits the tokenizers
    corpus = workdir / "corpus.txt"
    corpus_bytes = make_corpus(corpus, shakespeare, args.corpus_mb)
    cores = len(os.sched_getaffinity(0))
    print(f"{cores} cores, load average {os.getloadavg()[0]:.1f}; corpus {corpus_bytes / MB:.1f} MB", flush=True)
    results = {"scaling": [thread_scaling(cores)]}
    if "speed" in args.parts:
        tokenizers = fit_tokenizers(workdir, corpus, shakespeare, args.vocabs)
        results["speed"] = speed_part(workdir, corpus, tokenizers, env, args.rounds)
    if "cli" in args.parts:
        results["cli"] = cli_part(workdir, corpus, env, args.rounds, 32768)
    report(results, corpus_bytes, cores)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="speed,cli", type=lambda s: s.split(","), help="speed, cli or both")
    parser.add_argument("--workdir", default="/tmp/baseline_kit_tokenize", help="corpus, tokenizers, caches, runs")
    parser.add_argument("--corpus-mb", type=float, default=80, help="size of the varied corpus (written once)")
    parser.add_argument("--vocabs", default="8k,32k", type=lambda s: s.split(","), help="8k, 32k or both")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(CHILDREN[args.child](*args.args)))
    else:
        main(args)
