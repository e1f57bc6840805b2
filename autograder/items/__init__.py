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
1. The reference: the function in ``source_impl`` (its docstring cites the equation, gives the
   formula and every shape), its name in ``source_impl.__all__``, and its tests against an
   independent oracle (tests/test_perceptron.py, test_bp.py, test_chain_rule.py, test_training.py).
2. course.yaml: an item in its assignment's ``items``, after every graded function it calls: id,
   equation, function, points, groups (name, count, weight; the weights sum to 1); optionally
   tolerance, misconception_credit, hidden_only.
3. Its record: an ``ItemRecord`` in ``autograder/items/<assignment>.py``'s ``ITEMS``, in
   course.yaml's order: one generator per course.yaml group (the builders that several items
   use are in ``building.py``; an existing generator's draws are never reordered, since they
   are the students' cases), one to four public cases and the hint, each misconception with its
   variant and its student source, and the purity arguments.
4. The solution notebook ``solutions/<assignment>/<assignment>.ipynb``: the stub, a solution cell
   with grade id ``<item id>_code`` that defines the function, followed by the graded cell
   ``<item id>`` (the item's points; ``selfcheck.check("<function>", <function>)`` and, between
   the hidden-test markers, ``hidden_score("<item id>")``); then ``python3 tasks.py release``
   writes the student version and ``public_cases.json``.
5. Its tests: tests/test_item_records.py (every part of the record), tests/test_notebooks.py (the
   stub and the graded cell), test_cases.py, test_public_cases.py, test_misconceptions.py and
   test_grading_policy.py run on every record; a pair of its mistakes made together goes in
   test_grading_policy.py's ``BOTH`` (or ``EXCLUSIVE``); a closed form to keep out of what
   students get, in tests/closed_forms.py.
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
