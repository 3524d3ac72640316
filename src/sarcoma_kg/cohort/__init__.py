"""Cohorts at registry scale: SHACL compiled to SPARQL, chunked runs, a synthetic generator."""
