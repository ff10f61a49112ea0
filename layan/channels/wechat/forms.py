"""A WeChat Official Account inbox's settings (公众号 → 设置与开发 → 基本配置)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import ChannelSettingsForm


class WeChatSettingsForm(ChannelSettingsForm):
    app_id = forms.CharField(
        label=_("AppID"), help_text=_("开发者ID (AppID), e.g. wx1234567890abcdef.")
    )
    app_secret = forms.CharField(
        label=_("AppSecret"), widget=forms.PasswordInput(render_value=False)
    )
    token = forms.CharField(
        label=_("Token"),
        help_text=_("The server token (令牌) you enter in the account's server settings."),
        widget=forms.PasswordInput(render_value=False),
    )
    encoding_aes_key = forms.CharField(
        label=_("EncodingAESKey"),
        required=False,
        help_text=_("For the encrypted mode (安全模式); empty for the plain mode (明文模式)."),
        widget=forms.PasswordInput(render_value=False),
    )
    api_base = forms.URLField(
        label=_("API server"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: WeChat's own (api.weixin.qq.com)."),
    )
