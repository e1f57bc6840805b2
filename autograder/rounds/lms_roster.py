"""A class list as the LMS gives it, recognised by its header (never by its file's name).

Each is read as its LMS writes it; the rows that are no student are left out, each with a note:

- **Canvas**, Grades → Export (Canvas's guide as https://ts.vcu.edu/askit/teaching-and-learning/
  canvas/faculty/grading-faculty/gradebook-action-menu-faculty/ gives it; the columns as
  https://nemogb-dev.github.io/nemogb-r/articles/detailed-canvas-export-info.html documents
  them): UTF-8 with a BOM; ``Student`` ("Last, First", Canvas's sortable name), ``ID`` (Canvas's user id),
  ``SIS User ID``, ``SIS Login ID``, [``Integration ID``,] ``Section``, then a column per
  assignment named "<name> (<Canvas's assignment id>)", then the read-only totals (Current
  Score, Final Score …). The row under the header is ``    Points Possible``; an assignment
  with a manual posting policy adds a row saying "Manual Posting" ("Muted" in older exports);
  the course's Test Student ("Student, Test") is in it. id = SIS User ID, else SIS Login ID,
  else Canvas's ID; lms_user_id = Canvas's ID; email = SIS Login ID when it is an address.
- **Moodle**, Participants → select all → "Download table data as" CSV
  (https://docs.moodle.org/403/en/Participants): First name, Last name, ID number, Email
  address, Roles, Groups, …; and Grade administration → Export → Plain text file
  (https://docs.moodle.org/dev/Gradebook_export; the columns as moodle/moodle's
  grade/export/txt/grade_export_txt.php and grade/export/lib.php write them): the
  profile fields of grade_export_userprofilefields ("First name","Last name","ID number",
  "Institution","Department","Email address" by default), then per grade item
  "<module>: <name> (<display type>)" such as "Assignment: BP (Real)", then "Last downloaded
  from this course". id = ID number, else Email address; email = Email address.
- **Blackboard** Grade Center, Work Offline → Download (https://help.blackboard.com/Learn/
  Instructor/Original/Grade/Grading_Tasks/Work_Offline_With_Grade_Data; http://library.
  blackboard.com/ref/3ea64795-6ecc-4abd-b595-0a9a8dfdec94/Content/_instructor_grade_center/
  grade_center_upload_download.htm): tab-delimited ".xls" (text: UTF-16 with a BOM as the
  download comes, which the help pages do not say; the encoding is told by the BOM), or
  comma-delimited CSV; "Last Name","First Name","Username","Student ID","Last Access",
  "Availability", then a column per item "<name> [Total Pts: <points> Score] |<column id>".
  Blackboard's Student Preview user ("…_previewuser") is left out. id = Student ID, else
  Username; lms_user_id = Username.
- **The kit's own** CSV: ``id,first_name,last_name,email[,lms_user_id]``, as nbgrader's
  ``db student import`` reads it.

Every id must be one ``lms_download.STUDENT_ID`` accepts, and be there once; else the
DownloadError names the file, the line and the LMS.
"""

import argparse
import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.rounds.lms_download import (
    ROSTER_COLUMNS,
    STUDENT_ID,
    STUDENT_ID_RULE,
    DownloadError,
    RosterEntry,
)

# the LMS's name in messages, by the key lms_grades.FORMATS uses
LMS_NAMES = {
    "canvas": "Canvas's gradebook export",
    "moodle": "Moodle's export",
    "blackboard": "Blackboard's Grade Center download",
    None: "the kit's roster",
}
# A grade column's name and the LMS's decoration around it: group 1 is the name.
GRADE_COLUMN = {
    "canvas": re.compile(r"(.+?) \(\d+\)"),
    # the Real display: the points; Percentage and Letter are the same grade shown otherwise
    "moodle": re.compile(r"(?:[^:]+: )?(.+?) \(Real\)"),
    "blackboard": re.compile(r"(.+?) \[Total Pts: [^\]]*\](?: \|\d+)?"),
}
CANVAS_MARKER_ROWS = {"Muted", "Manual Posting"}
CANVAS_TEST_STUDENT = {"student, test", "test student"}
BLACKBOARD_PREVIEW_USER = "_previewuser"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class ClassList:
    """A roster file read: its LMS (a key of lms_grades.FORMATS, None for the kit's CSV), its
    students, its grade columns as the LMS names them, and a note on every row left out."""

    lms: str | None
    entries: list[RosterEntry]
    grade_columns: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return LMS_NAMES[self.lms]


def read_class_list(path: Path | str) -> ClassList:
    """The ClassList of the file at path; DownloadError naming the file, line and LMS for what cannot be used."""
    header, rows = _table(Path(path))
    lms = recognised(header)
    if lms is None and "id" not in header:
        raise DownloadError(
            f"the roster {path} has no 'id' column, and its header ({', '.join(header[:6])}) is not "
            "Canvas's gradebook export, Moodle's participants or grades export, or Blackboard's "
            f"Grade Center download; the kit's own header is: {','.join(ROSTER_COLUMNS[:4])} "
            "(and optionally lms_user_id)"
        )
    read = ROW_READERS[lms]
    entries: list[RosterEntry] = []
    notes: list[str] = []
    seen: set[str] = set()  # the ids read so far
    for line, row in rows:
        values = dict(zip(header, (cell.strip() for cell in row)))
        entry = read(values)
        if isinstance(entry, str):
            notes.append(f"line {line}: {entry}: left out")
            continue
        _check(entry, path, line, lms, seen)
        entries.append(entry)
    columns = tuple(c for c in header if lms in GRADE_COLUMN and GRADE_COLUMN[lms].fullmatch(c))
    return ClassList(lms, entries, columns, notes)


def recognised(header: list[str]) -> str | None:
    """The LMS whose export has this header, None for another (the kit's own roster, or none)."""
    names = {name.casefold() for name in header}
    if header[:1] == ["Student"] and {"id", "sis user id"} <= names:
        return "canvas"
    if {"last name", "first name", "username"} <= names and "email address" not in names:
        return "blackboard"
    if {"first name", "last name"} <= names and names & {"id number", "email address"}:
        return "moodle"
    return None


def _table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (line, row) of the rest, in UTF-16 or UTF-8 (a BOM or not), comma- or tab-delimited."""
    try:
        raw = path.read_bytes()
        utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        text = raw.decode("utf-16" if utf16 else "utf-8-sig")
        first = text.split("\n", 1)[0]
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter="\t" if first.count("\t") > first.count(",") else ",",
        )
        header = [name.strip() for name in next(reader, [])]
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DownloadError(f"cannot read the roster {path}: {error}") from None
    return header, rows


def _check(
    entry: RosterEntry, path: Path | str, line: int, lms: str | None, seen: set[str]
) -> None:
    where = f"the roster {path}" + (f" ({LMS_NAMES[lms]})" if lms else "") + f", line {line}"
    if not entry.id:
        raise DownloadError(f"{where}: {_who(entry)} has no id ({_ID_SOURCES[lms]} empty)")
    if not STUDENT_ID.fullmatch(entry.id):
        raise DownloadError(
            f"{where}: the id {entry.id!r} cannot name a folder ({STUDENT_ID_RULE})"
        )
    if entry.id in seen:
        raise DownloadError(f"{where}: the id {entry.id!r} is there twice")
    seen.add(entry.id)


_ID_SOURCES = {
    None: "its id is",
    "canvas": "its SIS User ID, SIS Login ID and ID are all",
    "moodle": "its ID number and Email address are both",
    "blackboard": "its Student ID and Username are both",
}


def _who(entry: RosterEntry) -> str:
    name = " ".join(n for n in (entry.first_name, entry.last_name) if n)
    return repr(name) if name else "the student"


def _kit_row(values: dict) -> RosterEntry:
    return RosterEntry(**{key: values.get(key, "") for key in ROSTER_COLUMNS})


def _canvas_row(values: dict) -> RosterEntry | str:
    name = values.get("Student", "")
    if name == "Points Possible":
        return "Canvas's Points Possible row"
    if not name and not values.get("ID") and CANVAS_MARKER_ROWS & set(values.values()):
        return "Canvas's row of posting policies (Manual Posting, Muted)"
    if name.casefold() in CANVAS_TEST_STUDENT:
        return f"Canvas's Test Student ({name!r}, ID {values.get('ID', '')}), no student"
    last, _, first = name.partition(", ")
    login = values.get("SIS Login ID", "")
    return RosterEntry(
        values.get("SIS User ID") or login or values.get("ID", ""),
        first,
        last,
        login if EMAIL.fullmatch(login) else "",
        values.get("ID", ""),
    )


def _moodle_row(values: dict) -> RosterEntry | str:
    value = {key.casefold(): v for key, v in values.items()}
    roles = value.get("roles", "")
    if roles and "student" not in roles.casefold():
        return f"{value.get('first name', '')} {value.get('last name', '')}, a {roles}, no student"
    email = value.get("email address", "")
    return RosterEntry(
        value.get("id number") or email,
        value.get("first name", ""),
        value.get("last name", ""),
        email,
    )


def _blackboard_row(values: dict) -> RosterEntry | str:
    value = {key.casefold(): v for key, v in values.items()}
    username = value.get("username", "")
    if username.endswith(BLACKBOARD_PREVIEW_USER):
        return f"Blackboard's Student Preview user {username!r}, no student"
    return RosterEntry(
        value.get("student id") or username,
        value.get("first name", ""),
        value.get("last name", ""),
        "",
        username,
    )


ROW_READERS = {
    None: _kit_row,
    "canvas": _canvas_row,
    "moodle": _moodle_row,
    "blackboard": _blackboard_row,
}


def column_name(lms: str | None, column: str) -> str:
    """The column's name without its LMS's decoration: "BP (118802)", "Assignment: BP (Real)" and
    "BP [Total Pts: 43 Score] |118802" are all "BP"."""
    found = GRADE_COLUMN[lms].fullmatch(column) if lms in GRADE_COLUMN else None
    return found.group(1) if found else column


def _names(assignment_id: str, title: str) -> set[str]:
    """What a column may call the assignment: its id, its title, and each part of a title "中文 / English (§5.2)"."""
    parts = [title, *title.split(" / ")] if title else []
    parts += [re.sub(r"\s*\([^)]*\)$", "", part) for part in parts]
    return {_plain(name) for name in [assignment_id, *parts] if name.strip()}


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


def grade_column(class_list: ClassList, assignment_id: str, title: str = "") -> str | None:
    """The export's column of the assignment: the one whose name, the LMS's decoration removed, is
    its id or title (case aside); None when none is (the LMS file keeps its default column).

    DownloadError when several are, naming them and --column.
    """
    names = _names(assignment_id, title)
    found = [c for c in class_list.grade_columns if _plain(column_name(class_list.lms, c)) in names]
    if len(found) > 1:
        raise DownloadError(
            f"{class_list.source} has {len(found)} columns that may be {assignment_id}'s: "
            f"{', '.join(repr(c) for c in found)}; say which with --column {assignment_id}=NAME"
        )
    return found[0] if found else None


def grade_columns(
    class_list: ClassList,
    assignments: Iterable[tuple[str, str]],
    chosen: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """{assignment id: its column in the export} of the (id, title) assignments that have one;
    ``chosen`` ({id: column}, from --column) wins over what the names say."""
    chosen = dict(chosen or {})
    columns = {}
    for assignment_id, title in assignments:
        column = chosen.get(assignment_id) or grade_column(class_list, assignment_id, title)
        if column:
            columns[assignment_id] = column
    return columns


def write_kit_roster(entries: Iterable[RosterEntry], path: Path) -> Path:
    """Write the entries as the kit's own roster (the header nbgrader's ``db student import`` reads) to path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(ROSTER_COLUMNS)
        writer.writerows([getattr(entry, key) for key in ROSTER_COLUMNS] for entry in entries)
    return path


def roster_option_problem(argv: list[str]) -> str | None:
    """Why the ``--roster`` file of the command line cannot be read, or None (also without one, or
    one that is not there: the command's own parser says so)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--roster", type=Path)
    known, _ = parser.parse_known_args(argv)
    if known.roster is None or not known.roster.is_file():
        return None
    try:
        read_class_list(known.roster)
    except DownloadError as error:
        return str(error)
    return None
