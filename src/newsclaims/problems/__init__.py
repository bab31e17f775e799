"""Problem records: what every check reports instead of raising (record.py), the catalogue of their
codes (codes.py), their text and JSON rendering (render.py) and docs/errors.md (docs.py)."""

from .codes import BUILD, CATALOGUE, CONTENT, ERROR, INTEROP, LEVEL_NAMES, PARSE, REFERENCES, SCHEMA, WARNING, Code
from .record import Problem, errors_of, has_errors, json_pointer, problem, shown_path
from .render import render_problems

__all__ = ["BUILD", "CATALOGUE", "CONTENT", "ERROR", "INTEROP", "LEVEL_NAMES", "PARSE", "REFERENCES", "SCHEMA", "WARNING", "Code",
           "Problem", "errors_of", "has_errors", "json_pointer", "problem", "render_problems", "shown_path"]
