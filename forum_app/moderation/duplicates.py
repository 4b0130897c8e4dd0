"""Near-duplicate free text within a survey (repeat submissions, spam), found by MinHash LSH.

A response's text is its *redacted* free-text answers joined in question-key order, so no personal
detail is ever hashed (tags such as ``[name]`` stay as the word ``name``). It is lower-cased and cut
into words of letters and digits. Texts of fewer than ``MIN_WORDS`` words are never checked: short
answers ("Nothing", "No comment") repeat legitimately.

Similarity is the Jaccard index of the texts' sets of word 3-shingles. MinHash: each shingle is hashed
to 32 bits with blake2b; for each of ``BANDS * ROWS`` = 80 seeded universal hashes
h(x) = ((a x + b) mod 2^64) >> 32 the minimum over a text's shingles is the same for two texts with
probability about their Jaccard index s. The 80 minima make 16 bands of 5; each band (with its
number) is hashed by blake2b to a signed 64-bit integer, stored in ``duplicate_bands``. Two texts
become candidates when they share at least one band, with probability P(s) = 1 - (1 - s^5)^16
(measured on random word texts: 0.997 of pairs at s 0.80-0.86 shared a band):

    s      0.9        0.8     0.7    0.5    0.3     0.1
    P(s)   > 0.9999   0.998   0.95   0.40   0.038   0.0002

So a near-copy (s >= 0.8) is found with probability > 0.99, while an unrelated text (s around 0.1 or
less) becomes a candidate for about one earlier response in 6,000. Candidates (at most
``MAX_CANDIDATES``, most bands shared first) are checked by their real Jaccard index, computed from
their stored redacted answers; ``THRESHOLD`` = 0.8. Changing one word changes up to three shingles,
so 0.8 allows about one changed word in every 30: copies and light edits, not answers that merely
share a sentence or two.

Everything is deterministic (blake2b, fixed seeds; never Python's ``hash()``, which is salted per
process), so bands agree across processes and restarts. Nothing here commits: the caller's
transaction (the submission) does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from hashlib import blake2b
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from forum_app.moderation.models import DuplicateBand, ModerationItem
from forum_app.surveys.definitions import keys_of_kind
from forum_app.surveys.models import Answer, Response, SurveyVersion

MIN_WORDS = 8
SHINGLE = 3  # words per shingle
BANDS = 16
ROWS = 5  # minima per band
THRESHOLD = 0.8  # Jaccard index of shingle sets for "nearly the same"
MAX_CANDIDATES = 20

_WORD = re.compile(r"[^\W_]+")
_SHIFT = np.uint64(32)


def _seeded(label: str) -> int:
    return int.from_bytes(blake2b(label.encode(), digest_size=8).digest(), "big")


# (a, b) of each hash h(x) = (a x + b mod 2^64) >> 32 over 32-bit x (multiply-add-shift, a universal
# family), fixed for ever: changing them would orphan every stored band.
_A = np.array([_seeded(f"minhash-a-{i}") | 1 for i in range(BANDS * ROWS)], dtype=np.uint64)[:, None]
_B = np.array([_seeded(f"minhash-b-{i}") for i in range(BANDS * ROWS)], dtype=np.uint64)[:, None]


def words(text: str) -> list[str]:
    """Lower-cased words of letters and digits."""
    return _WORD.findall(text.lower())


def shingles(text: str) -> set[str]:
    """The word 3-shingles of ``text``; empty when it has fewer than ``MIN_WORDS`` words."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return set()
    return {" ".join(found[i : i + SHINGLE]) for i in range(len(found) - SHINGLE + 1)}


def jaccard(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def bands(text: str) -> list[int]:
    """The LSH bands of ``text`` as signed 64-bit integers; none for a text too short to check."""
    return _bands(shingles(text))


def _bands(found: set[str]) -> list[int]:
    if not found:
        return []
    hashed = np.fromiter(
        (int.from_bytes(blake2b(shingle.encode(), digest_size=4).digest(), "big") for shingle in found),
        dtype=np.uint64,
        count=len(found),
    )
    # uint64 arithmetic wraps (mod 2^64) silently for arrays, which is what the hash needs.
    minima = ((_A * hashed + _B) >> _SHIFT).min(axis=1).astype(">u8").reshape(BANDS, ROWS)
    out = []
    for band, rows in enumerate(minima):
        digest = blake2b(bytes([band]) + rows.tobytes(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return out


def response_text(values: Mapping[str, Any], text_keys: Iterable[str]) -> str:
    """A response's free text: its answers to the free-text questions, in question-key order."""
    return "\n".join(
        value for key in sorted(text_keys) if isinstance(value := values.get(key), str) and value
    )


def _candidates(session: Session, survey_id: int, response_id: str, found: list[int]) -> list[str]:
    """Earlier responses in the survey sharing a band, most bands shared (then earliest) first."""
    shared = func.count(DuplicateBand.id)
    query = (
        select(DuplicateBand.response_id)
        .where(
            DuplicateBand.survey_id == survey_id,
            DuplicateBand.band.in_(found),
            DuplicateBand.response_id != response_id,
        )
        .group_by(DuplicateBand.response_id)
        .order_by(shared.desc(), func.min(DuplicateBand.id))
        .limit(MAX_CANDIDATES)
    )
    return list(session.scalars(query))


def _stored_texts(session: Session, response_ids: list[str]) -> dict[str, str]:
    """The redacted free text of these responses, from their stored answers."""
    rows = session.execute(
        select(Answer.response_id, Answer.question_key, Answer.value, Response.survey_version_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.response_id.in_(response_ids))
    )
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    version_of: dict[str, int] = {}
    for response_id, key, value, version_id in rows:
        values[response_id][key] = value
        version_of[response_id] = version_id
    keys: dict[int, frozenset[str]] = {}
    texts = {}
    for response_id, answers in values.items():
        version_id = version_of[response_id]
        if version_id not in keys:
            version = session.get(SurveyVersion, version_id)
            keys[version_id] = keys_of_kind(version.definition, "text") if version else frozenset()
        texts[response_id] = response_text(answers, keys[version_id])
    return texts


def find_and_record(session: Session, survey_id: int, response_id: str, text: str) -> str | None:
    """The id of the earlier response in ``survey_id`` whose free text is most nearly ``text``
    (Jaccard index of shingles >= ``THRESHOLD``), or None. Records this response's bands so later
    responses can match it. Does not commit."""
    found = shingles(text)
    signature = _bands(found)
    if not signature:
        return None
    best: tuple[float, str] | None = None
    candidates = _candidates(session, survey_id, response_id, signature)
    if candidates:
        stored = _stored_texts(session, candidates)
        for candidate in candidates:  # a tie goes to the first: most bands shared, then earliest
            similarity = jaccard(found, shingles(stored.get(candidate, "")))
            if similarity >= THRESHOLD and (best is None or similarity > best[0]):
                best = (similarity, candidate)
    session.execute(
        insert(DuplicateBand),
        [{"survey_id": survey_id, "response_id": response_id, "band": band} for band in signature],
    )
    return best[1] if best else None


def mark_duplicate(
    session: Session, survey_id: int, response_id: str, answers: Iterable[Answer], text_keys: Iterable[str]
) -> str | None:
    """Check a response's (already redacted) answers and mark its moderation items with the earlier
    response they nearly repeat. Returns that response's id, or None. Does not commit."""
    text = response_text({answer.question_key: answer.value for answer in answers}, text_keys)
    duplicate = find_and_record(session, survey_id, response_id, text)
    if duplicate is not None:
        for item in session.scalars(select(ModerationItem).where(ModerationItem.response_id == response_id)):
            item.duplicate_of = duplicate
    return duplicate
