"""Find personal details in a free-text answer and replace them with readable tags.

``redact(text)`` runs one detector per kind, merges overlapping spans and returns the redacted
text with what it found (offsets into the ORIGINAL text). Everything is deterministic, offline and
fast (plain regular expressions plus name lists in ``data/``); no model is loaded.

Kinds and tags (``TAGS``): email, phone, postcode, nhs, nino, dob, url, handle, reference, address, name,
school. The detectors lean towards recall: a tag too many costs a word of context, a name too few
can identify a family.

Why not Presidio: it pulls spaCy (about 400 MB), and one analyze call takes about 25 ms in its
regex-only mode; its UK recognisers miss what parents write here (spaced-out or spelled-out
digits, " at " emails, Ofcom drama numbers, lower-case names, school names), so the rules below
would be needed anyway. See forum_app/moderation/data/README.md for the name lists. The detectors live in
``moderation/redaction/``: ``identifiers`` (numbers, postcodes, emails, links, dates, references,
handles, addresses), ``schools`` and ``names``, with what they share in ``common``.

Linear time on any input. Every pattern here is a standard-library pattern written so that each
position of the text is read in one way only: no quantified group holds another quantifier over
characters the group's neighbour can also take; repeats over a run start where the run starts (a
lookbehind), are possessive (``*+``, ``{1,64}+``) or atomic (``(?>...)``), and every gap or repeated
part is bounded (``{1,3}`` spaces, at most 64 characters of an email's local part, 4 parts of a name,
8 words of a school's name). The school name, which used to be one pattern over any run of
capitalised words (exponential on "St St St ... School"), is now found from its setting word and read
backwards word by word. Why not RE2 (``google-re2``): these detectors rely on lookarounds
(a run of digits not after a letter, a name part not followed by "'s") and on Unicode word
boundaries (names and digits in any script), which RE2 does not have (its word boundary is ASCII only);
rewriting them as RE2 patterns plus Python checks would
change what is found, where bounded standard patterns keep it. ``bench/pathological.py`` times every
detector on hostile inputs; ``tests/moderation/test_pathological.py`` checks what they return.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from forum_app.moderation.redaction.common import Found
from forum_app.moderation.redaction.identifiers import (
    find_addresses,
    find_digit_runs,
    find_dobs,
    find_emails,
    find_handles,
    find_ninos,
    find_outward_codes,
    find_postcodes,
    find_references,
    find_urls,
    nhs_checksum_ok,
)
from forum_app.moderation.redaction.names import find_names
from forum_app.moderation.redaction.schools import find_context_schools, find_schools

__all__ = ["TAGS", "Found", "Redaction", "find", "merge", "nhs_checksum_ok", "redact"]

TAGS: dict[str, str] = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "nhs": "[NHS number]",
    "nino": "[NI number]",
    "dob": "[date of birth]",
    "url": "[link]",
    "handle": "[handle]",
    "reference": "[reference]",
    "address": "[address]",
    "name": "[name]",
    "school": "[school]",
}
# When spans overlap, the merged span takes the kind of the longest one; ties go to the earlier kind here.
PRIORITY = tuple(TAGS)


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str
    found: tuple[Found, ...]

    @property
    def kinds(self) -> set[str]:
        return {found.kind for found in self.found}


def _find_deny_list(text: str, terms: Iterable[str], kind: str) -> Iterator[Found]:
    for term in terms:
        words = term.split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"[ \t]{1,3}".join(re.escape(word) for word in words) + r"(?!\w)"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            yield Found(kind, match.start(), match.end(), "deny list")


# ---------------------------------------------------------------------------------------------


def _inside(spans: list[tuple[int, int]], starts: list[int], item: Found) -> bool:
    """Whether ``item`` overlaps one of ``spans`` (sorted by start, not overlapping each other)."""
    index = bisect_right(starts, item.start) - 1
    if index >= 0 and spans[index][1] > item.start:
        return True
    return index + 1 < len(spans) and spans[index + 1][0] < item.end


def find(text: str, deny_list: Iterable[str] = (), deny_names: Iterable[str] = ()) -> list[Found]:
    """Every detection, before merging (overlaps included), in text order."""
    detectors = (
        find_emails,
        find_urls,
        find_digit_runs,
        find_postcodes,
        find_outward_codes,
        find_handles,
        find_ninos,
        find_dobs,
        find_references,
        find_addresses,
        find_schools,
        find_context_schools,
        find_names,
    )
    found = [item for detector in detectors for item in detector(text)]
    # "St Mary's", "Saint Anne": the name inside a saint's name is not a person.
    saints = sorted((item.start, item.end) for item in found if item.rule.startswith("saint"))
    if saints:
        starts = [start for start, _end in saints]
        found = [item for item in found if item.kind != "name" or not _inside(saints, starts, item)]
    found.extend(_find_deny_list(text, deny_list, "school"))
    found.extend(_find_deny_list(text, deny_names, "name"))
    return sorted((item for item in found if item.end > item.start), key=lambda item: (item.start, -item.end))


def merge(found: Iterable[Found]) -> list[Found]:
    """Overlapping (or touching, same-kind) spans become one; it keeps the kind of its longest part."""
    merged: list[tuple[int, int, list[Found]]] = []
    for item in sorted(found, key=lambda item: (item.start, -item.end)):
        if merged and item.start < merged[-1][1]:
            start, end, parts = merged[-1]
            merged[-1] = (start, max(end, item.end), [*parts, item])
        else:
            merged.append((item.start, item.end, [item]))
    out = []
    for start, end, parts in merged:
        main = max(parts, key=lambda part: (part.end - part.start, -PRIORITY.index(part.kind)))
        out.append(Found(main.kind, start, end, main.rule))
    return out


def redact(text: str, deny_list: Iterable[str] = (), deny_names: Iterable[str] = ()) -> Redaction:
    """Replace personal details with tags such as ``[name]``; ``found`` holds offsets into ``text``.

    ``deny_list``: setting names the forum maintains (tagged ``[school]``), ``deny_names``: names of
    people (staff, local professionals) to redact wherever they appear.
    """
    spans = merge(find(text, deny_list, deny_names))
    pieces: list[str] = []
    last = 0
    for span in spans:
        pieces.append(text[last : span.start])
        pieces.append(TAGS[span.kind])
        last = span.end
    pieces.append(text[last:])
    return Redaction("".join(pieces), tuple(spans))
