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
    "choices.method.joint": (
        "联合安排（社团时段与名额一起定）",
        "joint (club slots and places together)",
    ),
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
    "choices.col.grade": ("年级", "grade"),
    "choices.col.group_id": ("班级", "class"),
    "choices.col.priority": ("优先", "priority"),
    "choices.col.club": ("社团", "club"),
    "choices.yes": ("是", "yes"),
    "choices.no": ("否", "no"),
    "choices.none": (
        "没有选课志愿（选课志愿表缺失或为空），无法分配社团",
        "no club choices (the choices sheet is missing or empty): nothing to allocate",
    ),
    # --- an uploaded choices sheet (choices/upload.py)
    "choices.upload.type": (
        "选课志愿请上传 .xlsx 工作簿或 .csv 文件",
        "upload the choices as an .xlsx workbook or a .csv file",
    ),
    "choices.upload.no_sheet": (
        "找不到选课志愿表：工作表应命名为“选课志愿”（或 choices），或工作簿只含一张表",
        "no choices sheet found: name the sheet 选课志愿 (or choices), or upload a workbook "
        "with one sheet only",
    ),
    # --- letters to parents (choices/letters.py)
    "choices.letter.sheet": ("录取通知", "letters"),
    "choices.letter.title": ("{school} 课后服务社团录取通知", "{school}: after-school club places"),
    "choices.letter.col.group_id": ("班级", "class"),
    "choices.letter.col.student_id": ("学生编号", "student"),
    "choices.letter.col.grade": ("年级", "grade"),
    "choices.letter.col.priority": ("优先录取", "priority"),
    "choices.letter.col.clubs": ("录取社团", "club(s) given"),
    "choices.letter.col.choices": ("志愿", "choice"),
    "choices.letter.col.letter": ("致家长", "to the parents"),
    "choices.letter.club": ("{name}（{id}）", "{name} ({id})"),
    "choices.letter.part": ("{club}（第{rank}志愿）", "{club} (choice {rank})"),
    "choices.letter.rank": ("第{rank}志愿", "choice {rank}"),
    "choices.letter.join": ("、", "; "),
    "choices.letter.nothing": ("未录取", "none"),
    "choices.letter.granted": (
        "{student} 同学家长：您好！根据您填报的志愿，{student} 同学（班级 {group}）本学期课后服务"
        "录取的社团是：{clubs}。请孩子按时参加。",
        "Dear parents of {student}: following your choices, {student} (class {group}) has a "
        "place this term in: {clubs}. Please make sure your child attends.",
    ),
    "choices.letter.none": (
        "{student} 同学家长：您好！很遗憾，由于名额有限，{student} 同学（班级 {group}）本学期"
        "未能录取到所填报的社团，将继续参加基础托管。如有空余名额，学校将另行通知。",
        "Dear parents of {student}: we are sorry that, with the places available, "
        "{student} (class {group}) could not be given any of the clubs you chose this term "
        "and stays in basic care. The school will let you know if a place becomes free.",
    ),
    # --- the joint mode (choices/joint.py)
    "choices.joint.path.locked": (
        "周课表按联合安排选定的社团时段排出",
        "the week keeps the club slots the joint mode chose",
    ),
    "choices.joint.path.free": (
        "排课时调整了部分社团时段，学生的活动仍互不冲突",
        "the scheduler moved some club slots; every student's activities still never clash",
    ),
    "choices.joint.path.week_first": (
        "先排出不含学生的周课表，再在其中分配名额",
        "the week was made first, without students, and the places allocated into it",
    ),
    "choices.joint.path.none": ("没有可行的周课表", "no week exists"),
    "choices.joint.at_bound": (
        "分配结果已达上限：任何周课表都不能让学生更满意",
        "the allocation meets the bound: no week could satisfy the students more",
    ),
    "choices.joint.below_bound": (
        "为使周课表可行，分配结果略低于上限（不考虑时段时第一志愿录取比例可达 {first}，现为 {now}）",
        "to fit a week the allocation is below the bound (ignoring slots, 1st choice could reach {first}; now {now})",
    ),
    "choices.summary.joint": ("社团时段与名额联合安排", "Club slots and places together"),
    "choices.summary.bound": (
        "上限（不考虑时段冲突的优化分配）",
        "bound (optimal allocation ignoring slot clashes)",
    ),
    "choices.summary.same_week": (
        "三种方式都在同一张周课表（相同的社团时段）中分配，学生的活动互不冲突。",
        "All three methods allocate in the same week (the same club slots); no student's activities clash.",
    ),
    # --- summary.md (choices/service.py)
    "choices.summary.title": ("社团录取结果", "Club allocation"),
    "choices.summary.item": ("项目", "item"),
    "choices.summary.value": ("值", "value"),
    "choices.summary.seed": ("随机种子", "seed"),
    "choices.summary.status": ("求解状态", "status"),
    "choices.summary.max_clubs": ("每生社团上限", "clubs per student at most"),
    "choices.summary.compare": (
        "三种方式对比（同一随机种子）",
        "The three methods side by side (same seed)",
    ),
    "choices.summary.fcfs_note": (
        "先到先得按模拟的报名先后：约四分之一的学生（网络慢、村小）晚到。",
        "First come, first served follows a simulated sign-up order in which about a quarter "
        "of the students (slow connections, village schools) arrive late.",
    ),
    "choices.summary.by.grade": ("按年级", "By grade"),
    "choices.summary.by.group_id": ("按班级", "By class"),
    "choices.summary.by.priority": ("按是否优先录取", "By priority"),
    "choices.summary.seats": ("各社团名额", "Seats per club"),
    "choices.summary.clubs_per_student": ("人均录取社团数", "clubs per student"),
    "choices.summary.seconds": ("用时（秒）", "seconds"),
    # --- afterschool allocate (cli/choices_cmds.py)
    "choices.cli.help": (
        "按学生选课志愿分配社团名额：写出 enrolments.csv、致家长通知（letters.xlsx/csv）和"
        " summary.md，并与随机抽签、先到先得对比；--schedule 再用分配结果排课",
        "allocate club places from the students' ranked choices: writes enrolments.csv, "
        "letters to parents (letters.xlsx/csv) and summary.md, compared with a lottery and "
        "first come, first served; --schedule then schedules the week with them",
    ),
    "choices.cli.help.method": (
        "分配方式：optimal（优化，默认）、lottery（随机抽签）、fcfs（先到先得）",
        "method: optimal (default), lottery, fcfs (first come, first served)",
    ),
    "choices.cli.help.schedule": (
        "再用分配结果排出周课表（写入 OUT/schedule，与 afterschool schedule 相同）",
        "also schedule the week with the allocation (into OUT/schedule, as afterschool "
        "schedule does)",
    ),
    "choices.cli.help.joint": (
        "与 --schedule 和优化分配一起使用：社团时段与名额一起安排，保证分配结果有可行的周课表（默认）；--no-joint 先分配再排课",
        "with --schedule and the optimal method: choose the clubs' slots together with the places, so the allocation always has a week (the default); --no-joint allocates first and schedules after",
    ),
    "choices.cli.help.lang": (
        "致家长通知和课表视图的语言 zh|en",
        "language of the letters and of the spreadsheet views, zh|en",
    ),
    "choices.cli.bad_method": ("分配方式应为 {methods} 之一", "method must be one of {methods}"),
    "choices.cli.allocating": (
        "正在分配学校 {school} 的 {students} 名学生（{method}，种子 {seed}）",
        "allocating {students} students of school {school} ({method}, seed {seed})",
    ),
    "choices.cli.stage": (
        "{method}：第 {done}/{total} 步完成，{seconds:.1f} 秒",
        "{method}: step {done}/{total} done, {seconds:.1f} s",
    ),
    "choices.cli.shares": (
        "{method}：第一志愿 {first}，前三志愿 {top3}，未录取 {nothing}，剩余名额 {left}",
        "{method}: 1st choice {first}, top 3 {top3}, nothing {nothing}, seats left {left}",
    ),
    "choices.cli.stored": (
        "社团录取结果已保存为学校 {school_id} 的第 {version} 版（基于学校数据第 {school_version} 版）",
        "club allocation stored as version {version} of school {school_id} (from school "
        "version {school_version})",
    ),
    # --- the Choices page (ui/pages/choices.py)
    "ui.nav.choices": ("选课", "Club choices"),
    "choices.ui.school": (
        "{name}（学校数据第 {version} 版）",
        "{name} (school data version {version})",
    ),
    "choices.ui.source": ("志愿来源", "Choices from"),
    "choices.ui.source.stored": ("学校数据中的选课志愿", "the school's stored choices"),
    "choices.ui.source.upload": ("上传选课志愿表", "an uploaded choices sheet"),
    "choices.ui.stored_choices": (
        "学校数据中有 {students} 名学生的 {n} 条志愿",
        "{n} choices of {students} students in the school's data",
    ),
    "choices.ui.no_choices": (
        "学校数据中没有选课志愿。请上传选课志愿表，或在学校数据工作簿的“选课志愿”表中填写后重新导入。",
        "The school's data has no club choices. Upload a choices sheet, or fill in the "
        "choices sheet of the school workbook and import it again.",
    ),
    "choices.ui.upload": (
        "上传选课志愿表（.xlsx 或 .csv）",
        "Upload a choices sheet (.xlsx or .csv)",
    ),
    "choices.ui.upload_help": (
        "一行一个志愿：学生编号、班级编号、活动编号、志愿顺序、优先（可空），与学校数据工作簿的"
        "“选课志愿”表相同（模板中有示例）。",
        "One row per choice: student_id, group_id, activity_id, rank, priority (may be "
        "blank), as in the school workbook's choices sheet (the template has an example).",
    ),
    "choices.ui.upload_invalid": (
        "上传的选课志愿有 {n} 个错误，请改正后重新上传（见下表：工作表、行、列、值）",
        "The uploaded choices have {n} error(s): correct them and upload again (see the "
        "table: sheet, row, column, value)",
    ),
    "choices.ui.upload_ok": ("已从 {name} 读入 {n} 条志愿", "Read {n} choices from {name}"),
    "choices.ui.method": ("分配方式", "Method"),
    "choices.ui.seed": ("随机种子（抽签和同等情况下的先后）", "Seed (the lottery and tie-breaks)"),
    "choices.ui.method_help": (
        "优化分配：先让尽量多的学生（优先录取的学生在前）得到第一志愿，再第二志愿……，同等情况"
        "按随机种子抽签决定；随机抽签和先到先得同时运行，用于对比。",
        "Optimal: as many students as possible get their 1st choice (priority students "
        "first), then their 2nd, ...; ties are broken by a seeded lottery. The lottery and "
        "first come, first served run as well, for comparison.",
    ),
    "choices.ui.run": ("分配", "Allocate"),
    "choices.ui.running": ("正在分配……", "Allocating…"),
    "choices.ui.step": ("{method}：第 {done}/{total} 步", "{method}: step {done}/{total}"),
    "choices.ui.live": ("本次分配结果（尚未保存）", "This allocation (not saved yet)"),
    "choices.ui.stored": (
        "已保存的社团录取结果：第 {version} 版",
        "Stored club allocation: version {version}",
    ),
    "choices.ui.none_stored": ("还没有保存的社团录取结果。", "No club allocation stored yet."),
    "choices.ui.compare": (
        "三种方式对比（同一随机种子）",
        "The three methods side by side (same seed)",
    ),
    "choices.ui.share": ("比例", "share"),
    "choices.ui.percent_note": ("表中比例为百分数。", "Shares in the tables are percentages."),
    "choices.ui.col.name": ("名称", "name"),
    "choices.ui.dl.enrolments.csv": ("下载录取名单 enrolments.csv", "Download enrolments.csv"),
    "choices.ui.dl.letters.xlsx": (
        "下载致家长通知（Excel，可打印）",
        "Download letters (Excel, printable)",
    ),
    "choices.ui.dl.letters.csv": ("下载致家长通知（CSV）", "Download letters (CSV)"),
    "choices.ui.dl.summary.md": ("下载结果摘要 summary.md", "Download summary.md"),
    "choices.ui.joint": (
        "同时安排社团时段并排出周课表（联合安排，仅优化分配）",
        "Choose the club slots too and make the week (joint; optimal method only)",
    ),
    "choices.ui.joint_help": (
        "社团时段与名额一起安排：学生选报的社团不会与其班级的集体活动或其另一个社团同时段，分配结果一定有经过检查的周课表。用时不超过排课页面设定的时间上限。",
        "Slots and places together: no student's club falls at a slot of their class's whole-class activity or of their other club, and the allocation comes with a checked week. Takes at most the Schedule page's time limit.",
    ),
    "choices.ui.week_ok": (
        "已排出经过检查的周课表（{sessions} 节）。",
        "A checked week was found ({sessions} sessions).",
    ),
    "choices.ui.week_none": (
        "没有排出周课表：{status}。可以只保存录取结果。",
        "No week was found: {status}. The allocation alone can still be saved.",
    ),
    "choices.ui.save_joint": ("保存录取结果和周课表", "Save the allocation and the week"),
    "choices.ui.saved_joint": (
        "社团录取结果已保存为第 {version} 版，周课表为第 {week} 版",
        "Club allocation saved as version {version}, the week as version {week}",
    ),
    "choices.ui.save": ("保存录取结果", "Save the allocation"),
    "choices.ui.save_schedule": ("保存并用此结果排课", "Save and schedule with it"),
    "choices.ui.saved": (
        "社团录取结果已保存为第 {version} 版",
        "Club allocation saved as version {version}",
    ),
    "choices.ui.schedule": ("用此录取结果排课", "Schedule with this allocation"),
    "choices.ui.outdated": (
        "此录取结果基于较早的学校数据，学校数据此后已更改：请重新分配后再排课。",
        "This allocation was made from older school data, which has changed since: "
        "allocate again before scheduling with it.",
    ),
}
