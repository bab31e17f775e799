"""`newsclaims build --engine ray`: the per-document stage on Ray Data, for corpora beyond one machine.

Ray Data runs the very function the local engine runs (for a build, `dataset.stage.process_batch`)
with `map_batches` over the items; each task returns what the function returns for its batch. The
driver receives the results in input order (`preserve_order`), so both engines give the same files. Connects to the cluster named by
RAY_ADDRESS when set, else starts a local Ray instance. Needs the extra: pip install 'newsclaims[ray]'.
"""

from __future__ import annotations

import logging
import pickle
import warnings
from collections.abc import Iterator
import pyarrow as pa

from ..errors import UsageError
from .local import BATCH_ITEMS, default_workers


class _Stage:
    """The callable class Ray Data instantiates once per worker: holds the function and its context."""

    def __init__(self, function, context):
        self.function, self.context = function, context

    def __call__(self, batch: pa.Table) -> pa.Table:
        items = [pickle.loads(blob) for blob in batch.column("item").to_pylist()]
        result = self.function(self.context, items)
        # One opaque row per input batch: the driver unpickles it.
        return pa.table({"result": pa.array([pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)], pa.large_binary())})


def run_ray(function, context, items: list, workers: int | None = None) -> Iterator:
    """function(context, batch) over batches of items on Ray Data, results in input order (as run_local)."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise UsageError("--engine ray needs Ray Data: pip install 'newsclaims[ray]'") from None
    # Ray Data logs each execution at INFO on stderr: keep the build's output its own (Ray's full logs
    # stay in its session folder).
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    started_here = not ray.is_initialized()
    if started_here:
        # A local instance unless RAY_ADDRESS names a cluster; quiet, no dashboard.
        ray.init(num_cpus=workers or default_workers(), include_dashboard=False, log_to_driver=False,
                 logging_level=logging.ERROR, ignore_reinit_error=True)
    try:
        data_context = ray.data.DataContext.get_current()
        data_context.execution_options.preserve_order = True  # shards must not depend on task timing
        data_context.enable_progress_bars = False
        # Items of any (picklable) shape: one pickled item per row.
        listing = pa.table({"item": pa.array([pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items], pa.large_binary())})
        dataset = ray.data.from_arrow(listing)
        with warnings.catch_warnings():  # Ray >= 2.60 wants max_restarts as a named parameter it does not have yet
            warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
            results = dataset.map_batches(_Stage, fn_constructor_kwargs={"function": function, "context": context}, batch_size=BATCH_ITEMS,
                                          batch_format="pyarrow", zero_copy_batch=True,
                                          compute=ray.data.ActorPoolStrategy(min_size=1, max_size=workers or default_workers()),
                                          # A worker that dies fails the build, as a local one does (run it again):
                                          # restartable actors whose arguments sit in the object store (Ray Data's
                                          # own) make Ray's core worker log an error line on every run (ray#53727).
                                          max_restarts=0)
        for batch in results.iter_batches(batch_size=None, batch_format="pyarrow"):
            for blob in batch.column("result").to_pylist():
                yield pickle.loads(blob)
    finally:
        if started_here:
            ray.shutdown()
