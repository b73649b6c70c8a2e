"""A simulated company registry as FtM JSON lines, for benchmarking the lists snapshot at scale.

Real registries of the size the service must handle (millions of companies, people and
relations) cannot be checked into the repository, so this writes one with their shape:
Latin and Cyrillic names with legal forms, INN/OGRN/BIN numbers with valid check digits,
incorporation dates, addresses and phones shared by several holders, the eight relation
schemas the graph reads, and a sanctioned minority (the topic `sanction` or a `Sanction`
entity). Everything comes from one seeded generator, so a seed names a file; lines are
written as they are made, so memory stays flat whatever the size.

    python -m bench.gen_registry --entities 1000000 --relations 3000000 --sanctioned 25000 --out registry.ftm.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

# Syllables with their Cyrillic spelling; words are two or three of them, so there are some
# 60,000 distinct words, each shared by a few dozen names as real name words are.
SYLLABLES = [
    ("ka", "ка"), ("ra", "ра"), ("to", "то"), ("mi", "ми"), ("no", "но"), ("se", "се"), ("la", "ла"),
    ("vo", "во"), ("de", "де"), ("gu", "гу"), ("zhe", "же"), ("khi", "хи"), ("ba", "ба"), ("po", "по"),
    ("ri", "ри"), ("sta", "ста"), ("ny", "ны"), ("tur", "тур"), ("mar", "мар"), ("len", "лен"),
    ("ve", "ве"), ("sha", "ша"), ("chu", "чу"), ("dor", "дор"), ("kom", "ком"), ("al", "ал"),
    ("bek", "бек"), ("an", "ан"), ("ta", "та"), ("ru", "ру"), ("zan", "зан"), ("ol", "ол"),
    ("sib", "сиб"), ("pro", "про"), ("tek", "тек"), ("nik", "ник"), ("gor", "гор"), ("yu", "ю"),
    ("fa", "фа"),
]
GENERIC = [("trading", "трейдинг"), ("group", "групп"), ("logistics", "логистик"),
           ("invest", "инвест"), ("technologies", "технологии"), ("import", "импорт")]
LATIN_FORMS = ["LLC", "LLP", "JSC", "Ltd", "GmbH", "OOO", "TOO", "FZE", "Co., Ltd."]
CYRILLIC_FORMS = ["ООО", "АО", "ТОО", "ПАО", "ЗАО", "ОсОО"]
GIVEN = [("Ivan", "Иван"), ("Sergey", "Сергей"), ("Yuri", "Юрий"), ("Aleksandr", "Александр"),
         ("Dmitry", "Дмитрий"), ("Nurlan", "Нурлан"), ("Aibek", "Айбек"), ("Olga", "Ольга"),
         ("Elena", "Елена"), ("Mikhail", "Михаил"), ("Timur", "Тимур"), ("Anna", "Анна")]
COUNTRIES = ["ru", "ru", "ru", "kz", "kz", "kg", "am", "ae", "tr", "cn", "uz", "by", "de", "ge"]
CITIES = [("Moscow", "г. Москва"), ("Almaty", "г. Алматы"), ("Bishkek", "г. Бишкек"), ("Yerevan", "г. Ереван"),
          ("Dubai", "Dubai"), ("Istanbul", "Istanbul"), ("Tashkent", "г. Ташкент"), ("Minsk", "г. Минск")]
# (schema, source property, target property, source kind, target kind, share of relations)
RELATIONS = [
    ("Ownership", "owner", "asset", "any", "company", 0.30),
    ("Directorship", "director", "organization", "person", "company", 0.25),
    ("Family", "person", "relative", "person", "person", 0.08),
    ("Associate", "person", "associate", "person", "person", 0.07),
    ("UnknownLink", "subject", "object", "any", "any", 0.10),
    ("Employment", "employee", "employer", "person", "company", 0.12),
    ("Membership", "member", "organization", "any", "company", 0.04),
    ("Representation", "agent", "client", "any", "any", 0.04),
]
PERSON_SHARE = 3  # of every 10 entities; the rest are companies
INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS = ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))


def _check(digits: str, weights) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10)


def company_inn(rng: random.Random) -> str:
    body = f"{rng.randrange(1, 10**9):09d}"
    return body + _check(body, INN10_WEIGHTS)


def person_inn(rng: random.Random) -> str:
    body = f"{rng.randrange(1, 10**10):010d}"
    body += _check(body, INN12_WEIGHTS[0])
    return body + _check(body, INN12_WEIGHTS[1])


def ogrn(rng: random.Random, year: int) -> str:
    body = f"1{year % 100:02d}{rng.randrange(10**9):09d}"
    return body + str(int(body) % 11 % 10)


def kz_bin(rng: random.Random, year: int, month: int) -> str:
    """A Kazakh BIN: YYMM of registration, 4 (legal entity), six digits and the mod-11 check digit."""
    while True:
        body = f"{year % 100:02d}{month:02d}4{rng.randrange(10**6):06d}"
        digits = [int(c) for c in body]
        for weights in (range(1, 12), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)):
            check = sum(d * w for d, w in zip(digits, weights)) % 11
            if check != 10:
                return body + str(check)


class Registry:
    """Entity `i` is a person when i % 10 < PERSON_SHARE, otherwise a company; its id is `reg-i`."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rng = random.Random(args.seed)
        self.n = args.entities
        self.sanctioned = set(self.rng.sample(range(self.n), min(args.sanctioned, self.n)))
        # Pools smaller than the entity count, so that some values have several holders.
        self.address_pool = max(1, self.n * 2)
        self.phone_pool = max(1, self.n)

    def word(self, cyrillic: bool) -> str:
        rng = self.rng
        parts = [SYLLABLES[rng.randrange(len(SYLLABLES))] for _ in range(rng.choice((2, 3, 3)))]
        return "".join(p[cyrillic] for p in parts)

    def company_name(self, cyrillic: bool) -> str:
        rng = self.rng
        words = [self.word(cyrillic).capitalize() for _ in range(rng.choice((1, 2, 2, 3)))]
        if rng.random() < 0.25:
            words.append(GENERIC[rng.randrange(len(GENERIC))][cyrillic].capitalize())
        core = " ".join(words)
        if cyrillic:
            return f"{rng.choice(CYRILLIC_FORMS)} «{core}»"
        return f"{core} {rng.choice(LATIN_FORMS)}"

    def person_name(self, cyrillic: bool) -> str:
        rng = self.rng
        given = GIVEN[rng.randrange(len(GIVEN))][cyrillic]
        surname = self.word(cyrillic).capitalize() + ("ов" if cyrillic else "ov")
        if rng.random() < 0.5:
            return f"{surname} {given}"
        patronymic = GIVEN[rng.randrange(len(GIVEN))][cyrillic] + ("ович" if cyrillic else "ovich")
        return f"{given} {patronymic} {surname}"

    def address(self, index: int, cyrillic: bool) -> str:
        latin, cyr = CITIES[index % len(CITIES)]
        street = f"{index // len(CITIES) % 5000:04d}"
        return f"{cyr}, ул. Линия {street}, д. {index % 97 + 1}" if cyrillic else f"{latin}, Line {street}, bld. {index % 97 + 1}"

    def entity(self, i: int) -> list[dict]:
        rng = self.rng
        person = i % 10 < PERSON_SHARE
        country = COUNTRIES[rng.randrange(len(COUNTRIES))]
        cyrillic = country in ("ru", "kz", "kg", "by") and rng.random() < 0.7
        make_name = self.person_name if person else self.company_name
        props: dict[str, list[str]] = {"name": [make_name(cyrillic)], "country": [country]}
        if rng.random() < 0.3:
            props["alias"] = [make_name(not cyrillic)]
        year, month = rng.randrange(1992, 2025), rng.randrange(1, 13)
        if person:
            props["birthDate"] = [f"{year - 40}-{month:02d}-{rng.randrange(1, 29):02d}"]
            if country == "ru":
                props["innCode"] = [person_inn(rng)]
        else:
            props["incorporationDate"] = [f"{year}-{month:02d}-{rng.randrange(1, 29):02d}"]
            if country == "ru":
                props["innCode"] = [company_inn(rng)]
                props["ogrnCode"] = [ogrn(rng, year)]
            elif country == "kz":
                props["registrationNumber"] = [kz_bin(rng, year, month)]
            else:
                props["registrationNumber"] = [f"{country.upper()}{rng.randrange(10**8):08d}"]
        if rng.random() < 0.6:
            props["address"] = [self.address(rng.randrange(self.address_pool), cyrillic)]
        if rng.random() < 0.3:
            props["phone"] = [f"+7 {rng.randrange(self.phone_pool):010d}"]
        lines = [{"id": f"reg-{i}", "schema": "Person" if person else "Company", "properties": props}]
        if i in self.sanctioned:
            if rng.random() < 0.5:
                props["topics"] = ["sanction"]
            else:
                lines.append({"id": f"reg-{i}-sanction", "schema": "Sanction", "properties": {
                    "entity": [f"reg-{i}"], "authority": ["Simulated Authority"], "program": ["SIM-RUSSIA"],
                    "startDate": [f"{rng.randrange(2014, 2025)}-{rng.randrange(1, 13):02d}-01"]}})
        return lines

    def pick(self, kind: str) -> int:
        """A random entity of `kind`; low rows are picked more often, as big groups hold many companies."""
        rng = self.rng
        block = int(self.n // 10 * rng.random() ** 1.5)
        if kind == "person":
            return 10 * block + rng.randrange(PERSON_SHARE)
        if kind == "company":
            return 10 * block + PERSON_SHARE + rng.randrange(10 - PERSON_SHARE)
        return 10 * block + rng.randrange(10)

    def relation(self, j: int) -> dict:
        rng = self.rng
        r = rng.random()
        for schema, source_prop, target_prop, source_kind, target_kind, share in RELATIONS:
            r -= share
            if r < 0:
                break
        source, target = self.pick(source_kind), self.pick(target_kind)
        if target == source:
            target = (target + 10) % (self.n - self.n % 10 or 10)
        return {"id": f"rel-{j}", "schema": schema, "properties": {
            source_prop: [f"reg-{source}"], target_prop: [f"reg-{target}"]}}

    def lines(self):
        for i in range(self.n):
            yield from self.entity(i)
        for j in range(self.args.relations):
            yield self.relation(j)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--relations", type=int, default=3_000_000)
    parser.add_argument("--sanctioned", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.entities < 10:
        parser.error("--entities must be at least 10")
    started, count = time.perf_counter(), 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with args.out.open("w", encoding="utf-8", buffering=1 << 20) as out:
        for line in Registry(args).lines():
            out.write(dumps(line))
            out.write("\n")
            count += 1
    print(f"lines={count} seconds={time.perf_counter() - started:.1f} out={args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
