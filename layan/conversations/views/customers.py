"""The customer's card in the desk: their profile, addresses and merges (the customers app's
actions), and every conversation they had on any channel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from layan.accounts.access import agent_required, current_agent
from layan.conversations.selectors import customer_history
from layan.customers import services
from layan.customers.access import access_customer
from layan.customers.forms import CustomerForm
from layan.customers.models import CustomerMerge, Identity
from layan.inboxes import registry


@agent_required
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    agent = current_agent(request)
    item = access_customer(actor=agent, customer_id=customer_id)
    form = CustomerForm(request.POST or None, workspace=agent.workspace, instance_data=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.customer_update(
                customer=item,
                name=data["name"],
                language=data["language"],
                timezone_name=data["timezone"],
                company=data["company"],
                notes=data["notes"],
                tags=data["tags"].split(","),
            )
            messages.success(request, _("Customer saved."))
            return redirect("desk:customer", customer_id=item.pk)
        except ValidationError as problem:
            form.add_error(None, problem)
    return render(
        request,
        "conversations/customer.html",
        {
            "nav": "inbox",
            "customer": item,
            "form": form,
            "identities": item.identities.all(),
            "identity_kinds": Identity.Kind.choices,
            "history": customer_history(customer=item, limit=100),
            "merges": CustomerMerge.objects.filter(target=item).select_related("source", "actor"),
            "merged_into": item.merged_into,
            # What the channels offer on a card (a phone line's "Call").
            "channel_actions": [
                (adapter.customer_template, context)
                for adapter in registry.adapters().values()
                if adapter.customer_template
                and (context := adapter.customer_context(customer=item))
            ],
        },
    )
