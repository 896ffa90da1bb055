"""Column layouts of the generated files: the Chinese headers each sender uses, mapped to row fields."""

from __future__ import annotations

__all__ = ["AGENCY_LAYOUTS", "ANNEX3", "ANNEX3_AGENCIES", "DEFAULT_AGENCY_LAYOUT", "LAYOUTS", "Layout",
           "agency_layout"]

Layout = list[tuple[str, str]]  # (Chinese header, field of the prepared row frame)

LAYOUTS: dict[str, Layout] = {
    "targets": [("单位代码", "unit_code"), ("单位名称", "unit_name"), ("级别", "level"),
                ("上级单位代码", "parent_code"), ("目标任务数", "target")],
    "last_year_roster": [("身份证号码", "id_text"), ("姓名", "name"), ("单位代码", "unit_code"),
                         ("参保类别", "category"), ("缴费档次", "tier")],
    "roster": [("村（社区）代码", "unit_code"), ("村（社区）名称", "unit_name"), ("村民小组", "group"),
               ("户号", "household"), ("姓名", "name"), ("身份证号码", "id_text"), ("联系电话", "phone"),
               ("参保类别", "category"), ("缴费档次", "tier"), ("登记日期", "registered_on")],
    "school": [("学校代码", "unit_code"), ("学校名称", "unit_name"), ("学生姓名", "name"),
               ("身份证号码", "id_text"), ("参保类别", "category"), ("缴费档次", "tier"),
               ("缴费金额", "amount_fen"), ("缴费日期", "paid_on"), ("收费单号", "external_ref")],
    "bank_deduction": [("扣款流水号", "external_ref"), ("扣款银行", "bank"), ("账号", "account"),
                       ("户名", "name"), ("身份证号码", "id_text"), ("扣款金额", "amount_fen"),
                       ("扣款日期", "paid_on"), ("扣款状态", "status"), ("失败原因", "failure")],
    "self_service_terminal": [("交易流水号", "external_ref"), ("终端编号", "terminal"),
                              ("身份证号码", "id_text"), ("姓名", "name"), ("缴费金额", "amount_fen"),
                              ("缴费时间", "paid_on")],
    "tax_app": [("电子税票号码", "external_ref"), ("缴费人姓名", "name"), ("缴费人证件号码", "id_text"),
                ("征收项目", "item"), ("缴费档次", "tier"), ("实缴金额", "amount_fen"),
                ("缴款日期", "paid_on")],
    "bank_counter": [("交易流水号", "external_ref"), ("代收银行", "bank"), ("姓名", "name"),
                     ("身份证号码", "id_text"), ("缴费金额", "amount_fen"), ("交易日期", "paid_on")],
    "service_window": [("业务流水号", "external_ref"), ("经办窗口", "window"), ("姓名", "name"),
                       ("身份证号码", "id_text"), ("缴费金额", "amount_fen"), ("缴费日期", "paid_on")],
    "village_cash": [("收据编号", "external_ref"), ("村（社区）代码", "unit_code"), ("村民小组", "group"),
                     ("姓名", "name"), ("身份证号码", "id_text"), ("收款金额", "amount_fen"),
                     ("收款日期", "paid_on")],
    "cash_deposit": [("解缴单号", "external_ref"), ("村（社区）代码", "unit_code"),
                     ("村（社区）名称", "unit_name"), ("解缴金额", "amount_fen"),
                     ("解缴日期", "deposited_on"), ("收款银行", "bank")],
    "deceased": [("序号", "seq"), ("姓名", "name"), ("性别", "sex"), ("身份证号码", "id_text"),
                 ("死亡日期", "died_on"), ("户籍地址", "address")],
}

# Each agency keeps its own list layout; where one agency confirms several categories a column says which.
# Civil affairs files the medical-assistance layout of real practice (附件3): identity words as it writes them,
# the day each person was included, a title, a 填报单位 line and 合计/填表人/审核人 lines below (ANNEX3_AGENCIES).
ANNEX3: Layout = [("序号", "seq"), ("身份证号", "id_text"), ("姓名", "name"), ("医疗救助身份", "identity_word"),
                  ("镇（街）", "town"), ("村（居）", "village"), ("纳入资助时间", "included_on")]
ANNEX3_AGENCIES = ("civil_affairs",)
AGENCY_LAYOUTS: dict[str, Layout] = {
    "civil_affairs": ANNEX3,
    "veterans_affairs": [("姓名", "name"), ("身份证号", "id_text"), ("优抚类别", "veteran_type"),
                         ("乡镇", "town")],
    "disabled_federation": [("姓名", "name"), ("身份证号码", "id_text"), ("残疾等级", "disability_grade"),
                            ("残疾类别", "disability_type"), ("地址", "address")],
    "poverty_office": [("乡镇", "town"), ("村", "village"), ("姓名", "name"), ("证件号码", "id_text"),
                       ("人员编号", "person_number"), ("与户主关系", "relation"), ("脱贫属性", "poverty_status")],
    "rural_work": [("乡镇", "town"), ("村", "village"), ("姓名", "name"), ("证件号码", "id_text"),
                   ("与户主关系", "relation"), ("脱贫属性", "poverty_status")],
    "trade_union": [("序号", "seq"), ("姓名", "name"), ("身份证号码", "id_text"), ("困难类别", "exemption"),
                    ("工作单位", "work_unit")],
}
DEFAULT_AGENCY_LAYOUT: Layout = [("序号", "seq"), ("姓名", "name"), ("身份证号码", "id_text"),
                                 ("资助类别", "exemption"), ("所属乡镇", "town"), ("村（社区）", "village")]


def agency_layout(agency: str, categories: int) -> Layout:
    """The agency's own layout; with more than one category a category column is added if it has none."""
    layout = list(AGENCY_LAYOUTS.get(agency, DEFAULT_AGENCY_LAYOUT))
    if categories > 1 and not any(field in ("exemption", "identity_word") for _, field in layout):
        layout.append(("资助类别", "exemption"))
    return layout
