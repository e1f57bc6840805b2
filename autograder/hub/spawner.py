"""Each account's server, started by the hub in a namespace of its own (namespace.py): a student's
shows their home, the exchange and the students' Python; the instructor's runs the kit's Python
in the course folder, where formgrader reads the course's nbgrader_config.py. The hub stops a
server by signalling bubblewrap, whose namespace ends with it.
"""

import os
import pwd
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Set, Unicode

from autograder.hub.layout import HubLayout
from autograder.hub.namespace import (
    confined_command,
    forwarding,
    python_installation,
    staff_command,
)


class CourseSpawner(LocalProcessSpawner):
    """Students' servers and the instructor's, each in a namespace that shows it what it needs."""

    staff = Set(Unicode(), help="accounts whose server is the instructor's").tag(config=True)
    hub_root = Unicode(help="the hub's folder (layout.py)").tag(config=True)
    kit_python = Unicode(help="the kit's Python, for the staff's servers").tag(config=True)

    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        def preexec() -> None:
            # bwrap starts as root, and setpriv becomes the account inside its namespace; what
            # the instructor writes in the course folder stays the staff's
            os.umask(0o007 if name in self.staff else 0o022)

        return preexec

    async def start(self) -> Any:
        account = pwd.getpwnam(self.user.name)
        layout = HubLayout(Path(self.hub_root))
        if self.user.name in self.staff:
            python = Path(self.kit_python)
            self.cmd = staff_command(
                account, layout, python, [str(python.parent / "jupyterhub-singleuser")]
            )
            self.notebook_dir = str(layout.course)
        else:
            venv = layout.student_venv
            # the hub's stop reaches the server, which shuts its kernels down (forwarding.py)
            self.cmd = forwarding(Path(self.kit_python)) + confined_command(
                account,
                writable=[layout.exchange],
                readable=[venv, python_installation(venv)],
                command=[str(venv / "bin" / "jupyterhub-singleuser")],
            )
        return await super().start()
