"""history_request (tail, range, search) answered from the store, checked against the store."""
import pytest

from conftest import execute, query, start_kernel, TIMEOUT

CODES = ['print "alpha"', "seed 3", 'print "beta"', 'print "alpha"']


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_kernel()
    for code in CODES:
        reply, _ = execute(kc, code)
        assert reply["content"]["status"] == "ok", reply["content"]
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def history(kc, **request):
    msg_id = kc.history(**request)
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            assert reply["content"]["status"] == "ok"
            return reply["content"]["history"]


def this_session(kc):
    return history(kc, hist_access_type="tail", n=1, output=False, raw=True)[0][0]


def test_tail_is_the_latest_cells_oldest_first(kernel):
    entries = history(kernel, hist_access_type="tail", n=3, output=False, raw=True)
    assert [e[2] for e in entries] == CODES[1:]
    session = entries[0][0]
    assert [e[1] for e in entries] == [2, 3, 4]
    stored = query("SELECT number, source FROM cell WHERE session_id = ? ORDER BY number", session)
    assert stored == [(i + 1, code) for i, code in enumerate(CODES)]


def test_tail_with_output_pairs_source_and_recorded_output(kernel):
    entries = history(kernel, hist_access_type="tail", n=2, output=True, raw=True)
    assert [e[2] for e in entries] == [['print "beta"', "beta"], ['print "alpha"', "alpha"]]


def test_range_of_this_session(kernel):
    session = this_session(kernel)
    entries = history(kernel, hist_access_type="range", session=0, start=2, stop=4, output=False, raw=True)
    assert entries == [[session, 2, "seed 3"], [session, 3, 'print "beta"']]
    absolute = history(kernel, hist_access_type="range", session=session, start=1, stop=2, output=False, raw=True)
    assert absolute == [[session, 1, 'print "alpha"']]


def test_search_by_glob_with_n_and_unique(kernel):
    session = this_session(kernel)
    mine = [e for e in history(kernel, hist_access_type="search", pattern="print*", output=False, raw=True)
            if e[0] == session]
    assert [e[1] for e in mine] == [1, 3, 4]
    latest = history(kernel, hist_access_type="search", pattern="print*", n=2, output=False, raw=True)
    assert latest == [[session, 3, 'print "beta"'], [session, 4, 'print "alpha"']]
    unique = history(kernel, hist_access_type="search", pattern='print "alpha"', unique=True, output=False, raw=True)
    assert unique == [[session, 4, 'print "alpha"']]
    assert history(kernel, hist_access_type="search", pattern="no such cell*", output=False, raw=True) == []
