"""A Gradescope autograder bundle per assignment, and the grading its run_autograder does.

    python3 tasks.py gradescope [--assignments ID ...]   # var/gradescope/<assignment>.zip
    python -m autograder.exports.gradescope run ASSIGNMENT      # in the bundle: what run_autograder runs

Gradescope unpacks the bundle into /autograder/source/, runs its setup.sh once on its Ubuntu
image (as root), and for each submission copies run_autograder to /autograder/, puts the
student's files in /autograder/submission/ and reads /autograder/results/results.json. The
bundle holds the hidden grader and the reference (never shipped to students), course.yaml, and
requirements.txt with the grading dependencies pinned to the kit's own versions. Both scripts
read the root from AUTOGRADER_ROOT (default /autograder), so that a test can lay it out anywhere.

The results hold one test per item of course.yaml and nothing of its derivations (the Markdown
answer cells people grade): on Gradescope those are manually graded questions of their own.
"""

import argparse
import importlib.metadata
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograder import ROOT

# all the grader imports beyond the standard library
GRADING_REQUIREMENTS = ("numpy", "PyYAML", "msgspec")
KIT_FILES = (
    "autograder/**/*.py",
    "source_impl/**/*.py",
    "source_impl/data/*",
    "student/comparison.py",
    "student/params.py",
    "student/notebook_functions.py",
    "course.yaml",
)
SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image: a virtual environment with the grading dependencies.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if ! python3 -m venv "$ROOT/venv"; then
    apt-get update -qq && apt-get install -y -qq python3-venv
    python3 -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/source/requirements.txt"
chmod -R a+rX "$ROOT/venv" "$ROOT/source"  # the grader's worker runs as nobody when grading as root
"""
RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission: it grades /autograder/submission/ into /autograder/results/results.json.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$ROOT/source/kit"
exec "$ROOT/venv/bin/python" -m autograder.exports.gradescope run {assignment} --root "$ROOT"
"""


def build(assignment: str, out: str | Path) -> Path:
    """Write the bundle of the assignment to out (a .zip); return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        _add(bundle, "setup.sh", SETUP)
        _add(bundle, "run_autograder", RUN.format(assignment=assignment))
        _add(
            bundle,
            "requirements.txt",
            "".join(
                f"{name}=={importlib.metadata.version(name)}\n" for name in GRADING_REQUIREMENTS
            ),
        )
        for pattern in KIT_FILES:
            for path in sorted(ROOT.glob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    bundle.write(path, f"kit/{path.relative_to(ROOT)}")
    return out


def _add(bundle: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o755 << 16  # executable, as Gradescope needs its scripts
    bundle.writestr(info, text)


def submission_files(folder: str | Path, assignment: str) -> list[Path]:
    """The files to grade in the submission folder, whatever they are called: the assignment's notebook
    (named so, else the only notebook there), else the only .py file; SubmissionError when there is none."""
    from autograder.grading.submission import SubmissionError

    files = sorted(
        path
        for path in Path(folder).rglob("*")
        if path.is_file() and ".ipynb_checkpoints" not in path.parts
    )
    notebooks = [path for path in files if path.suffix == ".ipynb"]
    named = [path for path in notebooks if path.name == f"{assignment}.ipynb"]
    scripts = [path for path in files if path.suffix == ".py"]
    for candidates in (named, notebooks, scripts):
        if len(candidates) == 1:
            return candidates
    found = ", ".join(path.name for path in files) or "nothing"
    raise SubmissionError(
        f"expected one notebook ({assignment}.ipynb) or one .py file; the submission holds: {found}"
    )


def _metadata(root: str | Path) -> dict[str, Any]:
    """Gradescope's submission_metadata.json, or {} where it cannot be read."""
    try:
        metadata = json.loads((Path(root) / "submission_metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def student_of(root: str | Path) -> str:
    """The student's Gradescope user id from submission_metadata.json (their cases are their own), else 'gradescope'."""
    try:
        return str(_metadata(root)["users"][0]["id"])
    except (KeyError, IndexError, TypeError):
        return "gradescope"


def attempt_of(root: str | Path) -> int:
    """This submission's attempt: the student's earlier submissions, which Gradescope lists, plus one."""
    previous = _metadata(root).get("previous_submissions")
    return len(previous) + 1 if isinstance(previous, list) else 1


def run(assignment: str, root: str | Path) -> int:
    """Grade the submission under root into results/results.json, a readable failed test when it cannot be read."""
    from autograder.cli import write_json
    from autograder.grading.course import CourseError, load_course
    from autograder.grading.grader import grade
    from autograder.grading.submission import SubmissionError
    from autograder.sandbox.process import GraderError

    course = load_course()
    shown = course.gradescope
    results: dict[str, Any]  # Gradescope's results.json
    try:
        report = grade(
            submission_files(Path(root) / "submission", assignment),
            student_of(root),
            assignment,
            attempt=attempt_of(root),
        )
        results = report.to_gradescope(shown.visibility, shown.stdout_visibility)
        print(report.table())
    except (SubmissionError, CourseError, GraderError, OSError) as error:
        # the autograder's share; derivations are Gradescope's manual questions
        points = course.assignment(assignment).item_points
        output = f"没有评分：无法读取提交。/ Not graded: the submission could not be read.\n{error}"
        results = {
            "score": 0.0,
            "stdout_visibility": shown.stdout_visibility,
            "tests": [
                {
                    "name": "submission",
                    "score": 0.0,
                    "max_score": points,
                    "output": output,
                    "visibility": "visible",
                    "status": "failed",
                }
            ],
        }
        print(output)
    write_json(Path(root) / "results" / "results.json", results)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.exports.gradescope", description="Gradescope autograder bundles."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="write one bundle per assignment")
    build_command.add_argument("--assignments", nargs="+", metavar="ID")
    build_command.add_argument("--out", type=Path, default=ROOT / "var" / "gradescope")
    run_command = commands.add_parser(
        "run", help="grade the submission in Gradescope's layout (run_autograder calls it)"
    )
    run_command.add_argument("assignment")
    run_command.add_argument("--root", type=Path, default=Path("/autograder"))
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.assignment, args.root)
    from autograder.grading.course import load_course

    known = [a.id for a in load_course().assignments]
    for assignment in args.assignments or known:
        if assignment not in known:
            parser.error(f"no assignment {assignment!r} in course.yaml; it has: {', '.join(known)}")
        print(build(assignment, args.out / f"{assignment}.zip"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
