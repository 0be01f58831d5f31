"""The speed study, the initialization study and their results files, on tiny sizes: structure, never timings."""
import json

import pytest
import torch

from d2lmini.book import init_study, results, speed


@pytest.fixture(scope='module')
def tiny_study():
    return speed.measure(batch_sizes=(1, 4), hidden_sizes=(3, 5), trials=3, trial_seconds=0.001, num_steps=4,
                         vocab_size=6, command='pytest')


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
    page = table._repr_html_()
    assert '<th>加速比（最小–最大）</th>' in page and page.count('<tr class="d2lmini-group"><th colspan="5">') == 2
    text = repr(speed.table([tiny_study], lang='en')).splitlines()
    assert text[0].startswith('hidden units') and text[1].startswith('this run: ') and len(text) == 6


def test_throughput_is_shown_in_thousands_with_three_digits():
    assert speed.format_tps(1_508_613, 1_089_533, 1_579_263) == '1,509 (1,090–1,579)'
    assert speed.format_tps(10_871, 8_654, 198_961) == '10.9 (8.65–199)'


def test_plot_draws_one_line_per_study_and_hidden_size(tiny_study):
    pytest.importorskip('matplotlib')
    old = speed.Study(tiny_study.record, recorded=True)
    image = speed.plot([old, tiny_study], lang='zh-hant')
    assert image._repr_png_().startswith(b'\x89PNG')  # what Jupyter shows
    labels = image.figure.axes[0].get_legend_handles_labels()[1]
    assert len(labels) == 5 and '速度相同' in labels and sum(label.startswith('本次執行') for label in labels) == 2


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
    bound = 1 / 32 ** 0.5
    assert all(p.abs().max() <= bound for p in default.rnn.parameters())
    assert max(p.abs().max() for p in default.rnn.parameters()) > 0.9 * bound
    with pytest.raises(ValueError, match='variant'):
        init_study.build_variant('gru', 28, 32, seed=0)


def test_init_study_pairs_runs_by_seed(small_data):
    record = init_study.run(small_data, seeds=[0, 1], epochs=1, num_hiddens=4, command='pytest')
    assert {v: [r['seed'] for r in runs] for v, runs in record['runs'].items()} == {
        v: [0, 1] for v in init_study.VARIANTS}
    s = init_study.summary(record)
    assert s['scratch']['diff_mean'] == 0 and s['scratch']['n'] == 2
    diffs = [c['val_ppl'] - b['val_ppl'] for b, c in zip(record['runs']['scratch'], record['runs']['concise'])]
    assert s['concise']['diff_mean'] == pytest.approx(sum(diffs) / 2)
    table = init_study.table(record, lang='en')
    assert [row[0][0] for row in table.rows] == ['from scratch', 'concise', 'concise, scratch init']
    assert table.rows[0][-1][0] == '—' and '±' in table.rows[1][-1][0]
    again = init_study.run(small_data, seeds=[0], epochs=1, num_hiddens=4)
    assert again['runs']['concise'][0] == record['runs']['concise'][0]  # seeded: reruns agree
