"""The §9.1 worked exercise's helpers: the noisy sine (``SineData``), the forecasters and forecasting helpers,
and ``LinearRegression``'s init."""

import math

import pytest
import torch
from torch import nn

import d2lmini
from d2lmini.book.autoregressive import (
    CarriedState,
    Constant,
    LastValue,
    SineData,
    Window,
    k_step_predictions,
    mse,
    multistep_predictions,
    streams,
)


class Shift(nn.Module):
    """Predicts the newest value plus one, so a k-step prediction is ``x[t - k] + k``."""

    def forward(self, X):
        return X[:, -1:] + 1


def test_shapes_and_split():
    data = SineData(batch_size=16, T=100, num_train=60, tau=4)
    assert data.x.shape == data.time.shape == data.signal.shape == (100,)
    assert data.features.shape == (96, 4) and data.labels.shape == (96, 1)
    assert len(data.train_dataloader()) == math.ceil(60 / 16)
    assert sum(len(y) for _, y in data.val_dataloader()) == 96 - 60


def test_windows_hold_lagged_values():
    data = SineData(T=50, num_train=20, tau=3)
    i = 7
    assert torch.equal(data.features[i], data.x[i : i + 3])
    assert data.labels[i, 0] == data.x[i + 3]


def test_seeded_and_independent_of_global_rng():
    torch.manual_seed(1)
    a = SineData(seed=5)
    torch.manual_seed(2)
    b = SineData(seed=5)
    assert torch.equal(a.x, b.x)
    assert not torch.equal(a.x, SineData(seed=6).x)


def test_noise_level():
    data = SineData(T=20000, num_train=100, noise=0.2)
    assert abs((data.x - data.signal).std().item() - 0.2) < 0.01


@pytest.mark.parametrize('kwargs', [dict(T=10, num_train=6, tau=4), dict(batch_size=0), dict(tau=1.5)])
def test_rejects_bad_arguments(kwargs):
    with pytest.raises((ValueError, TypeError)):
        SineData(**kwargs)


def test_multistep_keeps_observations_then_feeds_predictions_back():
    x = torch.arange(10.0)
    preds = multistep_predictions(Window(Shift(), tau=2), x, start=5)
    assert torch.equal(preds[:5], x[:5])
    assert torch.equal(preds[5:], torch.tensor([5.0, 6, 7, 8, 9]))  # x[4] + 1, then + 1 per step


def test_k_step_alignment():
    x = torch.randn(30)
    preds = k_step_predictions(Window(Shift(), tau=3), x, steps=(1, 4))
    for k in (1, 4):
        assert torch.isnan(preds[k][: 3 + k - 1]).all()
        torch.testing.assert_close(preds[k][3 + k - 1 :], x[2 : 30 - k] + k)  # preds[t] = x[t - k] + k


def test_k_step_one_equals_one_step_on_features():
    data = SineData(T=60, num_train=30, tau=4)
    one = k_step_predictions(Window(LastValue(), data.tau), data.x, steps=(1,))[1]
    torch.testing.assert_close(one[4:], LastValue()(data.features).reshape(-1))


def test_baselines():
    X = torch.tensor([[1.0, 2.0], [3.0, -4.0]])
    assert torch.equal(Constant(0.5)(X), torch.tensor([[0.5], [0.5]]))
    assert torch.equal(LastValue()(X), torch.tensor([[2.0], [-4.0]]))
    preds = multistep_predictions(Window(LastValue(), tau=1), torch.arange(6.0), start=3)
    assert torch.equal(preds, torch.tensor([0.0, 1, 2, 2, 2, 2]))  # the last observation, repeated


class TinyStateful(nn.Module):
    """The page's StatefulRNN in its smallest form: an ``nn.RNN`` on one input and a linear head."""

    def __init__(self, num_hiddens):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=num_hiddens)
        self.head = nn.Linear(num_hiddens, 1)

    def forward(self, X):  # X: (batch, num_steps) -> (batch, num_steps)
        outputs, _ = self.rnn(X.T.unsqueeze(-1))  # (num_steps, batch, num_hiddens)
        return self.head(outputs).squeeze(-1).T


def stateful(num_hiddens=5, seed=0):
    torch.manual_seed(seed)
    return CarriedState(TinyStateful(num_hiddens))


def test_carried_state_observe_and_predict_match_the_model():
    forecaster, x = stateful(), torch.randn(20)
    states, first = forecaster.observe(x)
    assert first == 0 and states.shape == (20, 5)
    torch.testing.assert_close(forecaster.predict(states), forecaster.model(x.reshape(1, -1)).reshape(-1))


def test_carried_state_advance_reads_a_forecast_like_an_observation():
    forecaster, x = stateful(), torch.randn(12)
    states, _ = forecaster.observe(x)
    stepped = forecaster.advance(states[-2:-1], x[-1:])  # the state after x[10], then x[11] fed in
    torch.testing.assert_close(stepped, states[-1:])


@pytest.mark.parametrize('make', [lambda: Window(nn.Linear(3, 1), tau=3), stateful], ids=['window', 'stateful'])
def test_k_step_forecasts_use_only_observations_up_to_t_minus_k(make):
    torch.manual_seed(1)
    forecaster, x, cut = make(), torch.randn(40), 25
    changed = x.clone()
    changed[cut + 1 :] = torch.randn(40 - cut - 1)  # observations after index cut differ
    a, b = (k_step_predictions(forecaster, series, steps=(1, 3, 8)) for series in (x, changed))
    for k in (1, 3, 8):
        torch.testing.assert_close(a[k][: cut + k + 1], b[k][: cut + k + 1], equal_nan=True)  # t - k <= cut
        assert not torch.allclose(a[k][cut + k + 1 :], b[k][cut + k + 1 :])


@pytest.mark.parametrize('make', [lambda: Window(nn.Linear(3, 1), tau=3), stateful], ids=['window', 'stateful'])
def test_multistep_forecast_j_is_the_j_step_forecast_from_the_start(make):
    torch.manual_seed(2)
    forecaster, x, start = make(), torch.randn(30), 12
    multi = multistep_predictions(forecaster, x, start)
    assert torch.equal(multi[:start], x[:start])
    ks = k_step_predictions(forecaster, x, steps=(1, 2, 5))
    for k in (1, 2, 5):
        torch.testing.assert_close(multi[start + k - 1], ks[k][start + k - 1])


def test_streams_split_the_series_in_order():
    inputs, targets = streams(torch.arange(11.0), batch_size=3)
    assert torch.equal(inputs, torch.tensor([[0.0, 1, 2], [3, 4, 5], [6, 7, 8]]))
    assert torch.equal(targets, inputs + 1)
    with pytest.raises(ValueError, match='streams'):
        streams(torch.arange(3.0), batch_size=4)


def test_mse_skips_nan_and_start():
    preds = torch.tensor([math.nan, 1.0, 2.0, 5.0])
    target = torch.tensor([0.0, 1.0, 0.0, 3.0])
    assert mse(preds, target) == pytest.approx((0 + 4 + 4) / 3)
    assert mse(preds, target, start=3) == pytest.approx(4.0)


def test_linear_regression_init_applies_after_materializing():
    torch.manual_seed(0)
    model = d2lmini.LinearRegression(lr=0.01)
    model(torch.zeros((2, 1000)))
    weight, bias = model.net.weight.detach(), model.net.bias.detach()
    assert weight.shape == (1, 1000)
    assert abs(weight.std().item() - 0.01) < 0.002  # PyTorch's default would give ~0.018 (uniform ±1/sqrt(1000))
    assert torch.equal(bias, torch.zeros(1))


def test_linear_regression_load_state_dict_before_first_forward():
    torch.manual_seed(0)
    trained = d2lmini.LinearRegression(lr=0.01)
    trained(torch.zeros((1, 4)))
    fresh = d2lmini.LinearRegression(lr=0.01)
    fresh.load_state_dict(trained.state_dict())
    fresh(torch.zeros((1, 4)))  # the first forward must not re-initialize loaded weights
    assert torch.equal(fresh.net.weight, trained.net.weight)


def test_linear_regression_learns_sine_data():
    torch.manual_seed(0)
    data = SineData()
    model = d2lmini.LinearRegression(lr=0.01)
    trainer = d2lmini.Trainer(max_epochs=5, live_plot=False, progress=False)
    trainer.fit(model, data)
    assert trainer.history[-1]['val_loss'] < 0.07  # the noise alone costs 0.04
