"""Trainer: a short seeded run lowers validation perplexity, history/summary are documented, clipping bounds
the norm."""

import math

import pytest
import torch

import d2lmini

MODEL_KINDS = ['scratch', 'concise']
METRICS = {'train_ppl', 'val_ppl'}


def val_perplexity(model, data):
    """exp of the mean validation cross entropy over all tokens, computed independently of the Trainer."""
    with torch.no_grad():
        losses = [model.loss(model(X), Y, averaged=False) for X, Y in data.val_dataloader()]
    return math.exp(torch.cat(losses).mean().item())


@pytest.fixture(scope='module')
def fitted(small_data, make_lm):
    """Both kinds, trained 3 epochs from the same seed; the perplexity before training is kept too."""
    runs = {}
    for kind in MODEL_KINDS:
        model = make_lm(kind, num_hiddens=32)
        before = val_perplexity(model, small_data)
        torch.manual_seed(0)
        trainer = d2lmini.Trainer(max_epochs=3, gradient_clip_val=1, live_plot=False, progress=False)
        trainer.fit(model, small_data)
        runs[kind] = (model, trainer, before)
    return runs


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_short_training_lowers_validation_perplexity(fitted, small_data, kind):
    model, trainer, before = fitted[kind]
    after = val_perplexity(model, small_data)
    assert 26 < before < 30  # an untrained model is close to uniform over 28 characters
    assert after < 0.8 * before
    assert trainer.history[-1]['val_ppl'] == pytest.approx(after, rel=1e-5)  # one definition: exp(mean loss)


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_history_has_one_row_per_epoch_with_documented_keys(fitted, kind):
    history = fitted[kind][1].history
    assert [row['epoch'] for row in history] == [1, 2, 3]
    assert all(set(row) == {'epoch', 'time'} | METRICS for row in history)
    times = [row['time'] for row in history]
    assert 0 < times[0] < times[1] < times[2]
    assert all(1 < row[key] < 28 * 1.5 for row in history for key in METRICS)


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_summary_matches_the_last_epoch(fitted, small_data, kind):
    trainer = fitted[kind][1]
    summary, last = trainer.summary, trainer.history[-1]
    assert set(summary) == {'epochs', 'seconds', 'seconds_per_epoch', 'tokens_per_second', 'device'} | METRICS
    assert summary['epochs'] == 3 and summary['device'] == 'cpu'
    assert summary['seconds'] == last['time']
    assert summary['seconds_per_epoch'] == pytest.approx(last['time'] / 3)
    tokens = 3 * small_data.num_train * small_data.num_steps
    assert summary['tokens_per_second'] == pytest.approx(tokens / last['time'])
    assert {k: summary[k] for k in METRICS} == {k: last[k] for k in METRICS}


def test_fit_counts_train_and_val_batches(fitted, small_data):
    trainer = fitted['concise'][1]
    assert trainer.train_batch_idx == 3 * len(small_data.train_dataloader())
    assert trainer.val_batch_idx == 3 * len(small_data.val_dataloader())


def test_training_is_reproducible_under_seed(small_data, make_lm):
    def run():
        model = make_lm('concise')
        torch.manual_seed(1)
        d2lmini.Trainer(max_epochs=1, gradient_clip_val=1, live_plot=False, progress=False).fit(model, small_data)
        return [p.detach().clone() for p in model.parameters()]

    assert all(torch.equal(a, b) for a, b in zip(run(), run()))


def test_live_plot_keeps_a_figure(small_data, make_lm):
    trainer = d2lmini.Trainer(max_epochs=2, live_plot=True, progress=False)
    trainer.fit(make_lm('concise'), small_data)
    labels = [line.get_label() for line in trainer.figure.axes[0].get_lines()]
    assert sorted(labels) == ['train ppl', 'val ppl']
    assert trainer.figure.axes[0].get_ylabel() == 'perplexity'  # the y-axis says what it shows


def test_progress_line_is_printed(small_data, make_lm, capsys):
    d2lmini.Trainer(max_epochs=1, live_plot=False).fit(make_lm('concise'), small_data)
    out = capsys.readouterr().out
    assert 'epoch 1/1' in out and 'val ppl' in out and 'tok/s' in out


def global_grad_norm(model):
    return torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()])).item()


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_clip_gradients_bounds_the_global_norm_and_keeps_direction(make_lm, kind):
    model = make_lm(kind)
    torch.manual_seed(0)
    for p in model.parameters():
        p.grad = torch.randn_like(p) * 10
    before = [p.grad.clone() for p in model.parameters()]
    norm = global_grad_norm(model)
    assert norm > 10
    d2lmini.Trainer(max_epochs=1).clip_gradients(1.0, model)
    assert global_grad_norm(model) == pytest.approx(1.0, rel=1e-4)
    for old, p in zip(before, model.parameters()):
        torch.testing.assert_close(p.grad, old / norm, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_clip_gradients_leaves_small_gradients_alone(make_lm, kind):
    model = make_lm(kind)
    for p in model.parameters():
        p.grad = torch.full_like(p, 1e-3)
    before = [p.grad.clone() for p in model.parameters()]
    d2lmini.Trainer(max_epochs=1).clip_gradients(1.0, model)
    assert all(torch.equal(old, p.grad) for old, p in zip(before, model.parameters()))


@pytest.mark.parametrize(
    'value, error, message',
    [
        (0, ValueError, 'max_epochs must be a positive integer'),
        (-2, ValueError, 'max_epochs'),
        (2.5, TypeError, 'max_epochs.*float'),
        (True, TypeError, 'max_epochs.*bool'),
        ('10', TypeError, 'max_epochs'),
    ],
)
def test_bad_max_epochs_is_rejected(value, error, message):
    with pytest.raises(error, match=message):
        d2lmini.Trainer(max_epochs=value)


@pytest.mark.parametrize(
    'value, error', [(-1, ValueError), (-0.5, ValueError), (math.nan, ValueError), ('1', TypeError), (None, TypeError)]
)
def test_bad_gradient_clip_val_is_rejected(value, error):
    with pytest.raises(error, match='gradient_clip_val'):
        d2lmini.Trainer(max_epochs=1, gradient_clip_val=value)


def fake_history(epochs, seconds_per_epoch):
    return [
        {'epoch': e, 'time': e * seconds_per_epoch, 'train_ppl': 20.0 - e, 'val_ppl': 21.0 - e}
        for e in range(1, epochs + 1)
    ]


@pytest.mark.parametrize('seconds_per_epoch, expected_draws', [(100.0, 5), (0.001, 1)])
def test_live_plot_redraws_within_its_time_budget(seconds_per_epoch, expected_draws):
    from d2lmini.display.live_plot import LivePlot

    board, history = LivePlot(max_epochs=10, lang='en', max_redraws=5), fake_history(10, seconds_per_epoch)
    for end in range(1, 11):
        board.update(history[:end])
    board.close(history)
    assert board.num_draws == expected_draws  # 4 planned redraws + the final one, or only the final one
    assert len(board.axes.get_lines()[0].get_xdata()) == 10


def test_perplexity_is_exp_of_the_mean_loss_per_token_with_a_partial_batch(make_lm):
    """Batches of 64, 64 and 22 windows: the epoch's perplexity weights each batch by its tokens, so it equals
    exp of the mean loss over all tokens (not the mean of per-batch perplexities, which is higher)."""
    data = d2lmini.TimeMachine(batch_size=64, num_steps=8, num_train=150, num_val=150)
    model = make_lm('concise', num_hiddens=8)
    torch.manual_seed(0)
    trainer = d2lmini.Trainer(max_epochs=1, live_plot=False, progress=False)
    model.lr = 1e-12
    trainer.fit(model, data)
    expected = val_perplexity(model, data)
    with torch.no_grad():
        per_batch = [math.exp(model.loss(model(X), Y).item()) for X, Y in data.val_dataloader()]
    assert len(per_batch) == 3
    assert trainer.history[-1]['val_ppl'] == pytest.approx(expected, rel=1e-6)
    assert sum(per_batch) / 3 != pytest.approx(expected, rel=1e-6)  # the other average really differs here
    assert d2lmini.core.perplexity(0.0) == 1.0
