"""Feedback pages into each LMS's bulk upload: names as the LMS reads them, read back by the kit's own download
reader to the same students; bytes intact; a held-back page, a student without an arrival, and a page or folder
that is a link left out with a note, the link never followed. No nbgrader runs: the pages are plain HTML files."""

import csv
import os
import stat
import zipfile
from datetime import UTC, datetime

import pytest
from lms_downloads import ASSIGNMENT, ROSTER, canvas_name, moodle_name
from test_lms_grades import GRADES, db_url  # noqa: F401 (a fixture: a gradebook of bp)

from autograder.exports import lms_feedback
from autograder.exports.lms_feedback import Scored
from autograder.rounds import lms_download
from autograder.rounds.lms_download import RosterEntry

WHEN = datetime(2026, 11, 20, tzinfo=UTC)
# the kit's roster of the download helpers, without LMS ids: a name read back must find its student
KIT_ROSTER = [RosterEntry(s, first, last, f"{s}@example.edu") for s, first, last, _ in ROSTER]
SECRET = b"<p>the reference solution</p>"


def moodle_flat(row, file, late=False):
    return moodle_name(row, file).replace("_/", "_")


def blackboard_name(row, file, late=False):
    _, first, last, _ = row
    return f"{ASSIGNMENT}_{(last + first).lower()}_attempt_2026-11-20-10-00-00_{file}"


NAMERS = {"Canvas": canvas_name, "Moodle": moodle_name, "Blackboard": blackboard_name}


def page_of(student):
    return f"<html><body><h1>{ASSIGNMENT}</h1><p>feedback of {student} é</p></body></html>".encode()


def write_page(root, student, content=None):
    folder = root / "feedback" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ASSIGNMENT}.html").write_bytes(content or page_of(student))
    return folder / f"{ASSIGNMENT}.html"


def class_of(root, namer, students=("s1", "s2", "s3")):
    """{(student, assignment): Arrival} of a download named by namer, each student with a page; by ROSTER row."""
    chosen = {}
    for row in ROSTER:
        if row[0] in students:
            path = namer(row, f"{ASSIGNMENT}.ipynb", late=row[0] == "s2")
            chosen[(row[0], ASSIGNMENT)] = lms_download._recognised(path, WHEN, b"{}")
            write_page(root, row[0])
    return chosen


def written_entries(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: (info, archive.read(info)) for info in archive.infolist()}


def read_back(path):
    """{student: their page's bytes} as the kit's download reader and roster matching read the zip."""
    found = {}
    for arrival in lms_download.read_download(path):
        entry, why = lms_download.match(arrival, KIT_ROSTER)
        assert entry is not None, why
        found[entry.id] = arrival.content
    return found


@pytest.mark.parametrize(
    "lms, namer", [("Canvas", canvas_name), ("Moodle", moodle_name), ("Moodle", moodle_flat)]
)
def test_each_entry_is_named_as_the_lms_names_it_and_reads_back_to_its_student_with_its_page(
    tmp_path, lms, namer
):
    chosen = class_of(tmp_path, namer)
    result = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "lms")
    path = tmp_path / "lms" / f"{lms.lower()}_{ASSIGNMENT}_feedback.zip"
    assert result.written == {path: 3}
    assert result.notes == []
    entries = written_entries(path)
    for (student, _), arrival in chosen.items():
        prefix = arrival.path[: -len(arrival.file)]
        name = prefix + f"{ASSIGNMENT}-feedback.html"
        info, content = entries[name]
        assert stat.S_ISREG(info.external_attr >> 16)
        assert content == page_of(student)
        if (
            lms == "Canvas"
        ):  # Canvas's rule: the first two all-digit parts are the user's id and their file's
            digits = [part for part in name.split("_") if part.isdigit()]
            assert digits[:2] == arrival.path.split("_LATE_")[-1].split("_")[-3:-1]
        else:  # Moodle's: the participant id is the part after the full name
            assert name.split("_")[:4] == [arrival.name, arrival.lms_id, "assignsubmission", "file"]
        assert lms_download.read_name(name)[:2] == (lms, arrival.lms_id)
    # the round trip: the kit's own reader gives each page to the student it was written for
    assert read_back(path) == {student: page_of(student) for student, _ in chosen}


def test_a_page_the_release_check_holds_back_is_in_no_file_and_is_noted(tmp_path):
    chosen = class_of(tmp_path, canvas_name)
    result = lms_feedback.write_feedback_archives(
        tmp_path, chosen, tmp_path / "lms", withheld={("s2", ASSIGNMENT)}
    )
    (path,) = result.written
    assert set(read_back(path)) == {"s1", "s3"}
    assert [n for n in result.notes if n.startswith(f"s2 {ASSIGNMENT}")] == [
        f"s2 {ASSIGNMENT}: feedback held back by the release check: left out"
    ]


def test_a_student_graded_from_the_course_folder_is_noted_not_named(tmp_path):
    chosen = class_of(tmp_path, moodle_name)
    write_page(tmp_path, "s9")  # graded with --course: no download names them
    result = lms_feedback.write_feedback_archives(
        tmp_path, chosen, tmp_path / "lms", assignments=[ASSIGNMENT]
    )
    (path,) = result.written
    assert set(read_back(path)) == {"s1", "s2", "s3"}
    assert len(result.notes) == 1 and result.notes[0].startswith(f"s9 {ASSIGNMENT}: graded from")
    # a course folder alone (no download at all): nothing is written, each student noted
    alone = lms_feedback.write_feedback_archives(
        tmp_path, {}, tmp_path / "alone", assignments=[ASSIGNMENT]
    )
    assert alone.written == {} and len(alone.notes) == 4
    assert not (tmp_path / "alone").exists()


@pytest.mark.parametrize("link", ["page", "folder"])
def test_a_feedback_page_or_folder_that_is_a_link_is_not_followed_and_is_noted(tmp_path, link):
    chosen = class_of(tmp_path, canvas_name)
    secret = tmp_path / "elsewhere" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(SECRET)
    page = tmp_path / "feedback" / "s2" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    if link == "page":
        page.unlink()
        page.symlink_to(secret)
    else:
        page.unlink()
        page.parent.rmdir()
        page.parent.symlink_to(secret.parent, target_is_directory=True)
    result = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "lms")
    (path,) = result.written
    pages = read_back(path)
    assert set(pages) == {"s1", "s3"}
    assert all(SECRET not in content for content in pages.values())
    (note,) = result.notes
    assert (
        note.startswith(f"s2 {ASSIGNMENT}:") and "symbolic link" in note and "not followed" in note
    )


def test_a_missing_page_is_noted(tmp_path):
    chosen = class_of(tmp_path, canvas_name)
    (tmp_path / "feedback" / "s3" / ASSIGNMENT / f"{ASSIGNMENT}.html").unlink()
    result = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "lms")
    assert set(read_back(*result.written)) == {"s1", "s2"}
    assert ["no feedback page" in note for note in result.notes] == [True]


def test_only_the_lms_a_submission_came_from_gets_a_file_of_it(tmp_path):
    chosen = class_of(tmp_path, canvas_name, ("s1",)) | class_of(tmp_path, moodle_name, ("s2",))
    result = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "lms")
    assert sorted(p.name for p in result.written) == [
        f"canvas_{ASSIGNMENT}_feedback.zip",
        f"moodle_{ASSIGNMENT}_feedback.zip",
    ]
    assert [read_back(p) for p in sorted(result.written)] == [
        {"s1": page_of("s1")},
        {"s2": page_of("s2")},
    ]
    assert len(result.summary()) == 2


@pytest.mark.parametrize(
    "path, why",
    [
        # a download's folders are dropped: only the LMS's own name goes into the zip
        ("../../wangwei_1001_71001_bp.ipynb", None),
        ("C:\\evil\\wangwei_1001_71001_bp.ipynb", "not a plain file name"),
        (".hidden_1001_assignsubmission_file_/bp.ipynb", "not a plain file name"),
    ],
)
def test_an_entry_name_is_a_plain_name_of_the_lms_scheme_or_refused(path, why):
    arrival = lms_download._recognised(path, WHEN, b"{}")
    if why is None:
        assert (
            lms_feedback.entry_name(arrival, ASSIGNMENT)
            == f"wangwei_1001_71001_{ASSIGNMENT}-feedback.html"
        )
    else:
        with pytest.raises(ValueError, match=why):
            lms_feedback.entry_name(arrival, ASSIGNMENT)


def test_blackboard_gets_a_grade_center_file_with_each_students_scores_and_page(tmp_path):
    chosen = class_of(tmp_path, blackboard_name, ("s1", "s2"))
    scores = {
        ("s1", ASSIGNMENT): Scored(38.5, 43.0, (("sigmoid", 1.0, 1.0), ("derive", None, 2.0))),
        ("s2", ASSIGNMENT): Scored(43.0, 43.0, (("sigmoid", 1.0, 1.0), ("derive", 2.0, 2.0))),
    }
    result = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "lms", scores=scores)
    path = tmp_path / "lms" / f"blackboard_{ASSIGNMENT}_feedback.csv"
    assert result.written == {path: 2}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        f'"Username","{ASSIGNMENT} [Total Pts: 43 Score]","Feedback to Learner","Feedback Format"'
    )
    rows = {row[0]: row for row in csv.reader(lines[1:])}
    # each Username is the one the kit's reader takes from that student's file in the download
    assert set(rows) == {lms_download.read_name(a.path)[1] for a in chosen.values()}
    # Blackboard's user names on the roster, as lms_grades's Blackboard file has them
    by_user_name = [
        RosterEntry(s, first, last, lms_user_id=(last + first).lower())
        for s, first, last, _ in ROSTER
    ]
    assert {u: lms_download.match(a, by_user_name)[0].id for (u, _), a in chosen.items()} == {
        "s1": "s1",
        "s2": "s2",
    }
    # a derivation awaits a person: no grade, and the text says what is graded so far
    assert rows["wangwei"][1:] == [
        "",
        f"{ASSIGNMENT}: 38.5 of the 41 points graded so far; 2 more await a grader. "
        "sigmoid 1 of 1; derive awaiting grading of 2. "
        f"Your feedback page is {ASSIGNMENT}.html, which your instructor sends you.",
        "SMART_TEXT",
    ]
    assert rows["lifang"][1] == "43"
    # without the scores no file is written, and each student is noted
    bare = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "bare")
    assert bare.written == {} and len(bare.notes) == 2


def test_gradebook_scores_are_the_totals_less_penalty_and_each_cells(db_url):  # noqa: F811
    scores = lms_feedback.gradebook_scores(db_url, [ASSIGNMENT_OF_GRADEBOOK])
    assert set(scores) == {(s, ASSIGNMENT_OF_GRADEBOOK) for s in GRADES}
    waiting = scores[("2026023", ASSIGNMENT_OF_GRADEBOOK)]
    assert ("derive_delta_theta", None, 2.0) in waiting.cells
    assert waiting.points == 5.0


ASSIGNMENT_OF_GRADEBOOK = "bp"
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


def test_a_written_zip_holds_regular_files_only(tmp_path):
    chosen = class_of(tmp_path, moodle_name)
    result = lms_feedback.write_feedback_archives(tmp_path, chosen, tmp_path / "lms")
    for info, _ in written_entries(*result.written).values():
        assert stat.S_ISREG(info.external_attr >> 16) and not info.is_dir()
        assert not os.path.isabs(info.filename) and ".." not in info.filename.split("/")
