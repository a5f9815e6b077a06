"""Speed and memory of the chunked loss (`baseline_kit.losses.linear_cross_entropy`) against the plain one.

    python benchmarks/loss_memory.py                 # tokens/s on Tiny Shakespeare's shapes; peak RSS on the guide's
    python benchmarks/loss_memory.py --guide-run     # + the guide's whole example run on Tiny Shakespeare (minutes)

"plain" is the loss as the models computed it before: `F.cross_entropy` of all the logits at once, patched into the
model module in place of `linear_cross_entropy`; "chunked" is the kit's. (The old forward also returned those logits,
and the training loop kept them until the next step's forward pass returned, so the old code peaked higher still
than "plain"; benchmarks/README.md has a run of the old commit.)

- speed: `baseline_decoder` of the `tiny_shakespeare` experiment (batch 12 x 64 tokens, 65 characters, bf16 autocast
  where the CPU has it, AdamW, clipping, as the training loop does), random tokens; blocks of `--steps` steps of each
  loss alternate in one process, order swapped every repeat; the median of the per-repeat tokens/s ratios. These
  logits (768 x 65) fit in one chunk, which `linear_cross_entropy` computes the plain way: the two run the same
  operations, so the ratio shows the machine's noise.
- memory: the guide's model (`examples/guide_experiment.py`: d_model 128, 8 heads, 2 layers, batch 256 x 128 tokens,
  a 10,003-token BPE vocabulary), 3 training steps on random tokens and one evaluation batch, in a fresh process
  per loss; peak RSS (`ru_maxrss`).
- `--guide-run`: `model_pipeline` on the guide's config, unchanged, over Tiny Shakespeare (1.1 MB), in a fresh
  process per loss; peak RSS, user and system CPU seconds, wall time.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's baseline_kit, not another installed one
LOSSES = ("plain", "chunked")


def use_loss(name: str):
    "Make the models compute their loss the `name` way."
    import torch.nn.functional as F
    from baseline_kit.losses import linear_cross_entropy
    from baseline_kit.models import baseline_decoder, llama

    def plain(hidden, weight, targets, bias=None):
        logits = F.linear(hidden, weight, bias)
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))

    for module in (baseline_decoder, llama):
        module.linear_cross_entropy = plain if name == "plain" else linear_cross_entropy


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def train_steps(model, batch, seq_len, vocab_size, steps, seed=0):
    "`steps` training steps as the kit's loop takes them, on random tokens; seconds taken."
    import torch
    from baseline_kit.config import TrainConfig
    from baseline_kit.optimization import build_optimizer
    from baseline_kit.runtime import autocast, autocast_dtype

    device = torch.device("cpu")
    dtype = autocast_dtype(device, "auto")
    if not hasattr(model, "bench_optimizer"):
        model.bench_optimizer = build_optimizer(model, TrainConfig(), device)
    generator = torch.Generator().manual_seed(seed)
    tokens = torch.randint(0, vocab_size, (steps, batch, seq_len + 1), generator=generator)
    start = time.perf_counter()
    for x, y in zip(tokens[:, :, :-1], tokens[:, :, 1:]):
        with autocast(device, dtype):
            _, loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        model.bench_optimizer.step()
        model.bench_optimizer.zero_grad(set_to_none=True)
    return time.perf_counter() - start


def speed(args) -> dict:
    "Alternating blocks of training steps with each loss, Tiny Shakespeare's shapes; tokens/s and their ratios."
    import torch
    from baseline_kit.experiments import get_experiment
    from baseline_kit.models.baseline_decoder import BaselineDecoder

    config = get_experiment("tiny_shakespeare")
    batch, seq_len, vocab_size = config.train.batch_size, config.train.seq_len, 65
    torch.manual_seed(0)
    model = BaselineDecoder(config.model, vocab_size, seq_len)
    tps = {name: [] for name in LOSSES}
    for name in LOSSES:  # warm-up: allocator, kernels, optimizer state
        use_loss(name)
        train_steps(model, batch, seq_len, vocab_size, 20)
    for repeat in range(args.repeats):
        for name in LOSSES if repeat % 2 == 0 else LOSSES[::-1]:
            use_loss(name)
            seconds = train_steps(model, batch, seq_len, vocab_size, args.steps, seed=repeat + 1)
            tps[name].append(args.steps * batch * seq_len / seconds)
        print(f"  repeat {repeat + 1}: " + ", ".join(f"{n} {tps[n][-1]:8.0f} tokens/s" for n in LOSSES), flush=True)
    ratios = [c / p for c, p in zip(tps["chunked"], tps["plain"])]
    return {"tokens_per_sec": {n: statistics.median(v) for n, v in tps.items()}, "ratios": ratios,
            "ratio": statistics.median(ratios)}


def memory_child(loss: str):
    "3 training steps and one evaluation batch of the guide's model and shapes; one JSON line."
    import torch
    from baseline_kit.config import BaselineDecoderConfig
    from baseline_kit.models.baseline_decoder import BaselineDecoder
    from baseline_kit.runtime import autocast, autocast_dtype

    use_loss(loss)
    batch, seq_len, vocab_size = 256, 128, 10_003
    torch.manual_seed(0)
    model = BaselineDecoder(BaselineDecoderConfig(d_model=128, n_heads=8, layers=2), vocab_size, seq_len)
    before = peak_rss_mb()
    seconds = train_steps(model, batch, seq_len, vocab_size, 3)
    after_training = peak_rss_mb()
    x, y = torch.randint(0, vocab_size, (2, batch, seq_len))
    with torch.no_grad(), autocast(torch.device("cpu"), autocast_dtype(torch.device("cpu"), "auto")):
        model.eval()(x, y)
    print("RESULT " + json.dumps({"model_built_mb": before, "training_mb": after_training, "peak_mb": peak_rss_mb(),
                                  "seconds_per_step": seconds / 3}), flush=True)


def guide_child(loss: str):
    "The guide's example run over Tiny Shakespeare; one JSON line."
    import importlib.util
    from baseline_kit.data_files import resolve_data_file
    from baseline_kit.experiments import tiny_shakespeare_dataset

    use_loss(loss)
    source = tiny_shakespeare_dataset()
    text = resolve_data_file(source.path, source.url, source.sha256).read_text()
    with tempfile.TemporaryDirectory() as project:
        os.environ["PROJECT_ROOT"] = project
        (Path(project) / "datasets").mkdir()
        (Path(project) / "datasets" / "my_dataset.txt").write_text(text)
        spec = importlib.util.spec_from_file_location("guide_experiment", ROOT / "examples" / "guide_experiment.py")
        guide = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(guide)
        start = time.perf_counter()
        result = guide.model_pipeline(guide.build_config())
        wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print("RESULT " + json.dumps({"peak_mb": peak_rss_mb(), "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
                                  "wall_s": wall, "steps": result.step, "val_loss": result.last("val/loss")}), flush=True)


def in_child(kind: str, loss: str) -> dict:
    "Run `kind` with `loss` in a fresh interpreter (peak RSS is per process); its JSON result."
    env = {**os.environ, "BASELINE_KIT_PROGRESS": "0"}
    proc = subprocess.run([sys.executable, __file__, f"--child-{kind}", loss], capture_output=True, text=True, env=env)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if proc.returncode or line is None:
        raise SystemExit(f"{kind} run ({loss}) failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def main(args):
    results = {}
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    if args.steps:
        print(f"speed: Tiny Shakespeare shapes, {args.repeats} repeats of {args.steps} steps per loss ...", flush=True)
        results["speed"] = s = speed(args)
        print(f"speed chunked / plain: median {s['ratio']:.3f} (repeats {', '.join(f'{r:.3f}' for r in s['ratios'])}); "
              + ", ".join(f"{n} {v:.0f} tokens/s" for n, v in s["tokens_per_sec"].items()), flush=True)
    results["memory"] = {} if args.skip_memory else {loss: in_child("memory", loss) for loss in LOSSES}
    for loss, m in results["memory"].items():
        print(f"memory, guide shapes, {loss:8s}: peak RSS {m['peak_mb']:7.0f} MB (model built {m['model_built_mb']:.0f} MB, "
              f"after 3 training steps {m['training_mb']:.0f} MB), {m['seconds_per_step']:.2f} s/step", flush=True)
    if args.guide_run:
        results["guide_run"] = {loss: in_child("guide", loss) for loss in LOSSES}
        for loss, g in results["guide_run"].items():
            print(f"guide run, {loss:8s}: peak RSS {g['peak_mb']:7.0f} MB, user {g['user_s']:.0f} s, sys {g['sys_s']:.0f} s, "
                  f"wall {g['wall_s']:.0f} s, {g['steps']} steps, val loss {g['val_loss']:.3f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=100, help="training steps per speed block (0: skip the speed part)")
    parser.add_argument("--repeats", type=int, default=7, help="alternating speed blocks per loss")
    parser.add_argument("--threads", type=int, default=0, help="torch threads of the speed part (0: torch's default)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the memory part")
    parser.add_argument("--guide-run", action="store_true", help="also run the guide's whole example, once per loss")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--child-memory", choices=LOSSES, help=argparse.SUPPRESS)
    parser.add_argument("--child-guide", choices=LOSSES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        memory_child(args.child_memory)
    elif args.child_guide:
        guide_child(args.child_guide)
    else:
        main(args)
