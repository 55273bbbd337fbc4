"""What schools in the sample county teach and offer: subjects, clubs, special rooms.

Club kinds follow the categories the policy names for extended service (arts, sports,
science and technology, labour, social practice) plus subject tutoring (学科辅导).
Local colour (黄梅戏, 桐城派 study tours) reflects the Anqing/Tongling area; which clubs a
school offers is an assumption of this generator, not survey data.
"""

from __future__ import annotations

from dataclasses import dataclass

# Subject mix of a school's staff, by stage: (subject, weight). Assumed shares shaped like
# a typical timetable (Chinese and maths dominate primary; more subjects in junior/high).
SUBJECTS: dict[str, tuple[tuple[str, float], ...]] = {
    "primary": (
        ("语文", 34),
        ("数学", 30),
        ("英语", 9),
        ("科学", 6),
        ("音乐", 5),
        ("美术", 5),
        ("体育", 7),
        ("道德与法治", 2),
        ("信息技术", 2),
    ),
    "junior": (
        ("语文", 15),
        ("数学", 15),
        ("英语", 14),
        ("物理", 8),
        ("化学", 6),
        ("生物", 6),
        ("历史", 7),
        ("地理", 6),
        ("道德与法治", 7),
        ("体育", 7),
        ("音乐", 3),
        ("美术", 3),
        ("信息技术", 3),
    ),
    "high": (
        ("语文", 14),
        ("数学", 14),
        ("英语", 14),
        ("物理", 10),
        ("化学", 9),
        ("生物", 8),
        ("历史", 7),
        ("地理", 7),
        ("思想政治", 7),
        ("体育", 5),
        ("信息技术", 3),
        ("音乐", 1),
        ("美术", 1),
    ),
}


@dataclass(frozen=True)
class ClubKind:
    """A kind of club a school may run."""

    name: str
    category: str
    skill: str
    rooms: tuple[str, ...]  # acceptable room types in order of preference; "" = any room
    grades: tuple[int, int]  # lowest and highest grade that joins
    subjects: tuple[str, ...] = ()  # staff subjects that usually bring this skill
    big: bool = False  # a team sport that may need two teachers
    external: bool = False  # urban schools often hire an outside instructor for it


CLUBS: tuple[ClubKind, ...] = (
    # arts 艺术
    ClubKind("合唱团", "arts", "合唱", ("music",), (2, 9), ("音乐",)),
    ClubKind("舞蹈", "arts", "舞蹈", ("music", "gym"), (1, 9), ("音乐", "体育"), external=True),
    ClubKind("儿童画", "arts", "美术", ("art",), (1, 6), ("美术",)),
    ClubKind("素描", "arts", "美术", ("art",), (5, 9), ("美术",)),
    ClubKind("书法", "arts", "书法", ("art", ""), (2, 9), ("语文", "美术")),
    ClubKind("黄梅戏", "arts", "黄梅戏", ("music",), (3, 9), ("音乐",), external=True),
    ClubKind("葫芦丝", "arts", "器乐", ("music", ""), (3, 9), ("音乐",)),
    ClubKind("剪纸", "arts", "剪纸", ("art", ""), (1, 6), ("美术",)),
    # sports 体育
    ClubKind("篮球", "sports", "篮球", ("gym", "field"), (3, 9), ("体育",), big=True),
    ClubKind("足球", "sports", "足球", ("field",), (2, 9), ("体育",), big=True, external=True),
    ClubKind("乒乓球", "sports", "乒乓球", ("gym", ""), (2, 9), ("体育", "数学")),
    ClubKind("跳绳", "sports", "跳绳", ("field", ""), (1, 6), ("体育",)),
    ClubKind("田径", "sports", "田径", ("field",), (3, 9), ("体育",)),
    ClubKind("象棋", "sports", "棋类", ("",), (2, 9), ("数学",)),
    ClubKind("武术", "sports", "武术", ("field", "gym"), (3, 9), ("体育",), external=True),
    # science 科技
    ClubKind("编程", "science", "编程", ("computer",), (3, 9), ("信息技术", "数学")),
    ClubKind(
        "机器人", "science", "机器人", ("computer", "lab"), (4, 9), ("信息技术",), external=True
    ),
    ClubKind("科学实验", "science", "科学实验", ("lab",), (3, 9), ("科学", "物理", "化学", "生物")),
    ClubKind("航模", "science", "航模", ("field", ""), (4, 9), ("科学", "物理")),
    # labour 劳动
    ClubKind("小小种植园", "labour", "种植", ("",), (1, 9), ("科学", "生物")),
    ClubKind("手工制作", "labour", "劳动实践", ("",), (1, 9), ("美术",)),
    ClubKind("家政烹饪", "labour", "劳动实践", ("",), (4, 9), ()),
    # social practice 社会实践
    ClubKind(
        "桐城派文化研学", "social_practice", "研学", ("library", ""), (4, 9), ("语文", "历史")
    ),
    ClubKind("社区志愿服务", "social_practice", "社会实践", ("",), (4, 9), ("道德与法治",)),
    ClubKind("红色足迹寻访", "social_practice", "研学", ("",), (5, 9), ("历史", "道德与法治")),
    # academic 学科辅导
    ClubKind("数学思维", "academic", "数学", ("",), (3, 9), ("数学",)),
    ClubKind("英语阅读", "academic", "英语", ("library", ""), (3, 9), ("英语",)),
    ClubKind("经典诵读", "academic", "语文", ("library", ""), (1, 9), ("语文",)),
    ClubKind("作文指导", "academic", "语文", ("",), (3, 9), ("语文",)),
    ClubKind("物理拓展", "academic", "物理", ("lab", ""), (8, 9), ("物理",)),
)

# Hobby skills teachers bring beyond their subject (so clubs find more than one leader).
HOBBIES: tuple[str, ...] = (
    "书法",
    "乒乓球",
    "篮球",
    "棋类",
    "种植",
    "劳动实践",
    "研学",
    "社会实践",
    "合唱",
    "跳绳",
    "剪纸",
    "编程",
)

# Special rooms by location: (type, name, capacity range, count range). Village schools
# usually have only a playground and perhaps a reading room (assumption).
SPECIAL_ROOMS: dict[str, tuple[tuple[str, str, tuple[int, int], tuple[int, int]], ...]] = {
    "urban": (
        ("gym", "体育馆", (80, 150), (1, 2)),
        ("field", "操场", (200, 400), (2, 3)),
        ("music", "音乐室", (45, 60), (1, 3)),
        ("art", "美术室", (45, 60), (1, 2)),
        ("computer", "计算机房", (45, 56), (1, 2)),
        ("lab", "科学实验室", (45, 56), (1, 3)),
        ("library", "图书室", (50, 80), (1, 1)),
    ),
    "town": (
        ("gym", "风雨操场", (60, 100), (0, 1)),
        ("field", "操场", (150, 300), (1, 2)),
        ("music", "音乐室", (40, 55), (1, 1)),
        ("art", "美术室", (40, 55), (1, 1)),
        ("computer", "计算机房", (40, 50), (1, 1)),
        ("lab", "科学实验室", (40, 50), (1, 2)),
        ("library", "图书室", (40, 60), (1, 1)),
    ),
    "village": (
        ("field", "操场", (60, 150), (1, 1)),
        ("library", "图书室", (24, 36), (0, 1)),
    ),
}

FIELD_NAMES = ("操场", "篮球场", "足球场")
