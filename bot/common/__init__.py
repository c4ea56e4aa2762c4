"""Foundations every layer may use: configuration, paths, text folding, translations, vocabularies,
log masking, metrics."""
