"""
Writes of stats, one module per part.

- ``facts.py``: fact rows recomputed from the source objects and the
  rollups kept by deltas (事实与汇总);
- ``rollup.py``: the incremental run from the audit events after the
  cursor, and the rebuild (增量汇总、重建).
"""
