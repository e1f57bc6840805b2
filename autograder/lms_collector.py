"""nbgrader's zip_collect plugin for an LMS download named the Blackboard way.

    nbgrader zip_collect ASSIGNMENT --ZipCollectApp.collector_plugin=autograder.lms_collector.BlackboardCollector

Blackboard names each file <assignment>_<student>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>.ipynb.
nbgrader's own collector would hand that timestamp to its date parser, which reads the
trailing "-MM-SS" as a time zone and loses the minutes; this one rewrites it as ISO 8601 first.
"""

import re

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import default

# nbgrader matches it at the start of the file's absolute path: the folders go first, whatever
# their names (a course under /home/wang_li/ has an underscore before the file's own).
FILE_PATTERN = r"(?:.*/)?[^_/]+_(?P<student_id>[^_/]+)_attempt_(?P<timestamp>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)_(?P<file_id>\w+)\.ipynb"
_STAMP = re.compile(r"(\d{4}-\d\d-\d\d)-(\d\d)-(\d\d)-(\d\d)")


class BlackboardCollector(FileNameCollectorPlugin):
    @default("named_regexp")
    def _named_regexp_default(self):
        return FILE_PATTERN

    def collect(self, submitted_file):
        found = super().collect(submitted_file)
        if found and found.get("timestamp"):
            found["timestamp"] = _STAMP.sub(r"\1T\2:\3:\4+00:00", found["timestamp"])
        return found
