"""Ledger table of a coordinator's review of the proof a mid-year enrollment needs (Kaijiang 三(二))."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canbao.ledger.schema import VOLATILE, Base
from canbao.ledger.types import AwareDateTime, NoFullIdText

__all__ = ["PROOF_DECISIONS", "ProofConfirmation"]

PROOF_DECISIONS = ("confirmed", "refused")


class ProofConfirmation(Base):
    """A coordinator's decision on one resident's proof for a campaign: the latest decision per person.

    `decided_at` is when the coordinator decided, `recorded_at` when the ledger learned it (the state counts
    a decision only when both are before its cut). `import_id`: the confirmation file it came from (NULL when
    entered with `canbao proof confirm`); `flow_run_id`: the run that wrote it.
    """

    __tablename__ = "proof_confirmations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "id_number"),
        CheckConstraint(f"decision IN ({', '.join(repr(d) for d in PROOF_DECISIONS)})", name="decision"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, info=VOLATILE)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    id_number: Mapped[str] = mapped_column(ForeignKey("residents.id_number"))
    decision: Mapped[str] = mapped_column(String(16))
    proof: Mapped[str | None] = mapped_column(String(64))
    reviewer: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(AwareDateTime)
    note: Mapped[str | None] = mapped_column(NoFullIdText(500))
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
