"""Build the student release: solutions/ → assignments/ with the real `nbgrader generate_assignment`.

    python -m autograder.integration.release

First each solutions/<assignment>/ gets the files a student works with besides the notebook
(the self-check and the comparison it shares with the grader, its public cases, the pytest file,
the figures, the data and a README), all generated from their one source in the repository (git
keeps only the notebooks of solutions/); then nbgrader turns solutions/ into assignments/.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from autograder import ROOT
from autograder.grading import public_cases
from autograder.grading.course import load_course
from autograder.integration import student_readme
from autograder.integration.nbgrader_course import nbgrader_environment

STUDENT_FILES = [
    ROOT / "student" / name
    for name in (
        "selfcheck.py",
        "comparison.py",
        "params.py",
        "notebook_functions.py",
        "figures.py",
        "test_selfcheck.py",
        "pytest.ini",
        "requirements.txt",
    )
]
DATA_FILES = {"bp": [ROOT / "source_impl" / "data" / "watermelon3_0.csv"]}


def companion_files(assignment_id: str) -> dict[str, bytes]:
    """{file name: bytes} of the files that sit beside the notebook in an assignment folder."""
    files = {
        path.name: path.read_bytes() for path in STUDENT_FILES + DATA_FILES.get(assignment_id, [])
    }
    files["public_cases.json"] = public_cases.dumps(public_cases.build(assignment_id)).encode(
        "utf-8"
    )
    files["README.md"] = student_readme.readme(assignment_id).encode("utf-8")
    return files


def write_companion_files(assignment_id: str, folder: str | Path | None = None) -> None:
    """Write the companion files into folder (by default the assignment's folder in solutions/)."""
    folder = Path(folder or ROOT / "solutions" / assignment_id)
    for name, content in companion_files(assignment_id).items():
        (folder / name).write_bytes(content)


def generate_assignment(
    assignment_id: str,
    source_directory: str | Path | None = None,
    release_directory: str | Path | None = None,
    db_url: str | None = None,
) -> None:
    """Run `nbgrader generate_assignment` for one assignment; the folders and gradebook may be others."""
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment_id, "--force"]
    for option, value in (
        ("source_directory", source_directory),
        ("release_directory", release_directory),
        ("db_url", db_url),
    ):
        if value is not None:
            command.append(f"--CourseDirectory.{option}={value}")
    (ROOT / "var").mkdir(exist_ok=True)  # nbgrader's sqlite gradebook needs its folder
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=nbgrader_environment()
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"nbgrader generate_assignment {assignment_id} failed:\n{result.stdout}{result.stderr}"
        )
    # nbgrader writes the release's files read-only for the students; the repository keeps them writable
    release = Path(release_directory or ROOT / "assignments") / assignment_id
    for path in release.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    shutil.rmtree(release / "__pycache__", ignore_errors=True)


def main() -> None:
    for assignment in load_course().assignments:
        write_companion_files(assignment.id)
        generate_assignment(assignment.id)
        print(
            f"released {assignment.id}: solutions/{assignment.id}/ → assignments/{assignment.id}/"
        )


if __name__ == "__main__":
    main()
