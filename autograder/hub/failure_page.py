"""The page a student fetches when their submission could not be graded: never a silent 0.

nbgrader's Fetch Feedback looks, for each notebook of a submission in the student's cache, for
``<exchange>/<course>/feedback/<notebook_hash(secret, notebook id)>.html``, the secret being the
submission's ``submission_secret.txt`` (nbgrader/exchange/default/fetch_feedback.py). The grading
service puts this page in that slot, so the Assignment List shows it where the scores would be.
"""

import html
import os
import tempfile
from pathlib import Path

from nbgrader.utils import notebook_hash

SECRET_FILE = "submission_secret.txt"
LONGEST_SECRET = 1024  # nbgrader's is 128 hex digits; a longer one is not nbgrader's
PAGE_MODE = 0o644  # as release_feedback leaves a page: its student finds it by its name alone

PAGE = """<!DOCTYPE html>
<html lang="zh">
<head><meta charset="utf-8"><title>{assignment}: 未能评分 / not graded</title></head>
<body>
<h1>{assignment}: 未能评分 · Your submission could not be graded</h1>
<p>你在 {submitted} 提交的作业未能自动评分：{reason_zh}。这不是 0 分：教师已收到通知，会查看你的提交。
你可以修改后重新提交。</p>
<p>Your submission of {submitted} could not be graded automatically: {reason_en}. This is not a
score of 0: your instructor has been told and will look at your submission. You may fix it and
submit again.</p>
</body>
</html>
"""


class NoFeedbackSlot(ValueError):
    """A submission whose feedback slot cannot be found (no secret, no notebook); the message says why."""


def slots(submission: Path, exchange_course: Path, suffix: str = ".ipynb") -> list[Path]:
    """The feedback pages' paths in the exchange course folder (``<exchange>/<course id>``) that
    Fetch Feedback looks up for the notebooks of a submission folder (or of its feedback folder,
    with suffix ".html"), with their secret."""
    try:
        with open(submission / SECRET_FILE, encoding="utf-8") as file:
            secret = file.read(LONGEST_SECRET + 1)
        notebooks = sorted(
            entry.name for entry in os.scandir(submission) if entry.name.endswith(suffix)
        )
    except (OSError, UnicodeDecodeError) as error:
        raise NoFeedbackSlot(f"{submission}: {error}") from None
    if not secret or len(secret) > LONGEST_SECRET:
        raise NoFeedbackSlot(f"{submission / SECRET_FILE}: not a secret of nbgrader's submit")
    if not notebooks:
        raise NoFeedbackSlot(f"{submission}: holds no notebook")
    return [
        exchange_course
        / "feedback"
        / f"{notebook_hash(secret=secret, notebook_id=name.removesuffix(suffix))}.html"
        for name in notebooks
    ]


def write(slot: Path, assignment: str, submitted: str, reason_zh: str, reason_en: str) -> None:
    """Write the page saying the submission of ``submitted`` (a time) could not be graded, and why
    (in Chinese and English), into the slot, whole or not at all."""
    page = PAGE.format(
        assignment=html.escape(assignment),
        submitted=html.escape(submitted),
        reason_zh=html.escape(reason_zh),
        reason_en=html.escape(reason_en),
    )
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=slot.parent, suffix=".tmp", delete=False
    ) as file:
        file.write(page)
    os.chmod(file.name, PAGE_MODE)
    os.replace(file.name, slot)
