"""The realistic-limits benchmark: the compressed limits reach the emulator and the product
alike, and the lower bound follows the planner's rule over the credentials' even split."""

from __future__ import annotations

import json

import pytest

from maturity.connectors.limits import DOCUMENTED, X_USER_MENTIONS, overrides
from maturity.sandbox.bench import realistic_bench as rb
from maturity.sandbox.emulator.ratelimits import REALISTIC

pytestmark = [pytest.mark.unit]


def test_windows_are_divided_by_k_and_the_counts_stay_documented() -> None:
    c = rb.Compression(6.0)
    mentions = DOCUMENTED["x"][X_USER_MENTIONS]
    assert c.product()["x"][X_USER_MENTIONS].requests == mentions.requests
    assert c.product()["x"][X_USER_MENTIONS].window_seconds == mentions.window_seconds / 6
    emulated = c.emulator()
    for key, rule in REALISTIC.items():
        assert emulated[key].limit == rule.limit
        assert emulated[key].window == pytest.approx(rule.window / 6)
    assert "windows / 6" in c.describe()
    assert "documented request counts" in c.describe()


def test_the_product_and_the_emulator_get_the_same_limits() -> None:
    c = rb.Compression(60.0, divide=100)
    emulated = c.emulator()
    for platform, buckets in c.product().items():
        parsed = overrides(platform, c.overrides(platform))  # what a connection accepts
        for key, lim in buckets.items():
            assert parsed[key].requests == lim.requests == emulated[key].limit
            assert parsed[key].window_seconds == lim.window_seconds == emulated[key].window
    assert "request counts / 100" in c.describe()


def test_bad_compression_is_refused() -> None:
    with pytest.raises(ValueError, match="k > 0"):
        rb.Compression(0.0)
    with pytest.raises(ValueError, match="divide >= 1"):
        rb.Compression(2.0, divide=0)


def test_the_lower_bound_splits_a_bucket_over_the_credentials() -> None:
    c = rb.Compression(1.0)  # mentions 450 per 900 s, Reddit 1,000 per 600 s
    minimum = {("x", X_USER_MENTIONS): 2800, ("reddit", "reddit"): 1500}
    one = rb.lower_bound(minimum, c, 1)
    # 2,800 / 450 -> 7 windows, 6 of them waited: 5,400 s; Reddit 2 windows: 600 s
    assert [(b.bucket, b.seconds) for b in one] == [(X_USER_MENTIONS, 5400.0), ("reddit", 600.0)]
    two = rb.lower_bound(minimum, c, 2)
    # 1,400 each -> 4 windows, 3 waited: 2,700 s; Reddit keeps its one client
    assert two[0].per_credential == 1400
    assert two[0].seconds == 2700.0
    assert two[1].credentials == 1


def test_requests_that_fit_one_window_give_a_bound_of_zero() -> None:
    bounds = rb.lower_bound({("x", X_USER_MENTIONS): 450}, rb.Compression(6.0), 1)
    assert bounds[0].seconds == 0.0


class _Emu:
    def connection_env(self) -> dict[str, str]:
        x = {"conn_type": "x", "host": "http://127.0.0.1:1", "password": "emulator-bearer-token"}
        return {
            "AIRFLOW_CONN_X_DEFAULT": json.dumps(x),
            "AIRFLOW_CONN_REDDIT_DEFAULT": json.dumps({"conn_type": "reddit", "extra": {"a": 1}}),
            "AIRFLOW_CONN_MASTODON_DEFAULT": json.dumps({"conn_type": "mastodon"}),
            "AIRFLOW_CONN_BLUESKY_DEFAULT": json.dumps({"conn_type": "bluesky"}),
        }


def test_every_connection_carries_the_limits_and_each_app_its_token() -> None:
    c = rb.Compression(6.0)
    env = rb.product_env(_Emu(), c, 3)  # type: ignore[arg-type]
    assert env["MATURITY_CREDENTIALS_X"] == "x_default,x_app2,x_app3"
    for var in ("X_DEFAULT", "X_APP2", "X_APP3", "REDDIT_DEFAULT", "MASTODON_DEFAULT"):
        conn = json.loads(env[f"AIRFLOW_CONN_{var}"])
        platform = var.split("_")[0].lower()
        assert conn["extra"]["rate_limits"] == c.overrides(platform)
        assert "max_inline_wait" not in conn["extra"], "the product's own 5 s applies"
    assert json.loads(env["AIRFLOW_CONN_REDDIT_DEFAULT"])["extra"]["a"] == 1
    tokens = {json.loads(env[f"AIRFLOW_CONN_{v}"])["password"] for v in ("X_APP2", "X_APP3")}
    assert tokens == {rb.x_token("x_app2"), rb.x_token("x_app3")}
