"""Set up the kit and run its jobs, with nothing but python3 (standard library only).

    python3 tasks.py main [--jobs N] [--cluster ADDRESS] [--db URL] [--no-enforce] [--small | --students N]
                                       # set up, then run the main job: a whole grading round (of the simulated class)
    python3 tasks.py main --submissions PATH --roster CSV [--course DIR]
                                       # ... of your class: an LMS download (or --course DIR: an nbgrader course)
    python3 tasks.py exercise          # set up, then compare standard and accumulated BP (exercise 5.5)
    python3 tasks.py benchmark         # set up, then measure grading and the reference (scripts/benchmark.py)
    python3 tasks.py benchmark --round [--students N ...] [--jobs N]
                                       # ... or the round's cost at several class sizes (scripts/round_scaling.py)
    python3 tasks.py benchmark --hub [--students 15] [--submissions 2]
                                       # ... or, as root, the hub's submission-to-feedback time under load (scripts/hub_load.py)
    python3 tasks.py test [--fast]     # set up, then run the tests on every core (--fast: the fast tier; extra arguments go to pytest)
    python3 tasks.py release           # set up, then regenerate assignments/ from solutions/ with nbgrader
    python3 tasks.py gradescope [--assignments ID ...]
                                       # set up, then write a Gradescope autograder bundle per assignment (var/gradescope/)
    python3 tasks.py student [ASSIGNMENT] [--setup-only] [--venv DIR]
                                       # the student's side: JupyterLab on assignments/ (or one of them)
    python3 tasks.py hub [--root DIR] [--port N] [--students N] [--instructor NAME]
                                       # as root: set up, then run the course's JupyterHub (docs/hub.md)
    python3 tasks.py setup             # set up only

The kit lives in .venv, installed editable with its test extras; the student's side in
.venv-student, with only what a student needs (no grader, no reference implementation).
Each is re-installed only when what it installs from changes.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
KIT_VENV = ROOT / ".venv"
STUDENT_VENV = ROOT / ".venv-student"
STUDENT_REQUIREMENTS = ROOT / "student" / "requirements.txt"
HUB_STUDENT_REQUIREMENTS = ROOT / "student" / "hub-requirements.txt"
HUB_ROOT = Path("/srv/ml-ch5-hub")  # autograder/hub/layout.py's default
HUB_LOAD_ROOT = Path("/var/tmp/ml-ch5-hub-load")  # the load test's hub, made anew each run
UV = "uv>=0.13.9,<0.14"  # installs the environments (pip_install)
# nbgrader's instructor tools, of no use to a student; Validate and the assignment list stay
INSTRUCTOR_EXTENSIONS = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]
# The hub needs bubblewrap (each student's server in a namespace of its own) and npm (its proxy).
HUB_PACKAGES = {
    "bubblewrap": Path("/usr/bin/bwrap"),
    "npm": Path("/usr/bin/npm"),
}
# The browser tests need Chromium, and a font with Chinese glyphs for readable screenshots; the
# PostgreSQL gradebook's test, the server's programs (it starts a server of its own); the hub's test,
# the hub's.
TEST_PACKAGES = {
    "chromium": Path("/usr/bin/chromium"),
    "fonts-wqy-zenhei": Path("/usr/share/fonts/truetype/wqy"),
    "postgresql": Path("/usr/lib/postgresql"),
    **HUB_PACKAGES,
}


def python_of(folder):
    return folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def ensure_venv(folder, source, install):
    """Create the virtual environment folder and run install(python) unless source is unchanged since."""
    python, stamp = python_of(folder), folder / "installed-from.sha256"
    wanted = hashlib.sha256(source.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if (
        python.exists()
        and subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode
        != 0
    ):
        print(
            f"{folder.name}/ has no working pip (an earlier set-up failed): making it anew",
            flush=True,
        )
        shutil.rmtree(folder)
    if not python.exists():
        print(f"creating the virtual environment {folder.name}/", flush=True)
        try:
            venv.create(folder, with_pip=True)
        except Exception as error:  # ensurepip missing is the common case on Debian
            sys.exit(
                f"could not create {folder}: {error}\nOn Debian or Ubuntu: apt-get install python3-venv"
            )
    install(python)
    stamp.write_text(wanted)
    return python


def pip_install(python, *arguments):
    """`pip install` the arguments into python's environment, by uv (a third of pip's time; pip
    installs it there first), or by pip where uv fails: an index that only pip's configuration
    names, say. uv writes the bytecode now, as pip does: autograde kernels may not write it."""
    run(python, "-m", "pip", "install", "--quiet", UV)
    by_uv = [python, "-m", "uv", "pip", "install", "--quiet", "--python", python]
    # the system's certificates, as pip's configuration may name them: a proxy's own authority
    by_uv += ["--system-certs", "--compile-bytecode", *arguments]
    if subprocess.run([str(part) for part in by_uv], cwd=ROOT).returncode != 0:
        print("uv could not install it: pip does", flush=True)
        run(python, "-m", "pip", "install", "--quiet", *arguments)


def setup():
    def install(python):
        print("installing the kit and its dependencies", flush=True)
        pip_install(python, "--editable", f"{ROOT}[test,hub]")

    return ensure_venv(KIT_VENV, ROOT / "pyproject.toml", install)


def setup_student(folder=STUDENT_VENV, requirements=STUDENT_REQUIREMENTS):
    def install(python):
        print("installing what a student needs", flush=True)
        pip_install(python, "--requirement", requirements)
        run(
            python,
            "-m",
            "jupyterlab.labextensions",
            "disable",
            "--level=sys_prefix",
            *INSTRUCTOR_EXTENSIONS,
            quiet=True,
        )

    return ensure_venv(folder, requirements, install)


def setup_system(packages):
    """Install Debian's packages ({package: a path it brings}) when missing and allowed (root, apt-get)."""
    missing = [package for package, path in packages.items() if not path.exists()]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            f"not installing {', '.join(missing)} (needs root and apt-get): what needs them will be skipped",
            flush=True,
        )
        return
    print(f"installing {', '.join(missing)} from Debian's packages", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
    ):
        if subprocess.run(command, env=environment, stdout=subprocess.DEVNULL).returncode != 0:
            print(
                f"could not install {', '.join(missing)}: what needs them will be skipped",
                flush=True,
            )
            return


def main(args):
    # your class (its downloads and roster, or a course folder), else the simulated class
    real = any(option in args for option in ("--submissions", "--course", "--roster"))
    run(setup(), "-m", "autograder.rounds" if real else "simulated_class", *args)


def exercise(args):
    run(setup(), ROOT / "scripts" / "exercise_5_5.py", *args)


def benchmark(args):
    if "--hub" in args:
        args = [arg for arg in args if arg != "--hub"]
        python, root = setup_hub(args, HUB_LOAD_ROOT)
        run(
            python,
            ROOT / "scripts" / "hub_load.py",
            *args,
            *(() if "--root" in args else ("--root", root)),
        )
    elif "--round" in args:
        args = [arg for arg in args if arg != "--round"]
        run(setup(), ROOT / "scripts" / "round_scaling.py", *args)
    else:
        run(setup(), ROOT / "scripts" / "benchmark.py", *args)


def test(args):
    python = setup()
    # the edit-test loop: the tests not marked slow (tests/conftest.py), about a minute
    if "--fast" in args:
        args = ["-m", "not slow", *(arg for arg in args if arg != "--fast")]
    else:
        refuse_where_no_worker_starts(python)
        setup_system(TEST_PACKAGES)
    # a worker per core (pytest-xdist), a module to a worker (tests/conftest.py); -n 0 runs them in one
    run(python, "-m", "pytest", "-n", "auto", "--dist", "loadfile", *args)


def refuse_where_no_worker_starts(python):
    """Exit 2, saying why, where the grader's worker cannot start (as root, a checkout in a folder its
    unprivileged user cannot enter): most of the whole run grades or runs kernels as that user, and
    would fail or skip by the hundred. The fast tier skips its few such tests, each saying why."""
    blocked = subprocess.run(
        [
            str(python),
            "-c",
            "from autograder.sandbox.process import worker_blocked as b; print(b() or '')",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if blocked:
        print(
            f"tasks.py test: the tests cannot run here: {blocked}\n"
            "(python3 tasks.py test --fast runs the fast tier, skipping the tests that need the worker)",
            file=sys.stderr,
        )
        sys.exit(2)


def release(args):
    run(setup(), "-m", "autograder.integration.release", *args)


def gradescope(args):
    run(setup(), "-m", "autograder.exports.gradescope", "build", *args)


def student(args):
    folder = STUDENT_VENV
    # another folder for the environment (the tests make theirs in a temporary folder)
    if "--venv" in args:
        at = args.index("--venv")
        folder, args = Path(args[at + 1]).resolve(), args[:at] + args[at + 2 :]
    python = setup_student(folder)
    if "--setup-only" in args:
        return
    target = ROOT / "assignments" / (args[0] if args else "")
    if not target.is_dir():
        sys.exit(
            f"no assignment folder {target.relative_to(ROOT)}; choose one of: {', '.join(p.name for p in (ROOT / 'assignments').iterdir())}"
        )
    run(python, "-m", "jupyterlab", f"--ServerApp.root_dir={target}")


def setup_hub(args, default_root):
    """Set up the kit, the hub's system packages and its students' Python in the hub's folder
    (--root in args, else default_root); the kit's Python and that folder."""
    python = setup()
    setup_system(HUB_PACKAGES)
    root = Path(args[args.index("--root") + 1]) if "--root" in args else default_root
    setup_student(root.resolve() / "venv-student", HUB_STUDENT_REQUIREMENTS)
    return python, root


def hub(args):
    python, _ = setup_hub(args, HUB_ROOT)
    run(python, "-m", "autograder.hub", *args)


def run(*command, quiet=False):
    output = subprocess.DEVNULL if quiet else None
    completed = subprocess.run([str(part) for part in command], cwd=ROOT, stdout=output)
    if completed.returncode != 0:
        sys.exit(f"failed ({completed.returncode}): {' '.join(str(part) for part in command)}")


JOBS = {
    "setup": lambda args: setup(),
    "main": main,
    "exercise": exercise,
    "benchmark": benchmark,
    "test": test,
    "release": release,
    "gradescope": gradescope,
    "student": student,
    "hub": hub,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{','.join(JOBS)}}} [arguments]")
    JOBS[sys.argv[1]](sys.argv[2:])
