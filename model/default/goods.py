"""The goods of the SIMULATED world: what each trader buys, what it costs, in which currency.

Each HS6 gets a simulated typical unit price; legitimate traders declare close to it, some
diversion shipments far from it (under-declared to pass unnoticed, or over-declared to move
money). Values are drawn in dollars and declared in the trader's currency at a rate of the
shipment date (the ECB's where it quotes the currency). Every number is documented in
docs/data-card.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from features.money import Rates
from features.reference import Reference
from features.shipment import Item

# log10 of a unit price in dollars: simulated per HS6, spread evenly over 1.5 -/+ 1.7 (0.6 to 1,600 USD).
PRICE_MEAN, PRICE_SPREAD = 1.5, 1.7
LEGIT_PRICE_SD = 0.15  # how far a legitimate declaration strays from the typical price (log10)
# Dollars per unit of currencies the ECB does not quote, for the simulation only: the tenge's
# average of 2023 and the dirham's peg. The service never converts them (no ECB rate).
UNQUOTED_RATES = {"KZT": 456.0, "AED": 3.6725}
# A trader's currency by its country, when it does not pay in dollars.
LOCAL_CURRENCY = {"DE": "EUR", "FR": "EUR", "PL": "PLN", "TR": "TRY", "IN": "INR", "JP": "JPY", "BR": "BRL",
                  "KZ": "KZT", "AE": "AED", "HK": "HKD", "US": "USD", "KG": "USD", "AM": "USD", "RU": "RUB", "BY": "USD",
                  "CN": "CNY"}


def typical_price(hs6: str) -> float:
    """The simulated typical log10 dollar price of a unit of `hs6`: fixed by the code, not the seed."""
    digest = int(hashlib.sha256(hs6.encode()).hexdigest()[:12], 16) / 16 ** 12
    return PRICE_MEAN + PRICE_SPREAD * (digest * 2 - 1)


def to_currency(usd: float, currency: str, date: dt.date, rates: Rates) -> float:
    """A dollar amount in `currency` at the date (the inverse of `Rates.to_usd`)."""
    if currency == "USD":
        return usd
    if currency in UNQUOTED_RATES:
        return usd * UNQUOTED_RATES[currency]
    one = rates.to_usd(1.0, currency, date).value
    return usd / one if one else usd * UNQUOTED_RATES.get(currency, 1.0)


def pick_currency(rng: random.Random, country: str, kind: str, local_share: float, yuan_share: float) -> str:
    """Legitimate traders pay in their own currency or dollars; diversion networks in dollars or, more
    and more after 2022, yuan."""
    if kind != "legit" and rng.random() < yuan_share:
        return "CNY"
    return LOCAL_CURRENCY.get(country, "USD") if rng.random() < local_share else "USD"


def hs_lines(rng: random.Random, reference: Reference, everyday: list[str], chpl_share: float, lines: int) -> list[str]:
    """The HS6 codes a trader usually buys: a few, CHPL codes among them at `chpl_share`."""
    chpl = sorted(reference.chpl)
    weights = [reference.chpl[h].rank for h in chpl]  # higher tiers more often
    return [rng.choices(chpl, weights=weights)[0] if rng.random() < chpl_share else rng.choice(everyday)
            for _ in range(lines)]


def make_items(rng: random.Random, codes: list[str], *, date: dt.date, currency: str, rates: Rates,
               value_share: float, misdeclared: float, scale: float = 1.0) -> tuple[Item, ...]:
    """1 to 4 items of the given HS6 codes, with quantities and values around their typical prices;
    `misdeclared`: the chance that an item's value is 10 to 100 times off, either way; `scale`:
    how many times larger than usual the quantities are."""
    items = []
    for _ in range(rng.randint(1, 4)):
        code = rng.choice(codes)
        national = code + f"{rng.randrange(100):02d}" * rng.randint(0, 2)
        display = rng.choice((national, f"{national[:4]}.{national[4:]}", " ".join((national[:4], national[4:]))))
        usd = rng.lognormvariate(9, 1.5) * scale
        price = 10 ** rng.gauss(typical_price(code), LEGIT_PRICE_SD)
        quantity = max(1.0, round(usd / price))
        if rng.random() < misdeclared:
            usd *= 10 ** (rng.uniform(1, 2) * rng.choice((-1, 1)))
        value = round(to_currency(usd, currency, date, rates), 2) if rng.random() < value_share else None
        items.append(Item(display, quantity=quantity, value=value, currency=currency if value else None))
    return tuple(items)
