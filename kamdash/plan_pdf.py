"""The one-page account plan a KAM brings to a quarterly business review, as a PDF (fpdf2).

Pure: ``plan_pdf(sheet)`` turns a ``PlanSheet`` (plain values and small frames, gathered by
the page) into PDF bytes. It always fits one A4 page: when the content is too long, the longest
lists are shortened (and say how many more there are) until it does. Text goes in as text
(no markup), in DejaVu Sans when the system has it (every accented name renders), else in the
PDF core font with the characters Latin-1 lacks replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

__all__ = ["PlanSheet", "plan_pdf", "FONT_DIR"]

# Debian's fonts-dejavu-core: a Unicode font for names like "Müller & Söhne" or "Łódź".
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

INK = (31, 41, 55)
MUTED = (100, 110, 125)
HEAD_FILL = (238, 242, 247)
BAND_FILL = {"green": (220, 252, 231), "yellow": (254, 240, 199), "red": (254, 228, 226)}


@dataclass(frozen=True)
class PlanSheet:
    """What the page shows on one sheet. Frames hold display text already (money formatted):
    roles (Role, Status, Covered by), goals (Goal, Horizon, Owner, Due, Status, Target),
    actions (Action, Goal, Owner, Due, Status), opportunities (Opportunity, Buying centre,
    Value, Stage, Close), whitespace (Offering, Potential, Buying centres)."""

    account: str
    facts: list[tuple[str, str]]  # ("Industry", "Logistics"), ...
    health: str  # "62 / 100, Yellow"
    health_band: str | None  # green / yellow / red / None
    health_reason: str
    figures: list[tuple[str, str]]  # ("Pipeline", "€1.2M"), ...
    roles: pd.DataFrame
    goals: pd.DataFrame
    actions: pd.DataFrame
    opportunities: pd.DataFrame
    whitespace: pd.DataFrame
    review: str
    as_of: date
    business: list[tuple[str, str]] = field(default_factory=list)  # ("Their goals", "a; b")


def _unicode_font() -> bool:
    return all((FONT_DIR / f).is_file() for f in _FONT_FILES.values())


class _Sheet(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(12, 10, 12)
        self.set_auto_page_break(auto=True, margin=10)
        self.unicode = _unicode_font()
        if self.unicode:
            for style, file in _FONT_FILES.items():
                self.add_font("DejaVu", style, str(FONT_DIR / file))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"
        self.set_text_color(*INK)

    def text_of(self, value: object) -> str:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) \
            else str(value)
        if not self.unicode:
            text = text.replace("€", "EUR ").replace("–", "-").replace("…", "...")
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.font(10, bold=True)
        self.cell(0, 5.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*MUTED)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1)

    def para(self, text: str, size: float = 8, colour=INK) -> None:
        self.font(size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.45, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def table_of(self, frame: pd.DataFrame, widths: tuple[float, ...], empty: str,
                 more: int = 0) -> None:
        if frame.empty:
            self.para(empty, colour=MUTED)
            return
        self.font(7.5)
        heads = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
        with self.table(col_widths=widths, line_height=3.8, headings_style=heads,
                        text_align="LEFT", borders_layout="HORIZONTAL_LINES",
                        padding=0.6, width=self.epw, cell_fill_mode="NONE") as table:
            table.row([self.text_of(c) for c in frame.columns])
            for values in frame.itertuples(index=False):
                table.row([self.text_of(v) for v in values])
        if more:
            self.para(f"… and {more} more in kamdash.", size=7, colour=MUTED)


def _cut(frame: pd.DataFrame, rows: int) -> tuple[pd.DataFrame, int]:
    return frame.head(rows), max(0, len(frame) - rows)


def _render(sheet: PlanSheet, limits: dict[str, int]) -> _Sheet:
    pdf = _Sheet()
    pdf.set_title(f"Account plan: {sheet.account}")
    pdf.set_creator("kamdash")
    pdf.add_page()
    pdf.font(16, bold=True)
    pdf.cell(0, 8, pdf.text_of(f"{sheet.account}: account plan"), new_x="LMARGIN",
             new_y="NEXT")
    pdf.para("   ·   ".join(f"{k} {v}" for k, v in sheet.facts), size=8, colour=MUTED)
    pdf.ln(1)
    pdf.font(8.5, bold=True)
    fill = BAND_FILL.get(sheet.health_band or "")
    if fill:
        pdf.set_fill_color(*fill)
    pdf.cell(42, 5.5, pdf.text_of(f"Health {sheet.health}"), fill=bool(fill))
    pdf.set_fill_color(255, 255, 255)
    pdf.font(8)
    pdf.multi_cell(0, 3.8, pdf.text_of("  " + sheet.health_reason), new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(0.5)
    pdf.font(8, bold=True)
    pdf.multi_cell(0, 4, pdf.text_of("   ·   ".join(f"{k}: {v}" for k, v in sheet.figures)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.para(sheet.review, size=7.5, colour=MUTED)
    if sheet.business:
        pdf.heading("Customer's business")
        for label, text in sheet.business[: limits["business"]]:
            pdf.para(f"{label}: {text}", size=7.5)

    pdf.heading("Buying roles")
    roles, more = _cut(sheet.roles, limits["roles"])
    pdf.table_of(roles, (30, 40, 120), "No buying roles recorded.", more)
    pdf.heading("Our goals")
    goals, more = _cut(sheet.goals, limits["goals"])
    pdf.table_of(goals, (62, 18, 30, 20, 20, 36), "No goals yet.", more)
    pdf.heading("Open actions")
    actions, more = _cut(sheet.actions, limits["actions"])
    pdf.table_of(actions, (70, 48, 30, 20, 18), "No open actions.", more)
    pdf.heading("Top opportunities")
    opps, more = _cut(sheet.opportunities, limits["opportunities"])
    pdf.table_of(opps, (66, 34, 28, 24, 34), "No opportunities recorded.", more)
    pdf.heading("Whitespace: where we can grow")
    space, more = _cut(sheet.whitespace, limits["whitespace"])
    pdf.table_of(space, (55, 30, 101), "No whitespace potential recorded.", more)
    pdf.ln(1)
    pdf.para(f"kamdash, {sheet.as_of:%d %B %Y}. Internal: for the account team and the QBR.",
             size=6.5, colour=MUTED)
    return pdf


_LIMITS = {"business": 7, "roles": 5, "goals": 6, "actions": 8, "opportunities": 5,
           "whitespace": 6}
_SHRINK_ORDER = ("actions", "business", "goals", "opportunities", "whitespace", "roles")


def plan_pdf(sheet: PlanSheet) -> bytes:
    """The sheet as a one-page PDF. Lists are shortened, the longest first, until it fits."""
    limits = dict(_LIMITS)
    while True:
        pdf = _render(sheet, limits)
        if pdf.pages_count == 1:
            return bytes(pdf.output())
        shrinkable = [k for k in _SHRINK_ORDER if limits[k] > 1]
        if not shrinkable:  # cannot happen with the fixed sections, but never loop forever
            return bytes(pdf.output())
        longest = max(shrinkable, key=lambda k: limits[k])
        limits[longest] -= 1

