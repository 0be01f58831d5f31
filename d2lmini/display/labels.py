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
from .editions import CODES as LANGS

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
    # perplexity you can see: per-character probabilities and scoring (page, panel, chapter tables)
    'continue_tab': ('Continue a text', '续写文本'),
    'score_tab': ('Score a sentence', '给句子打分'),
    'score_field': ('Your sentence (any English text)', '你的句子（任意英文文本）'),
    'score': ('Score', '打分'),
    'text': ('text', '文本'),
    'trained': ('trained model', '训练后的模型'),
    'untrained': ('untrained model', '未训练的模型'),
    'book_sentence': ('a sentence from the book', '书中的一句话'),
    'scrambled': ('its letters scrambled', '打乱顺序的同一组字母'),
    'ppl_formula': (
        'perplexity = exp(mean NLL) = exp({total} / {n}) = exp({nll}) = {ppl}',
        '困惑度 = exp(平均负对数似然) = exp({total} / {n}) = exp({nll}) = {ppl}',
    ),
    'nll_note': (
        'NLL (negative log-likelihood) is −ln p of each character after the first; the first has no '
        'context, so the model predicts nothing for it.',
        '负对数似然（NLL）是第一个字符之后每个字符的 −ln p；第一个字符没有上文，模型不对它做预测。',
    ),
    'legend': ('Less likely: darker shade, thicker underline.', '概率越低：底色越深，下划线越粗。'),
    'details_hint': (
        'Point at a character, tap it, or move to it with the arrow keys to see what the model expected there.',
        '指向或轻点一个字符，或用方向键移到它上面，即可看到模型在那里预期的字符。',
    ),
    'expected_after': ('After “{context}” the model expected:', '读到“{context}”之后，模型预期：'),
    'char_prob': ('“{char}”: p = {p}, surprisal {bits} bits', '“{char}”：p = {p}，信息量 {bits} 比特'),
    'no_prediction': (
        '“{char}” is the first character: with no context, the model makes no prediction for it.',
        '“{char}”是第一个字符：没有上文，模型不对它做预测。',
    ),
    'no_prediction_short': ('first character: no context, no prediction', '第一个字符：没有上文，没有预测'),
    'in_text': ('← in the text', '← 文本中的字符'),
    'rank': ('rank {rank}', '排第 {rank} 位'),
    # training: plots, the progress line and trainer summaries
    'epoch': ('epoch', '迭代周期'),
    'perplexity': ('perplexity', '困惑度'),
    'loss': ('loss', '损失'),
    'train': ('train', '训练'),
    'val': ('validation', '验证'),
    'train_ppl': ('train ppl', '训练困惑度'),
    'val_ppl': ('val ppl', '验证困惑度'),
    'train_loss': ('train loss', '训练损失'),
    'val_loss': ('val loss', '验证损失'),
    'progress': (
        'epoch {epoch}/{max_epochs}  {metrics}  {speed} tok/s  ETA {eta}',
        '迭代周期 {epoch}/{max_epochs}  {metrics}  {speed} 词元/秒  剩余 {eta}',
    ),
    'summary': (
        '{epochs} epochs, {seconds} s on {device}, {speed}k tok/s: {metrics}',
        '{epochs} 个迭代周期，{seconds} 秒（{device}），每秒 {speed}k 词元：{metrics}',
    ),
    'interrupted': ('interrupted (Ctrl-C)', '已中断（Ctrl-C）'),
    'diverged': ('stopped: training diverged', '已停止：训练发散'),
    # tables
    'model': ('model', '模型'),
    'speedup': ('speed-up', '加速比'),
    # the speed study and the initialization study (d2lmini.speed, d2lmini.init_study)
    'scratch': ('from scratch', '从零实现'),
    'concise': ('concise', '简洁实现'),
    'scratch_one_output': ('from scratch, one output product', '从零实现，输出层一次乘法'),
    'concise_scratch_init': ('concise, scratch init', '简洁实现，从零实现的初始化'),
    'this_run': ('this run: {device}', '本次运行：{device}'),
    'recorded': ('recorded {date}: {device}', '{date} 记录：{device}'),
    'commands': ('recorded rows: {commands}', '记录的行：{commands}'),
    'threads': ('CPU threads: {n}', 'CPU 线程数：{n}'),
    'timed_cpu': ('timed by CPU time', '按 CPU 时间计时'),
    'timed_wall': ('timed by wall clock', '按实际耗时计时'),
    'batch_size': ('batch size', '批量大小'),
    'num_hiddens': ('hidden units', '隐藏单元数'),
    'throughput': ('{model}, 1000 tokens/s', '{model}，千词元/秒'),
    'speedup_range': ('concise ÷ from scratch (min–max)', '简洁实现 ÷ 从零实现（最小–最大）'),
    'speedup_output_range': ('one output product ÷ from scratch', '输出层一次乘法 ÷ 从零实现'),
    'speedup_rnn_range': ('concise ÷ one output product', '简洁实现 ÷ 输出层一次乘法'),
    'init': ('initialization', '初始化'),
    'seeds': ('seeds', '随机种子数'),
    'val_ppl_mean': ('val ppl, mean ± sd (min–max)', '验证困惑度，均值 ± 标准差（最小–最大）'),
    'vs_scratch': ('minus from scratch, mean ± s.e.', '减去从零实现，均值 ± 标准误'),
    'init_scratch': ('N(0, 0.01²), one bias', 'N(0, 0.01²)，一个偏置'),
    'init_pytorch': ('U(±1/√h), two biases', 'U(±1/√h)，两个偏置'),
    'init_scratch_two': ('N(0, 0.01²), two biases', 'N(0, 0.01²)，两个偏置'),
    'comparison': ('paired by seed', '按随机种子配对'),
    'differs_in': ('what differs', '差别所在'),
    'differs_all': ('everything: init, two biases, nn.RNN', '全部：初始化、两个偏置、nn.RNN'),
    'differs_param': ('two biases, nn.RNN', '两个偏置、nn.RNN'),
    'differs_init': ('the initialization only', '只有初始化'),
    'diff_mean_se': ('val ppl difference, mean ± s.e.', '验证困惑度之差，均值 ± 标准误'),
    'in_se': ('in standard errors', '相当于几个标准误'),
    'paired_caption': (
        '{n} seeds, {epochs} epochs; s.e. = standard error of the mean difference',
        '{n} 个随机种子，{epochs} 个迭代周期；标准误 = 平均差值的标准误差',
    ),
    'curves_title': ('mean over {n} seeds; band: lowest to highest seed', '{n} 个随机种子的均值；色带：最低到最高'),
    # worked exercise: forecasting §9.1's noisy sine
    'time': ('time', '时间'),
    'data': ('data', '数据'),
    'sine': ('noise-free sine', '无噪声正弦'),
    'linear': ('linear model', '线性模型'),
    'rnn_window': ('windowed RNN', '窗口 RNN'),
    'rnn_state': ('stateful RNN', '有状态 RNN'),
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
    'setting': ('setting', '设置'),
    'test_ppl': ('test ppl', '测试困惑度'),
    'gap': ('gap (test − train)', '差距（测试 − 训练）'),
    'run_after': (
        '{hidden} hidden units, {windows:,} windows, after epoch {epoch}',
        '{hidden} 个隐藏单元，{windows:,} 个窗口，第 {epoch} 个迭代周期后',
    ),
    'run_best': (
        '{hidden} hidden units, {windows:,} windows, weights of epoch {epoch}',
        '{hidden} 个隐藏单元，{windows:,} 个窗口，第 {epoch} 个迭代周期的权重',
    ),
    'run_wd': (
        '{hidden} hidden units, {windows:,} windows, weight decay, after epoch {epoch}',
        '{hidden} 个隐藏单元，{windows:,} 个窗口，权重衰减，第 {epoch} 个迭代周期后',
    ),
    'run_chapter': (
        "{hidden} hidden units, {windows:,} windows, after epoch {epoch} (the chapter's setting)",
        '{hidden} 个隐藏单元，{windows:,} 个窗口，第 {epoch} 个迭代周期后（正文的设置）',
    ),
    # solutions to exercises 3 to 7 (rnn-solutions)
    'layer': ('recurrent layer', '循环层'),
    'layer_rnn': ('nn.RNN, 1 layer', 'nn.RNN，1 层'),
    'layer_rnn2': ('nn.RNN, 2 layers', 'nn.RNN，2 层'),
    'layer_gru': ('nn.GRU', 'nn.GRU'),
    'layer_lstm': ('nn.LSTM', 'nn.LSTM'),
    'seconds_per_epoch': ('s per epoch, median', '每个迭代周期的秒数，中位数'),
    'time_major': ('time-major (default)', '时间优先（默认）'),
    'batch_first': ('batch_first=True', 'batch_first=True'),
    'largest_logit_diff': ('largest difference between the logits', 'logits 之间的最大差异'),
    'no_gpu': ('no GPU: the study runs on a GPU runtime', '没有 GPU：这项实验要在 GPU 运行时上进行'),
    # the frameworks page (d2lmini.framework_table)
    'framework': ('framework', '框架'),
    'device': ('device', '设备'),
    'parameters': ('parameters', '参数量'),
    's_per_epoch': ('s per epoch, median (min–max)', '每个迭代周期的秒数，中位数（最小–最大）'),
    'first_epoch': ('first epoch, s', '第一个迭代周期，秒'),
    'cpu_share': ('CPU s / wall s', 'CPU 时间 / 实际耗时'),
    'tokens_per_s': ('tokens/s', '词元/秒'),
    'final_val_ppl': ('val ppl after epoch {epochs}', '第 {epochs} 个迭代周期后的验证困惑度'),
    'ran_here': ('run on this page', '在本页运行'),
    'recorded_run': ('recorded {date}', '{date} 记录'),
    # the in-page trainer (a third tab of the in-page generator) and, under the scored text, the hidden state
    'train_tab': ('Train it here', '在这里训练'),
    'train_intro': (
        'The chapter’s model (32 hidden units, windows of 32 characters), trained from scratch in your '
        'browser on the chapter’s {train} training windows of The Time Machine: minibatches of {batch}, '
        'learning rate {lr}, gradients clipped to norm {clip}; validation on the next {val} windows.',
        '本章的模型（32 个隐藏单元，窗口长 32 个字符）在你的浏览器里从头训练，'
        '数据是本章《时间机器》的 {train} 个训练窗口：'
        '小批量大小 {batch}，学习率 {lr}，梯度裁剪到范数 {clip}；在随后的 {val} 个窗口上验证。',
    ),
    'train_epochs': ('Epochs', '迭代周期数'),
    'train_start': ('Start', '开始'),
    'train_pause': ('Pause', '暂停'),
    'train_resume': ('Resume', '继续'),
    'train_reset': ('Reset', '重置'),
    'train_model': ('Model in the other tabs', '其他标签页使用的模型'),
    'train_stored': ('stored (trained in the notebook)', '存储的模型（在笔记本中训练）'),
    'train_yours': ('yours (trained here)', '你的模型（在这里训练）'),
    'train_status': (
        'epoch {epoch}/{epochs} · {speed} tokens/s ({backend}) · training perplexity {train} · '
        'validation perplexity {val}',
        '迭代周期 {epoch}/{epochs} · 每秒 {speed} 个词元（{backend}）· 训练困惑度 {train} · 验证困惑度 {val}',
    ),
    'train_sample': (
        'epoch {epoch}: greedy “{greedy}” · sampled “{sampled}”',
        '第 {epoch} 个迭代周期：贪心“{greedy}” · 采样“{sampled}”',
    ),
    'train_curve': ('Training and validation perplexity against epochs', '训练和验证困惑度随迭代周期的变化'),
    'train_loading': ('unpacking the training text…', '正在解压训练文本……'),
    'train_paused': ('paused', '已暂停'),
    'train_done': ('done', '完成'),
    'train_stopped': ('stopped', '已停止'),
    'train_range': ('{name} must be a whole number from {low} to {high}.', '{name}必须是 {low} 到 {high} 之间的整数。'),
    'train_diverged': (
        'training diverged in epoch {epoch} (the loss is no longer a finite number): press Reset '
        'and start again with another seed.',
        '训练在第 {epoch} 个迭代周期发散了（损失不再是有限数）：请按“重置”，换一个随机种子重新开始。',
    ),
    'train_bad_text': (
        'the training text in this page is damaged (SHA-1 {got}, expected {want}): reload the page.',
        '本页中的训练文本已损坏（SHA-1 为 {got}，应为 {want}）：请重新加载页面。',
    ),
    'train_bad_vocab': (
        'the training text gives another vocabulary than the stored model’s: this page cannot train it.',
        '训练文本得到的词表与存储的模型不同：本页无法训练它。',
    ),
    'heatmap_caption': (
        'Hidden state of the model in the other tabs: one column per character, one row per unit '
        '(blue −1, white 0, red +1).',
        '模型的隐状态：每个字符一列，每个隐藏单元一行（蓝 −1，白 0，红 +1）。',
    ),
    'heatmap_hint': (
        'Point at a cell, or focus the map and use the arrow keys, to follow one unit along the text.',
        '指向一个格子，或让热图获得焦点后使用方向键，即可沿文本查看一个单元的取值。',
    ),
    'heatmap_readout': ('unit {unit} after “{context}”: {value}', '读到“{context}”后，单元 {unit}：{value}'),
    'bits_model': (
        'The model: {bits} bits for the {n} characters after the first, {bpc} bits per character.',
        '模型：第一个字符之后的 {n} 个字符共 {bits} 比特，每个字符 {bpc} 比特。',
    ),
    'bits_gzip': (
        'gzip (your browser’s CompressionStream): {bytes} bytes = {bits} bits for all {m} characters, '
        '{bpc} bits per character.',
        'gzip（浏览器自带的 CompressionStream）：全部 {m} 个字符共 {bytes} 字节 = {bits} 比特，每个字符 {bpc} 比特。',
    ),
    'bits_no_gzip': (
        '(This browser has no CompressionStream to compare with.)',
        '（此浏览器没有可供比较的 CompressionStream。）',
    ),
}


GENERATOR = ('prefix', 'length', 'temperature', 'seed', 'generate', 'mode', 'greedy', 'sample')  # field labels
SCORING = (
    'continue_tab',
    'score_tab',
    'score_field',
    'score',
    'trained',
    'untrained',
    'perplexity',
    'ppl_formula',
    'nll_note',
    'legend',
    'details_hint',
    'expected_after',
    'char_prob',
    'no_prediction',
    'no_prediction_short',
    'in_text',
    'rank',
)
INSIDE = ('heatmap_caption', 'heatmap_hint', 'heatmap_readout', 'bits_model', 'bits_gzip', 'bits_no_gzip')
TRAINING = (
    'train_tab',
    'train_intro',
    'train_epochs',
    'train_start',
    'train_pause',
    'train_resume',
    'train_reset',
    'train_model',
    'train_stored',
    'train_yours',
    'train_status',
    'train_sample',
    'train_curve',
    'train_loading',
    'train_paused',
    'train_done',
    'train_stopped',
    'train_range',
    'train_diverged',
    'train_bad_text',
    'train_bad_vocab',
    'epoch',
    'train',
    'val',
)


def page_language(lang=None):
    """The language to show: ``lang`` if given, else ``$D2LMINI_LANG``, else the notebook folder's name, else 'en'.

    Public entry points (the Trainer, ``plot``, the generators, the studies' tables) call this once and hand the
    result down; the functions below them take ``lang`` as given."""
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
