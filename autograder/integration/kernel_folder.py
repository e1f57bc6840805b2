"""``AuditKernelFolder``: nothing that is not confined reads a submission's folder before it is audited.

nbgrader executes a submitted notebook in a kernel working in autograded/<student>/<assignment>/;
then its own steps and the kit's (the score of record, the writer, the permissions, the
feedback's copy, the release) read, write, chmod and copy what that folder holds. Placed right
after nbgrader's ``Execute``, when the kernel has ended, this preprocessor audits the folder
(sandbox/leftovers.py, within course.yaml's ``kernel_folder`` limits) and checks that the
notebook is, byte for byte, the one ``StartGrading`` saw before the kernel started (the grading
read that one). A folder that fails is not graded: it is moved to
quarantine/<assignment>/<student>/folder, the reason written beside it (``reason.txt``), and the
preprocessor raises, so that nbgrader saves, writes, chmods and copies nothing of it, logs the
reason and exits non-zero. ``StartGrading`` refuses the same way, before any kernel, a
submitted folder that holds a link or a special file.
"""

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.grading.course import KernelFolder, load_course
from autograder.integration import early_grading
from autograder.sandbox import leftovers

# resources' key: the SHA-256 of the notebook as StartGrading read it, before the kernel started
DIGEST = "autograder_notebook_sha256"
QUARANTINE = "quarantine"
REASON = "reason.txt"


class SubmissionRefused(RuntimeError):
    """A submission's folder is not graded; the message names what was found and where the folder is kept."""


def problems_of(folder: str | Path, limits: KernelFolder | None = None) -> list[str]:
    """What leftovers.audit finds in the folder, within the limits (course.yaml's kernel_folder, by default)."""
    limits = limits or load_course().kernel_folder
    return leftovers.audit(folder, limits.file_bytes, limits.total_bytes, limits.entries)


def quarantine_of(root: str | Path, assignment: str, student: str) -> Path:
    return Path(root) / QUARANTINE / assignment / student


def refusal(root: str | Path, assignment: str, student: str) -> str | None:
    """The reason the student's submission was last refused, or None."""
    try:
        return (quarantine_of(root, assignment, student) / REASON).read_text(encoding="utf-8")
    except OSError:
        return None


def forget_refusal(root: str | Path, assignment: str, student: str) -> None:
    """A new grading of the submission begins: an earlier reason no longer speaks for it (its folder stays to look at)."""
    (quarantine_of(root, assignment, student) / REASON).unlink(missing_ok=True)


def refuse(
    root: str | Path,
    assignment: str,
    student: str,
    what: str,
    problems: Sequence[str],
    folder: str | Path | None = None,
) -> NoReturn:
    """Write the reason (and move the folder, if any, into quarantine), then raise SubmissionRefused."""
    kept, where = quarantine_of(root, assignment, student), ""
    kept.mkdir(parents=True, exist_ok=True)
    if folder is not None:
        shutil.rmtree(kept / "folder", ignore_errors=True)  # rmtree follows no link
        try:
            Path(folder).rename(kept / "folder")
            where = (
                f"; the folder is kept in {kept / 'folder'} for you to look at (open nothing in it)"
            )
        except OSError as error:  # another file system: nbgrader removes the folder
            where = f"; the folder could not be kept ({error.strerror}) and nbgrader removes it"
    reason = f"not graded: {what} {'; '.join(problems)}{where}"
    (kept / REASON).write_text(reason, encoding="utf-8")
    raise SubmissionRefused(f"{student}'s {assignment}: {reason}")


class AuditKernelFolder(NbGraderPreprocessor):
    """After the kernel: the folder holds regular files and folders within the limits, and the notebook the grading read."""

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        folder = Path(resources["metadata"]["path"])
        notebook = folder / f"{resources['unique_key']}.ipynb"
        problems = problems_of(folder)
        if not problems and DIGEST in resources:
            try:
                if early_grading.digest_of(notebook) != resources[DIGEST]:
                    problems.append(f"{notebook.name} changed while its code ran")
            except OSError:  # a link, a pipe, or gone
                problems.append(f"{notebook.name} is no longer a regular file")
        if problems:
            info = resources["nbgrader"]
            refuse(
                CourseDirectory(config=self.config).root,
                info["assignment"],
                info["student"],
                "in the folder its code ran in,",
                problems,
                folder,
            )
        return nb, resources
