"""Reason codes for rejected rows and flagged payments, with their Chinese labels."""

from __future__ import annotations

__all__ = ["ANOMALIES", "FILE_REFUSALS", "IGNORED", "REJECTIONS", "label"]

# Row-level rejections: the row does not enter the ledger and goes to the error workbook.
REJECTIONS: dict[str, str] = {
    "id_missing": "身份证号码为空",
    "id_excel_mangled": "身份证号码被Excel转为科学计数法",
    "id_length": "身份证号码位数错误",
    "id_format": "身份证号码含非法字符",
    "id_area": "身份证号码地区码无效",
    "id_birth_date": "身份证号码出生日期无效",
    "id_sequence": "身份证号码顺序码无效",
    "id_checksum": "身份证号码校验位错误",
    "name_missing": "姓名为空",
    "unit_unknown": "所属单位（村/社区/学校）不存在",
    "date_invalid": "日期无效",
    "amount_invalid": "金额无效",
    "category_unknown": "参保类别无效",
    "identity_unknown": "医疗救助身份无法识别（配置中没有这一身份或其别称）",
    "identity_other_agency": "该救助身份不由本部门确认",
    "tier_unknown": "缴费档次无效",
    "paid_after_last_day": "缴费日期晚于通知允许的最后缴费日",
    "cover_after_year": "待遇起始日已超出本年度（学年度）保障期，不属于本年度参保",
    "duplicate_enrollment": "同一人在多个村（社区）重复登记",
    "deceased": "已死亡人员",
    "payment_duplicate_row": "同一缴费凭证重复出现",
    "reference_missing": "缴费凭证号为空",
    "file_unreadable": "文件无法识别（缺少必需列或格式错误）",
    "date_implausible": "日期不可信（远超出本期参保缴费时段）",
    "registration_after_window": "超过参保登记截止日期",
    "amount_implausible": "金额超过合理上限",
    "transfer_unconfirmed": "跨单位转移待确认（已在其他单位参保登记）",
    "proof_decision_unknown": "审核结果无效（应为“通过”或“不通过”）",
    "proof_kind_unknown": "证明材料不属于通知列明的中途参保情形",
    "reviewer_missing": "审核人为空",
    "proof_not_registered": "本期未参保登记，无可审核的中途参保",
    "proof_duplicate_row": "同一人的审核结果重复出现",
    "text_control_chars": "含有不可见控制字符",
    "text_too_long": "内容超过长度上限",
    "number_invalid": "数值无效（须为整数且不超出上限）",
}

# File-level refusals: nothing of the file enters the ledger; the file is named in the error workbook.
FILE_REFUSALS: dict[str, str] = {
    "file_empty": "文件为空（0字节）",
    "file_damaged": "文件已损坏或不完整，无法打开",
    "file_encrypted": "文件设有密码，无法打开",
    "file_type_unknown": "文件格式无法识别（不是Excel、CSV或网页表格）",
    "file_encoding": "文件编码无法识别（请另存为UTF-8或GB18030编码的CSV）",
    "file_too_large": "文件大小超过上限",
    "file_too_many_rows": "文件行数超过上限",
    "file_too_many_columns": "文件列数超过上限",
    "file_too_many_cells": "表格范围（行数×列数）超过上限",
    "file_cell_too_long": "单元格内容超过长度上限",
    "file_io_error": "文件读取失败",
    "file_outside_inbox": "符号链接指向收件箱以外的文件，已拒收",
}
REJECTIONS.update(FILE_REFUSALS)

# Files left in the inbox unread (not rejected: they never were data); listed in the run's summary.
IGNORED: dict[str, str] = {
    "ignored_hidden": "隐藏文件（以“.”开头），未读取",
    "ignored_office_lock": "Excel/WPS临时文件（以“~$”开头），未读取",
    "ignored_suffix": "不支持的文件类型，未读取（请另存为 .xlsx、.xls 或 .csv）",
    "ignored_folder_link": "指向其他目录的符号链接，未读取",
}

# Payment anomalies: the payment is kept in the ledger but flagged for follow-up.
ANOMALIES: dict[str, str] = {
    "duplicate_payment": "重复缴费",
    "orphan_payment": "有缴费无登记",
    "underpaid": "缴费金额不足",
    "overpaid": "缴费金额超出",
    "needs_proof": "集中缴费期后中途参保，待核验证明材料",
    "cash_limit_amount": "现金超过2万元未及时解缴",
    "cash_limit_days": "现金超过5天未解缴",
    "reconciliation_difference": "渠道对账差异",
}


def label(code: str) -> str:
    """The Chinese label of a reason code (the code itself if unknown)."""
    return REJECTIONS.get(code) or ANOMALIES.get(code) or IGNORED.get(code) or code
