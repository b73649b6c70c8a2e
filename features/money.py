"""Declared values in one currency: US dollars at the ECB reference rate of the shipment date.

CurrencyConverter ships the ECB's reference rates since 1999 (about 30 currencies, through the
package's release date). A value in a currency the ECB does not quote (KZT, AED) or no longer
quotes (RUB after 1 March 2022) has no dollar value: it is unknown, and the evidence says why,
rather than summed as if it were dollars.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

# A rate this many days older than the shipment still stands: the bundled rates end at the
# package's release, and the value checks compare orders of magnitude, which a rate half a year
# old still gives (the rouble after March 2022 shows that a rate years old does not).
STALE_DAYS = 180
# What an item without a currency is read as: booking systems and invoices of the trade price in dollars.
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True)
class Usd:
    value: float | None  # None: no rate for the currency at the date
    currency: str
    rate_date: str | None = None  # the ECB reference date used, when not the shipment date itself
    note: str | None = None


class Rates:
    """The ECB reference rates, read on first use (0.3 s): most processes never convert."""

    @cached_property
    def _converter(self):
        from currency_converter import CurrencyConverter

        return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)

    def to_usd(self, value: float, currency: str | None, date: dt.date) -> Usd:
        currency = (currency or DEFAULT_CURRENCY).upper()
        if currency == "USD":
            return Usd(value, currency)
        converter = self._converter
        if currency not in converter.currencies:
            return Usd(None, currency, note=f"the ECB publishes no reference rate for {currency}")
        first, last = converter.bounds[currency]
        on = date
        if date > last:
            if (date - last).days > STALE_DAYS:
                return Usd(None, currency, note=f"the ECB's last {currency} rate at hand is of {last.isoformat()}")
            on = last
        elif date < first:
            return Usd(None, currency, note=f"the ECB's {currency} rates start on {first.isoformat()}")
        on = min(on, converter.bounds["USD"].last_date)
        return Usd(round(converter.convert(value, currency, "USD", date=on), 2), currency,
                   on.isoformat() if on != date else None)
