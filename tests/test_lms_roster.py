"""Class lists as each LMS exports them (tests/fixtures/lms_roster/, written from each LMS's documentation,
see autograder/rounds/lms_roster.py): recognised by their header, each student's id, name and LMS ids
read the LMS's way, the rows that are no student left out with a note, and each assignment's column found."""

from pathlib import Path

import pytest

from autograder.exports import lms_grades
from autograder.grading.course import load_course
from autograder.rounds import lms_download, lms_roster
from autograder.rounds.lms_download import DownloadError, RosterEntry

FIXTURES = Path(__file__).parent / "fixtures" / "lms_roster"
ASSIGNMENTS = [(a.id, a.title) for a in load_course().assignments]


def read(name):
    return lms_roster.read_class_list(FIXTURES / name)


def test_canvas_s_gradebook_export_gives_sis_ids_canvas_ids_and_last_first_names_without_its_test_student():
    class_list = read("canvas_gradebook.csv")
    assert (FIXTURES / "canvas_gradebook.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert class_list.lms == "canvas"
    assert class_list.entries == [
        RosterEntry("2026001", "Wei", "Wang", "wangwei@example.edu", "1001"),
        RosterEntry("2026002", "Fang", "Li", "lifang@example.edu", "1002"),
        RosterEntry("2026003", "José", "Núñez García", "jose.nunez@example.edu", "1003"),
        # no SIS User ID: the SIS Login ID is the id
        RosterEntry("zhaomin@example.edu", "Min", "Zhao", "zhaomin@example.edu", "1004"),
        # a SIS Login ID that is no address is no email
        RosterEntry("2026005", "Lei", "Chen", "", "1005"),
    ]
    notes = "\n".join(class_list.notes)
    assert len(class_list.notes) == 3
    assert "line 2: Canvas's Points Possible row: left out" in notes
    assert "line 3: Canvas's row of posting policies" in notes
    assert "line 9: Canvas's Test Student ('Student, Test', ID 1099), no student: left out" in notes
    columns = lms_roster.grade_columns(class_list, ASSIGNMENTS)
    assert columns == {"perceptron": "Perceptron (118801)", "bp": "BP (118802)"}


def test_moodle_s_participants_export_gives_id_numbers_or_emails_and_leaves_out_teachers():
    class_list = read("moodle_participants.csv")
    assert class_list.lms == "moodle"
    assert [(e.id, e.first_name, e.last_name, e.email, e.lms_user_id) for e in class_list.entries][
        :3
    ] == [
        ("2026001", "Wei", "Wang", "wangwei@example.edu", ""),
        ("2026002", "Fang", "Li", "lifang@example.edu", ""),
        ("jose.nunez@example.edu", "José", "Núñez García", "jose.nunez@example.edu", ""),
    ]
    assert len(class_list.entries) == 5
    assert class_list.notes == ["line 7: Ada Lovelace, a Teacher, no student: left out"]
    assert class_list.grade_columns == ()
    assert lms_roster.grade_columns(class_list, ASSIGNMENTS) == {}


def test_moodle_s_grades_export_gives_the_students_and_each_assignment_s_real_grade_column():
    class_list = read("moodle_grades.csv")
    assert class_list.lms == "moodle" and class_list.notes == []
    assert [e.id for e in class_list.entries] == [
        "2026001",
        "2026002",
        "jose.nunez@example.edu",
        "2026004",
        "2026005",
    ]
    assert class_list.entries[2].last_name == "Núñez García"
    assert lms_roster.grade_columns(class_list, ASSIGNMENTS) == {
        "perceptron": "Assignment: Perceptron (Real)",
        "bp": "Assignment: BP (Real)",
    }


@pytest.mark.parametrize("name", ["blackboard_grade_center.xls", "blackboard_grade_center.csv"])
def test_blackboard_s_download_in_utf_16_tabs_or_utf_8_commas_gives_student_ids_and_usernames(name):
    class_list = read(name)
    assert class_list.lms == "blackboard"
    assert class_list.entries[:3] == [
        RosterEntry("2026001", "Wei", "Wang", "", "wangwei"),
        RosterEntry("2026002", "Fang", "Li", "", "lifang"),
        # no Student ID: the Username is the id
        RosterEntry("jnunez", "José", "Núñez García", "", "jnunez"),
    ]
    # the column keeps Blackboard's column id, so that an upload updates that column
    assert lms_roster.grade_columns(class_list, ASSIGNMENTS) == {
        "perceptron": "Perceptron [Total Pts: 35 Score] |118801",
        "bp": "BP [Total Pts: 43 Score] |118802",
    }


def test_blackboard_s_student_preview_user_is_left_out_with_a_note():
    assert (FIXTURES / "blackboard_grade_center.xls").read_bytes().startswith(b"\xff\xfe")
    class_list = read("blackboard_grade_center.xls")
    assert len(class_list.entries) == 5
    assert class_list.notes == [
        "line 7: Blackboard's Student Preview user 'ml5_previewuser', no student: left out"
    ]


def test_the_kit_s_own_roster_is_read_as_before(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "id,first_name,last_name,email,lms_user_id\ns1,Wei,Wang,w@example.edu,1001\ns2,Fang,Li,,\n",
        encoding="utf-8",
    )
    class_list = lms_roster.read_class_list(path)
    assert class_list == lms_roster.ClassList(
        None,
        [
            RosterEntry("s1", "Wei", "Wang", "w@example.edu", "1001"),
            RosterEntry("s2", "Fang", "Li"),
        ],
    )
    assert lms_download.read_roster(path) == class_list.entries
    assert lms_roster.grade_columns(class_list, ASSIGNMENTS) == {}


def test_a_normalised_roster_is_the_kit_s_own_and_reads_back_the_same(tmp_path):
    entries = read("canvas_gradebook.csv").entries
    written = lms_roster.write_kit_roster(entries, tmp_path / "round" / "roster.csv")
    assert written.read_text(encoding="utf-8").splitlines()[0] == ",".join(
        lms_download.ROSTER_COLUMNS
    )
    assert lms_download.read_roster(written) == entries


def test_a_student_without_any_usable_id_is_refused_naming_the_file_the_line_and_the_lms(tmp_path):
    path = tmp_path / "grades.csv"
    text = (FIXTURES / "moodle_grades.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("jose.nunez@example.edu", ""), encoding="utf-8")
    with pytest.raises(DownloadError) as raised:
        lms_roster.read_class_list(path)
    assert str(raised.value) == (
        f"the roster {path} (Moodle's export), line 4: 'José Núñez García' has no id "
        "(its ID number and Email address are both empty)"
    )


def test_an_id_that_cannot_name_a_folder_is_refused_with_its_line(tmp_path):
    path = tmp_path / "gradebook.csv"
    text = (FIXTURES / "canvas_gradebook.csv").read_text(encoding="utf-8-sig")
    path.write_text(text.replace("2026002", "../2026002"), encoding="utf-8")
    with pytest.raises(DownloadError, match=r"\(Canvas's gradebook export\), line 5: the id '../"):
        lms_roster.read_class_list(path)


def test_a_file_that_is_no_roster_says_which_headers_are_read(tmp_path):
    path = tmp_path / "class.csv"
    path.write_text("Name,Mail\nWei Wang,w@example.edu\n", encoding="utf-8")
    with pytest.raises(DownloadError, match="has no 'id' column.*Canvas's gradebook export"):
        lms_roster.read_class_list(path)


def test_two_columns_that_may_be_the_assignment_s_are_named_and_column_is_asked_for(tmp_path):
    path = tmp_path / "gradebook.csv"
    text = (FIXTURES / "canvas_gradebook.csv").read_text(encoding="utf-8-sig")
    path.write_text(text.replace("Perceptron (118801)", "bp (118803)"), encoding="utf-8")
    class_list = lms_roster.read_class_list(path)
    with pytest.raises(DownloadError) as raised:
        lms_roster.grade_columns(class_list, ASSIGNMENTS)
    assert "'bp (118803)', 'BP (118802)'" in str(raised.value)
    assert "--column bp=NAME" in str(raised.value)
    # the instructor's choice settles it
    chosen = lms_roster.grade_columns(class_list, ASSIGNMENTS, {"bp": "BP (118802)"})
    assert chosen == {"bp": "BP (118802)"}


def test_a_column_named_by_the_assignment_s_title_is_its_column():
    class_list = lms_roster.ClassList(
        "blackboard",
        [],
        ("Back-propagation [Total Pts: 43 Score] |7", "Quiz [Total Pts: 5 Score] |8"),
    )
    assert lms_roster.grade_columns(class_list, ASSIGNMENTS) == {
        "bp": "Back-propagation [Total Pts: 43 Score] |7"
    }


@pytest.mark.parametrize(
    "name, lms",
    [
        ("canvas_gradebook.csv", "canvas"),
        ("moodle_grades.csv", "moodle"),
        ("blackboard_grade_center.xls", "blackboard"),
    ],
)
def test_the_lms_file_of_grades_uses_the_export_s_own_column(name, lms):
    class_list = read(name)
    column = lms_roster.grade_columns(class_list, ASSIGNMENTS)["bp"]
    grades = lms_grades.AssignmentGrades("bp", {"2026001": 40.0}, 43.0, ())
    header, *rows = lms_grades.rows(grades, class_list.entries, lms, column)
    assert header[-1] == column
    assert rows[-len(class_list.entries)][-1] == "40"
