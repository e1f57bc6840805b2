"""How the grading round's cost grows with the class: the simulated round at several sizes.

    python scripts/round_scaling.py [--students MINIMUM_SIZE 200 1000] [--jobs 2] [--assignments ID ...] [--db URL] [--cluster ADDR]
    (python3 tasks.py benchmark --round ...)

Each size runs in a process of its own (``--one N``), which runs the round of
``python -m simulated_class --students N`` and reports the peak resident memory of itself and of
its largest child (resource.getrusage: RUSAGE_SELF and RUSAGE_CHILDREN's ru_maxrss). Recorded per
size: each step's seconds (the round's timings.json), the seconds per submission (students ×
assignments), the peak memory and the gradebook's size; then the per-submission ratio to the
smallest size and each step's growth exponent, the slope of log seconds over log N between
consecutive sizes (1: linear; 2: quadratic). Written to var/benchmark/round_scaling.json.
``--db`` and ``--cluster`` go to the round as they are, but for ``{students}`` in the URL, which
becomes each size's class size: the simulated round wants an empty database, one per size.
"""

import argparse
import json
import math
import platform
import resource
import subprocess
import sys
from pathlib import Path

from autograder.grading.course import load_course
from simulated_class.students import MINIMUM_SIZE

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "benchmark"
# the smallest simulated class, then larger ones: valid whatever the catalogue holds
SIZES = (MINIMUM_SIZE, 200, 1000)


def run_one(size, jobs, out, passed):
    """Run the round of a class of ``size`` in this process; {peak memory in MB of it and its children}."""
    from simulated_class.__main__ import main

    status = main(["--students", str(size), "--jobs", str(jobs), "--out", str(out), *passed])
    # ru_maxrss is in kilobytes on Linux
    own, children = (
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {
        "status": status,
        "peak_mb_round": round(own, 1),
        "peak_mb_children": round(children, 1),
    }


def round_options(db, cluster, size, assignments=None):
    """The options handed to the round of ``size`` students (of all assignments unless named)."""
    options = [f"--db={db.replace('{students}', str(size))}"] if db else []
    options += [f"--cluster={cluster}"] if cluster else []
    return options + (["--assignments", *assignments] if assignments else [])


def measured(size, jobs, out, passed, assignments):
    """One size's record: run in a process of its own, so its peak memory is its own."""
    command = [
        sys.executable,
        __file__,
        "--one",
        str(size),
        "--jobs",
        str(jobs),
        "--out",
        str(out),
        *passed,
    ]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(
            f"the round of {size} students failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    memory = json.loads(completed.stdout.strip().splitlines()[-1])
    timings = json.loads((out / "timings.json").read_text())
    submissions = timings["students"] * assignments
    return {
        "students": timings["students"],
        "submissions": submissions,
        "seconds": timings["seconds"],
        "seconds_per_submission": round(timings["seconds"]["total"] / submissions, 3),
        "gradebook_mb": round(gradebook_bytes(out, passed) / 2**20, 2),
        **{k: v for k, v in memory.items() if k != "status"},
    }


def gradebook_bytes(out, passed):
    """The gradebook's size: its sqlite file's, or the server database's (``--db=URL``)."""
    from sqlalchemy import create_engine, make_url, text

    urls = [option.removeprefix("--db=") for option in passed if option.startswith("--db=")]
    url = make_url(urls[0] if urls else f"sqlite:///{out / 'course' / 'gradebook.db'}")
    if url.get_backend_name() == "sqlite":
        return Path(url.database).stat().st_size
    with create_engine(url).connect() as connection:
        return connection.execute(text("SELECT pg_database_size(current_database())")).scalar()


def growth(records):
    """{step: [log-log slope between consecutive sizes]} of each step's seconds."""
    slopes = {}
    for small, large in zip(records, records[1:]):
        for step, seconds in large["seconds"].items():
            before = small["seconds"].get(step, 0)
            slope = (
                math.log(seconds / before) / math.log(large["students"] / small["students"])
                if seconds > 0 and before > 0
                else None
            )
            slopes.setdefault(step, []).append(None if slope is None else round(slope, 2))
    return slopes


def table(records, slopes):
    """The printed table: per step, seconds at each size and the growth exponents."""
    sizes = [r["students"] for r in records]
    exponents = [f"{a}→{b}" for a, b in zip(sizes, sizes[1:])]
    lines = [
        f"{'step':<12}"
        + "".join(f"{f'N={n}':>10}" for n in sizes)
        + "".join(f"{e:>12}" for e in exponents)
    ]
    for step in records[0]["seconds"]:
        lines.append(
            f"{step:<12}"
            + "".join(f"{r['seconds'].get(step, 0):>10.1f}" for r in records)
            + "".join(f"{'' if s is None else f'{s:.2f}':>12}" for s in slopes.get(step, []))
        )
    first = records[0]["seconds_per_submission"]
    for label, key in (
        ("s/subm.", "seconds_per_submission"),
        ("gradebook MB", "gradebook_mb"),
        ("peak MB", "peak_mb_round"),
        ("child MB", "peak_mb_children"),
    ):
        lines.append(f"{label:<12}" + "".join(f"{r[key]:>10}" for r in records))
    lines.append(
        f"{'ratio':<12}" + "".join(f"{r['seconds_per_submission'] / first:>10.2f}" for r in records)
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=list(SIZES), metavar="N")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--db", metavar="URL", help="the gradebook's database; {students} in it: the class size"
    )
    parser.add_argument(
        "--cluster", metavar="ADDR", help="the workers' cluster, passed to the round"
    )
    parser.add_argument(
        "--assignments", nargs="+", metavar="ID", help="only these (default: all of course.yaml)"
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="where the rounds and round_scaling.json go"
    )
    parser.add_argument(
        "--one", type=int, help=argparse.SUPPRESS
    )  # one size, in the process measured
    args = parser.parse_args(argv)
    if min(args.students) < MINIMUM_SIZE:
        parser.error(f"--students: the simulated class has at least {MINIMUM_SIZE} students")
    if args.one:
        passed = round_options(args.db, args.cluster, args.one, args.assignments)
        print(json.dumps(run_one(args.one, args.jobs, args.out, passed)))
        return 0
    records = [
        measured(
            n,
            args.jobs,
            args.out / f"round-{n}",
            round_options(args.db, args.cluster, n, args.assignments),
            len(args.assignments or load_course().assignments),
        )
        for n in sorted(args.students)
    ]
    slopes = growth(records)
    result = {
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "jobs": args.jobs,
        "options": round_options(args.db, args.cluster, "{students}", args.assignments),
        "sizes": records,
        "growth_exponents": slopes,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "round_scaling.json").write_text(json.dumps(result, indent=1) + "\n")
    print(table(records, slopes))
    print(f"\n{args.out / 'round_scaling.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
