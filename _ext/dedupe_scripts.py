"""Drop repeated inline/linked scripts from each page's <head>.

With Jupyter Book 1.0.4 the ``env-before-read-docs`` handlers of sphinx-thebe and sphinx-togglebutton run twice,
so every page declares ``const THEBE_JS_URL`` twice and the browser reports "Identifier 'THEBE_JS_URL' has already
been declared". Keeping the first of identical entries removes the error without touching either extension.
"""


def _key(script):
    attributes = getattr(script, 'attributes', {}) or {}
    return str(getattr(script, 'filename', script) or ''), tuple(  # inline scripts: None or ''
        sorted((k, str(v)) for k, v in attributes.items())
    )


def dedupe(app, pagename, templatename, context, doctree):
    scripts, seen, kept = context.get('script_files', []), set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def setup(app):
    app.connect('html-page-context', dedupe, priority=900)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
