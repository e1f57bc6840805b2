"""The kernel manager and client of the kit's ``ExecuteWithinDeadline``: jupyter_client's, without its fixed waits.

An autograde starts a kernel per notebook, and jupyter_client spends fixed time around each one
with the kernel idle: at the start, after the kernel's reply to ``kernel_info``, it waits for IOPub
to stay silent for 0.2 s; at the end, it polls the process every 0.1 s until it has exited. On
one core, nbgrader does nothing else meanwhile: about a sixth of a serial autograde's time.
Here the start ends at the idle status of the client's own ``kernel_info`` request, the last
message the kernel publishes for it, and the end polls every few milliseconds.
"""

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

REPLY_SECONDS = 1.0  # how long a kernel_info request waits for its reply before it is sent again
IOPUB_SECONDS = 0.2  # and for its idle status: none means IOPub is not connected yet
EXIT_POLL_SECONDS = 0.005  # how often an ending kernel's process is polled


class PromptKernelClient(AsyncKernelClient):
    """jupyter_client's asynchronous client, ready as soon as the kernel has answered on both channels."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Ask for kernel_info until its reply comes on shell and its idle status on IOPub.

        The status comes after everything the kernel published for the request, and messages
        on one socket arrive in order: nothing of the kernel's start is left unread on IOPub.
        Raises RuntimeError when the kernel dies or ``timeout`` seconds pass, as jupyter_client's.
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            reply = await self._reply_to(request, deadline)
            if reply is not None and await self._idle_after(request, deadline):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    async def _reply_to(self, request: str, deadline: float) -> dict[str, Any] | None:
        """The shell's reply to the request, past any to an earlier one; None if none came within
        REPLY_SECONDS or by the deadline (a kernel that keeps answering something else)."""
        while time.monotonic() <= deadline:
            try:
                reply = await self.shell_channel.get_msg(timeout=_within(REPLY_SECONDS, deadline))
            except Empty:
                return None
            if _answers(reply, request):
                return reply
        return None

    async def _idle_after(self, request: str, deadline: float) -> bool:
        """Read IOPub up to the kernel's idle status for the request; False if IOPub falls silent
        first, or the deadline passes (a kernel that keeps publishing something else)."""
        while time.monotonic() <= deadline:
            try:
                message = await self.iopub_channel.get_msg(timeout=_within(IOPUB_SECONDS, deadline))
            except Empty:
                return False
            if (
                _answers(message, request)
                and message["msg_type"] == "status"
                and message["content"].get("execution_state") == "idle"
            ):
                return True
        return False


class PromptKernelManager(AsyncKernelManager):
    """jupyter_client's asynchronous kernel manager, with PromptKernelClient and a finer poll of the ending process."""

    # jupyter_client builds its client from client_factory; client_class names it for those who read it
    client_class = DottedObjectName(f"{__name__}.PromptKernelClient")
    client_factory = Type(klass=PromptKernelClient)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client's loop (poll, sleep) at its own 0.1 s would leave nbgrader idle that long
        await super()._async_wait(pollinterval=min(pollinterval, EXIT_POLL_SECONDS))


def _within(seconds: float, deadline: float) -> float:
    """At most seconds, and none past the deadline (time.monotonic())."""
    return max(0.0, min(seconds, deadline - time.monotonic()))


def _answers(message: dict[str, Any], request: str) -> bool:
    return message.get("parent_header", {}).get("msg_id") == request
