"""Submissions never bring a link in: nbgrader's collect and zip_collect, each with the kit's audit first.

nbgrader copies what arrives with ``shutil``, which copies what a link points at: a student's
exchange submission holding ``bp.ipynb -> /path/of/a/classmate's/notebook`` would be collected as
that notebook, and a link in an uploaded archive likewise. nbgrader_config.py makes these nbgrader's
own:

- ``CheckedCollect`` (``nbgrader collect``): a submission in the exchange whose folder holds a
  link or a special file, or is past course.yaml's kernel_folder limits, is not collected (the
  student's earlier collected submission stays as it was), nbgrader's log names it and why, and
  the command exits non-zero once the others are collected;
- ``CheckedExtractor`` (``nbgrader zip_collect``): a downloaded file that is a link or a special
  file is not collected, and a zip that holds one or is past course.yaml's downloads limits is not
  unpacked; each is named in the log, and the rest collected.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.plugins.zipcollect import ExtractorPlugin

from autograder.grading.course import load_course
from autograder.integration import kernel_folder
from autograder.rounds import lms_download
from autograder.sandbox import leftovers


class CheckedCollect(ExchangeCollect):
    """nbgrader's collect, which leaves in the exchange, and names, each submission that holds a link or is past the limits."""

    src_records: list[dict[str, Any]]  # nbgrader's records of the submissions to collect

    def copy_files(self) -> None:
        limits = load_course().kernel_folder
        refused: dict[str, list[str]] = {}  # {student: the problems of their submission}
        kept: list[dict[str, Any]] = []  # nbgrader's records of the submissions collected
        for record in self.src_records:
            problems = kernel_folder.problems_of(
                Path(self.inbound_path, record["filename"]), limits
            )
            if problems:
                refused[record["username"]] = problems
                self.log.error(
                    "not collected: %s's submission %s: %s",
                    record["username"],
                    record["filename"],
                    "; ".join(problems),
                )
            else:
                kept.append(record)
        self.src_records = kept
        super().copy_files()
        if refused:
            self.fail(
                f"not collected, as they hold a link or a special file or are past course.yaml's kernel_folder "
                f"limits (see above): {', '.join(sorted(refused))}; their earlier submissions are as they were"
            )


class CheckedExtractor(ExtractorPlugin):
    """nbgrader's zip_collect extractor, on a copy of the downloaded folder that holds no link and no archive past the limits."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        with tempfile.TemporaryDirectory() as safe:
            for parent, _, files in os.walk(archive_path):  # never into a linked folder
                for name in files:
                    path = Path(parent, name)
                    problem = _problem(path)
                    if problem:
                        self.log.error("not collected: %s: %s", path, problem)
                        continue
                    copy = Path(safe, path.relative_to(archive_path))
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.write_bytes(leftovers.read_regular(path))
            super().extract(safe, extracted_path)


def _problem(path: Path) -> str | None:
    """Why the downloaded file must not be collected or unpacked (a link, a special file, an archive that holds one or is past the limits), or None."""
    kind = leftovers.kind_of_mode(os.lstat(path).st_mode)
    if kind or path.suffix.lower() != ".zip":
        return kind or None
    try:
        arrivals = lms_download.read_download(path)
    except lms_download.DownloadError as error:
        return str(error)
    return next((f"{a.path}: {a.problem}" for a in arrivals if a.problem), None)
