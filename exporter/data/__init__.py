"""Package data: the built-in house style (``styles``) and the sample article (``sample``).

Both are symbolic links to the repository's top-level ``styles/`` and ``source/``, the
one place they are edited; setuptools follows the links when it builds a wheel, so
an installed exporter carries copies (see ``[tool.setuptools.package-data]``).
"""
