"""The kit's tables in nbgrader's gradebook (a real sqlite gradebook made by nbgrader's Gradebook):
a submission's provenance is recorded once and read back, replaced grades are kept in order, a
shard's records are copied, and reading a gradebook without the tables writes nothing."""

import datetime
import hashlib
import warnings

import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder.integration import gradebook_provenance as store

DUE = datetime.datetime(2026, 11, 20, 22, 0)


@pytest.fixture
def gradebook(new_gradebook):
    """gradebook(folder): a gradebook at folder/gradebook.db with bp due at DUE and submissions of s1 and s2; its URL."""

    def make(folder, students=("s1", "s2")):
        url = new_gradebook(folder / "gradebook.db")
        with Gradebook(url) as book, warnings.catch_warnings():
            # nbgrader's add_submission makes SQLAlchemy warn of its own autoflush; the rows are right
            warnings.simplefilter("ignore", SAWarning)
            book.add_assignment("bp", duedate=DUE)
            for student in students:
                book.add_student(student)
                book.add_submission("bp", student, timestamp=DUE - datetime.timedelta(hours=1))
        return url

    return make


def test_a_provenance_recorded_twice_is_the_last_one(tmp_path, gradebook):
    url = gradebook(tmp_path)
    with Gradebook(url) as book:
        store.record(book, "bp", "s1", {"kit_version": "1"})
        store.record(book, "bp", "s1", {"kit_version": "2"})
        store.record(book, "bp", "s2", {"kit_version": "1"})
        book.db.commit()
    with Gradebook(url) as book:
        assert store.recorded(book, "bp") == {
            "s1": {"kit_version": "2"},
            "s2": {"kit_version": "1"},
        }
        assert store.recorded(book, "perceptron") == {}


def test_replaced_grades_are_kept_oldest_first_with_their_reason_and_provenance(
    tmp_path, gradebook
):
    url = gradebook(tmp_path)
    with Gradebook(url) as book:
        store.append_history(
            book, "bp", "s1", "delta_w", 1.0, 2.0, "tolerance", {"kit_version": "1"}
        )
        store.append_history(book, "bp", "s1", "delta_w", 2.0, 1.5, "points", None)
        book.db.commit()
    with Gradebook(url) as book:
        rows = store.history(book, "bp")
    assert [(r["item"], r["old_score"], r["new_score"], r["reason"]) for r in rows] == [
        ("delta_w", 1.0, 2.0, "tolerance"),
        ("delta_w", 2.0, 1.5, "points"),
    ]
    assert rows[0]["old_provenance"] == {"kit_version": "1"} and rows[1]["old_provenance"] is None
    assert rows[0]["replaced_at"] <= rows[1]["replaced_at"]


def test_reading_a_gradebook_without_the_tables_writes_nothing(tmp_path, gradebook):
    url = gradebook(tmp_path)
    before = hashlib.sha256((tmp_path / "gradebook.db").read_bytes()).hexdigest()
    with Gradebook(url) as book:
        assert store.recorded(book, "bp") == {} and store.history(book, "bp") == []
    assert hashlib.sha256((tmp_path / "gradebook.db").read_bytes()).hexdigest() == before


def test_a_shards_records_of_its_students_are_copied(tmp_path, gradebook):
    (tmp_path / "shard").mkdir()
    (tmp_path / "class").mkdir()
    shard, whole = gradebook(tmp_path / "shard"), gradebook(tmp_path / "class")
    with Gradebook(shard) as book:
        store.record(book, "bp", "s1", {"kit_version": "1"})
        store.record(book, "bp", "s2", {"kit_version": "1"})
        book.db.commit()
    with Gradebook(shard) as source, Gradebook(whole) as target:
        store.copy_records(source, target, "bp", {"s2"})
        target.db.commit()
    with Gradebook(whole) as book:
        assert store.recorded(book, "bp") == {"s2": {"kit_version": "1"}}


def test_the_deadline_is_the_gradebooks_due_date_extension_and_submission_time(tmp_path, gradebook):
    url = gradebook(tmp_path)
    with Gradebook(url) as book:
        book.find_submission("bp", "s1").extension = datetime.timedelta(days=2)
        book.db.commit()
        assert store.deadline(book, "bp", "s1") == {
            "duedate": DUE.isoformat(),
            "extension_seconds": 2 * 86400.0,
            "submitted_at": (DUE - datetime.timedelta(hours=1)).isoformat(),
        }
        assert store.deadline(book, "bp", "s2")["extension_seconds"] is None
