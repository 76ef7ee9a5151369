"""Coverage figures (全覆盖): villages, advisors and gaps per unit, township and programme."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Roster, Township


@dataclass(frozen=True)
class Row:
    """Coverage of one area: a township, a county-level unit, or the whole programme."""

    id: str
    name: str
    townships: int
    villages: int
    covered: int
    advisors: int

    @property
    def gaps(self) -> int:
        return self.villages - self.covered

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.villages if self.villages else 100.0

    @property
    def percent_text(self) -> str:
        """Never rounds a gap up to 100 %: 6362/6363 reads 99.98 %, not 100.0 %."""
        if self.gaps == 0:
            return "100%"
        return f"{min(self.percent, 99.99):.2f}%"


@dataclass(frozen=True)
class Coverage:
    total: Row
    counties: tuple[Row, ...]
    townships: dict[str, tuple[Row, ...]]  # unit id → its townships' rows


def _row(id_: str, name: str, townships: list[Township], roster: Roster) -> Row:
    villages = [v for t in townships for v in t.villages]
    advisors = {v.advisor for v in villages if v.advisor and v.advisor in roster.advisor}
    advisors |= {m for t in townships for m in t.team if m in roster.advisor}
    covered = sum(1 for v in villages if v.advisor and v.advisor in roster.advisor)
    return Row(id_, name, len(townships), len(villages), covered, len(advisors))


def coverage(roster: Roster) -> Coverage:
    """Rows in roster order; an advisor counts once per area they serve or team in."""
    counties = tuple(
        _row(c.id, c.name, roster.townships_of.get(c.id, []), roster) for c in roster.counties
    )
    townships = {
        c.id: tuple(_row(t.code, t.name, [t], roster) for t in roster.townships_of.get(c.id, []))
        for c in roster.counties
    }
    total = _row("", roster.programme.city or "全市", list(roster.townships), roster)
    return Coverage(total, counties, townships)
