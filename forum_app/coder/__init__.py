"""Coder: the automatic coder, machine learning only (no Flask, no database).

Start at ``pipeline.code_text`` / ``pipeline.code_texts``. The pieces, in the order a text meets them:
``jargon`` (UK SEND abbreviations), ``indicators`` (the codebook's phrases, with negation), ``rules``
(its cross-theme rules), ``sentiment`` (TextBlob and domain cues), ``classifier`` (features, training,
the shipped parameters in ``data/``), and ``evaluation`` / ``measuring`` (scores and speed).
"""
