"""The events the handoff emits (`canbao.exemption.*`): names, resources and payloads, no personal data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from canbao.exemptions.summary import agency_name
from canbao.policy.model import Campaign

__all__ = ["EVENTS", "RECIPIENTS", "event_spec"]

EVENTS = ("received", "approved", "rejected", "handed-off")
RECIPIENTS = ("tax", "hrss", "towns")  # who receives a handoff, where the campaign has them


def _agency(c: Campaign, code: str, role: str) -> dict[str, str]:
    return {"prefect.resource.id": f"canbao.agency.{code}", "prefect.resource.role": role,
            "prefect.resource.name": agency_name(c, code)}


def event_spec(c: Campaign, happening: str, agencies: Iterable[str], payload: Mapping[str, Any],
               recipients: bool = False) -> dict[str, Any]:
    """Keyword arguments for `prefect.events.emit_event`: the campaign as resource, agencies as related."""
    if happening not in EVENTS:
        raise ValueError(f"unknown exemption event '{happening}' (known: {', '.join(EVENTS)})")
    related = [_agency(c, a, "agency") for a in dict.fromkeys(agencies)]
    if recipients:
        known = {a.code for a in c.agencies}
        related += [_agency(c, a, "recipient") for a in RECIPIENTS if a in known]
    return {
        "event": f"canbao.exemption.{happening}",
        "resource": {"prefect.resource.id": f"canbao.campaign.{c.id}",
                     "prefect.resource.name": f"{c.campaign.locality}{c.campaign.insurance_year}年度"},
        "related": related,
        "payload": {"campaign": c.id, **payload},
    }
