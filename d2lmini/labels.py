"""The words d2lmini shows a reader (plot labels, table headers, the progress line, generator fields), per language.

Code cells are identical in every edition of the book, so a cell cannot pass its page's language. The language is,
in this order: an explicit ``lang=`` argument; the environment variable ``D2LMINI_LANG``; the folder of the running
notebook when it is named like an edition (Jupyter, Binder, nbval and the book build run each notebook in
``chapters/<lang>/``); otherwise English. On Colab the kernel cannot see the notebook's folder: there a reader sets
``D2LMINI_LANG`` (``%env D2LMINI_LANG=zh``) to get Chinese labels.

``TERMS`` holds English and Simplified Chinese side by side; the Traditional Chinese column is generated from the
Chinese one by ``tools/make_zh_hant.py`` (OpenCC and the book's glossary, as for the pages) into
``_labels_zh_hant.py``, so the three never drift apart.
"""
import os
from pathlib import Path

from ._labels_zh_hant import ZH_HANT

LANGS = ('en', 'zh', 'zh-hant')
ENV_VAR = 'D2LMINI_LANG'

TERMS = {  # key: (English, 简体中文)
    # the generators (notebook panel and in-page)
    'prefix': ('Prefix', '前缀'),
    'length': ('Characters', '字符数'),
    'temperature': ('Temperature', '温度'),
    'seed': ('Seed', '随机种子'),
    'generate': ('Generate', '生成'),
    'mode': ('Decoding', '解码'),
    'greedy': ('Greedy', '贪心'),
    'sample': ('Sample', '采样'),
    # training: plots, the progress line and trainer summaries
    'epoch': ('epoch', '迭代周期'),
    'perplexity': ('perplexity', '困惑度'),
    'loss': ('loss', '损失'),
    'train': ('train', '训练'),
    'val': ('validation', '验证'),
    'test': ('test', '测试'),
    'train_ppl': ('train ppl', '训练困惑度'),
    'val_ppl': ('val ppl', '验证困惑度'),
    'train_loss': ('train loss', '训练损失'),
    'val_loss': ('val loss', '验证损失'),
    'progress': ('epoch {epoch}/{max_epochs}  {metrics}  {speed} tok/s  ETA {eta}',
                 '迭代周期 {epoch}/{max_epochs}  {metrics}  {speed} 词元/秒  剩余 {eta}'),
    'summary': ('{epochs} epochs, {seconds} s on {device}, {speed}k tok/s: {metrics}',
                '{epochs} 个迭代周期，{seconds} 秒（{device}），每秒 {speed}k 词元：{metrics}'),
    'interrupted': ('interrupted (Ctrl-C)', '已中断（Ctrl-C）'),
    'diverged': ('stopped: training diverged', '已停止：训练发散'),
    # tables
    'model': ('model', '模型'),
    'device': ('device', '设备'),
    'epochs': ('epochs', '迭代周期数'),
    'seconds_per_epoch': ('seconds per epoch', '每周期秒数'),
    'tokens_per_second': ('tokens per second', '每秒词元数'),
    'speedup': ('speed-up', '加速比'),
    # worked exercise: forecasting §9.1's noisy sine
    'time': ('time', '时间'),
    'data': ('data', '数据'),
    'sine': ('noise-free sine', '无噪声正弦'),
    'linear': ('linear', '线性模型'),
    'rnn_window': ('RNN, 4-value window', 'RNN，4 值窗口'),
    'rnn_state': ('RNN, carried state', 'RNN，延续隐状态'),
    'zero': ('predict 0', '预测 0'),
    'train_mean': ('training mean', '训练均值'),
    'last_value': ('last observed value', '最后观测值'),
    'noise_floor': ('noise floor', '噪声下限'),
    'held_out': ('held-out values', '留出值个数'),
    'k_step': ('{k}-step', '{k} 步'),
    'multi_step': ('multi-step', '多步'),
    'steps_ahead': ('steps ahead k', '预测步数 k'),
    'mse': ('mean squared error', '均方误差'),
    'forecasts': ('forecasts, {n} seeds', '预测（{n} 个随机种子）'),
    'seed_n': ('seed {seed}', '种子 {seed}'),
    'weight_sum': ('linear: sum of weights', '线性模型：权重之和'),
    'fixed_point': ('linear: fixed point', '线性模型：不动点'),
    'lag': ('values back j', '回溯步数 j'),
    'sensitivity': ('sensitivity', '敏感度'),
    # worked exercise: making the language model overfit
    'train_wd': ('train, weight decay', '训练（权重衰减）'),
    'val_wd': ('validation, weight decay', '验证（权重衰减）'),
    'best_val': ('lowest validation perplexity', '验证困惑度最低处'),
    'hidden_units': ('hidden units', '隐藏单元数'),
    'train_windows': ('training windows', '训练窗口数'),
    'ppl_gap': ('test − train perplexity', '测试困惑度 − 训练困惑度'),
    'setting': ('setting', '设置'),
    'test_ppl': ('test ppl', '测试困惑度'),
    'gap': ('gap (test − train)', '差距（测试 − 训练）'),
    'run_after': ('{hidden} hidden units, {windows:,} windows, after epoch {epoch}',
                  '{hidden} 个隐藏单元，{windows:,} 个窗口，第 {epoch} 个迭代周期后'),
    'run_best': ('{hidden} hidden units, {windows:,} windows, weights of epoch {epoch}',
                 '{hidden} 个隐藏单元，{windows:,} 个窗口，第 {epoch} 个迭代周期的权重'),
    'run_wd': ('{hidden} hidden units, {windows:,} windows, weight decay, after epoch {epoch}',
               '{hidden} 个隐藏单元，{windows:,} 个窗口，权重衰减，第 {epoch} 个迭代周期后'),
    'run_chapter': ("{hidden} hidden units, {windows:,} windows, after epoch {epoch} (the chapter's setting)",
                    '{hidden} 个隐藏单元，{windows:,} 个窗口，第 {epoch} 个迭代周期后（正文的设置）'),
}


GENERATOR = ('prefix', 'length', 'temperature', 'seed', 'generate', 'mode', 'greedy', 'sample')  # field labels


def page_language(lang=None):
    """The language to show: ``lang`` if given, else ``$D2LMINI_LANG``, else the notebook folder's name, else 'en'."""
    source = 'lang'
    if lang is None and os.environ.get(ENV_VAR):
        lang, source = os.environ[ENV_VAR], f'the environment variable {ENV_VAR}'
    if lang is None:
        return Path.cwd().name if Path.cwd().name in LANGS else 'en'
    if lang not in LANGS:
        raise ValueError(f'{source} must be one of {list(LANGS)}, got {lang!r}.')
    return lang


def label(key, lang=None):
    """The word for ``key`` (e.g. ``'epoch'``, ``'perplexity'``) in the page's language."""
    if key not in TERMS:
        raise KeyError(f'no label {key!r}; the labels are {sorted(TERMS)}.')
    lang = page_language(lang)
    if lang == 'zh-hant':
        return ZH_HANT[key]
    return TERMS[key][LANGS.index(lang)]


def labels(keys, lang=None, overrides=None):
    """``{key: word}`` for ``keys`` in the page's language; ``overrides`` replaces single entries."""
    unknown = set(overrides or {}) - set(keys)
    if unknown:
        raise ValueError(f'unknown label keys {sorted(unknown)}; the keys are {sorted(keys)}.')
    lang = page_language(lang)
    return {**{key: label(key, lang) for key in keys}, **(overrides or {})}


def metric_label(key, lang=None):
    """A logged metric's name for display: ``'val_ppl'`` -> 'val ppl' / '验证困惑度'; unknown keys read as words."""
    return label(key, lang) if key in TERMS else key.replace('_', ' ')
