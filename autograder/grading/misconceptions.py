"""The catalog of known wrong variants, per item: a view of the items' records (``autograder.items``).

Each ``Misconception`` is a function with the item's signature that makes exactly one
known mistake, a name and a hint, both in Chinese then English (the hint points at the mistake
without giving the answer). The grader names a misconception when the student's outputs
match its variant on every case (and not the reference's). A variant that raises on a
case matches a student whose function raised there too.

The variants also decide which hidden cases are scored: only those that tell every variant of
the item from the reference. A recognised misconception scores the larger of its passed share
(0, since it fails every scored case) and course.yaml's ``misconception_credit`` for it.
"""

from autograder.items import ITEMS, Misconception

# {item id: its misconceptions, in the order the grader tries them}
CATALOG = {item_id: record.misconceptions for item_id, record in ITEMS.items()}

# Not an item's variant: recognised on any item whose every answer is one of the public self-check's.
PUBLIC_ANSWERS = Misconception(
    "public_answers",
    "不论参数如何都返回公开自检的答案 / the public self-check answers returned whatever the arguments",
    "隐藏用例与公开用例不同：结果要由参数计算出来",
    "the hidden cases are not the public ones: compute the result from the arguments",
    None,
    None,
)

__all__ = ["CATALOG", "Misconception", "PUBLIC_ANSWERS"]
