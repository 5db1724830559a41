"""One-off generator of the list-derived reference files (run by hand, output committed).

Reads the shared public lists beside the project (../shared/reference and
../shared/corpus/wfb) and the hand-curated YAML files of
src/andiwali/model/data/reference, and writes:

- states.yaml            every ISO 3166-1 country (names from CLDR via babel) with curated
                         demonyms, forces and intergovernmental bodies
- un_sanctions.yaml      the 95 entities of the UN ISIL/al-Qaida, Taliban and Somalia lists:
                         extensions of curated entities, or new entities
- us_designations.yaml   the 590 OFAC SDGT/FTO entities, likewise, with FTO dates
- wfb_aliases.yaml       the "aka" names of the 77 CIA World Factbook profiles not already known
- ofac_links.yaml        the people of the OFAC "linked to" relations and the relations the
                         ontology can express (see docs/reference-data.md for the mapping)

The project never reads ../shared at run time: only the YAML written here ships.
Usage: .venv/bin/python scripts/build_reference.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "resolve"))

from wfb_akas import parse_profile  # noqa: E402

from andiwali.model.names import is_acronym, normalize_name  # noqa: E402
from andiwali.model.reference import Gazetteer, _parse_entity  # noqa: E402

DATA = ROOT / "src" / "andiwali" / "model" / "data" / "reference"
GENERATED = {"states.yaml", "un_sanctions.yaml", "us_designations.yaml", "wfb_aliases.yaml", "ofac_links.yaml"}

# ---- crosswalks reviewed by hand ------------------------------------------------
# UN reference number -> canonical name of the curated entity (when the names alone do not say)
UN_TO = {
    "QDe.004": "al-Qaeda", "QDe.115": "al-Qaeda in Iraq", "QDe.137": "al-Nusrah Front",
    "QDe.088": "Turkestan Islamic Party", "QDe.119": "Islamic Jihad Union", "QDe.014": "al-Qaeda in the Islamic Maghreb",
    "QDe.129": "al-Qaeda in the Arabian Peninsula", "QDe.132": "Tehrik-e-Taliban Pakistan", "SOe.001": "al-Shabaab",
    "QDe.159": "Jama'at Nusrat al-Islam wal-Muslimin", "QDe.161": "Islamic State Khorasan Province",
    "QDe.008": "Harakat ul-Mujahidin", "QDe.130": "Harakat ul-Jihad-i-Islami", "QDe.118": "Lashkar-e-Taiba",
    "QDe.019": "Jaish-e-Mohammed", "QDe.096": "Lashkar-e-Jhangvi", "QDe.001": "Abu Sayyaf Group",
    "QDe.092": "Jemaah Islamiyah", "QDe.138": "Boko Haram", "QDe.142": "Ansaru", "QDe.143": "Ansar al-Sharia in Tunisia",
    "QDe.145": "Ansar al-Sharia in Darnah", "QDe.146": "Ansar al-Sharia in Benghazi", "QDe.144": "Abdallah Azzam Brigades",
    "QDe.135": "Ansar al-Dine", "QDe.139": "Al Mouakaoune Biddam", "QDe.140": "al-Mulathamun Battalion",
    "QDe.141": "al-Mourabitoun", "QDe.134": "Movement for Unity and Jihad in West Africa", "QDe.162": "Islamic State West Africa Province",
    "QDe.163": "Islamic State Sahel Province", "QDe.165": "Islamic State Libya Province", "QDe.166": "Islamic State Yemen Province",
    "QDe.167": "Jund al-Khilafah in Tunisia", "QDe.151": "Jund al-Khilafah in Algeria", "QDe.169": "Islamic State East Asia Province",
    "QDe.168": "Katibat al-Tawhid wal-Jihad", "QDe.158": "Katibat Imam al-Bukhari", "QDe.131": "Caucasus Emirate",
    "QDe.152": "Jamaat-ul-Ahrar", "QDe.160": "Tariq Gidar Group", "QDe.164": "Jamaah Ansharut Daulah",
    "QDe.133": "Jemmah Anshorut Tauhid", "QDe.150": "Mujahidin Indonesia Timur", "QDe.128": "Rajah Solaiman Movement",
    "QDe.148": "Jaysh al-Muhajirin wal-Ansar", "QDe.149": "Harakat Sham al-Islam", "QDe.155": "Jaysh Khalid ibn al-Walid",
    "QDe.156": "Jund al-Aqsa", "QDe.098": "Ansar al-Islam", "QDe.007": "Asbat al-Ansar", "QDe.003": "Egyptian Islamic Jihad",
    "QDe.006": "Armed Islamic Group", "QDe.011": "Libyan Islamic Fighting Group", "QDe.089": "Moroccan Islamic Combatant Group",
    "QDe.090": "Tunisian Combatant Group", "QDe.009": "Islamic Army of Aden", "QDe.136": "Muhammad Jamal Network",
    "QDe.010": "Islamic Movement of Uzbekistan", "QDe.002": "al-Itihaad al-Islamiya", "QDe.099": "Islamic International Brigade",
    "QDe.100": "Riyadus-Salikhin Reconnaissance and Sabotage Battalion of Chechen Martyrs", "QDe.101": "Special Purpose Islamic Regiment",
    "QDe.068": "Ummah Tameer-e-Nau", "TAe.012": "Haqqani Network", "QDe.012": "Maktab al-Khidamat",
}
UN_LIST = {"QDe": "UN 1267", "TAe": "UN 1988", "SOe": "UN 2713"}

# OFAC primary name -> curated canonical name (when the names alone do not say), or None to force a new entity
OFAC_TO = {
    "AL QA'IDA": "al-Qaeda", "ISLAMIC STATE OF IRAQ AND THE LEVANT": "Islamic State", "HIZBALLAH": "Hezbollah",
    "HAMAS": "Hamas", "TALIBAN": "Taliban", "AL-NUSRAH FRONT": "al-Nusrah Front",
    "SALAFIST GROUP FOR CALL AND COMBAT": "al-Qaeda in the Islamic Maghreb", "ISIL KHORASAN": "Islamic State Khorasan Province",
    "ISIL-YEMEN": "Islamic State Yemen Province", "ISIL-LIBYA": "Islamic State Libya Province", "ISIS-BANGLADESH": "Islamic State Bangladesh",
    "ISIS-PHILIPPINES": "Islamic State East Asia Province", "ISIS-WEST AFRICA": "Islamic State West Africa Province",
    "ISIS-SINAI PROVINCE": "Islamic State Sinai Province", "ISLAMIC STATE OF IRAQ AND SYRIA - DEMOCRATIC REPUBLIC OF THE CONGO": "Islamic State Central Africa Province",
    "ISLAMIC STATE OF IRAQ AND SYRIA - MOZAMBIQUE": "Islamic State Mozambique Province", "ISLAMIC JIHAD GROUP": "Islamic Jihad Union",
    "NEW PEOPLE'S ARMY / COMMUNIST PARTY OF THE PHILIPPINES": "Communist Party of the Philippines",
    "PALESTINE ISLAMIC JIHAD - SHAQAQI FACTION": "Palestine Islamic Jihad", "NATIONAL LIBERATION ARMY": "National Liberation Army (Colombia)",
    "REAL IRA": "Real Irish Republican Army", "CONTINUITY IRA": "Continuity Irish Republican Army", "AL-MULATHAMUN BATTALION": "al-Mulathamun Battalion",
    "ANSAR AL-SHARI'A IN DARNAH": "Ansar al-Sharia in Darnah", "ANSAR AL-SHARI'A IN BENGHAZI": "Ansar al-Sharia in Benghazi",
    "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE": "IRGC-Qods Force", "ISLAMIC REVOLUTIONARY GUARD CORPS AIR FORCE": "IRGC Aerospace Force",
    "IRGC GROUND FORCES": "IRGC Ground Forces", "IRGC NAVY": "IRGC Navy", "BASIJ RESISTANCE FORCE": "Basij", "JEMAA ISLAMIYAH": "Jemaah Islamiyah",
    "ARMY OF ISLAM": "Army of Islam", "HARAKAT UL-MUJAHIDEEN": "Harakat ul-Mujahidin", "LASHKAR E-TAYYIBA": "Lashkar-e-Taiba",
    "LASHKAR I JHANGVI": "Lashkar-e-Jhangvi", "JAISH-I-MOHAMMED": "Jaish-e-Mohammed", "HARAKAT UL-JIHAD-I-ISLAMI/BANGLADESH": "Harakat ul-Jihad-i-Islami/Bangladesh",
    "HARAKAT UL-JIHAD-I-ISLAMI": "Harakat ul-Jihad-i-Islami", "HASM": "Harakat Sawa'd Misr", "AL-ASHTAR BRIGADES": "al-Ashtar Brigades",
    "ABDALLAH AZZAM BRIGADES": "Abdallah Azzam Brigades", "ISLAMIC STATE OF IRAQ AND SYRIA - GREATER SAHARA": "Islamic State Sahel Province",
    "AL-QA'IDA IN THE ARABIAN PENINSULA": "al-Qaeda in the Arabian Peninsula", "AL-QA'IDA IN THE INDIAN SUBCONTINENT": "al-Qaeda in the Indian Subcontinent",
    "EUZKADI TA ASKATASUNA": "Euskadi Ta Askatasuna", "KURDISTAN WORKERS' PARTY": "Kurdistan Workers' Party",
    "REVOLUTIONARY PEOPLE'S LIBERATION PARTY/FRONT": "Revolutionary People's Liberation Party/Front", "SHINING PATH": "Shining Path",
    "REVOLUTIONARY ARMED FORCES OF COLOMBIA - PEOPLE'S ARMY": "Revolutionary Armed Forces of Colombia - People's Army",
    "TEHRIK-E TALIBAN PAKISTAN (TTP)": "Tehrik-e-Taliban Pakistan", "GAMA'A AL-ISLAMIYYA": "Gama'a al-Islamiyya",
    "MUJAHIDIN SHURA COUNCIL IN THE ENVIRONS OF JERUSALEM": "Mujahidin Shura Council in the Environs of Jerusalem",
    "JAMA'AT NUSRAT AL-ISLAM WAL-MUSLIMIN": "Jama'at Nusrat al-Islam wal-Muslimin", "JAYSH AL-ADL": "Jaysh al-Adl",
    "ANSAR AL-DINE": "Ansar al-Dine", "INDIAN MUJAHIDEEN": "Indian Mujahideen", "HIZBUL MUJAHIDEEN": "Hizbul Mujahideen",
    "KATA'IB HIZBALLAH": "Kata'ib Hizballah", "ASBAT AL-ANSAR": "Asbat al-Ansar", "AUM SHINRIKYO": "Aum Shinrikyo",
    "KAHANE CHAI": "Kahane Chai", "SEGUNDA MARQUETALIA": "Segunda Marquetalia", "REVOLUTIONARY STRUGGLE": "Revolutionary Struggle",
    "ISLAMIC MOVEMENT OF UZBEKISTAN": "Islamic Movement of Uzbekistan", "ABU SAYYAF GROUP": "Abu Sayyaf Group",
    "PALESTINE LIBERATION FRONT - ABU ABBAS FACTION": "Palestine Liberation Front - Abu Abbas Faction",
    "POPULAR FRONT FOR THE LIBERATION OF PALESTINE": "Popular Front for the Liberation of Palestine",
    "POPULAR FRONT FOR THE LIBERATION OF PALESTINE - GENERAL COMMAND": "Popular Front for the Liberation of Palestine - General Command",
    "LIBERATION TIGERS OF TAMIL EELAM": "Liberation Tigers of Tamil Eelam", "AL-AQSA MARTYRS BRIGADE": "Al-Aqsa Martyrs Brigade",
    "ISLAMIC REVOLUTIONARY GUARD CORPS": "Islamic Revolutionary Guard Corps", "JAYSH RIJAL AL-TARIQ AL-NAQSHABANDI": "Jaysh Rijal al-Tariq al-Naqshabandi",
    "BOKO HARAM": "Boko Haram", "ANSARU": "Ansaru", "AL-SHABAAB": "al-Shabaab", "HAQQANI NETWORK": "Haqqani Network",
    "JEMMAH ANSHORUT TAUHID": "Jemmah Anshorut Tauhid", "ANSAR AL-ISLAM": "Ansar al-Islam", "ANSAR AL-SHARI'A IN TUNISIA": "Ansar al-Sharia in Tunisia",
}

# WFB profile number -> canonical name
WFB_TO = {
    1: "Abdallah Azzam Brigades", 2: "Abu Sayyaf Group", 3: "Al-Aqsa Martyrs Brigade", 4: "al-Ashtar Brigades", 5: "al-Mourabitoun",
    6: "al-Qaeda", 7: "al-Qaeda in the Arabian Peninsula", 8: "al-Qaeda in the Indian Subcontinent", 9: "al-Qaeda in the Islamic Maghreb",
    10: "al-Shabaab", 11: "Ansar al-Dine", 12: "Ansar al-Islam", 13: "Ansar al-Sharia in Libya", 14: "Ansar al-Sharia in Tunisia",
    15: "Ansarallah", 16: "Army of Islam", 17: "Asa'ib Ahl al-Haqq", 18: "Asbat al-Ansar", 19: "Boko Haram",
    20: "Communist Party of the Philippines", 21: "Continuity Irish Republican Army", 22: "Gulf Cartel", 23: "Hamas",
    24: "Haqqani Network", 25: "Harakat Sawa'd Misr", 26: "Harakat ul-Jihad-i-Islami", 27: "Harakat ul-Jihad-i-Islami/Bangladesh",
    28: "Harakat ul-Mujahidin", 29: "Hay'at Tahrir al-Sham", 30: "Hezbollah", 31: "Hizbul Mujahideen", 32: "Hurras al-Din",
    33: "Indian Mujahideen", 34: "Islamic Jihad Union", 35: "Islamic Movement of Uzbekistan", 36: "Islamic Revolutionary Guard Corps",
    37: "Islamic State Central Africa Province", 38: "Islamic State East Asia Province", 39: "Islamic State Mozambique Province",
    40: "Islamic State Sinai Province", 41: "Islamic State West Africa Province", 42: "Islamic State Bangladesh", 43: "Islamic State Libya Province",
    44: "Islamic State Sahel Province", 45: "Islamic State", 46: None, 47: "Islamic State Khorasan Province", 48: "Jaish-e-Mohammed",
    49: "Jama'at Nusrat al-Islam wal-Muslimin", 50: "Ansaru", 51: "Jaysh al-Adl", 52: "Jaysh Rijal al-Tariq al-Naqshabandi",
    53: "Jemaah Islamiyah", 54: "Kata'ib Hizballah", 55: "Kurdistan Workers' Party", 56: "La Mara Salvatrucha", 57: "Lashkar-e-Jhangvi",
    58: "Lashkar-e-Taiba", 59: "Liberation Tigers of Tamil Eelam", 60: "National Liberation Army (Colombia)", 61: "New Generation Jalisco Cartel",
    62: "Northeast Cartel", 63: "Palestine Islamic Jihad", 64: "Palestine Liberation Front - Abu Abbas Faction",
    65: "Popular Front for the Liberation of Palestine - General Command", 66: "Popular Front for the Liberation of Palestine",
    67: "Real Irish Republican Army", 68: "Revolutionary Armed Forces of Colombia - People's Army", 69: "Revolutionary People's Liberation Party/Front",
    70: "Revolutionary Struggle", 71: "Segunda Marquetalia", 72: "Shining Path", 73: "Sinaloa Cartel", 74: "Tehrik-e-Taliban Pakistan",
    75: "The New Michoacana Family", 76: "Tren de Aragua", 77: "United Cartels",
}

# ---- states ------------------------------------------------------------------------
STATE_NAMES = {
    "MM": ("Myanmar", ["Burma"]), "CD": ("Democratic Republic of the Congo", ["DRC", "DR Congo", "Congo-Kinshasa", "Congo - Kinshasa"]),
    "CG": ("Republic of the Congo", ["Congo-Brazzaville", "Congo - Brazzaville"]), "CI": ("Côte d'Ivoire", ["Ivory Coast", "Cote d'Ivoire"]),
    "HK": ("Hong Kong", []), "MO": ("Macao", ["Macau"]), "PS": ("Palestinian Territories", ["Palestine", "State of Palestine", "Occupied Palestinian Territories"]),
    "TR": ("Turkey", ["Türkiye", "Turkiye", "Republic of Turkey"]), "GB": ("United Kingdom", ["UK", "U.K.", "Britain", "Great Britain"]),
    "RU": ("Russia", ["Russian Federation"]), "SY": ("Syria", ["Syrian Arab Republic"]), "KR": ("South Korea", ["Republic of Korea"]),
    "KP": ("North Korea", ["DPRK", "Democratic People's Republic of Korea"]), "LA": ("Laos", []), "VN": ("Vietnam", ["Viet Nam"]),
    "TZ": ("Tanzania", []), "CZ": ("Czechia", ["Czech Republic"]), "MK": ("North Macedonia", ["Macedonia"]), "SZ": ("Eswatini", ["Swaziland"]),
    "CV": ("Cape Verde", ["Cabo Verde"]), "TL": ("Timor-Leste", ["East Timor"]), "VA": ("Vatican City", ["Holy See"]),
    "FM": ("Micronesia", []), "IR": ("Iran", ["Islamic Republic of Iran"]), "AE": ("United Arab Emirates", ["UAE", "Emirates"]),
    "US": ("United States", []), "XK": ("Kosovo", []), "BO": ("Bolivia", []), "VE": ("Venezuela", []), "MD": ("Moldova", []),
    "SA": ("Saudi Arabia", ["Kingdom of Saudi Arabia", "KSA"]), "NL": ("Netherlands", ["Holland", "The Netherlands"]),
    "CN": ("China", ["People's Republic of China", "PRC"]), "TW": ("Taiwan", []), "PH": ("Philippines", ["The Philippines"]),
    "GM": ("Gambia", ["The Gambia"]), "BS": ("Bahamas", ["The Bahamas"]), "IN": ("India", []), "PK": ("Pakistan", []),
}
# one-word list aliases that are common words or other things' names ("Ajnad": soldiers, a word in many
# group names; "al-Aqsa": the mosque): kept, but matched only with context
LIST_GENERIC = frozenset(["ajnad", "al-aqsa", "sirat", "jit", "istikamet"])

# demonyms and state forces: (alias, ambiguous)
STATE_EXTRA: dict[str, list[tuple[str, bool]]] = {
    "AF": [("Afghan", False)],
    "PK": [("Pakistani", False), ("Pakistani state", False), ("Pakistani government", False), ("Pakistan Army", False), ("Pakistani army", False),
           ("Pakistani military", False), ("Pakistani security forces", False), ("Inter-Services Intelligence", False), ("Pakistan Government", False), ("Government of Pakistan", False)],
    "IN": [("Indian", True), ("Indian government", False), ("Indian Army", False), ("Indian security forces", False)],
    "US": [("American", True), ("US military", False), ("U.S. military", False), ("US forces", False), ("Pentagon", False), ("US government", False),
           ("Central Intelligence Agency", False), ("CIA", False)],
    "IR": [("Iranian", False), ("Iranian government", False)],
    "IQ": [("Iraqi", False), ("Iraqi government", False), ("Iraqi security forces", False), ("ISF", True)],
    "SY": [("Syrian", False), ("Syrian government", False), ("Syrian regime", False), ("Assad regime", False), ("Syrian Arab Army", False), ("Syrian Government forces", False)],
    "SA": [("Saudi", False)], "YE": [("Yemeni", False), ("Yemeni government", False), ("Yemeni military", False), ("Yemeni security forces", False)], "SO": [("Somali", True), ("Somali government", False),
           ("Federal Government of Somalia", False), ("Somali National Army", False), ("Government of Somalia", False)],
    "ML": [("Malian", False), ("Malian army", False), ("Malian armed forces", False), ("FAMa", False)],
    "BF": [("Burkinabe", False), ("Burkinabè", False)], "NE": [("Nigerien", False)], "NG": [("Nigerian", False), ("Nigerian army", False), ("Nigerian military", False)],
    "MR": [("Mauritanian", False)], "TD": [("Chadian", False)], "LY": [("Libyan", False)], "EG": [("Egyptian", False), ("Egyptian government", False)],
    "TN": [("Tunisian", False)], "DZ": [("Algerian", False)], "MA": [("Moroccan", False)], "KE": [("Kenyan", False)], "ET": [("Ethiopian", False)],
    "UG": [("Ugandan", False)], "MZ": [("Mozambican", False)], "TZ": [("Tanzanian", False)], "SD": [("Sudanese", False), ("Sudanese Armed Forces", False), ("SAF", True)],
    "UZ": [("Uzbek", True)], "TJ": [("Tajik", True)], "TM": [("Turkmen", True)], "KZ": [("Kazakh", True)], "KG": [("Kyrgyz", True)],
    "RU": [("Russian", False), ("Russian government", False), ("Kremlin", False)],
    "FR": [("French", False), ("French forces", False)], "GB": [("British", False)], "DE": [("German", False)],
    "IL": [("Israeli", False), ("Israeli government", False), ("Israel Defense Forces", False), ("IDF", False)],
    "LB": [("Lebanese", False), ("Lebanese Armed Forces", False), ("LAF", True)], "JO": [("Jordanian", False)], "TR": [("Turkish", False)],
    "PS": [("Palestinian", True), ("Palestinian Authority", False)], "QA": [("Qatari", False)], "AE": [("Emirati", False)], "OM": [("Omani", False)],
    "BH": [("Bahraini", False)], "KW": [("Kuwaiti", False)], "ID": [("Indonesian", False)], "PH": [("Filipino", False), ("Philippine", False),
           ("Armed Forces of the Philippines", False)], "MY": [("Malaysian", False)], "TH": [("Thai", False)], "BD": [("Bangladeshi", False)],
    "MM": [("Burmese", False), ("Myanmar military", False), ("Tatmadaw", False)], "LK": [("Sri Lankan", False)], "NP": [("Nepali", False)], "CN": [("Chinese", False)], "JP": [("Japanese", False)],
    "CO": [("Colombian", False)], "MX": [("Mexican", False)], "VE": [("Venezuelan", False)], "PE": [("Peruvian", False)],
    "AZ": [("Azerbaijani", False)], "AM": [("Armenian", False)], "CA": [("Canadian", False)], "AU": [("Australian", False)],
    "IT": [("Italian", False)], "ES": [("Spanish", False)], "BE": [("Belgian", False)], "SE": [("Swedish", False)], "NO": [("Norwegian", False)],
    "DK": [("Danish", False)], "UA": [("Ukrainian", False)], "CD": [("Congolese", True), ("FARDC", False)], "CM": [("Cameroonian", False)],
    "BJ": [("Beninese", False)], "TG": [("Togolese", False)], "GH": [("Ghanaian", False)], "SN": [("Senegalese", False)],
    "LR": [("Liberian", False)], "SV": [("Salvadoran", False), ("Salvadorean", False)], "CF": [("Central African", False)],
    "ER": [("Eritrean", False)], "SS": [("South Sudanese", False)], "RW": [("Rwandan", False)], "BI": [("Burundian", False)],
    "SL": [("Sierra Leonean", False)], "GN": [("Guinean", True)], "CI": [("Ivorian", False)], "AO": [("Angolan", False)],
    "ZW": [("Zimbabwean", False)], "ZA": [("South African", False)], "DJ": [("Djiboutian", False)], "GT": [("Guatemalan", False)],
    "HN": [("Honduran", False)], "NI": [("Nicaraguan", False)], "EC": [("Ecuadorian", False)], "BR": [("Brazilian", False)],
    "AR": [("Argentine", False), ("Argentinian", False)], "CL": [("Chilean", False)], "BO": [("Bolivian", False)], "PY": [("Paraguayan", False)],
    "CU": [("Cuban", False)], "HT": [("Haitian", False)], "GE": [("Georgian", True)], "IE": [("Irish", False)], "GR": [("Greek", False)],
    "PL": [("Polish", True)], "NL": [("Dutch", False)], "AT": [("Austrian", False)], "CH": [("Swiss", False)], "PT": [("Portuguese", False)],
    "KR": [("South Korean", False)], "KP": [("North Korean", False)], "VN": [("Vietnamese", False)], "KH": [("Cambodian", False)],
    "LA": [("Laotian", False)], "SG": [("Singaporean", False)],
}
INTERGOV = [
    {"name": "United Nations", "aliases": ["UN", "U.N.", "United Nations Security Council", "UN Security Council", "UNSC"], "subtype": "intergovernmental organization"},
    {"name": "MINUSMA", "aliases": ["United Nations Multidimensional Integrated Stabilization Mission in Mali", "UN mission in Mali"],
     "subtype": "intergovernmental force", "start": "2013-04", "end": "2023-12"},
    {"name": "African Union", "aliases": ["AU (African Union)"], "subtype": "intergovernmental organization"},
    {"name": "African Union Transition Mission in Somalia", "aliases": ["ATMIS", "AMISOM", "African Union Mission in Somalia", "AUSSOM",
                                                                        "African Union Support and Stabilization Mission in Somalia"],
     "subtype": "intergovernmental force", "start": "2007-01"},
    {"name": "European Union", "aliases": ["EU", "E.U."], "subtype": "intergovernmental organization"},
    {"name": "ECOWAS", "aliases": ["Economic Community of West African States"], "subtype": "intergovernmental organization"},
    {"name": "G5 Sahel Joint Force", "aliases": ["G5 Sahel", "FC-G5S"], "subtype": "intergovernmental force", "start": "2017"},
    {"name": "Global Coalition to Defeat ISIS", "aliases": ["Global Coalition against Daesh", "anti-ISIS coalition", "Operation Inherent Resolve", "CJTF-OIR"],
     "subtype": "intergovernmental force", "start": "2014-09"},
    {"name": "International Security Assistance Force", "aliases": ["ISAF"], "subtype": "intergovernmental force", "start": "2001-12", "end": "2014-12"},
    {"name": "Alliance of Sahel States", "aliases": ["AES", "Alliance des Etats du Sahel"], "subtype": "intergovernmental organization", "start": "2023-09"},
]

_KEEP_UPPER = {"ISIL", "ISIS", "IRGC", "HASM", "HSM", "ASC", "UTN", "IIB", "RSRSBCM", "SPIR", "GRF", "BIF", "USA", "UK", "LLC", "FZE", "FZC", "JSC",
               "TV", "DRC", "AQ", "AQI", "AQIM", "AQAP", "HQN", "II", "III", "SA", "S.A.", "SAL", "S.A.L", "S.A.L.", "PJSC", "NGO"}
_LOWER = {"al", "el", "ul", "ud", "ur", "e", "i", "wa", "wal", "of", "the", "and", "in", "for", "de", "la", "le", "du", "des", "fi", "bin", "ibn", "bil",
          "an", "as", "ash", "ad", "at", "az", "li", "lil", "on", "to", "with", "by", "et", "y", "del", "da"}


def smart_title(name: str) -> str:
    """'AL-AKHTAR TRUST INTERNATIONAL' -> 'al-Akhtar Trust International' (names given in capitals)."""
    if not name.isupper():
        return name.strip()
    out = []
    for i, tok in enumerate(re.split(r"(\s+|-|/|\()", name.strip())):
        if not tok or tok.isspace() or tok in "-/(":
            out.append(tok)
            continue
        core = tok.strip("().,'")
        if core in _KEEP_UPPER or (len(core) <= 4 and core.isalpha() and not re.search(r"[AEIOUY]", core)):
            out.append(tok)
        elif core.lower() in _LOWER and i > 0:
            out.append(tok.lower())
        elif core.lower() in {"al", "el"} and i == 0:
            out.append(tok.lower())
        else:
            out.append(re.sub(r"[A-Z][A-Z'’]*", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), tok))
    return "".join(out)


def person_name(ofac: str) -> str:
    """'AL-ZAWAHIRI, Ayman' -> 'Ayman al-Zawahiri'."""
    if "," not in ofac:
        return smart_title(ofac)
    last, first = [p.strip() for p in ofac.split(",", 1)]
    return f"{first} {smart_title(last)}".strip()


def split_acronym(name: str) -> tuple[str, list[str]]:
    """'AFGHAN SUPPORT COMMITTEE (ASC)' -> ('AFGHAN SUPPORT COMMITTEE', ['ASC'])."""
    acr = []
    base0 = re.sub(r"\s*\([^()]*\)", "", name)
    initials = [w[0].upper() for w in re.split(r"[\s\-/]+", base0) if w and w[0].isalpha()]

    def fits(p: str) -> bool:  # an acronym's letters are a subsequence of the name's initials
        letters = [c for c in p.upper() if c.isalpha()]
        it = iter(initials)
        return bool(letters) and all(c in it for c in letters)

    for m in re.finditer(r"\(([^()]+)\)", name):
        inner = m.group(1).strip()
        parts = [p.strip() for p in inner.split(",")]
        if all(is_acronym(p) and fits(p) or re.fullmatch(r"[A-Z][A-Za-z\-]{1,9}", p) and sum(c.isupper() for c in p) >= 2 and fits(p)
               for p in parts):
            acr += parts
    base = re.sub(r"\s*\(([^()]+)\)", lambda m: "" if m.group(1).strip() in ",".join(acr) else m.group(0), name).strip()
    return base or name, acr


def guess_subtype(name: str, is_fto: bool = False) -> str:
    n = name.lower()
    if is_fto:
        return "armed group"
    if re.search(r"\b(media|news|tv|television|radio|press|publication|magazine)\b", n):
        return "media outlet"
    if re.search(r"\b(bank|company|co\b|co\.|ltd|limited|llc|l\.l\.c|inc|corp|trading|exchange|hawala|sarafi|airlines?|air\b|shipping|industr|"
                 r"holding|group holding|investment|enterprise|establishment|factory|petroleum|oil|gas|construction|s\.a|sal|fze|fzc|"
                 r"import|export|travel|tourism|services|agency|store|market|jewel|cement|electronics|logistics|general trading|lines)", n):
        return "business"
    if re.search(r"\b(foundation|charit|relief|committee|trust|society|association|humanitarian|aid|welfare|fund|institute|"
                 r"organization for|waqf|hospital|school|university|center|centre|council|union|ministry)\b", n):
        return "front or charity"
    if re.search(r"\b(brigade|army|front|movement|jihad|jama|harakat|battalion|martyrs|forces?|hizb|ansar|jaysh|jaish|lashkar|tehrik|"
                 r"islamic state|isis|isil|qa'?ida|mujahid|network|resistance|guard|militia|party|group)\b", n):
        return "armed group"
    return "business"


def load_curated() -> tuple[Gazetteer, dict[str, dict]]:
    gaz = Gazetteer()
    raw_by_name: dict[str, dict] = {}
    for path in sorted(DATA.glob("*.yaml")):
        if path.name in GENERATED:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for i, raw in enumerate(data.get("entities") or []):
            ent, _ = _parse_entity(raw, f"{path.name}: entities[{i}]")
            gaz.add(ent)
            raw_by_name[ent.name] = raw
    return gaz, raw_by_name


class Builder:
    def __init__(self, shared: Path):
        self.shared = shared
        self.gaz, _ = load_curated()
        self.by_canon = {(e.kind, e.name): e for e in self.gaz.entities.values()}
        self.new_entities: dict[str, list[dict]] = defaultdict(list)
        self.extensions: dict[str, list[dict]] = defaultdict(list)
        self.known_keys: dict[str, set[str]] = defaultdict(set)  # normalized name -> canonical names (curated + generated)
        for e in self.gaz.entities.values():
            for n in e.all_names():
                self.known_keys[normalize_name(n)].add(e.name)
        self.report: list[str] = []
        self.dropped: list[tuple[str, str, str, list[str]]] = []  # aliases another entity already has

    # -- helpers -------------------------------------------------------------------
    def find_org(self, names: list[str]) -> str | None:
        """A curated organization one of ``names`` belongs to (first name first), only when unambiguous."""
        for n in names:
            hits = {e.name for e in self.gaz.lookup(n) if e.kind == "organization"}
            if len(hits) == 1:
                return hits.pop()
        return None

    def claim_aliases(self, owner: str, names: list[dict]) -> list[dict]:
        """Aliases not yet known under another entity (a name another entity has stays with it)."""
        out = []
        for a in names:
            key = normalize_name(a["name"])
            if not key or key == normalize_name(owner):
                continue
            others = self.known_keys.get(key, set()) - {owner}
            if others:
                self.dropped.append((owner, a["name"], a.get("source", ""), sorted(others)))
                continue
            if owner in self.known_keys.get(key, set()):
                continue
            self.known_keys[key].add(owner)
            if a["name"].lower() in LIST_GENERIC:
                a = dict(a, ambiguous=True)
            out.append(a)
        return out

    def add_new(self, file: str, entry: dict) -> None:
        key = normalize_name(entry["name"])
        entry["aliases"] = [a for a in entry.get("aliases", []) if normalize_name(a["name"]) != key]
        self.known_keys[key].add(entry["name"])
        for a in entry["aliases"]:
            self.known_keys[normalize_name(a["name"])].add(entry["name"])
        self.new_entities[file].append(entry)
        self.by_canon[(entry["kind"], entry["name"])] = entry

    # -- states --------------------------------------------------------------------
    def states(self) -> None:
        from babel import Locale

        terr = Locale("en").territories
        codes = sorted(c for c in terr if len(c) == 2 and c.isalpha() and c not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
        seeds_states = {e.attributes.get("iso"): e for e in self.gaz.entities.values() if e.kind == "state"}
        for code in codes:
            name, aliases = STATE_NAMES.get(code, (terr[code].replace(" & ", " and ").replace("St. ", "Saint "), []))
            names = [{"name": a, "source": "ISO 3166-1 / CLDR"} for a in aliases]
            if terr[code] != name and normalize_name(terr[code]) != normalize_name(name):
                names.append({"name": terr[code], "source": "CLDR (babel)"})
            for alias, amb in STATE_EXTRA.get(code, []):
                d = {"name": alias, "source": "curated demonym or state force"}
                if amb:
                    d["ambiguous"] = True
                names.append(d)
            if code in seeds_states:
                owner = seeds_states[code].name
                kept = self.claim_aliases(owner, names)
                if kept:
                    self.extensions["states.yaml"].append({"extends": owner, "kind": "state", "aliases": kept})
                continue
            kept = self.claim_aliases(name, names)
            self.add_new("states.yaml", {"name": name, "kind": "state", "aliases": kept, "attributes": {"iso": code},
                                         "references": ["ISO 3166-1 (English names from CLDR)"]})
        for body in INTERGOV:
            names = [{"name": a, "source": "general knowledge"} for a in body["aliases"]]
            entry = {"name": body["name"], "kind": "state", "aliases": self.claim_aliases(body["name"], names),
                     "attributes": {"subtype": body["subtype"]}, "references": ["general knowledge (public reporting)"]}
            for k in ("start", "end"):
                if body.get(k):
                    entry[k] = body[k]
            self.add_new("states.yaml", entry)

    # -- UN --------------------------------------------------------------------------
    def un(self) -> None:
        data = json.loads((self.shared / "reference" / "un_entities_alqaida_taliban_somalia_2024-09-26.json").read_text())
        for e in data:
            ref = e["reference_number"]
            src = f"UN list {ref}"
            base, acr = split_acronym(e["name"])
            names = [{"name": smart_title(base), "source": src}] + [{"name": a, "source": src, "acronym": True} for a in acr]
            for a in e["aliases"]:
                n = a["name"].strip()
                m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", n)
                if m and "original script" in m.group(2):
                    n = m.group(1)
                b2, acr2 = split_acronym(n)
                names.append({"name": b2 if b2.strip() else n, "source": src})
                names += [{"name": x, "source": src, "acronym": True} for x in acr2]
            if e.get("name_original_script") and e["name_original_script"].strip() and not e["name_original_script"].isascii():
                names.append({"name": e["name_original_script"].strip(), "source": src, "script": _script(e["name_original_script"])})
            desig = {"list": UN_LIST[ref[:3]], "number": ref, "date": e["listed_on"][:10]}
            owner = UN_TO.get(ref) or self.find_org([x["name"] for x in names[:1]])
            if owner:
                self.extensions["un_sanctions.yaml"].append({
                    "extends": owner, "kind": "organization", "aliases": self.claim_aliases(owner, names),
                    "attributes": {"designations": [desig]}, "references": [src]})
                self.report.append(f"UN {ref} {e['name']!r} -> extends {owner}")
            else:
                canon = names[0]["name"]
                entry = {"name": canon, "kind": "organization", "aliases": self.claim_aliases(canon, names[1:]),
                         "attributes": {"subtype": guess_subtype(e["name"]), "subtype_guessed": True, "designations": [desig]},
                         "references": [src]}
                self.add_new("un_sanctions.yaml", entry)
                self.report.append(f"UN {ref} {e['name']!r} -> new {canon}")
                self.un_new[ref] = canon

    # -- OFAC --------------------------------------------------------------------------
    def ofac(self) -> None:
        rows = list(csv.DictReader(open(self.shared / "reference" / "ofac_sdn_sdgt_fto_entity_aliases.csv", encoding="utf-8")))
        fto_dates = self._fto_dates()
        by_ent: dict[str, list[dict]] = defaultdict(list)
        for r in rows:
            by_ent[r["ent_num"]].append(r)
        self.ofac_primary: dict[str, str] = {}
        for num, rs in by_ent.items():
            prim = rs[0]["primary_name"]
            is_fto = rs[0]["is_fto"] == "True"
            src = f"US OFAC SDN list (2022-01), entry {num}"
            base, acr = split_acronym(prim)
            names = [{"name": smart_title(base), "source": src}] + [{"name": a, "source": src, "acronym": True} for a in acr]
            for r in rs:
                if r["alias_type"] == "PRIMARY":
                    continue
                a = r["alias"].strip()
                d = {"name": a if not a.isupper() or is_acronym(a) else smart_title(a), "source": src + f" ({r['alias_type']})"}
                if re.match(r"^[A-Z'\- ]+, [A-Z][a-z]", a):  # a person's name given as an entity's alias
                    d["ambiguous"] = True
                names.append(d)
            desig = [{"list": "US SDN", "number": num, "programs": rs[0]["programs"]}]
            if is_fto:
                fd = fto_dates.get(normalize_name(base))
                desig.append({"list": "US FTO", "date": fd} if fd else {"list": "US FTO"})
            owner = OFAC_TO.get(prim)
            if owner is None and prim not in OFAC_TO:
                owner = self.find_org([names[0]["name"]])
                if owner is None:
                    # names created from the UN list
                    hits = {c for c in self.known_keys.get(normalize_name(names[0]["name"]), set())}
                    owner = hits.pop() if len(hits) == 1 else None
                if owner is None:
                    # two or more of its names already belong to one entity: the same entity
                    votes: Counter = Counter()
                    for n in names:
                        if n.get("ambiguous") or is_acronym(n["name"]):
                            continue
                        hits = self.known_keys.get(normalize_name(n["name"]), set())
                        if len(hits) == 1:
                            votes[next(iter(hits))] += 1
                    if votes and votes.most_common(1)[0][1] >= 2 and len(votes) == 1:
                        owner = votes.most_common(1)[0][0]
                        self.report.append(f"OFAC {num} {prim!r} -> {owner} by {votes[owner]} shared names")
            if owner:
                self.extensions["us_designations.yaml"].append({
                    "extends": owner, "kind": self._kind_of(owner), "aliases": self.claim_aliases(owner, names),
                    "attributes": {"designations": desig}, "references": [src]})
                self.ofac_primary[prim] = owner
                self.report.append(f"OFAC {num} {prim!r} -> extends {owner}")
            else:
                canon = names[0]["name"]
                if (("organization", canon)) in self.by_canon or normalize_name(canon) in self.known_keys:
                    canon = f"{canon} (OFAC {num})"
                entry = {"name": canon, "kind": "organization", "aliases": self.claim_aliases(canon, names[1:]),
                         "attributes": {"subtype": guess_subtype(prim, is_fto), "subtype_guessed": True, "designations": desig},
                         "references": [src]}
                self.add_new("us_designations.yaml", entry)
                self.ofac_primary[prim] = canon

    def _kind_of(self, name: str) -> str:
        for (k, n) in self.by_canon:
            if n == name:
                return k
        return "organization"

    def _fto_dates(self) -> dict[str, str]:
        from datetime import datetime

        out = {}
        for r in csv.DictReader(open(self.shared / "reference" / "fto_list_from_cia_wfb_2025.csv", encoding="utf-8")):
            try:
                d = datetime.strptime(r["fto_designation_date"].strip(), "%d %B %Y").date().isoformat()
            except ValueError:
                continue
            base, _ = split_acronym(r["name"])
            out[normalize_name(base)] = d
            for a in re.split(r"[;,]", r["aka"]):
                if a.strip():
                    out.setdefault(normalize_name(a.strip()), d)
        return out

    # -- WFB ---------------------------------------------------------------------------------
    def wfb(self) -> None:
        from datetime import datetime

        fto = {r["profile_file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(open(self.shared / "reference" / "fto_list_from_cia_wfb_2025.csv", encoding="utf-8"))}
        for path in sorted((self.shared / "corpus" / "wfb").glob("[0-9]*.txt")):
            num = int(path.name.split("_", 1)[0])
            owner = WFB_TO.get(num)
            if not owner:
                continue
            prof = parse_profile(path.read_text(encoding="utf-8"))
            names = [{"name": n, "source": "CIA World Factbook 2025"} for n in [prof["name"], *prof["acronyms"], *prof["akas"]]]
            attrs: dict = {}
            r = fto.get(path.name)
            if r:
                try:
                    d = datetime.strptime(r["fto_designation_date"].strip(), "%d %B %Y").date().isoformat()
                    attrs = {"designations": [{"list": "US FTO", "date": d}]}
                except ValueError:
                    pass
            ext = {"extends": owner, "kind": "organization", "aliases": self.claim_aliases(owner, names), "references": ["CIA World Factbook 2025"]}
            if attrs:
                ext["attributes"] = attrs
            self.extensions["wfb_aliases.yaml"].append(ext)

    # -- OFAC links ----------------------------------------------------------------------------
    def links(self) -> None:
        rows = list(csv.DictReader(open(self.shared / "reference" / "ofac_sdn_sdgt_fto_linked_to.csv", encoding="utf-8")))
        people: dict[str, str] = {}
        rels = []
        skipped: Counter = Counter()
        persons_known = {normalize_name(n): e.name for e in self.gaz.entities.values() if e.kind == "person" for n in e.all_names()}
        for r in rows:
            target = r["linked_to"]
            if r["sdn_type"] in ("aircraft", "vessel"):
                skipped[f"{r['sdn_type']} (no entity kind)"] += 1
                continue
            if re.match(r"^[^,]+, [A-Z][a-z]", target) and target not in self.ofac_primary:
                skipped["linked to an individual (no predicate: owned or controlled by)"] += 1
                continue
            obj = self.ofac_primary.get(target)
            if obj is None:
                canon = smart_title(target)
                if normalize_name(canon) in self.known_keys:
                    hits = self.known_keys[normalize_name(canon)]
                    obj = sorted(hits)[0]
                else:
                    self.add_new("ofac_links.yaml", {"name": canon, "kind": "organization", "aliases": [],
                                                     "attributes": {"subtype": guess_subtype(target), "subtype_guessed": True},
                                                     "references": ["US OFAC SDN list (2022-01), linked-to field"]})
                    obj = canon
                self.ofac_primary[target] = obj
            src = f"US OFAC SDN list (2022-01), entry {r['ent_num']} linked to {target}"
            if r["sdn_type"] == "individual":
                pname = person_name(r["name"])
                key = normalize_name(pname)
                subj = persons_known.get(key) or people.get(key)
                if subj is None:
                    subj = pname
                    if normalize_name(pname) in self.known_keys and not any(
                        k == "person" for (k, n) in self.by_canon if n in self.known_keys[normalize_name(pname)]
                    ):
                        subj = f"{pname} (person)"
                    people[key] = subj
                    self.add_new("ofac_links.yaml", {"name": subj, "kind": "person",
                                                     "aliases": [{"name": r["name"], "source": f"US OFAC SDN list (2022-01), entry {r['ent_num']}",
                                                                  "ambiguous": True}],
                                                     "attributes": {"sanctions": [{"list": "US SDN", "number": r["ent_num"], "programs": r["programs"]}]},
                                                     "references": [f"US OFAC SDN list (2022-01), entry {r['ent_num']}"]})
                rels.append({"subject": subj, "predicate": "member_of", "object": obj, "source": src})
            else:
                subj = self.ofac_primary.get(r["name"])
                if subj is None:
                    skipped["entity not in the SDGT alias list"] += 1
                    continue
                if subj == obj:
                    skipped["linked to itself after merging"] += 1
                    continue
                rels.append({"subject": subj, "predicate": "supports", "object": obj, "source": src})
        seen = set()
        self.link_rels = []
        for rel in rels:
            k = (rel["subject"], rel["predicate"], rel["object"])
            if k in seen:
                skipped["duplicate of a relation already mapped"] += 1
                continue
            seen.add(k)
            self.link_rels.append(rel)
        self.link_stats = {"rows": len(rows), "mapped": len(self.link_rels), "skipped": dict(skipped),
                           "by_predicate": dict(Counter(r["predicate"] for r in self.link_rels))}

    # -- output -------------------------------------------------------------------------------
    def write(self) -> None:
        headers = {
            "states.yaml": "Every ISO 3166-1 country (English names from CLDR via babel), with curated demonyms and state forces,\n"
                           "and the intergovernmental bodies analysts name. Generated by scripts/build_reference.py; edit the script.",
            "un_sanctions.yaml": "The 95 entities of the UN Security Council ISIL/al-Qaida (1267), Taliban (1988) and Somalia (2713) lists,\n"
                                 "consolidated list of 2024-09-26: names, original-script names, aliases and listing dates (facts; cite the UN).\n"
                                 "Generated by scripts/build_reference.py from ../shared/reference; curated entities are extended.",
            "us_designations.yaml": "The 590 entities of the US OFAC SDN list (early 2022) under the SDGT/FTO programs, with aliases and FTO\n"
                                    "designation dates (US government work, public domain). Generated by scripts/build_reference.py.\n"
                                    "subtype_guessed: the subtype was inferred from the name, not read from the list.",
            "wfb_aliases.yaml": "The 'aka' names of the 77 CIA World Factbook 2025 terrorist-organization profiles (public domain) that the\n"
                                "curated files do not already give, and FTO designation dates. Generated by scripts/build_reference.py.",
            "ofac_links.yaml": "The OFAC SDN 'linked to' relations (872 rows) the ontology can express: an individual linked to an\n"
                               "organization -> member_of; an entity linked to an organization -> supports. Individuals and\n"
                               "organizations named only there are added here. Generated by scripts/build_reference.py.\n"
                               f"Mapping statistics: {json.dumps(self.link_stats, sort_keys=True)}",
        }
        for fname in sorted(GENERATED):
            body: dict = {}
            if self.new_entities.get(fname):
                body["entities"] = [_clean(e) for e in self.new_entities[fname]]
            if self.extensions.get(fname):
                body["extensions"] = [_clean(e) for e in self.extensions[fname] if e.get("aliases") or e.get("attributes")]
            if fname == "ofac_links.yaml":
                body["relations"] = self.link_rels
            text = "".join(f"# {line}\n" for line in headers[fname].splitlines())
            text += yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)
            (DATA / fname).write_text(text, encoding="utf-8")


def _script(text: str) -> str:
    for ch in text:
        if "\u0600" <= ch <= "\u06ff":
            return "Arab"
        if "\u0400" <= ch <= "\u04ff":
            return "Cyrl"
    return "Latn"


def _clean(entry: dict) -> dict:
    out = {k: v for k, v in entry.items() if v not in (None, [], {})}
    if "aliases" in out:
        out["aliases"] = [a if set(a) != {"name", "source"} or True else a["name"] for a in out["aliases"]]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    b = Builder(Path(args.shared))
    b.un_new = {}
    b.states()
    b.un()
    b.ofac()
    b.wfb()
    b.links()
    b.write()
    Path(ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    dropped = [f"{src}: {name!r} not added to {owner}: already a name of {', '.join(others)}" for owner, name, src, others in b.dropped]
    (ROOT / "bench" / "results" / "reference_build.txt").write_text(
        "\n".join(b.report) + "\n" + json.dumps(b.link_stats, indent=1) + "\n\n# list aliases withheld (collisions)\n" + "\n".join(dropped) + "\n")
    print(f"{len(dropped)} list aliases withheld because another entity has the name")
    print(json.dumps(b.link_stats, indent=1))


if __name__ == "__main__":
    main()
