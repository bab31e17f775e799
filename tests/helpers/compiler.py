"""The package's C extensions (validation/_fastcheck.c, dataset/_fasttokens.c) are optional: pip builds
them when it finds a C compiler and gives up quietly when not. Their tests say so when the build
failed where it should not have, and skip where there is no compiler."""

from __future__ import annotations

import shutil
import sysconfig

import pytest


def skip_without_c_compiler(instead: str) -> None:
    """Skip the calling test when Python's C compiler is absent; `instead`: what runs then."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): {instead}")
