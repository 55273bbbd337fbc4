"""The `afterschool` command: a thin shell over the same functions the app uses.

Each area registers its commands from its own module, so the command line grows with
the engines without one file owning them all.
"""

from __future__ import annotations

import typer

from cli import (
    choices_cmds,
    db_cmds,
    sample_cmds,
    scenario_cmds,
    schedule_cmds,
    store_cmds,
    subsidy_cmds,
    user_cmds,
    workbook_cmds,
)

app = typer.Typer(
    help="课后服务排课与补助工具 / After-school service: rosters, subsidies and scenarios.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    workbook_cmds,
    store_cmds,
    sample_cmds,
    schedule_cmds,
    choices_cmds,
    subsidy_cmds,
    scenario_cmds,
    user_cmds,
    db_cmds,
):
    module.register(app)


if __name__ == "__main__":
    app()
