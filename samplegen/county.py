"""The sample county: about 120 schools in 16 towns, modelled on Zongyang (枞阳县).

`generate_county(seed)` is pure: the same seed gives the same list of School values.
`write_county(outdir, seed)` writes one contract workbook per school plus `county.csv`.
See docs/sample-county.md for the model, its sources and its assumptions.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from choices.sample import sample_choices
from domain.school import School
from samplegen import DEFAULT_SEED, names
from samplegen.build import CLASS_SIZE, OPT_IN_SHARE, SchoolPlan, build_school
from workbook.safety import csv_dict
from workbook.writer import write_xlsx

ID_PREFIX = "ZY"

URBAN_PRIMARIES = ("实验小学", "第二实验小学", "城关小学", "城南小学", "城北小学")
URBAN_JUNIORS = ("实验中学", "城关初级中学", "城南初级中学")
# High schools: (name, town); the fourth is drawn with probability one half.
HIGH_SCHOOLS = (
    ("第一中学", names.SEAT),
    ("浮山中学", "浮山镇"),
    ("横埠中学", "横埠镇"),
    ("第二中学", names.SEAT),
)
TARGET_BASIC = 33_258  # compulsory-school pupils in after-school service (seed 002)
MAX_PER_GRADE = {"urban": 8, "town": 6}  # parallel classes a grade may grow to
# Written into every sample workbook instead of the write time (the start of the autumn
# term 2021, when "double reduction" began).
FIXED_TIME = (2021, 9, 1, 0, 0, 0)
FIXED_STAMP = b"2021-09-01T00:00:00Z"
CORE_PROPERTIES = "docProps/core.xml"
PROPERTY_TIME = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
CSV_COLUMNS = (
    "school_id",
    "name",
    "town",
    "stage",
    "location",
    "students",
    "basic_students",
    "teachers",
    "classes",
    "clubs",
    "self_study",
    "file",
)


# --- the county plan ------------------------------------------------------------------


def _single(grades: range, per_grade: Callable[[], int]) -> tuple[tuple[int, ...], ...]:
    return tuple((g,) for g in grades for _ in range(per_grade()))


def village_classes(rng: random.Random) -> tuple[tuple[int, ...], ...]:
    """2-6 classes over grades 1-3, 1-4 or 1-6; neighbouring grades share a class (复式)."""
    top = rng.choices((3, 4, 6), weights=(3, 3, 4))[0]
    count = rng.randint(max(2, math.ceil(top / 3)), min(6, top))
    while True:
        cuts = sorted(rng.sample(range(1, top), count - 1))
        bounds = [0, *cuts, top]
        chunks = [tuple(range(a + 1, b + 1)) for a, b in itertools.pairwise(bounds)]
        if max(len(c) for c in chunks) <= 3:
            return tuple(chunks)


def _town_plans(rng: random.Random, town: str, villages: int) -> list[tuple]:
    """(name, stage, location, classes) for the schools of one non-seat town."""
    prefix = f"{names.COUNTY}{town}"
    out = []
    if rng.random() < 0.35:
        classes = _single(range(1, 7), lambda: rng.randint(1, 3)) + _single(
            range(7, 10), lambda: rng.randint(2, 4)
        )
        out.append((f"{prefix}中心学校", "nine_year", "town", classes))
    else:
        out.append(
            (
                f"{prefix}中心学校",
                "primary",
                "town",
                _single(range(1, 7), lambda: rng.randint(2, 5)),
            )
        )
        if rng.random() < 0.9:
            junior = _single(range(7, 10), lambda: rng.randint(3, 6))
            out.append((f"{prefix}初级中学", "junior", "town", junior))
    if rng.random() < 0.25:
        second = _single(range(1, 7), lambda: rng.randint(1, 3))
        out.append((f"{prefix}第二小学", "primary", "town", second))
    for stem in rng.sample(names.VILLAGES, villages):
        classes = village_classes(rng)
        suffix = "小学" if max(max(c) for c in classes) == 6 else "教学点"
        out.append((f"{prefix}{stem}{suffix}", "primary", "village", classes))
    return out


def plan_county(rng: random.Random) -> list[SchoolPlan]:
    """Which schools exist, where, and how many classes each has."""
    rows: list[tuple[str, str, str, str, tuple]] = []  # name, town, stage, location, classes
    seat = names.SEAT
    for name in URBAN_PRIMARIES:
        classes = _single(range(1, 7), lambda: rng.randint(4, 8))
        rows.append((f"{names.COUNTY}{name}", seat, "primary", "urban", classes))
    for name in URBAN_JUNIORS:
        rows.append(
            (
                f"{names.COUNTY}{name}",
                seat,
                "junior",
                "urban",
                _single(range(7, 10), lambda: rng.randint(6, 12)),
            )
        )
    highs = HIGH_SCHOOLS[: rng.choice((3, 4))]
    for name, town in highs:
        location = "urban" if town == seat else "town"
        classes = _single(range(10, 13), lambda: rng.randint(8, 16))
        if town == seat:
            rows.append((f"{names.COUNTY}{name}", town, "high", location, classes))
    for stem in rng.sample(names.VILLAGES, 2):
        classes = village_classes(rng)
        rows.append((f"{names.COUNTY}{seat}{stem}教学点", seat, "primary", "village", classes))
    for town in names.TOWNS[1:]:
        for name, stage, location, classes in _town_plans(rng, town, rng.randint(4, 7)):
            rows.append((name, town, stage, location, classes))
        for name, high_town in highs:
            if high_town == town:
                classes = _single(range(10, 13), lambda: rng.randint(6, 12))
                rows.append((f"{names.COUNTY}{name}", town, "high", "town", classes))
    rows = calibrate(rng, rows)
    with_enrolments = {rows[0][0], rows[1][0], rows[len(URBAN_PRIMARIES)][0]}
    return [
        SchoolPlan(
            school_id=f"{ID_PREFIX}{i:03d}",
            name=name,
            town=town,
            stage=stage,
            location=location,
            classes=classes,
            enrolments=name in with_enrolments,
        )
        for i, (name, town, stage, location, classes) in enumerate(rows, start=1)
    ]


def expected_basic(location: str, grades: tuple[int, ...]) -> float:
    """Expected basic-care pupils of one class (means of build.py's draws)."""
    if location == "village":
        return min(30, max(8, 10 * len(grades))) * 0.81
    lo, hi = CLASS_SIZE[location]
    share_lo, share_hi = OPT_IN_SHARE[location]
    return (lo + hi) / 2 * (share_lo + share_hi) / 2


def calibrate(rng: random.Random, rows: list[tuple]) -> list[tuple]:
    """Add or remove single-grade classes in town and urban compulsory schools until the
    expected basic-care total is within 1.5% of the real county's 33,258 (seed 002).
    Without this the total swings by about 10% between seeds."""
    rows = list(rows)
    adjustable = [i for i, r in enumerate(rows) if r[2] != "high" and r[3] != "village"]

    def total() -> float:
        return sum(expected_basic(r[3], grades) for r in rows if r[2] != "high" for grades in r[4])

    for _ in range(2000):
        gap = total() - TARGET_BASIC
        if abs(gap) <= 0.015 * TARGET_BASIC:
            break
        i = rng.choice(adjustable)
        name, town, stage, location, classes = rows[i]
        grade = rng.choice(sorted({c[0] for c in classes}))
        same = [c for c in classes if c == (grade,)]
        if gap < 0 and len(same) < MAX_PER_GRADE[location]:
            classes = tuple(sorted((*classes, (grade,))))
        elif gap > 0 and len(same) > 1:
            cut = classes.index((grade,))
            classes = classes[:cut] + classes[cut + 1 :]
        rows[i] = (name, town, stage, location, classes)
    return rows


def generate_county(seed: int = DEFAULT_SEED) -> list[School]:
    """Every school of the sample county, in school_id order. Pure and deterministic.

    Schools with clubs get the students' club choices (choices/sample.py: popularity
    skewed, some clubs about three times oversubscribed) and their clubs' grade ranges.
    """
    rng = random.Random(seed)
    plans = plan_county(rng)
    # Each school draws from its own stream, so tuning one school never shifts another.
    seeds = [rng.getrandbits(64) for _ in plans]
    schools = [build_school(p, random.Random(s)) for p, s in zip(plans, seeds, strict=True)]
    return [sample_choices(school, seed) for school in schools]


# --- output ---------------------------------------------------------------------------


def town_of(school: School) -> str:
    """The town a sample school belongs to, read from its name (urban schools: the seat)."""
    rest = school.info.name.removeprefix(names.COUNTY)
    for town in names.TOWNS:
        if rest.startswith(town) or rest.startswith(town[:-1]):
            return town
    return names.SEAT


def workbook_style(school: School) -> tuple[str, bool]:
    """(lang, title): village schools and every fifth school send Chinese workbooks with a
    merged title row, as principals make them; the rest use the English template."""
    number = int(re.sub(r"\D", "", school.school_id) or 0)
    if school.info.location == "village" or number % 5 == 0:
        return "zh", True
    return "en", False


def summary_row(school: School, file: str) -> dict[str, object]:
    clubs = [a for a in school.activities if a.category != "self_study"]
    return {
        "school_id": school.school_id,
        "name": school.info.name,
        "town": town_of(school),
        "stage": school.info.stage,
        "location": school.info.location,
        "students": sum(g.students for g in school.groups),
        "basic_students": sum(g.basic_students for g in school.groups if g.basic_slots),
        "teachers": len(school.teachers),
        "classes": len(school.groups),
        "clubs": len(clubs),
        "self_study": len(school.activities) - len(clubs),
        "file": file,
    }


def write_summary(schools: list[School], path: Path) -> Path:
    """county.csv: one row per school, UTF-8 with BOM so Excel shows the Chinese names."""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for s in schools:
            writer.writerow(csv_dict(summary_row(s, f"{s.school_id}.xlsx")))
    return path


def stable_xlsx(path: Path) -> Path:
    """Rewrite a workbook with fixed times (its zip entries and its document properties),
    so the same school gives the same bytes on every run: a regenerated county shows in
    git only where its content changed."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            if info.filename == CORE_PROPERTIES:
                data = PROPERTY_TIME.sub(rb"\g<1>" + FIXED_STAMP + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            archive.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())
    return path


def write_county(
    outdir: Path,
    seed: int = DEFAULT_SEED,
    progress: Callable[[School, Path], None] | None = None,
    schools: list[School] | None = None,
) -> list[Path]:
    """Write `<school_id>.xlsx` per school and `county.csv` into `outdir`.

    Stale `ZY###.xlsx` files from an earlier run with more schools are removed, so the
    folder always equals one generation. Returns the written paths (workbooks, then csv).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    schools = generate_county(seed) if schools is None else schools
    paths = []
    for school in schools:
        lang, title = workbook_style(school)
        path = write_xlsx(school, outdir / f"{school.school_id}.xlsx", lang=lang, title=title)
        paths.append(stable_xlsx(path))
        if progress is not None:
            progress(school, path)
    keep = {p.name for p in paths}
    for old in outdir.glob(f"{ID_PREFIX}[0-9][0-9][0-9].xlsx"):
        if old.name not in keep:
            old.unlink()
    paths.append(write_summary(schools, outdir / "county.csv"))
    return paths
