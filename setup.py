"""The package is described in pyproject.toml; this file only adds the optional C speed-ups of validation
(src/newsclaims/validation/_fastcheck.c). `optional=True`: without a C compiler the install still succeeds, and
validation runs their Python twins: the same answers, with validation taking about 1.3 times as long."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newsclaims.validation._fastcheck", sources=["src/newsclaims/validation/_fastcheck.c"], optional=True)])
