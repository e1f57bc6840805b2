"""The kernel nbgrader runs each submission in, confined so that the notebook's code harms no one and reads nothing it may not.

nbgrader executes every cell of a submitted notebook in a Jupyter kernel: the student's
top-level code runs there with the instructor's rights. ``ConfinedProvisioner`` (registered
as the ``confined-local-provisioner`` kernel provisioner, the default one in
nbgrader_config.py) starts the kernel through the kit's ``confinement.py``, run as a script
with -E and -s (neither the submission's folder nor PYTHONPATH can put a module in its place),
which confines itself and then becomes the kernel:

- it may write only beneath the submission's own folder (the kernel's working directory), a
  scratch folder of its own (HOME, TMPDIR, IPython's and Matplotlib's folders) and
  ``/dev/null``: the gradebook, the course's files and other submissions stay as they were;
- it may bind its own five ports (and an ephemeral one) and no other, and connect to none over TCP;
- it cannot signal processes outside its sandbox (nbgrader, other kernels);
- its address space is limited, so a memory bomb raises MemoryError in its cell;
- it makes no link, pipe, socket or device, and no file larger than course.yaml's
  ``kernel_folder.file_mib`` (the write fails in its cell): what it leaves is audited after it
  ends (integration/kernel_folder.py).

Under ``nbgrader autograde`` (``StartGrading`` says so, and names the one report the notebook's
kernel may read) it also may read only what a notebook needs: the Python it runs on, the
system's libraries, fonts and time zones, its connection file, its own folder and scratch
folder, and that report, through a copy of the kit's hidden-test module; not the kit's
sources, course.yaml, the gradebook, other students' folders, the exchange, /proc or anyone's
home. It starts no program, and its environment holds only the few variables a kernel needs:
no token, password or key passes. Where Linux has no Landlock (or the kit no seccomp filter for
the machine), such a kernel is refused with the risk and the way out, unless the instructor
accepts it (``ACCEPT_UNCONFINED``).
"""

import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal, get_args

from jupyter_client.provisioning import LocalProvisioner

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.integration import early_grading
from autograder.sandbox import confinement
from autograder.sandbox.process import ONE_THREAD

# bytes of address space: for the kernel, the grader it starts and the grader's worker each
MEMORY_LIMIT = 8 * 2**30
# the connection file's keys of the kernel's ports
Port = Literal["shell_port", "iopub_port", "stdin_port", "hb_port", "control_port"]
PORTS: tuple[Port, ...] = get_args(Port)
# Set in nbgrader's process by StartGrading for each notebook autograde executes: the folder of
# the one report its kernel may read, or "" when no grading was started for it.
AUTOGRADE_REPORT = "AUTOGRADER_KERNEL_REPORT"
ACCEPT_UNCONFINED = (
    "AUTOGRADER_ACCEPT_UNCONFINED_KERNELS"  # "yes": autograde without Landlock, knowing the risk
)
# course.yaml's timeouts.capstone_seconds, for the notebook's selfcheck.run_capstone: the kernel cannot read course.yaml
CAPSTONE_SECONDS = "AUTOGRADER_CAPSTONE_SECONDS"
KIT = ROOT / "autograder"
# all of the kit an autograde kernel reads: the hidden tests' module, what it imports, and the launcher
KIT_COPY = (
    "__init__.py",
    "nbgrader_cell.py",
    "integration/__init__.py",
    "integration/early_grading.py",
    "sandbox/__init__.py",
    "sandbox/confinement.py",
    "sandbox/leftovers.py",
)
# NBGRADER_EXECUTION tells the self-check cells not to run the student's functions in the kernel
KEPT_VARIABLES = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TERM",
    "NBGRADER_EXECUTION",
    early_grading.FOLDER_VARIABLE,
)
SYSTEM_READS = (
    "/usr/lib",
    "/usr/lib64",
    "/lib",
    "/lib64",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/fonts",
    "/usr/share/fonts",
    "/usr/share/zoneinfo",
    "/dev/urandom",
    "/sys/devices/system/cpu",
)


class UnconfinedKernel(RuntimeError):
    """An autograde kernel cannot be confined here; the message names the risk and the way out."""


class ConfinedProvisioner(LocalProvisioner):
    """A local kernel started through the confining launcher, with a scratch folder removed at its end."""

    scratch: str | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = await super().pre_launch(**kwargs)
        autograding = AUTOGRADE_REPORT in os.environ
        self.scratch = scratch = tempfile.mkdtemp(prefix="kernel-")
        # when grading as root, the worker's unprivileged user makes its folder inside
        os.chmod(scratch, 0o755)
        if autograding:
            kwargs["env"] = {
                name: value
                for name, value in kwargs["env"].items()
                if name in KEPT_VARIABLES or name.startswith("JPY_")
            }
            # a notebook's arrays are small, and shards run side by side: BLAS's threads only cost
            kwargs["env"].update(ONE_THREAD)
        folders = {
            "HOME": "",
            "TMPDIR": "",
            "IPYTHONDIR": "ipython",
            "MPLCONFIGDIR": "matplotlib",
            "JUPYTER_RUNTIME_DIR": "runtime",
        }
        kwargs["env"].update(
            {name: os.path.join(self.scratch, sub) for name, sub in folders.items()}
        )
        # set where nbgrader runs, it comes first (0: a regrade in a hurry, without the capstones)
        kwargs["env"][CAPSTONE_SECONDS] = (
            os.environ.get(CAPSTONE_SECONDS) or f"{load_course().timeouts.capstone_seconds:g}"
        )
        cache = _matplotlib_cache()
        # a copy: building Matplotlib's font cache anew costs each notebook 0.3 s
        if os.path.isdir(cache):
            shutil.copytree(cache, os.path.join(self.scratch, "matplotlib"))
        writable = [kwargs.get("cwd") or os.getcwd(), self.scratch, os.devnull]
        limits = [
            f"--memory={MEMORY_LIMIT}",
            f"--file-size={load_course().kernel_folder.file_bytes}",
        ]
        launcher = [sys.executable, "-E", "-s", str(KIT / "sandbox" / "confinement.py"), *limits]
        if autograding:
            kit = _copy_of_the_kit(scratch)
            # for a kernel started as a program, where programs may start
            kwargs["env"]["PYTHONPATH"] = str(kit.parent)
            launcher = [
                sys.executable,
                "-E",
                "-s",
                str(kit / "sandbox" / "confinement.py"),
                *limits,
                *self._autograde_reads(kit.parent),
            ]
        # 0: an ephemeral port, for ipykernel's own output pipe
        ports = [self.connection_info[name] for name in PORTS] + [0]
        launcher += [f"--write={path}" for path in writable] + [
            f"--bind-port={port}" for port in ports
        ]
        kwargs["cmd"] = [*launcher, "--", *kwargs["cmd"]]
        return kwargs

    def _autograde_reads(self, python_path: Path) -> list[str]:
        """The launcher's options that confine an autograde kernel's reads and programs."""
        no_programs = confinement.can_forbid_new_processes()
        if (confinement.landlock_abi() == 0 or not no_programs) and os.environ.get(
            ACCEPT_UNCONFINED
        ) != "yes":
            missing = (
                "Landlock"
                if confinement.landlock_abi() == 0
                else f"a seccomp filter for {platform.machine()}"
            )
            raise UnconfinedKernel(
                f"this machine has no {missing}, so a submission's code would run with your user's rights: it could read "
                "the reference solutions, the gradebook, other students' work and your environment's tokens, and print them "
                "into its feedback. Autograde on Linux 5.13 or later, x86_64 or aarch64 (or in the container of the sandbox section of docs/developers.md), "
                f"or accept the risk for notebooks you trust with {ACCEPT_UNCONFINED}=yes"
            )
        if self.parent is None:
            raise RuntimeError("a kernel is provisioned by its kernel manager, which was not given")
        report = os.environ[AUTOGRADE_REPORT]
        reads = [
            sys.base_prefix,
            sys.prefix,
            *SYSTEM_READS,
            self.parent.connection_file,
            *([report] if report else []),
        ]
        exposed = [
            str(path)
            for path in (KIT, KIT.parent / "source_impl")
            if any(_beneath(path, read) for read in reads)
        ]
        # a kit installed into site-packages, not editable: the kernel would read the reference
        if exposed:
            raise UnconfinedKernel(
                f"the kernel would read {', '.join(exposed)} beneath {sys.prefix}: install the kit editable (python3 tasks.py setup)"
            )
        programs = ["--no-programs", f"--python-path={python_path}"] if no_programs else []
        return [f"--read={path}" for path in reads] + programs

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if self.scratch and not restart:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _copy_of_the_kit(scratch: str) -> Path:
    """Copy the kit's hidden-test module (and what it and the launcher import) to the scratch folder; return the copy's package."""
    copy = Path(scratch) / "kit" / "autograder"
    copy.mkdir(parents=True)
    for name in KIT_COPY:
        (copy / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(KIT / name, copy / name)
    return copy


def _matplotlib_cache() -> str:
    """Matplotlib's cache folder on Linux, found as Matplotlib finds it, without importing it."""
    return os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib"
    )


def _beneath(path: str | Path, folder: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())
