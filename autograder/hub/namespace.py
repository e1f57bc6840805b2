"""The namespaces the hub's accounts run in: bubblewrap (Debian's ``bwrap``, Flatpak's sandbox),
started as root, shows a process the system's programs and libraries and the folders it is
given, and nothing else of the machine's; ``setpriv`` then becomes the account, with no
capabilities and no way back. The namespace has its own processes, IPC and host name.

A student's server sees their home, the exchange and the students' Python; the staff's processes
(the instructor's server, the grading service, the release) see the kit's folder read-only and
the hub's folder, whose state folder only root may enter. None sees another account's home, or
the folders on the way to what it is shown (/root, say, where a Python may be installed).
"""

import os
import pwd
from pathlib import Path

from autograder import ROOT
from autograder.hub.layout import HubLayout

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
    account: pwd.struct_passwd,
    writable: list[Path],
    readable: list[Path],
    command: list[str],
    chdir: Path | None = None,
) -> list[str]:
    """The command that runs command as account in a namespace of its own (see the module's docstring),
    in chdir (default: its home).

    writable and readable are the folders it sees besides the system's, its home always writable.
    bubblewrap stays as the namespace's parent, which a signal to it ends at once (forwarding.py).
    """
    # a private /tmp first: a folder shown below it (a hub made under /tmp) is mounted over it
    mounts = [*system_mounts(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
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
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
        "--chdir",
        str(chdir or account.pw_dir),
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


def forwarding(kit_python: Path) -> list[str]:
    """The command before a namespace's that passes the hub's stop signals on into it (forwarding.py)."""
    return [str(kit_python), "-m", "autograder.hub.forwarding"]


def staff_command(
    account: pwd.struct_passwd, layout: HubLayout, kit_python: Path, command: list[str]
) -> list[str]:
    """command as a member of the staff: the kit's folder and its Python read-only, the hub's folder
    writable (the course folder and the exchange: one mount, so that a submission moves from one to
    the other at once; the state folder in it is root's alone), starting in the course folder; the
    signals that stop it passed on to it (forwarding.py)."""
    venv = kit_python.parent.parent
    return forwarding(kit_python) + confined_command(
        account,
        writable=[layout.root],
        readable=[ROOT, venv, python_installation(venv)],
        command=command,
        chdir=layout.course,
    )
