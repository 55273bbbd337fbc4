"""Strings of the sample-county generator (command line)."""

TEXT = {
    "sample.help": ("生成示例县数据", "Generate the sample county"),
    "sample.outdir": ("输出文件夹", "Output folder"),
    "sample.seed": ("随机种子（相同种子生成相同数据）", "Random seed (same seed, same data)"),
    "sample.generating": (
        "正在生成示例县（种子 {seed}）…",
        "Generating the sample county (seed {seed})...",
    ),
    "sample.wrote": ("已写入 {path}", "wrote {path}"),
    "sample.summary": (
        "{schools} 所学校，{towns} 个乡镇；学生 {students} 人，其中参加基础托管 {basic} 人；"
        "教师 {teachers} 人，班级 {classes} 个，社团 {clubs} 个，自习活动 {self_study} 个",
        "{schools} schools in {towns} towns; {students} students, {basic} in basic care; "
        "{teachers} teachers, {classes} classes, {clubs} clubs, {self_study} self-study activities",
    ),
    "sample.by_type": ("{stage}/{location}: {count} 所", "{stage}/{location}: {count} schools"),
    "sample.size": ("共 {files} 个文件，{mb:.1f} MB", "{files} files, {mb:.1f} MB"),
}
