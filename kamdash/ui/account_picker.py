"""Choosing an account, linking to the Account page, and showing user text safely.

The Account page is reachable as ``/account?account=<id>``: the picker below keeps the URL
parameter ``account`` (an account id) and the select box in step, so the address in the
browser always shares exactly the account on screen.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np
import pandas as pd
import streamlit as st

__all__ = [
    "ACCOUNT_PARAM",
    "PICKER_KEY",
    "account_link",
    "account_link_column",
    "account_links",
    "pick_account",
    "plain",
]

ACCOUNT_PARAM = "account"
PICKER_KEY = "account_select"
# Links carry the account's name, first, only for tables: LinkColumn shows the first group of
# this pattern (URL-decoded) as the link's text, and sorts a link column by its address, so
# the name leads ('/account?name=Acme%20Ltd&account=12'). The page reads only ``account``.
_NAME_PARAM = "name"
_LINK_TEXT = rf"{_NAME_PARAM}=([^&]*)"
_ACCOUNT_ID = re.compile(r"[0-9]{1,18}")  # an id as the URL carries it (fits in 64 bits)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """User text made safe for Streamlit's Markdown (titles, metrics, messages): every
    Markdown, LaTeX and directive character is escaped, so it shows exactly as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


# Percent-escapes for the ASCII characters a query value must not carry as they are; letters
# beyond ASCII stay (the browser encodes them), so that 'Östra' sorts beside 'Ostra', not
# before 'A'. One translation table: str.translate runs at C speed for hundreds of names.
_LINK_ESCAPES = {code: quote(chr(code), safe="") for code in range(128)
                 if quote(chr(code), safe="") != chr(code)}


def _name_in_link(name: object) -> str:
    """The name for a link: reserved characters escaped, letters beyond ASCII as they are."""
    return str(name).translate(_LINK_ESCAPES)


def account_link(account_id: int, name: str) -> str:
    """The in-app address of an account's page: '/account?name=Acme%20Ltd&account=12'."""
    return f"/account?{_NAME_PARAM}={_name_in_link(name)}&{ACCOUNT_PARAM}={int(account_id)}"


def account_links(account_ids: pd.Series, names: pd.Series) -> pd.Series:
    """``account_link`` for a column of ids and names at once (the rows a table shows).

    Plain object arrays: pandas' Arrow strings made this three times slower per rerun."""
    encoded = np.array([_name_in_link(n) for n in names.to_numpy(dtype=object)], dtype=object)
    ids = account_ids.to_numpy(dtype="int64").astype(str).astype(object)
    links = f"/account?{_NAME_PARAM}=" + encoded + f"&{ACCOUNT_PARAM}=" + ids
    return pd.Series(links, index=account_ids.index, dtype=object)


def account_link_column(label: str = "Account", help: str | None = None,
                        width: str | int | None = None):
    """A LinkColumn for ``account_link`` values that shows the account's name (``width`` as
    ``st.column_config`` takes it, for wide tables)."""
    return st.column_config.LinkColumn(label, display_text=_LINK_TEXT, help=help, width=width)


def _follow_url() -> None:
    """Selecting an account writes its id into the URL (before the page reruns)."""
    chosen = st.session_state.get(PICKER_KEY)
    if chosen is None:
        st.query_params.pop(ACCOUNT_PARAM, None)
    else:
        st.query_params[ACCOUNT_PARAM] = str(chosen)


def pick_account(accounts: pd.DataFrame) -> int | None:
    """A select box of every account (by name; index ``account_id``) bound to the URL's
    ``account`` id. A link to an unknown or malformed id shows a warning, not an error."""
    wanted = st.query_params.get(ACCOUNT_PARAM)
    problem = None
    if wanted is not None:
        # ASCII digits only: str.isdigit() is true for '²' or '①', which int() refuses.
        account_id = int(wanted) if _ACCOUNT_ID.fullmatch(wanted.strip()) else None
        if account_id is not None and account_id in accounts.index:
            st.session_state[PICKER_KEY] = account_id  # the address wins (a shared link)
        else:
            what = ("which does not exist (it may have been deleted or the link was cut "
                    "short)" if account_id is not None else
                    "which is not an account number (the link should end in account= and "
                    "digits, e.g. account=12)")
            problem = (f"This link asks for account {plain(repr(wanted))}, {what}. Choose an "
                       "account in the box above.")
            st.session_state.pop(PICKER_KEY, None)
    st.query_params.pop(_NAME_PARAM, None)  # only there for the link text of tables
    names = accounts["name"].astype(str)
    choice = st.selectbox(
        "Account", names.sort_values(key=lambda s: s.str.casefold()).index.tolist(),
        index=None, format_func=lambda i: names.get(i, str(i)), key=PICKER_KEY,
        on_change=_follow_url, placeholder="Type or choose an account",
    )
    if problem:
        st.warning(problem, icon=":material/link_off:")
    return None if choice is None else int(choice)
