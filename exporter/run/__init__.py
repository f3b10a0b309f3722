"""Running builds: what is stale, where it is built, and watching for changes.

Takes sources and options from the command line and gives editions written into the
output folder: freshness, the per-source pipeline, local processes or a Dask cluster.
"""
