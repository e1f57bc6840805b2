"""Which attempt a submission is: its place among the different submissions a student handed in.

Each attempt is graded on cases of its own (cases.item_seed), so that expected values shown in one
attempt's feedback earn nothing in the next. A submission is told apart by the SHA-256 of the
source the grader runs (its defining statements), so that a regrade of the same submission, or a
resubmission that changed only prose or outputs, is the same attempt with the same cases.

The log is a folder with one JSON file per assignment and student (a shard of the round grades
its own students only, so no two processes write one file): the digests in the order they came.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path


class AttemptLogError(ValueError):
    """The attempt log cannot be read or written; the message names the file."""


def digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def attempt_of(log: str | Path, assignment: str, student: str, source: str) -> int:
    """The 1-based attempt of this source for the student; a source not seen before is logged as the next one."""
    path = Path(log) / assignment / f"{student}.json"
    try:
        seen = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, ValueError) as error:
        raise AttemptLogError(f"{path}: cannot read the attempt log: {error}") from None
    if not isinstance(seen, list) or not all(isinstance(d, str) for d in seen):
        raise AttemptLogError(f"{path}: not an attempt log (a JSON list of SHA-256 digests)")
    this = digest(source)
    if this in seen:
        return seen.index(this) + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    # written whole then renamed: an interrupted write leaves the old log, never half of one
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as f:
        json.dump(seen + [this], f)
    os.replace(f.name, path)
    return len(seen) + 1
