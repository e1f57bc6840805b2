"""``ExecuteWithinDeadline``: nbgrader's ``Execute`` with a time limit on the whole notebook, and a reason for each way it stops.

nbgrader gives each cell its time limit and, when one runs past it, interrupts the kernel and goes
on with the next cell: code that blocks every cell (waiting on a pipe, sleeping) costs the cell
limit once per cell, minutes of a shard in which honest students wait; code that swallows the
interrupt, or a kernel that dies, fails the notebook with nbgrader's bare traceback. This
subclass gives each cell at most what is left of course.yaml's ``timeouts.per_notebook_seconds``,
measures the kernel's folder while it runs (ending the kernel once the folder is past
course.yaml's ``kernel_folder`` limits: its RLIMIT_FSIZE bounds each file, not how many), and when
the notebook cannot be graded (past the time limit, a cell that would not stop, a dead or ended
kernel) says why, naming the cell, in nbgrader's log and in
quarantine/<assignment>/<student>/reason.txt (kernel_folder.py), where the round reads it.
"""

import math
import threading
import time
from pathlib import Path
from typing import Any, NoReturn

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Float, default

from autograder.grading.course import KernelFolder, load_course
from autograder.integration import kernel_folder
from autograder.integration.prompt_kernel import PromptKernelManager
from autograder.sandbox import leftovers

TIMED_OUT = "CellTimeoutError"  # the error nbgrader's Execute records in a cell past its limit
LOOP_HINT = "look for a loop that never ends, or one that catches KeyboardInterrupt"


class ExecuteWithinDeadline(Execute):
    """Runs the notebook's cells as nbgrader does, all of them within course.yaml's per_notebook_seconds."""

    per_notebook_seconds = Float(
        None, allow_none=True, help="The whole notebook's time limit; default: course.yaml's."
    ).tag(config=True)

    watch_seconds = Float(0.5, help="How often the kernel's folder is measured while it runs.").tag(
        config=True
    )
    timeout: int | None  # nbclient's limit of the cell about to run, in seconds

    def __init__(self, **kwargs: Any) -> None:
        # nbgrader's Execute passes its own (jupyter_client's) unless one is given
        kwargs.setdefault("kernel_manager_class", PromptKernelManager)
        super().__init__(**kwargs)

    @default("shutdown_kernel")
    def _kill_at_the_end(self) -> str:
        """The kernel is killed once the last cell ran: nothing of it is needed then, and a
        submission's exit handlers do not run; ipykernel's own shutdown took 0.15 s a notebook."""
        return "immediate"

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict | None = None, km: Any = None
    ) -> tuple[NotebookNode, ResourcesDict]:
        if resources is None:
            raise ValueError(
                "ExecuteWithinDeadline needs nbgrader's resources: they name the notebook's folder"
            )
        course = load_course()
        self._seconds = self.per_notebook_seconds or course.timeouts.per_notebook_seconds
        self._deadline = time.monotonic() + self._seconds
        self._cell_limit: int | None = (
            None  # the configured cell limit, read when the first cell runs
        )
        self._slow: str | None = None  # the first cell that ran past the cell limit
        self._overgrown: list[str] | None = None  # what the watch found past kernel_folder's limits
        done = threading.Event()
        watcher = threading.Thread(
            target=self._watch,
            args=(resources["metadata"]["path"], course.kernel_folder, done),
            daemon=True,
        )
        watcher.start()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            done.set()
            watcher.join()

    def _watch(self, folder: str | Path, limits: KernelFolder, done: threading.Event) -> None:
        """Measure the kernel's folder while it runs; past course.yaml's kernel_folder limits, end the kernel.

        RLIMIT_FSIZE bounds each file the kernel writes, not how many: without this a loop of
        files would fill the disk before the audit after the kernel could refuse them.
        """
        while not done.wait(self.watch_seconds):
            problems = leftovers.audit(
                folder, limits.file_bytes, limits.total_bytes, limits.entries
            )
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if problems and process is not None:
                self._overgrown = problems
                process.kill()  # the cell then fails with DeadKernelError, refused below with this reason
                return

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
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
        within = math.ceil(left)
        self.timeout = max(1, min(self._cell_limit, within) if self._cell_limit else within)
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            self._refuse(
                resources,
                f"{_named(index, cell)} ran past its limit ({self.timeout} s) and did not stop when interrupted",
                LOOP_HINT,
            )
        except DeadKernelError:
            if self._overgrown:
                self._refuse(
                    resources,
                    f"its folder grew past course.yaml's kernel_folder limits while {_named(index, cell)} ran, "
                    "and its kernel was ended",
                    "; ".join(self._overgrown),
                )
            self._refuse(
                resources,
                f"its kernel died while {_named(index, cell)} ran",
                "it may have ended its own process, or been killed for its memory",
            )
        if any(output.get("ename") == TIMED_OUT for output in cell.get("outputs", [])):
            self._slow = self._slow or _named(index, cell)
        return cell, resources

    def _refuse(self, resources: ResourcesDict, what: str, hint: str) -> NoReturn:
        info = resources["nbgrader"]
        root = CourseDirectory(config=self.config).root
        kernel_folder.refuse(root, info["assignment"], info["student"], f"{what}:", [hint])


def _named(index: int, cell: NotebookNode) -> str:
    """A cell as an instructor finds it: its place and its first line."""
    return f"cell {index} ({next(iter(cell.source.splitlines()), '')[:60]!r})"
