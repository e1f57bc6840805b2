"""Progress with an estimate: tqdm's line on a terminal, plain periodic lines in a log."""

import io

from autograder.rounds import progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_in_a_log_a_line_comes_at_each_tenth_with_the_time_left_and_once_at_the_end():
    stream, clock = io.StringIO(), Clock()
    report = progress.PlainProgress("autograde bp", stream, clock)
    for done in range(401):
        clock.now = done * 0.5
        report(done, 400)
    report(400, 400)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1] == "    autograde bp: 400/400 (100%)"
    # 120 done in 60 s: 280 more at that rate is 140 s
    assert "    autograde bp: 120/400 (30%), 2 min left" in lines


def test_in_a_log_a_slow_step_still_gets_a_line_every_30_seconds():
    stream, clock = io.StringIO(), Clock()
    report = progress.PlainProgress("feedback bp", stream, clock)
    for second in range(0, 100, 5):
        clock.now = second
        report(1, 1000)
    assert len(stream.getvalue().splitlines()) == 4  # at 0, 30, 60 and 90 s


def test_the_time_left_is_said_in_seconds_minutes_or_hours():
    assert progress.left(10, 1, 2) == "10 s"
    assert progress.left(60, 1, 4) == "3 min"
    assert progress.left(3600, 1, 3) == "2.0 h"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_tqdm_updates_one_line_in_place():
    stream = Terminal()
    report = progress.reporter("class", stream)
    for done in range(0, 51, 10):
        report(done, 50)
    text = stream.getvalue()
    assert "\r" in text and "\n" not in text.rstrip("\n") and "50/50" in text
    assert isinstance(progress.reporter("class", io.StringIO()), progress.PlainProgress)
