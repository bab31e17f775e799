"""The explorer: a static HTML site of a corpus or a built data/ folder (a page per document with every
span, an overview with distributions and search), rendered with Jinja2 templates shipped as package data
in view/templates and view/static. Imports from: errors, problems, project, schema, validation, dataset.
"""
