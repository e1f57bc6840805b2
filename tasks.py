"""Set up the kit in ./.venv and run its jobs, with nothing but python3 (standard library only).

    python3 tasks.py main    # set up, then run the main job
    python3 tasks.py test    # set up, then run the tests (extra arguments go to pytest)
    python3 tasks.py release # set up, then regenerate assignments/ from solutions/ with nbgrader
    python3 tasks.py setup   # set up only

Set-up creates .venv and installs the kit into it, editable, with its test extras; it is
redone only when pyproject.toml changes.
"""

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
STAMP = VENV / "kit-installed.sha256"


def setup():
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"creating the virtual environment {VENV.name}/", flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except Exception as error:  # ensurepip missing is the common case on Debian
            sys.exit(f"could not create {VENV}: {error}\nOn Debian or Ubuntu: apt-get install python3-venv")
    print("installing the kit and its dependencies", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", f"{ROOT}[test]")
    STAMP.write_text(wanted)


def main(args):
    setup()
    run(PYTHON, ROOT / "scripts" / "exercise_5_5.py", *args)


def test(args):
    setup()
    run(PYTHON, "-m", "pytest", *args)


def release(args):
    setup()
    run(PYTHON, "-m", "autograder.release", *args)


def run(*command):
    completed = subprocess.run([str(part) for part in command], cwd=ROOT)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


JOBS = {"setup": lambda args: setup(), "main": main, "test": test, "release": release}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{','.join(JOBS)}}} [arguments]")
    JOBS[sys.argv[1]](sys.argv[2:])
