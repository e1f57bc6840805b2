"""An LMS download sorted into one notebook per student and assignment, with a note on every other file.

"Download all submissions" names each file the LMS's own way:

    Canvas      wangwei_12345_678901_bp.ipynb                  <lastfirst>_[LATE_]<user id>_<submission id>_<file>
    Moodle      Wei Wang_4021_assignsubmission_file_/bp.ipynb  <full name>_<participant id>_assignsubmission_file_[/]<file>
    Blackboard  bp_wangwei_attempt_2026-11-20-10-00-00_bp.ipynb  <assignment>_<user name>_attempt_<time>_<file>

Only Blackboard's names hold the upload's time; for Canvas and Moodle it is the archive entry's
modification time (the file's, in an unpacked folder). A zip's entry times and Blackboard's
names carry no zone: they are read in the zone given (the round's ``--download-zone``, default
UTC). Canvas marks a file handed in after its due date ``LATE_`` (``Arrival.late``). A file's student is the roster's row
whose id, lms_user_id or email is the LMS's id, else the one row whose name is the LMS's name;
its assignment is the one whose graded cells the notebook holds (nbgrader's grade ids), else the
one its file name names. Of several notebooks of one student and assignment the latest wins.
Every file that is not simply that notebook gets a ``Note`` saying what became of it.
"""

import atexit
import io
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.sandbox import leftovers

if TYPE_CHECKING:
    from autograder.grading.course import DownloadLimits
    from autograder.integration.nbgrader_course import CourseFolder

# nbformat, the course and nbgrader's folders are imported where they are used: reading a roster
# (lms_roster) needs none of them, and the round reads it before anything else loads

# Each is searched for at the end of the file's path in the download, whatever folders come before.
SCHEMES = {
    "Canvas": re.compile(
        r"(?:^|/)(?P<name>[^_/]+)_(?P<late>LATE_)?(?P<lms_id>\d+)_\d+_(?P<file>[^/]+)$"
    ),
    "Moodle": re.compile(
        r"(?:^|/)(?P<name>[^_/]+)_(?P<lms_id>\d+)_assignsubmission_[a-z]+_/?(?P<file>[^/]+)$"
    ),
    # the receipt Blackboard adds to each attempt has no file part: <assignment>_<user>_attempt_<time>.txt
    "Blackboard": re.compile(
        r"(?:^|/)[^/]+?_(?P<lms_id>[^_/]+)_attempt_(?P<time>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>[^/]+))?(?:\.txt)?$"
    ),
}
# those of nbgrader's student table
ROSTER_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "lms_user_id",
)
# A student id names the student's folders and goes into nbgrader's comma-separated options and
# the CSV files: it begins with a letter, a digit or _ (a leading - is an option to nbgrader, a
# leading = + - @ a formula to a spreadsheet).
STUDENT_ID = re.compile(r"\w[\w.@+-]*")
STUDENT_ID_RULE = "letters, digits and . _ @ + - only, beginning with a letter, digit or _"


SHOWN_PER_SENDER = 5  # notes on one sender's files printed and reported; all are in arrivals.csv
NO_SCHEME = (
    "named by no LMS's scheme (Canvas, Moodle, Blackboard): whose it is cannot be told; not graded"
)


class DownloadError(ValueError):
    """The download or the roster cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class RosterEntry:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""


@dataclass(frozen=True)
class Arrival:
    """One file of the download: where it was, what its name says, when it came, and its bytes."""

    path: str  # inside the download, as the instructor sees it
    time: datetime
    stored: (
        bytes | Path
    )  # its bytes, or the regular file holding them (a download's is unpacked to disk)
    lms: str | None = None  # the LMS whose naming scheme the path follows, None if none does
    lms_id: str = ""
    name: str = ""  # the student's name as the LMS wrote it
    file: str = ""  # the name the student gave the file
    problem: str = ""  # why it was not read (a link, past a limit); its content is then empty
    late: bool = False  # the LMS marked it handed in after the due date (Canvas's LATE_)

    @property
    def content(self) -> bytes:
        """The file's bytes, read when asked: a download's files are not all held in memory at once."""
        return leftovers.read_regular(self.stored) if isinstance(self.stored, Path) else self.stored

    @property
    def who(self) -> str:
        return f"{self.lms} user {self.lms_id}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class Note:
    path: str
    what: str
    student: str = ""
    assignment: str = ""  # "" when neither the file's cells nor its name tell


Key = tuple[str, str]  # (student, assignment)
GradedCells = Mapping[str, Set[str]]  # {assignment: its graded cells' grade ids}
# a file of the download as read: (its path in it, its time, its bytes or the file holding them, why it was not read)
Entry = tuple[str, datetime, bytes | Path, str]


@dataclass
class Sorting:
    chosen: dict[Key, Arrival]
    notes: list[Note]  # in the download's order


def read_roster(path: str | Path) -> list[RosterEntry]:
    """The roster's entries, from the kit's CSV or an LMS's export (``lms_roster``); DownloadError naming
    the file and the row for anything nbgrader could not use."""
    from autograder.rounds import lms_roster  # it reads RosterEntry from here

    return lms_roster.read_class_list(path).entries


# Cyrillic and Greek letters drawn like Latin ones: an id with them looks like another one
LATIN_LOOKALIKES = str.maketrans(
    "аеорсхуіјѕԁкмнтвАЕОРСХУІЈЅКМНТВοανκιρτυχΟΑΝΚΙΡΤΥΧ",
    "aeopcxyijsdkmhtbAEOPCXYIJSKMHTBoavkiptuxOANKIPTYX",
)


def roster_warnings(entries: Iterable[RosterEntry]) -> list[str]:
    """What about the roster's ids may mislead a person: compatibility forms (full-width digits), letters of
    several scripts, and ids that look like another's. One sentence each, naming the id."""
    warnings: list[str] = []
    seen: dict[str, str] = {}  # {the id as it looks: the first id that looks so}
    for entry in entries:
        plain = unicodedata.normalize("NFKC", entry.id)
        if plain != entry.id:
            warnings.append(
                f"the id {entry.id!r} is {plain!r} written in full-width or other compatibility characters"
            )
        scripts = sorted({unicodedata.name(c, "?").split()[0] for c in entry.id if c.isalpha()})
        if len(scripts) > 1:
            warnings.append(f"the id {entry.id!r} mixes {' and '.join(scripts)} letters")
        looks = plain.translate(LATIN_LOOKALIKES).casefold()
        if looks in seen and seen[looks] != entry.id:
            warnings.append(f"the id {entry.id!r} looks like {seen[looks]!r}, another student's")
        seen.setdefault(looks, entry.id)
    return warnings


def read_download(
    path: str | Path, limits: "DownloadLimits | None" = None, zone: tzinfo = UTC
) -> list[Arrival]:
    """Every file of the download (a zip or a folder) as an Arrival, named by the first matching scheme.

    ``zone`` (a tzinfo) is that of the times the download writes without one: a zip entry's
    and a Blackboard name's.

    Read within ``limits`` (course.yaml's downloads): a file past the size or compression ratio
    of one file, or that is a link or a special file, is not read (its Arrival says why); past
    the number of files or the size of all, DownloadError names the download and the file.
    """
    from autograder.grading.course import load_course

    path, limits = Path(path), limits or load_course().downloads
    if path.is_dir():
        entries = _folder_entries(path, limits)
    elif zipfile.is_zipfile(path):
        entries = _zip_entries(path, limits, zone)
    else:
        raise DownloadError(f"{path} is neither a folder nor a zip file")
    return [
        _recognised(name, time, content, problem, zone) for name, time, content, problem in entries
    ]


def _folder_entries(folder: Path, limits: "DownloadLimits") -> list[Entry]:
    """(name, time, content, problem) of each file beneath the folder; links are listed, never followed."""
    entries: list[Entry] = []
    total = 0
    for parent, folders, files in os.walk(folder):  # never into a linked folder
        for name in sorted(folders) + sorted(files):
            entry = Path(parent, name)
            info = os.lstat(entry)
            if stat.S_ISDIR(info.st_mode):
                continue
            shown = str(entry.relative_to(folder))
            _count(entries, limits, folder)
            kind = _special(info.st_mode)
            if kind or info.st_size > limits.entry_mib * 2**20:
                problem = kind or _too_large(info.st_size, limits)
                entries.append((shown, _utc(info.st_mtime), b"", problem))
                continue
            total = _add(total, info.st_size, limits, folder, shown)
            entries.append((shown, _utc(info.st_mtime), entry, ""))
    return entries


def _zip_entries(path: Path, limits: "DownloadLimits", zone: tzinfo) -> list[Entry]:
    """(name, time, content, problem) of each file of the zip, each read to at most its limit."""
    entries: list[Entry] = []
    total, spool = 0, _spool()
    most = max(path.stat().st_size, 2**20) * limits.ratio  # uncompressed bytes of the whole archive
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            _count(entries, limits, path)
            time = datetime(*info.date_time, tzinfo=zone)
            problem = _special(info.external_attr >> 16) or _entry_problem(info, limits)
            if problem:
                entries.append((info.filename, time, b"", problem))
                continue
            unpacked = spool / str(len(entries))
            try:
                size = _unpack_at_most(archive, info, unpacked, limits.entry_mib * 2**20)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                entries.append(
                    (info.filename, time, b"", f"damaged in the zip ({error}): not graded")
                )
                continue
            if size is None:
                entries.append((info.filename, time, b"", _too_large(None, limits)))
                continue
            total = _add(total, size, limits, path, info.filename, most)
            entries.append((info.filename, time, unpacked, ""))
    return entries


def _spool() -> Path:
    """A folder of this process's for a download's unpacked files, removed at its exit."""
    folder = Path(tempfile.mkdtemp(prefix="download-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _count(entries: Sequence[Entry], limits: "DownloadLimits", download: Path) -> None:
    if len(entries) >= limits.entries:
        raise DownloadError(
            f"{download} holds more than {limits.entries} files (course.yaml's downloads.entries): "
            f"not read; remove what is not a submission, or raise the limit"
        )


def _add(
    total: int,
    size: int,
    limits: "DownloadLimits",
    download: Path,
    name: str,
    most: int | None = None,
) -> int:
    """The running total with size added; DownloadError past the total limit (or most, the archive's)."""
    total += size
    cap = min(limits.total_mib * 2**20, most or limits.total_mib * 2**20)
    if total > cap:
        raise DownloadError(
            f"{download} unpacks to more than {cap / 2**20:.0f} MiB (course.yaml's downloads.total_mib and ratio), "
            f"reached at {name}: not read; is it a zip bomb?"
        )
    return total


def _special(mode: int) -> str:
    """What the round says of a link or special file, by its mode; "" for a regular file or a folder."""
    kind = leftovers.kind_of_mode(mode) if mode else ""
    return f"{kind}: not followed, not graded" if kind else ""


def _entry_problem(info: zipfile.ZipInfo, limits: "DownloadLimits") -> str:
    if info.file_size > limits.entry_mib * 2**20:
        return _too_large(info.file_size, limits)
    if info.file_size > 2**20 and info.file_size > limits.ratio * max(info.compress_size, 1):
        return (
            f"compressed {info.file_size // max(info.compress_size, 1)} to 1, more than course.yaml's "
            f"downloads.ratio of {limits.ratio}: not unpacked, not graded"
        )
    return ""


def _too_large(size: int | None, limits: "DownloadLimits") -> str:
    said = f"{size / 2**20:.0f} MiB, " if size else ""
    return f"{said}larger than course.yaml's downloads.entry_mib of {limits.entry_mib} MiB: not unpacked, not graded"


def _unpack_at_most(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, most: int
) -> int | None:
    """Write the entry to target in pieces; its size, or None (and no file) when it holds more than most (its stated size may lie)."""
    size = 0
    with archive.open(info) as entry, open(target, "wb") as out:
        while piece := entry.read(2**20):
            size += len(piece)
            if size > most:
                break
            out.write(piece)
    if size > most:
        target.unlink()
        return None
    return size


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=0)


def read_name(
    path: str, zone: tzinfo = UTC
) -> tuple[str, str, str, str, datetime | None, bool] | None:
    """(LMS, its id of the student, the student's name, the file's name, the time or None, whether
    the LMS marked it late) that the path's name says under the first scheme it follows (a time
    in the name is read in zone), or None when it follows none."""
    for lms, scheme in SCHEMES.items():
        found = scheme.search(path)
        if found:
            groups = found.groupdict()
            time = groups.get("time") and datetime.strptime(
                groups["time"], "%Y-%m-%d-%H-%M-%S"
            ).replace(tzinfo=zone)
            return (
                lms,
                groups["lms_id"],
                groups.get("name") or "",
                groups.get("file") or "",
                time or None,
                bool(groups.get("late")),
            )
    return None


def _recognised(
    path: str, time: datetime, stored: bytes | Path, problem: str = "", zone: tzinfo = UTC
) -> Arrival:
    named = read_name(path, zone)
    if named is None:
        return Arrival(path, time, stored, file=Path(path).name, problem=problem)
    lms, lms_id, name, file, named_time, late = named
    return Arrival(path, named_time or time, stored, lms, lms_id, name, file, problem, late)


def when(time: datetime) -> str:
    """A time as the round shows it: to the minute, with its zone."""
    return f"{time:%Y-%m-%d %H:%M} {time.tzname()}"


def sort(
    arrivals: Iterable[Arrival],
    roster: Sequence[RosterEntry],
    graded_cells: GradedCells,
    assignments: Container[str],
) -> Sorting:
    """The Sorting of the arrivals for the round's assignments; graded_cells is {assignment: its graded cells' grade ids} of all."""
    candidates: defaultdict[Key, list[Arrival]] = defaultdict(list)
    notes = []
    for arrival in arrivals:
        key, note = _judged(arrival, roster, graded_cells, assignments)
        if key:
            candidates[key].append(arrival)
        if note:
            notes.append(note)
    chosen = {}
    for key, found in candidates.items():
        chosen[key], passed_over = _latest(key, found, graded_cells)
        notes += passed_over
    return Sorting(chosen, notes)


def _judged(
    arrival: Arrival,
    roster: Sequence[RosterEntry],
    graded_cells: GradedCells,
    assignments: Container[str],
) -> tuple[Key | None, Note | None]:
    """(student, assignment) the arrival may be graded as, None when it is graded for no one; and the Note on it, if any."""
    # a file no LMS named has no one to look up
    found = match(arrival, roster) if arrival.lms else (None, "")
    problem = _not_a_notebook(arrival)
    if problem:
        named = named_assignment(arrival.file, graded_cells) or ""
        return None, Note(arrival.path, problem, found[0].id if found[0] else "", named)
    if arrival.lms is None:
        return None, Note(arrival.path, NO_SCHEME)
    if found[0] is None:
        return None, Note(arrival.path, found[1])
    return _judged_notebook(arrival, found[0].id, graded_cells, assignments)


def _judged_notebook(
    arrival: Arrival, student: str, graded_cells: GradedCells, assignments: Container[str]
) -> tuple[Key | None, Note | None]:
    """_judged of a notebook whose student is known: its assignment, by its cells or else its name."""
    assignment, named = assignment_of(arrival, graded_cells)
    if assignment is None:
        return None, Note(
            arrival.path,
            f"holds none of the graded cells of {', '.join(graded_cells)} and its name names none: not graded",
            student,
        )
    if assignment not in assignments:
        return None, Note(
            arrival.path,
            f"a notebook of {assignment}, which this round does not grade",
            student,
            assignment,
        )
    key = (student, assignment)
    if named not in (None, assignment):
        return key, Note(
            arrival.path,
            f"holds the {assignment} notebook under the name {arrival.file!r}: graded as {assignment}",
            *key,
        )
    if arrival.file != f"{assignment}.ipynb":
        return key, Note(arrival.path, f"named {arrival.file!r}: taken as {assignment}.ipynb", *key)
    return key, None


def _latest(
    key: Key, candidates: Sequence[Arrival], graded_cells: GradedCells
) -> tuple[Arrival, list[Note]]:
    """Which of the candidates for key (student, assignment) is graded, and a Note on each other one."""
    # a notebook holding the assignment's graded cells before one that only bears its name, then the latest
    ordered = sorted(candidates, key=lambda a: (holds_cells(a, graded_cells), a.time, a.path))
    graded = ordered[-1]
    notes = []
    for other in ordered[:-1]:
        if other.time > graded.time:
            why = f"later than {graded.path} but holds none of the assignment's graded cells: {graded.path} is graded"
        else:
            why = f"older than {graded.path} ({when(other.time)} before {when(graded.time)}): the latest is graded"
        notes.append(Note(other.path, why, *key))
    return graded, notes


def holds_cells(arrival: Arrival, graded_cells: GradedCells) -> bool:
    """Whether the arrival is a notebook holding graded cells of an assignment (not a file that only bears its name)."""
    return _cell_ids(arrival) & set().union(*graded_cells.values()) != set()


def summarised(notes: Iterable[Note], most: int = SHOWN_PER_SENDER) -> list[Note]:
    """The notes with each student's first ``most`` kept and the rest as one line with a count; notes of no student, by what they say."""
    by_sender: defaultdict[str, list[Note]] = defaultdict(list)
    for note in notes:
        by_sender[note.student or note.what].append(note)
    shown = []
    for theirs in by_sender.values():
        shown += theirs[:most]
        if len(theirs) > most:
            more = len(theirs) - most
            whose = f"of {theirs[0].student}" if theirs[0].student else f"noted {theirs[0].what!r}"
            shown.append(
                Note(f"… {more} more", f"{more} more files {whose}, none graded", theirs[0].student)
            )
    return shown


def _not_a_notebook(arrival: Arrival) -> str | None:
    """Why the file is no notebook to grade, or None."""
    name = arrival.file or Path(arrival.path).name
    if arrival.problem:
        return arrival.problem
    if not arrival.content:
        return "an empty file: not graded"
    if name.lower().endswith(".zip"):
        return _inner_archive(arrival.content)
    if not name.lower().endswith(".ipynb"):
        return f"not a notebook ({Path(name).suffix or 'no extension'}): not graded"
    return None


def _inner_archive(content: bytes) -> str:
    """What the round says of a zip inside the download: it is never opened; unpacking it is advised only where nothing in it is a link."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            links = [i.filename for i in archive.infolist() if _special(i.external_attr >> 16)]
    except (zipfile.BadZipFile, ValueError):
        return "an archive inside the download that is not a readable zip: not opened, not graded"
    if links:
        return (
            f"an archive inside the download holding {links[0]!r}, a link or special file: not opened, "
            "and not to be unpacked (its link would point the grading at another file); not graded"
        )
    return "an archive inside the download: not opened; unpack it into the download and run again"


def _key(text: str) -> str:
    """A name compared letter by letter: lower case, no spaces, accents or punctuation."""
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in text if c.isalnum())


def match(
    arrival: Arrival, roster: Sequence[RosterEntry]
) -> tuple[RosterEntry, None] | tuple[None, str]:
    """(the roster's entry for the arrival, None) or (None, why there is none)."""
    by_id = [
        e
        for e in roster
        if arrival.lms_id.casefold()
        in {v.casefold() for v in (e.id, e.lms_user_id, e.email, e.email.split("@")[0]) if v}
    ]
    if len(by_id) == 1:
        return by_id[0], None
    by_name = [
        e
        for e in roster
        if arrival.name
        and _key(arrival.name)
        in (_key(e.first_name + e.last_name), _key(e.last_name + e.first_name))
    ]
    if len(by_name) == 1:
        return by_name[0], None
    if len(by_id + by_name) > 1:
        ids = ", ".join(sorted({e.id for e in by_id + by_name}))
        return (
            None,
            f"{arrival.who} matches several roster rows ({ids}): not graded; give the roster an lms_user_id column",
        )
    return None, f"{arrival.who} is not on the roster: not graded; add them to it and run again"


def assignment_of(arrival: Arrival, graded_cells: GradedCells) -> tuple[str | None, str | None]:
    """(the assignment the notebook holds the graded cells of, else the one its name names; the one its name names), None for none."""
    ids = _cell_ids(arrival)
    named = named_assignment(arrival.file, graded_cells)
    by_cells = max(graded_cells, key=lambda a: len(ids & graded_cells[a]))
    return (by_cells if ids & graded_cells[by_cells] else named), named


def _cell_ids(arrival: Arrival) -> set[str]:
    """The nbgrader grade ids of the arrival's cells; none when it is no readable notebook (its name must tell)."""
    import nbformat

    try:
        cells = nbformat.reads(arrival.content.decode("utf-8"), as_version=4).cells
    except Exception:  # not JSON, not a notebook: nbgrader's check reports the rest
        return set()
    return {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells} - {None}


def place(course: "CourseFolder", chosen: Mapping[Key, Arrival]) -> dict[Key, str]:
    """Put each chosen notebook where nbgrader's collect would, unless its bytes are there already.

    Returns {(student, assignment): "new", "changed" or "unchanged"}.
    """
    from autograder.integration.nbgrader_course import SUBMITTED

    placed = {}
    for (student, assignment), arrival in sorted(chosen.items()):
        notebook = course.notebook(SUBMITTED, student, assignment)
        if notebook.is_file() and notebook.read_bytes() == arrival.content:
            placed[(student, assignment)] = "unchanged"
            continue
        placed[(student, assignment)] = "changed" if notebook.is_file() else "new"
        course.write_submission(student, assignment, arrival.content, arrival.time)
    return placed


def named_assignment(file: str, assignments: Iterable[str]) -> str | None:
    """The one of the assignments that the file's name names as a word ("bp (1).ipynb", "bp-final.py"), else None."""
    stem = Path(file).stem.casefold()
    named = [
        a for a in assignments if re.search(rf"(?<![a-z]){re.escape(a.casefold())}(?![a-z])", stem)
    ]
    return named[0] if len(named) == 1 else None
