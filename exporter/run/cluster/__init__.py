"""Building on a cluster (Dask): self-contained inputs, worker tasks, the executor."""
