"""The shipped default coder: trained on the labelled lines packaged in ``data/`` and shipped as
``data/default_model.npz`` (``model_files``); ``default_model`` loads it once per process."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from forum_app.codebook.shipped import CODEBOOK_PATH
from forum_app.coder.classifier import DEFAULT_PARAMS, Example, Model, prepare, train
from forum_app.coder.model_files import FORMAT_VERSION, load_model

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MODEL_PATH = DATA_DIR / "default_model.npz"
TRAINING_FILES = (
    "dev_reports.jsonl",
    "train_forum.jsonl",
    "train_inspection.jsonl",
    "train_news.jsonl",
    "train_ombudsman.jsonl",
    "train_plain.jsonl",
    "train_realistic.jsonl",
    "train_survey.jsonl",
    "train_youth.jsonl",
)


def read_examples(lines: Iterable[str], group: str = "") -> list[Example]:
    """Examples from JSON lines ``{"text", "themes", "sentiment"}`` (trusted, packaged data)."""
    examples = []
    for line in lines:
        if line.strip():
            row = json.loads(line)
            examples.append(
                Example(row["text"], tuple(row.get("themes", [])), row.get("sentiment", "neutral"), group)
            )
    return examples


def packaged_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    """The labelled lines shipped with the coder, grouped by file (register)."""
    examples = []
    for name in TRAINING_FILES:
        path = data_dir / name
        group = name.removesuffix(".jsonl").removeprefix("train_").removesuffix("_reports")
        examples.extend(read_examples(path.read_text(encoding="utf-8").splitlines(), group))
    return examples


def training_fingerprint(data_dir: Path = DATA_DIR, params: dict[str, Any] | None = None) -> str:
    """A hash of everything the default model is trained from: data, codebook and parameters."""
    digest = hashlib.sha256()
    for name, path in (
        *((name, data_dir / name) for name in TRAINING_FILES),
        ("codebook.json", CODEBOOK_PATH),
    ):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps({**DEFAULT_PARAMS, **(params or {})}, sort_keys=True).encode())
    digest.update(str(FORMAT_VERSION).encode())
    return digest.hexdigest()


PROBE_TEXTS = (
    "We have waited two years for an autism assessment and CAMHS won't see him until then.",
    "The annual review was in March and we still haven't had the amended plan.",
    "Our SENCO is brilliant and the short breaks club has been a lifeline.",
    "The council refused to assess so we are appealing to the tribunal.",
    "Inspectors found leaders do not use data well to commission services.",
)


def train_default_model() -> Model:
    """Train the default coder on the packaged data (deterministic: same data, same model)."""
    model = train(packaged_examples())
    model.meta = {
        "examples": model.meta.get("examples", 0),
        "fingerprint": training_fingerprint(),
        "format": FORMAT_VERSION,
        "probes": probe_outputs(model),
    }
    return model


def probe_outputs(model: Model) -> list[list[float]]:
    """Theme and sentiment probabilities on ``PROBE_TEXTS``: a check that a saved model loads right."""
    features = model.features([prepare(text) for text in PROBE_TEXTS])
    both = np.hstack([model.theme_probabilities(features), model.sentiment_probabilities(features)])
    return [[round(float(value), 6) for value in row] for row in both]


@cache
def default_model() -> Model:
    """The shipped coder, loaded once per process (trained from the package data if missing)."""
    if DEFAULT_MODEL_PATH.exists():
        return load_model(DEFAULT_MODEL_PATH)
    return train_default_model()
