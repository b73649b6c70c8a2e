"""Declared values in dollars at the ECB reference rate of the shipment date, or unknown with the reason."""

import datetime as dt

import pytest

from features.money import STALE_DAYS, Rates


@pytest.fixture(scope="module")
def rates():
    return Rates()


def test_dollars_and_no_currency_stay_as_they_are(rates):
    assert rates.to_usd(123.45, "USD", dt.date(2024, 1, 2)).value == 123.45
    missing = rates.to_usd(10.0, None, dt.date(2024, 1, 2))
    assert missing.value == 10.0 and missing.currency == "USD"


def test_a_rate_of_the_day(rates):
    # The ECB's reference rates of 2 Jan 2024: 1 EUR = 1.0956 USD = 32.6 TRY, so 1,000 TRY is about 33.6 USD
    assert rates.to_usd(1000.0, "EUR", dt.date(2024, 1, 2)).value == pytest.approx(1095.6, abs=0.5)
    assert 30 < rates.to_usd(1000.0, "TRY", dt.date(2024, 1, 2)).value < 37
    weekend = rates.to_usd(1000.0, "EUR", dt.date(2024, 1, 6))
    assert weekend.value == pytest.approx(1095, abs=15) and weekend.rate_date is None


@pytest.mark.parametrize("currency, date, why", [
    ("KZT", dt.date(2024, 1, 2), "no reference rate for KZT"),
    ("AED", dt.date(2024, 1, 2), "no reference rate for AED"),
    ("RUB", dt.date(2024, 1, 2), "last RUB rate at hand is of 2022-03-01"),
    ("EUR", dt.date(1998, 6, 1), "rates start on 1999-01-04")])
def test_no_rate_means_no_dollar_value(rates, currency, date, why):
    usd = rates.to_usd(1000.0, currency, date)
    assert usd.value is None and why in usd.note


def test_the_last_rate_stands_for_a_while_after_the_bundled_rates_end(rates):
    last = rates._converter.bounds["EUR"].last_date
    soon = rates.to_usd(1000.0, "EUR", last + dt.timedelta(days=10))
    assert soon.value is not None and soon.rate_date == last.isoformat()
    assert rates.to_usd(1000.0, "EUR", last + dt.timedelta(days=STALE_DAYS + 1)).value is None
