"""The class report shows what arrived as text: a file's name makes no link, image, HTML or heading in it."""

import re

import mistune
import pytest

from autograder.rounds.class_report import _row

NAMES = {
    "an image from elsewhere": "wangwei_1001_1_![x](http://evil.example/t.png).ipynb",
    "a link": "wangwei_1001_1_[click](http://evil.example).ipynb",
    "HTML with a handler": "wangwei_1001_1_<img src=x onerror=alert(1)>.ipynb",
    "a heading after a line break": "wangwei_1001_1_bp.ipynb\n# Everyone passed",
    "a cell break": "wangwei | 1001 | bp.ipynb",
    "an escape of its own": "wangwei_1001_1_\\[x](http://evil.example).ipynb",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=list(NAMES))
def test_a_files_name_is_one_cell_of_text(name):
    table = "| path | student | what |\n| --- | --- | --- |\n" + _row(name, "s1", "not graded")
    page = mistune.create_markdown(plugins=["table"])(table)
    assert not re.search(r"<(a|img|h\d|script)\b", page), page
    cells = re.findall(r"<td>(.*?)</td>", page, re.DOTALL)
    assert len(cells) == 3 and cells[1:] == ["s1", "not graded"]
    shown = cells[0].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert shown.replace("\\[", "[") == " ".join(name.splitlines()).replace("\\[", "[")
