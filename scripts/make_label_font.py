"""Make assets/fonts/noto-sans-arabic-labels.woff2: the Arabic glyphs the live map's labels need.

MapLibre (6.x, in plotly.js) shapes Arabic itself, into the presentation forms (U+FB50-FDFF, U+FE70-FEFF), and draws
each glyph from the font the style's `font-faces` names (dashboard/render/style.py LABEL_FONT_FACES). This keeps
those forms and the basic Arabic letters of Noto Sans Arabic (SIL Open Font License 1.1, Debian's fonts-noto-core).

    python scripts/make_label_font.py [path/to/NotoSansArabic-Regular.ttf]

Needs fontTools and Brotli (requirements-dev.txt).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
TARGET = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "noto-sans-arabic-labels.woff2"
UNICODES = "U+0020,U+0600-06FF,U+FB50-FDFF,U+FE70-FEFF"


def main(source: Path = SOURCE) -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    subset.main([
        str(source), f"--unicodes={UNICODES}", f"--output-file={TARGET}", "--layout-features=", "--no-hinting",
        "--desubroutinize", "--flavor=woff2", "--name-IDs=*", "--drop-tables+=GSUB,GPOS,GDEF",
    ])  # fmt: skip
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
