"""Accepted Chinese header variants per canonical column; the first variant is the display header."""

from __future__ import annotations

__all__ = ["HEADERS", "normalize_header"]

import re
import unicodedata

_NOISE = re.compile(r"[\s*＊:：]+")

# Variants shared by every source; a source may override a column's variants (see sources.py).
HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": (
        "身份证号码", "公民身份号码", "身份证号", "身份证件号码", "居民身份证号码", "证件号码",
        "缴费人证件号码", "参保人身份证号码", "户主身份证号码", "身份证件号", "证件号", "公民身份证号码",
        "公民身份证号", "居民身份证号", "身份证",
    ),
    "name": ("姓名", "参保人姓名", "缴费人姓名", "户名", "人员姓名", "学生姓名"),
    "unit_code": ("单位代码", "单位编码", "村（社区）代码", "村(社区)代码", "村代码", "学校代码"),
    "unit_name": ("单位名称", "村（社区）名称", "村(社区)名称", "村（社区）", "学校名称"),
    "level": ("级别", "单位级别", "层级"),
    "parent_code": ("上级单位代码", "上级代码", "所属乡镇代码"),
    "target": ("目标任务数", "目标任务", "任务数", "目标人数", "应参保人数"),
    "group": ("村民小组", "组别", "小组", "组"),
    "household": ("户号", "户编号", "家庭户号"),
    "phone": ("联系电话", "手机号码", "电话", "手机号"),
    "category": ("参保类别", "人员类别", "参保人员类别"),
    "tier": ("缴费档次", "档次", "参保档次"),
    "registered_on": ("登记日期", "参保登记日期", "登记时间"),
    "amount": ("缴费金额", "金额", "实缴金额", "扣款金额", "交易金额", "收款金额", "金额（元）"),
    "paid_on": ("缴费日期", "缴费时间", "扣款日期", "交易日期", "交易时间", "收款日期", "缴款日期"),
    "external_ref": ("交易流水号", "流水号", "订单号", "电子税票号码", "缴费凭证号", "收据编号", "收费单号"),
    "status": ("扣款状态", "处理结果", "扣款结果", "状态"),
    "bank": ("扣款银行", "银行", "开户银行", "代收银行"),
    "terminal": ("终端编号", "设备编号", "自助机编号"),
    "window": ("经办窗口", "受理窗口", "经办网点", "窗口"),
    "deposited_on": ("解缴日期", "存入日期", "缴存日期"),
    "exemption": ("救助类别", "资助类别", "医疗救助身份", "救助身份", "人员类别", "困难类别", "资助参保类别",
                  "救助对象类别", "身份类别", "人员身份", "资助对象类别", "类别"),
    "town": ("所属镇（街道）", "所属乡镇", "镇（街）", "镇（街道）", "乡镇（街道）", "乡镇", "所属乡镇（街道）",
             "所属镇（街）", "镇街", "乡镇街道", "所属镇", "镇"),
    "village": ("村（社区）", "村（居）", "所属村（社区）", "所属村（居）", "村（社区、居）", "村居", "村", "社区",
                "居委会", "村委会"),
    "included_on": ("纳入资助时间", "认定时间", "纳入时间", "认定日期", "纳入日期", "纳入救助时间",
                    "救助起始时间", "享受时间"),
    "person_number": ("人员编号", "个人编号", "医保编号", "参保人员编号", "个人电脑号", "社保编号"),
    "died_on": ("死亡日期", "死亡时间"),
    "decision": ("审核结果", "审核意见", "核验结果"),
    "proof": ("证明材料", "证明材料类型", "证明类别"),
    "reviewer": ("审核人", "审核人员", "经办人"),
    "decided_on": ("审核日期", "审核时间", "核验日期"),
    "note": ("备注", "说明"),
}


def normalize_header(text: object) -> str:
    """A header cell reduced for matching: NFKC, no spaces, asterisks or colons."""
    if text is None:
        return ""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(text)))
