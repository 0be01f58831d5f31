"""Navigation that keeps a reader inside the edition (English, 简体中文, 繁體中文) of the page they are reading.

The book is one table of contents with a part per edition, so Sphinx's reading order runs from the last English
page into the first Simplified one, and the sidebar lists all three parts. On a chapter page this extension

- drops a previous/next link that leads into another edition; the first page of an edition links back to the
  landing page instead (as the English one already does), the last links nowhere;
- shows only the edition's own part in the sidebar (the landing page keeps all three: it is where a reader picks
  one). The language switcher at the top of every chapter page stays the way to change editions.

Pages outside chapters/<lang>/ (the landing page, search, the index) are left as Sphinx makes them.
Trade-off: the sidebar is filtered in the HTML that the theme's ``generate_toctree_html`` returns (parsed with
BeautifulSoup, which the theme already uses), because the theme offers no hook to leave toctree parts out per page.
"""

from posixpath import dirname, join, normpath

from bs4 import BeautifulSoup
from markupsafe import Markup

from page_language import FOLDERS


def edition(docname):
    """'chapters/zh/' for 'chapters/zh/rnn-concise'; ``None`` for pages outside the editions."""
    return next((folder for folder in FOLDERS if docname.startswith(folder)), None)


def _docname_of(link, pagename, app):
    """The docname a prev/next ``link`` (relative URL, as the theme writes it) points to."""
    target = normpath(join(dirname(pagename), link.split('#')[0]))
    suffix = app.builder.link_suffix
    return target[: -len(suffix)] if target.endswith(suffix) else target


def keep_links_in_edition(app, pagename, context):
    own = edition(pagename)
    if own is None:
        return
    for key in ('prev', 'next'):
        link = context.get(key)
        if link and edition(_docname_of(link['link'], pagename, app)) != own:
            context[key] = (
                None
                if key == 'next'
                else {
                    'link': context['pathto'](app.config.root_doc),
                    'title': app.env.titles[app.config.root_doc].astext(),
                }
            )
    context['rellinks'] = [
        rel for rel in context.get('rellinks', []) if rel[0] in ('genindex', 'search') or edition(rel[0]) in (own, None)
    ]


def sidebar_of_edition(html, own, pagename):
    """The sidebar toctree ``html`` with only the part (caption and list) whose pages are in ``own``."""
    soup = BeautifulSoup(str(html), 'html.parser')
    for caption in soup.find_all('p', class_='caption', recursive=False):
        part = caption.find_next_sibling('ul')
        hrefs = [a['href'] for a in part.find_all('a', href=True)] if part else []
        targets = [pagename if href.startswith('#') else normpath(join(dirname(pagename), href)) for href in hrefs]
        if not any(edition(target) == own for target in targets):
            caption.decompose()
            if part is not None:
                part.decompose()
    return Markup(str(soup))


def filter_sidebar(pagename, context):
    own, generate = edition(pagename), context.get('generate_toctree_html')
    if own is None or generate is None:
        return

    def generate_for_edition(kind, *args, **kwargs):
        html = generate(kind, *args, **kwargs)
        return sidebar_of_edition(html, own, pagename) if kind == 'sidebar' else html

    context['generate_toctree_html'] = generate_for_edition


def stay_in_edition(app, pagename, templatename, context, doctree):
    keep_links_in_edition(app, pagename, context)
    filter_sidebar(pagename, context)


def setup(app):
    app.connect('html-page-context', stay_in_edition, priority=940)  # after the theme's toctree functions (500)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
