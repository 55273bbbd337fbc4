"""Soft-rule penalties, one line per occurrence (scheduler/penalties.py)."""

TEXT = {
    "penalty.spread": (
        "负担差距 {amount} 分钟：{most} 每周 {most_load} 分钟，{least} 每周 {least_load} 分钟",
        "Load spread {amount} min: {most} works {most_load} min a week, {least} {least_load} min",
    ),
    "penalty.fair_share": (
        "{teacher}：每周 {load} 分钟，{side}应承担的 {share} 分钟 {amount} 分钟",
        "{teacher}: {load} min a week, {amount} min {side} a fair share of {share} min",
    ),
    "penalty.homeroom": (
        "{group}班 {slot}：班主任（{heads}）不在本班看护",
        "Class {group}, {slot}: the homeroom teacher ({heads}) supervises elsewhere",
    ),
    "penalty.days": (
        "{teacher} {weekday}到岗（{sessions} 次）",
        "{teacher} works on {weekday} ({sessions} session(s))",
    ),
    "penalty.external": (
        "外聘教师 {teacher} 承担 {activity}（{slot}），并非指定教师",
        "External instructor {teacher} leads {activity} ({slot}) without being its fixed teacher",
    ),
    "penalty.adjacent_days": (
        "{activity} 在 {first} 和 {second} 连续两天上课",
        "{activity} is held on consecutive days, {first} and {second}",
    ),
    "penalty.title": ("软性规则扣分明细", "Soft-rule penalties, item by item"),
    "penalty.col.term": ("项目", "Term"),
    "penalty.col.amount": ("数量", "Amount"),
    "penalty.col.weighted": ("加权扣分", "Weighted"),
    "penalty.col.what": ("说明", "What"),
    "penalty.none": ("没有任何扣分。", "No penalty at all."),
}
