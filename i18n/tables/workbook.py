"""Strings of the workbook door: reader problems, template notes, `validate` / `template`."""

TEXT = {
    # --- files
    "wb.file.not_found": ("找不到文件或文件夹", "file or folder not found"),
    "wb.file.empty_file": (
        "文件是空的（0 字节），请重新从 Excel 保存为 .xlsx",
        "the file is empty (0 bytes); save it again from Excel as .xlsx",
    ),
    "wb.file.xls": (
        "这是旧版 .xls 或加密的工作簿，请在 Excel 中另存为 .xlsx（不设密码）",
        "this is an old .xls or a password-protected workbook; save it as .xlsx without a password",
    ),
    "wb.file.not_xlsx": (
        "这不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件",
        "this is not an Excel workbook (.xlsx); perhaps another file renamed to .xlsx",
    ),
    "wb.file.corrupt": (
        "工作簿已损坏，无法打开（{reason}）",
        "the workbook is damaged and cannot be opened ({reason})",
    ),
    "wb.file.no_data": (
        "工作簿是空的：没有任何工作表或数据",
        "the workbook is empty: no sheets or data",
    ),
    "wb.file.encoding": (
        "CSV 文件编码无法识别：第 {line} 行（字节位置 {offset}）有无效字节；"
        "请另存为 UTF-8 或 GB18030/GBK",
        "the CSV file's encoding cannot be read: invalid byte on line {line} (byte offset "
        "{offset}); save it as UTF-8 or GB18030/GBK",
    ),
    "wb.file.csv_error": (
        "CSV 文件无法解析（{reason}）",
        "the CSV file cannot be parsed ({reason})",
    ),
    "wb.file.no_csv": (
        "文件夹中没有 CSV 文件",
        "the folder holds no CSV files",
    ),
    "wb.file.single_csv": (
        "一个学校的数据需要一个工作簿或一个装有多个 CSV 文件的文件夹，而不是单个 CSV 文件",
        "a school needs a workbook or a folder of CSV files, not a single CSV file",
    ),
    "wb.file.bad_zip": (
        "压缩包已损坏，无法打开",
        "the zip archive is damaged and cannot be opened",
    ),
    "wb.file.too_large": (
        "文件 {name} 有 {megabytes} MB，超过上限 {max_megabytes} MB",
        "the file {name} is {megabytes} MB, above the limit of {max_megabytes} MB",
    ),
    "wb.zip.too_many": (
        "压缩包内有 {members} 个条目，超过上限 {max_members} 个，拒绝读取",
        "the archive holds {members} entries, above the limit of {max_members}; refused",
    ),
    "wb.zip.too_big": (
        "压缩包解压后有 {megabytes} MB，超过上限 {max_megabytes} MB，拒绝读取",
        "the archive unpacks to {megabytes} MB, above the limit of {max_megabytes} MB; refused",
    ),
    "wb.zip.ratio": (
        "压缩包中的 {entry} 压缩比为 {ratio}:1（上限 {max_ratio}:1），像是“压缩炸弹”，拒绝读取",
        "the entry {entry} is compressed {ratio}:1 (limit {max_ratio}:1), like a zip bomb; refused",
    ),
    "wb.folder.too_many": (
        "文件夹中的 CSV 文件超过 {max_files} 个，拒绝读取",
        "the folder holds more than {max_files} CSV files; refused",
    ),
    "wb.folder.too_big": (
        "文件夹中的 CSV 文件合计 {megabytes} MB，超过上限 {max_megabytes} MB，拒绝读取",
        "the folder's CSV files hold {megabytes} MB together, above the limit of "
        "{max_megabytes} MB; refused",
    ),
    "wb.zip.unsafe_path": (
        "压缩包中的 {entry} 路径不安全（含 .. 或绝对路径），拒绝读取",
        "the entry {entry} has an unsafe path (.. or an absolute path); refused",
    ),
    "wb.file.xml_entities": (
        "工作簿的 XML 中含有实体或 DTD 声明（Excel 从不写入），为安全起见拒绝读取",
        "the workbook's XML declares entities or a DTD (Excel never writes them); refused for safety",
    ),
    "wb.file.upload_type": (
        "请上传 .xlsx 工作簿，或一个装有 CSV 文件的 .zip 压缩包",
        "upload an .xlsx workbook or a .zip of CSV files",
    ),
    "wb.county.empty": (
        "文件夹中没有学校工作簿（.xlsx）或 CSV 文件夹",
        "the folder holds no school workbooks (.xlsx) or CSV folders",
    ),
    # --- sheets and headers
    "wb.sheet.missing": (
        "缺少必需的工作表 {name}",
        "required sheet {name} is missing",
    ),
    "wb.sheet.unknown": (
        "无法识别的工作表，已忽略",
        "unknown sheet, ignored",
    ),
    "wb.sheet.duplicate": (
        "工作表重复：已有同一张表 {first}，无法确定以哪一张为准；请只保留一张（删除或合并另一张）",
        "duplicate sheet: {first} is the same sheet, and it is unclear which one holds the "
        "data; keep only one (delete or merge the other)",
    ),
    "wb.sheet.too_big": (
        "工作表过大（超过 {max_rows} 行或 {max_cells} 个单元格），拒绝读取",
        "the sheet is too big (more than {max_rows} rows or {max_cells} cells); refused",
    ),
    "wb.sheet.no_rows": (
        "工作表没有数据行",
        "the sheet has no data rows",
    ),
    "wb.header.missing": (
        "找不到表头行：至少需要两个可识别的列名，可用列名：{columns}",
        "no header row found: at least two known column names are needed; known columns: {columns}",
    ),
    "wb.column.missing": (
        "缺少必需的列 {alias}（{name}）",
        "required column {name} ({alias}) is missing",
    ),
    "wb.column.unknown": (
        "无法识别的列，已忽略",
        "unknown column, ignored",
    ),
    "wb.column.no_activity": (
        "缺少列 {alias}（{name}）：本表的 {rows} 行数据都没有指明活动，无法生效，已全部忽略",
        "column {name} ({alias}) is missing: none of the sheet's {rows} data row(s) names an "
        "activity, so they mean nothing and are all ignored",
    ),
    "wb.column.duplicate": (
        "列重复（与列 {first} 含义相同）",
        "duplicate column (same meaning as column {first})",
    ),
    "wb.column.beyond_limit": (
        "列 {name} 位于第 {letter} 列（第 {number} 列），超出读取范围（只读前 {max_columns} 列，"
        "到 {last_letter} 列为止），该列的数据不会被读取；请把它移到 {last_letter} 列或更左边",
        "the column {name} is in column {letter} (column {number}), beyond the "
        "{max_columns} columns that are read (up to {last_letter}), so its data would not be "
        "read; move it to column {last_letter} or further left",
    ),
    "wb.cell.beyond_limit": (
        "此单元格位于第 {letter} 列（第 {number} 列），超出读取范围（只读前 {max_columns} 列，"
        "到 {last_letter} 列为止）：本工作表中 {last_letter} 列右边的 {cells} 个非空单元格"
        "均已忽略；如其中有需要的数据，请移到左边",
        "this cell is in column {letter} (column {number}), beyond the {max_columns} "
        "columns that are read (up to {last_letter}): the {cells} non-blank cell(s) right "
        "of column {last_letter} in this sheet are ignored; move any data you need to the left",
    ),
    # --- cells
    "wb.cell.required": ("必填项为空", "required cell is blank"),
    "wb.cell.number": (
        "应为数字（不要带单位或文字）",
        "a number is expected (no units or words)",
    ),
    "wb.cell.negative": ("不能为负数", "must not be negative"),
    "wb.cell.integer": ("应为整数", "a whole number is expected"),
    "wb.cell.ratio": (
        "师生比应写成 45 或 1:45",
        "the ratio should read 45 or 1:45",
    ),
    "wb.cell.day": (
        "星期应为 1-7 或 周一…周日 / 星期一…星期日",
        "the day should be 1-7 or 周一…周日 / 星期一…星期日",
    ),
    "wb.cell.day_range": (
        "星期应在 1 到 7 之间（周一为 1）",
        "the day must be between 1 and 7 (Monday = 1)",
    ),
    "wb.cell.time": (
        "时间应写成 时:分，如 15:30",
        "the time should read HH:MM, e.g. 15:30",
    ),
    "wb.cell.date": (
        "日期应写成 2026-09-01",
        "the date should read YYYY-MM-DD, e.g. 2026-09-01",
    ),
    "wb.cell.bool": (
        "应填 是/否（或 yes/no、y/n、true/false、1/0）",
        "should be yes/no (or y/n, true/false, 1/0, 是/否)",
    ),
    "wb.cell.grade": (
        "年级应为 1-12，复式班可写多个，如 1;2",
        "the grade should be 1-12, or a list such as 1;2 for a multi-grade class",
    ),
    "wb.cell.enum": (
        "无法识别的取值，可选：{choices}",
        "unknown value; choose one of: {choices}",
    ),
    "wb.list.duplicate": (
        "列表中 {item} 重复出现，只保留一次",
        "{item} appears twice in the list; kept once",
    ),
    "wb.value.below_one": ("至少应为 1", "must be at least 1"),
    "wb.row.no_activity": (
        "此行没有填写活动编号，不指向任何活动，已跳过",
        "no activity on this row, so it means nothing; the row is skipped",
    ),
    # --- ids and references
    "wb.id.duplicate": (
        "编号 {id} 重复（第 {first} 行已使用）",
        "id {id} is used twice (first on row {first})",
    ),
    "wb.ref.slot": (
        "找不到时段 {id}（时段表中没有此编号）",
        "unknown slot {id} (not in the slots sheet)",
    ),
    "wb.ref.group": (
        "找不到班级 {id}（班级表中没有此编号）",
        "unknown class {id} (not in the groups sheet)",
    ),
    "wb.ref.teacher": (
        "找不到教师 {id}（教师表中没有此编号）",
        "unknown teacher {id} (not in the teachers sheet)",
    ),
    "wb.ref.activity": (
        "找不到活动 {id}（活动表中没有此编号）",
        "unknown activity {id} (not in the activities sheet)",
    ),
    "wb.ref.room": (
        "找不到场地 {id}（场地表中没有此编号）",
        "unknown room {id} (not in the rooms sheet)",
    ),
    # --- sheet rules
    "wb.school.no_row": (
        "此表应恰好有一行数据，现在没有",
        "this sheet must have exactly one data row; it has none",
    ),
    "wb.school.extra_row": (
        "此表只能有一行数据（第 {first} 行已填写），请删除多余的行",
        "this sheet must have exactly one data row (row {first} is filled); remove this one",
    ),
    "wb.slot.end_before_start": (
        "结束时间应晚于开始时间 {start}",
        "the end must be after the start {start}",
    ),
    "wb.slot.overlap": (
        "时段 {id} 与同一天的时段 {other}（第 {other_row} 行）时间重叠",
        "slot {id} overlaps slot {other} (row {other_row}) on the same day",
    ),
    "wb.teacher.homeroom_twice": (
        "班级 {id} 已有班主任（第 {first} 行）",
        "class {id} already has a homeroom teacher (row {first})",
    ),
    "wb.group.basic_slot_kind": (
        "基础托管时段 {id} 的类型是 {kind}，不是基础托管",
        "basic slot {id} is of kind {kind}, not basic",
    ),
    "wb.group.basic_above_students": (
        "托管人数不能多于班级人数 {students}",
        "basic_students must not exceed the class size {students}",
    ),
    "wb.activity.basic_prefix": (
        "活动编号不能以 basic: 开头（这是基础托管专用的）",
        "activity ids must not start with basic: (reserved for basic service)",
    ),
    "wb.activity.fixed_opted_out": (
        "指定教师 {id} 未自愿参加课后服务，不会被排课",
        "fixed teacher {id} has opted out and gets no session",
    ),
    "wb.activity.enrolled_blank": (
        "报名人数为空，且报名表中没有此活动的报名",
        "enrolled is blank and the enrolments sheet has no rows for this activity",
    ),
    "wb.activity.enrolled_differs": (
        "报名人数与报名表中的 {count} 人不一致，以报名表为准",
        "enrolled differs from the {count} students in the enrolments sheet; the enrolments win",
    ),
    "wb.activity.too_few_days": (
        "每周 {sessions} 次无法安排：同一活动每天最多一次，而可选时段只分布在 {days} 天；"
        "不改正则排不出课表",
        "{sessions} sessions a week cannot be scheduled: an activity meets at most once a "
        "day and its allowed slots fall on {days} days; no schedule exists until this changes",
    ),
    "wb.activity.no_room_type": (
        "场地表中没有类型为 {type} 的场地",
        "no room of type {type} in the rooms sheet",
    ),
    "wb.activity.no_skill": (
        "没有教师具备技能 {skill}",
        "no teacher has the skill {skill}",
    ),
    "wb.room.home_twice": (
        "班级 {id} 已有所属场地 {other}（第 {first} 行）",
        "class {id} already has home room {other} (row {first})",
    ),
    "wb.enrolment.duplicate": (
        "学生 {student} 重复报名此活动（第 {first} 行）",
        "student {student} is enrolled in this activity twice (row {first})",
    ),
    "wb.enrolment.two_classes": (
        "学生 {student} 出现在两个班级：{other}（第 {first} 行）和本行",
        "student {student} is listed in two classes: {other} (row {first}) and this row",
    ),
    "wb.lock.session": (
        "第几次超出该活动的每周次数 {sessions}",
        "session is above the activity's sessions_per_week {sessions}",
    ),
    "wb.lock.basic_session": (
        "第几次超出该班基础托管时段数 {count}",
        "session is above the class's number of basic slots {count}",
    ),
    "wb.lock.slot": (
        "时段 {id} 不在活动 {activity} 的可选时段中，此锁定无法满足，不改正则排不出课表",
        "slot {id} is not among the allowed slots of activity {activity}: the lock cannot "
        "hold, and no schedule exists until this changes",
    ),
    "wb.lock.teacher_opted_out": (
        "锁定的教师 {id} 未自愿参加课后服务，此锁定无法满足，不改正则排不出课表",
        "the locked teacher {id} has opted out: the lock cannot hold, and no schedule "
        "exists until this changes",
    ),
    "wb.lock.teacher_unavailable": (
        "锁定的教师 {id} 在时段 {slot} 不可用，此锁定无法满足，不改正则排不出课表",
        "the locked teacher {id} is unavailable at slot {slot}: the lock cannot hold, and "
        "no schedule exists until this changes",
    ),
    "wb.lock.teacher_unqualified": (
        "锁定的教师 {id} 没有此活动所需的技能 {skill}，此锁定无法满足，不改正则排不出课表",
        "the locked teacher {id} lacks the skill {skill} this activity needs: the lock "
        "cannot hold, and no schedule exists until this changes",
    ),
    "wb.lock.basic_slot": (
        "时段 {id} 不是班级 {group} 的基础托管时段",
        "slot {id} is not a basic slot of class {group}",
    ),
    # --- template
    "wb.template.required": ("必填", "required"),
    # --- commands
    "wb.cli.validate": (
        "检查学校工作簿、CSV 文件夹或整个区县文件夹，列出所有问题",
        "Check a school workbook, CSV folder or county folder and list every problem",
    ),
    "wb.cli.validate.path": (
        "工作簿（.xlsx）、CSV 文件夹或区县文件夹",
        "workbook (.xlsx), CSV folder or county folder",
    ),
    "wb.cli.summary": (
        "共 {schools} 所学校，{errors} 个错误，{warnings} 个警告",
        "{schools} school(s), {errors} error(s), {warnings} warning(s)",
    ),
    "wb.cli.school_ok": ("{source}：无错误", "{source}: no errors"),
    "wb.cli.template": (
        "生成空白学校数据模板（含示例行和下拉选项）",
        "Write the empty school workbook template (with example rows and drop-downs)",
    ),
    "wb.cli.template.out": ("输出文件（.xlsx）", "output file (.xlsx)"),
    "wb.cli.template.lang": (
        "表头语言：zh 中文，en 英文",
        "header language: zh Chinese, en English",
    ),
    "wb.cli.template.done": ("模板已写出：{path}", "template written: {path}"),
    "wb.cli.bad_lang": ("语言只能是 zh 或 en", "the language must be zh or en"),
    "wb.cli.template.kind": (
        "模板种类：school 学校数据，evidence 补助用的课时记录、评价和政策",
        "template kind: school (the school workbook) or evidence (delivery log, ratings, policy for subsidies)",
    ),
    "wb.cli.bad_kind": ("模板种类只能是：{kinds}", "the template kind must be one of: {kinds}"),
}
