"""The graded items: one record per course.yaml item, one module per assignment.

``ITEMS[item_id]`` is the item's ``ItemRecord``: its hidden case generators per group, its public
self-check cases with their hint, its catalogued misconceptions (each with its wrong variant and
the student's source of that mistake) and its purity-test arguments. course.yaml holds the rest:
the item's equation, function, points, groups, weights, tolerance, misconception credit and
hidden-only mistakes. ``load_course()`` refuses a course.yaml whose items and records do not
match: an item without a record, a record without an item, a group its record does not
generate or a group of the record the item lacks. ``autograder.grading.misconceptions.CATALOG`` and
``simulated_class.mistakes.MISTAKES`` are views of these records. tests/test_item_records.py fails when a part is missing.

How to add a graded function
----------------------------
Five hand-written files: the reference, its test, course.yaml, the record and the solution
notebook; no test's constants (docs/developers.md, "How to add a graded function", says more):

1. The reference in a ``source_impl`` module (docstring: equation, formula, every shape), its name
   in that module's ``__all__`` (``source_impl.__all__`` is made of the modules'), and its test
   against an independent oracle (tests/test_<module>.py).
2. course.yaml: the item in its assignment's ``items``, after every graded function it calls:
   id, equation, function, points, groups (name, count, weight; weights sum to 1); optionally
   tolerance, misconception_credit, hidden_only.
3. Its ``ItemRecord`` in ``<assignment>.py``'s ``ITEMS``, in course.yaml's order: a generator per
   group (never reorder an existing generator's draws), one to four public cases and the hint,
   each misconception (variant and student source), the purity arguments, and for two
   misconceptions or more ``mistake_pairs``: each pair ``(a.id, b.id)`` in record order maps to a
   function making both or a str saying why no student can (tests/test_grading_policy.py).
   Every misconception fails a public case unless course.yaml's ``hidden_only`` lists it; only
   hidden cases on which every misconception differs from the reference are scored, and a group
   without one drops out.
4. The solution notebook: the derivation's prose by hand, then
   ``python -m autograder.integration.item_cells <item id>`` writes the solution cell and the
   graded cell (nbgrader metadata, course.yaml's points; again after a change of points); then
   ``python3 tasks.py release``.

Ids in British spelling (``regularised_error``), the book's quantity, unique in the course.
tests/test_item_records.py, test_notebooks.py, test_item_cells.py, test_cases.py,
test_public_cases.py, test_misconceptions.py and test_grading_policy.py run on every record.
"""

from . import bp, perceptron
from .record import ItemRecord, Misconception

ITEMS = {record.id: record for assignment in (perceptron, bp) for record in assignment.ITEMS}
# {item id: the file of its record}, for course.yaml's messages (autograder.grading.course)
RECORD_FILES = {
    record.id: f"autograder/items/{assignment.__name__.rpartition('.')[2]}.py"
    for assignment in (perceptron, bp)
    for record in assignment.ITEMS
}

__all__ = ["ITEMS", "RECORD_FILES", "ItemRecord", "Misconception"]
