"""Search benchmark: index N mixed en/id/zh documents, then time help-center queries.

    .venv/bin/python bench/search.py [--size 20000] [--queries 300] [--database URL]

Without --database it uses a fresh SQLite file in a temporary folder. The timed queries follow
an untimed warm-up of as many other queries. The last line printed is
one JSON object with the figures (docs/benchmarks.md records them).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from common import setup_django

WORDS = {
    "en": (
        "order shipping delivery refund return payment account password invoice parcel "
        "courier address tracking warranty discount voucher exchange size colour stock "
        "cancel confirm bank transfer card wallet damaged missing late arrive week day "
        "price free cost weight city island store pickup receipt email phone change"
    ).split(),
    "id": (
        "pesanan pengiriman ongkos kirim paket kurir alamat resi pembayaran transfer bank "
        "dompet digital pengembalian dana retur barang rusak hilang terlambat sampai hari "
        "minggu harga gratis berat kota pulau toko ambil struk email telepon ubah batal "
        "konfirmasi garansi diskon voucher tukar ukuran warna stok akun kata sandi tagihan"
    ).split(),
    "zh-hans": (
        "订单 配送 快递 运费 退款 退货 支付 账户 密码 发票 包裹 地址 物流 保修 折扣 优惠券 "
        "换货 尺码 颜色 库存 取消 确认 银行 转账 信用卡 钱包 损坏 丢失 延迟 到达 价格 包邮 "
        "重量 城市 岛屿 门店 自提 收据 邮件 电话 修改 多久 到账 工作日"
    ).split(),
}
JOIN = {"en": " ", "id": " ", "zh-hans": ""}
SYLLABLES = "ka ri mo ta na se lu pe di go ba ke su ra mi to ne la pu wa".split()
HAN = "的一是不了人在有我他这中大来上国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域读"


def vocabulary(rng: random.Random, language: str, size: int = 4000) -> list[str]:
    """Real shop words first (the most frequent), then made-up words to a natural size."""
    words = list(WORDS[language])
    seen = set(words)
    while len(words) < size:
        if language == "zh-hans":
            word = "".join(rng.choice(HAN) for _ in range(rng.choice((2, 2, 3))))
        else:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Corpus:
    """Words drawn with Zipf's law (frequency ~ 1/rank), as in natural text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = {language: vocabulary(rng, language) for language in WORDS}
        self.weights = [1 / rank for rank in range(1, 4001)]

    def text(self, language: str, words: int) -> str:
        chosen = self.rng.choices(self.vocab[language], weights=self.weights, k=words)
        return JOIN[language].join(chosen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default="")
    parser.add_argument(
        "--no-vacuum",
        dest="vacuum",
        action="store_false",
        help="PostgreSQL: query the freshly loaded tables before any VACUUM ANALYZE.",
    )
    args = parser.parse_args()

    folder = setup_django(args.database)
    from django.db import connection

    from layan.search.engine import document_index, search
    from layan.search.models import Document, Posting

    Document.objects.all().delete()

    rng = random.Random(20261122)
    corpus = Corpus(rng)
    languages = list(WORDS)
    started = time.perf_counter()
    for number in range(args.size):
        language = languages[number % 3]
        document_index(
            workspace_id=1,
            kind="article",
            object_id=number + 1,
            language=language,
            visibility="public",
            category_id=None,
            fields={
                "title": corpus.text(language, 6),
                "questions": corpus.text(language, 8),
                "body": corpus.text(language, 120),
            },
        )
    index_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql" and args.vacuum:
        # What autovacuum does shortly after a bulk load: statistics and the visibility map
        # (without it PostgreSQL cannot answer from the covering index alone).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_posting")
            cursor.execute("VACUUM ANALYZE search_document")

    # Untimed warm-up with other queries of the same kind: a help center that has been up a
    # while has its frequent words' postings in memory (right after the bulk load they are not).
    for number in range(args.queries):
        language = languages[number % 3]
        search(workspace_id=1, query=corpus.text(language, rng.randint(1, 4)), languages=[language])
    timings: dict[str, list[float]] = {language: [] for language in languages}
    for number in range(args.queries):
        language = languages[number % 3]
        query = corpus.text(language, rng.randint(1, 4))
        began = time.perf_counter()
        search(workspace_id=1, query=query, languages=[language], limit=10)
        timings[language].append((time.perf_counter() - began) * 1000)
    everything = sorted(t for values in timings.values() for t in values)

    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    size_bytes = None
    if connection.vendor == "sqlite":
        size_bytes = sum(f.stat().st_size for f in Path(folder).glob("layan.sqlite3*"))
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('search_posting') + "
                "pg_total_relation_size('search_document')"
            )
            size_bytes = cursor.fetchone()[0]
    result = {
        "database": connection.vendor,
        "vacuumed": connection.vendor == "postgresql" and args.vacuum,
        "documents": args.size,
        "postings": Posting.objects.count(),
        "index_seconds": round(index_seconds, 1),
        "index_docs_per_second": round(args.size / index_seconds, 1),
        "index_bytes": size_bytes,
        "queries": args.queries,
        "search_p50_ms": round(statistics.median(everything), 2),
        "search_p95_ms": p(everything, 0.95),
        "search_p95_ms_by_language": {lang: p(values, 0.95) for lang, values in timings.items()},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
