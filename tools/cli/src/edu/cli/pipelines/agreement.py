"""The workflows and the layer registry agree.

Every layer has a trigger and a budget; every trigger a layer uses is served by a workflow,
and that workflow runs each of the trigger's layers; no workflow names a layer or trigger the
registry does not know; and nothing calls pytest directly, which would skip the budgets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from edu.cli.affected.selection import layers_for
from edu.cli.pipelines.workflow_commands import PYTEST_COMMANDS, Command
from edu.cli.registry import TRIGGERS, Registry, RegistryError

_VALUE_OPTIONS = {"--trigger", "--layer", "--exclude", "--kind", "--base", "--files"}


@dataclass
class _Invocation:
    positional: list[str] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    flags: set[str] = field(default_factory=set)


def check(registry: Registry, commands: Iterable[Command]) -> list[str]:
    problems = [
        f"layer {layer.name!r} needs at least one trigger and a positive budget"
        for layer in registry.layers
        if not layer.triggers or layer.budget_seconds <= 0
    ]
    served: dict[str, set[str]] = defaultdict(set)  # trigger -> workflows
    ran: dict[str, set[str]] = defaultdict(set)  # trigger -> layers
    named: dict[str, set[str]] = defaultdict(set)  # workflow -> layers run by name
    for command in commands:
        where = f"{command.workflow} job {command.job!r}"
        if command.argv[0] in PYTEST_COMMANDS:
            problems.append(f"{where} calls pytest directly: run layers through `edu test`")
            continue
        if command.argv[0] != "edu" or len(command.argv) < 2:
            continue
        call = _parse(command.argv[2:])
        try:
            if command.argv[1] == "test":
                named[command.workflow].update(registry.get(n).name for n in call.positional)
                for trigger in call.options["--trigger"]:
                    registry.for_trigger(trigger)
                    served[trigger].add(command.workflow)
                    ran[trigger].update(layer.name for layer in registry.for_trigger(trigger))
            elif command.argv[1] == "affected":
                trigger = (call.options["--trigger"] or ["pr"])[-1]
                kind = call.options["--kind"][-1] if call.options["--kind"] else None
                chosen = layers_for(
                    registry, trigger, call.options["--layer"], call.options["--exclude"], kind
                )
                if "--run" in call.flags:
                    served[trigger].add(command.workflow)
                    ran[trigger].update(layer.name for layer in chosen)
        except RegistryError as exc:
            problems.append(f"{where}: {exc}")
    for workflow, layers in named.items():
        for trigger in (t for t, workflows in served.items() if workflow in workflows):
            ran[trigger].update(layers)
    for trigger in TRIGGERS:
        wanted = [layer.name for layer in registry.layers if trigger in layer.triggers]
        if wanted and not served[trigger]:
            problems.append(
                f"no workflow runs the {trigger!r} trigger (layers {', '.join(wanted)})"
            )
            continue
        problems += [
            f"layer {name!r} has the {trigger!r} trigger but no workflow serving it runs it"
            for name in wanted
            if name not in ran[trigger]
        ]
    return list(dict.fromkeys(problems))  # matrix jobs repeat a problem once per combination


def _parse(tokens: Sequence[str]) -> _Invocation:
    call = _Invocation()
    items = list(tokens[: tokens.index("--")] if "--" in tokens else tokens)
    while items:
        token = items.pop(0)
        name, has_value, value = token.partition("=")
        if name in _VALUE_OPTIONS:
            call.options[name].append(value if has_value else (items.pop(0) if items else ""))
        elif token.startswith("-"):
            call.flags.add(token)
        else:
            call.positional.append(token)
    return call
