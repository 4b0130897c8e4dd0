"""Reading a forum's past survey responses from another tool's export (Google Forms, Microsoft Forms,
SurveyMonkey, SmartSurvey), as plain functions over bytes and rows: no database, no Flask.

- ``files.read_table``: a CSV or XLSX file as a header and rows of strings.
- ``tools.detect_layout``: which tool made it, which columns are metadata (dropped), which give the
  date and which hold the questions.
- ``questions.infer_questions``: each question's kind, key and options, as a survey definition.
- ``rows.read_rows``: each response as its day, its answers and a fingerprint.
- ``export.read_export``: all of the above in one call, for the import command.
- ``staged.stage_table``: an export kept between the upload page's steps without its metadata, read back
  by ``staged.staged_export`` as ``read_export`` reads the file (the same rows and fingerprints).
- ``mapping``: the upload page's choice of what each column becomes, checked row by row (``mapped_rows``)
  and applied (``mapped_export``).
"""
