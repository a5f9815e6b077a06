"""GPU training throughput at GPT-2 124M scale: tokens/s, MFU and peak memory of the kit, and of nanoGPT's `train.py`.

    python benchmarks/gpu.py                                   # baseline_decoder and llama, 2 rounds of 60 steps
    NANOGPT_DIR=/path/to/nanoGPT python benchmarks/gpu.py      # + nanoGPT's train.py, alternating in each round
    python benchmarks/gpu.py --text corpus.txt --batch-size 32 --steps 100 --rounds 3
    NANOGPT_DIR=/path/to/nanoGPT python benchmarks/gpu.py --smoke   # tiny CPU run of every code path (< 1 min)

Not a test: a measurement script. Shape: GPT-2 124M (12 layers, d_model 768, 12 heads, context 1024), batch
`--batch-size` windows, bf16 autocast, `torch.compile`, trained through the kit itself (`model_pipeline`) with the
`baseline_decoder` and `llama` models (llama at the same width, depth and heads, its defaults otherwise). Each run is a
fresh subprocess bounded by `--timeout`. For each run: the median of the logged `train/tokens_per_sec` (and, when the
kit logs them, `train/mfu` and `train/peak_memory_gb`), leaving out the first two log windows (compile, warm-up), and
`torch.cuda.max_memory_allocated()` of the whole process.

Tokenizer: GPT-2's embedding and output layer have 50257 rows, which a BPE fitted on a small text (Tiny Shakespeare
by default) never reaches. The script registers a tokenizer adapter, `gpt2_sized`, the way users add one: the kit's
byte-level BPE fitted on the text (asked for 50257 ids) that reports `vocab_size` 50257 whatever the BPE reached. The
models then have GPT-2's shapes; ids above the BPE's own vocabulary never occur, which changes no FLOP or byte of the
step (the loss covers the 50257 real rows either way), only the text the model can emit.

nanoGPT (`NANOGPT_DIR`: a checkout with `train.py`, `model.py`, `configurator.py`, run unmodified): the kit's own
training and validation token streams are written as `data/kitbench/{train,val}.bin` (uint16) in a temporary folder,
with a `meta.pkl` giving it as many embedding rows as the kit's model has (the kit pads its vocabulary for GPU
matmuls where it does so; nanoGPT's default is 50304), and `train.py` runs there with the same shape, batch, bf16
and compile, `bias=False` (the kit's `baseline_decoder` default), no gradient accumulation, no evaluation but its
first, 2-batch one. tokens/s is batch x context over the median of its printed per-iteration times after the first 10
iterations; MFU is computed here with the FLOPs per token and the peak FLOP/s the kit uses (nanoGPT's own printed MFU
is relative to an A100); peak memory is `torch.cuda.max_memory_allocated()` printed by a small `runpy` wrapper.

Rounds run kit `baseline_decoder`, nanoGPT, kit `llama`, in that order; the report gives each round, the medians,
kit/nanoGPT ratios, and a markdown table for benchmarks/README.md. Targets (on an H100): `baseline_decoder` tokens/s
>= 1.0x nanoGPT's, MFU >= 45%. Data and the fitted tokenizer live under `$BASELINE_KIT_CACHE` (Tiny Shakespeare is
downloaded there if missing).
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from baseline_kit.registry import register_tokenizer_adapter

GPT2_VOCAB = 50257
SKIP_LOG_RECORDS = 2  # kit: log windows left out of the medians (the first holds the compile)
SKIP_NANOGPT_ITERS = 10  # nanoGPT: iterations left out (its first evaluation and the compile)
TARGETS = {"speed_ratio": 1.0, "mfu": 0.45}
FULL = {"layers": 12, "d_model": 768, "n_heads": 12, "seq_len": 1024, "precision": "bf16", "compile": True}
SMOKE = {"layers": 2, "d_model": 64, "n_heads": 2, "seq_len": 64, "precision": "fp32", "compile": False}
MODELS = ("baseline_decoder", "llama")


class GPT2Sized:
    "The kit's BPE tokenizer with GPT-2's id range: `vocab_size` is 50257 (or the BPE's own, if larger)."

    def __init__(self, bpe):
        self.bpe = bpe

    @property
    def vocab_size(self) -> int:
        return max(GPT2_VOCAB, self.bpe.vocab_size)

    @property
    def eot_id(self):
        return self.bpe.eot_id

    def encode(self, text):
        return self.bpe.encode(text)

    def encode_batch(self, texts):
        return self.bpe.encode_batch(texts)

    def encode_arrays(self, texts):
        return self.bpe.encode_arrays(texts)

    def decode(self, ids):
        return self.bpe.decode(ids)

    def token_byte_lengths(self):
        "Bytes per id; the ids the BPE never reached stand for no text."
        import numpy as np

        lengths = self.bpe.token_byte_lengths()
        return np.concatenate([lengths, np.zeros(self.vocab_size - len(lengths), dtype=lengths.dtype)])

    def save(self, path):
        self.bpe.save(path)


class GPT2SizedAdapter:
    "Fits the kit's BPE (config: a `BPETokenizerConfig` named `gpt2_sized`) and widens its id range to GPT-2's."

    def fit(self, cfg, corpus):
        from baseline_kit.tokenization import BPETokenizer

        return GPT2Sized(BPETokenizer(cfg).fit(corpus))

    def load(self, path):
        from baseline_kit.tokenization import BPETokenizer

        return GPT2Sized(BPETokenizer.load(path))


register_tokenizer_adapter("gpt2_sized", GPT2SizedAdapter())


def shape(args) -> dict:
    return {**(SMOKE if args.smoke else FULL), "batch_size": args.batch_size, "steps": args.steps}


def experiment(args, model: str, root: str):
    "The benchmark run of `model` through the kit, its artifacts in `root`."
    from baseline_kit.config import (
        BaselineDecoderConfig,
        BPETokenizerConfig,
        ExperimentConfig,
        LlamaDecoderConfig,
        LocalTextDatasetConfig,
        LoggingConfig,
        RunConfig,
        TrainConfig,
    )
    from baseline_kit.experiments import tiny_shakespeare_dataset

    s = shape(args)
    dataset = LocalTextDatasetConfig(path=str(Path(args.text).resolve())) if args.text else tiny_shakespeare_dataset()
    size = {"layers": s["layers"], "d_model": s["d_model"], "n_heads": s["n_heads"], "dropout": 0.0}
    model_config = BaselineDecoderConfig(**size) if model == "baseline_decoder" else LlamaDecoderConfig(**size)
    return ExperimentConfig(
        run=RunConfig(
            name=f"gpu-{model}",
            artifacts_root=root,
            device="cpu" if args.smoke else "cuda",
            overwrite=True,
            checkpoint_every_n_steps=s["steps"] + 1,
        ),
        dataset=dataset,
        tokenizer=BPETokenizerConfig(name="gpt2_sized", base_vocab_size=GPT2_VOCAB - 1, num_special_tokens=1),
        model=model_config,
        train=TrainConfig(
            max_steps=s["steps"],
            batch_size=s["batch_size"],
            seq_len=s["seq_len"],
            precision=s["precision"],
            compile=s["compile"],
            log_interval=args.log_interval,
            eval_interval=s["steps"] + 1,
            eval_batches=2,
            sample_tokens=0,
            live_plot=False,
        ),
        logging=LoggingConfig(provider="console"),
    )


def embedding_rows(model) -> int:
    "Rows of the model's token embedding (the widest `nn.Embedding`): the vocabulary, padded if the kit pads it."
    import torch

    return max(m.num_embeddings for m in model.modules() if isinstance(m, torch.nn.Embedding))


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def write_nanogpt_data(config, tokenizer, rows: int, folder: Path):
    "The kit's training and validation token streams as nanoGPT's `train.bin`/`val.bin` (uint16), and its `meta.pkl`."
    import pickle

    import numpy as np

    from baseline_kit.preparation import prepare_data

    data = prepare_data(config, tokenizer=tokenizer)  # the same cache, split and streams the run trained on
    folder.mkdir(parents=True, exist_ok=True)
    for name, loader in (("train", data.train), ("val", data.val)):
        tokens = loader.tokens.to_tensor().numpy()
        assert tokens.max() < 1 << 16, "nanoGPT reads uint16 ids"
        tokens.astype(np.uint16).tofile(folder / f"{name}.bin")
    (folder / "meta.pkl").write_bytes(pickle.dumps({"vocab_size": rows}))
    return {"train_tokens": len(data.train.tokens), "val_tokens": len(data.val.tokens)}


def child(args):
    "Train one kit model in this process; print one RESULT line of JSON."
    import torch

    from baseline_kit.performance import flops_per_token, peak_flops
    from baseline_kit.runtime import autocast_dtype
    from baseline_kit.train import model_pipeline

    with tempfile.TemporaryDirectory(prefix="kit-", dir=args.tmp) as root:
        config = experiment(args, args.model, root)
        result = model_pipeline(config)
        logs = [r for r in result.history if "train/tokens_per_sec" in r]
        steady = logs[SKIP_LOG_RECORDS:] or logs[-1:]
        device = next(result.model.parameters()).device
        flops = flops_per_token(result.model, config.train.seq_len)
        peak, peak_source = peak_flops(device, autocast_dtype(device, config.train.precision))
        rows = embedding_rows(result.model)
        out = {
            "model": args.model,
            "tokens_per_sec": statistics.median(r["train/tokens_per_sec"] for r in steady),
            "kit_mfu": median_or_none(r.get("train/mfu") for r in steady),  # a fraction of the peak
            "kit_peak_memory_gb": median_or_none(r.get("train/peak_memory_gb") for r in steady),
            "process_peak_memory_gb": torch.cuda.max_memory_allocated(device) / 1e9 if device.type == "cuda" else None,
            "log_steps": [r["step"] for r in steady],
            "flops_per_token": flops,
            "flops_source": "baseline_kit.performance.flops_per_token",
            "peak_flops": peak,
            "peak_source": peak_source,
            "params": sum(p.numel() for p in result.model.parameters()),
            "embedding_rows": rows,
            "vocab_size": result.tokenizer.vocab_size,
            "bpe_vocab_size": result.tokenizer.bpe.vocab_size,
            "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
            "torch": torch.__version__,
            "final_loss": result.last("train/loss"),
        }
        if args.nanogpt_data:
            out["nanogpt_data"] = write_nanogpt_data(config, result.tokenizer, rows, Path(args.nanogpt_data))
    print("RESULT " + json.dumps(out), flush=True)


def run_bounded(command: list, timeout: float, **kwargs) -> tuple:
    "Run `command` in its own process group; `(returncode, stdout, stderr)`, killing the whole group after `timeout` s."
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group we started: the run and its compile workers
        out, err = proc.communicate()
        return None, out, err + f"\n(killed after the {timeout:.0f} s timeout)"


def run_kit(args, model: str, root: Path, nanogpt_data: Path | None = None) -> dict:
    "One kit run in a fresh process."
    command = [sys.executable, __file__, "--child", "--model", model, "--tmp", str(root)] + passthrough(args)
    command += ["--nanogpt-data", str(nanogpt_data)] if nanogpt_data else []
    env = {**os.environ, "BASELINE_KIT_PROGRESS": "0"}
    code, out, err = run_bounded(command, args.timeout, env=env)
    line = next((l for l in out.splitlines() if l.startswith("RESULT ")), None)
    if code != 0 or line is None:
        return {"error": f"kit {model} failed (exit {code}):\n{out[-2000:]}\n{err[-3000:]}"}
    return json.loads(line[len("RESULT ") :])


def nanogpt_folder(root: Path, nanogpt_dir: Path) -> Path:
    "A folder holding nanoGPT's three files (copied unmodified), `data/kitbench/` and a `runpy` wrapper."
    folder = root / "nanogpt"
    folder.mkdir()
    for name in ("train.py", "model.py", "configurator.py"):
        shutil.copy(nanogpt_dir / name, folder / name)
    (folder / "wrapper.py").write_text(
        "import runpy, sys\n"
        "sys.argv = ['train.py'] + sys.argv[1:]\n"
        "sys.path.insert(0, '.')\n"
        "runpy.run_path('train.py', run_name='__main__')\n"
        "import torch\n"
        "if torch.cuda.is_available():\n"
        "    print('PEAK_MEMORY_BYTES', torch.cuda.max_memory_allocated(), flush=True)\n"
    )
    return folder


def run_nanogpt(args, folder: Path) -> dict:
    "nanoGPT's train.py with the benchmark's shape on the kit's tokens."
    s = shape(args)
    device = (
        ["--device=cpu", "--compile=False", "--dtype=float32"]
        if args.smoke
        else ["--device=cuda", "--compile=True", "--dtype=bfloat16"]
    )
    command = [
        sys.executable,
        "wrapper.py",
        "--dataset=kitbench",
        f"--batch_size={s['batch_size']}",
        f"--block_size={s['seq_len']}",
        f"--n_layer={s['layers']}",
        f"--n_head={s['n_heads']}",
        f"--n_embd={s['d_model']}",
        "--dropout=0.0",
        "--bias=False",
        "--gradient_accumulation_steps=1",
        f"--max_iters={s['steps']}",
        "--learning_rate=0.001",
        "--min_lr=0.0001",
        "--beta2=0.99",
        "--warmup_iters=100",
        f"--lr_decay_iters={max(s['steps'], 101)}",
        "--eval_interval=100000000",
        "--eval_iters=2",
        "--log_interval=1",
        "--always_save_checkpoint=False",
        f"--out_dir={folder / 'out'}",
    ] + device
    code, out, err = run_bounded(command, args.timeout, cwd=folder)
    if code != 0:
        return {"error": f"nanoGPT failed (exit {code}):\n{out[-2000:]}\n{err[-3000:]}"}
    times = [(int(i), float(ms)) for i, ms in re.findall(r"iter (\d+): loss \S+, time ([\d.]+)ms", out)]
    steady = [ms for i, ms in times if i >= SKIP_NANOGPT_ITERS]
    if not steady:
        return {"error": f"nanoGPT printed no iteration after {SKIP_NANOGPT_ITERS}:\n{out[-2000:]}"}
    ms = statistics.median(steady)
    peak = re.search(r"PEAK_MEMORY_BYTES (\d+)", out)
    vocab = re.search(r"found vocab_size = (\d+)", out)
    return {
        "tokens_per_sec": 1000 * s["batch_size"] * s["seq_len"] / ms,
        "ms_per_iter": ms,
        "iters": len(steady),
        "process_peak_memory_gb": int(peak.group(1)) / 1e9 if peak else None,
        "embedding_rows": int(vocab.group(1)) if vocab else None,
    }


def passthrough(args) -> list:
    "The options a child run needs."
    out = ["--batch-size", str(args.batch_size), "--steps", str(args.steps), "--log-interval", str(args.log_interval)]
    return out + (["--text", args.text] if args.text else []) + (["--smoke"] if args.smoke else [])


def fmt(value, spec: str, missing: str = "n/a") -> str:
    return missing if value is None else format(value, spec)


def times(value) -> str:
    return "n/a" if value is None else f"{value:.3f}x"


def pct(fraction) -> str:
    return "n/a" if fraction is None else f"{100 * fraction:.1f}%"


def mfu_of(result: dict, flops, peak):
    "The kit's MFU of a result's tokens/s."
    from baseline_kit.performance import mfu

    return mfu(flops, result["tokens_per_sec"], peak)


def nanogpt_flops(reference, result: dict, s: dict):
    "nanoGPT's FLOPs per token: the kit baseline_decoder's (the same network), plus 6 per extra embedding weight."
    if reference is None:
        return None
    extra = (result.get("embedding_rows") or reference["embedding_rows"]) - reference["embedding_rows"]
    return reference["flops_per_token"] + 6 * extra * s["d_model"]


def summarise(rounds: list, systems: list) -> dict:
    "Per system: medians over the rounds that succeeded."
    summary = {}
    for system in systems:
        ok = [r[system] for r in rounds if system in r and "error" not in r[system]]
        summary[system] = {
            "runs": len(ok),
            "tokens_per_sec": median_or_none(r["tokens_per_sec"] for r in ok),
            "mfu": median_or_none(r.get("mfu") for r in ok),
            "peak_gb": median_or_none(r.get("peak_gb") for r in ok),
            "per_round": [r["tokens_per_sec"] for r in ok],
        }
    return summary


def ratio(a, b):
    return None if a is None or not b else a / b


def main(args):
    nanogpt_dir = os.environ.get("NANOGPT_DIR")
    if nanogpt_dir:
        nanogpt_dir = Path(nanogpt_dir).expanduser().resolve()
        missing = [n for n in ("train.py", "model.py", "configurator.py") if not (nanogpt_dir / n).is_file()]
        if missing:
            raise SystemExit(f"NANOGPT_DIR={nanogpt_dir} lacks {', '.join(missing)}")
    models = [m for m in args.models.split(",") if m]
    systems = ([models[0]] if models else []) + (["nanogpt"] if nanogpt_dir else []) + models[1:]
    s = shape(args)
    print(
        f"shape: {s['layers']} layers, d_model {s['d_model']}, {s['n_heads']} heads, context {s['seq_len']}, "
        f"batch {s['batch_size']}, {s['steps']} steps, {s['precision']}, compile={s['compile']}; "
        f"systems per round: {', '.join(systems)}; {args.rounds} round(s); timeout {args.timeout:.0f} s per run",
        flush=True,
    )
    rounds, notes, info = [], [], {}
    with tempfile.TemporaryDirectory(prefix="gpu-bench-") as tmp:
        root = Path(tmp)
        folder = nanogpt_folder(root, nanogpt_dir) if nanogpt_dir else None
        data = folder / "data" / "kitbench" if folder else None
        for index in range(args.rounds):
            results = {}
            for system in systems:
                if system == "nanogpt":
                    if not (data / "train.bin").is_file():
                        result = {"error": "no token files: the kit run that writes them failed"}
                    else:
                        result = run_nanogpt(args, folder)
                else:
                    write = data if data is not None and not (data / "train.bin").is_file() else None
                    result = run_kit(args, system, root, write)
                    if "error" not in result:
                        info.setdefault("kit", result)
                        result["mfu"] = result["kit_mfu"] or mfu_of(
                            result, result["flops_per_token"], result["peak_flops"]
                        )
                        # the same measure as nanoGPT's where there is one (GPU); else the kit's metric (CPU: RSS)
                        result["peak_gb"] = result["process_peak_memory_gb"] or result["kit_peak_memory_gb"]
                        if system == "baseline_decoder":
                            info["reference"] = result  # its FLOPs per token and peak are nanoGPT's too
                results[system] = result
                if "error" in result:
                    notes.append(f"round {index + 1} {system}: {result['error']}")
                    print(f"  round {index + 1} {system:16s} FAILED (see the notes at the end)", flush=True)
                    continue
                if system == "nanogpt":
                    result["mfu"] = mfu_of(
                        result, nanogpt_flops(info.get("reference"), result, s), info.get("kit", {}).get("peak_flops")
                    )
                    result["peak_gb"] = result["process_peak_memory_gb"]
                logged = result.get("kit_peak_memory_gb") is not None and result.get("process_peak_memory_gb")
                print(
                    f"  round {index + 1} {system:16s} {result['tokens_per_sec']:12,.0f} tokens/s  "
                    f"MFU {pct(result.get('mfu')):>6s}  "
                    f"peak {fmt(result.get('peak_gb'), '.2f')} GB"
                    + (f" (kit's train/peak_memory_gb {result['kit_peak_memory_gb']:.2f})" if logged else ""),
                    flush=True,
                )
            rounds.append(results)
    summary = summarise(rounds, systems)
    report(args, rounds, systems, summary, info, notes, bool(nanogpt_dir))
    if args.json:
        Path(args.json).write_text(json.dumps({"rounds": rounds, "summary": summary, "notes": notes}, indent=1))


def report(args, rounds, systems, summary, info, notes, with_nanogpt: bool):
    "Print the per-round figures, medians, ratios, targets and a markdown table."
    kit = info.get("kit", {})
    print("\n== results ==")
    print(
        f"device: {kit.get('device', '?')}; torch {kit.get('torch', '?')}; "
        f"{'smoke (tiny CPU shape)' if args.smoke else 'GPT-2 124M shape'}"
    )
    if kit:
        print(
            f"vocabulary: {kit['vocab_size']} ids reported (the BPE fitted on the text reached "
            f"{kit['bpe_vocab_size']}); embedding rows {kit['embedding_rows']}; "
            f"FLOPs/token {kit['flops_per_token']:.4g} ({kit['flops_source']}); "
            f"peak {fmt(kit['peak_flops'], '.4g')} FLOP/s ({kit['peak_source']})"
        )
    nano = summary.get("nanogpt", {})
    for system in systems:
        row = summary[system]
        if not row["runs"]:
            print(f"{system}: no successful run")
            continue
        line = (
            f"{system}: median {row['tokens_per_sec']:,.0f} tokens/s (rounds: "
            f"{', '.join(f'{t:,.0f}' for t in row['per_round'])}), MFU {pct(row['mfu'])}, "
            f"peak {fmt(row['peak_gb'], '.2f')} GB"
        )
        if system != "nanogpt" and nano.get("runs"):
            pairs = [
                ratio(r[system]["tokens_per_sec"], r["nanogpt"]["tokens_per_sec"])
                for r in rounds
                if "error" not in r.get(system, {"error": 1}) and "error" not in r.get("nanogpt", {"error": 1})
            ]
            line += (
                f"\n    kit/nanoGPT: tokens/s {times(ratio(row['tokens_per_sec'], nano['tokens_per_sec']))} "
                f"(per round {', '.join(f'{p:.3f}' for p in pairs)}), MFU {times(ratio(row['mfu'], nano['mfu']))}, "
                f"peak memory {times(ratio(row['peak_gb'], nano['peak_gb']))}"
            )
        print(line)
    decoder = summary.get("baseline_decoder", {})
    if decoder.get("runs") and nano.get("runs"):
        speed = ratio(decoder["tokens_per_sec"], nano["tokens_per_sec"])
        print(
            f"target: baseline_decoder tokens/s >= {TARGETS['speed_ratio']}x nanoGPT's: {speed:.3f}x "
            f"{'PASS' if speed >= TARGETS['speed_ratio'] else 'FAIL'}"
        )
    elif not with_nanogpt:
        print("(set NANOGPT_DIR to a nanoGPT checkout to compare with its train.py)")
    for system in systems:
        mfu = summary[system]["mfu"]
        if system != "nanogpt" and mfu is not None:
            h100 = "H100" in kit.get("device", "")
            print(
                f"target: {system} MFU >= {100 * TARGETS['mfu']:.0f}% on an H100: {100 * mfu:.1f}% "
                f"{'PASS' if mfu >= TARGETS['mfu'] else 'FAIL'}{'' if h100 else ' (not an H100: indicative only)'}"
            )
    print("\nmarkdown (benchmarks/README.md):\n")
    print("| system | tokens/s (median) | per round | MFU | peak memory GB | tokens/s vs nanoGPT |")
    print("|---|---|---|---|---|---|")
    for system in systems:
        row = summary[system]
        if not row["runs"]:
            print(f"| {system} | failed | | | | |")
            continue
        versus = ratio(row["tokens_per_sec"], nano.get("tokens_per_sec")) if system != "nanogpt" else None
        print(
            f"| {'nanoGPT `train.py`' if system == 'nanogpt' else f'kit `{system}`'} | {row['tokens_per_sec']:,.0f} | "
            f"{', '.join(f'{t:,.0f}' for t in row['per_round'])} | {pct(row['mfu'])} | "
            f"{fmt(row['peak_gb'], '.2f')} | {'—' if system == 'nanogpt' else times(versus)} |"
        )
    print(
        f"\n({kit.get('device', '?')}, torch {kit.get('torch', '?')}, batch {args.batch_size}, "
        f"{args.steps} steps per run, "
        f"{args.rounds} round(s); peak memory: `torch.cuda.max_memory_allocated()` of each run's process, "
        f"kit and nanoGPT alike; MFU: the kit's `train/mfu` where logged, else computed here)"
    )
    for note in notes:
        print(f"\nNOTE {note}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", help="text file to train on (default: Tiny Shakespeare from $BASELINE_KIT_CACHE)")
    parser.add_argument("--batch-size", type=int, default=None, help="windows per step (default 16; --smoke: 8)")
    parser.add_argument("--steps", type=int, default=None, help="optimizer steps per run (default 60; --smoke: 12)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of kit baseline_decoder, nanoGPT, kit llama")
    parser.add_argument("--models", default=",".join(MODELS), help="kit models, comma-separated (the first runs first)")
    parser.add_argument("--timeout", type=float, default=240, help="seconds allowed per run (each kit or nanoGPT run)")
    parser.add_argument("--smoke", action="store_true", help="tiny CPU shape, fp32, no compile: checks the plumbing")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--log-interval", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--nanogpt-data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.batch_size = args.batch_size or (8 if args.smoke else 16)
    args.steps = args.steps or (12 if args.smoke else 60)
    args.log_interval = args.log_interval or (2 if args.smoke else 10)
    child(args) if args.child else main(args)
