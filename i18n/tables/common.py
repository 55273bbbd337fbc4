"""Strings shared by every area."""

TEXT = {
    "app.title": ("课后服务排课与补助", "After-school service: rosters and subsidies"),
    "lang.name": ("中文", "English"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
}
