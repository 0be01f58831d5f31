"""One search index that finds Chinese words in both scripts and English words (stemmed).

The book has English, Simplified and Traditional Chinese pages but a single search index, built for one
``html_search_language``. With English, Sphinx splits only at spaces and punctuation, so a whole Chinese clause
becomes one term and most two-character words are never found. Sphinx's Chinese language (``zh``) segments the
text with jieba and also indexes the Latin words in it, stemmed, so it serves all three editions at once. This
extension registers its own ``zh`` language (``app.add_search_language``) that fixes three things for this book:

1. Traditional Chinese. jieba's dictionary is Simplified: 訓練 or 困惑度 fall apart into single characters or wrong
   words. The tokenizer here also knows every dictionary word in its Traditional spelling, converted by the same
   OpenCC config and glossary as chapters/zh-hant (``tools/zh_hant_convert.py``) and by plain character
   conversion, with the word's frequency, so both editions segment alike. Book words that jieba lacks
   (困惑度, 梯度裁剪...) come from ``_ext/search_words.txt`` and go in in both scripts.
2. Stemming. Sphinx 7.4's ``zh`` stems Latin words with Porter2 in Python but sends the Porter stemmer to the
   browser, so a query could stem differently from the index ("quickly": quick vs quickli). Both sides use Porter
   here, as Sphinx's English language does.
3. Two-character words inside other words. jieba cuts a text into one reading of it, and a word that straddles
   two of its pieces is lost: 首先在 is cut 首先/在, so 先在 was not found on pages that use it; a page that
   uses 个数 only inside 参数个数 was not found for 个数. Two characters is the shortest query a reader types,
   so every pair of neighbouring Chinese characters is indexed too (``han_bigrams``): a two-character query finds
   every page that contains it, as a reader expects. Longer queries are matched as before (jieba's words, and
   from three characters on Sphinx's partial match inside longer indexed words).
4. Without jieba, Sphinx's ``zh`` silently indexes no Chinese words; here the build stops and says what to install.

Trade-offs: the pairs make the index larger (every pair of the book's text, 4,348 terms become 9,421 and
searchindex.js grows from 111 to 224 kB today) and some pairs are not words (在训); they only ever match pages
that contain them.
The tokenizer is our own ``jieba.Tokenizer``, so jieba's global one is left alone, and the ~240,000
converted words are added in memory on every build (4-6 s on a busy 2-core machine) rather than cached in a file
that could go stale.
The browser does not segment queries: it splits them at spaces and punctuation only, so a phrase typed without
spaces is found only where the index holds it as one word (or, from three characters on, inside a longer one).
"""

import logging
import re
from pathlib import Path

import snowballstemmer
from sphinx.errors import ExtensionError
from sphinx.search.zh import SearchChinese

from zh_hant_pages import page_converter

BOOK_WORDS = Path(__file__).with_name('search_words.txt')
HAN_RUN = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}')


def traditional_converters():
    """The page conversion (tools/zh_hant_convert.py: OpenCC s2twp and the glossary) and OpenCC's plain s2t.

    The first gives the words as the zh-hant pages spell them (数据 -> 資料); the second keeps the character-level
    spelling of words that s2twp replaces but the glossary puts back inside longer terms (循环 -> 循環, which s2twp
    makes 迴圈 but 循環神經網路 keeps), and the spelling a reader may type (數據).
    """
    import opencc

    return [page_converter(), opencc.OpenCC('s2t').convert]


def traditional_entries(lines, converters):
    """jieba dictionary lines ``word freq [tag]`` -> ``(word, freq, tag)`` of their other Traditional spellings."""
    entries = [line.split() for line in lines if line.strip()]
    words = [fields[0] for fields in entries]
    seen, found = set(words), []
    for convert in converters:
        converted = convert('\n'.join(words)).split('\n')
        if len(converted) != len(entries):
            raise ExtensionError('zh_search: a Traditional conversion changed the number of dictionary lines')
        for fields, hant in zip(entries, converted):
            if hant not in seen:
                seen.add(hant)
                found.append((hant, fields[1], fields[2] if len(fields) > 2 else None))
    return found


def book_words(converters, path=BOOK_WORDS):
    """The words of ``path`` (``#`` lines skipped) in every spelling, first seen first."""
    words = [
        line.strip()
        for line in Path(path).read_text(encoding='utf-8').splitlines()
        if line.strip() and not line.startswith('#')
    ]
    return list(dict.fromkeys(words + [convert(word) for convert in converters for word in words]))


def make_tokenizer(converters, user_dict=None, words_path=BOOK_WORDS):
    """A jieba tokenizer that knows the default dictionary in both scripts and the book's words."""
    try:
        import jieba
    except ImportError:
        raise ExtensionError(
            "html_search_language 'zh' needs jieba to find Chinese words: "
            'pip install jieba (it is in requirements-dev.txt)'
        ) from None
    logging.getLogger('jieba').setLevel(logging.WARNING)  # no "Loading model from cache" lines in the build log
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with tokenizer.get_dict_file() as f:
        lines = f.read().decode('utf-8').splitlines()
    for word, freq, tag in traditional_entries(lines, converters):
        tokenizer.add_word(word, freq, tag)
    for word in book_words(converters, words_path):
        tokenizer.add_word(word)  # no frequency: jieba picks one that keeps the word whole
    if user_dict:  # Sphinx's html_search_options {'dict': path} keeps its meaning
        tokenizer.load_userdict(user_dict)
    return tokenizer


class SearchChineseAndEnglish(SearchChinese):
    """Sphinx's ``zh`` with a tokenizer for both scripts and the stemmer the browser uses."""

    lang = 'zh'
    language_name = 'Chinese and English'

    def init(self, options):
        self.tokenizer = make_tokenizer(traditional_converters(), options.get('dict'))
        self.stemmer = snowballstemmer.stemmer('porter')  # the JavaScript side (js_stemmer_code) is Porter
        self.latin_terms = set()  # SearchChinese keeps a list shared by every instance (class attribute)

    def split(self, input):
        chinese = list(self.tokenizer.cut_for_search(input)) + han_bigrams(input)
        latin = self.latin1_letters.findall(input)
        self.latin_terms.update(latin)
        return chinese + latin


def han_bigrams(text):
    """Every two consecutive Chinese characters of ``text``: '首先在训练' -> 首先 先在 在训 训练."""
    return [run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1)]


def setup(app):
    app.add_search_language(SearchChineseAndEnglish)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
