"""course.yaml as data, for tests that change a copy of it: read and written with libyaml, which
the kit's own loader uses too (PyYAML's pure-Python reader and writer take a tenth of a second
for this file, and a test of bad files writes a hundred of them)."""

from pathlib import Path
from typing import Any

import yaml

from autograder.grading.course import COURSE_FILE

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def shipped() -> Any:
    """A fresh copy of the shipped course.yaml's data, the caller's to change."""
    return yaml.load(COURSE_FILE.read_text(encoding="utf-8"), Loader=_LOADER)


def course_text(data: Any) -> str:
    """The YAML text of course data."""
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True)


def write_course(folder: Path, data: Any) -> Path:
    """course data written as folder/course.yaml; returns its path."""
    path = folder / "course.yaml"
    path.write_text(course_text(data), encoding="utf-8")
    return path
