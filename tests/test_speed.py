"""The speed study, the initialization study and their results files, on tiny sizes: structure, never timings."""

import json

import pytest
import torch

from d2lmini.book import init_study, results, speed


@pytest.fixture(scope='module')
def tiny_study():
    return speed.measure(
        batch_sizes=(1, 4),
        hidden_sizes=(3, 5),
        trials=3,
        trial_seconds=0.001,
        num_steps=4,
        vocab_size=6,
        command='pytest',
    )


def test_study_has_every_configuration_and_trial(tiny_study):
    record = tiny_study.record
    assert [(r['num_hiddens'], r['batch_size']) for r in record['results']] == [(3, 1), (3, 4), (5, 1), (5, 4)]
    for r in record['results']:
        for kind in speed.MODELS:
            assert r['steps_per_trial'][kind] >= 1
            for clock in ('tokens_per_second', 'tokens_per_cpu_second'):
                assert len(r[clock][kind]) == 3 and all(v > 0 for v in r[clock][kind])
    assert record['device_type'] == 'cpu' and record['threads'] == torch.get_num_threads()
    assert record['clock'] == speed.clock_for('cpu') and record['command'] == 'pytest'
    assert json.loads(json.dumps(record)) == record  # JSON-ready as it is


def test_summary_rows_are_medians_ranges_and_trialwise_speedups(tiny_study):
    raw = tiny_study.record['results'][0]['tokens_per_second']
    row = tiny_study.row(1, 3)
    assert row == tiny_study.rows()[0]
    wall = tiny_study.rows(clock='wall')[0]
    assert wall['scratch'] == (sorted(raw['scratch'])[1], min(raw['scratch']), max(raw['scratch']))
    ratios = sorted(c / s for s, c in zip(raw['scratch'], raw['concise']))
    assert wall['speedup'] == (ratios[1], ratios[0], ratios[2])
    with pytest.raises(KeyError, match='batch size 2'):
        tiny_study.row(2, 3)


def test_the_third_model_changes_only_the_output_layer():
    """scratch_one_output computes what scratch computes (same weights), with one output product for all steps."""
    torch.manual_seed(0)
    scratch = speed.build('scratch', 6, 5)
    one = speed.build('scratch_one_output', 6, 5)
    one.load_state_dict(scratch.state_dict())
    X = torch.randint(0, 6, (3, 4))  # (batch, num_steps)
    torch.testing.assert_close(one(X), scratch(X), rtol=1e-6, atol=1e-7)
    assert one(X).shape == (3, 4, 6)
    with pytest.raises(ValueError, match='kind must be one of'):
        speed.build('fast', 6, 5)


def test_matrix_product_calls_per_step_locate_every_saved_call():
    """The Going-further page's claim: per step of 32 time steps, the output layer saves 96 -> 3 calls, the hoisted
    input projection 64 -> 2, and the recurrence makes 95 in both models."""
    calls = {kind: speed.matmul_calls(kind, num_hiddens=5, batch_size=2) for kind in speed.MODELS}
    assert calls == {'scratch': 255, 'concise': 100, 'scratch_one_output': 162}
    # with T steps: output 3T vs 3, input projection 2T vs 2, recurrence 3T - 1 in every model
    T = 4
    assert [speed.matmul_calls(kind, 7, 3, num_steps=T) for kind in speed.MODELS] == [
        3 * T + 2 * T + 3 * T - 1,
        3 + 2 + 3 * T - 1,
        3 + 2 * T + 3 * T - 1,
    ]


def test_rows_report_the_three_ratios_trial_by_trial(tiny_study):
    raw = tiny_study.record['results'][0]['tokens_per_cpu_second']
    row = tiny_study.rows(clock='cpu')[0]
    for name, (top, bottom) in speed.RATIOS.items():
        ratios = sorted(a / b for a, b in zip(raw[top], raw[bottom]))
        assert row[name] == (ratios[1], ratios[0], ratios[2]), name
    assert tiny_study.models() == speed.MODELS


def test_a_two_model_row_still_reads_and_shows_dashes(tiny_study):
    """Rows recorded before the third model: no third column of their own, no ratio that needs it."""
    old = json.loads(json.dumps(tiny_study.record))
    for r in old['results']:
        for clock in ('tokens_per_second', 'tokens_per_cpu_second', 'steps_per_trial'):
            del r[clock]['scratch_one_output']
    study = speed.Study(old, recorded=True)
    assert study.models() == ('scratch', 'concise')
    assert set(study.row(1, 3)) == {'batch_size', 'num_hiddens', 'scratch', 'concise', 'speedup'}
    text = str(speed.table([study, tiny_study], lang='en'))
    assert '—' in text and 'one output product' in text
    ratios = speed.table([study, tiny_study], lang='en', ratios=True)
    assert [cell for cell, _ in ratios.rows[0][3:]] == ['—', '—'] and '×' in ratios.rows[0][2][0]


def test_measure_refuses_a_model_list_without_both_chapter_models():
    for models in [('scratch',), ('scratch', 'concise', 'concise'), ('scratch', 'concise', 'rnn')]:
        with pytest.raises(ValueError, match='models must hold'):
            speed.measure(
                batch_sizes=(1,),
                hidden_sizes=(3,),
                trials=1,
                trial_seconds=0.001,
                num_steps=2,
                vocab_size=4,
                models=models,
            )


def test_clock_follows_device_and_threads(monkeypatch):
    monkeypatch.setattr(torch, 'get_num_threads', lambda: 1)
    assert speed.clock_for('cpu') == 'cpu' and speed.clock_for('cuda:0') == 'wall'
    monkeypatch.setattr(torch, 'get_num_threads', lambda: 4)
    assert speed.clock_for('cpu') == 'wall'


def test_time_steps_synchronizes_before_each_clock_reading():
    events = []
    ticks = iter(range(100))

    def clock():
        events.append('clock')
        return next(ticks)

    wall, cpu = speed.time_steps(lambda: events.append('step'), 3, lambda: events.append('sync'), clock, clock)
    assert events == ['sync', 'clock', 'clock', 'step', 'step', 'step', 'sync', 'clock', 'clock']
    assert (wall, cpu) == (2, 2)


def test_cuda_synchronizer_waits_on_that_device(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.cuda, 'synchronize', lambda device=None: calls.append(device))
    speed.synchronizer('cuda:1')()
    assert calls == [torch.device('cuda:1')]
    assert speed.synchronizer('cpu')() is None and calls == [torch.device('cuda:1')]


def test_a_step_trains_the_model_on_its_device():
    torch.manual_seed(0)
    X, Y = torch.randint(0, 6, (2, 4, 5))
    for kind in speed.MODELS:
        model = speed.build(kind, 6, 3)
        before = [p.detach().clone() for p in model.parameters()]
        speed.make_step(model, X, Y)()
        assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters())), kind
    with pytest.raises(ValueError, match="'lstm'"):
        speed.build('lstm', 6, 3)


def test_table_names_every_device_and_speaks_the_page_language(tiny_study):
    old = speed.Study({**tiny_study.record, 'date': '2026-01-02'}, recorded=True)
    table = speed.table([old, tiny_study], lang='zh')
    assert table.header[:2] == ['隐藏单元数', '批量大小'] and '从零实现，千词元/秒' in table.header
    assert len(table.rows) == 8 and table.rows[0][:2] == [('3', None), ('1', None)]
    groups = [group for group, row in table._lines() if row is None]  # each device named once, above its rows
    assert len(groups) == 2 and groups[0].startswith('2026-01-02 记录：') and groups[1].startswith('本次运行：')
    assert table.header[2:] == [f'{model}，千词元/秒' for model in ('从零实现', '简洁实现', '从零实现，输出层一次乘法')]
    page = speed.table([old, tiny_study], lang='zh', ratios=True)._repr_html_()
    assert (
        '<th>简洁实现 ÷ 从零实现（最小–最大）</th>' in page
        and page.count('<tr class="d2lmini-group"><th colspan="5">') == 2
    )
    text = repr(speed.table([tiny_study], lang='en')).splitlines()
    assert text[0].startswith('hidden units') and text[1].startswith('this run: ') and len(text) == 6


def test_throughput_is_shown_in_thousands_with_three_digits():
    assert speed.format_tps(1_508_613, 1_089_533, 1_579_263) == '1,509 (1,090–1,579)'
    assert speed.format_tps(10_871, 8_654, 198_961) == '10.9 (8.65–199)'


def test_save_adds_then_replaces_the_row_of_the_same_device(tmp_path, tiny_study):
    path = tmp_path / 'speed.json'
    other = {**tiny_study.record, 'device_type': 'cuda', 'device_name': 'Some GPU'}
    assert results.update(path, other, speed.KEY) == 'added'
    assert speed.save(tiny_study, path) == 'added'
    assert speed.save(speed.Study({**tiny_study.record, 'date': '2030-01-01'}), path) == 'replaced'
    rows = results.read(path)['rows']
    assert [r['device_name'] for r in rows] == ['Some GPU', tiny_study.record['device_name']]
    assert rows[1]['date'] == '2030-01-01'
    assert [s.recorded for s in speed.recorded(path)] == [True, True]


def test_a_damaged_results_file_is_reported_and_left_alone(tmp_path, tiny_study):
    path = tmp_path / 'speed.json'
    path.write_text('{"rows": [', encoding='utf-8')
    with pytest.raises(ValueError, match='not valid JSON.*git checkout'):
        speed.save(tiny_study, path)
    assert path.read_text(encoding='utf-8') == '{"rows": ['
    path.write_text('[1, 2]', encoding='utf-8')
    with pytest.raises(ValueError, match='not a results file'):
        results.read(path)
    assert results.read(tmp_path / 'missing.json') == {'about': '', 'rows': []}
    with pytest.raises(ValueError, match='key fields'):
        results.update(tmp_path / 'x.json', {'date': 'x'}, speed.KEY)


def test_the_committed_files_are_readable():
    for study in speed.recorded():
        assert study.recorded and study.rows() and study.record['date'] and study.record['command']
    for record in init_study.recorded():
        assert set(record['runs']) == set(init_study.VARIANTS) and record['command']


def test_scratch_init_gives_small_normal_weights_and_zero_biases():
    model = init_study.build_variant('concise_scratch_init', 28, 32, seed=0)
    params = dict(model.named_parameters())
    assert {name for name in params if 'bias' in name} == {'rnn.rnn.bias_ih_l0', 'rnn.rnn.bias_hh_l0', 'linear.bias'}
    for name, p in params.items():
        if 'bias' in name:
            assert torch.count_nonzero(p) == 0, name
        else:
            assert 0.005 < p.std().item() < 0.02, name
    default = init_study.build_variant('concise', 28, 32, seed=0)
    bound = 1 / 32**0.5
    assert all(p.abs().max() <= bound for p in default.rnn.parameters())
    assert max(p.abs().max() for p in default.rnn.parameters()) > 0.9 * bound
    with pytest.raises(ValueError, match='variant'):
        init_study.build_variant('gru', 28, 32, seed=0)


def test_init_study_pairs_runs_by_seed(small_data):
    record = init_study.run(small_data, seeds=[0, 1], epochs=1, num_hiddens=4, command='pytest')
    assert {v: [r['seed'] for r in runs] for v, runs in record['runs'].items()} == {
        v: [0, 1] for v in init_study.VARIANTS
    }
    s = init_study.summary(record)
    assert s['scratch']['diff_mean'] == 0 and s['scratch']['n'] == 2
    diffs = [c['val_ppl'] - b['val_ppl'] for b, c in zip(record['runs']['scratch'], record['runs']['concise'])]
    assert s['concise']['diff_mean'] == pytest.approx(sum(diffs) / 2)
    table = init_study.table(record, lang='en')
    assert [row[0][0] for row in table.rows] == ['from scratch', 'concise', 'concise, scratch init']
    assert table.rows[0][-1][0] == '—' and '±' in table.rows[1][-1][0]
    again = init_study.run(small_data, seeds=[0], epochs=1, num_hiddens=4)
    assert again['runs']['concise'][0] == record['runs']['concise'][0]  # seeded: reruns agree


def test_paired_comparisons_and_mean_curves_of_the_recorded_study():
    record = init_study.recorded()[-1]
    for variant, baseline in init_study.PAIRS:
        d = init_study.paired(record, variant, baseline)
        base = {r['seed']: r['val_ppl'] for r in record['runs'][baseline]}
        diffs = [r['val_ppl'] - base[r['seed']] for r in record['runs'][variant]]
        assert d['n'] == len(diffs) and d['mean'] == pytest.approx(sum(diffs) / len(diffs))
        assert d['z'] == pytest.approx(d['mean'] / d['se'])
    s = init_study.summary(record)['concise']
    assert init_study.paired(record, 'concise', 'scratch')['se'] == pytest.approx(s['diff_se'])
    curves = init_study.mean_curves(record)
    runs = record['runs']['concise']
    assert len(curves['concise']['mean']) == record['epochs']
    assert curves['concise']['mean'][9] == pytest.approx(sum(r['val_curve'][9] for r in runs) / len(runs))
    assert curves['concise']['min'][9] == min(r['val_curve'][9] for r in runs)
    table = init_study.paired_table(record, lang='zh')
    assert len(table.rows) == 3 and '只有初始化' in str(table)
    figure = init_study.plot_curves(record, lang='en').figure
    ax = figure.axes[0]
    assert ax.get_ylabel() == 'val ppl' and ax.get_xlabel() == 'epoch' and len(ax.get_lines()) == 3


def test_a_paired_comparison_needs_two_shared_seeds():
    record = {'runs': {'a': [{'seed': 0, 'val_ppl': 7.0}], 'b': [{'seed': 0, 'val_ppl': 7.1}]}}
    with pytest.raises(ValueError, match='share 1 seed'):
        init_study.paired(record, 'a', 'b')
