"""Whether the grader's worker can start here: as root it runs student code as an unprivileged user,
who must enter the folders of this Python, NumPy and the temporary folder. Tests that start a worker
are marked ``needs_worker`` and skip, saying which folder and the fix, where it cannot."""

import pytest

from autograder.sandbox.process import worker_blocked

BLOCKED = worker_blocked()

needs_worker = pytest.mark.skipif(
    BLOCKED is not None, reason=f"the grader's worker cannot start here: {BLOCKED}"
)
