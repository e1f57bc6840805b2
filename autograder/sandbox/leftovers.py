"""What a submission's code leaves behind is data, never a path to follow: the audit of its folder, and reads that follow no link.

nbgrader runs a submitted notebook in a kernel whose working folder is
autograded/<student>/<assignment>/; afterwards nbgrader and the kit, which are not confined, read,
copy, chmod and release what is there. The kernel can make no link, pipe, socket or device there
(confinement.py withholds them) and no file past its size limit. ``audit`` checks a folder all the
same, before anything unconfined reads it: every entry a regular file or folder, with one name,
within the limits. ``read_regular`` reads a file that must be a regular file without following a
link or blocking on a pipe.

This module imports only the standard library: the autograde kernel's copy of the kit has it.
"""

import os
import stat
from pathlib import Path

FilePath = str | os.PathLike[str]

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class NotRegular(OSError):
    """The path is a link, a pipe, a socket, a device or a folder: not a regular file to read."""


def read_regular(path: FilePath) -> bytes:
    """The bytes of the regular file at path; NotRegular when it is anything else (a link is not followed, a pipe not waited on).

    A missing or unreadable file raises what ``open`` raises.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        kind = _kind_of(path)
        if kind:
            raise NotRegular(error.errno, f"{path}: {kind}") from None
        raise  # missing, unreadable: as open says
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegular(f"{path}: {_kind_of(path) or 'not a regular file'}")
        return file.read()


def _kind_of(path: FilePath) -> str:
    try:
        return kind_of_mode(os.lstat(path).st_mode)
    except OSError:
        return ""


def kind_of_mode(mode: int) -> str:
    """What a file of this mode (lstat's st_mode, a zip entry's) is when it is a link or a special file, else ""."""
    return next((kind for test, kind in _KINDS if test(mode)), "")


def audit(folder: FilePath, file_bytes: int, total_bytes: int, entries: int) -> list[str]:
    """The problems of the folder, each a sentence naming the entry; empty when it holds only regular files and folders within the limits.

    A file counts its allocated bytes or its length, whichever is larger (a sparse file counts
    whole: a copy of it would be dense); a file with more than one name is a hard link. The walk
    stops past ``entries`` entries.
    """
    folder = Path(folder)
    kind = _kind_of(folder)
    if kind:
        return [f"{folder.name} is {kind}"]
    if not folder.is_dir():
        return [f"{folder.name} is not a folder"]
    problems: list[str] = []
    total, seen = 0, 0
    for parent, folders, files in os.walk(folder):  # never into a linked folder
        for name in folders + files:
            seen += 1
            if seen > entries:
                return problems + [f"it holds more than {entries} files and folders"]
            path = Path(parent, name)
            shown = path.relative_to(folder).as_posix()
            try:
                info = os.lstat(path)
            except FileNotFoundError:  # removed since it was listed (the kernel may still run)
                continue
            kind = kind_of_mode(info.st_mode)
            if kind:
                problems.append(f"{shown} is {kind}")
            elif stat.S_ISREG(info.st_mode):
                size = max(info.st_size, info.st_blocks * 512)
                total += size
                if info.st_nlink > 1:
                    problems.append(f"{shown} is a hard link ({info.st_nlink} names)")
                if size > file_bytes:
                    problems.append(f"{shown} has {_mib(size)}, more than {_mib(file_bytes)}")
            elif not stat.S_ISDIR(info.st_mode):
                problems.append(f"{shown} is not a regular file or folder")
    if total > total_bytes:
        problems.append(f"its files hold {_mib(total)}, more than {_mib(total_bytes)}")
    return problems


def _mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"
