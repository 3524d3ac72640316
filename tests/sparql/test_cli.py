"""The query / serve / load verbs, in-process with click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from samples import CATALOGUE_SAMPLE, MALICIOUS

from sarcoma_kg.cli import main
from sarcoma_kg.sparql.server import free_port


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_query_list():
    result = invoke("query", "--list")
    assert result.exit_code == 0
    assert "cq-recommendation-evidence\trec=<iri>?" in result.output


def test_query_list_without_a_catalogue_is_an_input_error(tmp_path, monkeypatch):
    from sarcoma_kg import resources

    monkeypatch.setattr(resources, "QUERIES_DIR", tmp_path)
    result = invoke("query", "--list")
    assert result.exit_code == 2 and "no catalogue queries" in result.output and not result.stdout.startswith("cq-")


def test_query_on_data_files_as_csv():
    result = invoke("query", "cq-studies-by-histology", "--no-kb", "--data", str(CATALOGUE_SAMPLE),
                    "-p", "histology=skg:GastrointestinalStromalTumour", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "histology,study,studyHistology,firstAuthor,year,n"
    assert len(lines) == 2 and "study/Brudvik2015" in lines[1]


def test_query_json_is_sparql_results_json_on_both_engines():
    outputs = []
    for engine in ("oxigraph", "rdflib"):
        result = invoke("query", "cq-evidence-gaps", "--no-kb", "--data", str(CATALOGUE_SAMPLE), "--format", "json",
                        "--engine", engine)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["head"]["vars"] == ["rec", "notation", "kind", "gap", "rationale"]
        outputs.append(sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"]))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 2


def test_query_with_malicious_parameter_returns_no_rows():
    result = invoke("query", "cq-study-bibliography", "--no-kb", "--data", str(CATALOGUE_SAMPLE),
                    "--param", f"author={MALICIOUS}", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []


def test_query_usage_errors_exit_2(tmp_path):
    assert invoke("query", "cq-studies-by-histology", "--no-kb", "--data", str(CATALOGUE_SAMPLE)).exit_code == 2
    missing = invoke("query", "cq-no-such-question", "--no-kb", "--data", str(CATALOGUE_SAMPLE))
    assert missing.exit_code == 2 and "no query named" in missing.output
    update = tmp_path / "wipe.rq"
    update.write_text("DELETE WHERE { ?s ?p ?o }")
    refused = invoke("query", str(update), "--no-kb", "--data", str(CATALOGUE_SAMPLE))
    assert refused.exit_code == 2 and "refused" in refused.output
    bad_iri = invoke("query", "cq-fact-provenance", "--no-kb", "--data", str(CATALOGUE_SAMPLE), "-p", "fact=skg:a b")
    assert bad_iri.exit_code == 2


def test_serve_and_load_without_release_exit_2(tmp_path):
    served = invoke("serve", "--release", str(tmp_path), "--port", "0")
    assert served.exit_code == 2 and "sarcoma-kg build" in served.output
    loaded = invoke("load", "--endpoint", "http://127.0.0.1:1/store", "--release", str(tmp_path))
    assert loaded.exit_code == 2


def test_load_unreachable_store_exits_1(tmp_path):
    (tmp_path / "sarcoma-kg.nt").write_text("")
    result = invoke("load", "--endpoint", f"http://127.0.0.1:{free_port()}/store", "--release", str(tmp_path))
    assert result.exit_code == 1 and "failed" in result.output


def test_serve_documents_its_limits_and_refuses_bad_ones(tmp_path):
    from sarcoma_kg.cli.sparql import limits_from_options

    help_text = invoke("serve", "--help").output
    for option in ("--query-timeout", "--max-result-size", "--max-concurrent-queries", "--max-heavy-queries",
                   "--query-memory", "--max-queued", "--cache-size", "--max-request-size", "--allow-remote-fetch"):
        assert option in help_text, option
    for bad in (("--query-timeout", "0"), ("--max-concurrent-queries", "0"), ("--max-result-size", "-1")):
        result = invoke("serve", "--release", str(tmp_path), *bad)
        assert result.exit_code == 2, bad
    options = dict(query_timeout=5, update_timeout=9, max_result_size=2, max_concurrent_queries=4,
                   max_heavy_queries=None, heavy_after=0.5, max_queued=3, queue_timeout=1, query_memory=256,
                   cache_size=0, max_request_size=1)
    limits = limits_from_options(options)
    assert (limits.query_timeout, limits.max_result_bytes, limits.max_heavy_queries, limits.cache_bytes) == \
        (5, 2 * 1024 * 1024, 2, 0)
