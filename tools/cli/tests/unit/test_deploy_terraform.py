"""The Terraform structure rules of `edu deploy check`, over parsed modules (python-hcl2's shape)."""

from __future__ import annotations

from typing import Any

from edu.cli.deploy import terraform

MODULE_VARIABLES: list[dict[str, Any]] = [
    {
        "variable": [
            {'"name"': {"type": "string", "description": '"a name"', "__is_block__": True}},
            {'"size"': {"type": "number", "description": '"n"', "default": 3}},
        ]
    }
]


def _root(call: dict[str, Any], terraform_block: dict[str, Any] | None = None) -> terraform.Module:
    block = terraform_block or {
        "required_version": '">= 1.6"',
        "required_providers": [{"aws": {"source": '"hashicorp/aws"', "version": '"~> 5.80"'}}],
        "backend": [{'"s3"': {"key": '"k"'}}],
    }
    return terraform.collect("envs/x", [{"terraform": [block], "module": [{'"db"': call}]}])


def _rules(root: terraform.Module) -> list[str]:
    target = terraform.collect("modules/db", MODULE_VARIABLES)
    return [f.rule for f in terraform.check_module(root, {"db": target}, is_root=True)]


GOOD_CALL = {"source": '"../../modules/db"', "name": "${local.name}", "__is_block__": True}


class TestModuleCalls:
    def test_a_complete_call_passes(self) -> None:
        assert _rules(_root(dict(GOOD_CALL))) == []

    def test_catches_a_missing_required_variable(self) -> None:
        call = dict(GOOD_CALL)
        del call["name"]
        assert _rules(_root(call)) == ["module-required"]

    def test_catches_an_argument_the_module_does_not_declare(self) -> None:
        assert _rules(_root(GOOD_CALL | {"nmae": '"typo"'})) == ["module-unknown"]

    def test_catches_a_missing_local_module(self) -> None:
        root = _root(dict(GOOD_CALL))
        found = terraform.check_module(root, {}, is_root=True)
        assert [f.rule for f in found] == ["module-source"]


class TestRoots:
    def test_catches_a_root_without_backend_or_versions(self) -> None:
        rules = _rules(_root(dict(GOOD_CALL), {"required_providers": [{"aws": {"source": '"x"'}}]}))
        assert rules == ["root-versions", "root-versions", "root-versions"]

    def test_catches_a_literal_password(self) -> None:
        root = _root(dict(GOOD_CALL))
        root.blocks.append(
            ("resource", [{'"aws_db_instance"': {'"db"': {"password": '"hunter2"'}}}])
        )
        assert _rules(root) == ["secret-literal"]

    def test_a_password_from_a_reference_is_fine(self) -> None:
        root = _root(dict(GOOD_CALL))
        root.blocks.append(("resource", [{'"r"': {'"db"': {"password": "${var.password}"}}}]))
        assert _rules(root) == []


class TestVariables:
    def test_catches_an_undocumented_variable(self) -> None:
        module = terraform.collect("modules/m", [{"variable": [{'"x"': {"type": "string"}}]}])
        found = terraform.check_module(module, {}, is_root=False)
        assert [f.rule for f in found] == ["variable-doc"]
