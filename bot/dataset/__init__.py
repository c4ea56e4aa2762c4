"""The canonical JSON dataset: its format (schema), validation, loading into and export from the database."""
