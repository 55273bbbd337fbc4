"""Strings of the store: import, export and the school list."""

TEXT = {
    "store.path_missing": ("路径不存在", "path does not exist"),
    "store.no_sources": (
        "此处没有学校数据工作簿或CSV文件夹",
        "no school workbook or CSV folder here",
    ),
    "store.read_failed": ("无法读取此文件：{detail}", "cannot read this file: {detail}"),
    "store.no_school": ("此文件没有读出学校", "no school was read from this file"),
    "store.duplicate_school": (
        "学校编号 {school_id} 已出现在 {other} 中，一次导入中每所学校只能出现一次",
        "school id {school_id} is already in {other}; each school may appear once per import",
    ),
    "store.unknown_school": (
        "数据库中没有学校 {school_id}",
        "no school {school_id} in the database",
    ),
    "store.unknown_version": (
        "学校 {school_id} 没有第 {version} 版",
        "school {school_id} has no version {version}",
    ),
    "store.unknown_school_version": (
        "没有编号为 {school_version_id} 的学校版本",
        "no school version with id {school_version_id}",
    ),
    "store.unknown_schedule": (
        "学校 {school_id} 没有保存的课表 {version}",
        "school {school_id} has no stored schedule {version}",
    ),
    "store.unknown_allocation": (
        "学校 {school_id} 没有保存的社团录取结果 {version}",
        "school {school_id} has no stored club allocation {version}",
    ),
    "store.unknown_run": (
        "没有编号为 {run_id} 的补助计算结果",
        "no subsidy run with id {run_id}",
    ),
    "store.stale_school": (
        "未保存：学校 {school_id} 在您打开第 {expected} 版之后，已被他人保存为第 {current} 版。您的修改仍保留在页面上，没有丢失；请先记下或复制您的修改，再重新加载最新版本，在新版本上重做修改后保存。",
        "Not saved: school {school_id} was saved as version {current} by someone else after you opened version {expected}. Your changes are still on the page, nothing is lost: note or copy them, reload the latest version, then redo them on it and save.",
    ),
    "store.expect_one_school": (
        "--expect-version 只能用于只含一所学校的导入（此处有 {schools} 所），数据库未作任何更改",
        "--expect-version needs an import of exactly one school ({schools} found here); "
        "nothing was written",
    ),
    "store.import_stale": (
        "未导入：学校 {school_id} 的最新版本是第 {current} 版，而不是 --expect-version 所说的"
        "第 {expected} 版（有人在此期间保存过），数据库未作任何更改。请先导出并查看最新版本，"
        "确认后用 --expect-version {current} 重新导入",
        "not imported: the latest version of school {school_id} is {current}, not {expected} "
        "as --expect-version said (someone saved in between); nothing was written. Export and "
        "check the latest version, then import again with --expect-version {current}",
    ),
    "store.help.expect_version": (
        "只有当这所学校（只能一所）的最新版本仍是此版本时才导入（0：必须是新学校）；"
        "否则拒绝，数据库不变",
        "import only if this school's latest version (one school only) is still this one "
        "(0: the school must be new); otherwise refuse and write nothing",
    ),
    "store.forbidden": (
        "无权操作：用户 {user}（{role}）不能{action}（{school}）。如需此权限，请联系管理员。",
        "Not allowed: user {user} ({role}) may not {action} ({school}). Ask an administrator if you need this right.",
    ),
    "store.file_ok": ("通过", "ok"),
    "store.file_failed": ("{errors} 个错误", "{errors} error(s)"),
    "store.import_failed": (
        "导入失败：共 {errors} 个错误，数据库未作任何更改",
        "import failed: {errors} error(s); nothing was written to the database",
    ),
    "store.import_done": (
        "导入完成：{schools} 所学校，新增 {versions} 个版本（{warnings} 个警告）",
        "import done: {schools} school(s), {versions} new version(s) ({warnings} warning(s))",
    ),
    "store.exported": (
        "已导出学校 {school_id} 第 {version} 版到 {path}",
        "exported school {school_id} version {version} to {path}",
    ),
    "store.no_schools": ("数据库中还没有学校", "no schools in the database yet"),
    "store.col.school_id": ("学校编号", "school id"),
    "store.col.name": ("学校名称", "name"),
    "store.col.stage": ("学段", "stage"),
    "store.col.location": ("城乡类型", "location"),
    "store.col.version": ("最新版本", "latest version"),
    "store.col.teachers": ("教师", "teachers"),
    "store.col.groups": ("班级", "classes"),
    "store.col.activities": ("社团", "clubs"),
    "store.help.import": (
        "导入学校数据工作簿、CSV文件夹或整个县的文件夹（全部成功才写入）",
        "Import school workbooks, CSV folders or a county folder (all or nothing)",
    ),
    "store.help.export": (
        "把数据库中的学校导出为工作簿",
        "Export a stored school to a workbook",
    ),
    "store.help.schools": ("列出数据库中的学校", "List the schools in the database"),
    "store.help.paths": ("工作簿、CSV文件夹或县文件夹", "workbooks, CSV folders or county folders"),
    "store.help.db": (
        "数据库地址（默认 DATABASE_URL 或 var/afterschool.db）",
        "database URL (default DATABASE_URL or var/afterschool.db)",
    ),
    "store.help.school_id": ("学校编号", "school id"),
    "store.help.out": ("输出的 .xlsx 文件", "the .xlsx file to write"),
    "store.help.version": ("版本号（默认最新）", "version number (default latest)"),
    "store.help.lang": ("表头语言 zh 或 en", "header language, zh or en"),
    "store.db.help": ("数据库结构（迁移）", "database schema (migrations)"),
    "store.db.upgrade_help": (
        "把数据库结构升级到最新版本",
        "upgrade the schema to the newest revision",
    ),
    "store.db.current_help": (
        "显示数据库结构的当前版本与最新版本",
        "show the schema's current and newest revision",
    ),
    "store.db.revision_help": (
        "（开发者）按模型的改动生成新的迁移脚本",
        "(developers) write a migration script for changed models",
    ),
    "store.db.message_help": ("这次改动的简短说明", "a short note of what changed"),
    "store.db.upgraded": (
        "数据库结构已从 {before} 升级到 {after}",
        "schema upgraded from {before} to {after}",
    ),
    "store.db.current": (
        "当前版本 {current}，最新版本 {head}",
        "current revision {current}, newest {head}",
    ),
}
