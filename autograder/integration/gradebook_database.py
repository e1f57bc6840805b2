"""Where nbgrader's gradebook lives: a database URL, an embedded sqlite file or a server's database.

nbgrader reaches its gradebook through SQLAlchemy, by URL (``CourseDirectory.db_url``), and so
does the kit. ``sqlite:///PATH`` is the default: a file beside the course, one writer at a time.
A server's database takes many writers at once, so parallel shards write into the one gradebook:
PostgreSQL's ``postgresql+psycopg://USER@HOST/DB`` (the password from PGPASSWORD or ~/.pgpass,
kept off command lines), or through a Unix socket ``postgresql+psycopg://USER@/DB?host=FOLDER``.

The repository's own course keeps its gradebook where nbgrader_config.py says: the database of
the environment variable NBGRADER_DB_URL if set, else of course.yaml's ``course.gradebook_url``,
else var/gradebook.db.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from autograder import ROOT

if TYPE_CHECKING:
    from autograder.grading.course import Course

ENVIRONMENT_VARIABLE = "NBGRADER_DB_URL"
# a table of nbgrader's that every gradebook it made has
NBGRADER_TABLE = "assignment"


class GradebookUrlError(ValueError):
    """A gradebook URL that cannot be used; the message says why."""


def sqlite_url(path: str | Path) -> str:
    """The URL of the sqlite gradebook file at path."""
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite URL (a Path), None for a server's database; GradebookUrlError for a sqlite
    URL without a file (an in-memory database, gone with the process that made it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise GradebookUrlError(
            f"{url!r} is an in-memory sqlite database, which no other process sees: give sqlite:///PATH"
        )
    return Path(parsed.database)


def takes_many_writers(url: str) -> bool:
    """Whether the gradebook at url takes writers at once: a server's database does, sqlite does not."""
    return sqlite_path(url) is None


def shown(url: str) -> str:
    """The URL as messages show it: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def checked(url: str) -> str:
    """url, if SQLAlchemy understands it and its database driver is installed; else GradebookUrlError."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise GradebookUrlError(
            f"{url!r} is not a database URL (sqlite:///PATH, postgresql+psycopg://USER@HOST/DATABASE)"
        ) from None
    sqlite_path(url)  # a sqlite gradebook is a file
    try:
        create_engine(parsed).dispose()  # imports the driver; connects to nothing
    except (ImportError, SQLAlchemyError) as error:
        raise GradebookUrlError(f"cannot use {shown(url)}: {error}") from None
    return url


def holds_gradebook(url: str) -> bool:
    """Whether a gradebook is there already: the sqlite file exists, or the server's database has nbgrader's tables."""
    path = sqlite_path(url)
    if path is not None:
        return path.is_file()
    engine = create_engine(url)
    try:
        return inspect(engine).has_table(NBGRADER_TABLE)
    except SQLAlchemyError as error:
        raise GradebookUrlError(f"cannot reach the gradebook at {shown(url)}: {error}") from None
    finally:
        engine.dispose()


def create(url: str) -> None:
    """Make a new gradebook at url (none is there yet), the one nbgrader would make.

    nbgrader's Gradebook makes a new gradebook's tables and records its schema's version, which it
    asks a subprocess of the ``alembic`` command for: 1.6 s of CPU, in each round's first command.
    Here the version is read from nbgrader's migrations in this process, in one transaction with
    the tables; nbgrader then finds a gradebook of its current version.
    """
    # here, not at the top: nbgrader_config.py imports this module into every nbgrader command
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR

    version = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # nbgrader's own statements (api.Gradebook), then its tables
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);")
            )
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:version)"),
                {"version": version},
            )
            Base.metadata.create_all(bind=connection)
    finally:
        engine.dispose()


def repository_url(course: "Course") -> str:
    """The gradebook URL of the repository's course (a grading.course.Course): NBGRADER_DB_URL's, course.yaml's,
    or var/gradebook.db's."""
    return (
        os.environ.get(ENVIRONMENT_VARIABLE)
        or course.gradebook_url
        or sqlite_url(ROOT / "var" / "gradebook.db")
    )
