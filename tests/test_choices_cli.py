"""`afterschool allocate`: files, exit codes, located bilingual errors, the store, and
`--schedule` through the scheduler's workflow (issue 14, point 4)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from choices.allocate import METHODS
from choices.sample import sample_choices
from cli import choices_cmds
from cli.main import app
from domain.school import School
from store.allocations import list_allocations, load_allocation
from store.audit import list_audit
from store.db import make_engine, session_scope
from store.schools import school_versions
from workbook.reader import read_school
from workbook.writer import write_xlsx

COUNTY = Path(__file__).resolve().parents[1] / "data" / "sample_county"
FAST = ["--time-limit", "10", "--workers", "1", "--week-start", "2025-03-03"]
runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def village() -> School:
    """ZY045 (2 classes, 3 clubs, 36 seats) with 44 students' choices: oversubscribed."""
    school = read_school(COUNTY / "ZY045.xlsx").school
    assert school is not None
    return sample_choices(school, 1)


@pytest.fixture(scope="module")
def school() -> School:
    return village()


@pytest.fixture
def workbook(school: School, tmp_path: Path) -> Path:
    return write_xlsx(school, tmp_path / "ZY045.xlsx", lang="zh", title=True)


def csv_rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_methods_listed_without_importing_the_solver_agree() -> None:
    assert choices_cmds.METHODS == METHODS


def test_allocate_writes_enrolments_letters_and_summary(
    school: School, workbook: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke("allocate", workbook, "--out", out, "--no-store", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert "第 1/" in result.output and "step 1/" in result.output  # progress lines
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["enrolments.csv", "letters.xlsx", "letters.csv", "summary.md"]
    )
    # enrolments.csv: the contract's columns; each student only clubs they chose, seats kept.
    rows = csv_rows(out / "enrolments.csv")
    assert list(rows[0]) == ["student_id", "group_id", "activity_id"]
    chose = {(c.student_id, c.group_id, c.activity_id) for c in school.choices}
    assert rows and all((r["student_id"], r["group_id"], r["activity_id"]) in chose for r in rows)
    per_club: dict[str, int] = {}
    for r in rows:
        per_club[r["activity_id"]] = per_club.get(r["activity_id"], 0) + 1
    for activity in school.activities:
        assert per_club.get(activity.activity_id, 0) <= (activity.enrolled or 0)
    assert len({r["student_id"] for r in rows}) == len(rows)  # at most one club each (K = 1)
    # letters: one per student who chose, in Chinese, granted or not.
    students = {c.student_id for c in school.choices}
    letters = csv_rows(out / "letters.csv")
    assert list(letters[0]) == [
        "班级",
        "学生编号",
        "年级",
        "优先录取",
        "录取社团",
        "志愿",
        "致家长",
    ]
    assert sorted(r["学生编号"] for r in letters) == sorted(students)
    given = {r["student_id"]: r["activity_id"] for r in rows}
    for letter in letters:
        sid = letter["学生编号"]
        if sid in given:
            assert f"（{given[sid]}）" in letter["录取社团"] and "第" in letter["志愿"]
            assert "录取的社团是" in letter["致家长"]
        else:
            assert letter["录取社团"] == "未录取" and "未能录取" in letter["致家长"]
    assert len(given) < len(students)  # oversubscribed: somebody gets nothing
    ws = load_workbook(out / "letters.xlsx").active
    assert ws.title == "录取通知" and ws.max_row == len(students) + 2
    assert ws.print_title_rows == "$2:$2"
    assert len(ws.row_breaks.brk) == len({r["班级"] for r in letters}) - 1  # a page per class
    # summary.md: the three methods side by side, and the breakdowns.
    summary = (out / "summary.md").read_text(encoding="utf-8")
    for words in ("优化分配", "随机抽签", "先到先得", "按年级", "按班级", "按是否优先录取"):
        assert words in summary
    first = next(line for line in summary.splitlines() if line.startswith("| 第一志愿"))
    optimal, lottery, fcfs = (float(c.strip(" %")) for c in first.split("|")[2:5])
    assert optimal >= lottery and optimal >= fcfs and optimal > min(lottery, fcfs)


def test_same_seed_same_files_other_method_other_result(workbook: Path, tmp_path: Path) -> None:
    def enrolments(*options: object) -> bytes:
        out = tmp_path / "-".join(map(str, options))
        result = invoke("allocate", workbook, "--out", out, "--no-store", *options)
        assert result.exit_code == 0, result.output
        return (out / "enrolments.csv").read_bytes()

    assert enrolments("--seed", "3") == enrolments("--seed", "3")
    assert enrolments("--method", "fcfs", "--seed", "1") != enrolments("--seed", "1")


def test_letters_in_english(workbook: Path, tmp_path: Path) -> None:
    result = invoke("allocate", workbook, "--out", tmp_path, "--no-store", "--lang", "en")
    assert result.exit_code == 0, result.output
    letters = csv_rows(tmp_path / "letters.csv")
    assert list(letters[0])[:2] == ["class", "student"]
    assert any(r["to the parents"].startswith("Dear parents of") for r in letters)


# ---------------------------------------------------------------- bad input


def edited(school: School, folder: Path, lang: str, edit) -> Path:
    """The school's workbook with `edit(choices sheet, header)` applied."""
    path = write_xlsx(school, folder / f"bad_{lang}.xlsx", lang=lang)
    wb = load_workbook(path)
    ws = wb["选课志愿" if lang == "zh" else "choices"]
    header = [c.value for c in ws[1]]
    edit(ws, header)
    wb.save(path)
    return path


def _unknown_club(ws, header) -> None:
    ws.cell(
        row=2,
        column=header.index("活动编号" if "活动编号" in header else "activity_id") + 1,
        value="X99",
    )


def _column(header: list, zh: str, en: str) -> int:
    return header.index(zh if zh in header else en) + 1


def _duplicate_rank(ws, header) -> None:
    rank = _column(header, "志愿顺序", "rank")
    ws.cell(row=3, column=rank, value=ws.cell(row=2, column=rank).value)


def _two_classes(ws, header) -> None:
    group = _column(header, "班级编号", "group_id")
    other = "F02" if ws.cell(row=2, column=group).value == "F01" else "F01"
    ws.cell(row=3, column=group, value=other)


BAD = [
    # (edit, row, zh column, en column, zh words, en words)
    (_unknown_club, 2, "活动编号", "activity_id", "不在活动表中", "not in the activities sheet"),
    (_duplicate_rank, 3, "志愿顺序", "rank", "志愿重复", "gives rank"),
    (_two_classes, 3, "班级编号", "group_id", "出现在两个班级", "listed in two classes"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("edit", "row", "zh_col", "en_col", "zh", "en"), BAD)
def test_bad_choices_are_located_errors_in_both_languages(
    school: School, tmp_path: Path, lang: str, edit, row: int, zh_col: str, en_col: str, zh, en
) -> None:
    assert school.choices[0].student_id == school.choices[1].student_id  # rows 2, 3: one student
    path = edited(school, tmp_path, lang, edit)
    out = tmp_path / "out"
    result = invoke("allocate", path, "--out", out)
    assert result.exit_code == 2, result.output
    sheet = "选课志愿" if lang == "zh" else "choices"
    column = zh_col if lang == "zh" else en_col
    line = next(x for x in result.output.splitlines() if x.startswith("错误/error"))
    assert f"{sheet}, row {row}, column {column}" in line, line
    assert zh in line and en in line
    assert not out.exists()  # nothing written
    validate = invoke("validate", path)  # the same problem as `afterschool validate` gives
    assert validate.exit_code == 2 and line in validate.output


def test_a_workbook_without_choices_is_exit_2(school: School, tmp_path: Path) -> None:
    path = write_xlsx(replace(school, choices=()), tmp_path / "none.xlsx")
    result = invoke("allocate", path, "--out", tmp_path / "out", "--no-store")
    assert result.exit_code == 2
    assert "没有选课志愿" in result.output and "no club choices" in result.output


@pytest.mark.parametrize("option", [["--method", "best"], ["--lang", "fr"], ["--seed", "-1"]])
def test_bad_options_are_exit_2(workbook: Path, tmp_path: Path, option: list[str]) -> None:
    assert invoke("allocate", workbook, "--out", tmp_path, "--no-store", *option).exit_code == 2


# ---------------------------------------------------------------- the store


def test_each_run_is_stored_as_the_next_version(
    school: School, workbook: Path, tmp_path: Path, store_url: str
) -> None:
    for seed in (1, 2):
        result = invoke(
            "allocate", workbook, "--out", tmp_path / str(seed), "--seed", seed, "--db", store_url
        )
        assert result.exit_code == 0, result.output
        assert f"社团录取结果已保存为学校 ZY045 的第 {seed} 版" in result.output
    with session_scope(make_engine(store_url)) as session:
        versions = list_allocations(session, "ZY045")
        assignments, head = load_allocation(session, "ZY045")
        (stored_school,) = school_versions(session, "ZY045")  # one content: one version
        audit = [e for e in list_audit(session) if e.action == "allocation.save"]
    assert [v.version for v in versions] == [1, 2] and head.seed == 2
    assert head.school_version_id == stored_school.id
    assert len(audit) == 2
    rows = csv_rows(tmp_path / "2" / "enrolments.csv")
    assert sorted((a.student_id, a.activity_id) for a in assignments) == sorted(
        (r["student_id"], r["activity_id"]) for r in rows
    )


# ---------------------------------------------------------------- --schedule


def test_schedule_with_the_allocation(workbook: Path, tmp_path: Path, store_url: str) -> None:
    out = tmp_path / "out"
    result = invoke("allocate", workbook, "--out", out, "--schedule", "--db", store_url, *FAST)
    assert result.exit_code == 0, result.output
    week = out / "schedule"
    for name in ("schedule.csv", "schedule.xlsx", "summary.md", "report.json", "school.xlsx"):
        assert (week / name).exists(), name
    assert "独立检查通过" in result.output
    # The workbook beside the week holds the allocation as its enrolments; the checker,
    # run alone on those two files, passes (rule 4: no student has two things at once).
    allocated = read_school(week / "school.xlsx").school
    assert allocated is not None
    enrolments = csv_rows(out / "enrolments.csv")
    assert sorted((e.student_id, e.activity_id) for e in allocated.enrolments) == sorted(
        (r["student_id"], r["activity_id"]) for r in enrolments
    )
    check = invoke("check", week / "school.xlsx", week / "schedule.csv")
    assert check.exit_code == 0, check.output
    from store.schedules import list_schedules

    with session_scope(make_engine(store_url)) as session:
        assert len(list_schedules(session, "ZY045")) == 1
        assert len(list_allocations(session, "ZY045")) == 1
        # The week was made from the school with the allocated enrolments: a second version.
        assert len(school_versions(session, "ZY045")) == 2
