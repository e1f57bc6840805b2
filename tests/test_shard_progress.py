"""How many submissions the shards have done, read from nbgrader's logs as they grow: a shard
whose log is not there yet (a cluster's, before a worker starts it) has done none."""

from autograder.integration.parallel_nbgrader import _Finished


def written(log, *students):
    with open(log, "a", encoding="utf-8") as file:
        for student in students:
            file.write(
                f"[AutogradeApp | INFO] Writing 100 bytes to /course/autograded/{student}/bp/bp.ipynb\n"
            )


def test_a_log_not_written_yet_counts_none_until_its_submissions_are_written(tmp_path):
    finished = _Finished("autograded", "bp", "ipynb", writes=2)
    log = tmp_path / "autograde-bp-0.log"
    finished.follow(log)
    assert finished() == 0
    written(log, "s1", "s1", "s2")  # s1 sanitized and executed, s2 sanitized only
    assert finished() == 1
    written(log, "s2")
    assert finished() == 2
