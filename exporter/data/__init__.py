"""Package data: the built-in house style (``styles``), the sample article (``sample``)
and the hyphenation patterns Pyphen lacks (``hyphenation``, see its README).

The first two are symbolic links to the repository's top-level ``styles/`` and
``source/``, the one place they are edited; setuptools follows the links when it builds
a wheel, so an installed exporter carries copies (see ``[tool.setuptools.package-data]``).
"""
