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
}
