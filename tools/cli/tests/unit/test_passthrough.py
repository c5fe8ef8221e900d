"""Arguments after `--` reach the layer's command instead of being read as layer names."""

from typing import Annotated

import typer
from typer.testing import CliRunner

from edu.cli.passthrough import PassthroughCommand, passthrough_args

demo = typer.Typer()


@demo.command(
    cls=PassthroughCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def run(ctx: typer.Context, layers: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    typer.echo(f"layers={layers} extra={passthrough_args(ctx)}")


class TestPassthrough:
    def test_everything_after_the_double_dash_is_extra(self) -> None:
        result = CliRunner().invoke(
            demo, ["unit", "--", "--splits", "2", "--group", "1", "-k", "x"]
        )
        assert (
            result.output.strip()
            == "layers=['unit'] extra=['--splits', '2', '--group', '1', '-k', 'x']"
        )

    def test_without_a_double_dash_all_positionals_are_layers(self) -> None:
        result = CliRunner().invoke(demo, ["lint", "unit"])
        assert result.output.strip() == "layers=['lint', 'unit'] extra=[]"
