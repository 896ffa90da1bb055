"""The exchange formats a county receives, one per inbox folder, with their header mappings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from canbao.formats.headers import HEADERS

__all__ = ["SOURCES", "SourceSpec", "channel_labels", "source_spec", "source_title"]

Kind = Literal["targets", "last_year", "roster", "payment", "deposit", "exemption", "deceased", "proof"]


@dataclass(frozen=True)
class SourceSpec:
    """One inbox source: its Chinese name, canonical columns and accepted header variants."""

    code: str
    title: str
    kind: Kind
    columns: tuple[str, ...]
    required: tuple[str, ...]
    channel: str | None = None
    overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def variants(self, column: str) -> tuple[str, ...]:
        """Accepted headers of a canonical column; the first is the one files are written with."""
        return self.overrides.get(column) or HEADERS[column]

    @property
    def headers(self) -> dict[str, tuple[str, ...]]:
        """The header mapping {canonical: variants} of every column."""
        return {c: self.variants(c) for c in self.columns}

    def display(self, column: str) -> str:
        """The Chinese header a file is expected to carry for a canonical column."""
        return self.variants(column)[0]


_PAY = ("external_ref", "id_number", "name", "amount", "paid_on")


def _spec(code: str, title: str, kind: Kind, columns: str, required: str, channel: str | None = None,
          **overrides: tuple[str, ...]) -> SourceSpec:
    return SourceSpec(code, title, kind, tuple(columns.split()), tuple(required.split()), channel, overrides)


SOURCES: dict[str, SourceSpec] = {s.code: s for s in [
    _spec("targets", "任务分解表", "targets", "unit_code unit_name level parent_code target",
          "unit_code unit_name target"),
    _spec("last_year_roster", "上年参保人员名单", "last_year", "id_number name unit_code category tier person_number",
          "id_number name unit_code"),
    _spec("roster", "花名册", "roster",
          "unit_code unit_name group household name id_number phone category tier registered_on person_number",
          "unit_code name id_number category registered_on",
          unit_code=("村（社区）代码", "单位代码", "单位编码", "村代码"),
          unit_name=("村（社区）名称", "村（社区）", "单位名称")),
    _spec("school", "学生参保缴费名单", "payment",
          "unit_code unit_name name id_number category tier amount paid_on external_ref",
          "unit_code name id_number category amount paid_on external_ref", "school",
          unit_code=("学校代码", "单位代码", "学校编码"), unit_name=("学校名称", "学校", "单位名称"),
          external_ref=("收费单号", "缴费单号", "票据号码", "票据号")),
    _spec("bank_deduction", "批量扣款回盘", "payment",
          "external_ref id_number name amount paid_on status bank",
          "external_ref id_number name amount paid_on status", "bank_deduction",
          external_ref=("扣款流水号", "交易流水号", "流水号")),
    _spec("self_service_terminal", "自助机缴费明细", "payment",
          "external_ref id_number name amount paid_on terminal",
          " ".join(_PAY), "self_service_terminal",
          external_ref=("交易流水号", "订单号", "流水号")),
    _spec("tax_app", "税务APP缴费明细", "payment", "external_ref id_number name amount paid_on tier",
          " ".join(_PAY), "tax_app",
          external_ref=("电子税票号码", "缴费凭证号", "税票号码"),
          id_number=("缴费人证件号码", *HEADERS["id_number"]),
          name=("缴费人姓名", *HEADERS["name"]), amount=("实缴金额", *HEADERS["amount"])),
    _spec("bank_counter", "银行代收明细", "payment", "external_ref id_number name amount paid_on bank",
          " ".join(_PAY), "bank_counter",
          external_ref=("交易流水号", "流水号", "业务流水号")),
    _spec("service_window", "窗口缴费明细", "payment", "external_ref id_number name amount paid_on window",
          " ".join(_PAY), "service_window",
          external_ref=("业务流水号", "交易流水号", "流水号")),
    _spec("village_cash", "现金收款收据", "payment",
          "external_ref unit_code group name id_number amount paid_on",
          "external_ref unit_code name id_number amount paid_on", "village_cash",
          external_ref=("收据编号", "收据号", "票据号码"), unit_code=("村（社区）代码", "单位代码", "村代码"),
          amount=("收款金额", *HEADERS["amount"]), paid_on=("收款日期", *HEADERS["paid_on"])),
    _spec("cash_deposit", "现金解缴单", "deposit", "external_ref unit_code amount deposited_on",
          "external_ref unit_code amount deposited_on",
          external_ref=("解缴单号", "缴款凭证号", "存款凭证号"),
          unit_code=("村（社区）代码", "单位代码", "村代码"),
          amount=("解缴金额", "存入金额", "金额")),
    _spec("exemption", "困难人员名单", "exemption",
          "id_number name exemption town village included_on person_number",
          "id_number name"),
    _spec("deceased", "死亡人员名单", "deceased", "id_number name died_on", "id_number name died_on"),
    # A coordinator's review of the proof a mid-year enrollment needs (Kaijiang 三(二)).
    _spec("proof", "中途参保证明材料审核结果", "proof", "id_number name decision proof reviewer decided_on note",
          "id_number name decision reviewer decided_on"),
]}


def source_spec(source: str) -> SourceSpec:
    """The spec of a source code; a KeyError names the known ones."""
    try:
        return SOURCES[source]
    except KeyError:
        raise KeyError(f"unknown source '{source}' (known: {', '.join(SOURCES)})") from None


def source_title(code: str) -> str:
    """An inbox source's Chinese name (the code when it is no source)."""
    return SOURCES[code].title if code in SOURCES else code


def channel_labels(channels: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Payment channel code → the short Chinese name the campaign gives it (its name before any parenthesis),
    from (code, name) pairs such as a campaign's `channels`; codes it lacks fall back to `source_title`."""
    named = {code: name.split("（")[0].strip() or name for code, name in channels}
    return {code: named.get(code) or source_title(code) for code in {*SOURCES, *named}}
