"""Country names as partners write them, in English, Spanish, French or Portuguese."""

from __future__ import annotations

import re
from functools import cache

from django.utils import translation
from django_countries import countries

from liaison.core.tabular.values import clean_text, fold

LANGUAGES = ("en", "es", "fr", "pt")

# Short and former names people write that django-countries' names (in the four languages)
# do not already give.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    # Kosovo's code is user-assigned (not in ISO 3166 itself), so django-countries lacks it.
    "XK": ("Kosovo", "Kosova", "Kosovë", "Republic of Kosovo", "República de Kosovo"),
    "US": ("USA", "U.S.A.", "U.S.", "United States", "United States of America", "America",
           "EE.UU.", "EEUU", "EE. UU.", "EUA", "Estados Unidos", "États-Unis"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "Gran Bretaña", "Grã-Bretanha", "Grande-Bretagne", "Inglaterra",
           "Angleterre", "United Kingdom of Great Britain and Northern Ireland"),
    "RU": ("Russia", "Russian Federation", "Federación de Rusia", "Fédération de Russie",
           "Federação Russa"),
    "BO": ("Bolivia", "Plurinational State of Bolivia", "Estado Plurinacional de Bolivia",
           "Bolivia (Plurinational State of)"),
    "VE": ("Venezuela", "Bolivarian Republic of Venezuela", "República Bolivariana de Venezuela"),
    "VN": ("Viet Nam", "Vietnam", "Vietnã", "Vietnão"),
    "CI": ("Côte d'Ivoire", "Cote d Ivoire", "Ivory Coast", "Costa de Marfil", "Costa do Marfim"),
    "KR": ("South Korea", "Korea", "Republic of Korea", "Korea, Republic of", "Corea del Sur",
           "Corea", "Corée du Sud", "Coreia do Sul", "Coréia do Sul"),
    "KP": ("North Korea", "DPRK", "Corea del Norte", "Corée du Nord", "Coreia do Norte"),
    "IR": ("Iran", "Islamic Republic of Iran", "Iran (Islamic Republic of)"),
    "SY": ("Syria", "Syrian Arab Republic", "Siria", "Syrie", "Síria"),
    "LA": ("Laos", "Lao PDR", "Lao People's Democratic Republic"),
    "MD": ("Moldova", "Republic of Moldova", "Moldavia", "Moldavie"),
    "TZ": ("Tanzania", "United Republic of Tanzania", "Tanzanie", "Tanzânia"),
    "CZ": ("Czech Republic", "Czechia", "República Checa", "Chequia", "République tchèque",
           "Tchéquie", "República Tcheca", "Tchéquia"),
    "MK": ("Macedonia", "North Macedonia", "FYROM", "Macedonia del Norte", "Macédoine du Nord",
           "Macedônia do Norte"),
    "SZ": ("Swaziland", "Eswatini", "Suazilandia", "Suazilândia"),
    "MM": ("Burma", "Myanmar", "Birmania", "Birmanie", "Birmânia"),
    "CV": ("Cape Verde", "Cabo Verde", "Cap-Vert"),
    "TL": ("East Timor", "Timor-Leste", "Timor Oriental"),
    "NL": ("Holland", "The Netherlands", "Países Bajos", "Holanda", "Pays-Bas", "Hollande",
           "Países Baixos"),
    "GM": ("The Gambia", "Gambia"),
    "CD": ("DRC", "DR Congo", "D.R. Congo", "Congo-Kinshasa", "Democratic Republic of Congo",
           "Democratic Republic of the Congo", "RDC", "RD Congo", "R.D. Congo",
           "República Democrática del Congo", "République démocratique du Congo",
           "República Democrática do Congo"),
    "CG": ("Congo-Brazzaville", "Republic of the Congo", "Republic of Congo",
           "República del Congo", "République du Congo", "República do Congo"),
    "PS": ("Palestine", "State of Palestine", "Palestinian Territories", "Palestina"),
    "TW": ("Taiwan", "Taiwán", "Taïwan"),
    "TR": ("Turkey", "Türkiye", "Turkiye", "Turquía", "Turquie", "Turquia"),
    "BN": ("Brunei", "Brunei Darussalam"),
    "VA": ("Vatican", "Holy See", "Vatican City", "Vaticano", "Santa Sede", "Saint-Siège"),
    "FM": ("Micronesia", "Federated States of Micronesia"),
    "AE": ("UAE", "U.A.E.", "Emirates", "United Arab Emirates", "EAU", "Emiratos Árabes Unidos",
           "Émirats arabes unis", "Emirados Árabes Unidos"),
    "DO": ("Dominican Republic", "República Dominicana", "Rep. Dominicana",
           "République dominicaine"),
    "BA": ("Bosnia", "Bosnia and Herzegovina", "Bosnia-Herzegovina", "Bosnia y Herzegovina",
           "Bosnie-Herzégovine", "Bósnia e Herzegovina"),
    "KN": ("St Kitts and Nevis", "St. Kitts and Nevis", "Saint Kitts and Nevis"),
    "LC": ("St Lucia", "St. Lucia", "Saint Lucia", "Santa Lucía", "Sainte-Lucie"),
    "VC": ("St Vincent", "St Vincent and the Grenadines", "St. Vincent and the Grenadines"),
    "SA": ("KSA", "Saudi Arabia", "Arabia Saudita", "Arabie saoudite", "Arábia Saudita"),
    "MX": ("Méjico", "Mexique"),
    "PE": ("Perú", "Pérou"),
    "PH": ("Philippines", "Filipinas"),
}  # fmt: skip

_ARTICLES = {"the", "la", "le", "les", "l", "el", "los", "las", "o", "os", "as", "a"}
_WORD = re.compile(r"[^\W_]+")


def _key(name: str) -> str:
    words = _WORD.findall(fold(name))
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return "".join(words)


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in EXTRA_NAMES.items():
        for name in names:
            index.setdefault(_key(name), code)
    for language in LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                index.setdefault(_key(str(name)), code)
    return index


# Codes in use beyond ISO 3166's own, with their alpha-3 forms.
USER_ASSIGNED = {"XK": "XKX"}


@cache
def _alpha3() -> dict[str, str]:
    codes = {countries.alpha3(code): code for code, _name in countries}
    return codes | {alpha3: alpha2 for alpha2, alpha3 in USER_ASSIGNED.items()}


def country_code(text: str) -> str | None:
    """The ISO 3166 alpha-2 code of a country written as a code or a name, or None.

    Accepts an alpha-2 code (“NA” is Namibia), an alpha-3 code (“MEX”), or the country's name
    in English, Spanish, French or Portuguese, common short names included (USA, UK, Russia,
    Bolivia, Viet Nam, Ivory Coast); case and accents do not matter. "" gives None.
    """
    written = clean_text(text)
    if not written:
        return None
    if written.isascii() and written.isalpha():
        upper = written.upper()
        if len(upper) == 2 and (upper in countries or upper in USER_ASSIGNED):
            return upper
        if len(upper) == 3 and upper in _alpha3():
            return _alpha3()[upper]
    return _index().get(_key(written))
