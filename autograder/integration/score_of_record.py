"""``ScoreOfRecord``: the nbgrader preprocessor that makes the out-of-kernel grade the one plain `nbgrader autograde` saves.

nbgrader runs the hidden tests in the student's own kernel, after the student's code, which can
patch them and fake a score (or display one above the cell's points, which nbgrader refuses).
Placed after nbgrader's ``Execute`` and before its ``SaveAutoGrades``, this preprocessor takes
the grade of the very file being autograded from the kit's grader (the grading that
``StartGrading`` started with the kernel, else ``python -m autograder`` run now), and for every
graded cell of the kit writes that score and the student's feedback as the cell's output, which
``SaveAutoGrades`` then saves; a graded cell the student deleted gets its score in the gradebook
directly. The grade's provenance (grading/provenance.py), with the tamper flag and the deadline it
was graded under, goes into the saved report and the kit's table in the gradebook
(gradebook_provenance.py). The Markdown answer cells that people grade (course.yaml's
derivations) are left as they are. Where
the kernel had shown another score, the notebook is flagged in the gradebook (formgrader shows
it) and nbgrader's log says which cells.

When the kit's grader cannot grade the notebook at all (no worker can start, a broken
installation), the preprocessor raises with the reason and what to fix: nbgrader logs it as an
error and exits non-zero, and the submission is not saved half-graded with 0.
"""

import json
import logging
import re
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import determine_grade, is_grade
from traitlets import Bool, Unicode

from autograder.grading.results import scores_differ
from autograder.integration import early_grading, gradebook_provenance
from autograder.integration.gradebook_provenance import Provenance
from autograder.nbgrader_cell import (
    cell_text,
    grade_out_of_process,
    grading_timeout_seconds,
    student_of,
)

HIDDEN_SCORE = re.compile(r"""hidden_score\(\s*["'](\w+)["']""")
# the command line's report of a notebook (JSON: "items", each with "id", "status", "score" and
# "misconception"; "provenance"), saved with "kernel", {item: the kernel's score}
Report = dict[str, Any]


class KitGradingFailed(RuntimeError):
    """The kit's out-of-kernel grader could not grade a notebook; the message says why and what to do."""


class ScoreOfRecord(NbGraderPreprocessor):
    """Writes the out-of-kernel score into each graded cell of the kit before nbgrader saves the grades."""

    enforce = Bool(
        True,
        help="Write the out-of-kernel scores; False only records and flags where the kernel disagreed.",
    ).tag(config=True)
    reports_directory = Unicode(
        "",
        help="If set, each report is saved as <reports_directory>/<assignment>/<student>.json, with the kernel's scores.",
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        items = {
            index: match.group(1)
            for index, cell in enumerate(nb.cells)
            if _kit_graded(cell) and (match := HIDDEN_SCORE.search(cell.source))
        }
        if not items:
            return nb, resources
        notebook = Path(resources["metadata"]["path"]) / f"{resources['unique_key']}.ipynb"
        student, assignment = student_of(notebook), resources["nbgrader"]["assignment"]
        report = self._report(notebook, student, assignment)
        by_item = {item["id"]: item for item in report["items"]}
        kernel = {item: _kernel_score(nb.cells[index], self.log) for index, item in items.items()}
        report["kernel"] = kernel
        disputed = sorted(
            item
            for item, result in by_item.items()
            if scores_differ(kernel.get(item), result["score"])
        )
        if self.enforce:
            for index, item in items.items():
                if item in by_item:
                    nb.cells[index].outputs = _outputs(by_item[item])
        report["provenance"] = {**report["provenance"], "tampered": disputed}
        self._record_provenance(resources, report["provenance"])
        self._save(report, assignment, student)
        if disputed:
            self.log.warning(
                "%s: the kernel's scores differ from the out-of-kernel grader's in %s%s; the notebook is flagged",
                notebook,
                ", ".join(disputed),
                "" if self.enforce else " (not enforced)",
            )
            self._record(resources, by_item, set(disputed) - set(items.values()))
        return nb, resources

    def _report(self, notebook: Path, student: str, assignment: str) -> Report:
        """The grade of this very file for this student: the early grading's, else one made now."""
        early = early_grading.report(
            early_grading.digest_of(notebook), student, grading_timeout_seconds()
        )
        if early is not None:
            return early
        try:
            with tempfile.TemporaryDirectory() as scratch:
                return grade_out_of_process(
                    notebook, student, Path(scratch) / "grade.json", assignment
                )
        except Exception as error:  # the grader itself failed: never a silent 0
            raise KitGradingFailed(
                f"the course kit could not grade {notebook} out of the kernel: {error}. Nothing was saved for this "
                "submission. Run nbgrader from the kit's environment (python3 tasks.py setup, then .venv/bin/nbgrader), "
                "and check that `python -m autograder grade` works on a notebook here"
            ) from None

    def _save(self, report: Report, assignment: str, student: str) -> None:
        if not self.reports_directory:
            return
        path = Path(self.reports_directory) / assignment / f"{student}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def _record_provenance(self, resources: ResourcesDict, provenance: Provenance) -> None:
        """Add the deadline the grade was made under to its provenance, and record that in the gradebook."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as book:
            provenance["deadline"] = gradebook_provenance.deadline(
                book, info["assignment"], info["student"]
            )
            gradebook_provenance.record(book, info["assignment"], info["student"], provenance)
            book.db.commit()

    def _record(
        self,
        resources: ResourcesDict,
        by_item: Mapping[str, Mapping[str, Any]],
        missing_cells: Collection[str],
    ) -> None:
        """Flag the notebook in the gradebook; give the cells the student deleted their out-of-kernel score."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as book:
            notebook = book.find_submission_notebook(
                info["notebook"], info["assignment"], info["student"]
            )
            notebook.flagged = True
            if self.enforce:
                for item in missing_cells:
                    grade = book.find_grade(
                        item, info["notebook"], info["assignment"], info["student"]
                    )
                    grade.auto_score, grade.needs_manual_grade = by_item[item]["score"], False
            book.db.commit()


def _kit_graded(cell: NotebookNode) -> bool:
    """A graded code cell: the kit's items. A graded Markdown cell (a derivation) is a person's to grade, whatever it says."""
    return is_grade(cell) and cell.cell_type == "code"


def _kernel_score(cell: NotebookNode, log: logging.Logger) -> float | None:
    """The score nbgrader would read from the kernel's output, None where it would refuse it (above the points)."""
    try:
        return determine_grade(cell, log)[0]
    except ValueError:
        return None


def _outputs(result: Mapping[str, Any]) -> list[NotebookNode]:
    """A graded cell's output as the hidden-test call prints it: the score line and feedback, then the score."""
    return [
        new_output("stream", name="stdout", text=cell_text(result)),
        new_output(
            "execute_result",
            data={"text/plain": repr(float(result["score"]))},
            execution_count=None,
        ),
    ]
