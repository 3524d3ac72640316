"""SPARQL: query backends, the query catalogue, the server and Graph Store upload."""
