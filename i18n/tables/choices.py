"""Strings of club choices: the `choices` sheet's problems and the allocation (choices/)."""

TEXT = {
    # --- the choices sheet and grade eligibility (workbook/validate.py)
    "wb.choice.unknown_club": (
        "学生 {student} 填报的社团 {id} 不在活动表中",
        "student {student} chooses club {id}, which is not in the activities sheet",
    ),
    "wb.choice.same_club": (
        "学生 {student} 重复填报社团 {id}（第 {first} 行已填报）",
        "student {student} chooses club {id} twice (first on row {first})",
    ),
    "wb.choice.duplicate_rank": (
        "学生 {student} 的第 {rank} 志愿重复（第 {first} 行的 {other} 已是第 {rank} 志愿）",
        "student {student} gives rank {rank} twice (row {first} already gives it to {other})",
    ),
    "wb.choice.two_classes": (
        "学生 {student} 出现在两个班级：{other}（第 {first} 行）和本行",
        "student {student} is listed in two classes: {other} (row {first}) and this row",
    ),
    "wb.choice.enrolment_class": (
        "学生 {student} 在{other_sheet}表第 {first} 行属于班级 {other}，与本行不同",
        "student {student} is in class {other} on sheet {other_sheet} row {first}, "
        "not the class of this row",
    ),
    "wb.choice.grade": (
        "学生 {student} 所在年级（{grade}）不能报社团 {id}（限 {low}-{high} 年级），"
        "此志愿不会被录取",
        "student {student}'s grade ({grade}) may not join club {id} (grades {low}-{high}); "
        "this choice is never granted",
    ),
    "wb.activity.grade_range": (
        "最高年级 {high} 低于最低年级 {low}",
        "max_grade {high} is below min_grade {low}",
    ),
    # --- the allocation report (choices/report.py)
    "choices.method.optimal": ("优化分配", "optimal allocation"),
    "choices.method.lottery": ("随机抽签", "lottery"),
    "choices.method.fcfs": ("先到先得", "first come, first served"),
    "choices.col.method": ("分配方式", "method"),
    "choices.col.students": ("学生数", "students"),
    "choices.col.first": ("第一志愿录取比例", "share with 1st choice"),
    "choices.col.top3": ("前三志愿录取比例", "share with a top-3 choice"),
    "choices.col.nothing": ("未录取任何社团比例", "share with nothing"),
    "choices.col.seats": ("名额", "seats"),
    "choices.col.seats_left": ("剩余名额", "seats left"),
    "choices.col.left": ("剩余名额", "seats left"),
    "choices.col.granted": ("录取人数", "granted"),
    "choices.col.first_choices": ("第一志愿人数", "1st choices"),
    "choices.col.choices": ("志愿人数", "choices"),
}
