"""The fitted answerer model: read from its data file, checked, and calibrated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.fitted import FEATURES, FittedModel, load_model, model_from_dict, save_model
from knowledge.errors import ConfigError


def test_the_shipped_weights_name_every_feature_and_the_sets_they_came_from() -> None:
    model = load_model()
    assert model.features == FEATURES
    assert model.trained_on and not any("sealed" in name or name == "press" for name in model.trained_on)
    assert 0 < model.bar < 1


def test_confidence_grows_with_the_score() -> None:
    model = load_model()
    low, high = model.confidence(-5.0), model.confidence(5.0)
    assert 0 < low < high < 1


def test_a_round_trip_keeps_the_model(tmp_path: Path) -> None:
    model = FittedModel(FEATURES, tuple(0.1 * i for i in range(len(FEATURES))), -1.0, (1.5, 0.2), 0.4, ("release-dev",))
    save_model(model, tmp_path / "w.json")
    assert load_model(str(tmp_path / "w.json")) == model


def test_a_damaged_weights_file_says_how_to_refit(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="python -m evals.fit"):
        load_model(str(path))


def test_an_unknown_feature_is_refused() -> None:
    data = json.loads(json.dumps(load_model().as_dict()))
    data["weights"]["mood"] = 1.0
    with pytest.raises(ConfigError, match="unknown features"):
        model_from_dict(data)


def test_a_bar_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="bar"):
        FittedModel(FEATURES, (0.0,) * len(FEATURES), 0.0, (1.0, 0.0), 1.5)


@pytest.mark.parametrize("name", ["assistant.fitted", "assistant.analysis"])
def test_the_usage_examples_hold(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
