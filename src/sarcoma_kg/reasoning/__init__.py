"""Reasoning: the OWL view, DL reasoners, classification and recommendations."""
