"""PDFs from HTML with WeasyPrint, and charts drawn as SVG for them with vl-convert.

Every PDF the application writes (certificates, itineraries, reports) is laid out by
WeasyPrint from a template; fonts are the system's DejaVu families the templates name.
"""

from __future__ import annotations

import warnings
from typing import Any


def weasyprint() -> Any:
    """The WeasyPrint module. It warns on import when the system lacks HarfBuzz-Subset; fonts
    are still subset by fontTools, so the warning says nothing about the documents."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*HarfBuzz-Subset.*", category=DeprecationWarning
        )
        import weasyprint as module

    return module


def html_pdf(html: str) -> bytes:
    """The PDF WeasyPrint lays out from ``html`` (a whole document, its CSS inside)."""
    pdf: bytes = weasyprint().HTML(string=html).write_pdf()
    return pdf


def svg_of(spec: dict[str, Any]) -> str:
    """A Vega-Lite specification (as Altair writes it) drawn as SVG, for a PDF: the same
    definition the page draws with vega-embed (decision 0014)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(vl_spec=spec)
    return svg
