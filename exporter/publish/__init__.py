"""Publishing: what sits beside the editions, and the checks that vouch for them.

Takes built editions and gives the downloads folder (page, OPDS catalogue, manifest,
checksums, signature, bundle), EPUBCheck's verdict before an EPUB replaces another, and
the reports of ``exporter check`` and ``exporter verify``.
"""
