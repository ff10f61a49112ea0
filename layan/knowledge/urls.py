from django.urls import path

from layan.knowledge.views import helpcenter as views

app_name = "helpcenter"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("faq/", views.faq, name="faq"),
    path("shipping-returns/", views.shipping_returns, name="shipping_returns"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("a/<int:article_id>/", views.article_by_id, name="article_short"),
    path("a/<int:article_id>/feedback/", views.feedback, name="feedback"),
    path(
        "<str:language>/articles/<int:article_id>-<str:slug>/",
        views.article,
        name="article",
    ),
]
