"""``StartGrading``: the nbgrader preprocessor that starts a notebook's grading before its kernel (see early_grading.py)."""

import os
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.integration import early_grading
from autograder.nbgrader_cell import student_of
from autograder.sandbox.confined_kernel import AUTOGRADE_REPORT

ATTEMPTS = "attempts"  # the course folder's log of each student's submissions, by attempt


class StartGrading(NbGraderPreprocessor):
    """Starts ``python -m autograder grade`` on the notebook being autograded, if its graded cells ask for the grade."""

    def preprocess(self, nb, resources):
        report = ""
        if any("hidden_score(" in cell.source for cell in nb.cells if cell.cell_type == "code"):
            notebook = Path(resources["metadata"]["path"]) / f"{resources['unique_key']}.ipynb"
            # the key the kernel looks under
            report = early_grading.start(
                notebook,
                student_of(notebook),
                resources["nbgrader"]["assignment"],
                Path(CourseDirectory(config=self.config).root) / ATTEMPTS,
            )
        # the kernel about to start reads this report and nothing else of nbgrader's
        os.environ[AUTOGRADE_REPORT] = str(report)
        return nb, resources
