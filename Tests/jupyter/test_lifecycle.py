"""Heartbeat, signatures, shutdown and restart of the kernel process."""
import hashlib
import hmac
import json
import time
import uuid

import zmq
from jupyter_client.manager import KernelManager

from conftest import KERNEL_NAME, TIMEOUT, execute, query, required_env, start_kernel


def started(tmp_path):
    required_env("JUPYTER_PATH")
    km = KernelManager(kernel_name=KERNEL_NAME)
    log = tmp_path / "kernel-stderr.txt"
    stderr = open(log, "w")
    km.start_kernel(stderr=stderr)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc, log, stderr


def forged(key, msg_type="kernel_info_request"):
    header = json.dumps({"msg_id": str(uuid.uuid4()), "session": "forger", "username": "x", "date": "",
                         "msg_type": msg_type, "version": "5.3"}).encode()
    parts = [header, b"{}", b"{}", b"{}"]
    signature = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()
    return [b"<IDS|MSG>", signature] + parts


def test_heartbeat_echoes(tmp_path):
    km, kc, _, stderr = started(tmp_path)
    try:
        context = zmq.Context.instance()
        hb = context.socket(zmq.REQ)
        hb.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
        hb.send(b"ping-123")
        assert hb.poll(5000), "no heartbeat echo within 5 s"
        assert hb.recv() == b"ping-123"
        hb.close()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        stderr.close()


def test_a_wrongly_signed_message_is_ignored_and_logged(tmp_path):
    km, kc, log, stderr = started(tmp_path)
    try:
        context = zmq.Context.instance()
        shell = context.socket(zmq.DEALER)
        shell.connect(f"{km.transport}://{km.ip}:{km.shell_port}")
        shell.send_multipart(forged(b"not the key"))
        assert not shell.poll(1500), "the kernel answered a message signed with the wrong key"
        shell.send_multipart(forged(km.session.key))  # the right key: answered
        assert shell.poll(5000), "the kernel did not answer a correctly signed message"
        frames = shell.recv_multipart()
        assert json.loads(frames[frames.index(b"<IDS|MSG>") + 2])["msg_type"] == "kernel_info_reply"
        shell.close()
        reply, _ = execute(kc, 'print "still up"')
        assert reply["content"]["status"] == "ok"
        stderr.flush()
        text = log.read_text()
        assert "shell: ignored" in text and "signature does not match" in text, text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        stderr.close()


def test_shutdown_ends_the_process_and_the_session(tmp_path):
    km, kc = start_kernel()
    execute(kc, 'print "before shutdown"')
    (session,) = query("SELECT session_id FROM cell WHERE source = ? ORDER BY id DESC LIMIT 1",
                       'print "before shutdown"')[0]
    kc.shutdown()
    reply = kc.get_control_msg(timeout=10)  # jupyter_client 8 sends shutdown on control
    assert reply["msg_type"] == "shutdown_reply" and reply["content"]["restart"] is False
    deadline = time.monotonic() + 10
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not km.is_alive(), "the kernel process did not exit after shutdown_reply"
    assert query("SELECT ended_at IS NOT NULL FROM session WHERE id = ?", session) == [(1,)]
    kc.stop_channels()
    km.cleanup_resources()


def test_restart_gives_a_fresh_session(tmp_path):
    km, kc = start_kernel()
    try:
        reply, _ = execute(kc, 'print "first life"')
        first = query("SELECT session_id FROM cell WHERE source = ? ORDER BY id DESC LIMIT 1", 'print "first life"')[0][0]
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        reply, _ = execute(kc, 'print "second life"')
        assert reply["content"]["execution_count"] == 1
        second = query("SELECT session_id FROM cell WHERE source = ? ORDER BY id DESC LIMIT 1", 'print "second life"')[0][0]
        assert second != first
        assert query("SELECT ended_at IS NOT NULL FROM session WHERE id = ?", first) == [(1,)]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_sigterm_during_a_train_records_it_interrupted_and_exits(tmp_path):
    km, kc = start_kernel()
    execute(kc, "seed 1\ndata sine sequences=2 length=2000\nmodel lstm 8 -> dense 2")
    msg_id = kc.execute('train epochs=100000 name="long-term"')
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "update_display_data":
            break
    km.provisioner.process.terminate()  # SIGTERM, as a process manager stops it
    km.provisioner.process.wait(timeout=10)
    assert km.provisioner.process.returncode == 128 + 15
    session = query("SELECT session_id FROM run WHERE name = 'long-term' ORDER BY id DESC LIMIT 1")[0][0]
    assert query("SELECT status FROM run WHERE name = 'long-term' AND session_id = ?", session) == [("interrupted",)]
    assert query("SELECT ended_at IS NOT NULL FROM session WHERE id = ?", session) == [(1,)]
    kc.stop_channels()
    km.cleanup_resources()
