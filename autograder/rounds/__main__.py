"""python -m autograder.rounds: a grading round on your class (see grading_round.py)."""

import sys

from autograder.rounds.grading_round import main

sys.exit(main())
