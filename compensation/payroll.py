"""Payroll exports in a finance office's layout (xlsx) and CSV (UTF-8 with BOM), plus summary.

The xlsx: a title row, one row per teacher (序号, ids, name, hours, score, multiplier,
hourly part, allowances, amount, reason, signature), a totals row, and signature lines for
the preparer, the reviewer and the principal. Output depends only on the result, never
on the clock, so the same inputs give byte-identical CSV files.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from compensation.allocate import yuan
from compensation.run import SubsidyResult
from compensation.schemes import BASELINE
from workbook.safety import csv_row, save_workbook

PAYROLL_COLUMNS = [
    # (key, zh header, en header)
    ("no", "序号", "No."),
    ("school_id", "学校编号", "School"),
    ("teacher_id", "教师编号", "Teacher id"),
    ("name", "姓名", "Name"),
    ("hours", "课时", "Class hours"),
    ("score5", "质量评分", "Quality score"),
    ("multiplier", "系数", "Multiplier"),
    ("hourly_part", "课时补助(元)", "Hourly part (yuan)"),
    ("allowance", "津贴(元)", "Allowances (yuan)"),
    ("amount", "应发金额(元)", "Amount (yuan)"),
    ("sources", "评分来源", "Score sources"),
    ("reason", "说明", "Why"),
    ("signature", "领款人签字", "Signature"),
]
COMPARISON_COLUMNS = [
    ("school_id", "学校编号", "School"),
    ("teacher_id", "教师编号", "Teacher id"),
    ("location", "城乡类型", "Location"),
    ("hours", "课时", "Class hours"),
    ("score5", "质量评分", "Quality score"),
    ("hour_only", "按课时(元)", "Hour-only (yuan)"),
    ("other", "按质量(元)", "Quality-weighted (yuan)"),
    ("diff", "差额(元)", "Difference (yuan)"),
    ("diff_pct", "差额%", "Difference %"),
]


def payroll_rows(result: SubsidyResult, scheme: str, lang: str = "zh") -> list[dict[str, object]]:
    slips = result.payslips[scheme]
    rows = []
    for i, r in enumerate(slips.itertuples(index=False), start=1):
        rows.append(
            {
                "no": i,
                "school_id": r.school_id,
                "teacher_id": r.teacher_id,
                "name": r.name,
                "hours": round(float(r.hours), 2),
                "score5": round(float(r.score5), 2),
                "multiplier": round(float(r.multiplier), 2),
                "hourly_part": yuan(r.hourly_part_fen),
                "allowance": yuan(r.allowance_fen),
                "amount": yuan(r.amount_fen),
                "sources": getattr(r, f"sources_{lang}"),
                "reason": getattr(r, f"reason_{lang}"),
                "signature": "",
            }
        )
    return rows


def _headers(columns, lang: str) -> list[str]:
    return [zh if lang == "zh" else en for _, zh, en in columns]


def write_payroll_csv(result: SubsidyResult, scheme: str, path: Path, lang: str = "zh") -> Path:
    """CSV, UTF-8 with BOM (Excel on Chinese Windows opens it), with a totals row."""
    rows = payroll_rows(result, scheme, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(_headers(PAYROLL_COLUMNS, lang))
        for r in rows:
            w.writerow(csv_row(r[k] for k, _, _ in PAYROLL_COLUMNS))
        w.writerow(csv_row(_totals(result, scheme, lang)))
    return path


def _totals(result: SubsidyResult, scheme: str, lang: str) -> list[object]:
    lines = result.allocations[scheme].lines
    label = "合计" if lang == "zh" else "Total"
    out: dict[str, object] = {k: "" for k, _, _ in PAYROLL_COLUMNS}
    out["no"] = label
    out["hours"] = round(float(lines["hours"].sum()), 2)
    out["hourly_part"] = yuan(int(lines["hourly_part_fen"].sum()))
    out["allowance"] = yuan(int(lines["allowance_fen"].sum()))
    out["amount"] = yuan(int(lines["amount_fen"].sum()))
    return [out[k] for k, _, _ in PAYROLL_COLUMNS]


def write_payroll_xlsx(
    result: SubsidyResult, scheme: str, path: Path, lang: str = "zh", title: str | None = None
) -> Path:
    rows = payroll_rows(result, scheme, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "发放表" if lang == "zh" else "payroll"
    ncol = len(PAYROLL_COLUMNS)
    default_title = (
        f"{result.scope} {result.term_id} 课后服务补助发放表"
        if lang == "zh"
        else f"{result.scope} {result.term_id} after-school subsidy payroll"
    )
    ws.append([title or default_title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(_headers(PAYROLL_COLUMNS, lang))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    money = {"hourly_part", "allowance", "amount"}
    for r in rows:
        ws.append([float(r[k]) if k in money else r[k] for k, _, _ in PAYROLL_COLUMNS])
    totals = _totals(result, scheme, lang)
    ws.append(
        [
            float(v) if k in money else v
            for (k, _, _), v in zip(PAYROLL_COLUMNS, totals, strict=True)
        ]
    )
    last = ws.max_row
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=ncol):
        for cell in row:
            cell.border = border
    for cell in ws[2] + ws[last]:
        cell.font = Font(bold=True)
    for idx, (key, _, _) in enumerate(PAYROLL_COLUMNS, start=1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = {"reason": 60, "sources": 40, "name": 10}.get(key, 12)
        if key in money:
            for (cell,) in ws.iter_rows(min_row=3, max_row=last, min_col=idx, max_col=idx):
                cell.number_format = "#,##0.00"
        if key in ("school_id", "teacher_id"):
            for (cell,) in ws.iter_rows(min_row=3, max_row=last - 1, min_col=idx, max_col=idx):
                cell.number_format = "@"
    ws.append([])
    sign = (
        ["制表人：", "", "", "审核人：", "", "", "校长：", "", "", "日期："]
        if lang == "zh"
        else ["Prepared by:", "", "", "Checked by:", "", "", "Principal:", "", "", "Date:"]
    )
    ws.append(sign)
    ws.freeze_panes = "A3"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path)
    return path


def payroll_bytes(result: SubsidyResult, scheme: str, kind: str, lang: str = "zh") -> bytes:
    """The payroll of `scheme` as the bytes of its xlsx (`kind` "xlsx") or CSV file."""
    with tempfile.TemporaryDirectory() as folder:
        if kind == "xlsx":
            path = write_payroll_xlsx(result, scheme, Path(folder) / "payroll.xlsx", lang)
        else:
            path = write_payroll_csv(result, scheme, Path(folder) / "payroll.csv", lang)
        return path.read_bytes()


def comparison_rows(result: SubsidyResult, lang: str = "zh") -> list[list[object]]:
    cmp = result.comparison
    if cmp is None:
        return []
    other = cmp.summary["other"]
    rows = []
    for r in cmp.table.sort_values(["school_id", "teacher_id"]).itertuples(index=False):
        rows.append(
            [
                r.school_id,
                r.teacher_id,
                r.location,
                round(float(r.hours), 2),
                round(float(r.score5), 2),
                yuan(r.amount_hour_only_fen),
                yuan(getattr(r, f"amount_{other}_fen")),
                yuan(r.diff_fen),
                round(float(r.diff_pct), 2),
            ]
        )
    return rows


def metrics_rows(result: SubsidyResult) -> list[list[object]]:
    cmp = result.comparison
    if cmp is None:
        return []
    m = cmp.metrics.round(4)
    return [list(m.columns), *m.astype(object).where(m.notna(), "").values.tolist()]


def write_comparison(result: SubsidyResult, folder: Path, lang: str = "zh") -> list[Path]:
    """comparison.csv (per teacher) and comparison.xlsx (per teacher + metrics sheets)."""
    folder.mkdir(parents=True, exist_ok=True)
    headers = _headers(COMPARISON_COLUMNS, lang)
    rows = comparison_rows(result, lang)
    csv_path = folder / "comparison.csv"
    with open(csv_path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(csv_row(r) for r in rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "对比" if lang == "zh" else "comparison"
    ws.append(headers)
    for r in rows:
        ws.append([float(v) if i in (5, 6, 7) else v for i, v in enumerate(r)])
    ws2 = wb.create_sheet("指标" if lang == "zh" else "metrics")
    for r in metrics_rows(result):
        ws2.append(r)
    ws3 = wb.create_sheet("概要" if lang == "zh" else "summary")
    for k, v in result.comparison.summary.items() if result.comparison else []:
        ws3.append([k, v])
    xlsx_path = folder / "comparison.xlsx"
    save_workbook(wb, xlsx_path)
    return [csv_path, xlsx_path]


def summary_text(result: SubsidyResult, lang: str = "zh") -> str:
    """A short Markdown summary: budget, teachers, comparison metrics by scheme."""
    zh = lang == "zh"
    lines = [
        f"# {'课后服务补助' if zh else 'After-school subsidies'}: {result.scope} {result.term_id}",
        "",
        f"- {'预算' if zh else 'Budget'}: {yuan(result.budget_fen)} {'元' if zh else 'yuan'}",
        f"- {'教师人数' if zh else 'Teachers'}: {len(result.teachers)}",
        f"- {'输入哈希' if zh else 'Inputs hash'}: `{result.inputs_hash}`",
    ]
    for scheme, alloc in result.allocations.items():
        lines.append(f"- {scheme}: {yuan(int(alloc.lines['amount_fen'].sum()))}")
    if result.comparison is not None:
        s = result.comparison.summary
        lines += ["", "## " + ("对比" if zh else "Comparison"), ""]
        lines.append(
            (
                f"{s['gainers']} 人增加、{s['losers']} 人减少，共转移 {s['moved_yuan']:.2f} 元；"
                f"最多增加 {s['max_gain_yuan']:.2f} 元，最多减少 {s['max_loss_yuan']:.2f} 元。"
            )
            if zh
            else (
                f"{s['gainers']} gain, {s['losers']} lose, {s['moved_yuan']:.2f} yuan moved; "
                f"largest gain {s['max_gain_yuan']:.2f}, largest loss {s['max_loss_yuan']:.2f}."
            )
        )
        lines += ["", _markdown(result.comparison.metrics)]
    return "\n".join(lines) + "\n"


def _markdown(frame: pd.DataFrame) -> str:
    f = frame.round(3)
    head = "| " + " | ".join(f.columns) + " |"
    sep = "|" + "---|" * len(f.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in f.values.tolist()]
    return "\n".join([head, sep, *body])


def write_all(result: SubsidyResult, folder: Path, lang: str = "zh") -> list[Path]:
    """payroll.xlsx / payroll.csv (main scheme), hour-only payroll, comparison, summary."""
    folder.mkdir(parents=True, exist_ok=True)
    scheme = result.main_scheme if result.main_scheme in result.allocations else BASELINE
    out = [
        write_payroll_xlsx(result, scheme, folder / "payroll.xlsx", lang),
        write_payroll_csv(result, scheme, folder / "payroll.csv", lang),
    ]
    if result.baseline is not None and scheme != BASELINE:
        out.append(write_payroll_csv(result, BASELINE, folder / f"payroll_{BASELINE}.csv", lang))
    out += write_comparison(result, folder, lang)
    summary = folder / "summary.md"
    summary.write_text(summary_text(result, lang), encoding="utf-8")
    out.append(summary)
    return out
