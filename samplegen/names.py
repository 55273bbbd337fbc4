"""Name pools for the sample county: towns, villages, people.

Town names are styled on Zongyang county (枞阳县, Anhui), whose 2021 press conference
(seed 002) describes 16 towns; the list is illustrative, not an administrative record.
Every school and person in the sample is fictional.
"""

from __future__ import annotations

import random

COUNTY = "枞阳县"
SEAT = "枞阳镇"  # the county seat: its schools are the urban ones

# 16 towns (乡镇), the seat first.
TOWNS: tuple[str, ...] = (
    SEAT,
    "横埠镇",
    "项铺镇",
    "钱桥镇",
    "麒麟镇",
    "义津镇",
    "浮山镇",
    "会宫镇",
    "官埠桥镇",
    "钱铺镇",
    "金社镇",
    "白柳镇",
    "雨坛镇",
    "汤沟镇",
    "凤仪乡",
    "铁铜乡",
)

# Village (行政村) name stems for 村小 and 教学点.
VILLAGES: tuple[str, ...] = (
    "白云",
    "石桥",
    "新河",
    "双河",
    "长圩",
    "桂花",
    "柳峰",
    "凤凰",
    "青山",
    "龙井",
    "枫树",
    "黄泥",
    "杨湾",
    "陈家",
    "方冲",
    "姚岭",
    "新塘",
    "大桥",
    "松林",
    "竹园",
    "三公",
    "湖滨",
    "永安",
    "太平",
    "高山",
    "梅花",
    "花园",
    "荷叶",
    "新民",
    "红旗",
    "团结",
    "幸福",
    "光明",
    "清水",
    "西山",
    "东岗",
    "南冲",
    "北埂",
    "马鞍",
    "金山",
)

# Common surnames, weighted towards those frequent in Anhui (汪, 方, 吴, 章 ...).
SURNAMES: tuple[str, ...] = (
    *("王", "李", "张", "刘", "陈", "汪", "吴", "方", "章", "周"),
    *("徐", "杨", "黄", "胡", "朱", "何", "孙", "江", "钱", "姚"),
    *("程", "许", "谢", "叶", "潘", "余", "施", "左", "葛", "戴"),
    *("檀", "疏", "查", "鲍", "齐", "丁", "唐", "夏", "刘", "王"),
)

GIVEN: tuple[str, ...] = (
    *("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"),
    *("勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平"),
    *("刚", "桂", "英", "华", "玲", "红", "飞", "建", "国", "文"),
    *("海", "兵", "春", "梅", "兰", "雪", "晨", "宇", "欣", "怡"),
    *("婷", "琳", "俊", "峰", "斌", "辉", "慧", "颖", "志", "新"),
)


def person_name(rng: random.Random, taken: set[str]) -> str:
    """A two- or three-character Chinese name not yet used in this school."""
    for _ in range(50):
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name
    # Pools are large enough that this is practically unreachable; stay unique anyway.
    name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{len(taken)}"
    taken.add(name)
    return name


def class_label(grades: tuple[int, ...], number: int) -> str:
    """How a school names a class: 三(2)班, 高一(4)班, 一二年级复式班."""
    if len(grades) > 1:
        return "".join(_grade_word(g) for g in grades) + "年级复式班"
    return f"{_grade_word(grades[0])}({number})班"


def _grade_word(grade: int) -> str:
    digits = "一二三四五六七八九"
    return "高" + digits[grade - 10] if grade >= 10 else digits[grade - 1]
