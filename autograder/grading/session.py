"""One submission's worker session: the worker of the moment, the submission's clock, and the
reference's functions standing in for the student's graded helpers that did not pass."""

import inspect
import time
from collections.abc import Iterable, Iterator, Mapping

from autograder.grading.course import Item, Timeouts
from autograder.items.record import Arguments, GradedFunction, Value
from autograder.sandbox.process import MISSING, Outcome, Worker, WorkerDied, check_worker_starts
from autograder.sandbox.process import TIMEOUT as CALL_TIMEOUT
from autograder.sandbox.scratch import Scratch
from source_impl.network import Params

# {a graded function's name: the reference's, standing in for the student's}
StandIns = Mapping[str, GradedFunction]

PARAMS_ARGUMENTS = {"params", "params0"}  # the reference's parameters that take Params


def stand_ins(items: Iterable[Item]) -> dict[str, GradedFunction]:
    """{function: the reference's} of the given graded items, to stand in for the student's while another is graded.

    Parameters named params or params0 arrive from the worker as plain tuples: they become Params.
    """
    return {item.function: _with_params(item.reference) for item in items}


def _with_params(reference: GradedFunction) -> GradedFunction:
    signature = inspect.signature(reference)

    def stand_in(*args: Value, **keywords: Value) -> Value:
        bound = signature.bind(*args, **keywords)
        for name in PARAMS_ARGUMENTS & bound.arguments.keys():
            bound.arguments[name] = Params(*bound.arguments[name])
        return reference(*bound.args, **bound.kwargs)

    return stand_in


class Session:
    """The worker of the moment and the submission's clock; a fresh worker after each crash."""

    def __init__(self, scratch: Scratch, spare: Worker | None) -> None:
        # spare: started, not loaded
        self._scratch, self._spare = scratch, spare
        self._worker: Worker | None = None
        # loading is deterministic: a failed load is not retried
        self._load_failure: WorkerDied | None = None
        self.problems: tuple[str, ...] = ()

    def start(self, timeouts: Timeouts) -> None:
        """Start the submission's clock: the submission is in the scratch folder now."""
        self._timeouts = timeouts
        self._deadline = time.monotonic() + timeouts.per_submission_seconds

    def outcomes(
        self,
        function: str,
        argument_lists: Iterable[Arguments],
        stand_ins: StandIns,
        ahead: bool = True,
    ) -> Iterator[Outcome]:
        """The Outcome of each call function(*args) in order, none after a missing function; ``stand_ins`` see Worker.send.

        ``ahead``: every call is sent at once, and the worker runs the next ones while the caller
        compares the last; a caller that stops before the last outcome costs the worker (its
        answers are not waited for), which the next call replaces. Otherwise each call is sent
        when the caller asks for its outcome, so that a caller may stop at any.
        Raises WorkerDied when the worker crashed or hung; it is replaced on the next call.
        """
        if not ahead:
            for args in argument_lists:
                self._send(function, args, stand_ins)
                outcome = self._answer()
                yield outcome
                if outcome.kind == MISSING:
                    return
            return
        unanswered, failed = 0, None
        try:
            for args in argument_lists:
                self._send(function, args, stand_ins)
                unanswered += 1
        except WorkerDied as died:  # the submission's time ran out: the calls sent still count
            if not unanswered or self._worker is None:
                raise
            failed = died
        try:
            while unanswered:
                outcome = self._answer()
                unanswered -= 1
                # a missing function: so are the rest, answered at once, read and not waited for
                if outcome.kind == MISSING:
                    for _ in range(unanswered):
                        self._answer()
                    unanswered = 0
                    yield outcome
                    return
                yield outcome
        finally:
            if unanswered and self._worker is not None:  # answers nobody will read
                self._worker.close()
                self._worker = None
        if failed:
            raise failed

    def _send(self, function: str, args: Arguments, stand_ins: StandIns) -> None:
        if time.monotonic() >= self._deadline:
            seconds = self._timeouts.per_submission_seconds
            raise WorkerDied(
                CALL_TIMEOUT,
                "the submission's time limit was reached before this item",
                f"was not run: the submission's time limit of {seconds:g} s was spent",
            )
        if self._load_failure:
            raise self._load_failure
        if self._worker is None:
            worker, self._spare = self._spare or Worker(self._scratch), None
            try:
                self._worker = worker.load(self._timeouts)
            except WorkerDied as died:
                check_worker_starts(self._timeouts)  # the submission's fault, or the grader's?
                self._load_failure = died
                raise
            self.problems = tuple(self._worker.problems)
        try:
            self._worker.send(
                function, args, self._timeouts.per_call_seconds, stand_ins, until=self._deadline
            )
        except WorkerDied:
            self._worker = None
            raise

    def _answer(self) -> Outcome:
        if self._worker is None:
            raise RuntimeError("no call is waiting for an answer: a worker answers what _send sent")
        try:
            return self._worker.answer()
        except WorkerDied:
            self._worker = None
            raise

    def close(self) -> None:
        for worker in (self._worker, self._spare):
            if worker is not None:
                worker.close()
