"""The book's maintenance scripts, one module each (``tools/README.md`` lists them with a line apiece).

Run one from the repository root as a module, ``python -m tools.NAME [...]``; scripts import each other as
``from tools.NAME import ...`` and tests as ``from tools import NAME`` (pytest's ``pythonpath`` holds the root).
Nothing here is part of the d2lmini wheel.
"""
