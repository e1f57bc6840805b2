"""The project's promises: CI runs the README's test command, the README names both commands, one Params."""

import re

from autograder import ROOT


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in readme
    assert "python3 tasks.py main" in readme
    assert "exec python3 tasks.py test" in ci


def test_the_networks_params_is_defined_once_in_the_file_the_students_get():
    definition = re.compile(r"class Params\b|namedtuple\(\s*[\"']Params[\"']")
    sources = [
        path
        for folder in ("autograder", "source_impl", "student", "simulated_class", "solutions")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".ipynb") and path.name != "params.py"
    ]
    assert len(sources) > 50
    defining = [
        str(p.relative_to(ROOT)) for p in sources if definition.search(p.read_text("utf-8"))
    ]
    assert defining == [], "Params is defined in student/params.py only; these define their own"
    assert definition.search((ROOT / "student" / "params.py").read_text("utf-8"))
    for copy in ROOT.glob("*/*/params.py"):  # the release's and the solutions' copies
        assert copy.read_bytes() == (ROOT / "student" / "params.py").read_bytes(), copy
