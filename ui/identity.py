"""Who a request belongs to, without the credential ever being shown.

The threat: on a shared Space any visitor can read every page, the app's config and every
API response they receive. Whatever lets the server tell one browser from another must
therefore never appear in any of those, nor in a message, a log line or a file name.

* **The credential** is a random 128-bit token (:func:`new_credential`) made when a session
  starts and kept in that browser's local storage (``gr.BrowserState``), so a reload finds
  its runs again. It travels only in that browser's own requests and in the one reply that
  hands it to the browser for storage.

  Gradio encrypts BrowserState values with a ``secret``, but that secret is a component
  property sent in the config every visitor receives (gradio/components/browser_state.py,
  Gradio 6.31): the encryption hides nothing from a visitor, so nothing here relies on it.
* **The owner** is what the job queue, ``summary.json`` and folder names use: an HMAC-SHA256
  of the credential under a secret that never leaves the server (:func:`browser_owner`).
  Knowing an owner gives nothing: the server only ever derives owners from a credential,
  never accepts one from a client.
* **With sign-in** (Hugging Face OAuth on a Space), the owner is the account
  (:func:`account_owner`), so a person's runs follow them from browser to browser.

The server secret is ``FTS_SESSION_SECRET`` when the operator sets it (then browsers keep
their runs across restarts), else a random one per process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from typing import Any, Literal

_CREDENTIAL = re.compile(r"[0-9a-f]{32}")
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")
_SECRET = os.environ.get("FTS_SESSION_SECRET", "").encode() or secrets.token_bytes(32)

Login = Literal["off", "offered", "required"]


def new_credential() -> str:
    return secrets.token_hex(16)


def is_credential(value: Any) -> bool:
    return isinstance(value, str) and bool(_CREDENTIAL.fullmatch(value))


def browser_owner(credential: str) -> str:
    """The owner id of an anonymous browser: ``b`` + 32 hex digits of HMAC(secret, credential)."""
    return "b" + hmac.new(_SECRET, credential.encode(), hashlib.sha256).hexdigest()[:32]


def account_owner(username: str) -> str:
    """The owner id of a signed-in Hugging Face account (``hf-<username>``)."""
    name = str(username or "").strip()
    if not _USERNAME.fullmatch(name):  # Hub usernames always match; anything else is hashed
        name = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"hf-{name}"


def profile_username(profile: Any) -> str:
    """The username of a ``gr.OAuthProfile`` (a dict subclass), or '' when signed out."""
    if profile is None:
        return ""
    name = getattr(profile, "username", None) or (profile.get("preferred_username") if isinstance(profile, dict)
                                                  else None)
    return str(name or "").strip()


def oauth_available(env: Any = None) -> bool:
    """Sign-in with Hugging Face works here: a Space (Gradio's own test: SYSTEM=spaces) whose
    README front matter has ``hf_oauth: true`` (the Space then sets OAUTH_CLIENT_ID). Off a
    Space, Gradio's login button is a mock that needs the machine's own Hub token."""
    env = os.environ if env is None else env
    return env.get("SYSTEM") == "spaces" and bool(env.get("SPACE_ID")) and bool(env.get("OAUTH_CLIENT_ID"))


def login_mode(env: Any = None) -> Login:
    """``required`` when the operator sets FTS_REQUIRE_LOGIN=1; ``offered`` where sign-in
    works (:func:`oauth_available`); otherwise ``off`` (no sign-in button)."""
    env = os.environ if env is None else env
    if env.get("FTS_REQUIRE_LOGIN") == "1":
        return "required"
    return "offered" if oauth_available(env) else "off"
