"""A size computed with NumPy is a size: NumPy integers (and floats) are accepted wherever d2lmini asks for a number,
and what is stored is a plain Python int or float."""

import numpy as np
import pytest
import torch

import d2lmini


@pytest.fixture(scope='module')
def trained():
    torch.manual_seed(0)
    data = d2lmini.TimeMachine(
        batch_size=np.int64(64), num_steps=np.int32(8), num_train=np.int64(256), num_val=np.uint16(64)
    )
    model = d2lmini.RNNLM(
        d2lmini.RNN(np.int64(len(data.vocab)), np.int64(16)), vocab_size=np.int64(len(data.vocab)), lr=np.float64(1.0)
    )
    trainer = d2lmini.Trainer(
        max_epochs=np.int64(1), num_gpus=np.int64(0), gradient_clip_val=np.float32(1), live_plot=False, progress=False
    )
    trainer.fit(model, data)
    return data, model, trainer


def test_training_takes_numpy_sizes(trained):
    data, model, trainer = trained
    assert trainer.history and type(trainer.max_epochs) is int and type(data.batch_size) is int
    assert (
        type(data.num_steps) is int
        and type(model.vocab_size) is int
        and type(model.lr) is float
        and type(d2lmini.Trainer(1, gradient_clip_val=1).gradient_clip_val) is int
    )
    assert data.X.shape[1] == 8 and len(data.train_dataloader()) == 4 and len(data.val_dataloader()) == 1


def test_the_scratch_model_takes_numpy_sizes():
    model = d2lmini.RNNLMScratch(
        d2lmini.RNNScratch(np.int64(28), np.int64(4), sigma=np.float64(0.01)),
        vocab_size=np.int64(28),
        lr=np.float32(0.5),
    )
    assert model(torch.zeros((2, 3), dtype=torch.long)).shape == (2, 3, 28)


def test_generation_takes_numpy_numbers(trained):
    data, model, _ = trained
    assert len(model.predict('it has', np.int64(5), data.vocab)) == len('it has') + 5
    a = model.sample('it has', np.int16(5), data.vocab, temperature=np.float64(0.5), seed=np.uint32(3))
    assert a == model.sample('it has', 5, data.vocab, temperature=0.5, seed=3)


def test_the_page_generator_takes_numpy_numbers(trained):
    from d2lmini.generators import export

    data, model, _ = trained
    html = export.html_snippet(model, data.vocab, length=np.int64(5), temperature=np.float64(0.0), seed=np.int64(1))
    assert 'd2lminiMath' in html
