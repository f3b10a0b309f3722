"""The house style: how a project's editions look.

Takes the project folder (``exporter.yml``, ``styles/``) and gives a ``HouseStyle``:
stylesheets, DOCX template, map style, theme, paper sizes and typefaces, read by every
later stage.
"""
