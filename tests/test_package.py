"""What Colab and Binder install: one list of runtime dependencies, and a wheel that works outside this repository.

The setup cell of every notebook runs ``pip install "d2lmini @ git+<repository>"``: pip builds a wheel from a clean
clone. ``test_wheel_from_a_clean_clone_runs_the_chapter_code`` does the same from this repository's HEAD, installs
the wheel into an empty folder and runs chapter code from a folder outside the repository, with the wheel's copy
first on the path (it asserts that the imported d2lmini is that copy).
"""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((ROOT / 'pyproject.toml').read_text(encoding='utf-8'))


def requirement_lines(path):
    lines = [line.split('#')[0].strip() for line in path.read_text(encoding='utf-8').splitlines()]
    return [line for line in lines if line and not line.startswith('--')]


def test_runtime_dependencies_are_listed_once():
    runtime = {Requirement(r).name for r in pyproject()['project']['dependencies']}
    assert {'torch', 'matplotlib', 'ipywidgets', 'pooch'} <= runtime
    main = requirement_lines(ROOT / 'requirements.txt')
    binder = requirement_lines(ROOT / 'binder' / 'requirements.txt')
    assert main == ['torch==2.13.0', '-e .'], 'requirements.txt: only the CPU torch pin and the package itself'
    assert binder == ['torch==2.13.0'], 'binder/requirements.txt: the same torch pin; postBuild installs the rest'
    assert 'pip install -e .' in (ROOT / 'binder' / 'postBuild').read_text()


def test_the_torch_pin_satisfies_the_package():
    torch_spec = next(Requirement(r) for r in pyproject()['project']['dependencies'] if r.startswith('torch'))
    assert torch_spec.specifier.contains('2.13.0')


def test_the_setup_cell_and_the_book_name_one_repository():
    config = (ROOT / '_config.yml').read_text(encoding='utf-8')
    url = re.search(r'^\s*url:\s*(\S+)', config, re.M).group(1)
    assert '{repo_url}' in (ROOT / 'tools' / 'setup_cell.txt').read_text()
    pages = list((ROOT / 'chapters').glob('*/*.md'))
    assert pages and all(f'd2lmini @ git+{url}' in p.read_text(encoding='utf-8') for p in pages)
    # Prose links into this repository (e.g. to BENCHMARKS.md) use the same address: any GitHub repository a page
    # links to is this one or a named outside project, so a changed repository.url leaves no stale link behind.
    outside = {'pytorch/pytorch', 'd2l-ai/d2l-en', 'd2l-ai/d2l-zh'}
    this = '/'.join(url.rstrip('/').split('/')[-2:])
    linked = {
        m.group(1)
        for p in pages
        for m in re.finditer(r'https://github\.com/([\w.-]+/[\w.-]+)', p.read_text(encoding='utf-8'))
    }
    assert this in linked and linked <= outside | {this}, linked - outside - {this}


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('wheel')
    subprocess.run(['git', 'clone', '--quiet', '--depth', '1', f'file://{ROOT}', str(tmp / 'clone')], check=True)
    subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--quiet', '--no-deps', '-w', str(tmp / 'dist'), str(tmp / 'clone')],
        check=True,
        timeout=300,
    )
    return next((tmp / 'dist').glob('d2lmini-*.whl'))


def test_the_wheel_declares_the_pyproject_dependencies(wheel):
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(next(n for n in zf.namelist() if n.endswith('.dist-info/METADATA'))).decode()
        names = zf.namelist()
    declared = sorted(
        line.split(':', 1)[1].strip() for line in metadata.splitlines() if line.startswith('Requires-Dist:')
    )
    base = [d for d in declared if 'extra ==' not in d]
    from packaging.requirements import Requirement

    pin = lambda r: f'{r.name}{r.specifier}'  # noqa: E731
    extras = sorted(pin(Requirement(d)) for d in declared if 'extra == "frameworks"' in d)
    assert base == sorted(pyproject()['project']['dependencies'])
    assert extras == sorted(pin(Requirement(r)) for r in pyproject()['project']['optional-dependencies']['frameworks'])
    assert len(declared) == len(base) + len(extras)  # no other extra
    for asset in (
        'generators/generator-math.js',
        'generators/generator-page.js',
        'generators/generator.css',
        'display/_labels_zh_hant.py',
        'display/editions.py',
        'book/recorded/speed.json',
        'book/recorded/init.json',
        'book/recorded/frameworks.json',
        'book/autoregressive.py',
    ):
        assert f'd2lmini/{asset}' in names, f'{asset} is missing from the wheel'


CHAPTER_CODE = textwrap.dedent("""
    import sys, torch, d2lmini as d2l
    from d2lmini.generators import export, widgets
    assert d2l.__file__.startswith(sys.argv[1]), d2l.__file__
    torch.manual_seed(0)
    data = d2l.TimeMachine(batch_size=256, num_steps=16, num_train=1024, num_val=256)
    model = d2l.RNNLM(d2l.RNN(len(data.vocab), 16), vocab_size=len(data.vocab), lr=1)
    trainer = d2l.Trainer(max_epochs=2, gradient_clip_val=1, progress=False)
    trainer.fit(model, data)
    assert trainer.summary['val_ppl'] < 28, trainer.summary
    html = export.html_generator(model, data.vocab, lang='zh-hant').data
    assert 'd2lminiMath' in html and '前綴' in html
    assert widgets.generation_panel(model, data.vocab, lang='zh').button.description == '生成'
    from d2lmini.book import init_study, speed
    assert speed.recorded() and init_study.recorded()  # the recorded studies ship inside the package
    print('ok', len(model.predict('it has', 10, data.vocab)))
""")


def test_wheel_from_a_clean_clone_runs_the_chapter_code(wheel, tmp_path):
    target = tmp_path / 'site'
    subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps', '--target', str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    script = tmp_path / 'chapter.py'
    script.write_text(CHAPTER_CODE, encoding='utf-8')
    env = {k: v for k, v in __import__('os').environ.items() if k != 'PYTHONPATH'}
    env.update(PYTHONPATH=str(target), MPLBACKEND='Agg')
    result = subprocess.run(
        [sys.executable, str(script), str(target)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == 'ok 16'
