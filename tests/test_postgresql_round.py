"""The grading round on a PostgreSQL gradebook: a real server of the test's own, started in a temporary
folder and reached through its Unix socket; the small simulated class's bp graded into it with --jobs 2,
each shard writing into the one gradebook; the same round on sqlite (shards on copies, merged; the
suite's shared ``small_class_round_of_bp``) grades alike.

Skipped, saying why, only where PostgreSQL's server programs are not installed (Debian's postgresql
package, which `python3 tasks.py test` installs as root).
"""

import csv
import getpass
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook, MissingEntry
from notebooks import ROOT
from test_grading_round import ASSIGNMENT, NOT_GRADED, run_round

from autograder.grading.course import load_course
from autograder.integration import gradebook_provenance
from autograder.integration.gradebook_database import holds_gradebook, sqlite_url
from autograder.integration.nbgrader_course import nbgrader_environment
from simulated_class import students as simulated

COURSE = load_course()
SMALL_CLASS = simulated.make_class((ASSIGNMENT,), small=True)
CLASS = [s.id for s in SMALL_CLASS]
CSV_FILES = ("grades.csv", "grades_per_item.csv")


def server_programs():
    """The folder of PostgreSQL's initdb and pg_ctl (Debian keeps them out of PATH, per version), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    on_path = shutil.which("initdb")
    initdb = found[-1] if found else on_path and Path(on_path)
    return initdb.parent if initdb else None


class Server:
    """A PostgreSQL server in a folder of its own, listening only on a Unix socket in that folder."""

    def __init__(self, programs, folder):
        self.programs, self.folder = programs, folder
        # the server refuses to run as root: root runs it as nobody, who then owns the folder
        # (subprocess drops the privileges itself: runuser is not on every PATH)
        self.user = "nobody" if os.geteuid() == 0 else getpass.getuser()
        self.privileges = {}
        if os.geteuid() == 0:
            account = pwd.getpwnam(self.user)
            self.privileges = {
                "user": account.pw_uid,
                "group": account.pw_gid,
                "extra_groups": [],
            }
            shutil.chown(folder, self.user)

    def run(self, program, *arguments):
        command = [str(self.programs / program), *arguments]
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=self.folder, **self.privileges
        )
        assert result.returncode == 0, f"{program}: {result.stdout}{result.stderr}"

    def start(self):
        data = self.folder / "data"
        self.run("initdb", "-D", data, "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off"
        self.run(
            "pg_ctl", "-D", data, "-o", options, "-l", self.folder / "server.log", "-w", "start"
        )

    def stop(self):
        self.run("pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w", "stop")

    def database(self, name):
        """A new empty database's URL."""
        self.run("createdb", "-h", self.folder, "-U", self.user, name)
        return f"postgresql+psycopg://{self.user}@/{name}?host={self.folder}"


@pytest.fixture(scope="module")
def server():
    programs = server_programs()
    if programs is None:
        pytest.skip(
            "PostgreSQL's server programs (initdb, pg_ctl) are not installed: Debian's postgresql package, "
            "which python3 tasks.py test installs when it runs as root with apt-get"
        )
    # short: a Unix socket's path holds at most 107 bytes
    folder = Path(tempfile.mkdtemp(prefix="pg-"))
    server = Server(programs, folder)
    try:
        server.start()
        yield server
        server.stop()
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def rounds(server, tmp_path_factory, small_class_round_of_bp):
    """The small class's round of bp on PostgreSQL and on sqlite, both --jobs 2: {"postgresql"|"sqlite": (out, gradebook URL)}."""
    url = server.database("round")
    on_server = tmp_path_factory.mktemp("postgresql")
    run_round(on_server, "--jobs", "2", "--db", url)
    on_file, _ = small_class_round_of_bp
    return {
        "postgresql": (on_server, url),
        "sqlite": (on_file, sqlite_url(on_file / "course" / "gradebook.db")),
    }


def graded_cells(url):
    """{student: {graded cell: (score, auto_score, manual_score, needs_manual_grade)}}, None where the
    student has no submission of bp; and {student: (flagged, late penalty)}."""
    cells, notebooks = {}, {}
    with Gradebook(url) as book:
        for student in CLASS:
            try:
                notebook = book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            except MissingEntry:
                cells[student] = None
                continue
            cells[student] = {
                g.name: (g.score, g.auto_score, g.manual_score, g.needs_manual_grade)
                for g in notebook.grades
            }
            notebooks[student] = (notebook.flagged, notebook.late_submission_penalty)
    return cells, notebooks


def test_the_postgresql_gradebook_holds_the_sqlite_rounds_scores_per_student_and_item(rounds):
    on_server, on_file = graded_cells(rounds["postgresql"][1]), graded_cells(rounds["sqlite"][1])
    graded = [student for student, cells in on_file[0].items() if cells]
    # every student's bp but the few nbgrader never sees
    assert len(graded) == len([s for s in SMALL_CLASS if s.profile not in NOT_GRADED])
    assert on_server == on_file


def test_the_rounds_csvs_agree(rounds):
    for name in CSV_FILES:
        tables = []
        for out, _ in rounds.values():
            with open(out / name, newline="", encoding="utf-8") as file:
                tables.append(list(csv.DictReader(file)))
        assert tables[0] == tables[1], name
        assert len(tables[0]) >= len(CLASS)
    lms = [sorted(p.name for p in (out / "lms").iterdir()) for out, _ in rounds.values()]
    assert lms[0] == lms[1] and lms[0]
    for name in lms[0]:
        texts = [(out / "lms" / name).read_text(encoding="utf-8") for out, _ in rounds.values()]
        assert texts[0] == texts[1], name


def test_every_shard_wrote_into_the_one_postgresql_gradebook(rounds):
    out, url = rounds["postgresql"]
    logs = out / "course" / "logs"
    # two shards ran autograde at once, on the server's gradebook
    assert all((logs / f"autograde-{ASSIGNMENT}-{n}.log").is_file() for n in (0, 1))
    assert not (out / "course" / "shards").exists()
    assert not (out / "course" / "gradebook.db").exists()
    assert (rounds["sqlite"][0] / "course" / "shards").is_dir()  # sqlite's shards work on copies
    assert holds_gradebook(url)


def test_the_kits_provenance_table_works_on_postgresql(rounds):
    recorded = []
    for _, url in rounds.values():
        with Gradebook(url) as book:
            recorded.append(gradebook_provenance.recorded(book, ASSIGNMENT))
    assert recorded[0] == recorded[1]
    assert recorded[0]


@pytest.fixture(autouse=True)
def alembic_on_path(monkeypatch):
    """A new gradebook runs nbgrader's alembic, from the environment's bin folder."""
    monkeypatch.setenv("PATH", nbgrader_environment()["PATH"])


def test_the_grade_history_table_works_on_postgresql(server):
    url = server.database("history")
    with Gradebook(url) as book:
        gradebook_provenance.append_history(
            book, "bp", "s1", "sigmoid", 0.5, 1.0, "tolerance", None
        )
        gradebook_provenance.append_history(
            book, "bp", "s1", "forward", None, 2.0, "cases", {"a": 1}
        )
        book.db.commit()
    with Gradebook(url) as book:
        rows = gradebook_provenance.history(book, "bp")
    assert [(r["item"], r["old_score"], r["new_score"], r["old_provenance"]) for r in rows] == [
        ("sigmoid", 0.5, 1.0, None),
        ("forward", None, 2.0, {"a": 1}),
    ]


def test_the_simulated_class_refuses_a_database_that_holds_a_gradebook(server, tmp_path):
    url = server.database("kept")
    with Gradebook(url, COURSE.id) as book:  # an earlier term's, say
        book.add_student("s1")
    command = [sys.executable, "-m", "simulated_class", "--small", "--out", str(tmp_path / "again")]
    result = subprocess.run([*command, "--db", url], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "holds a gradebook already" in result.stderr and "dropdb and createdb" in result.stderr
    assert not (tmp_path / "again").exists()
    with Gradebook(url) as book:
        assert [s.id for s in book.students] == ["s1"]
