"""Strings of accounts, rights and the audit log (store.accounts, store.rights, cli)."""

TEXT = {
    # roles
    "role.principal": ("校长", "principal"),
    "role.finance": ("财务", "finance"),
    "role.bureau": ("教育局", "bureau"),
    "role.admin": ("管理员", "administrator"),
    # rights (completes "may not ...")
    "right.school.read": ("查看学校数据", "view school data"),
    "right.school.write": ("修改学校数据", "change school data"),
    "right.schedule.read": ("查看课表", "view schedules"),
    "right.schedule.write": ("保存课表", "save schedules"),
    "right.allocation.read": ("查看社团录取结果", "view club allocations"),
    "right.allocation.write": ("保存社团录取结果", "save club allocations"),
    "right.subsidy.read": ("查看补助", "view subsidies"),
    "right.subsidy.write": ("计算并保存补助", "compute and save subsidies"),
    "right.scenario.run": ("运行全县情景", "run county scenarios"),
    "right.audit.read": ("查看操作日志", "view the audit log"),
    "right.user.manage": ("管理用户账号", "manage user accounts"),
    "right.county": ("全县", "the whole county"),
    # account errors
    "accounts.weak_password": (
        "密码太短：至少需要 {min} 个字符",
        "password too short: at least {min} characters",
    ),
    "accounts.bad_role": (
        "未知角色 {role}，可选：{roles}",
        "unknown role {role}; choose one of {roles}",
    ),
    "accounts.needs_school": (
        "角色 {role} 必须指定学校（--school）",
        "role {role} needs a school (--school)",
    ),
    "accounts.no_school": (
        "角色 {role} 不属于某一所学校，请去掉 --school",
        "role {role} has no school of its own; drop --school",
    ),
    "accounts.empty_username": ("用户名不能为空", "the username must not be empty"),
    "accounts.exists": ("用户名 {username} 已存在", "username {username} is already taken"),
    "accounts.unknown_user": ("没有用户 {username}", "no user {username}"),
    "accounts.locked_out": (
        "此用户名登录失败次数过多，已暂时锁定：请 {minutes} 分钟后再试，或请管理员重设密码或解锁。",
        "Too many failed logins for this username, so it is locked for now: try again in "
        "{minutes} minutes, or ask an administrator to reset the password or unlock it.",
    ),
    # CLI
    "accounts.help.user": (
        "管理用户账号（密码只以 argon2 哈希保存）",
        "Manage user accounts (passwords stored only as argon2 hashes)",
    ),
    "accounts.help.add": (
        "新建账号；密码在提示时输入，不回显",
        "Add an account; the password is prompted, not echoed",
    ),
    "accounts.help.list": ("列出账号", "List the accounts"),
    "accounts.help.passwd": ("修改账号密码", "Change an account's password"),
    "accounts.help.disable": (
        "停用账号（保留其操作记录）",
        "Disable an account (its audit entries stay)",
    ),
    "accounts.help.enable": ("重新启用账号", "Enable an account again"),
    "accounts.help.username": ("用户名", "username"),
    "accounts.help.role": (
        "角色：principal 校长 | finance 财务 | bureau 教育局 | admin 管理员",
        "role: principal | finance | bureau | admin",
    ),
    "accounts.help.school": ("学校编号（校长、学校财务）", "school id (principal, school finance)"),
    "accounts.help.name": ("显示名称", "display name"),
    "accounts.prompt.password": ("密码", "Password"),
    "accounts.added": ("已新建账号 {username}（{role}）", "account {username} added ({role})"),
    "accounts.password_set": ("已修改 {username} 的密码", "password of {username} changed"),
    "accounts.disabled": ("已停用账号 {username}", "account {username} disabled"),
    "accounts.enabled": ("已启用账号 {username}", "account {username} enabled"),
    "accounts.none": ("还没有账号", "no accounts yet"),
    "accounts.col.username": ("用户名", "username"),
    "accounts.col.display_name": ("名称", "name"),
    "accounts.col.role": ("角色", "role"),
    "accounts.col.school_id": ("学校", "school"),
    "accounts.col.active": ("启用", "active"),
    "accounts.help.audit": (
        "列出操作日志（谁在何时改了什么），最新在前",
        "List the audit log (who changed what, when), newest first",
    ),
    "accounts.help.audit_school": ("只看此学校", "only this school"),
    "accounts.help.audit_user": ("只看此用户", "only this user"),
    "accounts.help.audit_limit": ("最多显示条数", "at most this many entries"),
    "audit.none": ("操作日志为空", "the audit log is empty"),
    "audit.col.at": ("时间", "when"),
    "audit.col.username": ("用户", "user"),
    "audit.col.role": ("角色", "role"),
    "audit.col.action": ("操作", "action"),
    "audit.col.school_id": ("学校", "school"),
    "audit.col.object_id": ("对象", "object"),
    "audit.col.detail": ("说明", "detail"),
}
