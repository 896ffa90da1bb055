"""The coordinator's one review form for every pending list: a decision per list (no default) and a named reviewer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, create_model, model_validator
from pydantic_core import PydanticCustomError

from canbao.exemptions.decisions import Decision

__all__ = ["DECISION_LABELS", "EXCLUSION", "PendingList", "ReviewForm", "decisions_of", "form_description",
           "review_form", "review_key"]

DECISION_LABELS = {"通过": "approved", "退回": "rejected", "剔除部分人员后通过": "approved_with_exclusions"}
EXCLUSION = r"^\s*(\d{17}[\dXx]|\d{1,7})\s*$"  # an ID number or a row number of the agency's file
Choice = Literal[tuple(DECISION_LABELS)]  # type: ignore[valid-type]
Exclusion = Annotated[str, Field(pattern=EXCLUSION)]
Reviewer = Annotated[str, Field(min_length=1, max_length=64, pattern=r"\S")]  # not blank, in the schema too
REJECTED = {v: k for k, v in DECISION_LABELS.items()}["rejected"]  # 退回


@dataclass(frozen=True)
class PendingList:
    """One list version awaiting the coordinator: agency code and Chinese name, version, persons, diff summary."""

    agency: str
    version: int
    name: str
    persons: int
    summary: str

    @property
    def label(self) -> str:
        """E.g. 民政部门第2版."""
        return f"{self.name}第{self.version}版"


def _labelled(title: str, description: str, position: int, **kwargs: Any) -> Any:
    """A Field whose Chinese title, description and place in the form reach Prefect's form renderer."""
    extra: dict[str, JsonValue] = {"title": title, "description": description, "position": position}
    return Field(title=title, description=description, json_schema_extra=extra, **kwargs)


def _no_reason(p: PendingList) -> str:
    """The refusal of a list sent back without a reason, e.g. 退回民政部门的名单须填写退回原因."""
    return f"退回{p.name}的名单须填写退回原因"


def _reason_rules(schema: dict[str, JsonValue], cls: type) -> None:
    """The schema's copy of `ReviewForm.reason_given`, so the server refuses the resume and the run keeps waiting:
    where a list's decision is 退回, its reason is required and not blank.

    JSON Schema has no messages of its own; a blank reason fails a `not` of an always-true schema titled with the
    refusal, which the server's error (shown in the UI) quotes: "'' should not be valid under {'title': …}"."""
    rules: list[JsonValue] = [{"if": {"properties": {f"decision_{p.agency}": {"const": REJECTED},
                                                     f"reason_{p.agency}": {"not": {"pattern": r"\S"}}},
                                      "required": [f"decision_{p.agency}"]},
                               "then": {"properties": {f"reason_{p.agency}": {"not": {"title": _no_reason(p)}}},
                                        "required": [f"reason_{p.agency}"]}}
                              for p in getattr(cls, "lists", ())]
    if rules:
        schema["allOf"] = rules


class ReviewForm(BaseModel):
    """Base of the generated forms: unknown fields refused; `lists` says which versions the form decides."""

    # hide_input_in_errors: a form-wide error would print every answer, exclusions' ID numbers included.
    model_config = ConfigDict(extra="forbid", title="免缴对象名单审核意见", json_schema_extra=_reason_rules,
                              hide_input_in_errors=True)
    lists: ClassVar[tuple[PendingList, ...]] = ()

    @model_validator(mode="after")
    def reason_given(self) -> ReviewForm:
        """A list sent back (退回) needs a reason: the agency is told why."""
        missing = [_no_reason(p) for p in self.lists if getattr(self, f"decision_{p.agency}") == REJECTED
                   and not getattr(self, f"reason_{p.agency}").strip()]
        if missing:
            raise PydanticCustomError("reason_required", "；".join(missing))
        return self


def review_form(lists: Sequence[PendingList]) -> type[ReviewForm]:
    """A form with, per list, a required decision and optional reason and exclusions; then the required reviewer."""
    fields: dict[str, Any] = {}
    for i, p in enumerate(lists):
        fields[f"decision_{p.agency}"] = (Choice, _labelled(
            f"{p.label}：审核结果", "必选：通过；退回（名单发回报送部门）；剔除部分人员后通过", 3 * i))
        fields[f"reason_{p.agency}"] = (str, _labelled(
            f"{p.label}：原因或说明", "退回时必填，将随退回通知发给报送部门；请勿填写完整身份证号码", 3 * i + 1,
            default="", max_length=500))
        fields[f"exclusions_{p.agency}"] = (list[Exclusion], _labelled(
            f"{p.label}：剔除人员", "剔除部分人员后通过时填写：每项一个身份证号码或报送文件中的行号", 3 * i + 2,
            default_factory=list))
    fields["reviewer"] = (Reviewer, _labelled("审核人", "必填：审核人姓名（记入台账）", 3 * len(lists)))
    model = create_model("ExemptionReview", __base__=ReviewForm, **fields)
    model.lists = tuple(lists)
    return model


def review_key(lists: Sequence[PendingList]) -> str:
    """The pause key of a form: the same lists give the same key, so a resumed run gets its answer back."""
    text = "review-" + "-".join(f"{p.agency}-v{p.version}" for p in lists)
    return re.sub(r"[^a-z0-9-]", "-", text.lower())


def form_description(locality: str, lists: Sequence[PendingList]) -> str:
    """The markdown shown above the form: what to do, then each list's diff summary."""
    head = [f"## {locality}免缴对象名单审核（{len(lists)}份）", "",
            "请逐份阅读变动情况，为**每份名单**选择审核结果（没有默认值，未选不能提交），并填写审核人后提交。",
            "通过：名单生效；退回：名单发回报送部门（须填写原因）；剔除部分人员后通过：填写要剔除的身份证号码或行号。",
            "", "待审核：" + "、".join(p.label for p in lists)]
    return "\n".join([*head, *(part for p in lists for part in ("", "---", "", p.summary))])


def decisions_of(answer: BaseModel) -> dict[str, Decision]:
    """The decision per agency from a submitted form (reviewer and texts stripped)."""
    values, reviewer = answer.model_dump(), answer.model_dump()["reviewer"].strip()
    return {p.agency: Decision(DECISION_LABELS[values[f"decision_{p.agency}"]],
                               values[f"reason_{p.agency}"].strip() or None,
                               tuple(x.strip() for x in values[f"exclusions_{p.agency}"]), reviewer)
            for p in getattr(type(answer), "lists", ())}
