"""The round's pure parts, each on its own: what a rerun grades again, which submissions nbgrader
can take, the output folder's guard, and the class report's statistics."""

import csv
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import SUBMITTED, CourseFolder
from autograder.rounds import class_report, grading_round
from autograder.rounds.class_report import item_statistics, one_mistake_costs, one_mistake_summary
from autograder.rounds.grading_round import (
    MARKER,
    NO_SUBMISSION,
    RoundError,
    empty_output_folder,
    submission_problem,
)
from autograder.rounds.round_record import RoundRecord

COURSE = load_course()
BP = COURSE.assignment("bp")


@pytest.fixture
def gradebook(tmp_path, new_gradebook):
    """The URL of a gradebook where s1 and s2 have a submission of bp and s3 has none."""
    url = new_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url) as book:
        book.add_assignment("bp")
        for student in ("s1", "s2", "s3"):
            book.add_student(student)
        # nbgrader's own add_submission warns of its session's autoflush
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            for student in ("s1", "s2"):
                book.add_submission("bp", student)
    return url


def test_a_rerun_grades_what_is_new_changed_or_missing_from_the_gradebook(tmp_path, gradebook):
    record = RoundRecord(tmp_path / "graded.json")
    record.graded("bp", [("s1", "aaa"), ("s2", "bbb"), ("s3", "ccc")])
    digests = {"s1": "aaa", "s2": "changed", "s3": "ccc", "s4": "new"}
    # s1 unchanged and in the gradebook: skipped; s3 recorded but not in the gradebook (a killed autograde)
    assert RoundRecord(tmp_path / "graded.json").to_grade(gradebook, "bp", digests) == [
        "s2",
        "s3",
        "s4",
    ]


def test_feedback_is_written_again_until_recorded_and_the_record_is_replaced_whole(tmp_path):
    path = tmp_path / "graded.json"
    record = RoundRecord(path)
    record.graded("bp", [("s1", "aaa"), ("s2", "bbb")])
    record.feedback_written("bp", ["s1"])
    again = RoundRecord(path)
    assert not again.needs_feedback("bp", "s1") and again.needs_feedback("bp", "s2")
    assert again.needs_feedback("perceptron", "s1")  # nothing recorded of it
    assert json.loads(path.read_text())["bp"]["s1"] == {"sha256": "aaa", "feedback": True}
    assert [p.name for p in tmp_path.iterdir()] == ["graded.json"]  # no partial file left


def test_an_unreadable_record_grades_everything_again(tmp_path, gradebook, capsys):
    (tmp_path / "graded.json").write_text("{not json")
    record = RoundRecord(tmp_path / "graded.json")
    assert record.to_grade(gradebook, "bp", {"s1": "aaa"}) == ["s1"]
    assert "is unreadable: every submission is graded again" in capsys.readouterr().out


def submitted(course, student, name, content):
    folder = course.root / SUBMITTED / student / "bp"
    folder.mkdir(parents=True)
    (folder / name).write_text(content, encoding="utf-8")


def test_submission_problem_names_what_nbgrader_could_not_take(tmp_path):
    course = CourseFolder(tmp_path)
    submitted(course, "renamed", "bp (1).ipynb", nbformat.writes(nbformat.v4.new_notebook()))
    submitted(course, "broken", "bp.ipynb", "{ not a notebook")
    submitted(course, "fine", "bp.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
    assert submission_problem(course, "absent", "bp") == NO_SUBMISSION
    assert (
        submission_problem(course, "renamed", "bp")
        == "no bp.ipynb in the submission (found: bp (1).ipynb)"
    )
    assert (
        submission_problem(course, "broken", "bp")
        == "bp.ipynb is not a readable notebook (NotJSONError)"
    )
    assert submission_problem(course, "fine", "bp") is None


def test_an_nbformat_3_notebook_is_refused_by_name_with_the_way_to_upgrade_it(tmp_path):
    course = CourseFolder(tmp_path)
    old = nbformat.v3.new_notebook(
        worksheets=[nbformat.v3.new_worksheet(cells=[nbformat.v3.new_code_cell("x = 1")])]
    )
    submitted(course, "old", "bp.ipynb", nbformat.writes(old, version=3))
    problem = submission_problem(course, "old", "bp")
    assert problem.startswith("bp.ipynb is an nbformat 3 notebook")
    assert "jupyter nbconvert --to notebook --nbformat 4 --inplace bp.ipynb" in problem


def test_a_submitted_folder_that_holds_a_link_or_a_pipe_is_refused_before_anything_reads_it(
    tmp_path,
):
    course = CourseFolder(tmp_path)
    solution = tmp_path / "solution.ipynb"
    solution.write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
    for student in ("linked", "piped", "extra"):
        (course.root / SUBMITTED / student / "bp").mkdir(parents=True)
    (course.root / SUBMITTED / "linked" / "bp" / "bp.ipynb").symlink_to(solution)
    os.mkfifo(course.root / SUBMITTED / "piped" / "bp" / "bp.ipynb")
    submitted_notebook = course.root / SUBMITTED / "extra" / "bp" / "bp.ipynb"
    submitted_notebook.write_text(solution.read_text(encoding="utf-8"), encoding="utf-8")
    (submitted_notebook.parent / "data.csv").symlink_to("/etc/passwd")
    assert submission_problem(course, "linked", "bp") == (
        "in its submitted folder, bp.ipynb is a symbolic link: not graded"
    )
    assert submission_problem(course, "piped", "bp") == (
        "in its submitted folder, bp.ipynb is a named pipe: not graded"
    )
    assert submission_problem(course, "extra", "bp") == (
        "in its submitted folder, data.csv is a symbolic link: not graded"
    )


def test_only_a_rounds_own_output_folder_is_emptied(tmp_path):
    out = tmp_path / "round"
    empty_output_folder(out)  # a new folder: made and marked
    (out / "grades.csv").write_text("old")
    empty_output_folder(out)  # a round's: emptied
    assert [p.name for p in out.iterdir()] == [MARKER]
    kept = tmp_path / "thesis"
    kept.mkdir()
    (kept / "chapter1.tex").write_text("years of work")
    with pytest.raises(RoundError, match="not a grading round's output folder"):
        empty_output_folder(kept)
    assert (kept / "chapter1.tex").read_text() == "years of work"


def test_item_statistics_share_the_submissions_among_full_partial_and_zero():
    delta_theta = next(item for item in BP.items if item.id == "delta_theta")
    points = delta_theta.points
    scores = {
        "s1": {"delta_theta": points},
        "s2": {"delta_theta": 0.6 * points},
        "s3": {},
        "s4": {"delta_theta": 0.0},
    }
    # the mean over the four, (1 + 0.6) × points / 4; one full, one partial, two zero
    assert item_statistics(delta_theta, scores) == pytest.approx((0.4 * points, 0.25, 0.25, 0.5))
    assert item_statistics(delta_theta, {}) == (0.0, 0.0, 0.0, 0.0)


def test_a_single_mistake_is_charged_to_its_item_and_any_loss_elsewhere_is_counted():
    full = {item.id: item.points for item in BP.items}
    # points bp_step loses where the grade would not measure each equation
    spilled = full["bp_step"] / 4
    scores = {
        "bp": {
            "alone": {**full, "delta_theta": 0.0},  # the grade measures each equation
            "spilled": {**full, "delta_theta": 0.0, "bp_step": full["bp_step"] - spilled},
            "unknown": {**full, "forward": 0.0},  # no known mistake: not counted
        }
    }
    mistakes = {"alone": {"bp": "delta_theta"}, "spilled": {"bp": "delta_theta"}}
    costs = one_mistake_costs(scores, COURSE, mistakes)
    assert costs == [
        ("bp", "alone", "delta_theta", full["delta_theta"], 0.0),
        ("bp", "spilled", "delta_theta", full["delta_theta"], spilled),
    ]
    assert one_mistake_summary(costs) == (
        "points lost outside the mistaken item, 2 submissions with one catalogued mistake: "
        f"mean {spilled / 2:.2f}, largest {spilled:.2f}"
    )
    assert one_mistake_summary([]) == "no student with exactly one known mistake"


def test_the_needs_a_look_list_names_an_attempt_past_the_courses_limit():
    reports = {"bp": {"s01": {"items": [], "attempt": 4}, "s02": {"items": [], "attempt": 3}}}
    lines = class_report._attention(
        class_report.attention_rows(reports, {}, [], True, attempts_allowed=3)
    )
    flagged = [line for line in lines if "past the attempt limit" in line]
    assert flagged == ["| s01 | bp | past the attempt limit | attempt 4; course.yaml allows 3 |"]


def test_a_needs_a_look_list_of_a_thousand_shows_its_first_rows_and_keeps_every_row_in_a_csv(
    tmp_path,
):
    not_graded = {"bp": {f"s{n:04d}": "no submission" for n in range(1, 1001)}}
    lines = class_report._attention(
        class_report.attention_rows({}, not_graded, [], True), out=tmp_path
    )
    shown = [line for line in lines if line.startswith("| s0")]
    assert len(shown) == class_report.SHOWN_ROWS and shown[0].startswith("| s0001 | bp |")
    more = 1000 - class_report.SHOWN_ROWS
    assert f"还有 {more} 行 / and {more} more: needs_a_look.csv" in lines
    with open(tmp_path / "needs_a_look.csv", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["student", "assignment", "what", "details"]
    assert [row[0] for row in rows[1:]] == sorted(not_graded["bp"])


def test_a_short_needs_a_look_list_is_shown_whole():
    not_graded = {"bp": {"s01": "no submission"}}
    lines = class_report._attention(class_report.attention_rows({}, not_graded, [], True))
    assert "| s01 | bp | not graded | no submission |" in lines
    assert not any("more" in line for line in lines)


ROSTERS = Path(__file__).parent / "fixtures" / "lms_roster"


def round_main(tmp_path, roster, *options):
    """The round's main() on an empty download and the roster; its exit status (or SystemExit's)."""
    (tmp_path / "download").mkdir(exist_ok=True)
    argv = ["--submissions", str(tmp_path / "download"), "--roster", str(roster)]
    try:
        return grading_round.main([*argv, "--course", str(tmp_path / "course"), *options])
    except SystemExit as stopped:
        return stopped.code


def test_a_roster_that_cannot_be_read_stops_the_round_before_its_modules_load(tmp_path):
    roster = tmp_path / "grades.csv"
    roster.write_text("Name,Mail\nWei Wang,w@example.edu\n", encoding="utf-8")
    (tmp_path / "download").mkdir()
    command = [sys.executable, "-X", "importtime", "-m", "autograder.rounds"]
    command += ["--submissions", str(tmp_path / "download"), "--roster", str(roster)]
    result = subprocess.run(
        [*command, "--course", str(tmp_path / "course")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert f"grading round stopped before it began: the roster {roster} has no 'id' column" in (
        result.stderr
    )
    # neither the round (nbgrader's and the report's modules: seconds) nor its release ran
    assert "autograder.rounds.grading_round" not in result.stderr
    assert not (tmp_path / "course").exists()


def test_two_columns_that_may_be_an_assignment_s_stop_the_round_before_the_release(
    tmp_path, capsys
):
    roster = tmp_path / "gradebook.csv"
    text = (ROSTERS / "canvas_gradebook.csv").read_text(encoding="utf-8-sig")
    roster.write_text(text.replace("Perceptron (118801)", "bp (118803)"), encoding="utf-8")
    assert round_main(tmp_path, roster) == 2
    stderr = capsys.readouterr().err
    assert "'bp (118803)', 'BP (118802)'" in stderr and "--column bp=NAME" in stderr
    assert not (tmp_path / "course").exists()


@pytest.mark.parametrize(
    "roster, column, problem",
    [
        ("canvas_gradebook.csv", "nothing", "give ASSIGNMENT=NAME"),
        ("canvas_gradebook.csv", "knn=KNN (1)", "no assignment 'knn' in course.yaml"),
    ],
)
def test_a_column_option_of_no_assignment_is_refused_by_the_parser(
    tmp_path, capsys, roster, column, problem
):
    assert round_main(tmp_path, ROSTERS / roster, "--column", column) == 2
    assert problem in capsys.readouterr().err
    assert not (tmp_path / "course").exists()


def test_a_column_option_with_the_kit_s_own_roster_is_refused(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name\ns1,Wei\n", encoding="utf-8")
    assert round_main(tmp_path, roster, "--column", "bp=BP (118802)") == 2
    assert "the roster is the kit's own CSV" in capsys.readouterr().err
