"""MkDocs hook: the ontology page of the documentation site, generated from the ontology as the
site builds (the same renderer as the release's docs/ontology.html), so it is never stale."""

from __future__ import annotations

from mkdocs.structure.files import File


def on_files(files, config):
    from sarcoma_kg import __version__, resources
    from sarcoma_kg.namespaces import version_iri
    from sarcoma_kg.rdf import ontology_graph
    from sarcoma_kg.release.build import TERM_FAMILIES
    from sarcoma_kg.release.pages import ontology_body, term_modules

    body = ontology_body(ontology_graph(), title="Ontology page", version=__version__,
                         version_iri=str(version_iri("sarcoma-kg-ontology", __version__)),
                         modules=term_modules(resources.ontology_files()), families=TERM_FAMILIES)
    text = ("<!-- Generated from ontology/*.ttl while the site builds (scripts/mkdocs_hooks.py). -->\n\n"
            + "\n".join(body) + "\n")
    files.append(File.generated(config, "reference/ontology.md", content=text))
    return files
