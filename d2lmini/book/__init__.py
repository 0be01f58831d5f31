"""The book's studies and page helpers, each named after what it serves: the speed and initialization studies
(``speed``, ``speed_figure``, ``init_study``), the frameworks page (``frameworks``, ``framework_table``), the §9.1
exercise page (``autoregressive``) and the recorded results they show (``results``, ``recorded/*.json``).
A reader of the D2L API never needs these; the top-level package never imports them."""
