"""Countries, states and provinces: the names people type, the codes we store, and the time
zone a place implies when a phone number does not say.

A country is stored as its ISO 3166-1 alpha-2 code ("US", "GB"), whatever it was typed as
("United States", "USA", "u.s.", "Deutschland"); a US state, a Canadian province or an
Australian state as its postal abbreviation ("CA", "ON", "QLD"); any other region as typed.
A place gives a time zone only when all of it keeps one time (a country with several zones
needs its state, or a phone).

The country names and zones come from the tz database's iso3166.tab and zone.tab (public
domain), with the English names people use ("United Kingdom", "South Korea") and common
aliases after a bar.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from phonenumbers import country_code_for_region
from phonenumbers.tzdata import TIMEZONE_DATA

# "CODE Name|Alias = Zone" entries; the zone only where all of the country keeps one time
# (zone.tab's first zone for it: Germany is Europe/Berlin, the United States has none).
_COUNTRIES = (
    "AD Andorra = Europe/Andorra; AE United Arab Emirates|UAE = Asia/Dubai; AF Afghanistan = "
    "Asia/Kabul; AG Antigua and Barbuda = America/Antigua; AI Anguilla = America/Anguilla; AL "
    "Albania = Europe/Tirane; AM Armenia = Asia/Yerevan; AO Angola = Africa/Luanda; AQ "
    "Antarctica; AR Argentina = America/Argentina/Buenos_Aires; AS American Samoa = "
    "Pacific/Pago_Pago; AT Austria|Österreich = Europe/Vienna; AU Australia|AUS; AW Aruba = "
    "America/Aruba; AX Åland Islands = Europe/Mariehamn; AZ Azerbaijan = Asia/Baku; BA Bosnia "
    "and Herzegovina = Europe/Sarajevo; BB Barbados = America/Barbados; BD Bangladesh = "
    "Asia/Dhaka; BE Belgium|België|Belgique = Europe/Brussels; BF Burkina Faso = "
    "Africa/Ouagadougou; BG Bulgaria = Europe/Sofia; BH Bahrain = Asia/Bahrain; BI Burundi = "
    "Africa/Bujumbura; BJ Benin = Africa/Porto-Novo; BL St Barthelemy = America/St_Barthelemy; "
    "BM Bermuda = Atlantic/Bermuda; BN Brunei = Asia/Brunei; BO Bolivia = America/La_Paz; BQ "
    "Caribbean NL = America/Kralendijk; BR Brazil|Brasil; BS Bahamas = America/Nassau; BT "
    "Bhutan = Asia/Thimphu; BV Bouvet Island; BW Botswana = Africa/Gaborone; BY Belarus = "
    "Europe/Minsk; BZ Belize = America/Belize; CA Canada|CAN; CC Cocos Islands|Keeling Islands "
    "= Indian/Cocos; CD Democratic Republic of the Congo|DR Congo|Congo-Kinshasa; CF Central "
    "African Rep. = Africa/Bangui; CG Republic of the Congo|Congo|Congo-Brazzaville = "
    "Africa/Brazzaville; CH Switzerland|Schweiz|Suisse = Europe/Zurich; CI Côte d'Ivoire|Ivory "
    "Coast = Africa/Abidjan; CK Cook Islands = Pacific/Rarotonga; CL Chile; CM Cameroon = "
    "Africa/Douala; CN China|PRC; CO Colombia = America/Bogota; CR Costa Rica = "
    "America/Costa_Rica; CU Cuba = America/Havana; CV Cape Verde = Atlantic/Cape_Verde; CW "
    "Curaçao = America/Curacao; CX Christmas Island = Indian/Christmas; CY Cyprus = "
    "Asia/Nicosia; CZ Czech Republic|Czechia = Europe/Prague; DE Germany|Deutschland|DEU = "
    "Europe/Berlin; DJ Djibouti = Africa/Djibouti; DK Denmark|Danmark = Europe/Copenhagen; DM "
    "Dominica = America/Dominica; DO Dominican Republic = America/Santo_Domingo; DZ Algeria = "
    "Africa/Algiers; EC Ecuador; EE Estonia = Europe/Tallinn; EG Egypt = Africa/Cairo; EH "
    "Western Sahara = Africa/El_Aaiun; ER Eritrea = Africa/Asmara; ES Spain|España; ET Ethiopia "
    "= Africa/Addis_Ababa; FI Finland|Suomi = Europe/Helsinki; FJ Fiji = Pacific/Fiji; FK "
    "Falkland Islands = Atlantic/Stanley; FM Micronesia; FO Faroe Islands = Atlantic/Faroe; FR "
    "France = Europe/Paris; GA Gabon = Africa/Libreville; GB United Kingdom|UK|Great "
    "Britain|Britain|England|Scotland|Wales|Northern Ireland|GBR = Europe/London; GD Grenada = "
    "America/Grenada; GE Georgia = Asia/Tbilisi; GF French Guiana = America/Cayenne; GG "
    "Guernsey = Europe/Guernsey; GH Ghana = Africa/Accra; GI Gibraltar = Europe/Gibraltar; GL "
    "Greenland; GM Gambia = Africa/Banjul; GN Guinea = Africa/Conakry; GP Guadeloupe = "
    "America/Guadeloupe; GQ Equatorial Guinea = Africa/Malabo; GR Greece = Europe/Athens; GS "
    "South Georgia and the South Sandwich Islands = Atlantic/South_Georgia; GT Guatemala = "
    "America/Guatemala; GU Guam = Pacific/Guam; GW Guinea-Bissau = Africa/Bissau; GY Guyana = "
    "America/Guyana; HK Hong Kong = Asia/Hong_Kong; HM Heard Island and McDonald Islands; HN "
    "Honduras = America/Tegucigalpa; HR Croatia = Europe/Zagreb; HT Haiti = "
    "America/Port-au-Prince; HU Hungary = Europe/Budapest; ID Indonesia; IE Ireland|Eire = "
    "Europe/Dublin; IL Israel = Asia/Jerusalem; IM Isle of Man = Europe/Isle_of_Man; IN India = "
    "Asia/Kolkata; IO British Indian Ocean Territory = Indian/Chagos; IQ Iraq = Asia/Baghdad; "
    "IR Iran = Asia/Tehran; IS Iceland = Atlantic/Reykjavik; IT Italy|Italia = Europe/Rome; JE "
    "Jersey = Europe/Jersey; JM Jamaica = America/Jamaica; JO Jordan = Asia/Amman; JP Japan = "
    "Asia/Tokyo; KE Kenya = Africa/Nairobi; KG Kyrgyzstan = Asia/Bishkek; KH Cambodia = "
    "Asia/Phnom_Penh; KI Kiribati; KM Comoros = Indian/Comoro; KN Saint Kitts and Nevis|St "
    "Kitts and Nevis = America/St_Kitts; KP North Korea = Asia/Pyongyang; KR South "
    "Korea|Korea|Republic of Korea = Asia/Seoul; KW Kuwait = Asia/Kuwait; KY Cayman Islands = "
    "America/Cayman; KZ Kazakhstan = Asia/Almaty; LA Laos = Asia/Vientiane; LB Lebanon = "
    "Asia/Beirut; LC St Lucia = America/St_Lucia; LI Liechtenstein = Europe/Vaduz; LK Sri Lanka "
    "= Asia/Colombo; LR Liberia = Africa/Monrovia; LS Lesotho = Africa/Maseru; LT Lithuania = "
    "Europe/Vilnius; LU Luxembourg = Europe/Luxembourg; LV Latvia = Europe/Riga; LY Libya = "
    "Africa/Tripoli; MA Morocco = Africa/Casablanca; MC Monaco = Europe/Monaco; MD Moldova = "
    "Europe/Chisinau; ME Montenegro = Europe/Podgorica; MF Saint Martin = America/Marigot; MG "
    "Madagascar = Indian/Antananarivo; MH Marshall Islands = Pacific/Majuro; MK North Macedonia "
    "= Europe/Skopje; ML Mali = Africa/Bamako; MM Myanmar|Burma = Asia/Yangon; MN Mongolia; MO "
    "Macau = Asia/Macau; MP Northern Mariana Islands = Pacific/Saipan; MQ Martinique = "
    "America/Martinique; MR Mauritania = Africa/Nouakchott; MS Montserrat = America/Montserrat; "
    "MT Malta = Europe/Malta; MU Mauritius = Indian/Mauritius; MV Maldives = Indian/Maldives; "
    "MW Malawi = Africa/Blantyre; MX Mexico|México; MY Malaysia = Asia/Kuala_Lumpur; MZ "
    "Mozambique = Africa/Maputo; NA Namibia = Africa/Windhoek; NC New Caledonia = "
    "Pacific/Noumea; NE Niger = Africa/Niamey; NF Norfolk Island = Pacific/Norfolk; NG Nigeria "
    "= Africa/Lagos; NI Nicaragua = America/Managua; NL Netherlands|Holland|The "
    "Netherlands|Nederland = Europe/Amsterdam; NO Norway|Norge = Europe/Oslo; NP Nepal = "
    "Asia/Kathmandu; NR Nauru = Pacific/Nauru; NU Niue = Pacific/Niue; NZ New Zealand; OM Oman "
    "= Asia/Muscat; PA Panama = America/Panama; PE Peru = America/Lima; PF French Polynesia; PG "
    "Papua New Guinea; PH Philippines = Asia/Manila; PK Pakistan = Asia/Karachi; PL "
    "Poland|Polska = Europe/Warsaw; PM Saint Pierre and Miquelon = America/Miquelon; PN "
    "Pitcairn = Pacific/Pitcairn; PR Puerto Rico = America/Puerto_Rico; PS Palestine = "
    "Asia/Gaza; PT Portugal; PW Palau = Pacific/Palau; PY Paraguay = America/Asuncion; QA Qatar "
    "= Asia/Qatar; RE Réunion = Indian/Reunion; RO Romania = Europe/Bucharest; RS Serbia = "
    "Europe/Belgrade; RU Russia|Russian Federation; RW Rwanda = Africa/Kigali; SA Saudi Arabia "
    "= Asia/Riyadh; SB Solomon Islands = Pacific/Guadalcanal; SC Seychelles = Indian/Mahe; SD "
    "Sudan = Africa/Khartoum; SE Sweden|Sverige = Europe/Stockholm; SG Singapore = "
    "Asia/Singapore; SH St Helena = Atlantic/St_Helena; SI Slovenia = Europe/Ljubljana; SJ "
    "Svalbard and Jan Mayen = Arctic/Longyearbyen; SK Slovakia = Europe/Bratislava; SL Sierra "
    "Leone = Africa/Freetown; SM San Marino = Europe/San_Marino; SN Senegal = Africa/Dakar; SO "
    "Somalia = Africa/Mogadishu; SR Suriname = America/Paramaribo; SS South Sudan = "
    "Africa/Juba; ST Sao Tome and Principe = Africa/Sao_Tome; SV El Salvador = "
    "America/El_Salvador; SX Sint Maarten = America/Lower_Princes; SY Syria = Asia/Damascus; SZ "
    "Eswatini|Swaziland = Africa/Mbabane; TC Turks and Caicos Islands = America/Grand_Turk; TD "
    "Chad = Africa/Ndjamena; TF French S. Terr. = Indian/Kerguelen; TG Togo = Africa/Lome; TH "
    "Thailand = Asia/Bangkok; TJ Tajikistan = Asia/Dushanbe; TK Tokelau = Pacific/Fakaofo; TL "
    "East Timor = Asia/Dili; TM Turkmenistan = Asia/Ashgabat; TN Tunisia = Africa/Tunis; TO "
    "Tonga = Pacific/Tongatapu; TR Turkey|Türkiye = Europe/Istanbul; TT Trinidad and Tobago = "
    "America/Port_of_Spain; TV Tuvalu = Pacific/Funafuti; TW Taiwan = Asia/Taipei; TZ Tanzania "
    "= Africa/Dar_es_Salaam; UA Ukraine; UG Uganda = Africa/Kampala; UM US minor outlying "
    "islands; US United States|USA|United States of America|America|U.S.|U.S.A.; UY Uruguay = "
    "America/Montevideo; UZ Uzbekistan = Asia/Samarkand; VA Vatican City|Holy See = "
    "Europe/Vatican; VC St Vincent = America/St_Vincent; VE Venezuela = America/Caracas; VG "
    "British Virgin Islands = America/Tortola; VI US Virgin Islands = America/St_Thomas; VN "
    "Vietnam|Viet Nam = Asia/Ho_Chi_Minh; VU Vanuatu = Pacific/Efate; WF Wallis and Futuna = "
    "Pacific/Wallis; WS Samoa = Pacific/Apia; YE Yemen = Asia/Aden; YT Mayotte = "
    "Indian/Mayotte; ZA South Africa = Africa/Johannesburg; ZM Zambia = Africa/Lusaka; ZW "
    "Zimbabwe = Africa/Harare"
)

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
US_STATE_ZONES = {
    **dict.fromkeys(
        "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV".split(),
        "America/New_York",
    ),
    **dict.fromkeys("AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI".split(), "America/Chicago"),
    **dict.fromkeys("AZ".split(), "America/Phoenix"),
    **dict.fromkeys("CO ID MT NM UT WY".split(), "America/Denver"),
    **dict.fromkeys("CA NV OR WA".split(), "America/Los_Angeles"),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
}

# Territories and freely associated states with US postal codes, Australia's states and
# territories, and Canada's provinces.
_OTHER_REGIONS: dict[str, dict[str, tuple[str, str | None]]] = {
    "US": {
        "PR": ("Puerto Rico", "America/Puerto_Rico"),
        "VI": ("US Virgin Islands", "America/St_Thomas"),
        "GU": ("Guam", "Pacific/Guam"),
        "AS": ("American Samoa", "Pacific/Pago_Pago"),
        "MP": ("Northern Mariana Islands", "Pacific/Saipan"),
        "FM": ("Federated States of Micronesia", "Pacific/Chuuk"),
        "MH": ("Marshall Islands", "Pacific/Majuro"),
        "PW": ("Palau", "Pacific/Palau"),
    },
    "AU": {
        "ACT": ("Australian Capital Territory", "Australia/Sydney"),
        "NSW": ("New South Wales", "Australia/Sydney"),
        "NT": ("Northern Territory", "Australia/Darwin"),
        "QLD": ("Queensland", "Australia/Brisbane"),
        "SA": ("South Australia", "Australia/Adelaide"),
        "TAS": ("Tasmania", "Australia/Hobart"),
        "VIC": ("Victoria", "Australia/Melbourne"),
        "WA": ("Western Australia", "Australia/Perth"),
    },
    "CA": {
        "AB": ("Alberta", "America/Edmonton"),
        "BC": ("British Columbia", "America/Vancouver"),
        "MB": ("Manitoba", "America/Winnipeg"),
        "NB": ("New Brunswick", "America/Moncton"),
        "NL": ("Newfoundland and Labrador", "America/St_Johns"),
        "NS": ("Nova Scotia", "America/Halifax"),
        "NT": ("Northwest Territories", "America/Yellowknife"),
        "NU": ("Nunavut", "America/Iqaluit"),
        "ON": ("Ontario", "America/Toronto"),
        "PE": ("Prince Edward Island", "America/Halifax"),
        "QC": ("Quebec", "America/Toronto"),
        "SK": ("Saskatchewan", "America/Regina"),
        "YT": ("Yukon", "America/Whitehorse"),
    },
}

_NOT_ALNUM = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """How names compare: case, accents, punctuation, spacing and a leading "the" ignored."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = re.sub(r"^the\s+", "", plain.strip())
    return _NOT_ALNUM.sub("", plain)


def _parse_countries() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    codes: dict[str, str] = {}  # key of any name, alias or code → code
    names: dict[str, str] = {}
    zones: dict[str, str] = {}
    for entry in "".join(_COUNTRIES).split("; "):
        head, _, zone = entry.partition(" = ")
        code, _, spellings = head.partition(" ")
        aliases = spellings.split("|")
        names[code] = aliases[0]
        if zone:
            zones[code] = zone
        for spelling in (code, *aliases):
            codes.setdefault(_key(spelling), code)
    return codes, names, zones


_COUNTRY_CODES, COUNTRY_NAMES, _COUNTRY_ZONES = _parse_countries()
_REGIONS: dict[str, dict[str, tuple[str, str | None]]] = {
    "US": {code: (name, US_STATE_ZONES.get(code)) for code, name in US_STATES.items()}
    | _OTHER_REGIONS["US"],
    "CA": _OTHER_REGIONS["CA"],
    "AU": _OTHER_REGIONS["AU"],
}
_REGION_CODES = {
    country: {
        _key(spelling): code for code, (name, _) in table.items() for spelling in (code, name)
    }
    for country, table in _REGIONS.items()
}


@lru_cache(maxsize=4096)  # an import asks about the same few places a million times
def country_code(text: str | None) -> str | None:
    """The ISO code of a country however it is written, or None when it is not one."""
    return _COUNTRY_CODES.get(_key(text)) if text else None


def stored_country(text: str) -> str:
    """A country as the store keeps it: its ISO code, or the text when it names none."""
    return country_code(text) or text


@lru_cache(maxsize=4096)
def region_code(state: str | None, country: str | None) -> str | None:
    """The postal code of a US state, a Canadian province or an Australian state (by code or
    name), or None.

    With no country, the US is tried before Canada; with another country, None.
    """
    if not state or (country is not None and country not in _REGIONS):
        return None
    key = _key(state)
    for scope in (country,) if country else ("US", "CA"):
        code = _REGION_CODES[scope].get(key)
        if code:
            return code
    return None


@lru_cache(maxsize=4096)
def zone_for_place(state: str | None, country: str | None) -> str | None:
    """The one time zone a state (a postal code) or else a country (an ISO code) implies."""
    code = region_code(state, country)
    if code:
        for scope in (country,) if country else ("US", "CA"):
            found = _REGIONS[scope].get(code)
            if found and found[1]:
                return found[1]
    return _COUNTRY_ZONES.get(country) if country else None


# The fifty states and DC: a US lead with no state is somewhere in them (Guam's and Saipan's
# hours would leave no hour to call anyone in the States).
_US_MAINLAND_ZONES = tuple(dict.fromkeys(US_STATE_ZONES.values()))


@lru_cache(maxsize=1024)
def country_zones(country: str | None) -> tuple[str, ...]:
    """Every time zone a country (an ISO code) keeps: its one zone, its states' and
    provinces' zones, or else libphonenumber's zones for its calling code."""
    if not country:
        return ()
    if country in _COUNTRY_ZONES:
        return (_COUNTRY_ZONES[country],)
    if country == "US":
        return _US_MAINLAND_ZONES
    if country in _REGIONS:
        return tuple(dict.fromkeys(zone for _, zone in _REGIONS[country].values() if zone))
    calling_code = country_code_for_region(country)
    zones = TIMEZONE_DATA.get(str(calling_code), ()) if calling_code else ()
    return tuple(zone for zone in zones if zone != "Etc/Unknown")


# LinkedIn's names for metro areas that lie in one state or province (Sales Navigator's
# Geography writes them beside "City, State, Country"): "name = City|State|Country".
_METROS = (
    "Greater Perth Area = Perth|WA|AU; Greater Sydney Area = Sydney|NSW|AU; Greater "
    "Melbourne Area = Melbourne|VIC|AU; Greater Brisbane Area = Brisbane|QLD|AU; Greater "
    "Adelaide Area = Adelaide|SA|AU; San Francisco Bay Area = |CA|US; Los Angeles "
    "Metropolitan Area = |CA|US; Greater Seattle Area = Seattle|WA|US; Greater Boston = "
    "Boston|MA|US; Greater Houston = Houston|TX|US; Dallas-Fort Worth Metroplex = |TX|US; "
    "Greater Toronto Area = |ON|CA; Greater Montreal Metropolitan Area = Montreal|QC|CA; "
    "Greater London = London|England|GB; London Area = London|England|GB"
)
_METRO_PLACES = {
    _key(name): tuple(part or None for part in place.split("|"))
    for name, _, place in (entry.partition(" = ") for entry in _METROS.split("; "))
}


def _regions_named(text: str) -> list[tuple[str, str]]:
    """(country, state code) of every US state, Canadian province or Australian state
    `text` names."""
    return [
        (country, code) for country in _REGIONS if (code := _REGION_CODES[country].get(_key(text)))
    ]


@lru_cache(maxsize=4096)
def read_place(text: str) -> tuple[str | None, str | None, str] | None:
    """(City, State, Country) as the store keeps them of a place written in words ("Perth,
    Western Australia, Australia", "Austin, Texas", "Greater Perth Area"), or None when it
    is not one place we can tell ("Perth", "Atlanta, Georgia": the state or the country):
    never a guess. A state is its postal code where the country has them, else as typed."""
    parts = [part.strip() for part in text.split(",")]
    if not text.strip() or len(parts) > 3 or not all(parts):
        return None
    metro = _METRO_PLACES.get(_key(parts[0]))
    if metro is not None:
        named = {country_code(part) for part in parts[1:]}
        return metro if named <= {metro[2]} else None  # type: ignore[return-value]
    *before, last = parts
    country, regions = country_code(last), _regions_named(last)
    if (country and regions) or len(regions) > 1:  # "Georgia", "WA"
        return None
    city: str | None = None
    state: str | None = None
    if country is None:
        if not regions or len(before) > 1:
            return None
        (country, state), city = regions[0], before[0] if before else None
    elif len(before) == 2:
        city, state = before[0], _state_of(before[1], country)
        if state is None:
            return None
    elif len(before) == 1 and country in _REGIONS:  # "Texas, United States" or a city
        state = region_code(before[0], country)
        city = None if state else before[0]
    elif before:  # "Bavaria, Germany" or "Berlin, Germany": a region or a city
        return None
    if city is not None and (country_code(city) or _regions_named(city)):
        return None
    return city, state, country


def _state_of(text: str, country: str) -> str | None:
    """The state `text` names in `country`, or None when it names none there (or a place
    elsewhere: "Paris, Texas, France")."""
    if country in _REGIONS:
        return region_code(text, country)
    elsewhere = country_code(text)
    if (elsewhere and elsewhere != country) or _regions_named(text):
        return None
    return text
