#!/usr/bin/env python3
"""Writes the contract-test schemas in this folder from the providers' published files.

Run from the repository root with the shared reference folder beside it:
    python3 tests/Lumenfall.Sdk.Tests/Contracts/Schemas/extract.py ../shared/reference

Each output keeps only the schemas the contract tests use (and everything they $ref, so every reference still
resolves at the same JSON pointer) and drops prose: "description", "example", "examples" and "x-oaiMeta" keys.
Every validation keyword (type, enum, minimum, maximum, exclusiveMinimum, required, items, anyOf, format,
additionalProperties, nullable, default, ...) is kept exactly as published. See README.md.
"""
import json
import pathlib
import sys

import yaml

PROSE = {"description", "example", "examples", "x-oaiMeta"}
HERE = pathlib.Path(__file__).resolve().parent


def strip(node, in_properties=False):
    """Drops prose keys, except where a key is a property name (inside a "properties" map)."""
    if isinstance(node, dict):
        return {
            k: strip(v, in_properties=(k == "properties" and not in_properties))
            for k, v in node.items()
            if in_properties or k not in PROSE
        }
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def closure(schemas, roots, extra=()):
    """The named component schemas reachable from roots (and from the extra nodes' $refs)."""
    keep, todo = set(), list(roots)
    for node in extra:
        todo += [r.rsplit("/", 1)[1] for r in refs(node)]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        todo += [r.rsplit("/", 1)[1] for r in refs(schemas[name])]
    return {name: schemas[name] for name in schemas if name in keep}


def write_json(name, document):
    (HERE / name).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(reference):
    reference = pathlib.Path(reference)

    # OpenAI: the images requests and response, from the OpenAPI subset.
    openai = json.loads((reference / "openai/images-openapi-subset.json").read_text(encoding="utf-8"))
    schemas = closure(openai["components"]["schemas"], ["CreateImageRequest", "CreateImageEditRequest", "ImagesResponse"])
    write_json("openai-images.json", {
        "openapi": openai["openapi"],
        "info": {k: openai["info"][k] for k in ("title", "version", "license")},
        "components": {"schemas": strip(schemas)},
    })

    # fal: the per-endpoint queue OpenAPI of fal-ai/omnigen-v1. The published file wraps the OpenAPI document in
    # {"endpoint_id", "metadata", "openapi": {...}}; its $refs point into the inner document, which becomes the root.
    fal = json.loads((reference / "fal-openapi/omnigen-v1.json").read_text(encoding="utf-8"))["openapi"]
    paths = {p: {m: {"responses": op["responses"], **({"requestBody": op["requestBody"]} if "requestBody" in op else {})}
                     for m, op in ops.items()}
             for p, ops in fal["paths"].items()}
    schemas = closure(fal["components"]["schemas"], ["OmnigenV1Input", "OmnigenV1Output", "QueueStatus"], extra=[paths])
    write_json("fal-omnigen-v1.json", {
        "openapi": fal["openapi"],
        "info": {k: fal["info"][k] for k in ("title", "version")},
        "paths": strip(paths),
        "components": {"schemas": strip(schemas)},
    })

    # OmniRouters: the request body schema of POST /v1/images/generations, kept as YAML (loaded with NJsonSchema.Yaml).
    omni = yaml.safe_load((reference / "omnirouters/openapi.yaml").read_text(encoding="utf-8"))
    body = omni["paths"]["/v1/images/generations"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    text = yaml.safe_dump(strip(body), sort_keys=False, allow_unicode=True)
    (HERE / "omnirouters-images-generations-request.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
