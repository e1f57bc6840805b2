"""What a round has finished in a course folder, so that running it again does only the rest.

Per assignment and student: the SHA-256 of the submitted notebook that autograde graded, and
whether its feedback was written since. A submission is graded again when its notebook changed
or the gradebook has no submission of it (a round killed during autograde leaves none recorded);
its feedback is written again unless recorded as written. The record is written aside and then
renamed over the old one, so a round killed while writing it leaves the old record whole.
"""

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypedDict

from nbgrader.api import Gradebook


class Entry(TypedDict):
    """What the record holds of one submission."""

    sha256: str  # of the notebook autograde graded
    feedback: bool  # whether its feedback was written since


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RoundRecord:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Entry]]  # {assignment: {student: Entry}}
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError:  # a record nobody can read: everything is graded again, nothing is lost
            print(f"    {path} is unreadable: every submission is graded again", flush=True)
            self.entries = {}

    def to_grade(self, db_url: str, assignment: str, digests: Mapping[str, str]) -> list[str]:
        """Those of the students ({student: their notebook's SHA-256}) whose submission is new, changed, or not in the gradebook."""
        recorded = self.entries.get(assignment, {})
        # the round released the assignment before
        with Gradebook(db_url) as book:
            in_gradebook = {
                submission.student_id for submission in book.assignment_submissions(assignment)
            }
        return [
            s
            for s, sha256 in digests.items()
            if s not in recorded or recorded[s]["sha256"] != sha256 or s not in in_gradebook
        ]

    def needs_feedback(self, assignment: str, student: str) -> bool:
        entry = self.entries.get(assignment, {}).get(student)
        return not (entry and entry["feedback"])

    def graded(self, assignment: str, students_and_digests: Iterable[tuple[str, str]]) -> None:
        for student, sha256 in students_and_digests:
            self.entries.setdefault(assignment, {})[student] = {"sha256": sha256, "feedback": False}
        self._save()

    def feedback_written(self, assignment: str, students: Iterable[str]) -> None:
        for student in students:
            self.entries[assignment][student]["feedback"] = True
        self._save()

    def _save(self) -> None:
        aside = self.path.with_suffix(".json.partial")
        aside.write_text(
            json.dumps(self.entries, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        os.replace(aside, self.path)
