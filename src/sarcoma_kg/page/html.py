"""The tumour-board page as HTML: the input forms, the answer (verdicts side by side, recommendations with
their evidence, what a FHIR record could not give), and the page of one term. Every value is escaped;
every project term and study is a link to its term page (``/term/<curie>``), any other IRI to itself."""

from __future__ import annotations

from html import escape

from rdflib import Graph, Literal, URIRef

from ..namespaces import PREFIXES, SKG
from ..patients.validate import not_checked_shown, outside_population_note
from ..rdf import curie, label
from ..reasoning.evidence import Outcome, StudyEvidence
from ..reasoning.recommend import PatientRecommendations, RecommendationResult
from ..reasoning.render import directness_words, figure_words, meta_words, rec_notes, study_words
from .check import FORM_LESIONS, Answer

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:78rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
form{border:1px solid #ccc;border-radius:6px;padding:.8rem;margin:.6rem 0}
textarea{width:100%;height:8rem;font-family:monospace}fieldset{border:0;padding:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}.v-Meets,.v-MeetsAtStrictBound{background:#e3f4e3}.v-DoesNotMeet{background:#fbe4e4}
.v-CannotTell{background:#fff6d8}.v-MeetsOnlyAtLenientBound{background:#eaf1fb}.v-OutsidePopulation{background:#eee}
.error{background:#fbe4e4;border:1px solid #c33;padding:.5rem;white-space:pre-wrap;font-family:monospace}
.rec{margin:.6rem 0;padding:.5rem;border-left:4px solid #2a7}.rec.no{border-color:#bbb}.rec.maybe{border-color:#d90}
.meta{color:#555;font-size:.9rem}.conflict,.outside{color:#a30;font-weight:600}.confirm{margin:.2rem 0 .2rem 1rem;padding:.1rem .3rem;background:#fff6d8}.definition,.lenient{color:#555;font-size:.9rem}.inconsistent{color:#a30}
.directness{font-size:.9rem;color:#333}q.passage{font-style:italic;color:#333}small{color:#555}ul{margin:.3rem 0}
"""

KINDS = (("csv", "CSV (tumour-board columns, one row per lesion)"), ("turtle", "Turtle patient graph"),
         ("fhir", "FHIR R4 mCODE Bundle (JSON)"), ("ndjson", "FHIR bulk NDJSON"))


def href(term) -> str:
    """The link of a term: its term page for a project IRI, the IRI itself otherwise."""
    name = curie(term) if isinstance(term, URIRef) else str(term)
    if name.startswith("<"):
        return escape(str(term))
    return "/term/" + escape(name)


def link(term, text: str | None = None) -> str:
    name = curie(term) if isinstance(term, URIRef) else str(term)
    return f'<a href="{href(term)}">{escape(text or name)}</a>'


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width"><style>{STYLE}</style></head><body>'
            f'<h1><a href="/">sarcoma-kg</a> · {escape(title)}</h1>{body}</body></html>')


def forms(max_bytes: int, text: str = "", kind: str = "csv") -> str:
    options = "".join(f'<option value="{k}"{" selected" if k == kind else ""}>{escape(v)}</option>' for k, v in KINDS)
    lesion_rows = "".join(
        f'<tr><td>{i}</td><td><input name="lesion_site_{i}" placeholder="Liver or SNOMEDCT:10200004"></td>'
        f'<td><input name="lesion_diameter_mm_{i}" size="6"></td><td><input name="detection_date_{i}" type="date"></td>'
        f'<td><select name="lesion_amenable_radical_{i}"><option></option><option>yes</option><option>no</option></select></td></tr>'
        for i in range(1, FORM_LESIONS + 1))
    return f"""
<form id="paste-form" method="post" action="/check">
 <h2>Paste or upload a patient</h2>
 <label>Input <select name="kind" id="kind">{options}</select></label>
 <label>or a file <input type="file" id="upload" accept=".csv,.ttl,.json,.ndjson"></label>
 <input type="hidden" name="name" id="name" value="">
 <textarea name="text" id="text" placeholder="patient_id,primary_histology,lesion_site,lesion_diameter_mm&#10;P1,NCIT:C3158,Liver,20">{escape(text)}</textarea>
 <button type="submit" id="submit-paste">Check</button> <small>at most {max_bytes // 1024} KiB; nothing is kept after the answer</small>
</form>
<form id="patient-form" method="post" action="/check">
 <h2>Or fill in a patient</h2><input type="hidden" name="kind" value="form">
 <fieldset><label>Identifier <input name="patient_id" value="P1" required></label>
 <label>Histology <input name="primary_histology" placeholder="Leiomyosarcoma or NCIT:C3158"></label>
 <label>Primary site <input name="primary_site" placeholder="Retroperitoneum"></label>
 <label>Diagnosis <input name="diagnosis_date" type="date"></label>
 <label>ECOG <input name="ecog" size="2"></label>
 <label>Diffuse serosal involvement <select name="diffuse_serosal_involvement"><option></option><option>yes</option><option>no</option></select></label></fieldset>
 <table><tr><th>lesion</th><th>site</th><th>longest diameter (mm)</th><th>detected</th><th>amenable to radical treatment</th></tr>{lesion_rows}</table>
 <button type="submit" id="submit-form">Check</button>
</form>
<script>
document.getElementById('upload').addEventListener('change', function (e) {{
  var file = e.target.files[0]; if (!file) return;
  var reader = new FileReader();
  reader.onload = function () {{
    document.getElementById('text').value = reader.result;
    document.getElementById('name').value = file.name;
    var n = file.name.toLowerCase(), kind = document.getElementById('kind');
    kind.value = n.endsWith('.ndjson') ? 'ndjson' : n.endsWith('.json') ? 'fhir' : n.endsWith('.csv') ? 'csv' : 'turtle';
    document.getElementById('upload').dataset.loaded = file.name;
  }};
  reader.readAsText(file);
}});
</script>"""


def errors_html(errors: list[str]) -> str:
    if not errors:
        return ""
    return '<section id="errors"><h2>Input errors</h2>' + "".join(
        f'<div class="error">error: {escape(e)}</div>' for e in errors) + "</section>"


def _verdicts(patient: dict) -> str:
    heads = "".join(f"<th>{link(a['definition'])}</th>" for a in patient["assessments"])
    cells = "".join(f'<td class="verdict v-{escape(a["verdict"].split(":")[-1])}">{escape(a["verdictLabel"])}</td>'
                    for a in patient["assessments"])
    reasons = "".join("<td><ul>" + "".join(f"<li>{escape(r)}</li>" for r in a["reasons"]) + "</ul></td>"
                      for a in patient["assessments"])
    missing = "".join("<td><ul>" + "".join(f"<li>{escape(m)}</li>" for m in a["missingFacts"]) + "</ul></td>"
                      for a in patient["assessments"])
    unchecked = "".join('<td><ul class="not-checked">' + "".join(f"<li>{escape(c)}</li>" for c in not_checked_shown(a))
                        + "</ul></td>" for a in patient["assessments"])
    return (f'<table class="verdicts"><tr><th>definition</th>{heads}</tr><tr><th>verdict</th>{cells}</tr>'
            f'<tr><th>reasons</th>{reasons}</tr><tr><th>missing facts</th>{missing}</tr>'
            f'<tr><th>not checked</th>{unchecked}</tr></table>')


def _facts(patient: dict) -> str:
    count = patient["lesionCount"] if patient["lesionCount"] is not None else "unknown"
    sites = ", ".join(link(s) for s in patient["organSites"]) or "none"
    timing = link(patient["timing"]) if patient["timing"] else "unknown"
    problems = "".join(f'<li class="{f["severity"]}">{escape(f["severity"])}: {escape(f["message"])}</li>'
                       for f in patient["violations"] + patient["warnings"])
    note = outside_population_note(patient)
    return (f'<p class="facts">lesions: <b class="lesion-count">{escape(str(count))}</b> · organ sites: {sites}'
            f" · timing: {timing}</p>" + (f'<p class="outside">{escape(note)}</p>' if note else "")
            + (f"<ul>{problems}</ul>" if problems else ""))


def iri(name: str) -> URIRef | None:
    """The IRI of a CURIE of the project's prefixes (``outcome:Falk2015-os-5y``), or None."""
    prefix, _, local = name.partition(":")
    namespace = PREFIXES.get(prefix)
    return URIRef(str(namespace) + local) if namespace is not None and local else None


def _passage(graph: Graph, term) -> str:
    """The seed passage ``term`` (a recommendation or a figure) was read from, quoted as its term page states it."""
    quote = graph.value(term, SKG.sourceQuote) if term is not None else None
    return f'<q class="passage">{escape(str(quote))}</q>' if quote is not None else ""


def _figure(o: Outcome, graph: Graph) -> str:
    """One figure in the words of ``recommend`` (statistic, value, CI, p, comparison, n/N, the inconsistency
    flag), a link to its term page, then the seed passage it was read from and the seed section (a link)."""
    node = iri(o.outcome)
    words = figure_words(o)
    text = link(node, words) if node is not None else escape(words)
    sources = ", ".join(link(URIRef(s), "seed " + curie(URIRef(s))) for s in o.sources)
    passage = _passage(graph, node)
    css = "outcome inconsistent" if o.inconsistent_as_printed else "outcome"
    return (f'<li class="{css}">{text}' + (f" {passage}" if passage else "")
            + (f" <small>← {sources}</small>" if sources else "") + "</li>")


def _study(e: StudyEvidence, graph: Graph) -> str:
    """One evidence line: the study (a link), its designs and size, how directly it bears, its figures."""
    who, extra = study_words(e)
    head = (f'<a class="evidence" href="{href(e.study)}">{escape(e.label + (f" ({who})" if who else ""))}</a>'
            if e.study else escape(e.label))
    direct = directness_words(e)
    directness = (f'<div class="directness">directness: {escape(direct)}'
                  + (f" <small>{escape(e.directness_note)}</small>" if e.directness_note else "") + "</div>"
                  if direct else "")
    figures = "".join(_figure(o, graph) for o in e.outcomes) + "".join(
        f'<li class="association">association reported: {escape(figure_words(o))}</li>' for o in e.associations)
    return (f'<li class="study">{head}' + (f" <small>{escape(extra)}</small>" if extra else "") + directness
            + (f"<ul>{figures}</ul>" if figures else "") + "</li>")


def _links(curies: list[str]) -> str:
    return ", ".join(link(c) for c in curies)


def _rec(r: RecommendationResult, graph: Graph, css: str) -> str:
    """One recommendation as ``recommend`` judged it: heading, text, seed passage, why, population, definition
    assumed, branch, range, conflicts, every condition left to confirm (what its class does not check among
    them), evidence."""
    passage = _passage(graph, r.rec)
    lines = [f"<div>{escape(r.text)}</div>",
             f'<div class="meta">seed passage: {passage}</div>' if passage else "",
             f'<div class="meta why">why: {escape(r.reason)}</div>']
    if r.outside_population:
        lines.append(f'<div class="outside">outside the population: &ldquo;{escape(r.population)}&rdquo;</div>')
    for kind, words, named, after in rec_notes(r):
        lines.append(f'<div class="{kind}">{escape(words)}' + (f" {_links(named)}" if named else "")
                     + f"{escape(after)}</div>")
    studies = "".join(_study(e, graph) for e in r.evidence)
    if studies:
        lines.append(f'<ul class="evidence-list">{studies}</ul>')
    return (f'<div class="rec {css}" data-notation="{escape(r.notation)}" data-status="{escape(r.status)}">'
            f'<b>{link(r.rec, r.notation)}</b> [{escape(r.direction or "for")}] '
            f'<span class="meta">{escape(meta_words(r))}</span>{"".join(lines)}</div>')


def _recommendations(pr: PatientRecommendations, graph: Graph) -> str:
    lists = ((f"Recommendations that apply ({len(pr.applicable)})", "applicable", "yes", pr.applicable),
             (f"To confirm: would apply once the facts below are recorded and hold ({len(pr.to_confirm)})",
              "to-confirm", "maybe", pr.to_confirm),
             (f"Do not apply ({len(pr.does_not_apply)})", "not-applicable", "no", pr.does_not_apply))
    return "".join(f'<h3>{escape(title)}</h3><div class="{kind}">' + "".join(_rec(r, graph, css) for r in recs)
                   + "</div>" for title, kind, css, recs in lists)


def answer_html(answer: Answer, knowledge: Graph) -> str:
    parts = [errors_html(answer.errors)]
    recs = {curie(pr.patient): pr for pr in answer.recommendations}
    for patient in (answer.validation or {}).get("patients", []):
        pid = patient["id"]
        notes = "".join(f"<li>{escape(n)}</li>" for n in answer.notes.get(pid, []))
        parts.append(f'<section class="patient" id="patient-{escape(pid)}"><h2>{escape(pid)} '
                     f"<small>({escape(answer.name)})</small></h2>{_facts(patient)}"
                     + (f'<ul class="notes">{notes}</ul>' if notes else "") + _verdicts(patient)
                     + (_recommendations(recs[pid], knowledge) if pid in recs else "") + "</section>")
    if answer.unmapped:
        rows = "".join(f"<tr><td>{escape(r.resource)}</td><td>{escape(r.element)}</td><td>{escape(r.code or '')}"
                       f"{' ' + escape(repr(r.display)) if r.display else ''}</td><td>{escape(r.reason)}</td></tr>"
                       for r in answer.unmapped)
        parts.append(f'<section id="unmapped"><h2>Not mapped from the record ({len(answer.unmapped)})</h2>'
                     f"<table><tr><th>resource</th><th>element</th><th>code</th><th>reason</th></tr>{rows}</table></section>")
    return "".join(parts)


def term_html(term: URIRef, graph: Graph) -> str:
    rows = []
    for p, o in sorted(graph.predicate_objects(term), key=lambda po: (curie(po[0]), str(po[1]))):
        value = escape(str(o)) if isinstance(o, Literal) else link(o, label(graph, o)) if isinstance(o, URIRef) else "…"
        rows.append(f"<tr><th>{link(p)}</th><td>{value}</td></tr>")
    used = sorted({s for s in graph.subjects(None, term) if isinstance(s, URIRef)}, key=str)[:50]
    back = "".join(f"<li>{link(s, label(graph, s))}</li>" for s in used)
    return (f'<p><code>{escape(str(term))}</code></p><table id="term">{"".join(rows)}</table>'
            + (f"<h2>Used by</h2><ul>{back}</ul>" if back else ""))
