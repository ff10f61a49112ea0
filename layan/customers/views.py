"""Customer actions in the desk: addresses, merges and their undoing, companies. The customer's
card itself (profile and every conversation) is a conversations page
(`conversations/views/customers.py`): it shows what stands above this app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import admin_required, agent_required, current_agent
from layan.customers import services
from layan.customers.access import access_customer
from layan.customers.forms import CompanyForm
from layan.customers.models import Company, Customer, CustomerMerge, Identity


@require_POST
@agent_required
def identity_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    agent = current_agent(request)
    item = access_customer(actor=agent, customer_id=customer_id)
    try:
        services.identity_add(
            customer=item,
            kind=request.POST.get("kind", ""),
            address=request.POST.get("address", ""),
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:customer", customer_id=item.pk)


@require_POST
@agent_required
def merge(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Merge the customer found by the given address into this one."""
    agent = current_agent(request)
    target = access_customer(actor=agent, customer_id=customer_id)
    address = request.POST.get("address", "").strip()
    kind = Identity.Kind.EMAIL if "@" in address else Identity.Kind.PHONE
    source = services.customer_find(workspace=agent.workspace, kind=kind, address=address)
    if source is None:
        messages.error(
            request, _("No customer has the address %(address)s.") % {"address": address}
        )
        return redirect("desk:customer", customer_id=target.pk)
    try:
        services.customer_merge(source=source, target=target, actor=agent)
        messages.success(
            request, _("%(source)s was merged into this customer.") % {"source": source}
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:customer", customer_id=target.pk)


@require_POST
@agent_required
def unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    agent = current_agent(request)
    merge_row = get_object_or_404(CustomerMerge, pk=merge_id, workspace_id=agent.workspace_id)
    try:
        source: Customer = services.customer_unmerge(merge=merge_row, actor=agent)
        messages.success(request, _("The merge was undone."))
        return redirect("desk:customer", customer_id=source.pk)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:customer", customer_id=merge_row.target_id)


@admin_required
def companies(request: HttpRequest, company_id: int | None = None) -> HttpResponse:
    """Business customers: their email domain (new senders from it join) and account owner."""
    agent = current_agent(request)
    company = (
        get_object_or_404(Company, pk=company_id, workspace_id=agent.workspace_id)
        if company_id
        else Company(workspace=agent.workspace)
    )
    form = CompanyForm(request.POST or None, instance=company, workspace=agent.workspace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Company saved."))
        return redirect("desk:companies")
    rows = (
        Company.objects.filter(workspace_id=agent.workspace_id)
        .select_related("account_owner")
        .annotate(people=Count("customers"))
    )
    return render(
        request,
        "customers/companies.html",
        {
            "section": "companies",
            "form": form,
            "editing": company if company_id else None,
            "rows": rows,
        },
    )
