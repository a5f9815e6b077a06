"""The example experiment of the seed guide ("Baseline Modular Training"), as the guide writes it.

Put a text file at PROJECT_ROOT/datasets/my_dataset.txt (paragraphs separated by blank lines) and run:

    python examples/guide_experiment.py                    # PROJECT_ROOT is the current folder
    PROJECT_ROOT=/path/to/project python examples/guide_experiment.py

The run folder is PROJECT_ROOT/baseline/models/baseline (checkpoint, final model, run_config.json,
inference_config.json) and the BPE vocabulary is kept at PROJECT_ROOT/baseline/tokenizers/my_vocab.txt.
"""
import os
from pathlib import Path

from baseline_kit import (BaselineDecoderConfig, BPETokenizerConfig, ExperimentConfig, HoldoutSplitConfig,
                          LocalTextDatasetConfig, LoggingConfig, RunConfig, TrainConfig, model_pipeline)

PROJECT_ROOT = Path(os.environ.get("PROJECT_ROOT", Path.cwd()))


def build_config() -> ExperimentConfig:
    return ExperimentConfig(
        run=RunConfig(project_name="my-project", artifacts_root=str(PROJECT_ROOT / "baseline" / "models"),
                      resume_from_checkpoint=False, checkpoint_every_n_steps=250),
        dataset=LocalTextDatasetConfig(path=str(PROJECT_ROOT / "datasets" / "my_dataset.txt"), segment_delimiter="\\n\\n"),
        tokenizer=BPETokenizerConfig(base_vocab_size=10_000, num_special_tokens=3,
                                     vocab_path=str(PROJECT_ROOT / "baseline" / "tokenizers" / "my_vocab.txt")),
        model=BaselineDecoderConfig(d_model=128, n_heads=8, layers=2),
        train=TrainConfig(epochs=3, learning_rate=1e-3, batch_size=256, seq_len=128, stride=128, data_fraction=1.0),
        split=HoldoutSplitConfig(train_fraction=0.9, seed=42, shuffle=False),
        logging=LoggingConfig(provider="console"),
    )


if __name__ == "__main__":
    model_pipeline(build_config())
