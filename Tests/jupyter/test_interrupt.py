"""Interrupting a long train (SIGINT as interrupt_mode signal says, and interrupt_request on
control) returns within seconds, rolls back like Ctrl-C, and the kernel goes on."""
import time

import pytest

from conftest import TIMEOUT, execute, query, start_kernel, stdout_text

LONG_TRAIN = "train epochs=100000 name=\"{name}\""


@pytest.fixture()
def kernel():
    km, kc = start_kernel()
    reply, _ = execute(kc, "seed 1\ndata sine sequences=2 length=2000\nmodel lstm 8 -> dense 2")
    assert reply["content"]["status"] == "ok", reply["content"]
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def train_until_first_epoch(kc, name):
    """Starts the long train and returns once its display reports a finished epoch."""
    msg_id = kc.execute(LONG_TRAIN.format(name=name))
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] in ("display_data", "update_display_data") \
                and msg["content"]["metadata"]["rnnlab"]["update"] == "epoch":
            return msg_id
    pytest.fail("the train never finished an epoch")


def finish(kc, msg_id):
    """The reply and stdout of the execute request `msg_id`, and when its reply came."""
    reply = None
    while reply is None:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
    replied = time.monotonic()
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    return reply, stdout_text(outputs), replied


def check_interrupted(kc, msg_id, name, interrupted_at):
    reply, text, replied = finish(kc, msg_id)
    assert replied - interrupted_at < 5, f"the train took {replied - interrupted_at:.1f} s to stop"
    assert reply["content"]["status"] == "ok", reply["content"]
    assert f"run '{name}' interrupted: rolled back to epoch" in text
    # The next cell runs and shows the run interrupted.
    reply, outputs = execute(kc, "runs")
    assert reply["content"]["status"] == "ok"
    table = next(m for m in outputs if m["msg_type"] == "display_data")["content"]["data"]["text/plain"]
    row = next(line for line in table.splitlines() if line.startswith(name + " "))
    assert "interrupted" in row
    session = query("SELECT session_id FROM run WHERE name = ? ORDER BY id DESC LIMIT 1", name)[0][0]
    assert query("SELECT status FROM run WHERE name = ? AND session_id = ?", name, session) == [("interrupted",)]
    (status,) = query("SELECT status FROM cell WHERE session_id = ? AND source = ?", session,
                      LONG_TRAIN.format(name=name))[0]
    assert status == "interrupted"


def test_sigint_interrupts_a_train(kernel):
    km, kc = kernel
    assert km.kernel_spec.interrupt_mode == "signal"
    msg_id = train_until_first_epoch(kc, "long-signal")
    interrupted_at = time.monotonic()
    km.interrupt_kernel()  # interrupt_mode signal: SIGINT to the kernel process
    check_interrupted(kc, msg_id, "long-signal", interrupted_at)


def test_interrupt_request_on_control_interrupts_a_train(kernel):
    km, kc = kernel
    msg_id = train_until_first_epoch(kc, "long-message")
    interrupted_at = time.monotonic()
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    reply = kc.control_channel.get_msg(timeout=10)
    assert reply["msg_type"] == "interrupt_reply" and reply["content"]["status"] == "ok"
    assert time.monotonic() - interrupted_at < 5, "control was not served while the cell trained"
    check_interrupted(kc, msg_id, "long-message", interrupted_at)
