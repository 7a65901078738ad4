"""The JSON Schema for editors: generated from the model, committed, and checked with a real validator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from generator.commands.schema import SCHEMA_DIR, render_schemas
from generator.loader import content_files, kind_of
from generator.model import KINDS

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
# Fixture cases whose mistake is visible to the schema (the rest need YAML or cross-file knowledge).
SCHEMA_LEVEL = ["unknown-key", "missing-field", "wrong-type", "bad-id-path", "bad-id-fullwidth",
                "bad-id-uppercase", "id-case", "yaml11-bool", "yaml11-sexagesimal", "bom-column"]


def _validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(kind: str, path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(kind).iter_errors(data)]


def test_committed_schemas_match_the_model(cli, tmp_path: Path) -> None:
    """`playbook schema --out DIR` writes exactly what is committed: the schema cannot drift."""
    run = cli("schema", "--out", str(tmp_path), cwd=tmp_path)
    assert run.code == 0, run.err
    written = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert written == committed, "run `playbook schema` and commit generator/schemas"
    assert set(written) == {f"{kind}.schema.json" for kind in KINDS}
    assert written == render_schemas()


def test_schemas_are_draft_2020_12_with_chinese_descriptions() -> None:
    for kind in KINDS:
        validator = _validator(kind)
        assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert re.search(r"[\u4e00-\u9fff]", json.dumps(validator.schema, ensure_ascii=False)), kind


@pytest.mark.slow
def test_shipped_content_passes_the_schema() -> None:
    files = content_files(CONTENT)
    assert files, "no shipped content?"
    failures = {}
    for path in files:
        kind = kind_of(path, CONTENT)
        assert kind, f"{path} is not a content file"
        errors = _errors(kind, path)
        if errors:
            failures[path.relative_to(REPO).as_posix()] = errors
    assert failures == {}


def test_base_fixture_passes_the_schema(fx) -> None:
    root = fx.BASE / "content"
    for path in content_files(root):
        assert _errors(kind_of(path, root), path) == [], path


@pytest.mark.parametrize("name", SCHEMA_LEVEL)
def test_schema_rejects_bad_fixture(fx, name: str) -> None:
    root = fx.FIXTURES / name / "content"
    files = content_files(root)
    assert files
    for path in files:
        assert _errors(kind_of(path, root), path), f"the schema accepts {path}"


def test_schema_rejects_typo_with_the_field_name() -> None:
    errors = [e.message for e in _validator("procedures").iter_errors(
        {"id": "x", "title": "t", "domain": "d", "steps": [{"title": "s", "pharses": []}]})]
    assert any("pharses" in m for m in errors), errors


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
    return re.compile(out + "$")


def test_vscode_settings_map_every_schema_to_its_files() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert {Path(k).name for k in mapping} == {f"{kind}.schema.json" for kind in KINDS}
    for schema_path, globs in mapping.items():
        assert (REPO / schema_path).is_file(), schema_path
        kind = Path(schema_path).name.removesuffix(".schema.json")
        for example in (f"content/{kind}/a.yaml", f"content/{kind}/sub/b.yml", f"content/{kind}.yaml"):
            assert any(_glob_regex(g).match(example) for g in globs), (kind, example)
    # Every shipped file is claimed by exactly the schema of its kind.
    for path in content_files(CONTENT):
        rel = path.relative_to(REPO).as_posix()
        claimed = [Path(s).name for s, globs in mapping.items() if any(_glob_regex(g).match(rel) for g in globs)]
        assert claimed == [f"{kind_of(path, CONTENT)}.schema.json"], rel
