"""python -m autograder.rounds: a grading round on your class (see grading_round.py).

The roster is read before the round's modules load (nbgrader's and the report's take seconds):
a roster that cannot be used stops the round at once, naming the file and the line.
"""

import sys

from autograder.rounds import lms_roster

problem = lms_roster.roster_option_problem(sys.argv[1:])
if problem:
    print(f"grading round stopped before it began: {problem}", file=sys.stderr)
    sys.exit(2)

from autograder.rounds.grading_round import main  # noqa: E402

sys.exit(main())
