"""One hand-written wrong function per catalogued misconception, as a student would write it.

``MISTAKES[(item id, misconception id)]`` is the source of the student's function with
exactly that mistake (the misconception's ``student_source`` in the item's record,
``autograder.items``), calling the student's other functions through ``_ref.`` and NumPy as
``np``. The tests put it into an otherwise correct .py submission, where ``_ref`` is the
reference (``tests/submissions.with_functions``); the simulated class into a notebook, where
``_ref.`` is dropped and the notebook's own functions are called (``in_notebook``).
"""

from collections.abc import Iterator, Mapping

from autograder.items import ITEMS

Mistake = tuple[str, str]  # (item id, misconception id)


class _Catalogued(Mapping[Mistake, str]):
    """The records' student sources, read from ``ITEMS`` at each look-up: a record added to
    ``ITEMS`` (a test's new item) is a catalogued mistake of the simulated class at once."""

    def __getitem__(self, key: Mistake) -> str:
        item_id, misconception_id = key
        for m in ITEMS[item_id].misconceptions:
            if m.id == misconception_id and m.student_source is not None:
                return m.student_source
        raise KeyError(key)

    def __iter__(self) -> Iterator[Mistake]:
        return (
            (item_id, m.id)
            for item_id, record in ITEMS.items()
            for m in record.misconceptions
            if m.student_source is not None
        )

    def __len__(self) -> int:
        return sum(1 for _ in self)


MISTAKES: Mapping[Mistake, str] = _Catalogued()


def in_notebook(source: str) -> str:
    """The mistake's source as a notebook cell: the student's own functions instead of ``_ref``'s."""
    return source.replace("_ref.", "").strip() + "\n"
