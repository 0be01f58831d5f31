"""The reader notebooks (notebooks/<lang>/<page>.ipynb): the converter and nbval's proof that they run as the pages do.

``python -m tools.reader.reader_notebooks`` writes them (``make notebooks`` does it after executing the pages);
``-p tools.reader.nbval_reader`` makes ``make nbval`` check the hidden cells. See tools/README.md.
"""
