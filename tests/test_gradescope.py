"""The Gradescope bundle, graded the way Gradescope runs it.

The bp bundle is unpacked into a root laid out as Gradescope's /autograder/ (source/,
submission/, results/), its setup.sh makes a fresh virtual environment with the system's
python3, and its run_autograder grades a submission under an odd name: the solutions (full
marks), the release (0), one catalogued mistake (only its item), a broken notebook (a readable
failed test). Each results.json is held to Gradescope's documented schema.
"""

import importlib.metadata
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from lms_downloads import notebook
from notebooks import notebook_path

from autograder.exports import gradescope
from autograder.grading.course import GRADESCOPE_VISIBILITIES, load_course
from simulated_class.mistakes import MISTAKES

ASSIGNMENT = "bp"
COURSE = load_course()
POINTS = {item.id: float(item.points) for item in COURSE.assignment(ASSIGNMENT).items}
MISTAKE = next(key for key in MISTAKES if key[0] == "delta_theta")
TEST_KEYS = {"name", "score", "max_score", "output", "visibility", "status"}


@pytest.fixture(scope="module")
def autograder_root(tmp_path_factory):
    bundle = gradescope.build(ASSIGNMENT, tmp_path_factory.mktemp("bundle") / f"{ASSIGNMENT}.zip")
    # a folder every user may enter: as root, the grader's worker runs as nobody, as on Gradescope
    root = Path(tempfile.mkdtemp(prefix="autograder-", dir="/tmp"))
    root.chmod(0o755)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        # zipfile does not restore modes; Gradescope's unzip does
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    setup = subprocess.run(
        [root / "source" / "setup.sh"], env=environment(root), capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    yield root
    shutil.rmtree(root, ignore_errors=True)


def environment(root):
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "AUTOGRADER_ROOT": str(root),
    }


def graded(root, name, content):
    """results.json of run_autograder on a submission of one file, named name."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    (root / "submission" / name).write_bytes(content)
    (root / "submission_metadata.json").write_text(
        json.dumps({"users": [{"id": 4242, "email": "s@example.edu"}]}), encoding="utf-8"
    )
    result = subprocess.run(
        [root / "run_autograder"], env=environment(root), capture_output=True, text=True, cwd="/"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert (
        set(results) == {"score", "stdout_visibility", "tests"}
        and results["stdout_visibility"] in GRADESCOPE_VISIBILITIES
    )
    for test in results["tests"]:
        assert (
            set(test) == TEST_KEYS
            and test["visibility"] in GRADESCOPE_VISIBILITIES
            and test["status"] in ("passed", "failed")
        )
        assert isinstance(test["score"], float) and 0 <= test["score"] <= test["max_score"]
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))
    return results


def by_item(results):
    return {test["name"].split(" ")[0]: test["score"] for test in results["tests"]}


def test_the_solutions_get_full_marks_whatever_the_notebook_is_called(autograder_root):
    results = graded(
        autograder_root,
        "My BP homework (2).ipynb",
        notebook_path("solutions", ASSIGNMENT).read_bytes(),
    )
    assert by_item(results) == POINTS
    assert all(test["visibility"] == COURSE.gradescope.visibility for test in results["tests"])


def test_the_release_gets_nothing(autograder_root):
    results = graded(
        autograder_root,
        f"{ASSIGNMENT}.ipynb",
        notebook_path("assignments", ASSIGNMENT).read_bytes(),
    )
    assert results["score"] == 0 and len(results["tests"]) == len(POINTS)


def test_one_catalogued_mistake_costs_only_its_item_and_its_feedback_names_it(autograder_root):
    results = graded(autograder_root, "submission.ipynb", notebook(ASSIGNMENT, "mistake", MISTAKE))
    lost = {item for item, score in by_item(results).items() if score < POINTS[item]}
    assert lost == {MISTAKE[0]}
    mistaken = next(test for test in results["tests"] if test["name"].startswith(MISTAKE[0]))
    assert mistaken["status"] == "failed" and mistaken["output"]


def test_the_cases_are_seeded_by_the_gradescope_users_id(tmp_path):
    assert gradescope.student_of(tmp_path) == "gradescope"  # no metadata: one seed for all
    (tmp_path / "submission_metadata.json").write_text(
        json.dumps({"users": [{"id": 4242, "email": "s@example.edu"}]}), encoding="utf-8"
    )
    assert gradescope.student_of(tmp_path) == "4242"


def test_the_attempt_is_the_students_earlier_gradescope_submissions_plus_one(tmp_path):
    assert gradescope.attempt_of(tmp_path) == 1  # no metadata
    earlier = [
        {"submission_time": "2026-11-20T10:00:00Z"},
        {"submission_time": "2026-11-21T09:00:00Z"},
    ]
    (tmp_path / "submission_metadata.json").write_text(
        json.dumps({"users": [{"id": 4242}], "previous_submissions": earlier}), encoding="utf-8"
    )
    assert gradescope.attempt_of(tmp_path) == 3


def test_a_broken_notebook_gets_a_readable_failed_test(autograder_root):
    broken = notebook_path("solutions", ASSIGNMENT).read_bytes()[:2000]
    results = graded(autograder_root, f"{ASSIGNMENT}.ipynb", broken)
    assert results["score"] == 0
    [test] = results["tests"]
    assert (
        test["name"] == "submission"
        and test["status"] == "failed"
        and test["max_score"] == sum(POINTS.values())
    )
    assert (
        "Not graded: the submission could not be read" in test["output"]
        and f"{ASSIGNMENT}.ipynb" in test["output"]
    )


def test_a_submission_without_one_notebook_or_py_file_is_told_what_it_holds(autograder_root):
    results = graded(autograder_root, "answers.txt", b"see attached")
    assert (
        "expected one notebook (bp.ipynb) or one .py file; the submission holds: answers.txt"
        in results["tests"][0]["output"]
    )


def test_the_bundle_holds_the_grader_and_the_reference_and_pins_the_kits_versions(tmp_path):
    with zipfile.ZipFile(gradescope.build(ASSIGNMENT, tmp_path / "bp.zip")) as archive:
        names = set(archive.namelist())
        requirements = archive.read("requirements.txt").decode()
    assert {
        "setup.sh",
        "run_autograder",
        "kit/autograder/grading/grader.py",
        "kit/source_impl/bp.py",
        "kit/course.yaml",
        "kit/source_impl/data/watermelon3_0.csv",
    } <= names
    assert not any("__pycache__" in name or name.startswith("kit/solutions") for name in names)
    assert requirements.splitlines() == [
        f"{name}=={importlib.metadata.version(name)}" for name in gradescope.GRADING_REQUIREMENTS
    ]
