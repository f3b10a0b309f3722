"""Import: a document written in another tool (Word's DOCX, LibreOffice's ODT, an HTML
page or a Google Docs zip, Markdown written for pandoc or other tools) in, one article of
the source folder out: Markdown with its front-matter, its pictures beside it, and a
report of what could not be carried over. It makes sources; the build reads them
(``read/``), so it comes after ``read/`` and uses it to read each article back.
"""
