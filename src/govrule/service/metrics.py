"""Prometheus metrics of the service (prometheus-client), in a registry of its own per application."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

#: Latency buckets, in seconds: decisions take microseconds, a slow batch or check up to seconds.
_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class Metrics:
    """Decisions by query and outcome, latency histograms, and the state of the rulesets in service."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.decisions = Counter(
            "govrule_decisions",
            "Decisions answered, by query and outcome (answer, no_rule, bad_input, unknown_term).",
            ("query", "outcome"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "govrule_decision_seconds",
            "Time to answer one single-decision request (parsing, query, encoding, logging), by query.",
            ("query",),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.batch_latency = Histogram(
            "govrule_batch_seconds",
            "Time to answer one batch request, by query.",
            ("query",),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.rulesets = Gauge("govrule_rulesets_loaded", "Rulesets in service.", registry=self.registry)
        self.failures = Gauge(
            "govrule_ruleset_files_failing",
            "Ruleset files that fail validation (not in service).",
            registry=self.registry,
        )
        self.reloads = Counter(
            "govrule_ruleset_reloads", "Scans that changed the rulesets in service.", registry=self.registry
        )
        self._counters: dict[tuple[str, str], Counter] = {}
        self._latencies: dict[str, Histogram] = {}

    def count(self, query: str, outcome: str, n: int = 1) -> None:
        """Add ``n`` decisions of a query with an outcome."""
        child = self._counters.get((query, outcome))
        if child is None:
            child = self._counters[(query, outcome)] = self.decisions.labels(query, outcome)
        child.inc(n)

    def observe(self, query: str, seconds: float) -> None:
        """Record the time one single-decision request took."""
        child = self._latencies.get(query)
        if child is None:
            child = self._latencies[query] = self.latency.labels(query)
        child.observe(seconds)

    def exposition(self) -> bytes:
        """The metrics in the Prometheus text format."""
        return generate_latest(self.registry)
