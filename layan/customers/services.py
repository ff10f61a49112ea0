"""Finding, creating and merging customers. A customer is found by any of their identities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.accounts.models import User, Workspace
from layan.core.events import Event, publish
from layan.customers.models import Company, Customer, CustomerMerge, Identity
from layan.customers.phones import phone_normalize, region_for_timezone

ADDRESS_LENGTH = Identity._meta.get_field("address").max_length


PHONE_KINDS = frozenset({Identity.Kind.PHONE, Identity.Kind.WHATSAPP})


def identity_normalize(*, kind: str, address: str, workspace: Workspace | None = None) -> str:
    """The one spelling an identity is stored and looked up under (cut to the column's length:
    no real address is longer, and a forged one must not keep its message out). Phone numbers
    are E.164, read in the workspace's country when written without a country code."""
    address = address.strip()
    if kind == Identity.Kind.EMAIL:
        address = address.lower()
    elif kind in PHONE_KINDS:
        region = region_for_timezone(workspace.timezone) if workspace is not None else ""
        address = phone_normalize(address, region=region)
    elif kind in {Identity.Kind.INSTAGRAM, Identity.Kind.TELEGRAM}:
        address = address.lstrip("@").lower()
    return address[:ADDRESS_LENGTH]


def customer_find(*, workspace: Workspace, kind: str, address: str) -> Customer | None:
    normalized = identity_normalize(kind=kind, address=address, workspace=workspace)
    identity = (
        Identity.objects.select_related("customer")
        .filter(workspace=workspace, kind=kind, address=normalized)
        .first()
    )
    return identity.customer if identity else None


@dataclass(frozen=True)
class IdentityClaim:
    """Who a message says sent it: an identity, and what it tells us about its owner."""

    kind: str
    address: str
    name: str = ""
    language: str = ""


def customer_resolve(
    *,
    workspace: Workspace,
    kind: str,
    address: str,
    name: str = "",
    language: str = "",
) -> Customer:
    """The customer behind this identity, created (with the identity) when new."""
    claim = IdentityClaim(kind=kind, address=address, name=name, language=language)
    return customers_resolve(workspace=workspace, claims=[claim])[0]


def customers_resolve(*, workspace: Workspace, claims: Sequence[IdentityClaim]) -> list[Customer]:
    """The customer behind each claimed identity, in order; new ones created with their
    identity. A constant number of queries however many claims: identities are looked up at
    once, new customers (one per new address, however often it appears) written in bulk.

    Under concurrency the unique identity constraint decides: the loser's insert raises
    IntegrityError and its caller's transaction rolls back and retries (inbound_process does).
    """
    keys = [
        (claim.kind, identity_normalize(kind=kind, address=claim.address, workspace=workspace))
        for claim in claims
        for kind in [claim.kind]
    ]
    if any(not address for _kind, address in keys):
        raise ValidationError(_("The sender's address is empty."))
    found: dict[tuple[str, str], Customer] = {
        (identity.kind, identity.address): identity.customer
        for identity in Identity.objects.select_related("customer")
        .filter(
            workspace=workspace,
            kind__in={kind for kind, _address in keys},
            address__in={address for _kind, address in keys},
        )
        .order_by()  # unordered: the identity model's ordering costs a third of this query
    }
    _same_number(workspace, keys, found)
    new: dict[tuple[str, str], Customer] = {}
    for key, claim in zip(keys, claims, strict=True):
        customer = found.get(key)
        if customer is None:
            customer = new.setdefault(key, Customer(workspace=workspace, name=claim.name[:160]))
            customer.language = customer.language or claim.language
            continue
        changed = []
        if claim.name and not customer.name:
            customer.name = claim.name[:160]
            changed.append("name")
        if claim.language and not customer.language:
            customer.language = claim.language
            changed.append("language")
        if changed:
            customer.save(update_fields=changed)
    if new:
        companies = _companies_for_emails(
            workspace=workspace,
            addresses=[address for kind, address in new if kind == Identity.Kind.EMAIL],
        )
        for (kind, address), customer in new.items():
            if kind == Identity.Kind.EMAIL:
                customer.company = companies.get(address.rpartition("@")[2])
        Customer.objects.bulk_create(new.values())
        Identity.objects.bulk_create(
            Identity(workspace=workspace, customer=customer, kind=kind, address=address)
            for (kind, address), customer in new.items()
        )
        found.update(new)
    return [found[key] for key in keys]


def _same_number(
    workspace: Workspace, keys: list[tuple[str, str]], found: dict[tuple[str, str], Customer]
) -> None:
    """A number new to one phone channel joins the customer who has it on another (a WhatsApp
    message from the number a customer called from): the new identity is added to them."""
    missing = {
        (kind, address)
        for kind, address in keys
        if kind in PHONE_KINDS and (kind, address) not in found
    }
    if not missing:
        return
    owners: dict[str, Customer] = {}
    for identity in Identity.objects.select_related("customer").filter(
        workspace=workspace,
        kind__in=PHONE_KINDS,
        address__in={address for _kind, address in missing},
    ):
        owners.setdefault(identity.address, identity.customer)
    joined = [(kind, address) for kind, address in missing if address in owners]
    Identity.objects.bulk_create(
        Identity(workspace=workspace, customer=owners[address], kind=kind, address=address)
        for kind, address in joined
    )
    for kind, address in joined:
        found[(kind, address)] = owners[address]


def _companies_for_emails(*, workspace: Workspace, addresses: list[str]) -> dict[str, Company]:
    """The company each email domain belongs to (domains compared case-insensitively)."""
    domains = {address.rpartition("@")[2] for address in addresses} - {""}
    if not domains:
        return {}
    companies = (
        Company.objects.annotate(domain_folded=Lower("domain"))
        .filter(workspace=workspace, domain_folded__in=domains)
        .order_by("name", "id")
    )
    by_domain: dict[str, Company] = {}
    for company in companies:
        by_domain.setdefault(company.domain_folded, company)
    return by_domain


@transaction.atomic
def identity_add(*, customer: Customer, kind: str, address: str) -> Identity:
    normalized = identity_normalize(kind=kind, address=address, workspace=customer.workspace)
    if not normalized:
        raise ValidationError(_("Enter an address."))
    owner = customer_find(workspace=customer.workspace, kind=kind, address=normalized)
    if owner is not None and owner.pk != customer.pk:
        raise ValidationError(
            _("%(address)s already belongs to %(customer)s: merge the two customers instead.")
            % {"address": normalized, "customer": owner}
        )
    identity, _created = Identity.objects.get_or_create(
        workspace=customer.workspace,
        kind=kind,
        address=normalized,
        defaults={"customer": customer},
    )
    return identity


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    name: str,
    language: str,
    timezone_name: str,
    company: Company | None,
    notes: str,
    tags: list[str],
) -> Customer:
    customer.name = name
    customer.language = language
    customer.timezone = timezone_name
    customer.company = company
    customer.notes = notes
    customer.tags = sorted({tag.strip() for tag in tags if tag.strip()})
    customer.full_clean(exclude=["workspace", "merged_into"])
    customer.save()
    return customer


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, actor: User | None) -> CustomerMerge:
    """Move every identity of `source` to `target`, and with them what belongs to the customer
    elsewhere (their conversations: the event table's `customer.merged`, in this transaction);
    undo with customer_unmerge."""
    if source.pk == target.pk or source.workspace_id != target.workspace_id:
        raise ValidationError(_("Choose two different customers of this workspace."))
    if source.merged_into_id is not None:
        raise ValidationError(_("This customer was already merged."))
    identity_ids = list(source.identities.values_list("pk", flat=True))
    merge = CustomerMerge.objects.create(
        workspace_id=source.workspace_id,
        source=source,
        target=target,
        actor=actor,
        identity_ids=identity_ids,
    )
    Identity.objects.filter(pk__in=identity_ids).update(customer=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    _merge_publish("customer.merged", merge, actor)
    return merge


@transaction.atomic
def customer_unmerge(*, merge: CustomerMerge, actor: User | None) -> Customer:
    """Give the merged customer back exactly what it had (identities added later stay)."""
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    source = merge.source
    Identity.objects.filter(pk__in=merge.identity_ids, customer=merge.target).update(
        customer=source
    )
    source.merged_into = None
    source.save(update_fields=["merged_into"])
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    _merge_publish("customer.unmerged", merge, actor)
    return source


def _merge_publish(name: str, merge: CustomerMerge, actor: User | None) -> None:
    publish(
        Event(
            name=name,
            workspace_id=merge.workspace_id,
            payload={"merge": merge.pk, "actor": actor.pk if actor else None},
        )
    )
