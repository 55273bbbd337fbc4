"""Strings of the schedule exports (xlsx views, summary, calendars) and the scheduling commands."""

TEXT = {
    # Names used in the people's views
    "export.basic": ("基础托管", "Basic care"),
    "export.sheet.class": ("班级课表", "Classes"),
    "export.sheet.teacher": ("教师课表", "Teachers"),
    "export.sheet.room": ("场地课表", "Rooms"),
    "export.heading": ("{school}　{view}", "{school}: {view}"),
    "export.block.class": ("班级 {name}", "Class {name}"),
    "export.block.teacher": ("教师 {name}（{id}）", "Teacher {name} ({id})"),
    "export.block.room": ("场地 {name}（{id}）", "Room {name} ({id})"),
    "export.time": ("时间", "Time"),
    "export.calendar": ("{teacher} 的课后服务", "After-school service of {teacher}"),
    "export.session": ("课次", "Session"),
    "export.with": ("同组老师", "With"),
    # Summary
    "export.summary.title": ("排课摘要", "Schedule summary"),
    "export.summary.item": ("项目", "Item"),
    "export.summary.value": ("值", "Value"),
    "export.summary.status": ("状态", "Status"),
    "export.summary.objective": ("目标值", "Objective"),
    "export.summary.bound": ("下界", "Bound"),
    "export.summary.gap": ("差距", "Gap"),
    "export.summary.seconds": ("求解用时（秒）", "Solve time (s)"),
    "export.summary.first": ("首个可行解（秒）", "First solution (s)"),
    "export.summary.terms": ("目标分项", "Objective terms"),
    "export.summary.term": ("分项", "Term"),
    "export.summary.weight": ("权重", "Weight"),
    "export.summary.weighted": ("加权值", "Weighted"),
    "export.summary.size": ("规模与工作量", "Size and load"),
    "export.summary.sessions": (
        "课次（基础托管 / 拓展 / 自习）",
        "Sessions (basic / extended / self-study)",
    ),
    "export.summary.teacher_sessions": ("教师人次", "Teacher-sessions"),
    "export.summary.teachers_used": ("参与教师 / 自愿参加教师", "Teachers used / opted in"),
    "export.summary.load": (
        "自愿参加教师每周工作量（分钟，最少 / 最多）",
        "Weekly load of opted-in teachers (minutes, min / max)",
    ),
    "export.summary.unstaffed": ("未能配齐老师的课次", "Sessions not fully staffed"),
    "export.status.optimal": ("最优", "optimal"),
    "export.status.feasible": ("可行（未证明最优）", "feasible (not proven optimal)"),
    "export.status.infeasible": ("无解", "infeasible"),
    "export.status.time_limit": ("时限内未找到方案", "no solution within the time limit"),
    "export.term.spread": (
        "最忙与最闲老师的工作量差（分钟）",
        "load spread, busiest vs idlest teacher (min)",
    ),
    "export.term.fair_share": (
        "偏离平均工作量之和（分钟）",
        "total deviation from the fair share (min)",
    ),
    "export.term.homeroom": ("班主任未带本班托管的次数", "homeroom teachers not with their class"),
    "export.term.days": ("老师到岗天数之和", "teacher working days"),
    "export.term.external": (
        "非必要的外聘教师课次",
        "sessions led by external instructors not required",
    ),
    "export.term.adjacent_days": (
        "同一活动安排在相邻两天的次数",
        "sessions of one activity on consecutive days",
    ),
    "export.term.change": ("与原课表不同的安排", "assignments changed from the previous schedule"),
    # Commands
    "schedcli.schedule": (
        "读取学校数据工作簿，求解一周课后服务课表并导出",
        "Read a school workbook, solve its after-school week and export it",
    ),
    "schedcli.check": (
        "用独立检查器核对课表文件是否满足全部硬性规则",
        "Check a schedule file against every hard rule with the independent checker",
    ),
    "schedcli.repair": (
        "在修改后的工作簿上重排课表，尽量保留原课表",
        "Re-solve a changed workbook keeping as much of a previous schedule as possible",
    ),
    "schedcli.help.workbook": (
        "学校数据工作簿（.xlsx 或 CSV 文件夹）",
        "school workbook (.xlsx or CSV folder)",
    ),
    "schedcli.help.schedule_csv": ("排课结果文件 schedule.csv", "schedule file schedule.csv"),
    "schedcli.help.previous": ("原课表文件 schedule.csv", "previous schedule file schedule.csv"),
    "schedcli.help.out": ("输出文件夹", "output folder"),
    "schedcli.help.time_limit": ("求解时限（秒）", "solver time limit (seconds)"),
    "schedcli.help.seed": ("随机种子", "random seed"),
    "schedcli.help.workers": (
        "求解线程数，0 = 全部核心；1 时结果可复现",
        "solver workers, 0 = all cores; 1 gives reproducible results",
    ),
    "schedcli.help.weight": (
        "调整软约束权重，如 homeroom=50，可重复",
        "change a soft-preference weight, e.g. homeroom=50; repeatable",
    ),
    "schedcli.help.week_start": (
        "日历文件的周一日期 YYYY-MM-DD，默认下周一",
        "Monday of the calendar week, YYYY-MM-DD; default next Monday",
    ),
    "schedcli.help.partial": (
        "排不满时给出部分课表：配齐教师的课次写入 schedule.csv，其余写入 unstaffed.csv（缺几位教师）",
        "when not every session can be staffed, write a partial plan: fully staffed sessions "
        "in schedule.csv, the others in unstaffed.csv (how many teachers short)",
    ),
    "schedcli.partial": (
        "部分课表：{count} 个课次未能配齐教师（共缺 {missing} 人次），已列入 unstaffed.csv",
        "partial plan: {count} session(s) could not be staffed ({missing} teacher(s) short), "
        "listed in unstaffed.csv",
    ),
    "schedcli.help.store": (
        "把课表保存为数据库中的新版本",
        "store the schedule as a new version in the database",
    ),
    "schedcli.help.lang": ("表格视图的语言 zh|en", "language of the spreadsheet views, zh|en"),
    "schedcli.help.db": ("数据库地址（默认 DATABASE_URL）", "database URL (default DATABASE_URL)"),
    "schedcli.bad_weight": (
        "权重应写成 名称=非负整数，可用名称：{names}",
        "a weight is NAME=non-negative integer; names: {names}",
    ),
    "schedcli.bad_week": ("应为周一的日期 YYYY-MM-DD", "must be a Monday, YYYY-MM-DD"),
    "schedcli.bad_lang": ("语言只能是 zh 或 en", "language must be zh or en"),
    "schedcli.invalid": (
        "工作簿有 {errors} 个错误，无法排课",
        "the workbook has {errors} error(s); cannot schedule",
    ),
    "schedcli.solving": (
        "正在求解 {school}（时限 {limit} 秒，种子 {seed}，线程 {workers}）",
        "solving {school} (time limit {limit} s, seed {seed}, workers {workers})",
    ),
    "schedcli.progress_head": ("用时(秒)  当前最优  下界", "elapsed(s)  best  bound"),
    "schedcli.solved": (
        "求解结束：{status}，目标值 {objective}，下界 {bound}，用时 {seconds} 秒",
        "solve finished: {status}, objective {objective}, bound {bound}, {seconds} s",
    ),
    "schedcli.infeasible": (
        "无法排出满足全部规则的课表，原因如下：",
        "no schedule satisfies every rule, because:",
    ),
    "schedcli.no_reason": ("没有找到明确原因", "no clear reason was found"),
    "schedcli.time_limit": (
        "在 {limit} 秒内没有找到可行课表；请放宽时限（--time-limit）后重试",
        "no schedule was found within {limit} s; try again with a longer --time-limit",
    ),
    "schedcli.solver_failed": ("求解器异常结束：{status}", "the solver ended abnormally: {status}"),
    "schedcli.written": ("已写出 {path}", "wrote {path}"),
    "schedcli.check_ok": (
        "独立检查通过：{sessions} 个课次满足全部硬性规则",
        "independent check passed: {sessions} sessions obey every hard rule",
    ),
    "schedcli.check_failed": (
        "独立检查发现 {count} 处违规",
        "independent check found {count} violation(s)",
    ),
    "schedcli.not_stored": (
        "课表未通过检查，未保存到数据库",
        "the schedule failed the check and was not stored",
    ),
    "schedcli.school_imported": (
        "已把工作簿导入为学校 {school_id} 的第 {version} 版",
        "imported the workbook as version {version} of school {school_id}",
    ),
    "schedcli.stored": (
        "已保存为学校 {school_id} 的第 {version} 版课表（学校数据第 {school_version} 版）",
        "stored as schedule version {version} of school {school_id} (school data version {school_version})",
    ),
    "schedcli.excused": (
        "{file} 列出了 {count} 个未配齐的课次，检查时不算缺课",
        "{file} lists {count} unstaffed session(s); they do not count as missing",
    ),
    "schedcli.bad_schedule": (
        "无法读取课表文件：{detail}",
        "cannot read the schedule file: {detail}",
    ),
    "schedcli.changes": (
        "与原课表相比有 {count} 处变化：",
        "{count} change(s) from the previous schedule:",
    ),
    "schedcli.no_changes": ("与原课表相比没有变化", "no change from the previous schedule"),
}
