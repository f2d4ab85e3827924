"""Shared setup for the rnnlab kernel tests, run by scripts/test_jupyter.

That script installs the kernelspec into a temporary prefix (JUPYTER_PATH points there) with
--store RNNLAB_TEST_STORE, so every kernel these tests start records into that one store.
A test that cannot run fails and says why: a skip is turned into a failure below.
"""
import os
import sqlite3
import time

import pytest

KERNEL_NAME = os.environ.get("RNNLAB_KERNEL_NAME", "rnnlab")
TIMEOUT = 60


def required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests through scripts/test_jupyter PATH/TO/rnnlab", pytrace=False)
    return value


def store_path():
    path = required_env("RNNLAB_TEST_STORE")
    if not os.path.exists(path):
        pytest.fail(f"the store {path} does not exist: the kernel did not record anything", pytrace=False)
    return path


def query(sql, *args):
    """Rows from the kernels' store (read-only; the kernel may be writing)."""
    with sqlite3.connect(f"file:{store_path()}?mode=ro", uri=True, timeout=10) as db:
        return db.execute(sql, args).fetchall()


def start_kernel():
    """A kernel and a blocking client, started from the installed kernelspec."""
    required_env("JUPYTER_PATH")
    from jupyter_client.manager import start_new_kernel

    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)


def execute(kc, code, timeout=TIMEOUT):
    """Runs `code`; returns the reply and the iopub messages it caused (status excluded)."""
    msg_id = kc.execute(code)
    reply = None
    deadline = time.monotonic() + timeout
    while reply is None:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                break
            continue
        outputs.append(msg)
    return reply, outputs


def stdout_text(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        reason = call.excinfo.value if call.excinfo is not None else "no reason given"
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped, which these tests do not allow: {reason}"
