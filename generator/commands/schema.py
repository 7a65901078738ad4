"""JSON Schemas for editors, generated from the model (never written by hand)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ..model import KINDS

SCHEMA_DIR = Path(__file__).parents[1] / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str) -> dict[str, Any]:
    model, many = KINDS[kind]
    adapter = TypeAdapter(list[model] if many else model)  # type: ignore[valid-type]
    schema = adapter.json_schema(mode="validation")
    return {"$schema": DIALECT, "title": f"Playbook {kind}", **schema}


def render_schemas() -> dict[str, str]:
    """file name -> JSON text, for every content kind."""
    return {f"{kind}.schema.json": json.dumps(schema_for(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            for kind in KINDS}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def run(args: argparse.Namespace) -> int:
    for path in write_schemas(args.out or SCHEMA_DIR):
        print(path)
    return 0
