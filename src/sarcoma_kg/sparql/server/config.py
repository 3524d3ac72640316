"""What a served endpoint is started with: the store, the mode, the limits. Passed from the
``serve`` command to the server process as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from .limits import Limits
from .urls import DEFAULT_HOST, DEFAULT_PORT


@dataclass
class ServerConfig:
    #: The Oxigraph store directory (opened read-only by the query workers, read-write by the writer).
    store: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    #: Accept SPARQL Update and Graph Store writes.
    writable: bool = False
    #: Let SPARQL ``LOAD`` and ``SERVICE`` fetch from URLs (refused otherwise).
    allow_remote_fetch: bool = False
    #: Queries see the union of all graphs as their default graph (set when patient graphs are served).
    union_default_graph: bool = False
    #: Where a writable server keeps the snapshots its readers use.
    snapshots: str | None = None
    #: The named graphs of the patient files served, for the query page.
    patient_graphs: list[str] = field(default_factory=list)
    #: Prefixes written in Turtle answers (prefix -> namespace).
    prefixes: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    def to_json(self) -> str:
        data = asdict(self)
        data["limits"] = self.limits.as_dict()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "ServerConfig":
        data = json.loads(text)
        data["limits"] = Limits.from_dict(data.get("limits") or {})
        return cls(**data)
