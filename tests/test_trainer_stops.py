"""The Trainer stops cleanly: bad settings fail before any work, a diverged run stops at the first NaN or infinite
value naming where, and a Ctrl-C leaves a summary of the finished epochs and the model in the mode it was in."""

import functools
import math

import pytest
import torch

import d2lmini
from d2lmini import core
from d2lmini.divergence import DivergenceWatch, TrainingDiverged


def quiet_trainer(max_epochs=3, **kwargs):
    return d2lmini.Trainer(max_epochs=max_epochs, live_plot=False, progress=False, **kwargs)


@pytest.mark.parametrize(
    'value, error', [('1', TypeError), (1.5, TypeError), (True, TypeError), (None, TypeError), (-1, ValueError)]
)
def test_bad_num_gpus_is_named(value, error):
    with pytest.raises(error, match=r'num_gpus must be a whole number, 0 or more \(0 = CPU'):
        d2lmini.Trainer(max_epochs=1, num_gpus=value)


@pytest.mark.parametrize(
    'lr, error',
    [
        ('x', TypeError),
        (None, TypeError),
        (True, TypeError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        (-1, ValueError),
        (0, ValueError),
    ],
)
@pytest.mark.parametrize('kind', ['scratch', 'concise'])
def test_bad_learning_rate_fails_when_the_model_is_built(make_lm, lr, error, kind):
    with pytest.raises(error, match='lr must be a (finite )?number above 0'):
        make_lm(kind, lr=lr)


def test_learning_rate_changed_after_init_fails_before_any_batch(make_lm, small_data):
    model = make_lm('concise')
    model.lr = 'x'
    before = [p.detach().clone() for p in model.parameters()]
    trainer = quiet_trainer()
    with pytest.raises(TypeError, match="lr must be a number above 0 .*got 'x'"):
        trainer.fit(model, small_data)
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters()))


def test_a_diverging_run_stops_at_the_first_infinite_value(make_lm, small_data, capsys):
    model = make_lm('concise', lr=1000)  # perplexity overflows within a few batches
    trainer = d2lmini.Trainer(max_epochs=5, live_plot=False)
    with pytest.raises(
        TrainingDiverged,
        match=r'training diverged: train_ppl is inf at epoch 1, training batch '
        r'(\d+)\..*smaller learning rate.*gradient_clip_val=1.*now lr=1000, '
        r'gradient_clip_val=0',
    ) as caught:
        trainer.fit(model, small_data)
    batch = int(caught.value.args[0].split('training batch ')[1].split('.')[0])
    assert trainer.train_batch_idx == batch - 1 < len(small_data.train_dataloader())  # stopped at that batch
    assert trainer.history == [] and trainer.summary == {'epochs': 0, 'device': 'cpu', 'stopped': 'diverged'}
    assert 'stopped: training diverged' in capsys.readouterr().out
    assert isinstance(caught.value, FloatingPointError)


def nan_loss_from(model, trainer, epoch, batch):
    """Make ``model``'s training loss NaN from (0-based) ``epoch``, ``batch`` on."""
    step = model.training_step

    def poisoned(data):
        loss = step(data)
        late = (trainer.epoch, trainer._batch) >= (epoch, batch)
        return loss * math.nan if late else loss

    model.training_step = poisoned


def test_history_and_summary_keep_the_epochs_before_a_divergence(make_lm, small_data):
    model, trainer = make_lm('concise'), quiet_trainer(max_epochs=4)
    nan_loss_from(model, trainer, epoch=2, batch=3)
    with pytest.raises(TrainingDiverged, match='loss is nan at epoch 3, training batch 4'):
        trainer.fit(model, small_data)
    assert [row['epoch'] for row in trainer.history] == [1, 2]
    assert trainer.summary['epochs'] == 2 and trainer.summary['stopped'] == 'diverged'
    assert trainer.summary['val_ppl'] == trainer.history[-1]['val_ppl']
    assert trainer.train_batch_idx == 2 * len(small_data.train_dataloader()) + 3  # the bad batch took no step


def test_on_a_gpu_the_check_is_read_at_the_end_of_the_epoch(make_lm, small_data, monkeypatch):
    """The deferred check (used on CUDA, no host sync per batch), forced here on the CPU."""
    monkeypatch.setattr(core, 'DivergenceWatch', functools.partial(DivergenceWatch, per_batch=False))
    model, trainer = make_lm('concise'), quiet_trainer(max_epochs=4)
    nan_loss_from(model, trainer, epoch=1, batch=2)
    with pytest.raises(TrainingDiverged, match=r'loss is nan at epoch 2, training batch 3\..*read once per epoch'):
        trainer.fit(model, small_data)
    assert trainer.train_batch_idx == 2 * len(small_data.train_dataloader())  # the whole epoch ran
    assert len(trainer.history) == 1 and trainer.summary['stopped'] == 'diverged'


def test_deferred_watch_reports_the_earliest_bad_value():
    watch = DivergenceWatch('cpu', per_batch=False)
    values = {
        ('training', 0): 1.0,
        ('training', 1): 2.0,
        ('training', 2): math.inf,
        ('training', 3): math.nan,
        ('validation', 0): math.nan,
    }
    for (phase, batch), value in values.items():
        watch.see('train_ppl' if phase == 'training' else 'val_ppl', torch.tensor(value), 4, batch, phase)
    with pytest.raises(TrainingDiverged, match='train_ppl is inf at epoch 5, training batch 3'):
        watch.end_epoch(4)
    watch.end_epoch(5)  # reset: a new epoch starts clean
    watch.see('val_ppl', torch.tensor(math.nan), 6, 1, 'validation')
    with pytest.raises(TrainingDiverged, match='val_ppl is nan at epoch 7, validation batch 2'):
        watch.end_epoch(6)


class Interrupt:
    """Raise KeyboardInterrupt (a Ctrl-C) at (0-based) ``epoch`` in ``phase``."""

    def __init__(self, model, trainer, epoch, phase):
        self.trainer, self.epoch = trainer, epoch
        name = 'training_step' if phase == 'training' else 'validation_step'
        self.step = getattr(model, name)
        setattr(model, name, self)

    def __call__(self, batch):
        if self.trainer.epoch == self.epoch:
            raise KeyboardInterrupt
        return self.step(batch)


@pytest.mark.parametrize('phase', ['training', 'validation'])
@pytest.mark.parametrize('mode', ['train', 'eval'])
def test_ctrl_c_keeps_a_summary_of_the_finished_epochs_and_the_models_mode(make_lm, small_data, phase, mode, capsys):
    model = getattr(make_lm('concise'), mode)()
    trainer = d2lmini.Trainer(max_epochs=5, live_plot=False)
    Interrupt(model, trainer, epoch=2, phase=phase)
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(model, small_data)
    assert model.training == (mode == 'train')
    assert [row['epoch'] for row in trainer.history] == [1, 2]
    summary = trainer.summary
    assert summary['epochs'] == 2 and summary['stopped'] == 'interrupted'
    assert summary['seconds'] == trainer.history[-1]['time']
    assert summary['train_ppl'] == trainer.history[-1]['train_ppl']
    tokens = 2 * small_data.num_train * small_data.num_steps  # the finished epochs' tokens only
    assert summary['tokens_per_second'] == pytest.approx(tokens / summary['seconds'])
    assert capsys.readouterr().out.rstrip().endswith('(interrupted (Ctrl-C))')


def test_ctrl_c_in_the_first_epoch(make_lm, small_data, capsys):
    model, trainer = make_lm('concise'), d2lmini.Trainer(max_epochs=3, live_plot=False, lang='zh')
    Interrupt(model, trainer, epoch=0, phase='training')
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(model, small_data)
    assert trainer.summary == {'epochs': 0, 'device': 'cpu', 'stopped': 'interrupted'}
    assert model.training and capsys.readouterr().out.strip() == '已中断（Ctrl-C）'


def test_a_finished_fit_leaves_the_mode_it_found(make_lm, small_data):
    model = make_lm('concise')
    quiet_trainer(max_epochs=1).fit(model, small_data)
    assert model.training
    model.eval()
    trainer = quiet_trainer(max_epochs=1)
    trainer.fit(model, small_data)
    assert not model.training and 'stopped' not in trainer.summary


def test_the_live_plot_keeps_the_finished_epochs_after_a_ctrl_c(make_lm, small_data):
    model, trainer = make_lm('concise'), d2lmini.Trainer(max_epochs=4, progress=False)
    Interrupt(model, trainer, epoch=2, phase='validation')
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(model, small_data)
    assert len(trainer.figure.axes[0].get_lines()[0].get_xdata()) == 2
