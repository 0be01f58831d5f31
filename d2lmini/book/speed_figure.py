"""The speed study's figure: the concise model's speed-up against batch size (``speed.plot`` draws it)."""
from ..display.figures import FigureImage
from ..display.fonts import use_page_fonts
from ..display.labels import label


def speedup_figure(studies, lang, figsize=(6, 4.2)):
    """Median speed-up of the concise model against batch size (log scale), one line per study and hidden size,
    with the range of the trials as error bars; ``studies`` are ``speed.Study`` objects. Returns a ``FigureImage``."""
    from matplotlib.figure import Figure
    use_page_fonts(lang)
    fig = Figure(figsize=figsize, dpi=100, layout='constrained')
    ax = fig.add_subplot()
    colors = ['tab:blue', 'tab:orange', 'tab:green', 'tab:red', 'tab:purple']
    hidden = sorted({r['num_hiddens'] for study in studies for r in study.rows()})
    batches = sorted({r['batch_size'] for study in studies for r in study.rows()})
    lines = len(studies) * len(hidden)
    for i, study in enumerate(studies):
        for j, h in enumerate(hidden):
            rows = sorted((r for r in study.rows() if r['num_hiddens'] == h), key=lambda r: r['batch_size'])
            if not rows:
                continue
            med, low, high = zip(*(r['speedup'] for r in rows))
            dodge = 2 ** (0.07 * (i * len(hidden) + j - (lines - 1) / 2))  # keep error bars apart
            ax.errorbar([r['batch_size'] * dodge for r in rows], med, yerr=[[m - lo for m, lo in zip(med, low)],
                        [hi - m for m, hi in zip(med, high)]], color=colors[i % len(colors)],
                        marker='os^D'[j % 4], linestyle=('-', '--', '-.', ':')[j % 4], capsize=3,
                        label=label('hidden_legend', lang).format(run=study.short_name(lang), n=h))
    ax.axhline(1, color='gray', linewidth=1, linestyle=':', label=label('equal_speed', lang))
    ax.set_xscale('log', base=2)
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.set_xlabel(label('batch_size', lang)), ax.set_ylabel(label('speedup', lang))
    ax.set_title(label('speedup_axis', lang), fontsize='medium')
    ax.grid(alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc='outside lower center', ncols=2, fontsize='small')
    fig.draw_without_rendering()  # lay out the text once, now
    return FigureImage(fig)
