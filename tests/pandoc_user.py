"""A document written for pandoc, not for this project: what a pandoc user brings.

Title block, relative links, a heading called "Footnotes", raw HTML tables with ids
(one repeated), raw LaTeX, footnotes, a dangling #anchor, images small and large (drawn
here, not copied from anywhere).
"""

from __future__ import annotations

from pathlib import Path

TEXT = r"""% Field Notes on the Lachin Corridor
% A. Reporter; B. Editor
% 2023-09-19

Armenia and Azerbaijan fought over Nagorno-Karabakh for three decades.[^one] This
document was written for pandoc: see the [previous report](previous.html), the
[index](/reports/), the [contact page](contact.md#desk) and an [empty link]().

# Background

The road through the Lachin Corridor was the only link to Armenia.[^two]
See [the table below](#casualties) and [a missing section](#nowhere).

![A small sketch map, 250 pixels wide](small.png)

## Timeline

\begin{tabular}{ll}
2020 & war \\
2023 & operation \\
\end{tabular}

Events are cited as in the literature \cite{smith2023} and continue here.

<table id="casualties">
<caption>Reported figures</caption>
<thead><tr><th>Date</th><th>Figure</th></tr></thead>
<tbody>
<tr><td>19 September</td><td>operation begins</td></tr>
<tr><td>20 September</td><td>ceasefire</td></tr>
</tbody>
</table>

<div id="casualties">A second block that repeats the id.</div>

### Sources

![A large photograph, 4000 by 3000 pixels](large.png)

# Footnotes

This heading is the author's, not the notes section.[^three]

# Aftermath

![A medium image, 900 pixels wide](medium.jpg)

Most of the population left within a week.

[^one]: The conflict began in 1988.
[^two]: It runs from Goris to Khankendi.
[^three]: A note under the "Footnotes" heading.
"""


def write_pandoc_user_document(folder: Path) -> Path:
    """Write the document and its images into ``folder``; return the Markdown file."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    for name, size, mode in (("small.png", (250, 160), "RGB"), ("large.png", (4000, 3000), "RGB"),
                             ("medium.jpg", (900, 600), "RGB")):
        image = Image.new(mode, size, (236, 232, 220))
        draw = ImageDraw.Draw(image)
        w, h = size
        for i in range(0, w, max(1, w // 20)):
            draw.line([(i, 0), (w - i, h)], fill=(40, 70, 120), width=max(1, w // 400))
        draw.rectangle([w // 4, h // 4, 3 * w // 4, 3 * h // 4], outline=(160, 30, 30),
                       width=max(2, w // 200))
        image.save(folder / name, quality=90) if name.endswith(".jpg") else image.save(
            folder / name)
    path = folder / "field-notes.md"
    path.write_text(TEXT, "utf-8")
    return path
