"""Which Faker locale gives realistic names for a country's officials.

Demo data and the duplicate-matching benchmark need names in the script and spelling a
country's officials really have, or the matcher is only ever tested on English names.
Only locales whose Faker person provider is genuinely native are used: several listed
locales (ar_EG, ar_JO, ar_AE, ar_BH, am_ET, sq_AL, sr_BA, fil_PH, tl_PH) silently fall back
to English names, so those countries point at a sibling locale instead.
"""

from __future__ import annotations

FALLBACK_LOCALE = "en_US"

# One line per locale: the locale, then the ISO 3166 alpha-2 codes whose names it gives.
_TABLE = """
ar_AA   AE BH DJ EG IQ JO KM KW LB LY MA MR OM QA SD SO SY TN YE
ar_SA   SA
ar_PS   PS
ar_DZ   DZ
es_MX   MX GT HN SV NI CR PA CU DO PR
es_CO   CO VE EC PE BO
es_AR   AR UY PY
es_CL   CL
es_ES   ES GQ
fr_FR   FR SN CI ML BF NE GN BJ TG CM GA CG CD CF TD MG BI RW HT
fr_BE   BE
ru_RU   RU BY KZ KG TJ TM
uk_UA   UA
uz_UZ   UZ
ro_RO   RO MD
ka_GE   GE
hy_AM   AM
az_AZ   AZ
tr_TR   TR
fa_IR   IR AF
pt_BR   BR
pt_PT   PT AO MZ CV GW ST TL
en_IN   IN
en_PK   PK
bn_BD   BD
ne_NP   NP
si_LK   LK
zh_CN   CN
zh_TW   TW HK MO
ja_JP   JP
ko_KR   KR KP
vi_VN   VN
id_ID   ID MY BN
en_PH   PH
th_TH   TH
yo_NG   NG
tw_GH   GH
en_KE   KE
sw      TZ UG
zu_ZA   ZA
he_IL   IL
el_GR   GR CY
bg_BG   BG
mk_MK   MK
hr_HR   HR BA RS ME
sl_SI   SI
de_DE   DE
de_AT   AT
de_CH   CH
it_IT   IT
nl_NL   NL
pl_PL   PL
cs_CZ   CZ
sk_SK   SK
hu_HU   HU
lt_LT   LT
lv_LV   LV
et_EE   EE
fi_FI   FI
sv_SE   SE
no_NO   NO
da_DK   DK
is_IS   IS
en_IE   IE
en_GB   GB
en_US   US
en_CA   CA
en_AU   AU
en_NZ   NZ
"""


def _parse(table: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for line in table.strip().splitlines():
        locale, *codes = line.split()
        for code in codes:
            mapping[code] = locale
    return mapping


COUNTRY_LOCALES: dict[str, str] = _parse(_TABLE)


def faker_locale_for_country(iso2: str) -> str:
    """The Faker locale for an ISO 3166 alpha-2 code, so names look like that country's."""
    return COUNTRY_LOCALES.get(iso2.strip().upper(), FALLBACK_LOCALE)
