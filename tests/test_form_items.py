"""Form items nested in a flow's parameters (duties done, transfers received) render empty boxes, not "None"
toggles, and an empty box means what leaving the item out means."""

from __future__ import annotations

import importlib
import json
import pkgutil
from datetime import date
from decimal import Decimal

import pytest
from prefect import Flow
from prefect.utilities.callables import parameter_schema

import flows
from flows.phase_params import DutyDone, TransferReceived


def _nullable(schema: dict) -> list[str]:
    """Properties of a JSON schema (and of its definitions) that admit null: Prefect draws those as a toggle."""
    found = [k for k, f in schema.get("properties", {}).items() if "null" in json.dumps(f)]
    for name, spec in (schema.get("definitions") or schema.get("$defs") or {}).items():
        found += [f"{name}.{k}" for k, f in spec.get("properties", {}).items() if "null" in json.dumps(f)]
    return found


@pytest.mark.parametrize(("model", "optional"), [(DutyDone, ["note"]), (TransferReceived, ["reference", "amount"])])
def test_optional_items_are_empty_text_boxes(model: type, optional: list[str]) -> None:
    schema = model.model_json_schema()
    assert _nullable(schema) == []
    for key in optional:
        field = schema["properties"][key]
        assert "anyOf" not in field and field["type"] == "string" and field["default"] == "", (key, field)
        assert key not in schema["required"]


def test_an_empty_box_means_no_value() -> None:
    assert DutyDone(code="leaflets", done_on=date(2019, 11, 5), note="").note is None
    assert DutyDone(code="leaflets", done_on=date(2019, 11, 5)).note is None
    assert DutyDone(code="leaflets", done_on=date(2019, 11, 5), note="已发放12万份").note == "已发放12万份"
    blank = TransferReceived(code="T1", confirmed_on=date(2019, 12, 4), reference="", amount="")
    assert (blank.reference, blank.amount) == (None, None)  # no amount: the requested amount is taken
    assert TransferReceived(code="T1", confirmed_on=date(2019, 12, 4)).amount is None
    filled = TransferReceived(code="T1", confirmed_on=date(2019, 12, 4), reference="B1", amount="12345.60")
    assert (filled.reference, filled.amount) == ("B1", Decimal("12345.60"))
    with pytest.raises(ValueError):
        TransferReceived(code="T1", confirmed_on=date(2019, 12, 4), amount="一万元")


def test_the_settlement_flow_takes_blank_form_rows() -> None:
    from flows.subsidy_settlement import subsidy_settlement

    rows = [{"code": "T1", "confirmed_on": "2019-12-04", "reference": "", "amount": ""},
            {"code": "T2", "confirmed_on": "2019-12-05", "reference": "B2", "amount": "1.50"}]
    got = subsidy_settlement.validate_parameters({"campaign": "rucheng-2020", "confirmations": rows})
    assert [(x.code, x.reference, x.amount) for x in got["confirmations"]] == [
        ("T1", None, None), ("T2", "B2", Decimal("1.50"))]


def test_no_flow_form_has_a_none_toggle_at_any_depth() -> None:
    found = {}
    for module in pkgutil.iter_modules(flows.__path__):
        mod = importlib.import_module(f"flows.{module.name}")
        for obj in vars(mod).values():
            if isinstance(obj, Flow) and obj.__module__ == mod.__name__:
                found[obj.name] = _nullable(parameter_schema(obj.fn).model_dump())
    assert {"mobilization", "subsidy-settlement", "rollup-report"} <= set(found)
    assert {name: keys for name, keys in found.items() if keys} == {}
