"""Reasoning: the OWL view, DL reasoners and the OWL 2 DL profile, classification, recommendations and their rendering."""
