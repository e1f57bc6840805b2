"""The feedback check's search for other students' ids: one pass over the page, whatever the class's
size, finding exactly what searching for each id on its own would."""

import itertools
import random
import re

from autograder.integration.feedback_check import _ids_in, leaks

IDS = ["s01", "s010", "s1", "li.wei", "wang@example.edu", "2026-017", "Zhang San"]
PIECES = [
    "s01", "s010", "s1", "li.wei", "wang@example.edu", "2026-017", "Zhang San",
    " ", ".", ",", "@", "-", "x", "_", "(", ")", "\n", ". ", "e.", "1",
]  # fmt: skip


def one_by_one(text, ids):
    """The search the check made per id before: the id, not inside a longer run of name characters."""
    return {i for i in ids if re.search(rf"(?<![\w.@-]){re.escape(i)}(?![\w@-])", text)}


def test_the_one_pass_finds_what_a_search_per_id_finds():
    rng = random.Random(5)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    texts += ["".join(p) for p in itertools.product(PIECES[:7], PIECES[7:], PIECES[:7])]
    for text in texts:
        assert _ids_in(text, set(IDS)) == one_by_one(text, IDS), text


def test_an_id_ending_a_sentence_is_found_and_one_inside_a_longer_name_is_not():
    assert _ids_in("graded with s01.", {"s01"}) == {"s01"}
    assert _ids_in("s010 and xs01 and s01@x.edu and a.s01", {"s01"}) == set()


def test_a_page_naming_another_student_leaks_unless_the_students_own_work_names_them():
    page = "<p>compare with s02's answer</p>"
    assert leaks(page, "", "s01", ["s01", "s02"], set(), {}) == [("another student's id", "s02")]
    assert leaks(page, "# worked with s02", "s01", ["s01", "s02"], set(), {}) == []
