"""``symdyn models`` and ``symdyn cite``."""

from __future__ import annotations

import click

from ..models import available_models, model as get_model
from .common import JSON_OPTION, emit_json


@click.command("models")
@JSON_OPTION
def models_cmd(as_json: bool) -> None:
    """List the models, their parameters (name, meaning, domain, default), observables and quantities."""
    described = [get_model(name).describe() for name in available_models()]
    if as_json:
        emit_json({"models": described})
        return
    for d in described:
        click.echo(f"{d['name']}: {d['title']}")
        click.echo(f"  {d['summary']}")
        click.echo("  parameters:")
        for p in d["parameters"]:
            if p["default"] is not None:
                default = f"default {p['default']}"
            elif p.get("alternative"):
                default = f"or give {p['alternative']}"
            else:
                default = "required" if p["required"] else "optional"
            alt = ""
            click.echo(f"    {p['name']:<11} {p['meaning']} - {p['domain']} ({default}{alt})")
        click.echo("  observables: " + ", ".join(o["name"] for o in d["observables"]))
        click.echo("  quantities:  " + ", ".join(q["name"] for q in d["quantities"]))
        click.echo("")


@click.command("cite")
@click.argument("model_name", metavar="MODEL")
def cite_cmd(model_name: str) -> None:
    """Print BibTeX for the results MODEL implements."""
    click.echo(get_model(model_name).cite(), nl=False)
