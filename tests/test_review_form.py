"""Issue 13: the coordinator's review form cannot approve by accident, and the waiting message says where to go."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from canbao.clock import SHANGHAI
from canbao.exemptions.decisions import Decision
from canbao.exemptions.review_form import PendingList, decisions_of, form_description, review_form, review_key
from canbao.exemptions.waiting import waiting_message
from canbao.notify.links import run_link

LISTS = [PendingList("civil_affairs", 2, "民政部门", 5, "### 民政部门 免缴对象名单 第2版\n\n- 新增 1 人"),
         PendingList("disabled_federation", 1, "残联", 3, "### 残联 免缴对象名单 第1版\n\n- 新增 3 人")]
FULL = {"decision_civil_affairs": "通过", "decision_disabled_federation": "退回",
        "reason_disabled_federation": " 缺残疾证号 ", "reviewer": " 王科长 "}


def missing(error: ValidationError) -> set[str]:
    return {str(e["loc"][0]) for e in error.errors() if e["type"] == "missing"}


def test_a_submit_without_a_decision_or_a_reviewer_is_refused() -> None:
    form = review_form(LISTS)
    with pytest.raises(ValidationError) as nothing:
        form()
    assert missing(nothing.value) == {"decision_civil_affairs", "decision_disabled_federation", "reviewer"}
    with pytest.raises(ValidationError) as one_left:
        form(**{k: v for k, v in FULL.items() if k != "decision_disabled_federation"})
    assert missing(one_left.value) == {"decision_disabled_federation"}
    for reviewer in ("", "   "):
        with pytest.raises(ValidationError) as blank:
            form(**{**FULL, "reviewer": reviewer})
        assert [e["loc"] for e in blank.value.errors()] == [("reviewer",)]
    with pytest.raises(ValidationError):
        form(**{**FULL, "decision_civil_affairs": "approved"})  # only the Chinese choices
    with pytest.raises(ValidationError):
        form(**{**FULL, "exclusions_civil_affairs": ["张三"]})  # an ID number or a row number only


def test_a_rejection_without_a_reason_is_refused_naming_the_agency() -> None:
    form = review_form(LISTS)
    for reason in ({}, {"reason_disabled_federation": ""}, {"reason_disabled_federation": " \n "}):
        with pytest.raises(ValidationError) as blank:
            form(**{k: v for k, v in FULL.items() if k != "reason_disabled_federation"}, **reason)
        assert [e["msg"] for e in blank.value.errors()] == ["退回残联的名单须填写退回原因"]
        assert "王科长" not in str(blank.value)  # the answers are not echoed
    with pytest.raises(ValidationError) as both:
        form(**{**FULL, "decision_civil_affairs": "退回", "reason_disabled_federation": ""})
    assert [e["msg"] for e in both.value.errors()] == ["退回民政部门的名单须填写退回原因；退回残联的名单须填写退回原因"]
    # A reason is needed only to send a list back.
    assert form(**{**FULL, "decision_disabled_federation": "通过", "reason_disabled_federation": ""})


def _server_refusal(run_input: dict[str, Any]) -> str | None:
    """The schema check the Prefect server runs on a resume, on the schema a paused run stores for the form:
    its refusal (shown in the UI), or None where it accepts."""
    from prefect._internal.pydantic.v2_schema import create_v2_schema
    from prefect.input import RunInput
    from prefect.utilities.schema_tools import ValidationError as SchemaError
    from prefect.utilities.schema_tools import validate

    form = RunInput.subclass_from_base_model_type(review_form(LISTS))
    try:
        validate(run_input, create_v2_schema(form.__name__, model_base=form), raise_on_error=True)
    except SchemaError as refused:
        return str(refused)
    return None


def test_the_server_refuses_a_rejection_without_a_reason() -> None:
    """The run stays paused: a resume the form would refuse is refused by the server before the run goes on."""
    assert _server_refusal(FULL) is None
    no_reason = {k: v for k, v in FULL.items() if k != "reason_disabled_federation"}
    assert "'reason_disabled_federation' is a required property" in str(_server_refusal(no_reason))
    for blank in ("", "  "):
        assert "退回残联的名单须填写退回原因" in str(_server_refusal({**FULL, "reason_disabled_federation": blank}))
    assert "退回民政部门的名单须填写退回原因" in str(_server_refusal({**FULL, "decision_civil_affairs": "退回",
                                                                   "reason_civil_affairs": ""}))
    assert _server_refusal({**no_reason, "decision_disabled_federation": "通过"}) is None
    assert _server_refusal({**FULL, "decision_civil_affairs": "退回", "reason_civil_affairs": "名单缺盖章"}) is None


def test_the_schema_has_no_default_decision_and_chinese_labels() -> None:
    schema = review_form(LISTS).model_json_schema()
    assert set(schema["required"]) == {"decision_civil_affairs", "decision_disabled_federation", "reviewer"}
    decision = schema["properties"]["decision_civil_affairs"]
    assert "default" not in decision and decision["enum"] == ["通过", "退回", "剔除部分人员后通过"]
    assert decision["title"] == "民政部门第2版：审核结果"
    assert schema["properties"]["reviewer"]["minLength"] == 1 and "default" not in schema["properties"]["reviewer"]
    assert [v["position"] for v in schema["properties"].values()] == list(range(7))  # list by list, reviewer last


def test_the_answer_becomes_one_decision_per_agency() -> None:
    answer = review_form(LISTS)(**{**FULL, "exclusions_civil_affairs": ["8", " 12 "]})
    assert decisions_of(answer) == {
        "civil_affairs": Decision("approved", None, ("8", "12"), "王科长"),
        "disabled_federation": Decision("rejected", "缺残疾证号", (), "王科长")}


def test_the_key_and_description_name_every_list() -> None:
    assert review_key(LISTS) == "review-civil-affairs-v2-disabled-federation-v1"
    assert review_key(LISTS) == review_key(list(LISTS))  # the same lists on a resumed run: the same key
    text = form_description("开江县", LISTS)
    assert "开江县免缴对象名单审核（2份）" in text and "待审核：民政部门第2版、残联第1版" in text
    assert text.index("民政部门 免缴对象名单 第2版") < text.index("残联 免缴对象名单 第1版")


def test_the_waiting_message_is_chinese_masked_and_links_the_run() -> None:
    run_id = "0b7c6d2e-1f3a-4b5c-8d9e-123456789012"
    link = run_link("http://127.0.0.1:4200", run_id)
    assert link == f"http://127.0.0.1:4200/v2/runs/flow-run/{run_id}"
    assert run_link("http://127.0.0.1:4200/v2/", run_id) == link and run_link(None, run_id) is None
    lists = [*LISTS, PendingList("veterans_affairs", 1, "退役军人事务局 511723194801110010", 2, "")]
    message = waiting_message("开江县", lists, link, datetime(2019, 10, 23, 1, 0, tzinfo=SHANGHAI))
    assert message.subject == "开江县免缴对象名单待审核：3份"
    assert "- 民政部门第2版：5人" in message.body and "- 残联第1版：3人" in message.body
    assert f"请打开运行页面审核：{link}" in message.body  # the whole link, its digits not masked
    assert "审核时限：2019-10-23 01:00（北京时间）" in message.body
    assert not re.search(r"\d{17}[\dX]", message.body.replace(run_id, ""))
    offline = waiting_message("开江县", LISTS, None, datetime(2019, 10, 23, 1, 0, tzinfo=SHANGHAI))
    assert "http" not in offline.body and "Prefect 界面" in offline.body
