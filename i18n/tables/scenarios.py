"""Strings of the bureau's what-if scenarios (levers, runs, reports)."""

TEXT = {
    # Scenario file errors
    "scen.invalid": ("方案文件有 {count} 处错误。", "The scenario has {count} error(s)."),
    "scen.file.missing": ("找不到方案文件：{path}", "Scenario file not found: {path}"),
    "scen.file.toml": (
        "方案文件 {path} 不是有效的 TOML：{error}",
        "Scenario file {path} is not valid TOML: {error}",
    ),
    "scen.unknown_table": (
        "未知的表 [{name}]；可用：{allowed}",
        "Unknown table [{name}]; allowed: {allowed}",
    ),
    "scen.unknown_key": (
        "未知的参数 {name}；可用：{allowed}",
        "Unknown key {name}; allowed: {allowed}",
    ),
    "scen.bad.number": ("{name} 应为数字。", "{name} must be a number."),
    "scen.bad.share": (
        "{name} 应为 0 到 1 之间的比例。",
        "{name} must be a share between 0 and 1.",
    ),
    "scen.bad.int_range": (
        "{name} 应为 {lo} 到 {hi} 之间的整数。",
        "{name} must be a whole number from {lo} to {hi}.",
    ),
    "scen.bad.keys": (
        "{name} 含未知项 {keys}；可用：{allowed}",
        "{name} has unknown entries {keys}; allowed: {allowed}",
    ),
    "scen.bad.text": ("{name} 应为非空文字。", "{name} must be non-empty text."),
    "scen.bad.stages": (
        "{name} 应为学段列表，可用：{allowed}",
        "{name} must be a list of stages from: {allowed}",
    ),
    "scen.bad.choice": ("{name} 只能取：{allowed}", "{name} must be one of: {allowed}"),
    "scen.bad.table": (
        "{name} 应为表（{{ 键 = 值 }}）。",
        "{name} must be a table ({{ key = value }}).",
    ),
    "scen.bad.negative": (
        "{name} 不能为负数（也不能为零）。",
        "{name} must not be negative (nor zero).",
    ),
    "scen.bad.bool": ("{name} 应为 true 或 false。", "{name} must be true or false."),
    "scen.bad.term_id": (
        "{name}：无法识别的学期编号（如 2025-autumn、2026春）。",
        "{name}: unknown term id (e.g. 2025-autumn, 2026春).",
    ),
    "scen.bad.term_dates": (
        "{name}：start / end 应为日期，且结束不早于开始。",
        "{name}: start / end must be dates, end not before start.",
    ),
    "scen.high_needs_sessions": (
        "学段包含高中时，{name} 必须大于 0。",
        "With high school among the stages, {name} must be above 0.",
    ),
    "scen.cap_below_floor": (
        "{name} 不能低于 subsidy.floor_per_hour_yuan。",
        "{name} cannot be below subsidy.floor_per_hour_yuan.",
    ),
    # Command line
    "scen.cli.help": (
        "教育局“如果……会怎样”方案：运行与比较。",
        "The bureau's what-if scenarios: run and compare.",
    ),
    "scen.cli.run.help": (
        "对全县每所学校按方案排课并计算经费，输出报告。",
        "Schedule every school of the county under a scenario, price it, write a report.",
    ),
    "scen.cli.compare.help": (
        "并排比较多个方案运行结果，输出报告。",
        "Compare several scenario runs side by side, write a report.",
    ),
    "scen.cli.reading": ("读取 {path} ……", "Reading {path} ..."),
    "scen.cli.schools": (
        "{n} 所学校，方案：{name}，引擎：{engine}（{workers} 个进程）",
        "{n} schools, scenario: {name}, engine: {engine} ({workers} workers)",
    ),
    "scen.cli.progress": (
        "[{done}/{total}] {school} {status} {seconds:.2f}s{cached}",
        "[{done}/{total}] {school} {status} {seconds:.2f}s{cached}",
    ),
    "scen.cli.cached": (" （缓存）", " (cached)"),
    "scen.cli.done": (
        "完成：求解 {solved}，缓存 {cached}，失败 {failed}，用时 {seconds:.1f} 秒。",
        "Done: {solved} solved, {cached} from the cache, {failed} failed, {seconds:.1f} s.",
    ),
    "scen.cli.failed_school": (
        "失败：{school}（{step}）{reason}",
        "Failed: {school} ({step}) {reason}",
    ),
    "scen.cli.written": ("已写入 {path}", "Written: {path}"),
    "scen.cli.evidence_missing": (
        "找不到评价数据 {path}（--evidence 应为评价工作簿或 CSV 文件夹）。",
        "Evidence not found: {path} (--evidence takes an evidence workbook or CSV folder).",
    ),
    "scen.cli.evidence_bad": (
        "评价数据 {source} 有 {errors} 处错误，未开始测算。请改正后重试。",
        "The evidence in {source} has {errors} error(s); nothing was run. Correct it and retry.",
    ),
    "scen.cli.evidence_ignored": (
        "县文件夹中的评价数据 {source} 有 {errors} 处错误，未采用：所有教师按中性评分计。",
        "The county folder's evidence {source} has {errors} error(s) and is not used: "
        "every teacher counts at a neutral score.",
    ),
    "scen.cli.evidence_used": ("质量评分依据：{source}", "Quality scores from: {source}"),
    "scen.cli.no_run": (
        "{path} 不是方案运行结果文件夹（缺少 summary.json）。",
        "{path} is not a scenario run folder (no summary.json).",
    ),
    "scen.cli.no_schools": ("{path} 中没有可读取的学校。", "No readable school in {path}."),
    "scen.cli.dask_missing": (
        "未安装 Dask：请执行 uv sync --extra dask（或 pip install 'afterschool[dask]'）。",
        "Dask is not installed: run uv sync --extra dask (or pip install 'afterschool[dask]').",
    ),
    # Report: titles and sections
    "scen.report.title": ("课后服务方案测算报告", "After-school service scenario report"),
    "scen.report.compare_title": ("课后服务方案比较", "After-school service scenarios compared"),
    "scen.report.scenario": ("方案", "Scenario"),
    "scen.report.term": ("学期", "Term"),
    "scen.report.key_figures": ("主要指标", "Key figures"),
    "scen.report.by_stage": ("按学段", "By stage"),
    "scen.report.by_location": ("按城乡", "By location"),
    "scen.report.schools": ("各校", "Schools"),
    "scen.report.unstaffed": ("无法安排教师的课次", "Sessions that could not be staffed"),
    "scen.report.failures": ("未能计算的学校", "Schools that could not be computed"),
    "scen.report.levers": ("方案参数", "Levers"),
    "scen.report.none": ("无", "None"),
    "scen.report.failures_note": (
        "{n} 所学校未能计算，未计入合计。",
        "{n} school(s) could not be computed and are not in the totals.",
    ),
    "scen.report.gap_note": (
        "高中教师每课时补贴 {high} 元，义务教育阶段 {compulsory} 元，差距 {gap} 元；经费缺口 {fund} 元（正数为县财政需补足的金额）。",
        "High-school teachers get {high} yuan per class hour, compulsory-school teachers {compulsory}: a gap of {gap}; funding gap {fund} yuan (positive: what the county must find).",
    ),
    "scen.report.method": (
        "说明：学时为钟点小时，补贴按课时（{minutes} 分钟）计；高中自习按次补贴（每人每次 {rate} 元，即该次的全部报酬），其时长按课时计入，用于比较每课时补贴；学期合计按学期内每个上课日重复周课表（节假日除外）。补贴由补助模块按所选方案在各校（线性规划方案为全县）分配，精确到分。经费缺口 = 教师补贴 + 留作运行经费的收费 − 收费 − 财政补助。",
        "Notes: student- and teacher-hours are clock hours; pay is per class hour ({minutes} min); a high-school self-study session is paid {rate} yuan per teacher, its whole pay, and its time counts in class hours so pay per class hour compares like with like; term figures repeat the weekly plan on every service date of the term (holidays skipped). The compensation module splits each school's money (the county's, for the LP scheme) with the chosen scheme, to the fen. Funding gap = teacher pay + fees kept for running costs - fees - public top-up.",
    ),
    "scen.report.quality.evidence": (
        "补贴方案：{scheme}。质量评分采用评价数据（{source}）：{total} 名教师中 {n} 名有评价，其余按本校平均分计（系数 1.00）。",
        "Subsidy scheme: {scheme}. Quality scores use the evidence in {source}: {n} of {total} teachers have evidence; the others count at their school's mean (multiplier 1.00).",
    ),
    "scen.report.quality.neutral": (
        "补贴方案：{scheme}。没有评价数据（县文件夹中无 evidence/ 或 evidence.xlsx，也未用 --evidence 指定），所有教师按中性评分计（本校平均分，系数 1.00），因此质量加权与线性规划方案与按课时分配基本相同（保底、封顶与县级规则除外）。",
        "Subsidy scheme: {scheme}. There is no quality evidence (no evidence/ or evidence.xlsx in the county folder, none given with --evidence), so every teacher counts at a neutral score (the school mean, multiplier 1.00): quality-weighted and LP pay then equal hour-only pay except for floors, caps and county rules.",
    ),
    "scen.report.quality.invalid": (
        "补贴方案：{scheme}。评价数据（{source}）有 {errors} 处错误，未采用；所有教师按中性评分计（系数 1.00）。请用补助页面或 afterschool subsidies 命令检查评价数据。",
        "Subsidy scheme: {scheme}. The evidence in {source} has {errors} error(s) and was not used; every teacher counts at a neutral score (multiplier 1.00). Check the evidence with the subsidies page or command.",
    ),
    "scen.scheme.hour_only": ("按课时（现行做法）", "hour-only (today's practice)"),
    "scen.scheme.quality": ("质量加权", "quality-weighted"),
    "scen.scheme.lp": ("线性规划（全县统筹）", "linear programme (county pool)"),
    # Charts
    "scen.chart.hourly_by_stage": (
        "各学段教师每课时平均补贴（元）",
        "Average subsidy per class hour by stage (yuan)",
    ),
    "scen.chart.hourly_by_location": (
        "城乡教师每课时平均补贴（元）",
        "Average subsidy per class hour by location (yuan)",
    ),
    "scen.chart.money": (
        "经费：收入、支出与缺口（元/学期）",
        "Money: income, cost and gap (yuan per term)",
    ),
    "scen.chart.coverage": (
        "服务覆盖率（已安排学时 / 需求学时）",
        "Coverage (student-hours served / demanded)",
    ),
    "scen.chart.load": (
        "教师每周课后服务工作量（小时/人）",
        "Teacher load per week (hours per participating teacher)",
    ),
    "scen.chart.hours": (
        "教师工时：需求与可用（小时/周）",
        "Teacher-hours: needed and available (hours per week)",
    ),
    "scen.chart.unstaffed": ("无法安排教师的课次（按学校）", "Unstaffed sessions by school"),
    "scen.chart.family": ("家庭负担（元/生/学期）", "Family cost (yuan per pupil per term)"),
    "scen.chart.needed": ("需求", "needed"),
    "scen.chart.available": ("可用", "available"),
    # Metrics (column headers)
    "scen.col.metric": ("指标", "Metric"),
    "scen.col.value": ("数值", "Value"),
    "scen.col.stage": ("学段", "Stage"),
    "scen.col.location": ("城乡", "Location"),
    "scen.col.school_id": ("学校编号", "School id"),
    "scen.col.name": ("学校名称", "School"),
    "scen.col.town": ("乡镇", "Town"),
    "scen.col.school_stage": ("学校类型", "School type"),
    "scen.col.schools": ("学校数", "Schools"),
    "scen.col.classes": ("班级数", "Classes"),
    "scen.col.students": ("学生数", "Pupils"),
    "scen.col.students_enrolled": ("参加学生", "Pupils taking part"),
    "scen.col.enrolment_rate": ("学生参与率", "Pupil participation"),
    "scen.col.sessions_demand": ("每周课次（需求）", "Sessions a week (demanded)"),
    "scen.col.sessions_held": ("每周课次（已安排）", "Sessions a week (held)"),
    "scen.col.sessions_unstaffed": ("无法安排课次", "Unstaffed sessions"),
    "scen.col.teacher_sessions_missing": ("缺少教师人次", "Teacher-sessions missing"),
    "scen.col.unstaffed_share": ("未安排比例", "Share unstaffed"),
    "scen.col.student_hours_demand_week": (
        "学生学时/周（需求）",
        "Student-hours a week (demanded)",
    ),
    "scen.col.student_hours_served_week": (
        "学生学时/周（已安排）",
        "Student-hours a week (served)",
    ),
    "scen.col.coverage": ("覆盖率", "Coverage"),
    "scen.col.teacher_hours_needed_week": ("教师工时/周（需求）", "Teacher-hours a week (needed)"),
    "scen.col.teacher_hours_held_week": ("教师工时/周（已安排）", "Teacher-hours a week (held)"),
    "scen.col.teacher_hours_available_week": (
        "教师工时/周（可用）",
        "Teacher-hours a week (available)",
    ),
    "scen.col.need_ratio": ("需求/可用", "Needed / available"),
    "scen.col.teachers": ("教师数（校内）", "Teachers (own staff)"),
    "scen.col.teachers_opted_in": ("参与教师", "Teachers taking part"),
    "scen.col.teachers_active": ("有课教师", "Teachers with sessions"),
    "scen.col.load_hours_week": ("人均每周工时", "Hours a week per teacher"),
    "scen.col.max_teacher_hours_week": ("个人最高每周工时", "Most hours a week, one teacher"),
    "scen.col.class_hours_term": ("教师课时/学期", "Teacher class hours per term"),
    "scen.col.self_study_sessions_term": ("自习人次/学期", "Self-study teacher-sessions per term"),
    "scen.col.hourly_pay_yuan": ("每课时补贴（元）", "Pay per class hour (yuan)"),
    "scen.col.pay_per_teacher_yuan": ("人均补贴（元/学期）", "Pay per teacher (yuan/term)"),
    "scen.col.fees_yuan": ("收费（元）", "Fees (yuan)"),
    "scen.col.waived_yuan": ("减免（元）", "Fees waived (yuan)"),
    "scen.col.topup_yuan": ("财政补助（元）", "Public top-up (yuan)"),
    "scen.col.income_yuan": ("收入（元）", "Income (yuan)"),
    "scen.col.pay_yuan": ("教师补贴（元）", "Teacher pay (yuan)"),
    "scen.col.self_study_pay_yuan": ("其中高中自习补贴（元）", "Of which self-study pay (yuan)"),
    "scen.col.running_yuan": ("运行经费（元）", "Running costs (yuan)"),
    "scen.col.cost_yuan": ("支出（元）", "Cost (yuan)"),
    "scen.col.gap_yuan": ("经费缺口（元）", "Funding gap (yuan)"),
    "scen.col.family_cost_per_student_yuan": (
        "家庭负担（元/生/学期）",
        "Family cost (yuan/pupil/term)",
    ),
    "scen.col.hourly_pay_high_yuan": (
        "高中每课时补贴（元）",
        "High school: pay per class hour (yuan)",
    ),
    "scen.col.hourly_pay_compulsory_yuan": (
        "义务教育每课时补贴（元）",
        "Compulsory: pay per class hour (yuan)",
    ),
    "scen.col.high_pay_gap_yuan": (
        "高中与义务教育每课时差距（元）",
        "High minus compulsory, per class hour (yuan)",
    ),
    "scen.col.load_hours_week_high": (
        "高中教师人均每周工时",
        "High school: hours a week per teacher",
    ),
    "scen.col.load_hours_week_compulsory": (
        "义务教育教师人均每周工时",
        "Compulsory: hours a week per teacher",
    ),
    "scen.col.high_load_gap_hours": (
        "高中与义务教育每周工时差",
        "High minus compulsory, hours a week",
    ),
    "scen.col.activity_id": ("活动编号", "Activity id"),
    "scen.col.activity": ("活动", "Activity"),
    "scen.col.session": ("第几次", "Session"),
    "scen.col.kind": ("类型", "Kind"),
    "scen.col.skill": ("所需技能", "Skill"),
    "scen.col.day": ("星期", "Day"),
    "scen.col.slot_id": ("时段", "Slot"),
    "scen.col.start": ("开始", "Start"),
    "scen.col.end": ("结束", "End"),
    "scen.col.missing": ("缺少教师", "Teachers short"),
    "scen.col.step": ("环节", "Step"),
    "scen.col.status": ("状态", "Status"),
    "scen.col.reason": ("原因", "Reason"),
    "scen.col.key": ("参数", "Key"),
    # Labels
    "scen.stage.primary": ("小学", "Primary"),
    "scen.stage.junior": ("初中", "Junior"),
    "scen.stage.high": ("高中", "High"),
    "scen.stage.nine_year": ("九年一贯制", "Nine-year"),
    "scen.location.urban": ("城区", "Urban"),
    "scen.location.town": ("乡镇", "Town"),
    "scen.location.village": ("村小/教学点", "Village"),
    "scen.kind.basic": ("基础托管", "basic care"),
    "scen.kind.extended": ("拓展", "club"),
    "scen.kind.self_study": ("自习", "self-study"),
    "scen.skill.any": ("（任何教师）", "(any teacher)"),
}
