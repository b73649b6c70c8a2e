"""Names for the SIMULATED world: company and person names in Cyrillic, and the spellings a
forwarder's booking system gives them (Latin transliterations, other legal forms, the
romanisation habits of other languages). All of it is invented; none names a real company."""

from __future__ import annotations

import random

from rigour.text.translit import ascii_text

COMPANY_WORDS = (
    "Аспан Арба Небесная Механика Восток Техно Альфа Сервис Импорт Логистик Север Гранит Электрон "
    "Компонент Сибирь Алтын Тенгри Шелковый Путь Капитал Инвест Торг Звезда Орион Вектор Квант Радиан "
    "Интеграл Форвард Каспий Арман Степной Барс Жулдыз Самрук Береке Нур Кайнар Арай Достык Хабар "
    "Элемент Микро Схема Сигма Дельта Омега Прайм Ресурс Транзит Партнер Горизонт Меридиан Азимут"
).split()
LATIN_WORDS = (
    "Global Star Gulf Pearl Dragon Bosphorus Anatolia Falcon Oasis Horizon Silk Road Harbour Jade "
    "Crescent Summit Atlas Nova Vertex Pioneer Meridian Emerald Sapphire Orient Prime Apex"
).split()
FIRST_NAMES = "Александр Дмитрий Евгений Сергей Андрей Алексей Михаил Юрий Нурлан Ерлан Арман Айдар Гарик Давид".split()
SURNAMES = "Иванов Кузнецов Смирнов Хабаров Яковлев Журавлев Щербаков Ахметов Касымов Саргсян Петросян Алиев".split()

# Legal forms by country: the local script's and the Latin ones a booking system may use.
LEGAL_FORMS = {
    "RU": (("ООО", "prefix"), ("OOO", "prefix"), ("LLC", "suffix"), ("АО", "prefix"), ("JSC", "suffix")),
    "KZ": (("ТОО", "prefix"), ("TOO", "prefix"), ("LLP", "suffix"), ("ЖШС", "prefix")),
    "KG": (("ОсОО", "prefix"), ("LLC", "suffix"), ("ОсОО", "prefix")),
    "AM": (("ООО", "prefix"), ("LLC", "suffix")),
    "AE": (("FZE", "suffix"), ("FZCO", "suffix"), ("LLC", "suffix"), ("General Trading LLC", "suffix")),
    "TR": (("Ltd. Şti.", "suffix"), ("A.Ş.", "suffix")),
    "HK": (("Limited", "suffix"), ("Co., Ltd", "suffix")),
}
DEFAULT_FORMS = (("Ltd", "suffix"), ("GmbH", "suffix"), ("Inc", "suffix"))

# Romanisation habits: English (kh, ya), French (ou, ch, j for zh), Spanish (j for kh), German (j for y).
VARIANTS = (
    (("kh", "h"),), (("kh", "j"),), (("ya", "ia"),), (("ya", "ja"), ("yu", "ju")),
    (("zh", "j"),), (("y", "i"),), (("sh", "ch"), ("u", "ou")), (("ts", "tz"),), (),
)


def company_name(rng: random.Random, country: str) -> str:
    """A canonical registry name: Cyrillic for EAEU countries, Latin elsewhere."""
    words = COMPANY_WORDS if country in ("RU", "KZ", "KG", "AM", "BY") else LATIN_WORDS
    return " ".join(rng.sample(words, 3 if rng.random() < 0.4 else 2))


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(FIRST_NAMES)}"


def with_legal_form(rng: random.Random, name: str, country: str) -> str:
    form, where = rng.choice(LEGAL_FORMS.get(country, DEFAULT_FORMS))
    if form.isascii() and not name.isascii():
        name = ascii_text(name)
    quoted = f"«{name}»" if not form.isascii() and rng.random() < 0.5 else name
    return f"{form} {quoted}" if where == "prefix" else f"{quoted} {form}"


def spelling(rng: random.Random, name: str, country: str) -> str:
    """How a booking system might spell a registry name: another script, legal form or romanisation."""
    text = name
    if not text.isascii() and rng.random() < 0.6:
        text = ascii_text(text)
        for old, new in rng.choice(VARIANTS):
            text = text.replace(old, new).replace(old.capitalize(), new.capitalize())
    if rng.random() < 0.7:
        text = with_legal_form(rng, text, country)
    return text.upper() if rng.random() < 0.3 else text
