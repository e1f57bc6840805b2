"""The last check before a feedback page reaches its student: nothing in it the student may not see.

A page leaks when it holds a line of the reference implementation's source, the id of another
student of the course, or the value of a secret of the grading environment (a variable named
like a token, password, key or credential). A line or id that the student's own submission
holds is theirs to see (a correct student writes some of the reference's lines). The confined
kernel keeps these out of the notebook (confined_kernel.py); this check is the second line.

``CheckedReleaseFeedback`` is nbgrader's ``release_feedback`` with the check (nbgrader_config.py
sets it) on every page it would send: a student with a leaking page gets none of theirs
released, nbgrader's log names the student and the line, and the command exits non-zero; the
round runs the same check after its feedback step.
"""

import collections
import functools
import glob
import html
import json
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

from autograder import ROOT
from autograder.integration.nbgrader_course import SUBMITTED
from autograder.sandbox import leftovers

REFERENCE = ROOT / "source_impl"
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|KEY|CREDENTIAL|AUTH|COOKIE|PRIVATE", re.IGNORECASE)
# shorter lines are common code; shorter values are not secrets
SHORTEST_LINE, SHORTEST_SECRET = (
    24,
    8,
)
Leak = tuple[str, str]  # (what, the line or id)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(page: str) -> str:
    """The text a feedback page shows (its HTML's tags, scripts' and styles' contents aside)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.DOTALL | re.IGNORECASE)
    parser = _Text()
    parser.feed(page)
    return html.unescape("".join(parser.parts))


def reference_lines() -> set[str]:
    """The reference's source lines long enough to tell: stripped, each once."""
    lines = {
        line.strip()
        for path in sorted(REFERENCE.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    return {line for line in lines if len(line) >= SHORTEST_LINE}


def secrets(environment: Mapping[str, str]) -> dict[str, str]:
    """{name: value} of the environment's variables named like secrets, with values long enough to be one."""
    return {
        name: value
        for name, value in environment.items()
        if SECRET_NAME.search(name) and len(value) >= SHORTEST_SECRET
    }


def leaks(
    page: str,
    own: str,
    student: str,
    students: Collection[str],
    reference: Collection[str],
    environment: Mapping[str, str],
) -> list[Leak]:
    """What the page holds that its student may not see: a list of (what, the line or id), empty when nothing.

    ``own`` is the text of the student's own submission; ``students`` the course's student ids.
    """
    text = page_text(page)
    lines = {line.strip() for line in text.splitlines()}
    found = [
        ("a line of the reference's source", line)
        for line in sorted(lines.intersection(reference))
        if line not in own
    ]
    found += [
        ("another student's id", other)
        for other in sorted(_ids_in(text, frozenset(students)) - {student})
        if other not in own
    ]
    found += [
        (f"the grading environment's {name}", "(its value)")
        for name, value in sorted(secrets(environment).items())
        if value in text
    ]
    return found


ID_CHARACTERS = re.compile(r"[\w.@-]+")


def _ids_in(text: str, ids: frozenset[str]) -> frozenset[str]:
    """The ids that the text names as a word of their own: not inside a longer name, email or number.

    An id stands where a run of word characters, dots, @ and - begins, and ends that run or a dot
    follows it (an id ending a sentence). The runs are read once, whatever the class's size; an id
    with other characters (a space) is searched for on its own.
    """
    named: set[str] = set()
    for run in ID_CHARACTERS.findall(text):
        named.add(run)
        named.update(run[:dot] for dot, character in enumerate(run) if character == ".")
    plain, other = _by_kind(frozenset(ids))
    return (plain & named) | {
        i for i in other if re.search(rf"(?<![\w.@-]){re.escape(i)}(?![\w@-])", text)
    }


@functools.lru_cache(maxsize=4)
def _by_kind(ids: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(the ids of name characters only, the others) of a frozenset of ids: split once a class, not once a page."""
    plain = frozenset(i for i in ids if ID_CHARACTERS.fullmatch(i))
    return plain, ids - plain


def check_pages(
    pages: Mapping[str, Iterable[Path]],
    root: str | Path,
    assignment: str,
    gradebook_url: str,
    environment: Mapping[str, str],
) -> dict[str, list[Leak]]:
    """{student: leaks} of the students whose feedback pages leak, in the course folder root.

    ``pages``: {student: [page path, ...]}, every page that release would send them. A page that
    is not a regular file (a link, a pipe) is held back as a leak of its own: nothing follows it.
    """
    with Gradebook(gradebook_url) as book:
        students = frozenset(student.id for student in book.students)
    reference = reference_lines()
    found: dict[str, list[Leak]] = {}
    for student, paths in sorted(pages.items()):
        own = submission_text(root, student, assignment)
        leaked: list[Leak] = []
        for path in sorted(paths):
            try:
                page = leftovers.read_regular(path).decode("utf-8", errors="replace")
            except leftovers.NotRegular as error:
                leaked.append(("a page that is not a regular file", str(error)))
                continue
            leaked += leaks(page, own, student, students, reference, environment)
        if leaked:
            found[student] = leaked
    return found


def pages_of(folders: Mapping[str, str | Path]) -> dict[str, list[Path]]:
    """{student: [every .html page in the folder]} of {student: their feedback folder}: what release sends."""
    return {student: sorted(Path(folder).glob("*.html")) for student, folder in folders.items()}


def described(student: str, leaked: Sequence[Leak]) -> str:
    return f"{student}'s feedback holds " + "; ".join(
        f"{what}: {line[:120]!r}" for what, line in leaked
    )


def submission_text(root: str | Path, student: str, assignment: str) -> str:
    """The text of the student's submitted notebooks, their cells' sources and outputs: what is theirs to see."""
    parts: list[str] = []
    for path in sorted((Path(root) / SUBMITTED / student / assignment).glob("*.ipynb")):
        try:
            text = leftovers.read_regular(path).decode("utf-8", errors="replace")
        except leftovers.NotRegular:  # a link is no text of theirs
            continue
        try:
            parts += _strings(json.loads(text))
        except ValueError:  # not JSON: its raw text is all there is
            parts.append(text)
    return "\n".join(parts)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return (
            ["".join(value)]
            if all(isinstance(v, str) for v in value)
            else [s for v in value for s in _strings(v)]
        )
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


class CheckedReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback that holds back, and names, every page that leaks."""

    def copy_files(self) -> None:
        pages: collections.defaultdict[str, list[Path]] = collections.defaultdict(list)
        for page in glob.glob(os.path.join(self.src_path, "*.html")):
            pages[Path(page).parent.parent.name].append(Path(page))
        found = check_pages(
            pages,
            self.coursedir.root,
            self.coursedir.assignment_id,
            self.coursedir.db_url,
            os.environ,
        )
        for student, leaked in found.items():
            self.log.error("not released: %s", described(student, leaked))
        if found:
            held = set(filter(None, self.coursedir.student_id_exclude.split(","))) | set(found)
            self.coursedir.student_id_exclude = ",".join(sorted(held))
        super().copy_files()
        if found:
            self.fail(
                f"feedback not released for {', '.join(found)}: it holds what the student may not see (see above)"
            )
