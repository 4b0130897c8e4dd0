"""Coder: the automatic coder, machine learning only (no Flask, no database).

Start at ``pipeline.code_text`` / ``pipeline.code_texts``. The pieces, in the order a text meets them:
``jargon`` (UK SEND abbreviations), ``indicators`` (the codebook's phrases, with negation), ``rules``
(its cross-theme rules), ``sentiment`` (TextBlob and domain cues), ``classifier`` (features and
training), ``shipped_model`` (the default model, trained on the lines in ``data/``), ``model_files`` (a
model saved and read without pickle), and ``evaluation`` / ``measuring`` (scores and speed).
"""
