"""nbgrader's zip_collect plugins for LMS downloads named the Canvas, Moodle or Blackboard way.

    nbgrader zip_collect ASSIGNMENT --ZipCollectApp.collector_plugin=autograder.integration.lms_collector.CanvasCollector

Each reads the file names as ``lms_download`` does (its SCHEMES): the student is the LMS's id
of them (Canvas's and Moodle's are numbers: ``nbgrader db student import`` a roster with those
ids, or grade with the round, which matches them to the roster); the time is Blackboard's, which
nbgrader's own collector would misread (it takes the trailing "-MM-SS" for a time zone).
"""

from nbgrader.plugins import FileNameCollectorPlugin

from autograder.rounds.lms_download import read_name


class _Collector(FileNameCollectorPlugin):
    lms = ""

    def collect(self, submitted_file: str) -> dict[str, str] | None:
        named = read_name(submitted_file)
        if named is None or named[0] != self.lms or not named[3].endswith(tuple(self.valid_ext)):
            self.log.warning(
                "not a %s file name of a notebook, skipped: %s", self.lms, submitted_file
            )
            return None
        _, lms_id, _, file, time, _ = named
        return {
            "student_id": lms_id,
            "file_id": file,
            **({"timestamp": time.isoformat()} if time else {}),
        }


class CanvasCollector(_Collector):
    lms = "Canvas"


class MoodleCollector(_Collector):
    lms = "Moodle"


class BlackboardCollector(_Collector):
    lms = "Blackboard"
