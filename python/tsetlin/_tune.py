"""The automatic-settings search on Ray Tune (``tsetlin.ray.tune_fit``): one Tune trial per
candidate, the library's successive halving as a Tune scheduler.

The search is the local one (``TextClassifier.fit``) cut at its seams: the driver plans it
(``SearchPlan.of_texts``: the featurized folds, the candidates, the rungs), every trial trains
its candidate one rung at a time (``SearchPlan.advance``) and reports the rung's outcome with
a checkpoint, and :class:`_Halving` makes the rung decisions with the local search's own
ranking (``SearchPlan.survivors``): a trial that reaches the end of a rung is paused (its
CPUs go to the trials still running) until every live candidate has reached it; then the
losers are stopped and the survivors resumed from their checkpoints, possibly on another node.
The driver concludes the log from the outcomes (``SearchPlan.conclude``) and trains the final
model as ``fit`` does, so for the same seed the choice, the log and the model bytes are the
local search's. Imported only by ``tsetlin.ray.tune_fit`` (Ray Tune is an optional extra).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from typing import Any, Dict, List, Optional, Set

from ray import tune
from ray.tune.experiment import Trial
from ray.tune.schedulers import TrialScheduler

try:  # Ray 2.43 and later: Tune's own session API
    from ray.tune import Checkpoint, get_checkpoint, report
except ImportError:  # Ray 2.7 to 2.42: the same calls lived in ray.train
    from ray.train import Checkpoint, get_checkpoint, report  # type: ignore[no-redef]

_OUTCOME = "outcome.json"
_STATE = "trainee.bin"


def _report(candidate: int, rung: int, outcome: str, state: bytes) -> None:
    """One rung's result: the figures a Tune user reads, the outcome the scheduler ranks by,
    and the checkpoint the next rung resumes from."""
    parsed = json.loads(outcome)
    curve = parsed["curve"]
    metrics = {
        "candidate": candidate,
        "rung": rung,
        "epochs": len(curve),
        "valid_accuracy": max(curve) if curve else None,
        "mean_literals": parsed["mean_literals"],
        "converged": parsed["converged"],
        "outcome": outcome,
    }
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, _OUTCOME), "w", encoding="utf-8") as f:
            f.write(outcome)
        with open(os.path.join(d, _STATE), "wb") as f:
            f.write(state)
        # report() copies the folder to the run's storage before it returns.
        report(metrics, checkpoint=Checkpoint.from_directory(d))


def _trial(config: Dict[str, Any], plan: Any = None, threads: int = 1) -> None:
    """A Tune trial: candidate ``config["candidate"]`` of ``plan``, from its checkpoint when
    the scheduler resumed it, a rung at a time until the scheduler stops it or the rungs end."""
    candidate = int(config["candidate"])
    outcome: Optional[str] = None
    state: Optional[bytes] = None
    checkpoint = get_checkpoint()
    if checkpoint is not None:
        with checkpoint.as_directory() as d:
            with open(os.path.join(d, _OUTCOME), encoding="utf-8") as f:
                outcome = f.read()
            with open(os.path.join(d, _STATE), "rb") as f:
                state = f.read()
    start = plan.first_rung(candidate) if outcome is None else json.loads(outcome)["rung"] + 1
    for rung in range(start, len(plan.rungs)):
        outcome, state, _ = plan.advance(candidate, rung, outcome, state, threads)
        _report(candidate, rung, outcome, state)


class _Halving(TrialScheduler):
    """Synchronous successive halving over the plan's candidates, decided by the plan's own
    ranking (``SearchPlan.survivors``), so that Tune keeps the candidates the local search
    keeps. Trials report once per rung; a trial that reports before the rung's last is paused
    (Tune saves its reported checkpoint and frees its CPUs); the last report of a rung decides:
    the losers are stopped, the survivors unpaused, and after the last rung every trial stops.

    Invariant the decisions rely on: when a rung is decided, every live trial but the one
    reporting is paused (it reported this rung and waits), so stopping and unpausing them is
    safe (Ray's own HyperBand scheduler relies on the same)."""

    def __init__(self, plan: Any) -> None:
        super().__init__()
        self.plan = plan
        self.n_rungs = len(plan.rungs)
        self.rung = 0
        # Drop twins (ids from plan.starters on) wait, pending, until their sibling survives
        # the first rung; those whose sibling does not are stopped then.
        self.alive: List[int] = list(range(plan.starters))
        self.arrived: Set[int] = set()
        self.outcomes: Dict[int, str] = {}
        self.trials: Dict[int, Trial] = {}
        self.to_unpause: Set[Trial] = set()
        self.finished = False
        self.failed: Optional[str] = None

    def set_search_properties(self, metric: Optional[str], mode: Optional[str], **spec: Any) -> bool:
        return True

    def on_trial_add(self, tune_controller: Any, trial: Trial) -> None:
        self.trials[int(trial.config["candidate"])] = trial

    def on_trial_result(self, tune_controller: Any, trial: Trial, result: Dict[str, Any]) -> str:
        candidate = int(result["candidate"])
        if int(result["rung"]) != self.rung or candidate not in self.alive:
            # Cannot happen while the invariant holds; never let a stray trial train on.
            return TrialScheduler.STOP
        self.outcomes[candidate] = result["outcome"]
        self.arrived.add(candidate)
        self.to_unpause.discard(trial)
        if len(self.arrived) < len(self.alive):
            return TrialScheduler.PAUSE
        last = self.rung + 1 == self.n_rungs
        outcomes = [self.outcomes.get(i) for i in range(self.plan.n_candidates)]
        kept = set(self.plan.survivors(self.alive, outcomes, self.rung))
        if self.rung == 0:
            for c, t in self.trials.items():
                if c >= self.plan.starters and c not in kept:
                    tune_controller.stop_trial(t)
        action = TrialScheduler.STOP
        for c in self.alive:
            t = self.trials[c]
            goes_on = c in kept and not last
            if t is trial:
                action = TrialScheduler.CONTINUE if goes_on else TrialScheduler.STOP
            elif goes_on:
                self.to_unpause.add(t)
            else:
                tune_controller.stop_trial(t)
        # Survivors in their order, then the twins that join (pending: chosen to run next).
        self.alive = [c for c in self.alive if c in kept] + sorted(kept - set(self.alive))
        self.arrived = set()
        self.rung += 1
        self.finished = last
        return action

    def on_trial_error(self, tune_controller: Any, trial: Trial) -> None:
        # A candidate that cannot finish its rung leaves the rung undecidable: stop the search.
        self.failed = f"the trial of candidate {trial.config.get('candidate')} failed"
        for t in self.trials.values():
            if t is not trial and t.status in (Trial.PAUSED, Trial.PENDING):
                tune_controller.stop_trial(t)
        self.to_unpause.clear()

    def on_trial_complete(self, tune_controller: Any, trial: Trial, result: Dict[str, Any]) -> None:
        self.to_unpause.discard(trial)

    def on_trial_remove(self, tune_controller: Any, trial: Trial) -> None:
        self.to_unpause.discard(trial)

    def choose_trial_to_run(self, tune_controller: Any) -> Optional[Trial]:
        for c in sorted(self.trials):
            t = self.trials[c]
            if c not in self.alive:
                continue  # a drop twin before it joins (or a stopped trial)
            if t.status == Trial.PENDING or (t.status == Trial.PAUSED and t in self.to_unpause):
                return t
        return None

    def debug_string(self) -> str:
        return (f"tsetlin successive halving: rung {min(self.rung, self.n_rungs - 1) + 1} of "
                f"{self.n_rungs}, {len(self.alive)} candidates alive")


def run_search(plan: Any, *, threads: int, budget: Optional[float], storage_path: Optional[str],
               name: Optional[str], verbose: int) -> str:
    """Runs ``plan`` as a Tune experiment (one trial of ``threads`` CPUs per candidate) and
    returns the search log (JSON). ``budget``: Tune's time budget in seconds (None: no
    wall-clock limit); a search cut by it, or by Ctrl-C, keeps the best candidate so far and
    its log says so. A failed trial is a RuntimeError naming it."""
    scheduler = _Halving(plan)
    trainable = tune.with_resources(
        tune.with_parameters(_trial, plan=plan, threads=threads), {"cpu": threads})
    tuner = tune.Tuner(
        trainable,
        param_space={"candidate": tune.grid_search(list(range(plan.n_candidates)))},
        tune_config=tune.TuneConfig(scheduler=scheduler, reuse_actors=True,
                                    time_budget_s=budget),
        run_config=tune.RunConfig(name=name, storage_path=storage_path, verbose=verbose),
    )
    started = time.monotonic()
    grid = tuner.fit()
    if grid.errors or scheduler.failed:
        raise RuntimeError(f"settings search on Ray Tune: {scheduler.failed or 'a trial failed'}: "
                           f"{grid.errors[0] if grid.errors else ''}")
    cut = None
    if not scheduler.finished:
        elapsed = time.monotonic() - started
        cut = "budget" if budget is not None and elapsed >= budget else "interrupted"
    outcomes = [scheduler.outcomes.get(i) for i in range(plan.n_candidates)]
    return plan.conclude(outcomes, cut)
