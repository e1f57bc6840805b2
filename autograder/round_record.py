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

from nbgrader.api import Gradebook, MissingEntry


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RoundRecord:
    def __init__(self, path):
        self.path = path
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError:  # a record nobody can read: everything is graded again, nothing is lost
            print(f"    {path} is unreadable: every submission is graded again", flush=True)
            self.entries = {}

    def needs_grading(self, gradebook, assignment, student, sha256):
        if self.entries.get(assignment, {}).get(student, {}).get("sha256") != sha256:
            return True
        with Gradebook(f"sqlite:///{gradebook}") as book:
            try:
                book.find_submission(assignment, student)
            except MissingEntry:
                return True
        return False

    def needs_feedback(self, assignment, student):
        return not self.entries.get(assignment, {}).get(student, {}).get("feedback")

    def graded(self, assignment, students_and_digests):
        for student, sha256 in students_and_digests:
            self.entries.setdefault(assignment, {})[student] = {"sha256": sha256, "feedback": False}
        self._save()

    def feedback_written(self, assignment, students):
        for student in students:
            self.entries[assignment][student]["feedback"] = True
        self._save()

    def _save(self):
        aside = self.path.with_suffix(".json.partial")
        aside.write_text(json.dumps(self.entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(aside, self.path)
