"""The data sets: drawn from the seed, split and standardised as documented, and learnable."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch

from playground import cli
from playground.core.config import ConfigError, TrainConfig
from playground.core.datasets import DATASETS, GENERATED, load_digits, make_data
from playground.core.loop import Trainer
from playground.core.models import draw_data


def test_random_without_a_test_set_is_the_lessons_draw_bit_for_bit():
    cfg = TrainConfig()
    assert (cfg.dataset, cfg.test_fraction, cfg.N, cfg.D_in, cfg.H, cfg.D_out, cfg.loss) == \
        ("random", 0.0, 64, 1000, 100, 10, "sum")
    data = make_data(cfg)
    after = torch.randn(3)  # the generator's state after the draws
    x, y = draw_data(cfg)
    assert torch.equal(data.x, x) and torch.equal(data.y, y)
    assert torch.equal(after, torch.randn(3))
    assert data.x_test is None and data.mean is None


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_are_reproduced_by_their_seed(name):
    a = make_data(TrainConfig(dataset=name))
    b = make_data(TrainConfig(dataset=name))
    c = make_data(TrainConfig(dataset=name, seed=1))
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y) and torch.equal(a.x_test, b.x_test)
    assert not torch.equal(a.raw_x, c.raw_x)


def test_sine_without_noise_is_the_sine():
    d = make_data(TrainConfig(dataset="sine", noise=0.0, test_fraction=0.0))
    x, y = d.raw_x[:, 0].double(), d.y[:, 0].double()
    assert float(x.min()) >= -math.pi and float(x.max()) <= math.pi
    np.testing.assert_allclose(y.numpy(), np.sin(x.numpy()), atol=1e-6)


def test_circles_xor_and_gaussians_without_noise_follow_their_rule():
    d = make_data(TrainConfig(dataset="circles", noise=0.0, test_fraction=0.0))
    r = np.hypot(*d.raw_x.numpy().T)
    y = d.y.numpy()
    assert r[y == 0].max() <= 0.5 + 1e-6 and r[y == 1].min() >= 0.7 - 1e-6 and r.max() <= 1 + 1e-6
    d = make_data(TrainConfig(dataset="xor", noise=0.0, test_fraction=0.0))
    p = d.raw_x.numpy()
    np.testing.assert_array_equal(d.y.numpy(), (p[:, 0] * p[:, 1] > 0).astype(np.int64))
    assert np.abs(p).min() >= 0.1 - 1e-6  # the margin between the quadrants
    d = make_data(TrainConfig(dataset="gaussians", noise=0.0, test_fraction=0.0, N=2000))
    p, y = d.raw_x.numpy(), d.y.numpy()
    np.testing.assert_allclose(p[y == 0].mean(axis=0), [-1, -1], atol=0.06)
    np.testing.assert_allclose(p[y == 1].mean(axis=0), [1, 1], atol=0.06)


def test_the_digits_are_bundled_whole():
    images, labels = load_digits()
    assert images.shape == (1797, 64) and images.dtype == np.uint8
    assert images.max() == 16 and images.min() == 0
    assert sorted(np.bincount(labels)) == [174, 177, 178, 179, 180, 181, 181, 182, 182, 183]
    cfg = TrainConfig(dataset="digits")
    assert (cfg.N, cfg.D_in, cfg.D_out) == (1797, 64, 10)


@pytest.mark.parametrize("name", ["circles", "digits", "sine"])
def test_the_split_holds_out_a_fraction_and_standardises_with_the_training_split(name):
    cfg = TrainConfig(dataset=name, test_fraction=0.25)
    d = make_data(cfg)
    k = round(cfg.N * 0.25)
    assert len(d.x_test) == k and len(d.x) == cfg.N - k
    # Together the two splits are every sample once.
    raw = torch.cat([d.raw_x, d.raw_x_test]).double().numpy()
    whole = make_data(cfg.replace(test_fraction=0.0)).raw_x.double().numpy()
    assert sorted(map(tuple, raw)) == sorted(map(tuple, whole))
    # The features are standardised with the training split's own mean and std.
    train = d.raw_x.double().numpy()
    std = train.std(axis=0, ddof=1)
    std[std == 0] = 1
    np.testing.assert_allclose(d.x.double().numpy(), (train - train.mean(axis=0)) / std, atol=1e-4)
    test = d.raw_x_test.double().numpy()
    np.testing.assert_allclose(d.x_test.double().numpy(), (test - train.mean(axis=0)) / std, atol=1e-4)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"dataset": "moons"}, "dataset"),
        ({"dataset": "circles", "test_fraction": 0.95}, "test_fraction"),
        ({"dataset": "circles", "test_fraction": -0.1}, "test_fraction"),
        ({"dataset": "sine", "noise": float("nan")}, "noise"),
        ({"dataset": "digits", "noise": 0.2}, "noise"),
        ({"dataset": "circles", "N": 2}, "N"),
        ({"dataset": "random", "test_fraction": 0.5, "N": 1}, "N"),
        ({"loss": "cross-entropy"}, "loss"),
        ({"dataset": "circles", "loss": "sum"}, "loss"),
        ({"dataset": "circles", "data_file": "x.csv"}, "data_file"),
        ({"dataset": "file"}, "data_file"),
        ({"dataset": "sine", "target": "y"}, "target"),
    ],
)
def test_bad_data_settings_name_their_field(kw, field):
    with pytest.raises(ConfigError) as err:
        TrainConfig(**kw)
    assert err.value.field == field


@pytest.mark.parametrize(
    "argv",
    [
        ["--dataset", "moons"],
        ["--dataset", "circles", "--test-fraction", "0.95"],
        ["--dataset", "circles", "--N", "2"],
        ["--dataset", "digits", "--D-in", "10"],
        ["--dataset", "sine", "--noise", "-1"],
        ["--dataset", "circles", "--loss", "mean"],
    ],
)
def test_train_refuses_bad_data_values_with_exit_2(argv, capsys):
    try:
        code = cli.main(["train", *argv, "--steps", "2"])
    except SystemExit as exc:  # argparse refuses an unknown choice itself
        code = exc.code
    assert code == cli.EXIT_INVALID
    assert capsys.readouterr().err.strip()


#: The figure each set's defaults reach (README, "Data sets"), with a margin for other CPUs.
FIGURES = {"circles": 0.97, "xor": 0.95, "gaussians": 0.97, "spiral": 0.95, "digits": 0.95}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_classification_set_learns_with_its_own_defaults(name):
    trainer = Trainer(TrainConfig(dataset=name))
    last = list(trainer.batches())[-1]
    assert last.reason == "completed"
    metrics = trainer.final_metrics()
    assert metrics["test_accuracy"] >= FIGURES[name]


def test_sine_fits_with_its_defaults():
    trainer = Trainer(TrainConfig(dataset="sine"))
    list(trainer.batches())
    m = trainer.final_metrics()
    # noise 0.1 leaves a mean squared error of 0.01 that no fit can remove
    assert m["test_loss"] < 0.03 and m["train_accuracy"] is None


def test_batches_carry_the_test_loss_and_accuracies_and_a_picklable_prediction():
    trainer = Trainer(TrainConfig(dataset="circles", steps=120))
    batches = list(trainer.batches())
    steps = np.concatenate([b.eval_steps for b in batches])
    assert steps.tolist() == list(range(0, 120, 10))
    test_losses = np.concatenate([b.test_losses for b in batches])
    acc = np.concatenate([b.test_accuracies for b in batches])
    assert test_losses[-1] < test_losses[0] and acc[-1] > 0.9
    last = batches[-1]
    assert last.prediction is not None and last.prediction.kind == "grid"
    again = pickle.loads(pickle.dumps(last))
    np.testing.assert_array_equal(again.prediction.grid, last.prediction.grid)


def test_the_lesson_default_evaluates_nothing_extra():
    trainer = Trainer(TrainConfig(steps=30))
    batches = list(trainer.batches())
    assert all(len(b.eval_steps) == 0 for b in batches)
    assert batches[-1].prediction.kind == "none"


def test_random_data_with_a_test_set_memorises():
    """Train loss falls while the test loss of random targets does not: the lesson of memorisation."""
    trainer = Trainer(TrainConfig(test_fraction=0.25, steps=300))
    batches = list(trainer.batches())
    losses = np.concatenate([b.losses for b in batches])
    test = np.concatenate([b.test_losses for b in batches])
    assert losses[-1] < losses[0] / 100
    assert test[-1] > test[0] / 2


def test_the_lessons_smallest_sizes_stay_valid():
    assert TrainConfig(N=1).N == 1  # no test set: one sample is enough, as in the lesson
    assert TrainConfig(N=2, test_fraction=0.5).N == 2  # one to test, one to train


def test_every_data_set_is_listed():
    assert set(DATASETS) == {"random", "sine", "circles", "xor", "gaussians", "spiral", "digits", "file"}


@pytest.mark.parametrize("style", ["numpy", "tensors", "sequential", "module"])
def test_the_gradient_check_grades_a_classifiers_gradients_good(style):
    from playground.core.gradcheck import gradient_check

    trainer = Trainer(TrainConfig(dataset="circles", style=style, steps=20))
    list(trainer.batches())
    report = gradient_check(trainer.runner)
    assert report.passed and report.grade == "good"
    if style == "numpy":  # the hand-written cross-entropy gradient against autograd's
        assert report.autograd_max_rel_diff < 1e-10


def test_fast_mode_says_why_it_leaves_a_data_set_to_the_eager_code():
    from playground.core.machine import fast_mode_support

    reason = fast_mode_support(TrainConfig(dataset="circles", device="cpu"), cuda=True)
    assert reason is not None and "test loss" in reason


def test_a_picture_carries_at_most_max_points_but_counts_the_whole_test_set(monkeypatch):
    from playground.core import prediction

    monkeypatch.setattr(prediction, "MAX_POINTS", 50)
    trainer = Trainer(TrainConfig(dataset="circles", steps=3))
    list(trainer.batches())
    p = prediction.make_prediction(trainer.runner, 3)
    assert p.points.shape == (50, 2) and p.test_points.shape == (50, 2)
    data = trainer.runner.data
    np.testing.assert_array_equal(p.points, data.raw_x[:50].numpy())
    trainer = Trainer(TrainConfig(dataset="digits", steps=3))
    list(trainer.batches())
    p = prediction.make_prediction(trainer.runner, 3)
    assert p.confusion.sum() == len(trainer.runner.data.y_test) == 359
