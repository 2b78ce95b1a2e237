#!/usr/bin/env python3
"""Extract from the OpenSearch API specification the property names of the
request shapes tracuu sends, into keys.json, which spec_test.go checks the
golden request bodies against.

Run from a checkout of github.com/opensearch-project/opensearch-api-specification:

    python3 extract.py /path/to/opensearch-api-specification > keys.json

Only names are extracted: which keys each object may hold. Types and
required keys are left to the golden bodies and a live cluster.
"""
import json
import os
import subprocess
import sys

import yaml

root = sys.argv[1]
docs = {}


def load(rel):
    path = os.path.normpath(os.path.join(root, rel))
    if path not in docs:
        with open(path) as f:
            docs[path] = yaml.safe_load(f)
    return path, docs[path]


def resolve(ref, base):
    file, _, frag = ref.partition("#")
    path = os.path.normpath(os.path.join(os.path.dirname(base), file)) if file else base
    _, doc = load(os.path.relpath(path, root))
    node = doc
    for part in frag.strip("/").split("/"):
        node = node[part]
    return node, path


def props(schema, base, seen=None):
    """Every property name an object of schema may hold, through $ref,
    allOf, oneOf and anyOf."""
    seen = seen or set()
    out = set()
    if not isinstance(schema, dict):
        return out
    if "$ref" in schema:
        key = (schema["$ref"], base)
        if key in seen:
            return out
        seen.add(key)
        node, path = resolve(schema["$ref"], base)
        out |= props(node, path, seen)
    for k in ("allOf", "oneOf", "anyOf"):
        for s in schema.get(k, []):
            out |= props(s, base, seen)
    out |= set(schema.get("properties", {}))
    return out


def schema(file, name):
    path, doc = load(file)
    return props(doc["components"]["schemas"][name], path)


def body(namespace, name):
    path, doc = load(namespace)
    s = doc["components"]["requestBodies"][name]["content"]["application/json"]["schema"]
    return props(s, path)


q, a, m, c = "spec/schemas/_common.query_dsl.yaml", "spec/schemas/_common.aggregations.yaml", "spec/schemas/_common.mapping.yaml", "spec/schemas/_common.yaml"
an, ic = "spec/schemas/_common.analysis.yaml", "spec/schemas/indices._common.yaml"
out = {
    "search": body("spec/namespaces/_core.yaml", "search"),
    "mget": body("spec/namespaces/_core.yaml", "mget"),
    "delete_pit": body("spec/namespaces/_core.yaml", "delete_pit"),
    "indices.create": body("spec/namespaces/indices.yaml", "indices.create"),
    "indices.update_aliases": body("spec/namespaces/indices.yaml", "indices.update_aliases"),
    "QueryContainer": schema(q, "QueryContainer"),
    "BoolQuery": schema(q, "BoolQuery"),
    "TermQuery": schema(q, "TermQuery"),
    "TermsQuery": schema(q, "TermsQuery"),
    "PrefixQuery": schema(q, "PrefixQuery"),
    "MatchPhraseQuery": schema(q, "MatchPhraseQuery"),
    "DateRangeQuery": schema(q, "DateRangeQuery"),
    "MatchAllQuery": schema(q, "MatchAllQuery"),
    "MatchNoneQuery": schema(q, "MatchNoneQuery"),
    "AggregationContainer": schema(a, "AggregationContainer"),
    "TermsAggregation": schema(a, "TermsAggregationFields"),
    "DateHistogramAggregation": schema(a, "DateHistogramAggregationFields"),
    "FiltersAggregation": schema(a, "FiltersAggregationFields"),
    "SortOptions": schema(c, "SortOptions"),
    "ScoreSort": schema(c, "ScoreSort"),
    "FieldSort": schema(c, "FieldSort"),
    "PointInTimeReference": schema("spec/schemas/_core.search.yaml", "PointInTimeReference"),
    "TypeMapping": schema(m, "TypeMapping"),
    "SourceField": schema(m, "SourceField"),
    "TextProperty": schema(m, "TextProperty"),
    "KeywordProperty": schema(m, "KeywordProperty"),
    "DateProperty": schema(m, "DateProperty"),
    "ObjectProperty": schema(m, "ObjectProperty"),
    "IndexSettings": schema(ic, "IndexSettings"),
    "IndexSettingsAnalysis": schema(ic, "IndexSettingsAnalysis"),
    "WhitespaceTokenizer": schema(an, "WhitespaceTokenizer"),
    "StopTokenFilter": schema(an, "StopTokenFilter"),
    "CustomAnalyzer": schema(an, "CustomAnalyzer"),
    "AliasAction": schema("spec/schemas/indices.update_aliases.yaml", "Action"),
    "AddAction": schema("spec/schemas/indices.update_aliases.yaml", "AddAction"),
    "RemoveAction": schema("spec/schemas/indices.update_aliases.yaml", "RemoveAction"),
    "BulkOperationContainer": schema("spec/schemas/_core.bulk.yaml", "OperationContainer"),
    "BulkIndexOperation": schema("spec/schemas/_core.bulk.yaml", "IndexOperation"),
    "BulkDeleteOperation": schema("spec/schemas/_core.bulk.yaml", "DeleteOperation"),
}
rev = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
json.dump({"spec_commit": rev, "keys": {k: sorted(v) for k, v in out.items()}}, sys.stdout, indent=1, sort_keys=True)
print()
