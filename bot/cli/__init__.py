"""The command line (`python -m bot ...`) and the console chat."""
