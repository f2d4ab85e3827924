"""A real client: nbclient runs a notebook of rnnlab cells through the installed kernelspec."""
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import KERNEL_NAME, TIMEOUT, query, required_env

EPOCHS = 4
CELLS = [
    "seed 7\ndata sine sequences=2 length=300",
    "model lstm 8 -> dense 2",
    f'train epochs={EPOCHS} name="nb-run"',
    'plot loss nb-run title="notebook loss"',
    "optimizer adamw",
    "runs",
]


class RecordingClient(NotebookClient):
    """Keeps every iopub message it processes (the notebook keeps only the final displays)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = []

    def process_message(self, msg, cell, cell_index):
        self.messages.append((cell_index, msg))
        return super().process_message(msg, cell, cell_index)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    required_env("JUPYTER_PATH")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "rnnlab", "language": "rnnlab"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    folder = tmp_path_factory.mktemp("notebook")
    client = RecordingClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL_NAME, allow_errors=True,
                             resources={"metadata": {"path": str(folder)}})
    client.execute()
    nbformat.validate(notebook)
    return notebook, client.messages


def outputs(notebook, index):
    return notebook.cells[index].outputs


def test_every_cell_ran_with_its_count(executed):
    notebook, _ = executed
    assert [c.execution_count for c in notebook.cells] == list(range(1, len(CELLS) + 1))


def test_the_plot_is_an_svg_with_a_text_fallback(executed):
    notebook, _ = executed
    displays = [o for o in outputs(notebook, 3) if o.output_type == "display_data"]
    assert len(displays) == 1
    svg = displays[0].data["image/svg+xml"]
    assert svg.startswith("<svg") and "notebook loss" in svg and "nb-run" in svg
    assert "text/plain" in displays[0].data


def test_the_failing_cell_has_exactly_one_error_output(executed):
    notebook, _ = executed
    cell = outputs(notebook, 4)
    assert [o.output_type for o in cell] == ["error"]
    assert cell[0].ename == "rnnlab.error"
    assert "unknown optimizer 'adamw'" in cell[0].evalue
    assert any("^" in line for line in cell[0].traceback)  # the rendered diagnostic with its caret


def test_tables_come_as_html_and_text(executed):
    notebook, _ = executed
    table = [o for o in outputs(notebook, 5) if o.output_type == "display_data"][0]
    assert "<table" in table.data["text/html"] and "nb-run" in table.data["text/html"]
    assert "nb-run" in table.data["text/plain"]


def test_the_train_display_was_updated_once_per_epoch(executed):
    notebook, messages = executed
    train = [m for i, m in messages if i == 2 and m["msg_type"] in ("display_data", "update_display_data")]
    ids = {m["content"]["transient"]["display_id"] for m in train}
    assert len(ids) == 1, "one train, one display"
    assert [m["msg_type"] for m in train].count("display_data") == 1
    assert train[0]["msg_type"] == "display_data"
    epochs = [m["content"]["metadata"]["rnnlab"]["epoch"] for m in train
              if m["content"]["metadata"]["rnnlab"]["update"] == "epoch"]
    assert epochs == list(range(1, EPOCHS + 1))
    last = train[-1]["content"]["data"]
    assert last["text/plain"].startswith(f"epoch {EPOCHS}/{EPOCHS}")
    assert last["image/svg+xml"].startswith("<svg") and f"nb-run: epoch {EPOCHS}/{EPOCHS}" in last["image/svg+xml"]
    # The notebook keeps the display's final state in the train cell.
    kept = [o for o in outputs(notebook, 2) if o.output_type == "display_data"]
    assert len(kept) == 1 and kept[0].data["text/plain"].startswith(f"epoch {EPOCHS}/{EPOCHS}")


def test_the_cells_are_in_the_store(executed):
    (session,) = query("SELECT session_id FROM cell WHERE source = ? ORDER BY id DESC LIMIT 1", CELLS[2])[0]
    cells = query("SELECT number, source, status FROM cell WHERE session_id = ? ORDER BY number", session)
    assert [(n, s) for n, s, _ in cells] == [(i + 1, source) for i, source in enumerate(CELLS)]
    assert [status for _, _, status in cells] == ["ok", "ok", "ok", "ok", "error", "ok"]
    runs = query("SELECT status FROM run WHERE name = 'nb-run' AND session_id = ?", session)
    assert runs == [("finished",)]
    (epochs,) = query("SELECT COUNT(*) FROM metric JOIN run ON run.id = metric.run_id "
                      "WHERE run.name = 'nb-run' AND run.session_id = ?", session)[0]
    assert epochs == EPOCHS
