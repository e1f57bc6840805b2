"""One hand-written wrong function per catalogued misconception, as a student would write it.

``MISTAKES[(item id, misconception id)]`` is the source of the student's function with
exactly that mistake (the misconception's ``student_source`` in the item's record,
``autograder.items``), calling the student's other functions through ``_ref.`` and NumPy as
``np``. The tests put it into an otherwise correct .py submission, where ``_ref`` is the
reference (``tests/submissions.with_functions``); the simulated class into a notebook, where
``_ref.`` is dropped and the notebook's own functions are called (``in_notebook``).
"""

from autograder.items import ITEMS

MISTAKES = {
    (item_id, m.id): m.student_source
    for item_id, record in ITEMS.items()
    for m in record.misconceptions
}


def in_notebook(source: str) -> str:
    """The mistake's source as a notebook cell: the student's own functions instead of ``_ref``'s."""
    return source.replace("_ref.", "").strip() + "\n"
