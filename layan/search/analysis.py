"""Text analysis shared by indexing and querying: the same function for both, per language.

`analyze(text, language)` folds case, width (NFKC) and diacritics, then handles each run of the
text by its script, so mixed-language text works token by token:
- Han runs are segmented with jieba's dictionary (rjieba, search mode) and also indexed one
  character at a time, so a one- or two-character query still finds its article.
- Other letter/digit runs are words: slang and abbreviations are rewritten from
  `data/synonyms.txt`, then stemmed (Sastrawi for Indonesian, Snowball English otherwise).
No character class is ever dropped from a query: anything that is not a letter, digit or Han
character is a separator, never a reason to fail.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import rjieba
import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# CJK Unified Ideographs (+ extension A, compatibility, extensions B-F).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
# Kana and Hangul have no dictionary here: their characters are indexed one by one.
OTHER_CJK = "\u3040-\u30ff\uac00-\ud7af"
HAN_CHARACTER = re.compile(f"[{HAN}]")
RUN = re.compile(rf"(?P<han>[{HAN}]+)|(?P<cjk>[{OTHER_CJK}]+)|(?P<word>[^\W_{HAN}{OTHER_CJK}]+)")
MAX_TERM = 64
SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"


def fold(text: str) -> str:
    """NFKC (full-width -> ASCII), case folding, and Latin diacritics removed (é -> e)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


@functools.cache
def synonyms() -> dict[str, dict[str, tuple[str, ...]]]:
    """language -> word -> replacement words, from data/synonyms.txt."""
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    section = "*"
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif "=" in line:
            word, replacement = (part.strip() for part in line.split("=", 1))
            table.setdefault(section, {})[fold(word)] = tuple(fold(replacement).split())
    return table


@functools.cache
def _english() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@functools.cache
def _indonesian() -> object:
    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    if word.isdigit() or len(word) < 3:
        return word
    if language == "id":
        # Sastrawi restores the root after prefixes (pengiriman, dikirim, kiriman -> kirim),
        # which Snowball's Indonesian stemmer does not.
        stemmed = str(_indonesian().stem(word))  # type: ignore[attr-defined]
        return stemmed or word
    return str(_english().stemWord(word))


def _words(run: str, language: str) -> Iterator[str]:
    table = synonyms()
    replacement = table.get(language, {}).get(run) or table.get("*", {}).get(run)
    yield from replacement or (run,)


# Chinese question words and particles: in a short help center every article that asks
# "怎么…?" shares them, so "怎么退货" matched every article and "怎么付款" put "运费怎么计算" first.
# The ranking weighs them lightly and lists no article that has only them (search.engine).
CHINESE_QUERY_NOISE = frozenset(
    {
        "怎么",
        "怎样",
        "怎么样",
        "如何",
        "什么",
        "为什么",
        "哪些",
        "哪个",
        "哪里",
        "哪儿",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "的",
        "了",
        "我",
        "我的",
        "你",
        "你们",
        "您",
        "请问",
        "一下",
        "是",
        "要",
        "想",
        "能",
        "可以",
        "该",
        "应该",
    }
)


def analyze(text: str, language: str, *, query: bool = False) -> list[str]:
    """Terms of `text`, written in `language` ("en", "id", "zh-hans"), in order.

    Documents also index every Han character on its own, so a one- or two-character query
    ("账", "运费") still finds articles whose segmentation differs; a query adds single
    characters only for such short runs, because for longer ones the words match and the
    frequent characters would only cost time.
    """
    terms: list[str] = []
    for match in RUN.finditer(fold(text)):
        run = match.group(0)
        if match.lastgroup == "han":
            words = [w for w in rjieba.cut_for_search(run) if w.strip()]
            terms.extend(words)
            if len(run) > 1 and (not query or len(run) <= 2):
                terms.extend(ch for ch in run if ch not in words)
        elif match.lastgroup == "cjk":
            terms.extend(run)
        else:
            terms.extend(stem(word, language) for word in _words(run, language))
    return [term[:MAX_TERM] for term in terms]


def query_words(text: str) -> list[str]:
    """The surface words of a query (folded), for highlighting matches in a snippet."""
    words: list[str] = []
    for match in RUN.finditer(fold(text)):
        run = match.group(0)
        if match.lastgroup == "han":
            words.extend(w for w in rjieba.cut(run) if w.strip())
        else:
            words.append(run)
    return words


# Frequent function words: enough to tell Indonesian from English in a sentence or two.
_FUNCTION_WORDS = {
    "en": frozenset(
        [
            "the",
            "and",
            "is",
            "are",
            "was",
            "were",
            "to",
            "of",
            "in",
            "on",
            "for",
            "with",
            "my",
            "your",
            "you",
            "i",
            "it",
            "this",
            "that",
            "have",
            "has",
            "not",
            "can",
            "could",
            "would",
            "please",
            "thanks",
            "thank",
            "hello",
            "hi",
            "when",
            "where",
            "what",
            "why",
            "how",
            "order",
            "be",
            "do",
            "does",
            "did",
            "will",
            "from",
            "at",
            "an",
            "a",
        ]
    ),
    "id": frozenset(
        [
            "yang",
            "dan",
            "di",
            "ke",
            "dari",
            "ini",
            "itu",
            "saya",
            "kami",
            "kita",
            "anda",
            "tidak",
            "belum",
            "sudah",
            "bisa",
            "untuk",
            "dengan",
            "ada",
            "apa",
            "kapan",
            "bagaimana",
            "kenapa",
            "mohon",
            "tolong",
            "terima",
            "kasih",
            "pesanan",
            "barang",
            "sampai",
            "juga",
            "akan",
            "atau",
            "karena",
            "jika",
            "kalau",
            "sih",
            "nya",
            "gak",
            "nggak",
            "dong",
            "ya",
            "halo",
            "selamat",
            "pagi",
            # Question words and chat forms, which short questions are made of.
            "berapa",
            "apakah",
            "mana",
            "dimana",
            "gimana",
            "bisakah",
            "lama",
            "udah",
            "kak",
        ]
    ),
}
_LATIN_WORD = re.compile(r"[a-z]+")


def detect_language(text: str, candidates: list[str]) -> str:
    """The most likely of `candidates` ("en", "id", "zh-hans") for free text, or "".

    Han characters decide Chinese; otherwise function words decide between English and
    Indonesian. Cheap and predictable, which is what routing and analysis need.
    """
    sample = fold(text[:4000])
    han = len(HAN_CHARACTER.findall(sample))
    latin_words = _LATIN_WORD.findall(sample)
    if "zh-hans" in candidates and han and han * 2 >= len(latin_words):
        return "zh-hans"
    scores = {
        code: sum(1 for word in latin_words if word in words)
        for code, words in _FUNCTION_WORDS.items()
        if code in candidates
    }
    if not scores or max(scores.values()) == 0:
        return ""
    return max(scores, key=lambda code: scores[code])
