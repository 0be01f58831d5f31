"""A matplotlib figure shown once as a PNG, with no pyplot state (the studies' figures use it)."""

import io


class FigureImage:
    """A matplotlib ``figure`` that Jupyter shows as one PNG. Without pyplot, nothing else shows it a second time,
    and no figure is left open in pyplot's global state."""

    def __init__(self, figure):
        self.figure = figure

    def _repr_png_(self):
        buf = io.BytesIO()
        self.figure.savefig(buf, format='png')
        return buf.getvalue()

    def __repr__(self):
        width, height = self.figure.get_size_inches() * self.figure.dpi
        return f'<figure {width:.0f}x{height:.0f} px>'
