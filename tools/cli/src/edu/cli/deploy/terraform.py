"""Terraform: the structure every module and environment root must have, checked offline.

No provider can be downloaded here (registry.terraform.io is not one of our registries), so
``terraform validate`` cannot run. What runs instead:
- ``terraform fmt -check -recursive`` when a terraform (or tofu) binary is on PATH;
- a parse of every ``.tf`` file (python-hcl2) and these rules:
  ``syntax`` every file parses; ``variable-doc`` every variable has a type and a description;
  ``module-source`` a local module source exists; ``module-required`` a module call passes
  every variable without a default; ``module-unknown`` and no argument the module does not
  declare; ``root-versions`` a root pins required_version, every provider's source and
  version, and names a backend; ``secret-literal`` no password/secret/token/key attribute is
  a literal string.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edu.cli.deploy.findings import Finding

TF_ROOT = Path("deploy/terraform")
META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
SECRET_ATTRIBUTE = re.compile(r"(password|secret|token|private_key|access_key)$", re.I)


@dataclass
class Module:
    """One folder of .tf files, parsed: its variables, module calls and terraform blocks."""

    path: str
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def required(self) -> set[str]:
        return {name for name, spec in self.variables.items() if "default" not in spec}


def _unwrap(name: str) -> str:
    return name.strip('"')


def _arguments(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A block's arguments without python-hcl2's bookkeeping keys (``__is_block__``, ...)."""
    return {key: value for key, value in spec.items() if not key.startswith("__")}


def collect(path: str, parsed: Sequence[Mapping[str, Any]]) -> Module:
    """Build a Module from python-hcl2's dicts (one per file)."""
    module = Module(path)
    for document in parsed:
        for block in document.get("variable", []):
            for name, spec in block.items():
                module.variables[_unwrap(name)] = _arguments(spec)
        for block in document.get("module", []):
            for name, spec in block.items():
                module.calls[_unwrap(name)] = _arguments(spec)
        module.terraform.extend(_arguments(t) for t in document.get("terraform", []))
        module.blocks.extend(document.items())
    return module


def _literal(value: Any) -> bool:
    """A quoted string with no interpolation: python-hcl2 keeps literals' quotes."""
    return isinstance(value, str) and value.startswith('"') and value != '""' and "${" not in value


def _walk(value: Any, trail: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key.startswith("__"):
                continue
            yield from _walk(inner, f"{trail}.{key}")
            if not isinstance(inner, (Mapping, list)):
                yield f"{trail}.{key}", inner
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, trail)


def check_module(module: Module, resolved: Mapping[str, Module], is_root: bool) -> list[Finding]:
    findings: list[Finding] = []

    def add(rule: str, message: str) -> None:
        findings.append(Finding("terraform", module.path, rule, message))

    for name, spec in module.variables.items():
        missing = [key for key in ("type", "description") if key not in spec]
        if missing:
            add("variable-doc", f"variable {name} has no {' or '.join(missing)}")
    for name, call in module.calls.items():
        source = _unwrap(str(call.get("source", "")))
        target = resolved.get(name)
        if source.startswith(".") and target is None:
            add("module-source", f"module {name}: {source} is not a module folder")
            continue
        if target is None:
            continue
        given = set(call) - META_ARGUMENTS
        for variable in sorted(target.required() - given):
            add("module-required", f"module {name} ({source}) needs {variable}")
        for argument in sorted(given - set(target.variables)):
            add("module-unknown", f"module {name} ({source}) has no variable {argument}")
    if is_root:
        settings = module.terraform
        if not any(t.get("required_version") for t in settings):
            add("root-versions", "no terraform { required_version }")
        if not any(t.get("backend") for t in settings):
            add("root-versions", "no backend: the state would stay on one machine")
        providers = [_arguments(b) for t in settings for b in t.get("required_providers", [])]
        if not any(providers):
            add("root-versions", "no required_providers")
        for block in providers:
            for provider, spec in block.items():
                if (
                    not isinstance(spec, Mapping)
                    or not spec.get("version")
                    or not spec.get("source")
                ):
                    add("root-versions", f"provider {provider} needs a source and a version")
    for trail, value in _walk(dict(module.blocks), ""):
        if SECRET_ATTRIBUTE.search(trail.rsplit(".", 1)[-1]) and _literal(value):
            add("secret-literal", f"{trail.lstrip('.')} is a literal string")
    return findings


def parse_folder(folder: Path, root: Path) -> tuple[Module, list[Finding]]:
    import hcl2  # python-hcl2, edu-cli's dependency: imported here, only `edu deploy` needs it

    parsed: list[Mapping[str, Any]] = []
    findings: list[Finding] = []
    for tf in sorted(folder.glob("*.tf")):
        try:
            with tf.open() as handle:
                parsed.append(hcl2.load(handle))
        except Exception as exc:  # the parser raises lark's many error types
            findings.append(Finding("terraform", str(tf.relative_to(root)), "syntax", str(exc)))
    return collect(str(folder.relative_to(root)), parsed), findings


def fmt_check(root: Path) -> tuple[list[Finding], str]:
    binary = shutil.which("terraform") or shutil.which("tofu")
    if binary is None:
        return [], "fmt skipped: no terraform or tofu binary on PATH"
    done = subprocess.run(
        [binary, "fmt", "-check", "-recursive", "-list=true", str(root / TF_ROOT)],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode == 0:
        return [], f"{Path(binary).name} fmt -check: clean"
    files = [line for line in done.stdout.splitlines() if line.strip()] or [done.stderr.strip()]
    return [Finding("terraform", f, "fmt", "not formatted (terraform fmt)") for f in files], ""


def check(root: Path) -> tuple[list[Finding], str]:
    findings, note = fmt_check(root)
    modules: dict[Path, Module] = {}
    folders = sorted({tf.parent for tf in (root / TF_ROOT).rglob("*.tf")})
    for folder in folders:
        module, problems = parse_folder(folder, root)
        modules[folder.resolve()] = module
        findings.extend(problems)
    for folder in folders:
        module = modules[folder.resolve()]
        resolved = {}
        for name, call in module.calls.items():
            target = (folder / _unwrap(str(call.get("source", "")))).resolve()
            if target in modules:
                resolved[name] = modules[target]
        is_root = folder.parent.name == "envs"
        findings.extend(check_module(module, resolved, is_root))
    return findings, note
