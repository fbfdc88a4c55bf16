"""Tinos (metrically Times New Roman) for the PDFs, served from node_modules/@fontsource/tinos.

No font file is kept in the repository: `npm ci` installs the package. The latin,
latin-ext and vietnamese subsets are declared as three font families, not as one family
split by unicode-range: WeasyPrint names a PDF font after its family, style and weight
only, so subsets of one family would be merged into one PDF font and show wrong glyphs.
The font stack lists the three families; each character comes from the first that has it.
The .woff files are used rather than .woff2: WeasyPrint converts web fonts with fontTools,
whose pure-Python woff2 decoding takes ~0.8 s for the twelve files, against ~0.1 s for woff.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REPO_DIR = Path(__file__).resolve().parents[3]
SUBSET_FAMILIES = {"latin": "Tinos", "vietnamese": "Tinos Vietnamese", "latin-ext": "Tinos Latin Ext"}
FONT_STACK = ", ".join(f"'{family}'" for family in SUBSET_FAMILIES.values())


class FontsMissing(RuntimeError):
    pass


def node_modules_dir() -> Path:
    """`settings.NODE_MODULES` when Django is configured, else `<repo>/node_modules`."""
    try:
        from django.conf import settings

        configured = getattr(settings, "NODE_MODULES", None)
    except ImproperlyConfigured:  # used outside Django (pure tests, scripts)
        configured = None
    return Path(configured) if configured else REPO_DIR / "node_modules"


def tinos_dir() -> Path:
    package = node_modules_dir() / "@fontsource" / "tinos"
    if not (package / "files").is_dir():
        raise FontsMissing(
            f"Không tìm thấy phông chữ Tinos ({package}). Hãy chạy `npm ci` ở thư mục gốc của dự án "
            f"để cài các gói front-end. / Tinos font not found: run `npm ci` in the project root."
        )
    return package


def font_face_css() -> str:
    """@font-face rules for the three subsets in weights 400/700, normal and italic."""
    package = tinos_dir()
    ranges_file = package / "unicode.json"
    ranges = json.loads(ranges_file.read_text(encoding="utf-8")) if ranges_file.is_file() else {}
    rules = []
    for subset, family in SUBSET_FAMILIES.items():
        for weight in (400, 700):
            for style in ("normal", "italic"):
                path = package / "files" / f"tinos-{subset}-{weight}-{style}.woff"
                if not path.is_file():
                    raise FontsMissing(f"Thiếu tệp phông {path}. Hãy chạy lại `npm ci`.")
                unicode_range = f" unicode-range: {ranges[subset]};" if subset in ranges else ""
                rules.append(
                    f"@font-face {{ font-family: '{family}'; font-weight: {weight}; font-style: {style};"
                    f" src: url('{path.as_uri()}') format('woff');{unicode_range} }}"
                )
    return "\n".join(rules)


#: the PostScript name of each subset's fonts as drawn by reportlab (`reportlab_tinos`): distinct,
#: since a PDF font is named after it and its embedded file and ToUnicode map are kept by name
SUBSET_SUFFIXES = {"latin": "", "vietnamese": "-Vietnamese", "latin-ext": "-LatinExt"}
_reportlab_fonts: dict[bool, list[tuple[str, frozenset[int]]]] = {}


def reportlab_tinos(bold: bool = False) -> list[tuple[str, frozenset[int]]]:
    """Tinos (normal style, 400 or 700) registered with reportlab, once per process: the three
    subsets in the font stack's order, each as (its reportlab font name, the code points it has);
    a character is drawn in the first that has it. The .woff files are read with fontTools and
    handed over as TrueType (reportlab reads no web font), with no shaping tables (reportlab does not
    shape: text is drawn precomposed, NFC)."""
    if bold not in _reportlab_fonts:
        import io

        from fontTools.ttLib import TTFont as WebFont
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        weight, style = (700, "Bold") if bold else (400, "Regular")
        fonts = []
        for subset, suffix in SUBSET_SUFFIXES.items():
            path = tinos_dir() / "files" / f"tinos-{subset}-{weight}-normal.woff"
            if not path.is_file():
                raise FontsMissing(f"Thiếu tệp phông {path}. Hãy chạy lại `npm ci`.")
            font = WebFont(path)
            font.flavor = None
            for tag in ("GSUB", "GPOS", "GDEF"):
                if tag in font:
                    del font[tag]
            font["name"].setName(f"Tinos{suffix}-{style}", 6, 3, 1, 0x409)
            font["name"].setName(f"Tinos{suffix}-{style}", 6, 1, 0, 0)
            data = io.BytesIO()
            font.save(data)
            data.seek(0)
            name = f"Tinos{suffix}-{style}"
            pdfmetrics.registerFont(TTFont(name, data))
            fonts.append((name, frozenset(font.getBestCmap())))
        _reportlab_fonts[bold] = fonts
    return _reportlab_fonts[bold]
