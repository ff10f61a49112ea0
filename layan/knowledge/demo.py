"""Demo help center for Toko Layan, in English, Bahasa Indonesia and Simplified Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from layan.accounts.models import User, Workspace
from layan.knowledge import services
from layan.knowledge.models import Article, ShippingPolicy

# slug -> {language: (name, description)}
CATEGORIES = {
    "orders-shipping": {
        "en": ("Orders & shipping", "Delivery times, shipping costs and tracking."),
        "id": ("Pesanan & pengiriman", "Waktu kirim, ongkos kirim dan pelacakan paket."),
        "zh-hans": ("订单与配送", "配送时间、运费和物流查询。"),
    },
    "returns-refunds": {
        "en": ("Returns & refunds", "Sending items back and getting your money back."),
        "id": ("Retur & pengembalian dana", "Mengembalikan barang dan uang Anda."),
        "zh-hans": ("退货与退款", "退回商品和退款到账。"),
    },
    "payments": {
        "en": ("Payments", "Bank transfer, e-wallets, cards and cash on delivery."),
        "id": ("Pembayaran", "Transfer bank, dompet digital, kartu dan COD."),
        "zh-hans": ("支付", "银行转账、电子钱包、银行卡和货到付款。"),
    },
}

# (key, category, kind, {language: (title, questions, body)})
ARTICLES: list[tuple[str, str, str, dict[str, tuple[str, str, str]]]] = [
    (
        "shipping-cost",
        "orders-shipping",
        "article",
        {
            "en": (
                "How much does shipping cost?",
                "What is the delivery fee?\nHow much is postage to my city?",
                "Shipping costs depend on the **weight** of your parcel and the destination city. "
                "You see the exact cost at checkout before you pay.\n\n"
                "- Jakarta, Bogor, Depok, Tangerang, Bekasi: from Rp 9,000\n"
                "- Java outside Jabodetabek: from Rp 15,000\n"
                "- Outside Java (e.g. Medan, Makassar): from Rp 25,000\n\n"
                "Orders over Rp 300,000 ship free within Java.",
            ),
            "id": (
                "Berapa ongkos kirimnya?",
                "Berapa ongkir ke kota saya?\nBiaya kirim ke luar Jawa",
                "Ongkos kirim dihitung dari **berat** paket dan kota tujuan. Ongkir pasti "
                "terlihat di halaman pembayaran sebelum Anda membayar.\n\n"
                "- Jabodetabek: mulai Rp 9.000\n"
                "- Pulau Jawa di luar Jabodetabek (mis. Surabaya, Bandung): mulai Rp 15.000\n"
                "- Luar Jawa (mis. Medan, Makassar): mulai Rp 25.000\n\n"
                "Gratis ongkir untuk pesanan di atas Rp 300.000 ke seluruh Pulau Jawa.",
            ),
            "zh-hans": (
                "运费怎么计算？",
                "邮费多少钱\n寄到外岛运费多少",
                "运费根据包裹**重量**和目的地城市计算，付款前在结算页面即可看到准确运费。\n\n"
                "- 雅加达及周边：Rp 9,000 起\n"
                "- 爪哇岛其他城市（如泗水、万隆）：Rp 15,000 起\n"
                "- 爪哇岛以外（如棉兰、望加锡）：Rp 25,000 起\n\n"
                "爪哇岛内订单满 Rp 300,000 包邮。",
            ),
        },
    ),
    (
        "delivery-time",
        "orders-shipping",
        "article",
        {
            "en": (
                "When will my order arrive?",
                "How long does shipping take?\nHow long is delivery?\nWhere is my parcel?\n"
                "How do I track my order?",
                "We pack orders paid before 14:00 (Jakarta time) the same working day. Delivery "
                "takes 1-2 days in Jabodetabek, 2-4 days elsewhere in Java and 3-7 days outside "
                "Java. Your tracking number (resi) arrives by email and WhatsApp once the parcel "
                "leaves our warehouse.",
            ),
            "id": (
                "Kapan pesanan saya sampai?",
                "Berapa lama pengiriman?\nBerapa hari paket sampai?\nDi mana paket saya?\n"
                "Cara cek resi",
                "Pesanan yang dibayar sebelum pukul 14.00 WIB dikemas pada hari kerja yang sama. "
                "Pengiriman 1-2 hari untuk Jabodetabek, 2-4 hari untuk Pulau Jawa lainnya, dan "
                "3-7 hari untuk luar Jawa. Nomor resi dikirim lewat email dan WhatsApp setelah "
                "paket keluar dari gudang.",
            ),
            "zh-hans": (
                "订单多久能到？",
                "配送要几天\n几天能送到\n我的包裹在哪里\n怎么查物流单号",
                "雅加达时间 14:00 前付款的订单当天打包发货。雅加达及周边 1-2 天送达，"
                "爪哇岛其他地区 2-4 天，爪哇岛以外 3-7 天。包裹出库后，物流单号会通过"
                "电子邮件和 WhatsApp 发送给您。",
            ),
        },
    ),
    (
        "change-address",
        "orders-shipping",
        "article",
        {
            "en": (
                "Changing the delivery address",
                "I entered the wrong address",
                "You can change the address in **My orders** until the order is packed. After "
                "that, contact us as soon as possible and we will ask the courier to re-route it.",
            ),
            "id": (
                "Mengubah alamat pengiriman",
                "Alamat saya salah\nGanti alamat kirim",
                "Alamat bisa diubah di **Pesanan saya** selama pesanan belum dikemas. Setelah "
                "itu, segera hubungi kami dan kami akan meminta kurir mengalihkan paket.",
            ),
            "zh-hans": (
                "如何修改收货地址",
                "地址填错了怎么办\n改地址",
                "订单打包前，您可以在**我的订单**中修改收货地址。打包后请尽快联系客服，"
                "我们会请快递公司改派。",
            ),
        },
    ),
    (
        "refund-time",
        "returns-refunds",
        "article",
        {
            "en": (
                "How long does a refund take?",
                "When do I get my money back?\nRefund status\nMy refund has not arrived",
                "Once we receive and check the returned item (1-2 working days), we refund the "
                "original payment method. Bank transfers and e-wallets receive the money within "
                "3 working days; credit cards can take up to 14 days to show it.",
            ),
            "id": (
                "Berapa lama pengembalian dana?",
                "Kapan uang saya kembali?\nStatus refund\nDana refund belum diterima",
                "Setelah barang retur kami terima dan periksa (1-2 hari kerja), dana dikembalikan "
                "ke metode pembayaran semula. Transfer bank dan dompet digital menerima dana "
                "dalam 3 hari kerja; kartu kredit bisa sampai 14 hari.",
            ),
            "zh-hans": (
                "退款多久到账？",
                "钱什么时候退回来\n退款进度\n退款还没收到",
                "我们收到并检查退货后（1-2 个工作日）会原路退款。银行转账和电子钱包 3 个"
                "工作日内到账；信用卡最长可能需要 14 天。",
            ),
        },
    ),
    (
        "return-item",
        "returns-refunds",
        "article",
        {
            "en": (
                "How do I return an item?",
                "The item arrived damaged\nCan I return something I don't like?",
                "You can return any item within **7 days** of delivery.\n\n"
                "1. Open **My orders** and choose *Return*.\n"
                "2. Tell us why and add a photo if the item is damaged.\n"
                "3. Drop the parcel at any courier point with the return code.\n\n"
                "Damaged or wrong items are returned at our cost.",
            ),
            "id": (
                "Bagaimana cara mengembalikan barang?",
                "Barang yang datang rusak\nBisa retur kalau tidak cocok?",
                "Barang bisa dikembalikan dalam **7 hari** setelah diterima.\n\n"
                "1. Buka **Pesanan saya** lalu pilih *Retur*.\n"
                "2. Tulis alasannya dan lampirkan foto jika barang rusak.\n"
                "3. Serahkan paket ke agen kurir dengan kode retur.\n\n"
                "Ongkos kirim retur untuk barang rusak atau salah kirim kami tanggung.",
            ),
            "zh-hans": (
                "如何退货？",
                "收到的商品坏了\n不喜欢可以退吗",
                "收货后 **7 天**内可以退货。\n\n"
                "1. 打开**我的订单**，选择*退货*。\n"
                "2. 说明原因，商品损坏请附上照片。\n"
                "3. 凭退货码将包裹交给任一快递网点。\n\n"
                "商品损坏或发错货的退货运费由我们承担。",
            ),
        },
    ),
    (
        "refund-exceptions",
        "returns-refunds",
        "article",
        {
            "en": (
                "Refund exceptions (agents only)",
                "",
                "Team leads may approve a refund after 7 days for loyal customers (5+ orders). "
                "Note the approval in the conversation before refunding.",
            ),
        },
    ),
    (
        "payment-methods",
        "payments",
        "faq",
        {
            "en": (
                "Which payment methods do you accept?",
                "How can I pay?\nCan I pay with an e-wallet?\nDo you have cash on delivery (COD)?",
                "Bank transfer (BCA, Mandiri, BNI, BRI), GoPay, OVO, DANA, ShopeePay, credit "
                "cards and cash on delivery (COD) in Jabodetabek.",
            ),
            "id": (
                "Metode pembayaran apa saja yang tersedia?",
                "Bisa bayar COD?\nBisa bayar pakai e-wallet?\nCara bayar",
                "Transfer bank (BCA, Mandiri, BNI, BRI), GoPay, OVO, DANA, ShopeePay, kartu "
                "kredit, dan bayar di tempat (COD) untuk wilayah Jabodetabek.",
            ),
            "zh-hans": (
                "支持哪些支付方式？",
                "可以货到付款吗\n怎么付款\n可以用电子钱包付款吗",
                "银行转账（BCA、Mandiri、BNI、BRI）、GoPay、OVO、DANA、ShopeePay、信用卡，"
                "雅加达及周边支持货到付款（COD）。",
            ),
        },
    ),
    (
        "payment-confirmation",
        "payments",
        "faq",
        {
            "en": (
                "I paid but my order still says unpaid",
                "My payment is not confirmed\nI transferred the money but nothing happened",
                "Bank transfers are confirmed automatically within 15 minutes. If it takes "
                "longer, send us the transfer receipt on WhatsApp.",
            ),
            "id": (
                "Sudah transfer tapi status masih belum dibayar",
                "Pembayaran saya belum terkonfirmasi",
                "Transfer bank terkonfirmasi otomatis dalam 15 menit. Jika lebih lama, kirim "
                "bukti transfer ke WhatsApp kami.",
            ),
            "zh-hans": (
                "已经付款了，订单还显示未付款",
                "付款后订单状态没变",
                "银行转账会在 15 分钟内自动确认。如果超过时间，请通过 WhatsApp 发送转账凭证。",
            ),
        },
    ),
    (
        "free-shipping",
        "orders-shipping",
        "faq",
        {
            "en": (
                "Is there free shipping?",
                "Is shipping free?\nMinimum order for free shipping",
                "Yes: orders over Rp 300,000 ship free within Java.",
            ),
            "id": (
                "Ada gratis ongkir?",
                "Apakah ada gratis ongkir?\nMinimal belanja untuk gratis ongkir",
                "Ada: pesanan di atas Rp 300.000 gratis ongkir ke seluruh Pulau Jawa.",
            ),
            "zh-hans": ("包邮吗？", "有没有包邮\n满多少钱包邮", "爪哇岛内订单满 Rp 300,000 包邮。"),
        },
    ),
]

INTERNAL = {"refund-exceptions"}

DELIVERY_OPTIONS = [
    (
        {"en": "Regular (JNE REG)", "id": "Reguler (JNE REG)", "zh-hans": "普通快递（JNE REG）"},
        2,
        4,
        Decimal("15000"),
        Decimal("300000"),
    ),
    (
        {
            "en": "Next day (JNE YES)",
            "id": "Besok sampai (JNE YES)",
            "zh-hans": "次日达（JNE YES）",
        },
        1,
        1,
        Decimal("30000"),
        None,
    ),
    (
        {
            "en": "Same day in Jakarta (GoSend)",
            "id": "Sehari sampai Jakarta (GoSend)",
            "zh-hans": "雅加达当日达（GoSend）",
        },
        0,
        0,
        Decimal("25000"),
        None,
    ),
]


def load_shipping_policy(workspace: Workspace) -> None:
    if ShippingPolicy.objects.filter(workspace=workspace).exists():
        return
    services.shipping_policy_save(
        policy=ShippingPolicy(
            workspace=workspace,
            currency="Rp",
            processing_days_min=0,
            processing_days_max=1,
            cutoff_time=dt.time(14),
            ships_on_weekends=False,
            duties=ShippingPolicy.Duties.NONE,
            po_boxes=False,
            return_window_days=7,
            free_returns_when_faulty=True,
        ),
        address_notes={
            "en": "Apartments and offices: add the tower and unit number.",
            "id": "Apartemen dan kantor: cantumkan nama tower dan nomor unit.",
            "zh-hans": "公寓和写字楼请填写楼栋和单元号。",
        },
        return_steps={
            "en": "1. Open **My orders**, choose *Return*.\n2. Drop the parcel at a courier point.",
            "id": "1. Buka **Pesanan saya** lalu pilih *Retur*.\n2. Serahkan paket ke agen kurir.",
            "zh-hans": "1. 打开**我的订单**，选择*退货*。\n2. 将包裹交给快递网点。",
        },
        options=[
            services.DeliveryOptionData(
                names=names, days_min=low, days_max=high, cost=cost, free_over=free_over
            )
            for names, low, high, cost, free_over in DELIVERY_OPTIONS
        ],
    )


def load_knowledge(workspace: Workspace) -> None:
    if Article.objects.filter(workspace=workspace).exists():
        return
    author = User.objects.filter(workspace=workspace, role=User.Role.ADMIN).first()
    categories = {
        slug: services.category_save(
            workspace=workspace, category=None, slug=slug, position=position, names=names
        )
        for position, (slug, names) in enumerate(CATEGORIES.items())
    }
    for key, category, kind, texts in ARTICLES:
        (first_language, (title, questions, body)), *others = texts.items()
        article = services.article_create(
            workspace=workspace,
            author=author,
            kind=kind,
            category=categories[category],
            visibility="internal" if key in INTERNAL else "public",
            language=first_language,
            title=title,
            body=body,
            questions=questions,
        )
        for language, (title, questions, body) in others:
            services.article_translation_save(
                article=article,
                language=language,
                title=title,
                body=body,
                questions=questions,
                actor=author,
            )
        services.article_set_status(article=article, status=Article.Status.PUBLISHED)
        # Index now, so search and the answer bot work before the worker first runs.
        services.article_reindex(article_id=article.pk)
