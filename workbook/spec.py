"""The school workbook of the data contract, as data.

One place lists every sheet, column, Chinese alias, type, default and enum label; the
reader, the validator, the template and the writer all read it, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.school import DEFAULT_MAX_CLUBS, DEFAULT_RATIO

# Column types understood by the reader (workbook/cells.py parses each).
ID = "id"  # text; a number cell 7 reads "7"
TEXT = "text"
INT = "int"  # non-negative whole number; "45" and "45.0" are 45
RATIO = "ratio"  # "45" or "1:45"
DAY = "day"  # 1-7 or 周一..周日 / 星期一..星期日
TIME = "time"  # HH:MM
BOOL = "bool"  # yes/no, y/n, true/false, 1/0, 是/否
LIST = "list"  # items separated by ; ； , ， 、
ID_LIST = "id_list"
GRADES = "grades"  # 1-12 or a list of them
ENUM = "enum"  # one of Column.enum keys, or its Chinese label
ROOM_TYPE = "room_type"  # a known type (English or Chinese) or any other text
NUMBER = "number"  # a decimal number, "4.5" or 4.5 (ratings, money)
DATE = "date"  # YYYY-MM-DD, an Excel date cell, or 2026/9/1

# Enum labels: English key -> accepted Chinese labels (first one is written by the template).
STAGE_LABELS = {
    "primary": ("小学",),
    "junior": ("初中",),
    "nine_year": ("九年一贯制",),
    "high": ("高中",),
}
LOCATION_LABELS = {
    "urban": ("城区", "城市"),
    "town": ("乡镇", "镇区"),
    "village": ("村小/教学点", "村小", "教学点", "乡村", "农村"),
}
KIND_LABELS = {
    "basic": ("基础托管", "基本托管", "托管"),
    "extended": ("拓展", "拓展服务", "素质拓展"),
    "self_study": ("自习", "早晚自习"),
    "any": ("通用",),
}
CATEGORY_LABELS = {
    "arts": ("艺术",),
    "sports": ("体育",),
    "science": ("科技",),
    "labour": ("劳动",),
    "social_practice": ("社会实践",),
    "academic": ("学科辅导",),
    "self_study": ("自习",),
}
ROOM_TYPE_LABELS = {
    "classroom": ("教室",),
    "gym": ("体育馆",),
    "field": ("操场",),
    "lab": ("实验室",),
    "music": ("音乐室",),
    "art": ("美术室",),
    "computer": ("机房",),
    "library": ("图书室",),
}
DAY_NAMES_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
YES_WORDS = ("yes", "y", "true", "1", "是")
NO_WORDS = ("no", "n", "false", "0", "否")


@dataclass(frozen=True)
class Column:
    key: str
    alias: str
    type: str
    required: bool = False
    default: object = None
    enum: dict[str, tuple[str, ...]] | None = None
    # Other Chinese spellings seen in real workbooks, accepted as the header.
    more_aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key, self.alias, *self.more_aliases)


@dataclass(frozen=True)
class Sheet:
    key: str
    alias: str
    columns: tuple[Column, ...]
    required: bool = False
    one_row: bool = False
    # Other Chinese sheet names seen in real workbooks, accepted as the sheet's name.
    more_aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key, self.alias, *self.more_aliases)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SCHOOL = Sheet(
    "school",
    "学校",
    (
        Column("school_id", "学校编号", ID, required=True),
        Column("name", "学校名称", TEXT, required=True),
        Column("stage", "学段", ENUM, enum=STAGE_LABELS),
        Column("location", "城乡类型", ENUM, enum=LOCATION_LABELS),
        Column("ratio", "师生比", RATIO, default=DEFAULT_RATIO),
        # Additions (docs/workbook.md): the club allocation's "at most K clubs" rule.
        Column(
            "max_clubs_per_student",
            "每生社团上限",
            INT,
            default=DEFAULT_MAX_CLUBS,
            more_aliases=("每人限选社团数", "限选社团数"),
        ),
    ),
    required=True,
    one_row=True,
)
SLOTS = Sheet(
    "slots",
    "时段",
    (
        Column("slot_id", "时段编号", ID, required=True),
        Column("day", "星期", DAY, required=True),
        Column("start", "开始时间", TIME, required=True),
        Column("end", "结束时间", TIME, required=True),
        Column("kind", "类型", ENUM, default="any", enum=KIND_LABELS),
    ),
    required=True,
)
TEACHERS = Sheet(
    "teachers",
    "教师",
    (
        Column("teacher_id", "教师编号", ID, required=True),
        Column("name", "姓名", TEXT, required=True),
        Column("skills", "可授项目", LIST, default=()),
        Column("max_per_week", "每周上限", INT, default=5),
        Column("max_per_day", "每日上限", INT, default=1),
        Column("unavailable", "不可用时段", ID_LIST, default=()),
        Column("opt_in", "自愿参加", BOOL, default=True),
        Column("homeroom", "班主任班级", ID),
        Column("external", "外聘", BOOL, default=False),
    ),
    required=True,
)
GROUPS = Sheet(
    "groups",
    "班级",
    (
        Column("group_id", "班级编号", ID, required=True),
        Column("grade", "年级", GRADES, required=True),
        Column("students", "人数", INT, required=True),
        Column("basic_slots", "基础托管时段", ID_LIST, default=()),
        Column("basic_students", "托管人数", INT),
    ),
)
ACTIVITIES = Sheet(
    "activities",
    "活动",
    (
        Column("activity_id", "活动编号", ID, required=True),
        Column("name", "名称", TEXT, required=True),
        Column("category", "类别", ENUM, required=True, enum=CATEGORY_LABELS),
        Column("skill", "所需技能", TEXT),
        Column("sessions_per_week", "每周次数", INT, default=1),
        Column("enrolled", "报名人数", INT),
        Column("staff", "每次教师数", INT, default=1),
        Column("room_type", "场地类型", ROOM_TYPE, enum=ROOM_TYPE_LABELS),
        Column("allowed_slots", "可选时段", ID_LIST, default=()),
        Column("fixed_teacher", "指定教师", ID),
        Column("groups", "参与班级", ID_LIST, default=()),
        # Additions (docs/workbook.md): grade eligibility for club choices.
        Column("min_grade", "最低年级", INT),
        Column("max_grade", "最高年级", INT),
    ),
)
ROOMS = Sheet(
    "rooms",
    "场地",
    (
        Column("room_id", "场地编号", ID, required=True),
        Column("name", "名称", TEXT, required=True),
        Column("type", "类型", ROOM_TYPE, required=True, enum=ROOM_TYPE_LABELS),
        Column("capacity", "容量", INT, required=True),
        Column("home_group", "所属班级", ID),
    ),
)
ENROLMENTS = Sheet(
    "enrolments",
    "报名",
    (
        Column("student_id", "学生编号", ID, required=True),
        Column("group_id", "班级编号", ID),
        # Not required by the contract: a row naming no activity is skipped with a warning.
        Column("activity_id", "活动编号", ID),
    ),
)
LOCKS = Sheet(
    "locks",
    "锁定",
    (
        # Nothing in locks is required by the contract: a row naming no activity is
        # skipped with a warning (workbook/validate.py).
        Column("activity_id", "活动编号", ID),
        Column("session", "第几次", INT),
        Column("slot_id", "时段编号", ID),
        Column("room_id", "场地编号", ID),
        Column("teacher_id", "教师编号", ID),
    ),
)

# An addition to the contract (docs/workbook.md): students' ranked club wishes, the input
# of the club allocation (choices/). One row per choice.
CHOICES = Sheet(
    "choices",
    "选课志愿",
    (
        Column("student_id", "学生编号", ID, required=True),
        Column("group_id", "班级编号", ID, required=True),
        Column("activity_id", "活动编号", ID, required=True, more_aliases=("社团编号",)),
        Column("rank", "志愿顺序", INT, required=True, more_aliases=("第几志愿", "志愿")),
        Column("priority", "优先", BOOL, default=False, more_aliases=("优先录取",)),
    ),
    more_aliases=("社团志愿",),
)

# The school workbook: the contract's sheets plus the product's addition (choices), what
# the writer, the template and the app's sheet tabs cover.
SHEETS: tuple[Sheet, ...] = (
    SCHOOL,
    SLOTS,
    TEACHERS,
    GROUPS,
    ACTIVITIES,
    ROOMS,
    ENROLMENTS,
    LOCKS,
    CHOICES,
)
# What the reader reads: the same sheets.
READ_SHEETS: tuple[Sheet, ...] = SHEETS
SHEET_BY_KEY = {s.key: s for s in READ_SHEETS}


def sheet_for_name(name: str) -> Sheet | None:
    """The sheet a workbook sheet or CSV file stem names (English key or a Chinese alias)."""
    wanted = name.strip().lower()
    for sheet in READ_SHEETS:
        if wanted in sheet.names():
            return sheet
    return None
