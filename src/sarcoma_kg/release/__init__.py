"""Release: the ontology and knowledge base assembled, checked and written to dist/."""
