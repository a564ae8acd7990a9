"""The reputation formula, as a pure function of counts read from the records: easy to show, test and recompute."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """One way to earn points: `points` for each record, at most `cap` in all (0: no cap)."""

    key: str
    label: str
    points: int
    explanation: str
    cap: int = 0
    short: str = ""  # a plural noun for compact lists: "3 votes"


# Points for giving, not for taking: what helps others counts, what only helps oneself does not.
RULES: tuple[Rule, ...] = (
    Rule("shipped", "Idea that shipped", 10, "An idea you posted was shipped by the team.", short="shipped ideas"),
    Rule("helpful", "Helpful comment", 5, "The idea's author or the team marked your comment helpful.",
         short="helpful comments"),
    Rule("introductions", "Introduction both accepted", 5,
         "You introduced two people and both accepted the connection.", short="introductions"),
    Rule("invitees", "Invitee who contributed", 5,
         "Someone who joined through your invitation posted an idea or a comment.", short="invitees"),
    Rule("votes", "Vote on someone else's idea", 1, "A little for each vote on another person's idea.", cap=50,
         short="votes"),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


@dataclass(frozen=True)
class Line:
    rule: Rule
    count: int
    points: int


@dataclass(frozen=True)
class Breakdown:
    """How a total was earned, line by line, in the order of RULES."""

    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)

    def count(self, key: str) -> int:
        return next((line.count for line in self.lines if line.rule.key == key), 0)


def line_points(rule: Rule, count: int) -> int:
    points = rule.points * max(count, 0)
    return min(points, rule.cap) if rule.cap else points


def score(counts: dict[str, int]) -> Breakdown:
    """Points for each kind of record counted; unknown keys are ignored, missing ones count zero."""
    return Breakdown(tuple(Line(rule, counts.get(rule.key, 0), line_points(rule, counts.get(rule.key, 0)))
                           for rule in RULES))


@dataclass(frozen=True)
class Badge:
    key: str
    name: str
    explanation: str


BADGES: tuple[Badge, ...] = (
    Badge("first_shipped", "First idea shipped", "One of your ideas shipped."),
    Badge("connector", "Connector",
          "You brought people together: an introduction both accepted, or an invitee who contributed."),
    Badge("first_answer", "First to answer a newcomer",
          "You were the first to answer someone's first idea."),
)


def badges(counts: dict[str, int]) -> list[Badge]:
    """Milestones reached, from the same counts as the points (plus `first_answers`)."""
    reached = {
        "first_shipped": counts.get("shipped", 0) >= 1,
        "connector": counts.get("introductions", 0) + counts.get("invitees", 0) >= 1,
        "first_answer": counts.get("first_answers", 0) >= 1,
    }
    return [badge for badge in BADGES if reached[badge.key]]
