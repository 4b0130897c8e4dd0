"""The statistical model: the shipped artefact, retraining, and a held-out quality floor."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from forum_app.codebook.shipped import theme_ids
from forum_app.coder.classifier import Example, train
from forum_app.coder.evaluation import score
from forum_app.coder.model_files import load_model, save_model
from forum_app.coder.pipeline import code_texts
from forum_app.coder.shipped_model import (
    DEFAULT_MODEL_PATH,
    default_model,
    packaged_examples,
    probe_outputs,
    train_default_model,
    training_fingerprint,
)


def test_shipped_model_was_trained_on_the_packaged_data() -> None:
    """Fails when the data, the codebook or the parameters change without `flask themes train-default`."""
    model = load_model(DEFAULT_MODEL_PATH)
    assert model.meta["fingerprint"] == training_fingerprint()
    assert model.meta["examples"] == len(packaged_examples()) == 3806
    assert model.theme_ids == theme_ids()


def test_shipped_model_rebuilds_to_the_same_predictions() -> None:
    model = load_model(DEFAULT_MODEL_PATH)
    assert np.allclose(probe_outputs(model), model.meta["probes"], atol=1e-5)


def test_shipped_model_is_plain_arrays_not_pickles() -> None:
    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as archive:
        names = set(archive.namelist())
    assert "header.npy" in names
    with np.load(DEFAULT_MODEL_PATH, allow_pickle=False) as arrays:
        for name in arrays.files:
            assert arrays[name].dtype != object, name


def test_thresholds_are_per_theme_and_sensible() -> None:
    thresholds = default_model().thresholds
    assert thresholds.shape == (16,)
    assert ((thresholds > 0.05) & (thresholds < 0.95)).all()


def _small_examples() -> list[Example]:
    examples = packaged_examples()
    return [example for example in examples if example.group == "survey"][:120]


def test_train_on_a_forums_own_codings_and_round_trip(tmp_path: Path) -> None:
    examples = _small_examples()
    model = train(examples, {"threshold_folds": 0})
    path = tmp_path / "forum-model.npz"
    save_model(model, path)
    loaded = load_model(path)
    texts = ["We waited two years for SALT.", "The respite centre closed.", "Our AR was cancelled."]
    original = [coding.scores for coding in code_texts(texts, model)]
    again = [coding.scores for coding in code_texts(texts, loaded)]
    assert original == again


def test_training_is_deterministic() -> None:
    examples = _small_examples()[:80]
    first = train(examples, {"threshold_folds": 0})
    second = train(examples, {"threshold_folds": 0})
    assert np.array_equal(first.theme_coef, second.theme_coef)
    assert np.array_equal(first.sentiment_coef, second.sentiment_coef)


def test_held_out_quality_floor() -> None:
    """Train on three registers, test on parents' reports it has never seen."""
    examples = packaged_examples()
    training = [e for e in examples if e.group in {"survey", "forum", "youth"}]
    held_out = [e for e in examples if e.group == "dev"][:150]
    model = train(training, {"threshold_folds": 0})
    codings = code_texts([e.text for e in held_out], model)
    result = score(
        [e.themes for e in held_out],
        [c.theme_ids for c in codings],
        model.theme_ids,
        [e.sentiment for e in held_out],
        [c.sentiment.label for c in codings],
    )
    assert result["macro_f1"] >= 0.6, result
    assert result["sentiment_accuracy"] >= 0.7, result


def test_retraining_reproduces_the_shipped_model() -> None:
    shipped = load_model(DEFAULT_MODEL_PATH)
    retrained = train_default_model()
    assert np.array_equal(shipped.thresholds, retrained.thresholds)
    assert np.allclose(shipped.theme_coef, retrained.theme_coef, atol=1e-6)
    assert np.allclose(shipped.sentiment_coef, retrained.sentiment_coef, atol=1e-6)
