"""A coder's model as a file: plain arrays (vocabularies, IDF weights, coefficients, thresholds) and a
JSON header, written with ``numpy.savez_compressed`` and read with ``allow_pickle=False``, so reading a
model never runs code. The shipped model is such a file; a forum's retrained model is its bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import BinaryIO

import numpy as np

from forum_app.coder.classifier import DEFAULT_PARAMS, Model

FORMAT_VERSION = 1


def save_model(model: Model, path: Path) -> None:
    """Write ``model`` as plain arrays and a JSON header (no pickle)."""
    with path.open("wb") as handle:
        write_model(model, handle)


def model_to_bytes(model: Model) -> bytes:
    """``model`` as the bytes ``save_model`` would write (for a database column)."""
    buffer = io.BytesIO()
    write_model(model, buffer)
    return buffer.getvalue()


def write_model(model: Model, handle: BinaryIO) -> None:
    """Write ``model`` to an open binary file as plain arrays and a JSON header (no pickle)."""
    header = {
        "format": FORMAT_VERSION,
        "theme_ids": list(model.theme_ids),
        "params": model.params,
        "meta": model.meta,
    }
    np.savez_compressed(
        handle,
        header=np.array(json.dumps(header, sort_keys=True)),
        word_terms=model.word_terms,
        word_idf=model.word_idf,
        char_terms=model.char_terms,
        char_idf=model.char_idf,
        theme_coef=model.theme_coef.astype(np.float32),
        theme_intercept=model.theme_intercept,
        thresholds=model.thresholds,
        sentiment_coef=model.sentiment_coef.astype(np.float32),
        sentiment_intercept=model.sentiment_intercept,
    )


def load_model(path: Path) -> Model:
    """Read a model written by ``save_model``; refuses anything that needs unpickling."""
    return read_model(path, str(path))


def model_from_bytes(data: bytes) -> Model:
    """Read a model from the bytes of ``model_to_bytes``; refuses anything that needs unpickling."""
    return read_model(io.BytesIO(data), "The model parameters")


def read_model(source: Path | BinaryIO, name: str) -> Model:
    """Read a model written by ``write_model`` from a path or an open binary file (no pickle)."""
    with np.load(source, allow_pickle=False) as arrays:
        header = json.loads(str(arrays["header"]))
        if header.get("format") != FORMAT_VERSION:
            raise ValueError(f"{name} has model format {header.get('format')}, expected {FORMAT_VERSION}.")
        return Model(
            theme_ids=tuple(header["theme_ids"]),
            word_terms=arrays["word_terms"],
            word_idf=arrays["word_idf"],
            char_terms=arrays["char_terms"],
            char_idf=arrays["char_idf"],
            theme_coef=arrays["theme_coef"],
            theme_intercept=arrays["theme_intercept"],
            thresholds=arrays["thresholds"],
            sentiment_coef=arrays["sentiment_coef"],
            sentiment_intercept=arrays["sentiment_intercept"],
            params={**DEFAULT_PARAMS, **header["params"]},
            meta=header.get("meta", {}),
        )
