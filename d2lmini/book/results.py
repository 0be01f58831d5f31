"""Committed measurement files (``d2lmini/book/recorded/*.json``): read them, and update one row at a time.

A results file is ``{"about": "...", "rows": [row, ...]}``: one row per device (or per machine and thread count),
each with its date and the command that produced it. Benchmark scripts add or replace their own row with
``update``; every other row is kept, so a GPU row recorded on another machine survives a CPU rerun here.
The files live inside the package so that a notebook on Colab (which installs d2lmini from git) can read them.

A file that cannot be read as such a document is never overwritten: ``update`` raises and says how to repair it.
"""

import base64
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from ..display.labels import label

RESULTS_DIR = Path(__file__).resolve().parent / 'recorded'


def path_of(name):
    """``d2lmini/book/recorded/<name>.json`` for a bare name such as ``'speed'``; a path is returned as it is."""
    return Path(name) if Path(name).suffix == '.json' else RESULTS_DIR / f'{name}.json'


def read(name):
    """The document ``{"about": ..., "rows": [...]}``; a missing file reads as no rows."""
    path = path_of(name)
    if not path.exists():
        return {'about': '', 'rows': []}
    try:
        doc = json.loads(path.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(
            f'{path} is not valid JSON ({err}). Restore it with `git checkout -- {path.name}` '
            'in its folder, or move it away to start a new file.'
        ) from err
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get('rows'), list)
        or not all(isinstance(row, dict) for row in doc['rows'])
    ):
        raise ValueError(
            f'{path} is not a results file: expected {{"about": ..., "rows": [{{...}}, ...]}}. '
            'Restore it from git, or move it away to start a new file.'
        )
    return doc


def update(name, row, key, about=None):
    """Add ``row`` to the file, replacing the row whose ``key`` fields are equal; returns 'added' or 'replaced'.

    The file is written to a temporary file first and then renamed, so an interrupted run leaves the old file.
    """
    missing = [k for k in key if k not in row]
    if missing:
        raise ValueError(f'the row lacks the key fields {missing}; it has {sorted(row)}.')
    path = path_of(name)
    doc = read(path)  # raises on a damaged file, before anything is written
    same = [i for i, old in enumerate(doc['rows']) if all(old.get(k) == row[k] for k in key)]
    status = 'replaced' if same else 'added'
    doc['rows'] = [old for i, old in enumerate(doc['rows']) if i not in same] + [row]
    if about is not None:
        doc['about'] = about
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix='.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write('\n')
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return status


def caption(records, lang):
    """Where recorded rows come from, for a table's caption: the commands that wrote them (None if none is named)."""
    commands = sorted({r['command'] for r in records if r.get('command')})
    return label('commands', lang).format(commands='; '.join(commands)) if commands else None


def encode_state(state_dict):
    """A model's ``state_dict`` as JSON-ready text: per tensor its shape and float32 little-endian bytes in base64."""
    out = {}
    for name, tensor in state_dict.items():
        t = tensor.detach().to('cpu', torch.float32).contiguous()
        out[name] = {
            'shape': list(t.shape),
            'float32_le_base64': base64.b64encode(np.asarray(t.numpy(), dtype='<f4').tobytes()).decode(),
        }
    return out


def decode_state(encoded):
    """Inverse of ``encode_state``: ``{name: float32 tensor}``, ready for ``model.load_state_dict``."""
    out = {}
    for name, spec in encoded.items():
        values = np.frombuffer(base64.b64decode(spec['float32_le_base64'], validate=True), dtype='<f4')
        out[name] = torch.tensor(values.copy()).reshape(spec['shape'])
    return out


def chapter_model(name='chapter_model'):
    """The newest recorded weights of the chapter's trained model (``benchmarks/record_chapter_model.py``):
    ``(state_dict, row)``, the row holding how they were made (seeds, epochs, device, date, command)."""
    rows = read(name)['rows']
    if not rows:
        raise FileNotFoundError(f'{path_of(name)} has no recorded model: run benchmarks/record_chapter_model.py')
    return decode_state(rows[-1]['state_dict']), rows[-1]
