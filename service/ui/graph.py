"""The path from a shipment's party to a sanctioned entity, laid out for a small SVG drawing.

A reason's evidence names each step (`sanctioned_match`: the party resolves to a listed entity;
`sanctioned_proximity`: it resolves to an entity some links from one); this turns each party's
steps into boxes in a row and named arrows between them. Written here because a chain of a few
boxes needs no graph-layout library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BOX_WIDTH, BOX_HEIGHT, GAP, MARGIN = 190, 54, 150, 12
LABEL_CHARS = 26  # characters of a name shown in a box (the whole name is its tooltip)


@dataclass(frozen=True)
class Box:
    x: int
    name: str
    caption: str
    kind: str  # "party", "entity" or "sanctioned"

    @property
    def short(self) -> str:
        return self.name if len(self.name) <= LABEL_CHARS else self.name[:LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Arrow:
    x1: int
    x2: int
    label: str
    via: str


@dataclass
class PathGraph:
    title: str
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)

    @property
    def width(self) -> int:
        return 2 * MARGIN + len(self.boxes) * BOX_WIDTH + (len(self.boxes) - 1) * GAP

    height = 2 * MARGIN + BOX_HEIGHT + 8
    box_width, box_height, margin = BOX_WIDTH, BOX_HEIGHT, MARGIN


def _chain(title: str, steps: list[tuple[str, str, str, str, str]]) -> PathGraph:
    """steps: (link label, via, name, caption, kind), the first with an empty link (the party)."""
    graph = PathGraph(title)
    for i, (label, via, name, caption, kind) in enumerate(steps):
        x = MARGIN + i * (BOX_WIDTH + GAP)
        if i:
            graph.arrows.append(Arrow(x - GAP, x, label, via))
        graph.boxes.append(Box(x, name, caption, kind))
    return graph


def _resolved(party: dict) -> tuple[str, str]:
    how = party.get("matched_by") or "name"
    return f"resolves to ({how}, {party.get('match_score', 0):.2f})", ""


def path_graphs(reasons: list[dict]) -> list[PathGraph]:
    """One drawing per party of the decision's sanctioned-party and linked-party reasons."""
    graphs = []
    for reason in reasons:
        evidence = reason.get("evidence") or {}
        for party in (evidence.get("sanctioned_match") or {}).get("parties", []):
            graphs.append(_chain(f"{party['role']} '{party['party_name']}' is listed", [
                ("", "", party["party_name"], f"{party['role']}, as posted", "party"),
                (*_resolved(party), party["name"], "; ".join(party.get("lists", []))[:80], "sanctioned")]))
        for party in (evidence.get("sanctioned_proximity") or {}).get("parties", []):
            steps = [("", "", party["party_name"], f"{party['role']}, as posted", "party"),
                     (*_resolved(party), party["name"], party.get("entity_id", ""), "entity")]
            steps += [(step.get("phrase") or step.get("link", ""), step.get("via") or "", step["name"],
                       step.get("entity_id", ""), "sanctioned" if step.get("sanctioned") else "entity")
                      for step in party.get("path", [])]
            graphs.append(_chain(f"{party['role']} '{party['party_name']}' is {party['hops']} link(s) from a "
                                 "sanctioned entity", steps))
    return graphs
