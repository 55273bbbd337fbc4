"""Strings of the scheduler: checker violations, reports, infeasibility explanations."""

TEXT = {
    # Checker violations
    "check.columns": ("排课文件缺少列：{columns}", "schedule file lacks columns: {columns}"),
    "check.unknown_slot": (
        "第{line}行：时段 {slot} 不存在",
        "line {line}: slot {slot} does not exist",
    ),
    "check.bad_row": (
        "第{line}行（{session}）：第几次或星期不是整数",
        "line {line} ({session}): session or day is not a whole number",
    ),
    "check.slot_mismatch": (
        "第{line}行（{session}）：星期或起止时间与时段 {slot} 不一致",
        "line {line} ({session}): day or times differ from slot {slot}",
    ),
    "check.unknown_teacher": ("教师 {teacher} 不存在", "teacher {teacher} does not exist"),
    "check.unknown_room": ("场地 {room} 不存在", "room {room} does not exist"),
    "check.inconsistent": (
        "第{line}行：同一课次 {session} 的活动、时段或场地前后不一致",
        "line {line}: session {session} has inconsistent activity, slot or room",
    ),
    "check.missing": (
        "{activity} 的第{session}次未安排",
        "session {session} of {activity} is missing",
    ),
    "check.unstaffed_held": (
        "{activity} 的第{session}次既列在 unstaffed.csv（未安排）中，又出现在课表中",
        "session {session} of {activity} is listed in unstaffed.csv (not held) and also held in the schedule",
    ),
    "check.duplicate_session": (
        "{activity} 的第{session}次出现了不止一次",
        "session {session} of {activity} appears more than once",
    ),
    "check.unexpected": (
        "{activity} 没有第{session}次，却被安排了",
        "{activity} has no session {session}, yet one is scheduled",
    ),
    "check.wrong_kind": (
        "{session} 的类型应为 {expected}，写成了 {kind}",
        "{session} should have kind {expected}, not {kind}",
    ),
    "check.wrong_slot": (
        "{session} 不在该班级的基础托管时段（{slot}）",
        "{session} is not at the class's basic slot ({slot})",
    ),
    "check.slot_not_allowed": (
        "{session} 安排在不允许的时段 {slot}",
        "{session} is at slot {slot}, which is not allowed",
    ),
    "check.teacher_twice": (
        "{session} 中同一位老师出现两次",
        "{session} lists the same teacher twice",
    ),
    "check.staff_count": (
        "{session} 需要{need}位老师，实际{have}位",
        "{session} needs {need} teacher(s), has {have}",
    ),
    "check.same_day": (
        "{activity} 有两次安排在星期{day}同一天",
        "{activity} has two sessions on day {day}",
    ),
    "check.index_order": (
        "{activity} 的课次编号与时间顺序不符",
        "session numbers of {activity} are not in time order",
    ),
    "check.unavailable": (
        "老师 {teacher} 在时段 {slot} 不可用，却被安排",
        "teacher {teacher} is unavailable at slot {slot} but scheduled",
    ),
    "check.opted_out": (
        "老师 {teacher} 未自愿参加，却被安排了 {session}",
        "teacher {teacher} opted out but has {session}",
    ),
    "check.unqualified": (
        "老师 {teacher} 不具备 {skill} 技能，却被安排了 {session}",
        "teacher {teacher} lacks skill {skill} for {session}",
    ),
    "check.fixed_teacher": (
        "{session} 必须由指定教师 {teacher} 带领",
        "{session} must be led by its fixed teacher {teacher}",
    ),
    "check.double_booked": (
        "老师 {teacher} 在时段 {slot} 同时有多节：{sessions}",
        "teacher {teacher} is double-booked at slot {slot}: {sessions}",
    ),
    "check.max_per_day": (
        "老师 {teacher} 星期{day}有{count}节，超过每日上限{limit}",
        "teacher {teacher} has {count} sessions on day {day}, above the daily limit {limit}",
    ),
    "check.max_per_week": (
        "老师 {teacher} 每周{count}节，超过每周上限{limit}",
        "teacher {teacher} has {count} sessions a week, above the weekly limit {limit}",
    ),
    "check.room_small": (
        "场地 {room} 容量{capacity}，坐不下 {session} 的{students}人",
        "room {room} seats {capacity}, too few for the {students} students of {session}",
    ),
    "check.not_home_room": (
        "{session} 应在本班教室 {home}，却在 {room}",
        "{session} should be in its home room {home}, not {room}",
    ),
    "check.room_type": (
        "{session} 需要 {expected} 类场地，{room} 是 {type}",
        "{session} needs a {expected} room; {room} is a {type}",
    ),
    "check.room_clash": (
        "场地 {room} 在时段 {slot} 同时有多项：{sessions}",
        "room {room} holds several sessions at slot {slot}: {sessions}",
    ),
    "check.class_clash": (
        "班级 {group} 在时段 {slot} 同时有：{things}",
        "class {group} has several things at slot {slot}: {things}",
    ),
    "check.student_clash": (
        "学生 {student} 在时段 {slot} 同时报了：{things}",
        "student {student} has several activities at slot {slot}: {things}",
    ),
    "check.lock": (
        "第{lock}条锁定（{activity}）没有被遵守",
        "lock {lock} ({activity}) is not respected",
    ),
    "check.lock_row": (
        "锁定表第{row}行的锁定（{activity}）没有被遵守",
        "the lock on locks sheet row {row} ({activity}) is not respected",
    ),
}

TEXT.update(
    {
        # Counting checks
        "why.slot_staff": (
            "{slot}需要{need}位老师（基础托管和固定在该时段的活动），只有{have}位有空",
            "{slot} needs {need} teachers (basic care and clubs fixed there), only {have} are free",
        ),
        "why.slot_skill": (
            "{slot}需要{need}位具备{skill}技能的老师，只有{have}位有空",
            "{slot} needs {need} teachers with skill {skill}, only {have} are free",
        ),
        "why.too_few_days": (
            "活动“{name}”每周{k}次，但可选时段只分布在{days}天（同一活动一天最多一次）",
            "activity '{name}' meets {k} times a week but its allowed slots cover only {days} day(s) (one session a day at most)",
        ),
        "why.skill": (
            "活动“{name}”每次需要{staff}位具备{skill}技能的老师，自愿参加的只有{have}位",
            "activity '{name}' needs {staff} teacher(s) with skill {skill}; only {have} opted in",
        ),
        "why.skill_free": (
            "活动“{name}”每次需要{staff}位具备{skill}技能的老师，但任一可选时段最多只有{have}位有空",
            "activity '{name}' needs {staff} teacher(s) with skill {skill}, but at most {have} are free at any allowed slot",
        ),
        "why.fixed_opted_out": (
            "活动“{name}”的指定教师 {teacher} 不存在或未自愿参加",
            "the fixed teacher {teacher} of '{name}' does not exist or opted out",
        ),
        "why.fixed_unavailable": (
            "活动“{name}”的指定教师{teacher}在所有可选时段都不可用",
            "the fixed teacher {teacher} of '{name}' is unavailable at every allowed slot",
        ),
        "why.fixed_over_week": (
            "{teacher}被指定带{n}次活动，超过每周上限{limit}次",
            "{teacher} is fixed on {n} sessions, above the weekly limit {limit}",
        ),
        "why.skill_any": (
            "活动“{name}”每次需要{staff}位老师（不限技能），自愿参加的只有{have}位",
            "activity '{name}' needs {staff} teacher(s) (any skill); only {have} opted in",
        ),
        "why.skill_free_any": (
            "活动“{name}”每次需要{staff}位老师（不限技能），但任一可选时段最多只有{have}位有空",
            "activity '{name}' needs {staff} teacher(s) (any skill), but at most {have} are free at any allowed slot",
        ),
        "why.no_rooms": (
            "学校数据中没有任何场地（“场地/rooms”表为空或缺失），而每次托管和活动都需要场地",
            "the school lists no rooms (the rooms sheet is empty or missing), but every session needs one",
        ),
        "why.no_room_any": (
            "活动“{name}”需要能容纳{seats}人的场地（不限类型），学校没有",
            "activity '{name}' needs a room (any type) seating {seats}; the school has none",
        ),
        "why.no_room": (
            "活动“{name}”需要能容纳{seats}人的{type}场地，学校没有",
            "activity '{name}' needs a {type} room seating {seats}; the school has none",
        ),
        "why.home_room_small": (
            "班级{group}的教室“{room}”只有{capacity}个座位，托管人数为{students}",
            "class {group}'s home room '{room}' seats {capacity}, but {students} stay for basic care",
        ),
        "why.no_classroom": (
            "班级{group}没有本班教室，也没有能容纳{students}人的普通教室",
            "class {group} has no home room and no classroom seats {students}",
        ),
        "why.room_type_busy": (
            "需要{type}场地的活动每周共{need}次，而这类场地每周最多只能安排{have}次",
            "clubs needing a {type} room meet {need} times a week; such rooms allow at most {have}",
        ),
        "why.week_budget": (
            "全校每周需要{need}人次老师，所有老师按上限和空闲时段最多只能提供{have}人次",
            "the school needs {need} teacher-sessions a week; its teachers can give at most {have}",
        ),
        "why.day_budget": (
            "{day}基础托管需要{need}人次老师，当天最多只能提供{have}人次",
            "basic care on {day} needs {need} teacher-sessions; at most {have} are possible that day",
        ),
        "why.class_busy": (
            "班级{group}的整班活动“{name}”每周{k}次，但避开本班托管后只剩{days}天可排",
            "class {group}'s whole-class activity '{name}' meets {k} times a week, but only {days} day(s) remain outside its basic care",
        ),
        "why.lock_slot": (
            "第{n}条锁定把{activity}锁在{slot}，但该时段不允许",
            "lock {n} puts {activity} at {slot}, which it may not use",
        ),
        "why.lock_slot_row": (
            "锁定表第{row}行把{activity}锁在{slot}，但该时段不允许",
            "the lock on locks sheet row {row} puts {activity} at {slot}, which it may not use",
        ),
        "why.lock_teacher_row": (
            "锁定表第{row}行指定{teacher}带{activity}，但该老师不能带（未参加、不可用或不具备技能）",
            "the lock on locks sheet row {row} names {teacher} for {activity}, who cannot take it (opted out, unavailable or unqualified)",
        ),
        "why.lock_teacher": (
            "第{n}条锁定指定{teacher}带{activity}，但该老师不能带（未参加、不可用或不具备技能）",
            "lock {n} names {teacher} for {activity}, who cannot take it (opted out, unavailable or unqualified)",
        ),
        # Conflicting rules found by the solver
        "why.rule_basic_staff": (
            "{slot}的基础托管需要{need}位老师",
            "basic care at {slot} needs {need} teachers",
        ),
        "why.rule_rooms": ("{slot}的场地数量有限", "rooms at {slot} are limited"),
        "why.rule_room": (
            "场地“{room}”每个时段只能安排一项",
            "room '{room}' holds one session per slot",
        ),
        "why.rule_teacher_day": (
            "{teacher}每天最多{limit}节",
            "{teacher} takes at most {limit} session(s) a day",
        ),
        "why.rule_teacher_week": (
            "{teacher}每周最多{limit}节",
            "{teacher} takes at most {limit} session(s) a week",
        ),
        "why.rule_held": (
            "活动“{name}”每周要上{k}次",
            "activity '{name}' must meet {k} times a week",
        ),
        "why.rule_one_per_day": (
            "活动“{name}”一天最多一次",
            "activity '{name}' meets at most once a day",
        ),
        "why.rule_staff": (
            "活动“{name}”每次需要{staff}位合格老师",
            "activity '{name}' needs {staff} qualified teacher(s) each time",
        ),
        "why.rule_fixed": (
            "活动“{name}”必须由指定教师带",
            "activity '{name}' must be led by its fixed teacher",
        ),
        "why.rule_lock_room": (
            "活动“{name}”被锁定的场地不合适",
            "the locked room of '{name}' does not fit it",
        ),
        "why.rule_students": (
            "报名学生不能同时参加：{names}",
            "enrolled students cannot attend both: {names}",
        ),
        "why.rule_lock": ("第{n}条锁定（{activity}）", "lock {n} ({activity})"),
        "why.rule_lock_row": (
            "锁定表第{row}行的锁定（{activity}）",
            "the lock on locks sheet row {row} ({activity})",
        ),
        "why.rule_class": (
            "班级{group}每个时段只能参加一项",
            "class {group} attends one thing per slot",
        ),
        "why.rule_home_room": (
            "班级{group}必须在本班教室托管",
            "class {group} has basic care in its home room",
        ),
        "why.conflict": ("以下规则不能同时满足：", "These rules cannot all hold together:"),
        "why.none": (
            "没有找到明确原因（求解在时限内未能证明）",
            "no clear reason found (the solver could not decide within the time limit)",
        ),
    }
)

TEXT.update(
    {
        "repair.basic_name": ("{group}班基础托管", "basic care of class {group}"),
        "repair.moved": (
            "{activity} 从 {before} 调到 {after}",
            "{activity} moved from {before} to {after}",
        ),
        "repair.teachers": (
            "{activity} 的老师由 {before} 换成 {after}",
            "{activity}: teachers {before} replaced by {after}",
        ),
        "repair.room": (
            "{activity} 的场地由 {before} 换成 {after}",
            "{activity}: room {before} replaced by {after}",
        ),
        "repair.added": ("新增 {activity}，安排在 {after}", "{activity} added at {after}"),
        "repair.removed": ("{activity} 在 {before} 的一次被取消", "{activity} at {before} removed"),
    }
)
