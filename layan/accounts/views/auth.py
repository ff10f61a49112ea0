"""Login, logout and password reset for agents and admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts import services
from layan.accounts.forms import LoginForm, PasswordResetRequestForm
from layan.accounts.models import User
from layan.core.preferences import remember_language


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        user = form.get_user()
        assert isinstance(user, User)
        # Logging in does not make an agent available: an admin who signs in to change a
        # setting must not be handed the chat queue. The agent chooses "Online" in the desk.
        if user.language:
            remember_language(response, user.language)
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    if isinstance(request.user, User):
        services.agent_set_availability(
            agent=request.user,
            availability=User.Availability.OFFLINE,
            source="logout",
            actor=request.user,
        )
    logout(request)
    return redirect("accounts:login")


def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        messages.success(
            request,
            _("If an account uses that address, a link to choose a new password is on its way."),
        )
        return HttpResponseRedirect(str(reverse_lazy("accounts:login")))
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
