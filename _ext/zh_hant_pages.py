"""The conversion that makes chapters/zh-hant (tools/zh_hant_convert.py), for the book's Sphinx extensions."""

import importlib.util
from functools import cache
from pathlib import Path

CONVERTER = Path(__file__).resolve().parents[1] / 'tools' / 'zh_hant_convert.py'


@cache
def page_converter(path=CONVERTER):
    """``convert_text``: OpenCC s2twp, then the book's glossary (tools/zh_hant_glossary.tsv)."""
    spec = importlib.util.spec_from_file_location('zh_hant_convert', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.convert_text
