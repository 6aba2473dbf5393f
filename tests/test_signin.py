"""Sign-in in parts: the password policy, the lockout that grows, and the signed cookie that
stops being valid on sign-out, expiry, a password change and the user's removal."""

import stat

import pytest

from team.passwords import weakness
from team.users import Users
from tests.cli import run
from ui.session import holder, issue, secret_key
from ui.throttle import FREE_FAILURES, Throttle, lock_seconds


@pytest.mark.parametrize("password", ["password", "12345678", "password123", "1234567890", "Qwertyuiop!"])
def test_common_and_short_passwords_are_refused(password, tmp_path):
    assert weakness(password) is not None
    with pytest.raises(ValueError):
        Users(tmp_path / "users.json").add("alice", password, [])


def test_password_policy_keeps_good_passwords_and_refuses_the_name():
    assert weakness("correct horse battery") is None
    assert weakness("alice-and-more", "alice") is not None
    assert weakness("aaaaaaaaaaaaaa") is not None


@pytest.mark.integration
def test_cli_refuses_weak_passwords(tmp_path):
    for action in ("add", "password"):
        if action == "password":
            assert run("ingest", "users", "add", "bob", "--password-stdin", data_dir=tmp_path,
                       input_text="a long password\n").returncode == 0  # fmt: skip
        for weak in ("password", "12345678"):
            done = run("ingest", "users", action, "bob" if action == "password" else "carol",
                       "--password-stdin", data_dir=tmp_path, input_text=weak + "\n")  # fmt: skip
            assert done.returncode != 0 and "password" in done.stderr, done.stderr
    assert Users(tmp_path / "users.json").verify("bob", "a long password") is not None


def test_lockout_grows_with_each_failure_and_ends_on_success():
    now = [1000.0]
    throttle = Throttle(clock=lambda: now[0])
    keys = ["user:alice", "address:10.0.0.9"]
    for _ in range(FREE_FAILURES - 1):
        throttle.failed(keys)
        assert throttle.wait(keys) == 0
    throttle.failed(keys)
    first = throttle.wait(["address:10.0.0.9"])  # the address alone is locked too
    assert first == lock_seconds(FREE_FAILURES) > 0
    now[0] += first
    assert throttle.wait(keys) == 0
    throttle.failed(keys)
    assert throttle.wait(["user:alice"]) == 2 * first  # longer after each further failure
    assert throttle.wait(["user:bob"]) == 0
    throttle.succeeded(keys)
    assert throttle.wait(keys) == 0


def test_cookie_is_void_after_expiry_sign_out_password_change_and_removal(tmp_path):
    users = Users(tmp_path / "users.json")
    users.add("alice", "a long password", ["hr"])
    users.add("bob", "another long one", ["hr"])
    key = secret_key("", tmp_path)
    assert stat.S_IMODE((tmp_path / "session.key").stat().st_mode) == 0o600
    assert secret_key("", tmp_path) == key  # kept: a restart keeps sessions

    def fresh(name: str) -> str:
        return issue(users.get(name), key, expires=2000)  # type: ignore[arg-type]

    token = fresh("alice")
    assert holder(token, users, key, now=1000).name == "alice"  # type: ignore[union-attr]
    assert holder(token, users, key, now=2000) is None  # expired
    assert holder(token, users, b"another key", now=1000) is None
    name, expires, mac = token.split(".")
    assert holder(f"{name}.{int(expires) + 9999}.{mac}", users, key, now=1000) is None  # tampered
    bob = fresh("bob").split(".")[0]
    assert holder(f"{bob}.{expires}.{mac}", users, key, now=1000) is None  # another name
    assert holder(None, users, key, now=1000) is None and holder("x.y", users, key, now=1000) is None
    users.end_sessions("alice")  # signing out
    assert holder(token, users, key, now=1000) is None
    token = fresh("alice")
    users.set_password("alice", "a new long password")
    assert holder(token, users, key, now=1000) is None
    token = fresh("alice")
    users.remove("alice")
    assert holder(token, users, key, now=1000) is None
    assert holder(fresh("bob"), users, key, now=1000) is not None
