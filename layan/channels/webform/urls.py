from __future__ import annotations

from django.urls import path

from layan.channels.webform import views

urlpatterns = [
    # The help center's "Contact us" page: its channels, and this channel's form.
    path("contact/", views.contact, name="contact"),
    path("contact/send/", views.contact_send, name="contact_send"),
    path("contact/suggest/", views.contact_suggest, name="contact_suggest"),
    path("contact/thanks/<str:token>/", views.contact_thanks, name="contact_thanks"),
]
