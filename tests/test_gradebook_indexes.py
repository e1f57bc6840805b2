"""The kit's indexes of nbgrader's gradebook: the score nbgrader computes per submission finds its
grades through them, not by reading the whole grade table (a real sqlite gradebook made by nbgrader)."""

from nbgrader.api import Gradebook, SubmittedAssignment
from sqlalchemy import select, text

# gradebook: a fixture, used by being named (so ruff's F811 on the tests that take it)
from test_gradebook_provenance import gradebook  # noqa: F401

from autograder.integration import gradebook_provenance


def score_plan(book):
    """SQLite's plan for nbgrader's score of one submission (SubmittedAssignment.score), as text."""
    query = select(SubmittedAssignment.score).where(SubmittedAssignment.id == "x")
    sql = str(query.compile(book.db.get_bind(), compile_kwargs={"literal_binds": True}))
    rows = book.db.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
    return "\n".join(row[-1] for row in rows)


def test_nbgraders_score_of_a_submission_reads_its_own_grades_through_the_kits_indexes(
    tmp_path,
    gradebook,  # noqa: F811
):
    url = gradebook(tmp_path)
    with Gradebook(url) as book:
        before = score_plan(book)
        gradebook_provenance.create_tables(book)
        book.db.commit()
        after = score_plan(book)
        scores = sorted(s.score for s in book.assignment_submissions("bp"))
    # before: every grade of the class, read once per submission
    assert "SCAN grade" in before.replace("SCAN grade_", "")
    assert "autograder_grade_by_notebook_id" in after
    assert "autograder_submitted_notebook_by_assignment_id" in after
    assert "SCAN grade\n" not in after + "\n"
    assert scores == [0.0, 0.0]


def test_making_them_again_changes_nothing(tmp_path, gradebook):  # noqa: F811
    url = gradebook(tmp_path)
    for _ in range(2):
        with Gradebook(url) as book:
            gradebook_provenance.create_tables(book)
            book.db.commit()
    with Gradebook(url) as book:
        names = {
            row[0]
            for row in book.db.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'autograder%'"
                )
            )
        }
    assert names == {
        "autograder_grade_by_notebook_id",
        "autograder_comment_by_notebook_id",
        "autograder_submitted_notebook_by_assignment_id",
    }
