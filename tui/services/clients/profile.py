"""Changing a client's profile: one rule set for `client set` and the profile form.

Values arrive as text (what a practitioner types or picks) and are read by the field table in
`tui.services.clients.profile_fields`; every field is checked before anything is saved, and each problem
is given against its field. The store keeps a restricted record read-only (only the restriction
may be lifted) whichever way the change comes.
"""

from __future__ import annotations

from collections.abc import Mapping

from store.profile import Client
from tui.services.clients.access import OpenClient, validate_client_id
from tui.services.clients.profile_fields import apply_profile_field, profile_field
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.writers import writer_of


class ProfileErrors(UserError):
    """Some fields were not accepted: `by_field` says why for each (by `client set` name)."""

    def __init__(self, by_field: dict[str, str]):
        self.by_field = by_field
        first = next(iter(by_field.values()))
        more = f" ({len(by_field) - 1} more)" if len(by_field) > 1 else ""
        super().__init__(f"{first}{more}")


def apply_changes(client: Client, changes: Mapping[str, str]) -> Client:
    """`client` with every change applied, or ProfileErrors naming each field refused."""
    errors: dict[str, str] = {}
    for name, text in changes.items():
        try:
            client = apply_profile_field(client, name, text)
        except UserError as exc:
            key = profile_field(name).name if not str(exc).startswith("unknown field") else name
            errors[key] = str(exc)
    if errors:
        raise ProfileErrors(errors)
    return client


def update_profile(ctx: Context, client_id: str, changes: Mapping[str, str]) -> Client:
    """`client set`: read-modify-write under the client's lock (refused while a colleague holds
    it). Nothing is saved unless every change is accepted."""
    from tui.services.clients.access import open_client

    with open_client(ctx, validate_client_id(client_id)) as oc:
        return update_open_profile(oc, changes)


def update_open_profile(oc: OpenClient, changes: Mapping[str, str]) -> Client:
    """The profile form on a client the app holds open: the same rules, the same messages (a
    restricted record takes only the lifting of its restriction)."""
    client = apply_changes(oc.client(), changes)
    writer_of(oc).save_client(client)
    return client
