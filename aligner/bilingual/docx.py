"""Word documents (``.docx``) as monolingual input to ``compare``: the text of every
paragraph in body order (table cells included, row by row), one paragraph per line,
so offsets are into that text. Read with python-docx (its lxml parser does not
resolve entities); the zip is checked first so a compressed bomb is refused before
anything is inflated."""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError

MAX_INFLATED = 256 * 1024 * 1024


def is_docx(data: bytes, path: str) -> bool:
    return data.startswith(b"PK\x03\x04") and (path.lower().endswith(".docx") or b"word/document.xml" in data[:65536])


def docx_text(data: bytes, name: str) -> str:
    """The paragraphs of a .docx, joined by newlines; InputError for a broken file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_INFLATED:
                raise InputError(f"{name}: the Word document inflates to more than {MAX_INFLATED // 2**20} MB")
            if "word/document.xml" not in zf.namelist():
                raise InputError(f"{name}: a zip archive without word/document.xml, not a Word document")
    except zipfile.BadZipFile as exc:
        raise InputError(f"{name}: not a valid Word document ({exc})") from None
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on damaged packages
        raise InputError(f"{name}: not a valid Word document ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(line for line in lines if line.strip()) + "\n"
