"""Where a hub's files live, and who may read them.

One folder (the hub's root, ``/srv/ml-ch5-hub`` by default) holds everything the hub makes::

    exchange/   nbgrader's exchange, shared by every account (mode 1777, as nbgrader asks)
    course/     the course folder nbgrader grades in: its gradebook, submissions, feedback and
                the attempt log; the grading account's, shared with the staff group (2770)
    state/      the hub's own: its database, cookie secret, proxy token and logs (root, 0700)
    venv-student/  the Python every student's server runs (0755; nothing of the kit's in it)

The kit's folder (the repository: the reference, the solutions, course.yaml) is never shown to a
student's server: it runs in a mount namespace of its own that holds only what it needs
(autograder/hub/spawner.py).
"""

from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("/srv/ml-ch5-hub")
GRADER = "ml-ch5-grader"  # the account the grading service runs as
STAFF = "ml-ch5-staff"  # the instructor's and the grading account's group: the course folder's


@dataclass(frozen=True)
class HubLayout:
    root: Path = DEFAULT_ROOT

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def student_venv(self) -> Path:
        return self.root / "venv-student"


def student_names(count: int) -> list[str]:
    """The student accounts a hub of count students has: student01, student02, …"""
    return [f"student{number:02d}" for number in range(1, count + 1)]
