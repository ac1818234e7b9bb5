"""ui/identity.py and the session's owner: a one-way derivation of the browser's credential, an
account's name when signed in, the same one for every thread that asks a new session at once."""

from __future__ import annotations

import sys
import threading

import pytest

from core.config import ConfigError


def test_the_owner_is_a_one_way_derivation_of_the_credential_never_the_credential():
    from ui.common import Session
    from ui.identity import browser_owner, is_credential

    s = Session()
    assert is_credential(s.client_id)
    owner = s.owner()
    assert s.client_id not in owner and owner == browser_owner(s.client_id) and owner.startswith("b")
    assert s.client_id not in repr(s)  # a logged Session never shows it
    other = Session()
    assert other.owner() != owner
    stored = s.client_id
    assert other.adopt(stored) == stored and other.owner() == owner  # the same browser, reloaded
    assert other.adopt(owner) == stored  # an owner id is not a credential: ignored
    assert other.adopt("<script>") == stored


def test_sign_in_makes_the_account_the_owner_with_a_fake_profile():
    from ui.common import AppSettings, Session, run_owner
    from ui.identity import login_mode
    from ui.session_events import init_session

    class Profile(dict):  # what gr.OAuthProfile is: a dict with attributes
        username = "alice"

    a, b = Session(), Session()
    init_session(a, None, Profile(preferred_username="alice"))
    init_session(b, None, Profile(preferred_username="alice"))
    assert a.owner() == b.owner() == "hf-alice"  # one account, two browsers: the same runs
    signed_out = Session()
    init_session(signed_out, a.client_id, None)  # even with a's credential...
    assert signed_out.owner() != "hf-alice"      # ...no account without the signed cookie
    required = AppSettings(mode="shared", login="required")
    with pytest.raises(ConfigError, match="sign in with Hugging Face"):
        run_owner(required, signed_out)
    assert run_owner(required, a) == "hf-alice"
    assert login_mode({}) == "off"
    assert login_mode({"SYSTEM": "spaces", "SPACE_ID": "x/y", "OAUTH_CLIENT_ID": "id"}) == "offered"
    assert login_mode({"SPACE_ID": "x/y", "OAUTH_CLIENT_ID": "id"}) == "off"  # not really a Space
    assert login_mode({"FTS_REQUIRE_LOGIN": "1"}) == "required"


# --------------------------------------------------------------------------- the race
def test_concurrent_first_calls_of_a_new_session_agree_on_its_owner():
    """Threads asking a fresh session for its owner at the same moment (what concurrent first
    API calls do) all get the same one: the credential exists before any handler runs."""
    from ui.common import Session

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(100):
            s = Session.__new__(Session)  # as Gradio deep-copies a new session's state
            s.__init__()
            barrier = threading.Barrier(8)
            seen: list[str] = []

            def ask() -> None:
                barrier.wait()
                seen.append(s.owner())

            threads = [threading.Thread(target=ask) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(set(seen)) == 1, seen
    finally:
        sys.setswitchinterval(old)
