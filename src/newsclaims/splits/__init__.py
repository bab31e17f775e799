"""Train/validation/test: the assignment (a pure function of salt and group key), corpus/splits.json as
recorded, and the plan of `newsclaims split`. Imports from: errors, problems, project, schema, validation.
"""
