"""The one record every benchmark returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    baseline: float
    # What the baseline is, in words ("same bot, capture off"); shown in the text report.
    baseline_label: str
    # Target on `ratio` (value / baseline) or None; `higher_is_better` says which way it points.
    target: float | None = None
    higher_is_better: bool = True
    # An absolute bound on `value` itself (e.g. at most 5 s), in the same direction.
    limit: float | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")

    @property
    def met(self) -> bool | None:
        checks = []
        if self.target is not None:
            checks.append(self.ratio >= self.target if self.higher_is_better
                          else self.ratio <= self.target)
        if self.limit is not None:
            checks.append(self.value >= self.limit if self.higher_is_better
                          else self.value <= self.limit)
        return all(checks) if checks else None

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["ratio"] = round(self.ratio, 4)
        data["met"] = self.met
        return data
