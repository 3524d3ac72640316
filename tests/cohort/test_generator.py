import json

from rdflib import Graph, Namespace

from sarcoma_kg.cohort.synthetic import DEFECT_KINDS, generate

SKG = Namespace("https://w3id.org/sarcoma-kg/")


def test_same_seed_same_bytes(tmp_path):
    a = generate(60, tmp_path / "a.ttl", seed=11).path.read_bytes()
    b = generate(60, tmp_path / "b.ttl", seed=11).path.read_bytes()
    c = generate(60, tmp_path / "c.ttl", seed=12).path.read_bytes()
    assert a == b
    assert a != c


def test_turtle_and_ntriples_hold_the_same_graph(tmp_path):
    ttl = Graph().parse(generate(30, tmp_path / "x.ttl", seed=5, fmt="ttl").path)
    nt = Graph().parse(generate(30, tmp_path / "x.nt", seed=5, fmt="nt").path, format="nt")
    assert len(ttl) == len(nt)
    assert set(ttl) == set(nt)


def test_sidecar_defect_shares_match_the_data(tmp_path):
    result = generate(200, tmp_path / "c.ttl", seed=2)
    truth = json.loads(result.truth_path.read_text())
    g = Graph().parse(result.path)
    assert set(truth["defects"]) == set(DEFECT_KINDS)
    for kind, patients in truth["defects"].items():
        assert len(patients) == 2, kind          # 1 % of 200
    assert sum(truth["lesion_count_histogram"].values()) == 200
    assert truth["triples"] == len(g)
    # spot-check three defect kinds against the graph itself
    for pid in truth["defects"]["missing-primary"]:
        assert g.value(SKG[""] if False else Namespace(str(SKG) + "example/")[pid], SKG.hasPrimaryTumour) is None
    ex = Namespace(str(SKG) + "example/")
    for pid in truth["defects"]["ecog-out-of-range"]:
        assert int(g.value(ex[pid], SKG.ecogPerformanceStatus)) == 7
    for pid in truth["defects"]["missing-histology"]:
        assert g.value(ex[f"{pid}-primary"], SKG.hasHistology) is None
    lesions = {len(list(g.objects(p, SKG.hasLesion))) for p in g.subjects(SKG.ecogPerformanceStatus, None)}
    assert lesions <= set(range(1, 10)) and len(lesions) > 3
