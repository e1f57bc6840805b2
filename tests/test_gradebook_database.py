"""A new gradebook made by the kit (gradebook_database.create) is the one nbgrader makes."""

import sqlite3

from nbgrader.api import Gradebook

from autograder.integration.gradebook_database import create, holds_gradebook, sqlite_url


def schema(path):
    """The gradebook file's tables and indexes as written, and its alembic version."""
    with sqlite3.connect(path) as connection:
        made = sorted(connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return made, version


def test_a_gradebook_the_kit_makes_is_the_one_nbgrader_makes(tmp_path, new_gradebook):
    new_gradebook(tmp_path / "nbgraders.db")  # made by nbgrader's Gradebook, once a run
    url = sqlite_url(tmp_path / "kits.db")
    assert not holds_gradebook(url)
    create(url)
    assert holds_gradebook(url)
    assert schema(tmp_path / "kits.db") == schema(tmp_path / "nbgraders.db")
    with Gradebook(url, "course101") as book:  # nbgrader opens it as its own
        book.add_student("s01")
        assert [student.id for student in book.students] == ["s01"]
