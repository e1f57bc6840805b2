"""``ExecuteWithinDeadline``: nbgrader's ``Execute`` with a time limit on the whole notebook, and a reason for each way it stops.

nbgrader gives each cell its time limit and, when one runs past it, interrupts the kernel and goes
on with the next cell: code that blocks every cell (waiting on a pipe, sleeping) costs the cell
limit once per cell, minutes of a shard in which honest students wait; code that swallows the
interrupt, or a kernel that dies, fails the notebook with nbgrader's bare traceback. This
subclass gives each cell at most what is left of course.yaml's ``timeouts.per_notebook_seconds``,
and when the notebook cannot be graded (past that limit, a cell that would not stop, a dead
kernel) says why, naming the cell, in nbgrader's log and in
quarantine/<assignment>/<student>/reason.txt (kernel_folder.py), where the round reads it.
"""

import math
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Float

from autograder.grading.course import load_course
from autograder.integration import kernel_folder

TIMED_OUT = "CellTimeoutError"  # the error nbgrader's Execute records in a cell past its limit
LOOP_HINT = "look for a loop that never ends, or one that catches KeyboardInterrupt"


class ExecuteWithinDeadline(Execute):
    """Runs the notebook's cells as nbgrader does, all of them within course.yaml's per_notebook_seconds."""

    per_notebook_seconds = Float(
        None, allow_none=True, help="The whole notebook's time limit; default: course.yaml's."
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._seconds = self.per_notebook_seconds or load_course().timeouts.per_notebook_seconds
        self._deadline = time.monotonic() + self._seconds
        self._cell_limit, self._slow = None, None
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if (
            self._cell_limit is None
        ):  # NotebookClient's init in preprocess set it from the configuration
            self._cell_limit = self.timeout
        left = self._deadline - time.monotonic()
        if left <= 0:
            first = (
                f"cell {self._slow} was the first to run past the cell limit"
                if self._slow
                else "no cell ran past the cell limit on its own"
            )
            self._refuse(
                resources,
                f"its notebook ran past course.yaml's timeouts.per_notebook_seconds ({self._seconds:g} s) "
                f"before {_named(index, cell)}; {first}",
                LOOP_HINT,
            )
        self.timeout = max(1, min(self._cell_limit or math.inf, math.ceil(left)))
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            self._refuse(
                resources,
                f"{_named(index, cell)} ran past its limit ({self.timeout} s) and did not stop when interrupted",
                LOOP_HINT,
            )
        except DeadKernelError:
            self._refuse(
                resources,
                f"its kernel died while {_named(index, cell)} ran",
                "it may have ended its own process, or been killed for its memory",
            )
        if any(output.get("ename") == TIMED_OUT for output in cell.get("outputs", [])):
            self._slow = self._slow or _named(index, cell)
        return cell, resources

    def _refuse(self, resources, what, hint):
        info = resources["nbgrader"]
        root = CourseDirectory(config=self.config).root
        kernel_folder.refuse(root, info["assignment"], info["student"], f"{what}:", [hint])


def _named(index, cell):
    """A cell as an instructor finds it: its place and its first line."""
    return f"cell {index} ({next(iter(cell.source.splitlines()), '')[:60]!r})"
