"""Record the weights of the chapter's trained model, so that the Going-further page can read them without
training again (100 epochs take about 30 s on one CPU thread, in each of the three editions, in every CI run).

Usage: ``OMP_NUM_THREADS=1 python benchmarks/record_chapter_model.py [--dry-run]``

Runs the chapter's own steps on the CPU (``rnn-concise``: data as there, ``torch.manual_seed(1)`` and the model,
the untrained ``predict`` that materializes the lazy output layer, ``torch.manual_seed(2)`` and 100 epochs of
training) and writes the weights with the seeds, date and command into ``d2lmini/book/recorded/chapter_model.json``
(a row of the same device replaces the old one). The chapter's hidden check compares the model it trains with
this file on the CPU: when training changes (the Trainer, the data, the seeds), that check fails and says to run
this script again. CPU training with fixed seeds is bit-reproducible on one machine; across machines the check
allows float32 rounding.
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch  # noqa: E402

import d2lmini as d2l  # noqa: E402
from d2lmini.book import results, speed  # noqa: E402

SEEDS = {'model': 1, 'training': 2}
EPOCHS = 100


def train_chapter_model(epochs=EPOCHS):
    """The chapter's model trained as the chapter trains it, on the CPU; returns ``(model, trainer, data)``."""
    torch.manual_seed(0)
    data = d2l.TimeMachine(batch_size=1024, num_steps=32)
    torch.manual_seed(SEEDS['model'])
    model = d2l.RNNLM(d2l.RNN(num_inputs=len(data.vocab), num_hiddens=32), vocab_size=len(data.vocab), lr=1)
    model.predict('it has', 20, data.vocab)  # as the chapter does before training: materializes the output layer
    torch.manual_seed(SEEDS['training'])
    trainer = d2l.Trainer(max_epochs=epochs, gradient_clip_val=1, num_gpus=0, live_plot=False, progress=False)
    trainer.fit(model, data)
    return model, trainer, data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dry-run', action='store_true', help='train and print, write nothing')
    args = parser.parse_args(argv)
    command = 'python benchmarks/record_chapter_model.py ' + shlex.join(argv if argv is not None else sys.argv[1:])
    start = time.perf_counter()
    model, trainer, _ = train_chapter_model()
    info = speed.device_info('cpu')
    row = {
        'device_type': 'cpu',
        'device_name': info['device_name'],
        'torch': info['torch'],
        'python': info['python'],
        'date': __import__('datetime').date.today().isoformat(),
        'command': command.strip(),
        'seeds': SEEDS,
        'epochs': EPOCHS,
        'val_ppl': trainer.summary['val_ppl'],
        'state_dict': results.encode_state(model.state_dict()),
    }
    print(f'trained in {time.perf_counter() - start:.0f} s: val ppl {row["val_ppl"]:.4f}')
    if not args.dry_run:
        about = (
            "Weights of the chapter's trained RNNLM (32 hidden units, 100 epochs, seeds as in rnn-concise); "
            'written by benchmarks/record_chapter_model.py, read by the Going-further page.'
        )
        status = results.update('chapter_model', row, ('device_type', 'device_name'), about=about)
        print(f'{status} the row of {row["device_name"]} in {results.path_of("chapter_model")}')
    return row


if __name__ == '__main__':
    main()
