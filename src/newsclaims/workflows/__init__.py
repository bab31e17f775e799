"""What each command does, as plain functions that return results and raise errors.py exceptions;
they never print and never return exit codes (cli/ does both). The top of the library: may import any
stage below.
"""
