"""Why a run went wrong: a cause that fits the evidence, in words a student can act on.

When a run diverges (or a step fails), :func:`diagnose` weighs what the run did
against what the configuration asked for and names one cause:

========================  ======================================================
cause                     evidence
========================  ======================================================
update-outside-no-grad    the step failed with PyTorch's in-place leaf error
overflow                  the loss was not finite at step 0, before any update
accumulating-gradients    ``zero_grad`` switched off, or the gradient norm kept
                          its size while the loss fell (gradients adding up)
sum-loss-large-n          a summed loss over many more numbers than the lesson's
                          640, trained by plain gradient steps at a lesson-sized lr
lr-too-high               anything else that blew up
========================  ======================================================

The wording is one table (:data:`CAUSES`): the command line prints it in
English, the window translates the same texts (they are marked for Qt Linguist
with ``QT_TRANSLATE_NOOP`` in the ``Diagnosis`` context) and fills in the same
evidence.  Nothing here imports Qt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .config import PLAIN_STEP, TrainConfig


def QT_TRANSLATE_NOOP(_context: str, text: str) -> str:  # noqa: N802 - the name Qt Linguist looks for
    """Mark ``text`` for translation (the window translates it); returns it unchanged."""
    return text


#: PyTorch's words when a leaf that requires grad is changed in place outside no_grad.
LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation"
#: The lesson's summed loss adds up N x D_out = 64 x 10 numbers.
LESSON_SUM_COUNT = 64 * 10
#: The lesson's learning rate for plain gradient steps on the summed loss.
LESSON_SGD_LR = 1e-6
LARGEST = {"float32": "3.4e38", "float64": "1.8e308"}


@dataclass(frozen=True)
class Cause:
    title: str
    explanation: str
    hint: str


CAUSES: dict[str, Cause] = {
    "lr-too-high": Cause(
        QT_TRANSLATE_NOOP("Diagnosis", "Learning rate too high"),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "With lr = {lr} each step overshoots the minimum, so the next error and gradient are bigger: "
            "the loss went from {start} to {peak} and then became {value} at step {step}.",
        ),
        QT_TRANSLATE_NOOP("Diagnosis", "Try a learning rate ten times smaller (lr = {lr_smaller})."),
    ),
    "accumulating-gradients": Cause(
        QT_TRANSLATE_NOOP("Diagnosis", "Gradients accumulating: zero_grad() is never called"),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "backward() adds each new gradient into .grad. Without zeroing it, every update uses the sum of "
            "all gradients so far: the gradient norm was {grad_start} at step 0 and still {grad_late} at "
            "step {late_step}, while the loss went from {start} to {late_loss} (in a correct run the "
            "gradient shrinks with the loss). The steps keep growing until the loss became {value} at "
            "step {step}.",
        ),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "Zero the gradients every step (optimizer.zero_grad(), or w.grad.zero_() by hand): switch the "
            "mistake off. A smaller learning rate only delays the blow-up.",
        ),
    ),
    "update-outside-no-grad": Cause(
        QT_TRANSLATE_NOOP("Diagnosis", "Update outside torch.no_grad()"),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "w -= lr * w.grad on a weight that requires grad would itself be recorded in the graph, so "
            "PyTorch refuses it at step {step}: \u201c{error}\u201d.",
        ),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "Do the update inside 'with torch.no_grad():' (switch the mistake off); the learning rate has "
            "nothing to do with it.",
        ),
    ),
    "sum-loss-large-n": Cause(
        QT_TRANSLATE_NOOP("Diagnosis", "A summed loss over many samples"),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "With loss = sum the gradient adds up N \u00b7 D_out = {count} terms, {times} times the lesson's "
            "64 \u00b7 10 = 640, so lr = {lr} takes steps {times} times larger than the lesson's and "
            "overshoots: the loss became {value} at step {step}.",
        ),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "Use the mean loss, or divide the learning rate by {times} (lr = {lr_scaled}).",
        ),
    ),
    "overflow": Cause(
        QT_TRANSLATE_NOOP("Diagnosis", "Numbers too large for {dtype}"),
        QT_TRANSLATE_NOOP(
            "Diagnosis",
            "The loss was already {value} at step 0, before any update: the forward pass went past "
            "{dtype}'s largest number ({largest}), so the learning rate is not to blame.",
        ),
        QT_TRANSLATE_NOOP("Diagnosis", "Use float64, or smaller inputs or sizes."),
    ),
}


@dataclass(frozen=True)
class Evidence:
    """What a run did before it went wrong: sampled steps, their loss and total gradient norm."""

    steps: tuple[int, ...] = ()
    losses: tuple[float, ...] = ()
    grad_norms: tuple[float, ...] = ()


@dataclass(frozen=True)
class Diagnosis:
    """One cause (a key of :data:`CAUSES`) and the figures its texts are filled with."""

    cause: str
    values: dict[str, str] = field(default_factory=dict)
    #: A learning rate to restart with, when a smaller one is the cure (else None).
    restart_lr: float | None = None

    def _fill(self, template: str) -> str:
        return template.format(**self.values)

    @property
    def title(self) -> str:
        return self._fill(CAUSES[self.cause].title)

    @property
    def explanation(self) -> str:
        return self._fill(CAUSES[self.cause].explanation)

    @property
    def hint(self) -> str:
        return self._fill(CAUSES[self.cause].hint)

    @property
    def text(self) -> str:
        """Title, explanation and hint in one paragraph (the command line's wording)."""
        return f"{self.title}. {self.explanation} {self.hint}"

    def to_dict(self) -> dict[str, object]:
        return {"cause": self.cause, "title": self.title, "explanation": self.explanation, "hint": self.hint,
                "restart_lr": self.restart_lr}


def _g(value: float) -> str:
    return f"{value:.3g}"


def accumulation_seen(evidence: Evidence) -> bool:
    """Whether the gradient kept its size while the loss fell: gradients adding up.

    Near a minimum a loss behaves like a quadratic, where ``|grad|^2 / loss`` stays
    within the curvature's bounds; in correct runs it stayed at or below its step-0
    value (0.1 to 1 times it), while gradients that add up make it grow (3 to 300
    times, measured on the lesson's sizes).  Only the steps before the blow-up count:
    those where the loss had not grown past twice its start.
    """
    if len(evidence.steps) < 6 or evidence.steps[0] != 0:
        return False
    loss0, g0 = evidence.losses[0], evidence.grad_norms[0]
    if not (loss0 > 0 and g0 > 0 and math.isfinite(loss0) and math.isfinite(g0)):
        return False
    k0 = g0 * g0 / loss0
    ratios = sorted(
        (g * g / loss) / k0
        for s, loss, g in zip(evidence.steps, evidence.losses, evidence.grad_norms, strict=True)
        if s > 0 and 0 < loss <= 2 * loss0 and math.isfinite(g) and math.isfinite(loss)
    )
    return len(ratios) >= 5 and ratios[len(ratios) // 2] >= 2.5


def diagnose(
    cfg: TrainConfig,
    *,
    step: int,
    value: str = "inf",
    tensor: str = "loss",
    kind: str = "loss",
    lr: float | None = None,
    evidence: Evidence = Evidence(),
    error: str | None = None,
) -> Diagnosis | None:
    """The cause of a divergence at ``step`` (or of the step ``error``), or None for other errors."""
    lr = cfg.lr if lr is None else lr
    if error is not None:
        if LEAF_ERROR in error:
            words = error.split(": ", 1)[-1].rstrip(".")
            return Diagnosis("update-outside-no-grad", {"step": str(step), "error": words})
        return None
    tensor_words = {"loss": "loss"}.get(tensor, tensor if kind != "gradient" else f"{tensor}.grad")
    finite = [(s, loss) for s, loss in zip(evidence.steps, evidence.losses, strict=True) if math.isfinite(loss)]
    start = finite[0][1] if finite else float("nan")
    peak = max((loss for _, loss in finite), default=float("nan"))
    base = {"step": str(step), "value": value, "tensor": tensor_words, "lr": f"{lr:g}",
            "start": _g(start), "peak": _g(peak), "dtype": cfg.dtype}
    if step == 0 and kind == "loss":
        return Diagnosis("overflow", base | {"largest": LARGEST.get(cfg.dtype, "?")})
    if cfg.mistake == "no-zero-grad" or accumulation_seen(evidence):
        late = [(s, loss, g) for s, loss, g in zip(evidence.steps, evidence.losses, evidence.grad_norms,
                                                    strict=True)
                if math.isfinite(loss) and math.isfinite(g) and (not finite or loss <= start)]
        g_start = evidence.grad_norms[0] if evidence.grad_norms else float("nan")
        late_step, late_loss, g_late = late[-1] if late else (0, start, g_start)
        return Diagnosis("accumulating-gradients", base | {
            "grad_start": _g(g_start), "grad_late": _g(g_late), "late_step": str(late_step),
            "late_loss": _g(late_loss)})
    count = cfg.N * cfg.D_out
    if (cfg.loss == "sum" and cfg.optimizer in PLAIN_STEP and count >= 4 * LESSON_SUM_COUNT
            and lr <= 10 * LESSON_SGD_LR):
        times = count / LESSON_SUM_COUNT
        scaled = float(f"{lr / times:.2g}")  # the figure the hint shows is the one offered
        return Diagnosis("sum-loss-large-n", base | {
            "count": f"{count:,}", "times": f"{times:.3g}", "lr_scaled": f"{scaled:g}"},
            restart_lr=scaled)
    return Diagnosis("lr-too-high", base | {"lr_smaller": f"{lr / 10:g}"}, restart_lr=lr / 10)


def evidence_from(steps: Sequence[int], losses: Sequence[float], norms: Sequence[float]) -> Evidence:
    return Evidence(tuple(int(s) for s in steps), tuple(float(v) for v in losses), tuple(float(g) for g in norms))
