"""Fetch the book's third-party JavaScript from the npm registry into ``_vendor/`` (gitignored), pinned and verified.

    python -m tools.vendor_js            # idempotent: does nothing when _vendor/ already holds these versions

``_vendor`` is an ``html_static_path`` folder, so it is served as ``_static/`` in the build. It holds MathJax 3.2.2,
loaded as ``mathjax/es5/tex-mml-chtml.js``, and only the files that script can load: the CHTML fonts, the TeX
extensions it autoloads for rarer macros, and the accessibility components its menu loads on request (``a11y/``,
``sre/``). The other prebuilt combinations (SVG output, node builds, ...) are never requested and are not copied.
Each tarball's SHA-512 must match the integrity npm published, so a changed upstream file fails loudly.
Needs ``npm`` (any version that has ``npm pack``) and access to the npm registry.
"""

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / '_vendor'
STAMP = VENDOR / 'VERSIONS.txt'
# (npm spec, published integrity, [(path inside the package, destination under _vendor)])
MATHJAX_FILES = ['tex-mml-chtml.js', 'output/chtml/fonts/woff-v2', 'input/tex/extensions', 'a11y', 'sre']
PACKAGES = [
    (
        'mathjax@3.2.2',
        'sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==',
        [(f'es5/{path}', f'mathjax/es5/{path}') for path in MATHJAX_FILES],
    ),
]


def stamp_text():
    return ''.join(f'{spec} {integrity} {files}\n' for spec, integrity, files in PACKAGES)


def integrity_of(path):
    return 'sha512-' + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def npm_pack(spec, integrity, workdir):
    """Download one package tarball with ``npm pack`` and check it against the pinned integrity."""
    try:
        out = (
            subprocess.run(['npm', 'pack', '--silent', spec], cwd=workdir, check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()
        )
    except FileNotFoundError:
        sys.exit('npm was not found: install Node.js (e.g. `apt-get install -y nodejs npm`) and rerun.')
    except subprocess.CalledProcessError as err:
        sys.exit(f'`npm pack {spec}` failed (is the npm registry reachable?):\n{err.stderr.strip()}')
    tarball = Path(workdir) / out[-1]
    got = integrity_of(tarball)
    if got != integrity:
        sys.exit(f'{spec}: the tarball has integrity {got}, expected {integrity}; refusing to use it.')
    return tarball


def unpack(tarball, dest):
    with tarfile.open(tarball) as tar:
        if hasattr(tarfile, 'data_filter'):  # Python >= 3.11.4 (and security backports)
            tar.extractall(dest, filter='data')
        else:  # e.g. Debian 12's Python 3.11.2: refuse links and paths that leave dest, then extract
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()) or member.name.startswith('/') or '..' in member.name:
                    sys.exit(f'{tarball.name}: refusing the tar member {member.name!r}')
            tar.extractall(dest)
    return Path(dest) / 'package'


def install(package_dir, src, dst):
    source, target = package_dir / src, VENDOR / dst
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)


def main():
    if STAMP.is_file() and STAMP.read_text() == stamp_text():
        print(f'{VENDOR.relative_to(ROOT)}/ is up to date.')
        return
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as tmp:
        for i, (spec, integrity, files) in enumerate(PACKAGES):
            package_dir = unpack(npm_pack(spec, integrity, tmp), Path(tmp) / str(i))
            for src, dst in files:
                install(package_dir, src, dst)
            print(f'vendored {spec}')
    STAMP.write_text(stamp_text())


if __name__ == '__main__':
    main()
