"""Strip the quoted earlier mail and the signature from a reply, leaving what the sender wrote.

Mail clients mark the start of the quote differently; these are the ones our customers use:
Gmail and Apple Mail ("On … wrote:", "Pada … menulis:", "在 … 写道："), Outlook ("-----Original
Message-----", "-----邮件原件-----", or a From:/Sent: header block in any of the three languages),
and `>`-quoted tails. The full text is always kept beside the visible part.
"""

from __future__ import annotations

import re

_ATTRIBUTION = [
    re.compile(r"^On\b.{0,300}\bwrote:?$", re.IGNORECASE),
    re.compile(r"^Pada\b.{0,300}\bmenulis:?$", re.IGNORECASE),
    re.compile(r"^Le\b.{0,300}\ba écrit ?:?$", re.IGNORECASE),
    re.compile(r"^在.{0,300}(写道|寫道)[:：]?$"),
    re.compile(r"^.{0,200}(于|於).{0,200}(写道|寫道)[:：]?$"),
]
_SEPARATOR = re.compile(
    r"^[-_=]{2,}\s*(Original Message|Pesan Asli|Pesan Asal|邮件原件|原始邮件|原始郵件|"
    r"Reply above this line|Balas di atas baris ini|请在此行上方回复)\s*[-_=]*$",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"^_{10,}$")
_HEADER_FROM = re.compile(r"^\*?(From|Dari|发件人|寄件者|發件人)\s*[:：]", re.IGNORECASE)
_HEADER_OTHER = re.compile(
    r"^\*?(Sent|Date|To|Subject|Cc|Dikirim|Tanggal|Kepada|Perihal|Subjek|"
    r"发送时间|日期|收件人|主题|抄送|寄件日期|傳送時間|收件者|主旨)\s*[:：]",
    re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"^-- ?$")
_MOBILE_FOOTER = re.compile(
    r"^(Sent from my \w+.*|Sent from (Outlook|Mail) for \w+.*|Get Outlook for \w+.*|"
    r"Dikirim dari \w+.*|Kirim dari \w+.*|发自我的\w+.*|从我的\w+发送.*|發自我的\w+.*)$",
    re.IGNORECASE,
)


def _quote_start(lines: list[str]) -> int | None:
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if _SEPARATOR.match(line):
            return index
        # Long attributions wrap: "On Mon, 3 Nov 2026 at 10:02, Budi <budi@…" / "> wrote:".
        candidates = [line]
        if line.lower().startswith(("on ", "pada ", "在", "le ")):
            candidates += [
                " ".join(part.strip() for part in lines[index : index + n]) for n in (2, 3)
            ]
        if any(pattern.match(text) for pattern in _ATTRIBUTION for text in candidates):
            return index
        if _OUTLOOK_RULE.match(line) or _HEADER_FROM.match(line):
            block = [item.strip() for item in lines[index + 1 : index + 6] if item.strip()]
            if (
                _HEADER_FROM.match(line)
                and sum(1 for item in block if _HEADER_OTHER.match(item)) >= 2
            ):
                return index
            if _OUTLOOK_RULE.match(line) and block and _HEADER_FROM.match(block[0]):
                return index
    return None


def visible_text(text: str) -> str:
    """The part of a reply its sender wrote: no quoted history, no signature, no phone footer."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = _quote_start(lines)
    if start is not None:
        lines = lines[:start]
    # A trailing block of "> " lines is the quote of a client that wrote no attribution.
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line):
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or _MOBILE_FOOTER.match(lines[-1].strip())):
        lines.pop()
    visible = "\n".join(lines).strip()
    # A message that is nothing but quote (or an inline reply we cannot split) stays whole.
    return visible or text.strip()
