"""How d2lmini shows things: the words of each edition (``labels``, ``editions``), fonts for Chinese plots,
tables, figures as PNG and the probability shading of scored text. Below the API: imports nothing from it."""
