"""§9.1's noisy sine (``SineData``), the forecasting helpers and ``LinearRegression``'s initialization."""
import math

import pytest
import torch
from torch import nn

import d2lmini
from d2lmini.sequence import SineData, k_step_predictions, mse, multistep_predictions


class LastValue(nn.Module):
    """Predicts the newest value of each window: ``(batch, tau) -> (batch, 1)``."""

    def forward(self, X):
        return X[:, -1:]


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
    assert torch.equal(data.features[i], data.x[i:i + 3])
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
    preds = multistep_predictions(Shift(), x, tau=2, start=5)
    assert torch.equal(preds[:5], x[:5])
    assert torch.equal(preds[5:], torch.tensor([5.0, 6, 7, 8, 9]))  # x[4] + 1, then + 1 per step


def test_k_step_alignment():
    x = torch.randn(30)
    preds = k_step_predictions(Shift(), x, tau=3, steps=(1, 4))
    for k in (1, 4):
        assert torch.isnan(preds[k][:3 + k - 1]).all()
        torch.testing.assert_close(preds[k][3 + k - 1:], x[2:30 - k] + k)  # preds[t] = x[t - k] + k


def test_k_step_one_equals_one_step_on_features():
    data = SineData(T=60, num_train=30, tau=4)
    one = k_step_predictions(LastValue(), data.x, data.tau, steps=(1,))[1]
    torch.testing.assert_close(one[4:], LastValue()(data.features).reshape(-1))


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
