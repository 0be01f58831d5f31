"""The Trainer's one-line progress report, in the page's language, that works in Jupyter (updated in place) and in
a terminal or a log; and which keys of a history row are metrics."""

import sys

from .labels import label, metric_label, page_language


def in_notebook():
    """True inside a Jupyter/Colab kernel (an IPython shell with a kernel attached)."""
    ipython = sys.modules.get('IPython')
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, 'kernel', None) is not None


def format_seconds(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f'{minutes}:{seconds:02d}'


METRIC_PREFIXES = ('train_', 'val_')  # Module.plot logs every metric under one of these


def metrics(row):
    """The logged metrics (``train_ppl``, ``val_ppl``, ...)
    of a history row or a Trainer summary."""
    return {k: v for k, v in row.items() if k.startswith(METRIC_PREFIXES)}


def format_metrics(row, lang):
    return '  '.join(f'{metric_label(k, lang)} {v:.2f}' for k, v in metrics(row).items())


class ProgressLine:
    """``epoch 37/100  train ppl 9.12  val ppl 9.40  41,200 tok/s  ETA 0:12``, one line, kept short.

    In Jupyter the line is one display output updated in place
    (a saved notebook keeps only the last state).
    In a terminal it is rewritten with ``\\r``;
    in a log (not a TTY) about ten lines are printed in all.
    """

    def __init__(self, max_epochs, lang, enabled=True, stream=None):
        self.max_epochs, self.enabled, self.lang = max_epochs, enabled, page_language(lang)
        self.stream = stream or sys.stdout
        self.notebook = in_notebook()
        self.every = max(1, max_epochs // 10)
        self.handle = None

    def _show(self, text, final=False):
        if not self.enabled:
            return
        if self.notebook:
            from IPython.display import display, update_display

            if self.handle is None:
                self.handle = display({'text/plain': text}, raw=True, display_id=True)
            else:
                update_display({'text/plain': text}, raw=True, display_id=self.handle.display_id)
        elif self.stream.isatty():
            self.stream.write('\r' + text + ('\n' if final else ''))
            self.stream.flush()
        else:
            print(text, file=self.stream, flush=True)

    def update(self, row, num_tokens):
        epoch, elapsed = row['epoch'], row['time']
        eta = elapsed / epoch * (self.max_epochs - epoch)
        text = label('progress', self.lang).format(
            epoch=epoch,
            max_epochs=self.max_epochs,
            metrics=format_metrics(row, self.lang),
            speed=f'{num_tokens / elapsed:,.0f}',
            eta=format_seconds(eta),
        )
        tty = getattr(self.stream, 'isatty', lambda: False)()
        if self.notebook or tty or epoch % self.every == 0 or epoch == 1:
            self._show(text)

    def close(self, summary):
        """The summary line; a run cut short (``summary['stopped']``) says so,
        even before its first epoch."""
        stopped = summary.get('stopped')
        if not summary['epochs']:
            self._show(label(stopped, self.lang), final=True)  # cut short before its first epoch
            return
        text = label('summary', self.lang).format(
            epochs=summary['epochs'],
            seconds=f'{summary["seconds"]:.1f}',
            device=summary['device'],
            speed=f'{summary["tokens_per_second"] / 1000:,.0f}',
            metrics=format_metrics(summary, self.lang),
        )
        self._show(text + (f'  ({label(stopped, self.lang)})' if stopped else ''), final=True)
