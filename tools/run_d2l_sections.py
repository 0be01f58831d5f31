"""Run D2L's own PyTorch cells of §9.1–§9.6 against d2lmini, cell by cell in a Jupyter kernel, and print a table.

    python -m tools.run_d2l_sections PATH [--sections rnn-concise,...] [--max-epochs N] [--d2l] [--json OUT]

PATH is a d2l-en checkout (a work tree) or a git repository without one (e.g. a mirror): the section files are read
from ``PATH/chapter_recurrent-neural-networks/`` or with ``git show REV:...``. Each section becomes a notebook of
its PyTorch cells (``%%tab pytorch``, ``%%tab all`` and lists naming pytorch; d2lbook's own tab-loading cell is left
out) in which the only change is the import: ``from d2l import torch as d2l`` becomes ``import d2lmini as d2l``
(``--d2l`` keeps D2L's import, to run the same cells on D2L's package). A harness cell before them defines the
``tab`` object that d2lbook provides, answering ``tab.selected('pytorch')`` with True; a harness cell after them
reads the last model's final validation perplexity from ``model.board.data`` (which both packages fill).
Every section runs in a fresh kernel (a section's ``add_to_class`` changes must not leak into the next) whose
working folder is a temporary ``work/`` beside a ``data/`` holding a copy of ``timemachine.txt`` from d2lmini's
data folder (``$D2LMINI_DATA_DIR`` or its cache, downloaded and verified there if missing; ``$D2LMINI_DATA_URL``
names a mirror), so D2L's ``../data`` finds the file offline. Figures are closed after each cell, as the inline
backend does.

``--max-epochs N`` caps ``Trainer(max_epochs=...)`` from the harness cell (the cells stay unchanged), so a test
can run every cell in seconds; the table then says so.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHAPTER = 'chapter_recurrent-neural-networks'
SECTIONS = {
    'sequence': '§9.1',
    'text-sequence': '§9.2',
    'language-model': '§9.3',
    'rnn-scratch': '§9.5',
    'rnn-concise': '§9.6',
}
D2L_IMPORT = 'from d2l import torch as d2l'
OUR_IMPORT = 'import d2lmini as d2l'

HARNESS = '''
class _Tab:
    """d2lbook's ``tab`` as a PyTorch notebook sees it."""
    def selected(self, *names):
        return 'pytorch' in names
    def interact_select(self, *names):
        pass
tab = _Tab()
'''
CAP_EPOCHS = """
import functools
import {module} as _d2l
_init = _d2l.Trainer.__init__
@functools.wraps(_init)
def _capped_init(self, max_epochs, *args, **kwargs):
    _init(self, min(max_epochs, {cap}), *args, **kwargs)
_d2l.Trainer.__init__ = _capped_init
"""
PROBE = """
import json as _json
_model = globals().get('model')
_board = getattr(_model, 'board', None)
_points = getattr(_board, 'data', {}).get('val_ppl') if _board is not None else None
print('HARNESS-PROBE ' + _json.dumps({'val_ppl': float(_points[-1].y) if _points else None}))
"""
CLOSE_FIGURES = "import matplotlib.pyplot as _plt; _plt.close('all')"


def read_section(path, name, rev='HEAD'):
    """The markdown of section ``name`` from a work tree or, failing that, from git at ``rev``."""
    path = Path(path)
    file = path / CHAPTER / f'{name}.md'
    if file.is_file():
        return file.read_text(encoding='utf-8')
    out = subprocess.run(['git', '-C', str(path), 'show', f'{rev}:{CHAPTER}/{name}.md'], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(
            f'{path} is neither a d2l-en work tree nor a git repository holding {CHAPTER}/{name}.md: '
            f'{out.stderr.strip()}'
        )
    return out.stdout


def pytorch_cells(markdown):
    """The code of every ``{.python .input}`` cell that a PyTorch reader runs, without its ``%%tab`` line."""
    cells, lines, inside = [], [], False
    for line in markdown.splitlines():
        if not inside and line.startswith('```{.python .input'):
            inside, lines = True, []
        elif inside and line.strip() == '```':
            inside = False
            cells.append(lines)
        elif inside:
            lines.append(line)
    keep = []
    for lines in cells:
        head = lines[0].strip() if lines else ''
        if head.startswith('%%tab'):
            tabs = {t.strip() for t in head[len('%%tab') :].split(',')}
            if not tabs & {'all', 'pytorch'}:
                continue
            lines = lines[1:]
        elif head.startswith('%load_ext d2lbook'):
            continue  # d2lbook's tab machinery; the harness cell stands in for it
        keep.append('\n'.join(lines).strip('\n'))
    return keep


def as_reader_runs_it(cell, ours=True):
    """The cell with only the import line changed (when ``ours``)."""
    return cell.replace(D2L_IMPORT, OUR_IMPORT) if ours else cell


def first_line(text, width=110):
    text = ' '.join(text.split())
    return text if len(text) <= width else text[: width - 1] + '…'


def run_section(cells, ours=True, max_epochs=None, timeout=1800):
    """Run ``cells`` in a fresh kernel: ``{'ok', 'total', 'failure', 'seconds', 'val_ppl', 'axes', 'last_output'}``."""
    import nbclient
    import nbformat

    from d2lmini import download_timemachine

    module = 'd2lmini' if ours else 'd2l.torch'
    harness = HARNESS + (CAP_EPOCHS.format(module=module, cap=max_epochs) if max_epochs else '')
    code = [harness] + [as_reader_runs_it(c, ours) for c in cells] + [PROBE]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in code])
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / 'data').mkdir()
        (Path(tmp) / 'work').mkdir()
        source = download_timemachine()  # verified, from the data folder (downloaded there once if missing)
        shutil.copyfile(source, Path(tmp) / 'data' / source.name)
        client = nbclient.NotebookClient(
            nb,
            timeout=timeout,
            allow_errors=True,
            kernel_name='python3',
            resources={'metadata': {'path': str(Path(tmp) / 'work')}},
        )
        result = {
            'total': len(cells),
            'ok': 0,
            'failure': None,
            'seconds': [],
            'axes': [],
            'val_ppl': None,
            'last_output': None,
        }
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                start = time.perf_counter()
                client.execute_cell(cell, index)
                seconds = time.perf_counter() - start
                client.execute_cell(nbformat.v4.new_code_cell(CLOSE_FIGURES), index)
                record(result, index, cell, seconds, len(code))
    return result


def record(result, index, cell, seconds, num_code):
    """Fold one executed cell's outputs into ``result`` (harness cells are not counted)."""
    errors = [o for o in cell.outputs if o.output_type == 'error']
    if index == num_code - 1:  # the probe
        for o in cell.outputs:
            for line in getattr(o, 'text', '').splitlines():
                if line.startswith('HARNESS-PROBE '):
                    result['val_ppl'] = json.loads(line.split(' ', 1)[1])['val_ppl']
        return
    if index == 0:
        if errors:
            result['failure'] = f'harness: {errors[0].ename}: {first_line(errors[0].evalue)}'
        return
    result['seconds'].append(round(seconds, 2))
    shown = [o['data']['text/plain'] for o in cell.outputs if 'text/plain' in o.get('data', {})]
    result['last_output'] = first_line(shown[-1]) if shown else None
    if any('<Axes' in o.get('data', {}).get('text/plain', '') for o in cell.outputs):
        result['axes'].append(index)
    if errors:
        if result['failure'] is None:
            result['failure'] = f'cell {index}: {errors[0].ename}: {first_line(errors[0].evalue)}'
    else:
        result['ok'] += 1


def table(results, note=''):
    rows = [
        '| section | cells run / total | first failure | stray `<Axes>` lines | seconds | val ppl |',
        '|---|---|---|---|---|---|',
    ]
    for name, r in results.items():
        ppl = f'{r["val_ppl"]:.2f}' if r['val_ppl'] is not None else ''
        rows.append(
            f'| {SECTIONS[name]} {name} | {r["ok"]} of {r["total"]} | {r["failure"] or "none"} | '
            f'{len(r["axes"])} | {sum(r["seconds"]):.0f} | {ppl} |'
        )
    return '\n'.join(rows) + (f'\n\n{note}' if note else '')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('path', help='a d2l-en checkout or git repository (e.g. a mirror)')
    parser.add_argument('--rev', default='HEAD', help='git revision, when PATH has no work tree')
    parser.add_argument('--sections', default=','.join(SECTIONS), help='comma-separated section file names')
    parser.add_argument('--max-epochs', type=int, default=None, help='cap every Trainer at this many epochs')
    parser.add_argument('--d2l', action='store_true', help="keep D2L's import (run on D2L's own package)")
    parser.add_argument('--json', help='also write the results as JSON to this file')
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.sections.split(',') if n.strip()]
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        parser.error(f'unknown sections {unknown}; choose from {sorted(SECTIONS)}')
    results = {}
    for name in names:
        results[name] = run_section(
            pytorch_cells(read_section(args.path, name, args.rev)), ours=not args.d2l, max_epochs=args.max_epochs
        )
        print(f'{name}: {results[name]}', file=sys.stderr, flush=True)
    note = f'Trainer capped at {args.max_epochs} epochs by the harness.' if args.max_epochs else ''
    package = "D2L's d2l.torch" if args.d2l else f'd2lmini ({os.environ.get("PYTHONPATH") or "installed"})'
    print(f'D2L sections from {args.path} ({args.rev}) on {package}\n')
    print(table(results, note))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding='utf-8')
    return 0 if all(r['failure'] is None for r in results.values()) else 1


if __name__ == '__main__':
    sys.exit(main())
