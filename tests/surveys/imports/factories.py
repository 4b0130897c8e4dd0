"""Exports as the four tools write them, with fake respondent metadata, as CSV or XLSX bytes.

Each sample has the tool's real header layout (see ``forum_app/surveys/imports/tools.py``), a checkbox
question, a choice question, a number and free text, and metadata values (emails, names, IP addresses,
ids, custom data) that must never come out of the import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

Rows = list[list[str]]

# Every metadata value the samples hold; none may appear in anything the import returns.
METADATA_VALUES = (
    "parent.one@example.org",
    "parent.two@example.org",
    "parent.three@example.org",
    "Alice Smith",
    "Bob Jones",
    "Carol",
    "Doe",
    "203.0.113.7",
    "198.51.100.23",
    "192.0.2.44",
    "118734001",
    "118734002",
    "118734003",
    "433122557",
    "CUSTOM-DATA-XYZ",
    "TRACK-LINK-77",
    "UNIQUE-ID-991",
    "10:14:22",
    "11:02:09",
    "16:45:33",
)

NEEDS = ("Autism", "ADHD", "Speech, language or communication")

# fmt: off
GOOGLE: Rows = [
    ["Timestamp", "Email address", "Score", "Child's age", "Child's needs", "Weeks waited", "Tell us more"],
    ["05/03/2024 10:14:22", "parent.one@example.org", "", "5 to 10", "Autism, ADHD", "12",
     "The wait was long"],
    ["14/03/2024 11:02:09", "parent.two@example.org", "", "11 to 15", "Speech, language or communication",
     "30", '=HYPERLINK("x")'],
    ["21/03/2024 16:45:33", "parent.three@example.org", "", "5 to 10",
     "Autism, Speech, language or communication", "4", ""],
    ["22/03/2024 09:00:00", "", "", "11 to 15", "ADHD", "8", "+44 is not a formula"],
]

MICROSOFT: Rows = [
    ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
     "Child's age", "Child's needs", "Weeks waited", "Tell us more"],
    ["1", "3/5/24 10:10:01", "3/5/24 10:14:22", "parent.one@example.org", "Alice Smith", "",
     "5 to 10", "Autism;ADHD;", "12", "@everyone read this"],
    ["2", "3/14/24 11:00:00", "3/14/24 11:02:09", "parent.two@example.org", "Bob Jones", "",
     "11 to 15", "ADHD;", "30", "-2 stars"],
    ["3", "3/21/24 16:40:00", "3/21/24 16:45:33", "anonymous", "", "",
     "5 to 10", "Autism;", "4", ""],
    ["4", "3/22/24 09:00:00", "3/22/24 09:01:00", "anonymous", "", "",
     "11 to 15", "Speech, language or communication;Autism;", "8", "ok"],
]

SURVEYMONKEY: Rows = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
     "First Name", "Last Name", "Custom Data 1",
     "Child's age", "Child's needs", "", "", "", "Weeks waited", "Tell us more"],
    ["", "", "", "", "", "", "", "", "",
     "Response", "Autism", "ADHD", "Speech, language or communication", "Other (please specify)",
     "Open-Ended Response", "Open-Ended Response"],
    ["118734001", "433122557", "03/05/2024 10:10:01 AM", "03/05/2024 10:14:22 AM", "203.0.113.7",
     "parent.one@example.org", "Alice", "Smith", "CUSTOM-DATA-XYZ",
     "5 to 10", "Autism", "ADHD", "", "", "12", "The wait was long"],
    ["118734002", "433122557", "03/14/2024 11:00:00 AM", "03/14/2024 11:02:09 AM", "198.51.100.23",
     "parent.two@example.org", "Bob", "Jones", "CUSTOM-DATA-XYZ",
     "11 to 15", "", "", "Speech, language or communication", "Tics", "30", ""],
    ["118734003", "433122557", "03/21/2024 04:40:00 PM", "03/21/2024 04:45:33 PM", "192.0.2.44",
     "parent.three@example.org", "Carol", "Doe", "CUSTOM-DATA-XYZ",
     "5 to 10", "Autism", "", "", "", "4", "=1+1"],
    ["118734004", "433122557", "03/22/2024 09:00:00 AM", "", "192.0.2.44", "", "", "", "",
     "11 to 15", "", "ADHD", "", "", "8", ""],
]

SMARTSURVEY: Rows = [
    ["Response ID", "IP Address", "Started", "Ended", "Unique ID", "Name", "Email", "Tracking Link",
     "Custom Variables", "Child's age", "Child's needs", "Weeks waited", "Tell us more"],
    ["118734001", "203.0.113.7", "05/03/2024 10:10", "05/03/2024 10:14:22", "UNIQUE-ID-991", "Alice Smith",
     "parent.one@example.org", "TRACK-LINK-77", "CUSTOM-DATA-XYZ",
     "5 to 10", "Autism, ADHD", "12", "The wait was long"],
    ["118734002", "198.51.100.23", "14/03/2024 11:00", "14/03/2024 11:02:09", "UNIQUE-ID-991", "Bob Jones",
     "parent.two@example.org", "TRACK-LINK-77", "",
     "11 to 15", "ADHD", "30", ""],
    ["118734003", "192.0.2.44", "21/03/2024 16:40", "21/03/2024 16:45:33", "", "Carol",
     "parent.three@example.org", "", "",
     "5 to 10", "Autism", "4", "-1 for the service"],
    ["433122557", "192.0.2.44", "22/03/2024 09:00", "22/03/2024 09:01", "", "Doe", "", "", "",
     "11 to 15", "Speech, language or communication, Autism", "8", ""],
]
# fmt: on

SAMPLES: dict[str, Rows] = {
    "google_forms": GOOGLE,
    "microsoft_forms": MICROSOFT,
    "surveymonkey": SURVEYMONKEY,
    "smartsurvey": SMARTSURVEY,
}


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Rows written as CSV text in ``encoding`` (``utf-8-sig`` and ``utf-16`` write a byte order mark)."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """Rows written as the first worksheet of an XLSX workbook; a cell given as "" is left empty."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def big_csv(rows: int, columns: int) -> bytes:
    """A Google Forms export of ``rows`` responses to ``columns`` questions of every kind."""
    header = ["Timestamp", "Email address"] + [f"Question {n}" for n in range(columns)]
    lines = [",".join(header)]
    for row in range(rows):
        cells = [f"{row % 28 + 1:02d}/03/2024 10:{row % 60:02d}:00", f"p{row}@example.org"]
        for column in range(columns):
            kind = column % 3
            cells.append(
                ("Yes", "No", "Not sure")[row % 3]
                if kind == 0
                else str(row % 40)
                if kind == 1
                else f"Answer {row}"
            )
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode()
