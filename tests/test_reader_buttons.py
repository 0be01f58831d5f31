"""_ext/reader_buttons.py: the theme's launch and download buttons are pointed at the reader notebooks."""

from pathlib import Path
from types import SimpleNamespace

import reader_buttons  # _ext/, on pytest's pythonpath

ROOT = Path(__file__).resolve().parents[1]


def buttons(pagename):
    """The header buttons sphinx-book-theme makes for ``pagename`` (as in 1.3: groups of labelled links)."""
    return [
        {
            'label': 'download-buttons',
            'buttons': [
                {'label': 'download-source-button', 'url': f'../../_sources/{pagename}.ipynb'},
                {'label': 'download-pdf-button', 'url': '#'},
            ],
        },
        {
            'label': 'launch-buttons',
            'buttons': [
                {'label': 'binder', 'url': f'https://mybinder.org/v2/gh/o/r/main?urlpath=tree/{pagename}.ipynb'},
                {'label': 'colab', 'url': f'https://colab.research.google.com/github/o/r/blob/main/{pagename}.ipynb'},
                {'label': 'thebe', 'url': None},
            ],
        },
        {'label': 'repository', 'url': 'https://github.com/o/r'},
    ]


def redirected(pagename, srcdir=ROOT):
    context = {'header_buttons': buttons(pagename), 'pathto': lambda target, resource: f'../../{target}'}
    reader_buttons.redirect(SimpleNamespace(srcdir=str(srcdir)), pagename, 'page.html', context, None)
    return [b.get('url') for group in context['header_buttons'] for b in group.get('buttons', [])]


def test_launch_and_download_open_the_reader_notebook():
    assert (ROOT / 'notebooks' / 'zh' / 'rnn-concise.ipynb').is_file()
    assert redirected('chapters/zh/rnn-concise') == [
        '../../_notebooks/zh/rnn-concise.ipynb',
        '#',
        'https://mybinder.org/v2/gh/o/r/main?urlpath=tree/notebooks/zh/rnn-concise.ipynb',
        'https://colab.research.google.com/github/o/r/blob/main/notebooks/zh/rnn-concise.ipynb',
        None,
    ]


def test_pages_outside_chapters_keep_their_buttons():
    assert redirected('index') == [b.get('url') for g in buttons('index') for b in g.get('buttons', [])]


def test_a_missing_reader_notebook_is_a_warning(tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(reader_buttons.logger, 'warning', lambda message, **kw: warnings.append(message))
    assert redirected('chapters/en/new-page', srcdir=tmp_path)[2].endswith('tree/chapters/en/new-page.ipynb')
    assert warnings and 'make notebooks' in warnings[0]
