"""The hub's system accounts: groups and users made as root, idempotently, and commands run as one of them.

The hub's instructor, its students and the grading account are accounts of the machine: each
student's server runs as the student, the grading service as ``layout.GRADER``, and the files
they share are kept apart by their owners and modes (layout.py). Making an account that exists
changes nothing but what was asked (a group it lacks, a new password); the tests make theirs
the same way and remove them after.
"""

import grp
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence

LOCK_TRIES, LOCK_WAIT_SECONDS = 20, 0.5
HOME_MODE = 0o700  # a student's home holds their work and nbgrader's cache of their submissions
# what a hub gives its processes and no other process may see: its API tokens, cookie secret and
# proxy token (JupyterHub names its own JUPYTERHUB_*, the proxy's CONFIGPROXY_AUTH_TOKEN)
HUB_SECRET_PREFIXES = ("JUPYTERHUB_", "JPY_", "CONFIGPROXY_")


class AccountError(RuntimeError):
    """An account cannot be made, found or used; the message names it and what to do."""


def ensure_group(name: str) -> grp.struct_group:
    """The system group ``name``, made with groupadd if it does not exist (as root)."""
    try:
        return grp.getgrnam(name)
    except KeyError:
        _run("groupadd", "--force", "--system", name)  # --force: made meanwhile is no error
    return grp.getgrnam(name)


def ensure_user(
    name: str, groups: Sequence[str] = (), password: str | None = None
) -> pwd.struct_passwd:
    """The user ``name``: made with useradd (a group of its own, a home of mode 0700) if missing,
    added to each of ``groups`` (made if missing) it is not in, and given ``password`` if one is given."""
    for group in groups:
        ensure_group(group)
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        try:
            _run("useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name)
        except AccountError:
            # made meanwhile by another process (the hub's tests run side by side) is no error
            if not _exists(name):
                raise
        user = pwd.getpwnam(name)
        os.chmod(user.pw_dir, HOME_MODE)
    missing = [group for group in groups if name not in grp.getgrnam(group).gr_mem]
    if missing:
        _run("usermod", "--append", "--groups", ",".join(missing), name)
    if password is not None:
        _run("chpasswd", stdin=f"{name}:{password}\n")
    return user


def remove_user(name: str) -> None:
    """Remove the user ``name``, its home and its own group, if it exists."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    _run("userdel", "--remove", name)


def remove_group(name: str) -> None:
    """Remove the group ``name`` if it exists."""
    try:
        grp.getgrnam(name)
    except KeyError:
        return
    _run("groupdel", name)


def as_user(user: pwd.struct_passwd, command: Sequence[str]) -> list[str]:
    """``command`` run as ``user``, with its own groups and none of root's (setpriv)."""
    return [
        _program("setpriv"),
        f"--reuid={user.pw_uid}",
        f"--regid={user.pw_gid}",
        "--init-groups",
        "--",
        *command,
    ]


def user_environment(
    user: pwd.struct_passwd, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment ``base`` (default: this process's) for a command run as ``user``: its home and
    names, without the hub's secrets or a runtime folder of another account's."""
    environment = without_hub_secrets(os.environ if base is None else base)
    environment.pop("XDG_RUNTIME_DIR", None)
    return {
        **environment,
        "HOME": user.pw_dir,
        "USER": user.pw_name,
        "LOGNAME": user.pw_name,
    }


def without_hub_secrets(environment: Mapping[str, str]) -> dict[str, str]:
    """``environment`` without the variables a hub gives its services (HUB_SECRET_PREFIXES)."""
    return {
        name: value
        for name, value in environment.items()
        if not name.startswith(HUB_SECRET_PREFIXES)
    }


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _run(program: str, *arguments: str, stdin: str | None = None) -> None:
    """Run an account command as root; AccountError with its output if it fails."""
    if os.geteuid() != 0:
        raise AccountError(
            f"{program} {' '.join(arguments)}: making the hub's accounts needs root (run as root)"
        )
    for _ in range(LOCK_TRIES):
        done = subprocess.run(
            [_program(program), *arguments], input=stdin, capture_output=True, text=True
        )
        # another process changing the accounts holds /etc/passwd's lock: wait for it
        if done.returncode == 0 or "lock" not in done.stderr:
            break
        time.sleep(LOCK_WAIT_SECONDS)
    if done.returncode != 0:
        shown = " ".join(arguments) if stdin is None else "(from its input)"
        raise AccountError(
            f"{program} {shown} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
        )


def _program(name: str) -> str:
    """The path of an account program; AccountError naming the package that has it when missing."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if found is None:
        package = "util-linux" if name == "setpriv" else "passwd"
        raise AccountError(f"{name} is not installed: install the {package} package")
    return found
