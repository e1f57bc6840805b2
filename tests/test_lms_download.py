"""An LMS download sorted: each LMS's names read, every file matched to the roster or noted, the latest upload kept."""

import os
import shutil
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from lms_downloads import (
    ASSIGNMENT,
    OTHER,
    canvas_download,
    moodle_download,
    notebook,
    write_roster,
    write_zip,
)

from autograder.grading.course import load_course
from autograder.integration.nbgrader_course import SUBMITTED, CourseFolder
from autograder.rounds import grading_round, lms_download
from autograder.rounds.lms_download import Arrival, DownloadError, RosterEntry

GRADED_CELLS = {a.id: {item.id for item in a.items} for a in load_course().assignments}
# What becomes of each file of tests/lms_downloads.py, by the student and the file name the student gave it.
EXPECTED_NOTES = {
    ("s2", f"{ASSIGNMENT}-1.ipynb"): f"named '{ASSIGNMENT}-1.ipynb': taken as {ASSIGNMENT}.ipynb",
    (
        "s3",
        f"{ASSIGNMENT} (1).ipynb",
    ): f"named '{ASSIGNMENT} (1).ipynb': taken as {ASSIGNMENT}.ipynb",
    ("s4", f"{ASSIGNMENT}.py"): "not a notebook (.py): not graded",
    ("s4", f"{ASSIGNMENT}.zip"): "an archive inside the download: not opened",
    ("s5", f"{ASSIGNMENT}.ipynb"): "an empty file: not graded",
    ("", f"{ASSIGNMENT}.ipynb"): "is not on the roster: not graded",
    ("s7", f"{OTHER}.ipynb"): f"a notebook of {OTHER}, which this round does not grade",
    ("s2", f"{ASSIGNMENT}.ipynb"): "the latest is graded",
}


def arrival(path, content=b"x", time=datetime(2026, 11, 20, tzinfo=UTC)):
    return lms_download._recognised(path, time, content)


@pytest.mark.parametrize(
    "path, lms, lms_id, name, file",
    [
        ("wangwei_1001_71001_bp.ipynb", "Canvas", "1001", "wangwei", "bp.ipynb"),
        (
            "submissions/wangwei_LATE_1001_71001_bp-1.ipynb",
            "Canvas",
            "1001",
            "wangwei",
            "bp-1.ipynb",
        ),
        ("Wei Wang_4021_assignsubmission_file_/bp.ipynb", "Moodle", "4021", "Wei Wang", "bp.ipynb"),
        (
            "Wei Wang_4021_assignsubmission_file_bp (1).ipynb",
            "Moodle",
            "4021",
            "Wei Wang",
            "bp (1).ipynb",
        ),
        (
            "Wei Wang_4021_assignsubmission_onlinetext_/onlinetext.html",
            "Moodle",
            "4021",
            "Wei Wang",
            "onlinetext.html",
        ),
        (
            "Homework_5 BP_wangwei_attempt_2026-11-20-10-30-05_bp.ipynb",
            "Blackboard",
            "wangwei",
            "",
            "bp.ipynb",
        ),
        ("bp (1).ipynb", None, "", "", "bp (1).ipynb"),
    ],
)
def test_each_lms_names_the_student_and_the_file_its_own_way(path, lms, lms_id, name, file):
    found = arrival(path)
    assert (found.lms, found.lms_id, found.name, found.file) == (lms, lms_id, name, file)


def test_blackboard_names_the_time_the_others_leave_it_to_the_archive():
    archive_time = datetime(2026, 11, 1, tzinfo=UTC)
    assert arrival(
        "bp_wangwei_attempt_2026-11-20-10-30-05_bp.ipynb", time=archive_time
    ).time == datetime(2026, 11, 20, 10, 30, 5, tzinfo=UTC)
    assert arrival("wangwei_1001_71001_bp.ipynb", time=archive_time).time == archive_time


ROSTER = [
    RosterEntry("s1", "Wei", "Wang", "wei.wang@example.edu", "1001"),
    RosterEntry("2026017", "Fang", "Li", "lifang@example.edu"),
    RosterEntry("s3", "Wei", "Wang", "ww2@example.edu"),
]


@pytest.mark.parametrize(
    "path, student",
    [
        ("wangwei_1001_71001_bp.ipynb", "s1"),  # lms_user_id
        ("lifang_2026017_71002_bp.ipynb", "2026017"),  # the roster's id
        ("bp_lifang_attempt_2026-11-20-10-30-05_bp.ipynb", "2026017"),  # the email's user name
        ("Fang Li_4002_assignsubmission_file_/bp.ipynb", "2026017"),  # the name, first then last
        ("lifang_9999_71002_bp.ipynb", "2026017"),  # the name, last then first
    ],
)
def test_a_file_is_matched_to_the_roster_by_id_else_by_name(path, student):
    entry, problem = lms_download.match(arrival(path), ROSTER)
    assert (entry.id, problem) == (student, None)


def test_two_students_of_one_name_are_not_guessed_between():
    entry, problem = lms_download.match(
        arrival("Wei Wang_4021_assignsubmission_file_/bp.ipynb"), ROSTER
    )
    assert entry is None
    assert "matches several roster rows (s1, s3)" in problem and "lms_user_id" in problem


@pytest.mark.parametrize("make", [canvas_download, moodle_download], ids=["canvas", "moodle"])
def test_every_file_of_a_download_is_graded_or_noted_with_what_became_of_it(tmp_path, make):
    arrivals = lms_download.read_download(make(tmp_path))
    sorting = lms_download.sort(
        arrivals,
        lms_download.read_roster(write_roster(tmp_path / "roster.csv")),
        GRADED_CELLS,
        [ASSIGNMENT],
    )
    assert {key: a.file for key, a in sorting.chosen.items()} == {
        ("s1", ASSIGNMENT): f"{ASSIGNMENT}.ipynb",
        ("s2", ASSIGNMENT): f"{ASSIGNMENT}-1.ipynb",
        ("s3", ASSIGNMENT): f"{ASSIGNMENT} (1).ipynb",
    }
    by_file = {a.path: a.file for a in arrivals}
    noted = {(note.student, by_file[note.path]): note.what for note in sorting.notes}
    assert noted.keys() == EXPECTED_NOTES.keys()
    for key, what in EXPECTED_NOTES.items():
        assert what in noted[key], key
    graded_or_noted = {a.path for a in sorting.chosen.values()} | {
        note.path for note in sorting.notes
    }
    assert graded_or_noted == {a.path for a in arrivals}  # none dropped silently


def test_an_unpacked_download_is_sorted_as_its_zip(tmp_path):
    download = canvas_download(tmp_path)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(download) as archive:
        archive.extractall(folder)
        for info in archive.infolist():  # the times an unzip tool keeps
            stamp = datetime(*info.date_time, tzinfo=UTC).timestamp()
            os.utime(folder / info.filename, (stamp, stamp))
    roster = lms_download.read_roster(write_roster(tmp_path / "roster.csv"))

    def sorted_(path):
        sorting = lms_download.sort(
            lms_download.read_download(path), roster, GRADED_CELLS, [ASSIGNMENT]
        )
        return {key: (a.path, a.content) for key, a in sorting.chosen.items()}, sorted(
            (n.path, n.what) for n in sorting.notes
        )

    assert sorted_(folder) == sorted_(download)


def test_the_later_upload_wins_whichever_comes_first_in_the_archive():
    early, late = (
        datetime(2026, 11, 19, tzinfo=UTC),
        datetime(2026, 11, 20, tzinfo=UTC),
    )
    uploads = [
        arrival("lifang_1002_1_bp-1.ipynb", notebook(OTHER), late),
        arrival("lifang_1002_2_bp.ipynb", notebook(OTHER, "unfinished"), early),
    ]
    roster = [RosterEntry("s2", "Fang", "Li", lms_user_id="1002")]
    for order in (uploads, uploads[::-1]):
        assert (
            lms_download.sort(order, roster, GRADED_CELLS, [OTHER]).chosen[("s2", OTHER)].path
            == "lifang_1002_1_bp-1.ipynb"
        )


def test_a_later_file_that_only_bears_the_notebooks_name_does_not_displace_the_notebook():
    real = arrival("lifang_1002_1_bp.ipynb", notebook(OTHER), datetime(2026, 11, 19, tzinfo=UTC))
    junk = arrival("lifang_1002_2_bp.ipynb", b"junk", datetime(2026, 11, 20, tzinfo=UTC))
    roster = [RosterEntry("s2", "Fang", "Li", lms_user_id="1002")]
    for order in ([real, junk], [junk, real]):
        sorting = lms_download.sort(order, roster, GRADED_CELLS, [OTHER])
        assert sorting.chosen[("s2", OTHER)] is real
        assert [(n.path, n.what) for n in sorting.notes] == [
            (
                junk.path,
                f"later than {real.path} but holds none of the assignment's graded cells: {real.path} is graded",
            )
        ]


def test_a_notebook_is_of_the_assignment_whose_graded_cells_it_holds_whatever_its_name():
    misnamed = arrival("lifang_1002_1_bp.ipynb", notebook(ASSIGNMENT))
    assert lms_download.assignment_of(misnamed, GRADED_CELLS) == (ASSIGNMENT, OTHER)
    sorting = lms_download.sort(
        [misnamed], [RosterEntry("s2", "Fang", "Li")], GRADED_CELLS, [ASSIGNMENT, OTHER]
    )
    assert list(sorting.chosen) == [("s2", ASSIGNMENT)]
    assert [note.what for note in sorting.notes] == [
        f"holds the {ASSIGNMENT} notebook under the name 'bp.ipynb': graded as {ASSIGNMENT}"
    ]


def test_an_unreadable_notebook_is_placed_by_its_name_for_nbgrader_s_check_to_report():
    cut_short = arrival("lifang_1002_1_bp.ipynb", notebook(OTHER)[:500])
    assert lms_download.assignment_of(cut_short, GRADED_CELLS) == (OTHER, OTHER)
    nameless = arrival("lifang_1002_1_homework.ipynb", notebook(OTHER)[:500])
    sorting = lms_download.sort(
        [nameless], [RosterEntry("s2", "Fang", "Li")], GRADED_CELLS, [OTHER]
    )
    assert sorting.chosen == {} and "holds none of the graded cells" in sorting.notes[0].what


def test_a_notebook_is_written_where_nbgrader_s_collect_would_and_left_alone_when_unchanged(
    tmp_path,
):
    course = CourseFolder(tmp_path)
    released = tmp_path / "assignments" / OTHER
    shutil.copytree(lms_download.Path(__file__).parent.parent / "assignments" / OTHER, released)
    first = Arrival("a", datetime(2026, 11, 20, 10, tzinfo=UTC), notebook(OTHER))
    assert lms_download.place(course, {("s1", OTHER): first}) == {("s1", OTHER): "new"}
    folder = tmp_path / SUBMITTED / "s1" / OTHER
    assert (folder / f"{OTHER}.ipynb").read_bytes() == first.content
    assert (folder / "timestamp.txt").read_text() == "2026-11-20 10:00:00.000000 UTC"
    # the companion files too
    assert {p.name for p in released.iterdir() if p.is_file()} <= {p.name for p in folder.iterdir()}
    written = (folder / f"{OTHER}.ipynb").stat().st_mtime_ns
    assert lms_download.place(course, {("s1", OTHER): first}) == {("s1", OTHER): "unchanged"}
    assert (folder / f"{OTHER}.ipynb").stat().st_mtime_ns == written
    later = Arrival("b", datetime(2026, 11, 21, tzinfo=UTC), notebook(OTHER, "unfinished"))
    assert lms_download.place(course, {("s1", OTHER): later}) == {("s1", OTHER): "changed"}
    assert (folder / f"{OTHER}.ipynb").read_bytes() == later.content


@pytest.mark.parametrize(
    "text, problem",
    [
        ("name,email\nWei,w@example.edu\n", "has no 'id' column"),
        ("id,first_name\ns1,Wei\ns1,Fang\n", "line 3: the id 's1' is there twice"),
        # an extra value without a column is ignored, as nbgrader's import does
        (
            "id\ns1,s2\n",
            None,
        ),
        ('id\n"s1,s2"\n', "line 2: the id 's1,s2' cannot name a folder"),
        ("id\n../s1\n", "cannot name a folder"),
        (
            "\ufeffid,first_name,last_name,email,lms_user_id,section\ns1,Wei,Wang,w@example.edu,1001,A\n",
            None,
        ),
    ],
)
def test_a_roster_nbgrader_could_not_use_is_refused_with_the_line_that_says_why(
    tmp_path, text, problem
):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    if problem is None:
        assert lms_download.read_roster(path)[0].id == "s1"
        return
    with pytest.raises(DownloadError, match="roster") as raised:
        lms_download.read_roster(path)
    assert problem in str(raised.value)


def test_a_download_that_is_neither_a_zip_nor_a_folder_is_refused_by_name(tmp_path):
    path = tmp_path / "submissions.rar"
    path.write_bytes(b"Rar!")
    with pytest.raises(DownloadError, match="submissions.rar is neither a folder nor a zip file"):
        lms_download.read_download(path)


def test_one_senders_ten_thousand_files_are_five_lines_and_one_with_the_count():
    junk = [
        arrival(f"lifang_1002_{n}_junk{n}.txt", b"x", datetime(2026, 11, 20, tzinfo=UTC))
        for n in range(10_000)
    ]
    real = arrival("wangwei_1001_1_bp.ipynb", notebook(OTHER))
    roster = [
        RosterEntry("s2", "Fang", "Li", lms_user_id="1002"),
        RosterEntry("s1", lms_user_id="1001"),
    ]
    sorting = lms_download.sort(junk + [real], roster, GRADED_CELLS, [OTHER])
    assert len(sorting.notes) == len(junk) and ("s1", OTHER) in sorting.chosen
    shown = lms_download.summarised(sorting.notes)
    assert len(shown) == lms_download.SHOWN_PER_SENDER + 1
    assert (
        shown[-1].what
        == f"{len(junk) - lms_download.SHOWN_PER_SENDER} more files of s2, none graded"
    )


def test_ids_that_look_like_another_or_mix_scripts_are_warned_about_by_name(tmp_path):
    path = tmp_path / "roster.csv"
    # a Cyrillic а in the second, a full-width digit in the fourth
    path.write_text("id\nsa\nsа\ns1\ns１\nwang.wei\n", encoding="utf-8")
    warnings = lms_download.roster_warnings(lms_download.read_roster(path))
    assert warnings == [
        "the id 'sа' mixes CYRILLIC and LATIN letters",
        "the id 'sа' looks like 'sa', another student's",
        "the id 's１' is 's1' written in full-width or other compatibility characters",
        "the id 's１' looks like 's1', another student's",
    ]


def test_canvas_marks_a_late_file_and_the_others_mark_none():
    assert arrival("submissions/wangwei_LATE_1001_71001_bp-1.ipynb").late
    assert not arrival("wangwei_1001_71001_bp.ipynb").late
    assert not arrival("Wei Wang_4021_assignsubmission_file_/bp.ipynb").late


def test_a_zips_entry_times_and_blackboards_names_are_read_in_the_zone_given(tmp_path):
    entries = [
        ("wangwei_1001_71001_bp.ipynb", datetime(2026, 11, 20, 23, 30), b"x"),
        ("bp_wangwei_attempt_2026-11-20-23-30-00_bp.ipynb", datetime(2026, 11, 1), b"x"),
    ]
    download = write_zip(tmp_path / "download.zip", entries)
    shanghai = ZoneInfo("Asia/Shanghai")
    for zone in (UTC, shanghai):
        times = [a.time for a in lms_download.read_download(download, zone=zone)]
        assert times == [datetime(2026, 11, 20, 23, 30, tzinfo=zone)] * 2
    # the same wall-clock time is 8 hours earlier in Shanghai than in UTC
    assert lms_download.when(datetime(2026, 11, 20, 23, 30, tzinfo=shanghai)) == (
        "2026-11-20 23:30 CST"
    )


def test_files_the_lms_marked_late_of_an_assignment_without_a_due_date_are_named_before_grading(
    capsys,
):
    late = arrival("wangwei_LATE_1001_71001_bp.ipynb")
    on_time = arrival("lifang_1002_71002_bp.ipynb")
    chosen = {("s1", "bp"): late, ("s2", "bp"): on_time}
    notes = grading_round.late_without_due(chosen, {"bp": None})
    assert [(note.path, note.student) for note in notes] == [(late.path, "s1")]
    assert "no due date in course.yaml: graded without a late penalty" in notes[0].what
    warning = capsys.readouterr().out
    assert "bp has no due date, so 1 submissions the LMS marked late" in warning
    assert ": s1." in warning and "set the assignment's due in course.yaml" in warning
    due = datetime(2026, 11, 20, 15, 59, tzinfo=UTC)
    assert grading_round.late_without_due(chosen, {"bp": due}) == []
