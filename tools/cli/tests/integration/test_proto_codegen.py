"""`edu proto gen` writes deterministic code under edu.proto_gen; `edu proto check` sees staleness."""

import shutil
from pathlib import Path

import pytest

from edu.cli import proto
from edu.cli.proto_codegen import (
    GENERATED_PACKAGE,
    compare_trees,
    generated_tree,
    rewrite_imports,
    stale_files,
    write_generated,
)
from edu.cli.workspace import find_root

REAL_PROTO = find_root(Path(__file__).parent) / "proto"


@pytest.fixture(scope="module")
def generated_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout with proto/ and a freshly generated package (generated once: protoc is slow)."""
    root = tmp_path_factory.mktemp("generated")
    shutil.copytree(REAL_PROTO, root / "proto")
    package = root / GENERATED_PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Hand-written."""\n')
    (package / "py.typed").write_text("")
    write_generated(root)
    return root


def fresh(root: Path) -> dict[str, bytes]:
    """The generated files of a checkout made by the fixtures (fresh when untouched)."""
    return generated_tree(root / GENERATED_PACKAGE)


@pytest.fixture
def checkout(generated_once: Path, tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    shutil.copytree(generated_once, root)
    return root


class TestRewriteImports:
    def test_moves_imports_of_generated_modules_under_proto_gen(self) -> None:
        text = "from edu.course.v1 import course_service_pb2 as _course_service_pb2\n"
        assert rewrite_imports(text, {"course"}) == (
            "from edu.proto_gen.course.v1 import course_service_pb2 as _course_service_pb2\n"
        )

    def test_names_the_real_module_to_the_descriptor_builder(self) -> None:
        text = "_builder.Build(DESCRIPTOR, 'edu.events.v1.envelope_pb2', _globals)"
        assert "'edu.proto_gen.events.v1.envelope_pb2'" in rewrite_imports(text, {"events"})

    def test_leaves_wire_names_alone(self) -> None:
        text = (
            "'/edu.course.v1.CourseService/GetCourse',\n"
            "b'\\n\\x1a\\x65\\x64u/course/v1/course.proto\\x12\\redu.course.v1'\n"
        )
        assert rewrite_imports(text, {"course"}) == text

    def test_leaves_other_packages_alone(self) -> None:
        text = "from edu.common import clock\nfrom google.protobuf import timestamp_pb2\n"
        assert rewrite_imports(text, {"course", "events"}) == text


class TestGeneration:
    def test_writes_messages_grpc_stubs_and_type_stubs(self, checkout: Path) -> None:
        package = checkout / GENERATED_PACKAGE
        for name in (
            "course/v1/course_service_pb2.py",
            "course/v1/course_service_pb2.pyi",
            "course/v1/course_service_pb2_grpc.py",
            "course/v1/course_service_pb2_grpc.pyi",
            "events/v1/envelope_pb2.pyi",
            "events/v1/__init__.py",
        ):
            assert (package / name).is_file(), name

    def test_writes_grpc_stubs_only_for_files_with_a_service(self, checkout: Path) -> None:
        assert not (checkout / GENERATED_PACKAGE / "events/v1/envelope_pb2_grpc.py").exists()

    def test_keeps_the_hand_written_files(self, checkout: Path) -> None:
        package = checkout / GENERATED_PACKAGE
        assert (package / "__init__.py").read_text() == '"""Hand-written."""\n'
        assert (package / "py.typed").is_file()

    def test_is_deterministic(self, checkout: Path) -> None:
        assert stale_files(checkout) == []


class TestStaleness:
    def test_reports_code_generated_from_an_older_proto(self, checkout: Path) -> None:
        course = checkout / "proto/edu/course/v1/course_service.proto"
        course.write_text(course.read_text().replace("int32 position", "int32 rank"))
        stale = stale_files(checkout)
        assert "out of date: course/v1/course_service_pb2.py" in stale
        assert "out of date: course/v1/course_service_pb2.pyi" in stale

    def test_reports_a_deleted_generated_file(self, generated_once: Path, checkout: Path) -> None:
        (checkout / GENERATED_PACKAGE / "events/v1/envelope_pb2.pyi").unlink()
        assert compare_trees(fresh(generated_once), fresh(checkout)) == [
            "missing: events/v1/envelope_pb2.pyi"
        ]

    def test_reports_a_file_the_generator_does_not_write(
        self, generated_once: Path, checkout: Path
    ) -> None:
        (checkout / GENERATED_PACKAGE / "events/v1/by_hand.py").write_text("x = 1\n")
        assert compare_trees(fresh(generated_once), fresh(checkout)) == [
            "not generated: events/v1/by_hand.py"
        ]

    def test_the_gate_tells_how_to_fix_it(self, checkout: Path) -> None:
        (checkout / GENERATED_PACKAGE / "events/v1/envelope_pb2.pyi").write_text("edited\n")
        outcome = proto.freshness(checkout)
        assert not outcome.ok
        assert "run `just proto`" in outcome.output
