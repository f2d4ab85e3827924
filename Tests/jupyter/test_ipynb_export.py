"""The .ipynb renderer's output is a valid nbformat 4.5 notebook.

RNNReportTests' NotebookIPYNBTests.snapshot pins NotebookDocument.ipynb() to the committed
snapshot validated here (a failing, an interrupted and a figure cell among its cells).
"""
import pathlib

import nbformat

SNAPSHOT = pathlib.Path(__file__).resolve().parents[1] / "RNNReportTests" / "Snapshots" / "notebook.ipynb"


def test_the_rendered_notebook_validates():
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing (RNNLAB_RECORD_SNAPSHOTS=1 swift test --filter NotebookIPYNBTests)"
    notebook = nbformat.read(str(SNAPSHOT), as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    kinds = [[o.output_type for o in c.outputs] for c in code]
    assert ["error"] in kinds
    assert ["display_data"] in kinds
    figure = next(c for c in code if c.outputs and c.outputs[0].output_type == "display_data")
    assert figure.outputs[0].data["image/svg+xml"].startswith("<svg")


def test_an_exported_session_validates(tmp_path):
    """`export notebook … to "F.ipynb"` from the binary: a session with a table, a figure and
    a failed cell opens in Jupyter (nbformat.validate) with its outputs."""
    import os
    import subprocess

    binary = os.environ.get("RNNLAB_BINARY")
    assert binary, "RNNLAB_BINARY is not set (scripts/test_jupyter sets it)"
    store = tmp_path / "s.sqlite"
    session = "\n".join([
        "seed 3", "data sine sequences=2 length=200", "features deltas window=8",
        "model lstm 8 -> dense 2", "train epochs=2 name=nb", "plot loss nb", "runs", "optimizer adamw",
    ])
    ran = subprocess.run([binary, "--store", str(store), "--keep-going", "-c", session], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 1, ran.stderr        # the last cell fails, on purpose
    export = subprocess.run([binary, "--store", str(store), "-c", 'export notebook session 1 to "s1.ipynb"'],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert export.returncode == 0, export.stderr
    notebook = nbformat.read(str(tmp_path / "s1.ipynb"), as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert len(code) == 8
    outputs = [o for c in code for o in c.outputs]
    assert any(o.output_type == "display_data" and "image/svg+xml" in o.data for o in outputs)
    assert any(o.output_type == "error" and "adamw" in o.evalue for o in outputs)
