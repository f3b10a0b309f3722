"""Where the stylesheets, the DOCX reference template and the map styles live."""

from pathlib import Path

#: The repository's ``styles/`` folder (CSS, reference.docx, maps.yml).
STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"
