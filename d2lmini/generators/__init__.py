"""The two text generators: the notebook panel (``widgets``, ipywidgets) and the page's own (``export`` writes the
model's weights and ``page_markup`` the HTML around ``generator-math.js``, ``generator-page.js``, ``generator.css``).
The top-level package never imports them."""
