"""python -m simulated_class [--small | --students N] [--out DIR] [--jobs N] [--cluster ADDRESS] [--no-enforce] [--assignments ID ...]

A whole grading round (autograder/rounds/grading_round.py) on the simulated class: the kit's main
job when no class of yours is given (python3 tasks.py main).
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from autograder import ROOT
from autograder.rounds import grading_round
from simulated_class.class_source import SimulatedClass
from simulated_class.students import MINIMUM_SIZE, make_class

DEFAULT_OUT = ROOT / "var" / "round"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulated_class",
        description="Run a whole grading round on the simulated class.",
    )
    parser.add_argument(
        "--small", action="store_true", help="a handful of students instead of about forty"
    )
    parser.add_argument(
        "--students",
        type=int,
        metavar="N",
        help=f"a class of N students (at least {MINIMUM_SIZE}): the special students spread over it, "
        "the rest complete or partly complete",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="the output folder, emptied first if it is an earlier round's (default: var/round)",
    )
    grading_round.round_options(parser)
    args = parser.parse_args(argv)
    grading_round.checked_round_options(parser, args)
    if args.students is not None:
        if args.small:
            parser.error("give --small or --students N, not both")
        try:
            make_class(tuple(args.assignments or ("perceptron", "bp")), size=args.students)
        except ValueError as error:
            parser.error(str(error))
    return grading_round.run(SimulatedClass(args.small, args.students), args.out, args)


if __name__ == "__main__":
    sys.exit(main())
