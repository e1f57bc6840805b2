"""The kernel nbgrader runs each submission in, confined so that the notebook's code harms no one.

nbgrader executes every cell of a submitted notebook in a Jupyter kernel: the student's
top-level code runs there with the instructor's rights. ``ConfinedProvisioner`` (registered
as the ``confined-local-provisioner`` kernel provisioner, the default one in
nbgrader_config.py) starts the kernel through ``python -m autograder.confinement``, which
confines itself and then becomes the kernel:

- it may write only beneath the submission's own folder (the kernel's working directory), a
  scratch folder of its own (HOME, TMPDIR, IPython's and Matplotlib's folders) and
  ``/dev/null``: the gradebook, the course's files and other submissions stay as they were;
- it may bind its own five ports (and an ephemeral one) and no other, and connect to none over TCP;
- it cannot signal processes outside its sandbox (nbgrader, other kernels);
- its address space is limited, so a memory bomb raises MemoryError in its cell.

It may still read what the instructor's user may read, and start processes: the hidden tests'
grader, started from the kernel, needs the kit. What counts is decided out of the kernel (the
grading round's cross-check).
"""

import os
import shutil
import sys
import tempfile

from jupyter_client.provisioning import LocalProvisioner

MEMORY_LIMIT = 8 * 2**30  # bytes of address space: for the kernel, the grader it starts and the grader's worker each
PORTS = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")


class ConfinedProvisioner(LocalProvisioner):
    """A local kernel started through the confining launcher, with a scratch folder removed at its end."""

    scratch = None

    async def pre_launch(self, **kwargs):
        kwargs = await super().pre_launch(**kwargs)
        self.scratch = tempfile.mkdtemp(prefix="kernel-")
        os.chmod(self.scratch, 0o755)  # when grading as root, the worker's unprivileged user makes its folder inside
        folders = {"HOME": "", "TMPDIR": "", "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib"}
        kwargs["env"].update({name: os.path.join(self.scratch, sub) for name, sub in folders.items()})
        cache = _matplotlib_cache()
        if os.path.isdir(cache):  # a copy: building Matplotlib's font cache anew costs each notebook 0.3 s
            shutil.copytree(cache, os.path.join(self.scratch, "matplotlib"))
        writable = [kwargs.get("cwd") or os.getcwd(), self.scratch, os.devnull]
        launcher = [sys.executable, "-m", "autograder.confinement", f"--memory={MEMORY_LIMIT}"]
        ports = [self.connection_info[name] for name in PORTS] + [0]  # 0: an ephemeral port, for ipykernel's own output pipe
        launcher += [f"--write={path}" for path in writable] + [f"--bind-port={port}" for port in ports]
        kwargs["cmd"] = [*launcher, "--", *kwargs["cmd"]]
        return kwargs

    async def cleanup(self, restart=False):
        await super().cleanup(restart=restart)
        if self.scratch and not restart:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _matplotlib_cache():
    """Matplotlib's cache folder on Linux, found as Matplotlib finds it, without importing it."""
    return os.environ.get("MPLCONFIGDIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
