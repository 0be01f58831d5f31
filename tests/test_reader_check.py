"""tools/reader/reader_check.py finds every way a hidden cell can make the reader notebook run differently,
and no other."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from tools.reader import reader_check
from tools.reader.reader_state import fingerprint, loaded_names

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run():
    """``run([(hidden, source), ...])`` -> the violations the watcher records for those cells, run in order."""
    shell = InteractiveShell.instance()
    watchers = []

    def _run(cells):
        shell.reset()
        for watcher in watchers:
            for event, hook in watcher.hooks.items():
                shell.events.unregister(event, hook)
        watchers.clear()
        watcher = reader_check.install(shell, [s for h, s in cells if h], [s for h, s in cells if not h])
        watchers.append(watcher)
        for _, source in cells:
            assert shell.run_cell(source).success, source
        return watcher.violations

    yield _run
    _run([])


def test_glue_and_checks_that_only_read_are_fine(run):
    assert (
        run(
            [
                (False, 'import torch\ntorch.manual_seed(0)\nw = torch.randn(3)'),
                (True, 'value = float(w.sum())\nassert value == value\nglue = lambda *a: None\nglue("v", value)'),
                (False, 'w * 2'),
                (True, 'assert w.shape == (3,)'),
            ]
        )
        == []
    )


def test_a_name_bound_by_a_hidden_cell_and_read_by_a_visible_one(run):
    found = run(
        [
            (True, 'text = "abc"'),
            (False, 'for t in [1]:\n    text = str(t)\n    print(text)'),
            (True, 'n = 3'),
            (False, 'print(n)'),
        ]
    )
    assert len(found) == 1 and '`n`' in found[0]


def test_a_visible_object_changed_in_place(run):
    found = run(
        [
            (False, 'import torch\nw = torch.zeros(3)\nm = torch.nn.Linear(2, 2)\nbig = torch.zeros(2_000_000)'),
            (True, 'w[0] = 1'),
            (True, 'm.eval()'),
            (True, 'big[1_999_999] = 1'),
            (False, 'print(w, m, big)'),
        ]
    )
    assert [v.split('changes ')[1].split(' ')[0] for v in found] == ['`w`', '`m`', '`big`']


def test_global_state_changed(run):
    found = run([(False, 'import os'), (True, 'os.environ["D2LMINI_X"] = "1"'), (False, 'del os.environ["D2LMINI_X"]')])
    assert found and 'env' in found[0]


def test_random_numbers_drawn_by_a_hidden_cell(run):
    draw_first = run([(False, 'import torch'), (True, 'torch.rand(1)'), (False, 'x = torch.rand(1)')])
    seed_first = run(
        [(False, 'import torch'), (True, 'torch.rand(1)'), (False, 'torch.manual_seed(1)\nx = torch.rand(1)')]
    )
    untouched = run([(False, 'import torch'), (True, 'torch.rand(1)'), (False, 'y = 1')])
    assert len(draw_first) == 1 and 'torch generator' in draw_first[0] and seed_first == [] and untouched == []


def test_names_read_before_bound():
    assert loaded_names('for t in xs:\n    text = f(t)\n    print(text)') == {'xs', 'f', 'print'}
    assert loaded_names('x = x + 1') == {'x'} and loaded_names('y += 1') == {'y'}
    assert loaded_names('def f(a):\n    return a + b') == {'b'} and loaded_names('[q for q in r]') == {'r'}
    assert loaded_names('import os\nos.getcwd()') == set() and loaded_names('lambda z: z + w') == {'w'}


def test_fingerprints_follow_content():
    import torch

    base = torch.arange(10)
    view = base.unfold(0, 3, 1)
    before = fingerprint({'v': view, 'l': [1, 2]})
    assert fingerprint({'v': view, 'l': [1, 2]}) == before
    base[5] = 0
    assert fingerprint({'v': view, 'l': [1, 2]}) != before


def test_nbval_fails_a_page_whose_reader_notebook_would_differ(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('x = 1', metadata={'tags': ['remove-cell']}),
            nbformat.v4.new_code_cell('print(x)'),
        ]
    )
    nbformat.write(nb, tmp_path / 'page.ipynb')
    result = subprocess.run(
        [
            sys.executable,
            '-m',
            'pytest',
            '-q',
            '-p',
            'no:cacheprovider',
            '-p',
            'tools.reader.nbval_reader',
            '--nbval-lax',
            str(tmp_path / 'page.ipynb'),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and 'reader check: verdict' in result.stdout
    assert 'reads `x`, which cell' in result.stdout, result.stdout[-3000:]


def test_a_cache_folder_named_by_torch_is_not_page_state(run):
    """torch sets TORCHINDUCTOR_CACHE_DIR when torch._dynamo is first imported (the first Adam step): whichever cell
    that is, no page reads it; any other variable still counts."""
    found = run([(False, 'import os'), (True, 'os.environ["TORCHINDUCTOR_CACHE_DIR"] = "/tmp/x"'), (False, 'y = 1')])
    assert found == []
