"""Is an autograde kernel ready as soon as it has answered, and ended as soon as its last cell ran?

A real ipykernel here, started by the kit's kernel manager as nbgrader's Execute starts it.
"""

import asyncio

from nbformat.v4 import new_code_cell, new_notebook
from test_notebook_deadline import executor, resources

from autograder.integration.prompt_kernel import PromptKernelClient, PromptKernelManager

READY_SECONDS = 60


async def started(manager, *, earlier_requests=0):
    """The manager's kernel started and its client ready, after ``earlier_requests`` kernel_info requests sent unread."""
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    for _ in range(earlier_requests):
        client.kernel_info()
    await client.wait_for_ready(timeout=READY_SECONDS)
    return client


async def unread(client):
    """Whether a message waits on shell or IOPub."""
    return await client.shell_channel.msg_ready() or await client.iopub_channel.msg_ready()


async def output_of(client, code):
    request = client.execute(code)
    while True:
        message = await client.iopub_channel.get_msg(timeout=READY_SECONDS)
        if message["parent_header"].get("msg_id") == request and message["msg_type"] == "stream":
            return message["content"]["text"]


def on_a_kernel(check, **start):
    """Run check(manager, client) on a kernel of the kit's manager, then end it as nbgrader does."""

    async def run():
        manager = PromptKernelManager(kernel_name="python3")
        client = await started(manager, **start)
        try:
            return await check(manager, client)
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    return asyncio.run(run())


def test_the_client_is_ready_once_the_kernel_answered_with_nothing_of_its_start_left_unread():
    async def check(manager, client):
        assert isinstance(client, PromptKernelClient)
        assert not await unread(client)
        assert await output_of(client, "print(6 * 7)") == "42\n"

    on_a_kernel(check)


def test_replies_to_requests_sent_before_are_passed_over():
    async def check(manager, client):
        assert not await unread(client)
        assert await output_of(client, "print('after')") == "after\n"

    on_a_kernel(check, earlier_requests=3)


def test_the_kernels_process_is_gone_once_the_manager_ended_it():
    async def check(manager, client):
        return manager.provisioner.process

    process = on_a_kernel(check)
    assert process.poll() is not None


def test_the_kernel_is_killed_after_the_last_cell_so_a_submissions_exit_handler_never_runs(
    tmp_path,
):
    marker = tmp_path / "after-the-last-cell"
    handler = f"import atexit\natexit.register(lambda: open({str(marker)!r}, 'w').close())"
    notebook = new_notebook(cells=[new_code_cell(handler), new_code_cell("print('done')")])
    executed, _ = executor(tmp_path).preprocess(notebook, resources(tmp_path))
    assert executed.cells[1].outputs[0].text == "done\n"
    assert not marker.exists()
