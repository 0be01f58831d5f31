"""tools/run_d2l_sections.py: which cells it extracts, how it scores them, and (given a d2l-en checkout) D2L's own
PyTorch cells of §9.1–§9.6 running on d2lmini with only the import changed.

D2L's cells run when ``D2L_EN_PATH`` names a d2l-en work tree or git mirror, or ``make d2l-en`` has fetched
``$D2L_EN_GIT`` (one kernel per section, training capped at one epoch); that test carries the ``d2l`` marker, so
without a copy it fails unless deselected (``make unit`` deselects it, and says so).
"""

import json

import nbformat
import pytest

from tools import run_d2l_sections as tool

FENCE = '```'
MARKDOWN = f"""# A made-up section

{FENCE}{{.python .input}}
%load_ext d2lbook.tab
tab.interact_select('mxnet', 'pytorch')
{FENCE}

{FENCE}{{.python .input}}
%%tab mxnet
from d2l import mxnet as d2l
{FENCE}

{FENCE}{{.python .input  n=3}}
%%tab pytorch
from d2l import torch as d2l
{FENCE}

Some prose with code `x = 1`.

{FENCE}{{.python .input}}
%%tab mxnet, pytorch
y = d2l.zeros(3)
{FENCE}

{FENCE}{{.python .input}}
%%tab all
if tab.selected('pytorch'):
    z = 2
{FENCE}

{FENCE}python
not_a_cell = True
{FENCE}
"""


def test_extracts_the_cells_a_pytorch_reader_runs():
    cells = tool.pytorch_cells(MARKDOWN)
    assert cells == ['from d2l import torch as d2l', 'y = d2l.zeros(3)', "if tab.selected('pytorch'):\n    z = 2"]
    assert tool.as_reader_runs_it(cells[0]) == 'import d2lmini as d2l'
    assert tool.as_reader_runs_it(cells[0], ours=False) == cells[0]


def executed(outputs):
    return nbformat.v4.new_code_cell('x', outputs=[nbformat.from_dict(o) for o in outputs])


def test_scores_cells_first_failure_and_stray_axes():
    result = {'total': 3, 'ok': 0, 'failure': None, 'seconds': [], 'axes': [], 'val_ppl': None}
    error = {'output_type': 'error', 'ename': 'AttributeError', 'evalue': "no attribute 'randn'", 'traceback': []}
    axes = {
        'output_type': 'execute_result',
        'execution_count': 1,
        'metadata': {},
        'data': {'text/plain': '<Axes: xlabel="time">'},
    }
    probe = {'output_type': 'stream', 'name': 'stdout', 'text': 'HARNESS-PROBE {"val_ppl": 7.25}\n'}
    for index, outputs in enumerate([[], [axes], [error], [], [probe]]):  # harness, 3 cells, probe
        tool.record(result, index, executed(outputs), 0.5, num_code=5)
    assert result['ok'] == 2 and result['axes'] == [1] and result['val_ppl'] == 7.25
    assert result['failure'] == "cell 2: AttributeError: no attribute 'randn'"
    assert '| 2 of 3 |' in tool.table({'rnn-concise': result})


@pytest.mark.d2l
def test_d2l_sections_run_on_d2lmini(tmp_path, capsys, d2l_en):
    out = tmp_path / 'results.json'
    status = tool.main([str(d2l_en), '--max-epochs', '1', '--json', str(out)])
    table = capsys.readouterr().out
    assert status == 0, table
    results = json.loads(out.read_text())
    assert set(results) == set(tool.SECTIONS)
    assert all(r['ok'] == r['total'] > 0 and not r['axes'] for r in results.values()), table
    for name in ('rnn-scratch', 'rnn-concise'):  # one epoch: well below uniform (28), far from trained (~7)
        assert 10 < results[name]['val_ppl'] < 28, table
