"""Kernel-enforced limits a process puts on itself before it runs a student's code (Linux).

Landlock (Linux 5.13 and later, no privileges needed) limits the files the process and its
children may read and write, and, from its ABI 4, TCP; from ABI 6 it also stops signals to
processes outside the sandbox and connections to abstract Unix sockets. A seccomp filter
stops the process from starting processes, threads or programs. Both last until the process
ends and pass to its children; neither can be lifted from inside.

This file imports only the standard library: the worker loads it from its scratch folder,
where the kit's packages cannot be imported. As a program, it confines itself and then runs a
command (nbgrader's kernels are started so, see ``confined_kernel.py``)::

    python -m autograder.sandbox.confinement [--read PATH]... [--write PATH]... [--bind-port N]... [--memory BYTES] [--file-size BYTES] [--no-programs] -- COMMAND...

Beneath the folders it may write, a confined process makes regular files and folders only: no
symbolic link, named pipe, socket or device, and no hard link or rename from another folder.
What it leaves behind is then read by processes that are not confined (nbgrader, the kit), and
a link there would send them elsewhere, a pipe would stall them.
"""

import argparse
import ctypes
import errno
import os
import platform
import resource
import runpy
import struct
import sys
from collections.abc import Callable, Iterable, Sequence

FilePath = str | os.PathLike[str]

# the same on every architecture
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = (
    444,
    445,
    446,
)
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
READ = EXECUTE | READ_FILE | READ_DIR
_REMOVE_DIR, _REMOVE_FILE, _MAKE_CHAR, _MAKE_DIR, _MAKE_REG = (1 << bit for bit in range(4, 9))
_MAKE_SOCK, _MAKE_FIFO, _MAKE_BLOCK, _MAKE_SYM = (1 << bit for bit in range(9, 13))
_WRITE_SINCE_ABI_1 = sum(1 << bit for bit in range(4, 13)) | WRITE_FILE
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
# handled, and never granted: what a process that is not confined could follow or block on
WITHHELD = _MAKE_CHAR | _MAKE_SOCK | _MAKE_FIFO | _MAKE_BLOCK | _MAKE_SYM | _REFER
_BIND_TCP, _CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

# seccomp: the architecture's audit number and its process-starting system calls
_SECCOMP_TARGETS = {
    "x86_64": (
        0xC000003E,
        {"clone": 56, "fork": 57, "vfork": 58, "execve": 59, "execveat": 322, "clone3": 435},
    ),
    "aarch64": (0xC00000B7, {"clone": 220, "execve": 221, "execveat": 281, "clone3": 435}),
}
_X32_BIT = 0x40000000  # x86_64's x32 calls: refused whole

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [
    ctypes.c_int,
    ctypes.c_ulong,
    ctypes.c_void_p,
    ctypes.c_ulong,
    ctypes.c_ulong,
]


class ConfinementError(OSError):
    """The kernel refused a limit it claims to support."""


def landlock_abi() -> int:
    """The kernel's Landlock ABI version; 0 when it has none (an old kernel, or not Linux)."""
    if platform.system() != "Linux":
        return 0
    version = _libc.syscall(
        _SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return max(int(version), 0)


def can_forbid_new_processes() -> bool:
    """Whether forbid_new_processes knows this machine's architecture."""
    return platform.system() == "Linux" and platform.machine() in _SECCOMP_TARGETS


def describe() -> str:
    """One line saying what this machine's kernel lets the sandboxes confine (see the sandbox table in docs/developers.md)."""
    abi = landlock_abi()
    if abi == 0:
        return "no Landlock in this kernel: student code may read, write and connect as its user may (see the sandbox section of docs/developers.md)"
    held = ["files"] + (["TCP"] if abi >= 4 else []) + (["signals"] if abi >= 6 else [])
    processes = "; new processes refused in the worker" if can_forbid_new_processes() else ""
    return f"Landlock ABI {abi}: {', '.join(held)} confined{processes}"


def restrict(
    read: Iterable[FilePath] = (),
    write: Iterable[FilePath] = (),
    tcp_bind_ports: Iterable[int] = (),
    reads_too: bool = True,
) -> int:
    """Allow reads beneath the paths in read and writes beneath those in write, nothing else.

    Writing there makes, changes and removes regular files and folders only (``WITHHELD``).
    With reads_too false only writes are limited (every file stays readable). TCP is
    refused but binding to tcp_bind_ports; signals and abstract sockets stay inside.
    Returns the Landlock ABI used; 0 (nothing done) when the kernel has none.
    """
    abi = landlock_abi()
    if abi == 0:
        return 0
    writing = (
        _WRITE_SINCE_ABI_1
        | (_REFER if abi >= 2 else 0)
        | (_TRUNCATE if abi >= 3 else 0)
        | (_IOCTL_DEV if abi >= 5 else 0)
    )
    handled = writing | (READ if reads_too else 0)
    network = _BIND_TCP | _CONNECT_TCP if abi >= 4 else 0
    scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0
    attributes = struct.pack("QQQ", handled, network, scoped)[: 24 if abi >= 6 else 16]
    ruleset = _check(
        _libc.syscall(
            _SYS_CREATE_RULESET, attributes, ctypes.c_size_t(len(attributes)), ctypes.c_uint32(0)
        ),
        "create a ruleset",
    )
    try:
        granted = (writing & ~WITHHELD) | (READ & handled)
        for paths, access in ((read, READ & handled), (write, granted)):
            for path in paths:
                _allow_beneath(ruleset, path, access)
        for port in tcp_bind_ports if network else ():
            rule = struct.pack("QQ", _BIND_TCP, port)
            _check(
                _libc.syscall(
                    _SYS_ADD_RULE,
                    ctypes.c_int(ruleset),
                    ctypes.c_int(_RULE_NET_PORT),
                    rule,
                    ctypes.c_uint32(0),
                ),
                f"allow port {port}",
            )
        no_new_privileges()
        _check(
            _libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
            "restrict the process",
        )
    finally:
        os.close(ruleset)
    return abi


def _allow_beneath(ruleset: int, path: FilePath, access: int) -> None:
    try:
        folder = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return  # a path this Python does not have (say its zipped standard library)
    try:
        if not os.path.isdir(path):
            # the rights a single file can take
            access &= EXECUTE | WRITE_FILE | READ_FILE | _TRUNCATE | _IOCTL_DEV
        rule = struct.pack("=Qi", access, folder)
        _check(
            _libc.syscall(
                _SYS_ADD_RULE,
                ctypes.c_int(ruleset),
                ctypes.c_int(_RULE_PATH_BENEATH),
                rule,
                ctypes.c_uint32(0),
            ),
            f"allow {path}",
        )
    finally:
        os.close(folder)


def forbid_new_processes() -> bool:
    """Refuse fork, clone (so threads too) and exec with EPERM from now on; False where unsupported."""
    return _refuse(lambda name: True)


def forbid_programs() -> bool:
    """Refuse exec with EPERM from now on: threads and forks stay, no program starts; False where unsupported."""
    return _refuse(lambda name: name.startswith("exec"))


def _refuse(which: Callable[[str], bool]) -> bool:
    """Install a seccomp filter that refuses the architecture's process-starting calls for which which(name) holds."""
    if not can_forbid_new_processes():
        return False
    arch, calls = _SECCOMP_TARGETS[platform.machine()]
    calls = {name: number for name, number in calls.items() if which(name)}
    # SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ALLOW
    refuse, allow = (
        0x00050000 | errno.EPERM,
        0x7FFF0000,
    )
    # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
    load, equal, at_least, answer = (
        0x20,
        0x15,
        0x35,
        0x06,
    )
    numbers = sorted(calls.values())
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (equal, 1, 0, arch),
        (answer, 0, 0, refuse),  # a foreign architecture's calls: refused
        (load, 0, 0, 0),  # seccomp_data.nr
        (at_least, len(numbers) + 1, 0, _X32_BIT),
        *((equal, len(numbers) - index, 0, number) for index, number in enumerate(numbers)),
        (answer, 0, 0, allow),
        (answer, 0, 0, refuse),
    ]
    instructions = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(instructions)
    fprog = ctypes.create_string_buffer(
        struct.pack("HxxxxxxP", len(program), ctypes.addressof(buffer))
    )
    no_new_privileges()
    _check(
        _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0),
        "install the seccomp filter",
    )
    return True


def no_new_privileges() -> None:
    """Required by Landlock and seccomp of an unprivileged process: exec can never gain privileges."""
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0), "set no_new_privs")


def _check(result: int, doing: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise ConfinementError(code, f"cannot {doing}: {os.strerror(code)}")
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.sandbox.confinement",
        description="Confine this process, then run a command.",
    )
    parser.add_argument(
        "--read",
        action="append",
        default=[],
        metavar="PATH",
        help="a file or folder it may read beneath; with none, it may read all",
    )
    parser.add_argument(
        "--write",
        action="append",
        default=[],
        metavar="PATH",
        help="a file or folder it may write beneath",
    )
    parser.add_argument(
        "--bind-port",
        action="append",
        default=[],
        type=int,
        metavar="N",
        help="a TCP port it may bind",
    )
    parser.add_argument("--memory", type=int, metavar="BYTES", help="its address space limit")
    parser.add_argument(
        "--file-size",
        type=int,
        metavar="BYTES",
        help="the largest file it may write (a write past it fails with EFBIG)",
    )
    parser.add_argument(
        "--no-programs",
        action="store_true",
        help="start no program: the command, PYTHON -m MODULE ARGS..., runs in this process",
    )
    parser.add_argument(
        "--python-path",
        action="append",
        default=[],
        metavar="DIR",
        help="with --no-programs: a folder to import from, after the working folder",
    )
    parser.add_argument("command", nargs="+")
    args = parser.parse_args(argv)
    if args.memory:
        resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    if args.file_size:
        # Python ignores SIGXFSZ, so the write raises OSError rather than ending the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    restrict(
        read=args.read, write=args.write, tcp_bind_ports=args.bind_port, reads_too=bool(args.read)
    )
    if not args.no_programs:
        os.execvp(args.command[0], args.command)
    if args.command[1:2] != ["-m"] or len(args.command) < 3:
        parser.error("--no-programs runs only a Python module: PYTHON -m MODULE ARGS...")
    if not forbid_programs():
        raise ConfinementError(errno.ENOSYS, f"cannot refuse new programs on {platform.machine()}")
    sys.argv = [args.command[2], *args.command[3:]]
    if args.read:  # ipykernel asks psutil, which reads all of /proc, for children to end at exit: this process can have none
        sys.modules["psutil"] = None  # type: ignore[assignment]  # None there makes its import fail
    # as `python -m` would have it, not this script's folder
    sys.path[0:1] = [
        os.getcwd(),
        *args.python_path,
    ]
    runpy.run_module(args.command[2], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
