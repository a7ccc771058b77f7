"""`python -m tekser`: the same as the `tekser` command."""

from tekser.cli.main import app

app(prog_name="tekser")
