"""``StartGrading``: the nbgrader preprocessor that starts a notebook's grading before its kernel (see early_grading.py).

Before that, it refuses a submission whose submitted folder holds a link or a special file
(kernel_folder.py), and records the notebook's SHA-256, which ``AuditKernelFolder`` checks
once the kernel has ended.
"""

import os
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.integration import early_grading, kernel_folder
from autograder.nbgrader_cell import student_of
from autograder.sandbox import leftovers
from autograder.sandbox.confined_kernel import AUTOGRADE_REPORT

ATTEMPTS = "attempts"  # the course folder's log of each student's submissions, by attempt


class StartGrading(NbGraderPreprocessor):
    """Starts grading the notebook being autograded (early_grading.py), if its graded cells ask for the grade."""

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        os.environ[AUTOGRADE_REPORT] = ""  # until this notebook's report is known: none
        course = CourseDirectory(config=self.config)
        info = resources["nbgrader"]
        student, assignment = info["student"], info["assignment"]
        kernel_folder.forget_refusal(course.root, assignment, student)
        submitted = course.format_path(course.submitted_directory, student, assignment)
        problems = kernel_folder.problems_of(submitted)
        if problems:
            kernel_folder.refuse(
                course.root, assignment, student, "in its submitted folder,", problems
            )
        notebook = Path(resources["metadata"]["path"]) / f"{resources['unique_key']}.ipynb"
        try:
            resources[kernel_folder.DIGEST] = early_grading.digest_of(notebook)
        except leftovers.NotRegular as error:
            kernel_folder.refuse(course.root, assignment, student, "its notebook", [str(error)])
        report = ""  # the folder of the grading started early: none, unless a graded cell asks
        if any("hidden_score(" in cell.source for cell in nb.cells if cell.cell_type == "code"):
            # the key the kernel looks under
            folder = early_grading.start(
                notebook, student_of(notebook), assignment, Path(course.root) / ATTEMPTS
            )
            report = str(folder)
        # the kernel about to start reads this report and nothing else of nbgrader's
        os.environ[AUTOGRADE_REPORT] = report
        return nb, resources
