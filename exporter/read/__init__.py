"""Read: the author's files in, one ``Document`` out.

Takes a Markdown source with YAML front-matter (or a collection file naming several) and
gives a validated ``Document``: typed metadata, pandoc's AST, images as resources,
every mistake located by file and line. Knows no output format.
"""
