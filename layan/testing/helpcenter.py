"""A small help center in three languages (refunds, delivery address, payment), published."""

from __future__ import annotations

from layan.core.worker import run_tasks_now
from layan.knowledge import services as knowledge
from layan.knowledge.models import Article
from layan.testing.personas import Cast

KB = [
    (
        {
            "en": (
                "How long does a refund take?",
                "When do I get my money back?",
                "Refunds reach your bank account within 3 to 7 working days.",
            ),
            "id": (
                "Berapa lama pengembalian dana?",
                "Kapan uang saya kembali?",
                "Dana kembali ke rekening Anda dalam 3 sampai 7 hari kerja.",
            ),
            "zh-hans": (
                "退款多久到账？",
                "钱什么时候退回来",
                "退款将在3至7个工作日内退回您的账户。",
            ),
        }
    ),
    (
        {
            "en": (
                "How do I change my delivery address?",
                "I typed the wrong address",
                "Change it in My orders until the parcel is packed.",
            ),
            "id": (
                "Bagaimana cara mengubah alamat pengiriman?",
                "Alamat saya salah",
                "Ubah di Pesanan saya sebelum paket dikemas.",
            ),
            "zh-hans": ("如何修改收货地址？", "地址填错了怎么办", "包裹打包前可在我的订单中修改。"),
        }
    ),
    (
        {
            "en": (
                "Which payment methods do you accept?",
                "Can I pay by card?",
                "Bank transfer, e-wallets, cards and cash on delivery.",
            ),
            "id": (
                "Metode pembayaran apa saja?",
                "Bisa bayar pakai kartu?",
                "Transfer bank, dompet digital, kartu, dan COD.",
            ),
            "zh-hans": (
                "支持哪些付款方式？",
                "可以刷卡吗",
                "银行转账、电子钱包、银行卡和货到付款。",
            ),
        }
    ),
]


def publish_kb(cast: Cast) -> list[Article]:
    made = []
    for texts in KB:
        (language, (title, question, body)), *others = texts.items()
        article = knowledge.article_create(
            workspace=cast.workspace,
            author=cast.alice,
            language=language,
            title=title,
            body=body,
            questions=question,
        )
        for language, (title, question, body) in others:
            knowledge.article_translation_save(
                article=article,
                language=language,
                title=title,
                body=body,
                questions=question,
                actor=cast.alice,
            )
        knowledge.article_set_status(article=article, status="published")
        made.append(article)
    run_tasks_now()
    return made
