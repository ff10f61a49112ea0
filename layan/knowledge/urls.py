from django.urls import path

from layan.knowledge import views

app_name = "helpcenter"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("search/", views.search, name="search"),
]
