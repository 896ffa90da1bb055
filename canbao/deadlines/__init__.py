"""Deadline states from the ledger (截止事项): done, approaching or missed, and the alerts they raise."""

from canbao.deadlines.alerts import (
    EVENT_TARGET,
    AlertKey,
    alert_event,
    alert_key,
    alert_message,
    already_sent,
    needs_alert,
    record_alert,
)
from canbao.deadlines.evidence import Evidence, evidence
from canbao.deadlines.occurrences import Due, current_dues, is_active
from canbao.deadlines.states import STATE_LABELS, DeadlineState, classify, deadline_states

__all__ = [
    "EVENT_TARGET", "STATE_LABELS", "AlertKey", "DeadlineState", "Due", "Evidence", "alert_event", "alert_key",
    "alert_message", "already_sent", "classify", "current_dues", "deadline_states", "evidence", "is_active",
    "needs_alert", "record_alert",
]
