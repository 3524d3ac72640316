"""Release: the ontology and knowledge base assembled, checked, written to dist/ with their documentation pages."""
