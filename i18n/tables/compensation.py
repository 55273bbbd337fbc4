"""Strings of the compensation engine (subsidies, scores, payroll)."""

TEXT = {
    # Errors: budget and rules
    "comp.budget.floors": (
        "保底金额超出预算：保底合计 {floors} 元，可分配 {available} 元，缺口 {shortfall} 元。"
        "请增加预算或降低每课时保底。",
        "The floors exceed the budget: floors total {floors} yuan, {available} yuan available, "
        "short by {shortfall} yuan. Raise the budget or lower the per-hour floor.",
    ),
    "comp.budget.caps": (
        "封顶金额低于预算：封顶合计 {caps} 元，可分配 {available} 元，{surplus} 元无法发放。"
        "请提高封顶或减少预算。",
        "The caps are below the budget: caps total {caps} yuan, {available} yuan available, "
        "{surplus} yuan cannot be paid. Raise the caps or lower the budget.",
    ),
    "comp.budget.allowances": (
        "津贴合计 {allowances} 元已超出预算 {shortfall} 元。",
        "Allowances of {allowances} yuan exceed the budget by {shortfall} yuan.",
    ),
    "comp.budget.no_hours": (
        "没有任何已上课时，预算 {available} 元无法按课时分配。",
        "No delivered class hours: the budget of {available} yuan cannot be split by hours.",
    ),
    "comp.budget.rounding": (
        "分配取整失败（剩余 {left} 分）。",
        "Rounding could not place {left} fen.",
    ),
    "comp.budget.negative": (
        "预算不能为负数：{budget} 元。",
        "The budget cannot be negative: {budget} yuan.",
    ),
    "comp.lp.infeasible": (
        "线性规划无可行解：在保底、封顶和预算下无法满足规则（{rules}）。",
        "The linear programme has no solution: the rules ({rules}) cannot hold within the "
        "floors, caps and budget.",
    ),
    "comp.scheme.unknown": (
        "未知的分配方案：{scheme}（可选 {allowed}）。",
        "Unknown scheme: {scheme} ({allowed}).",
    ),
    "comp.input.duplicate_teacher": (
        "教师 {teacher} 出现了两次。",
        "Teacher {teacher} appears twice.",
    ),
    "comp.input.negative_hours": ("课时不能为负数。", "Class hours cannot be negative."),
    "comp.term.unknown": (
        "无法识别学期 {term}：请在政策文件 [term] 中写明 id、start、end（如 2025-autumn）。",
        "Unknown term {term}: give id, start and end in the policy's [term] table "
        "(e.g. 2025-autumn).",
    ),
    "comp.file.missing": ("找不到文件：{path}", "File not found: {path}"),
    # Errors: policy
    "comp.policy.invalid": (
        "补助政策有误，请按下列提示修改。",
        "The subsidy policy is invalid; fix the items below.",
    ),
    "comp.policy.toml": (
        "政策文件 {file} 不是有效的 TOML：{error}",
        "Policy file {file} is not valid TOML: {error}",
    ),
    "comp.policy.unknown_key": (
        "未知的政策参数“{name}”。",
        "Unknown policy key '{name}'.",
    ),
    "comp.policy.bad.number": (
        "参数“{name}”应为数字，实际为“{got}”。",
        "Policy key '{name}' must be a number, got '{got}'.",
    ),
    "comp.policy.bad.int": (
        "参数“{name}”应为非负整数，实际为“{got}”。",
        "Policy key '{name}' must be a whole number, got '{got}'.",
    ),
    "comp.policy.bad.table": (
        "参数“{name}”应为“名称=数值”的列表，实际为“{got}”。",
        "Policy key '{name}' must be a list of name=number, got '{got}'.",
    ),
    "comp.policy.bad.rules": (
        "参数“{name}”应为规则列表，如“village>=town”，实际为“{got}”。",
        "Policy key '{name}' must list rules such as 'village>=town', got '{got}'.",
    ),
    "comp.policy.bad.term": (
        "参数“{name}”应包含 id、start、end 日期，实际为“{got}”。",
        "Policy key '{name}' needs id, start and end dates, got '{got}'.",
    ),
    "comp.policy.bad.mode": (
        "参数“{name}”应为 rate、fees 或 fixed，实际为“{got}”。",
        "Policy key '{name}' must be rate, fees or fixed, got '{got}'.",
    ),
    "comp.policy.share": (
        "参数“{name}”应为 0 到 1 之间的比例，实际为 {got}。",
        "Policy key '{name}' must be a share between 0 and 1, got {got}.",
    ),
    "comp.policy.negative": (
        "参数“{name}”不能为负数（或为零），实际为 {got}。",
        "Policy key '{name}' cannot be negative (or zero), got {got}.",
    ),
    "comp.policy.order": (
        "参数“{name}”（{got}）不能大于“{other}”。",
        "Policy key '{name}' ({got}) cannot exceed '{other}'.",
    ),
    "comp.policy.order_cap": (
        "参数“{name}”（{got}）不能低于“{other}”。",
        "Policy key '{name}' ({got}) cannot be below '{other}'.",
    ),
    "comp.policy.needs_budget": (
        "预算方式为 fixed 时必须填写 budget_yuan。",
        "budget_mode = fixed needs budget_yuan.",
    ),
    "comp.policy.weights": (
        "评价来源权重不能为负，且至少一个大于 0。",
        "Source weights cannot be negative and at least one must be above 0.",
    ),
    "comp.policy.term_order": (
        "学期结束日期早于开始日期。",
        "The term ends before it starts.",
    ),
    # Errors: evidence
    "comp.term.missing": (
        "未指定学期：请用 --term 或在政策文件 [term] 中写明。",
        "No term given: use --term or the policy's [term] table.",
    ),
    "comp.evidence.invalid": (
        "授课记录或评价数据有误，请按下列提示修改。",
        "The delivery log or evidence is invalid; fix the items below.",
    ),
    "comp.evidence.empty": (
        "没有任何已上课时：请提供课表或授课记录。",
        "No delivered class hours: give a schedule or a delivery log.",
    ),
    "comp.evidence.needs_hours": (
        "学校 {school} 既无课表也无授课记录，无法计算课时。",
        "School {school} has neither a schedule nor a delivery log: no hours to pay.",
    ),
    "comp.evidence.no_school": (
        "缺少学校编号：全县数据每行都要写学校编号。",
        "School id missing: county evidence needs a school id on every row.",
    ),
    "comp.evidence.unknown_school": (
        "{schools} 个学校编号不在本次计算的学校中（未选这些学校，或编号有误）：共 {count} 行不计入。",
        "{schools} school id(s) not among the schools of this run (not selected, or mistyped): {count} row(s) ignored.",
    ),
    "comp.evidence.unknown_teacher": (
        "该校没有这位教师，此行不计入。",
        "No such teacher in this school; this row is ignored.",
    ),
    "comp.log.outside_term": (
        "日期不在学期 {term} 内，此行不计入。",
        "Date outside term {term}; this row is ignored.",
    ),
    "comp.log.replaces_unknown": (
        "代课记录未写明被代课教师，且该节课计划有多位教师，无法判断替换了谁。",
        "Substitution without the replaced teacher, and the session had several planned "
        "teachers: cannot tell who was replaced.",
    ),
    "comp.log.no_length": (
        "无法确定课时长度：请填写开始/结束时间或有效的时段编号。",
        "Cannot tell the session's length: give start and end, or a known slot id.",
    ),
    "comp.ratings.source": (
        "未知的评价来源，可选：{choices}。",
        "Unknown rating source; configured: {choices}.",
    ),
    "comp.ratings.scale": (
        "满分只能是 5 或 100。",
        "The scale must be 5 or 100.",
    ),
    "comp.ratings.range": (
        "分数超出范围 {low}-{high}。",
        "Score outside {low}-{high}.",
    ),
    "comp.facts.range": (
        "比率应在 0-1 或 0-100% 之间。",
        "A rate must be within 0-1 or 0-100%.",
    ),
    # Explanations
    "comp.explain.source": ("{source}{score}({n}人)", "{source} {score} ({n} raters)"),
    "comp.explain.no_raters": ("{source}无评价(按校均值)", "{source} none (school mean)"),
    "comp.explain.shrunk": ("·人数或月份不足，已向校均值收缩", " shrunk toward the school mean"),
    "comp.rank.top10": ("位于全校前10%", "in the school's top 10%"),
    "comp.rank.top25": ("位于全校前25%", "in the school's top 25%"),
    "comp.rank.middle": ("位于全校前{pct}%", "in the school's top {pct}%"),
    "comp.rank.bottom25": ("位于全校后25%", "in the school's bottom 25%"),
    "comp.rank.bottom10": ("位于全校后10%", "in the school's bottom 10%"),
    "comp.reason.hour_only": (
        "按课时计酬：{hours}课时×每课时{rate}元",
        "Paid by hours only: {hours} class hours x {rate} yuan",
    ),
    "comp.reason.score": (
        "质量评分{score}，{rank}，系数{m}",
        "Quality score {score}, {rank}, multiplier {m}",
    ),
    "comp.reason.no_evidence": (
        "暂无质量评价，按本校平均计，系数{m}",
        "No quality evidence yet, counted at the school mean, multiplier {m}",
    ),
    "comp.reason.hours": ("{hours}课时×每课时{rate}元", "{hours} class hours x {rate} yuan"),
    "comp.reason.floor": (
        "已按保底每课时{floor}元发放",
        "raised to the floor of {floor} yuan per hour",
    ),
    "comp.reason.cap": ("已达每课时封顶{cap}元", "held at the cap of {cap} yuan per hour"),
    "comp.reason.allowance": ("另加津贴{allowance}元", "plus allowances of {allowance} yuan"),
    "comp.reason.total": ("合计{amount}元", "total {amount} yuan"),
    # Command line
    "comp.cli.no_school": ("找不到学校 {school}。", "School {school} not found."),
    "comp.cli.scope": ("请指定 --school 学校编号，或 --county。", "Give --school ID or --county."),
    "comp.cli.saved": (
        "已保存计算记录 #{run}（输入哈希 {hash}）",
        "Run #{run} stored (inputs hash {hash})",
    ),
}
