"""Each account's server, started by the hub: a student's confined to what a student may see, the
instructor's on the course folder with formgrader.

A student's server runs inside bubblewrap (Debian's ``bwrap``, Flatpak's sandbox), started as
root: a mount namespace that holds the system's programs and libraries, the student's own home,
the exchange and the students' Python, and nothing else of the machine's (not the kit's folder
with the reference and the solutions, not the course folder, not the hub's state); its own
process, IPC and host-name namespaces, so no other account's processes are seen; then
``setpriv`` becomes the student, with no capabilities and no way back. The hub stops the server
by signalling bubblewrap, whose namespace ends with it.

The instructor's server runs from the kit's Python, as the instructor, in the course folder,
where formgrader reads the course's nbgrader_config.py; it is a member of the staff group that
shares the course folder with the grading account.
"""

import os
import pwd
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Set, Unicode

BWRAP, SETPRIV = "/usr/bin/bwrap", "/usr/bin/setpriv"
# Where the system keeps its programs and libraries: read-only in every student's namespace. On a
# merged-/usr system /bin, /lib, /lib64 and /sbin are links into /usr and stay links.
SYSTEM_FOLDERS = ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc")


def system_mounts() -> list[str]:
    """bwrap's options that show the system's folders read-only, links as links."""
    options: list[str] = []
    for folder in SYSTEM_FOLDERS:
        if os.path.islink(folder):
            options += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            options += ["--ro-bind", folder, folder]
    return options


def confined_command(
    account: pwd.struct_passwd, writable: list[Path], readable: list[Path], command: list[str]
) -> list[str]:
    """The command that runs command as account in a namespace of its own (see the module's docstring).

    writable and readable are the folders it sees besides the system's, its home always writable.
    """
    mounts = system_mounts()
    # bwrap makes the folders on the way to a mount for root alone: open them to the account
    shown = [*readable, Path(account.pw_dir), *writable]
    for parent in sorted({parent for folder in shown for parent in folder.parents} - {Path("/")}):
        mounts += ["--perms", "0755", "--dir", str(parent)]
    for folder in readable:
        mounts += ["--ro-bind", str(folder), str(folder)]
    for folder in [Path(account.pw_dir), *writable]:
        mounts += ["--bind", str(folder), str(folder)]
    return [
        BWRAP,
        *mounts,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
        "--chdir",
        account.pw_dir,
        "--",
        SETPRIV,
        f"--reuid={account.pw_uid}",
        f"--regid={account.pw_gid}",
        "--init-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
        *command,
    ]


def python_installation(venv: Path) -> Path:
    """The folder of the Python a virtual environment was made from (its pyvenv.cfg's home's parent)."""
    config = venv / "pyvenv.cfg"
    for line in config.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip()).resolve().parent
    raise RuntimeError(f"{config} names no home: not a virtual environment's")


class CourseSpawner(LocalProcessSpawner):  # type: ignore[misc]  # jupyterhub ships no type information
    """Students' servers confined by bubblewrap; the staff's on the course folder with formgrader."""

    staff = Set(Unicode(), help="accounts whose server is the instructor's").tag(config=True)
    course_folder = Unicode(help="the course folder the staff's servers start in").tag(config=True)
    kit_python = Unicode(sys.executable, help="the kit's Python, for the staff's servers").tag(
        config=True
    )
    student_venv = Unicode(help="the virtual environment students' servers run").tag(config=True)
    exchange = Unicode(help="nbgrader's exchange, writable by every account").tag(config=True)

    def _is_staff(self) -> bool:
        return bool(self.user.name in self.staff)

    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        if not self._is_staff():
            # bwrap starts as root, and setpriv becomes the student inside its namespace
            return lambda: None
        become = super().make_preexec_fn(name)
        folder = self.course_folder

        def preexec() -> None:
            become()
            os.chdir(folder)
            os.umask(0o007)  # what the instructor writes in the course folder stays the staff's

        return preexec

    async def start(self) -> Any:
        account = pwd.getpwnam(self.user.name)
        if self._is_staff():
            self.cmd = [str(Path(self.kit_python).parent / "jupyterhub-singleuser")]
            self.notebook_dir = self.course_folder
        else:
            venv = Path(self.student_venv)
            self.cmd = confined_command(
                account,
                writable=[Path(self.exchange)],
                readable=[venv, python_installation(venv)],
                command=[str(venv / "bin" / "jupyterhub-singleuser")],
            )
        return await super().start()
