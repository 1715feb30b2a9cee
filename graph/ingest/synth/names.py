"""The words synthetic nodes are named with, per country: places, people, ministries, patterns."""

from __future__ import annotations

PLACES = {
    "EE": "Tallinn Tartu Narva Pärnu Kohtla-Järve Viljandi Rakvere Maardu Kuressaare Sillamäe Valga Võru "
    "Jõhvi Haapsalu Keila Paide Põlva Jõgeva Rapla Kärdla Türi Elva Saue Tõrva Otepää Räpina",
    "LV": "Rīga Daugavpils Liepāja Jelgava Jūrmala Ventspils Rēzekne Valmiera Jēkabpils Ogre Tukums "
    "Cēsis Salaspils Kuldīga Olaine Saldus Talsi Dobele Sigulda Bauska Krāslava Ludza Madona Alūksne",
    "FI": "Helsinki Espoo Tampere Vantaa Oulu Turku Jyväskylä Lahti Kuopio Pori Kouvola Joensuu "
    "Lappeenranta Hämeenlinna Vaasa Seinäjoki Rovaniemi Mikkeli Kotka Salo Porvoo Kokkola Järvenpää",
}
FIRST_NAMES = {
    "EE": "Mari Kadri Liis Tiina Kristi Ülle Kärt Jaan Tõnu Mart Peeter Siim Märt Küllike",
    "LV": "Anna Līga Inese Ilze Kristīne Dace Zane Ināra Jānis Andris Mārtiņš Edgars Gunārs Ērika",
    "FI": "Anna Maria Aino Sanna Päivi Satu Tiina Elina Jukka Mikko Timo Jari Väinö Jyrki",
}
LAST_NAMES = {
    "EE": "Tamm Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn Koppel Lepik Jõgi Õunapuu Käär",
    "LV": "Bērziņa Kalniņa Ozola Jansone Liepa Krūmiņa Zariņa Bērziņš Kalniņš Ozols Liepiņš Vītols",
    "FI": "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen",
}
MINISTRIES = {
    "EE": [
        ("Haridusministeerium", "Ministry of Education", "HM"),
        ("Majandusministeerium", "Ministry of Economy", "MM"),
        ("Sotsiaalministeerium", "Ministry of Social Affairs", "SoM"),
        ("Regionaalministeerium", "Ministry of Regional Affairs", "RM"),
    ],
    "LV": [
        ("Izglītības ministrija", "Ministry of Education", "IM"),
        ("Ekonomikas ministrija", "Ministry of Economy", "EM"),
        ("Labklājības ministrija", "Ministry of Welfare", "LM"),
        ("Reģionālās attīstības ministrija", "Ministry of Regional Development", "RAM"),
    ],
    "FI": [
        ("Opetusministeriö", "Ministry of Education", "OM"),
        ("Elinkeinoministeriö", "Ministry of Employment", "EM"),
        ("Sosiaaliministeriö", "Ministry of Social Affairs", "SM"),
        ("Alueministeriö", "Ministry of Regional Affairs", "AM"),
    ],
}
# (local, English) name patterns; {p} a place, {n} a number.
NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "EE": {
        "region": ("{p} maakond", "{p} County"),
        "city": ("{p} linn", "{p} City"),
        "rural_municipality": ("{p} vald", "{p} Rural Municipality"),
        "general": ("{p} Gümnaasium nr {n}", "{p} Upper Secondary School No. {n}"),
        "vocational": ("{p} Kutsehariduskeskus {n}", "{p} Vocational Education Centre {n}"),
        "minority_language": ("{p} Vene Kool nr {n}", "{p} Russian School No. {n}"),
        "agency": ("Karjääriteenuste Amet {n}", "Career Services Agency {n}"),
        "foundation": ("Hariduse Sihtasutus {n}", "Education Foundation {n}"),
        "org_unit": ("{p} karjääriosakond {n}", "{p} Career Department {n}"),
        "network": ("Karjäärinõustajate võrgustik {n}", "Career Counsellors' Network {n}"),
        "council": ("Karjääriteenuste koostöönõukogu {n}", "Career Services Cooperation Council {n}"),
        "working_group": ("Karjääriõppe töörühm {n}", "Career Education Working Group {n}"),
        "programme": ("Karjääri ja kutsehariduse meede {n}", "Career and Vocational Measure {n}"),
        "project": ("Karjääriteenuste arendamine: {p} {n}", "Developing Career Services: {p} {n}"),
        "meeting": ("{p} karjäärinõustajate kohtumine {n}", "{p} Career Counsellors' Meeting {n}"),
        "conference": ("{p} karjäärikonverents {n}", "{p} Career Conference {n}"),
        "seminar": ("{p} karjääriseminar {n}", "{p} Career Seminar {n}"),
        "target": ("Kuni {n} õpilast karjäärinõustaja kohta", "At most {n} students per counsellor"),
        "national": ("Riiklik Karjääriteenuste Amet", "National Career Services Agency"),
    },
    "LV": {
        "region": ("{p} apriņķis", "{p} County"),
        "city": ("{p} valstspilsēta", "{p} State City"),
        "county_municipality": ("{p} novads", "{p} Municipality"),
        "general": ("{p} {n}. vidusskola", "{p} Secondary School No. {n}"),
        "vocational": ("{p} tehnikums {n}", "{p} Technical School {n}"),
        "minority_language": ("{p} {n}. mazākumtautību vidusskola", "{p} Minority Secondary School No. {n}"),
        "agency": ("Karjeras attīstības aģentūra {n}", "Career Development Agency {n}"),
        "foundation": ("Izglītības fonds {n}", "Education Foundation {n}"),
        "org_unit": ("{p} karjeras departaments {n}", "{p} Career Department {n}"),
        "network": ("Karjeras konsultantu tīkls {n}", "Career Counsellors' Network {n}"),
        "council": ("Karjeras atbalsta sadarbības padome {n}", "Career Support Cooperation Council {n}"),
        "working_group": ("Karjeras izglītības darba grupa {n}", "Career Education Working Group {n}"),
        "programme": ("Karjeras atbalsta pasākums {n}", "Career Support Measure {n}"),
        "project": ("Karjeras atbalsts: {p} {n}", "Career Support: {p} {n}"),
        "meeting": ("{p} karjeras konsultantu sanāksme {n}", "{p} Career Counsellors' Meeting {n}"),
        "conference": ("{p} karjeras konference {n}", "{p} Career Conference {n}"),
        "seminar": ("{p} karjeras seminārs {n}", "{p} Career Seminar {n}"),
        "target": ("Līdz {n} skolēniem uz vienu konsultantu", "At most {n} students per counsellor"),
        "national": ("Valsts karjeras attīstības aģentūra", "State Career Development Agency"),
    },
    "FI": {
        "region": ("{p} maakunta", "{p} Region"),
        "city": ("{p} kaupunki", "{p} City"),
        "rural_municipality": ("{p} kunta", "{p} Municipality"),
        "general": ("{p} koulu {n}", "{p} School {n}"),
        "vocational": ("{p} ammattiopisto {n}", "{p} Vocational College {n}"),
        "minority_language": ("{p} svenska skola {n}", "{p} Swedish-language School {n}"),
        "agency": ("Ohjauspalveluvirasto {n}", "Guidance Services Agency {n}"),
        "foundation": ("Koulutussäätiö {n}", "Education Foundation {n}"),
        "org_unit": ("{p} ohjausyksikkö {n}", "{p} Guidance Unit {n}"),
        "network": ("Opinto-ohjaajien verkosto {n}", "Guidance Counsellors' Network {n}"),
        "council": ("Ohjauksen yhteistyöneuvosto {n}", "Guidance Cooperation Council {n}"),
        "working_group": ("Uraohjauksen työryhmä {n}", "Career Guidance Working Group {n}"),
        "programme": ("Ohjauksen kehittämisohjelma {n}", "Guidance Development Programme {n}"),
        "project": ("Ohjauksen kehittäminen: {p} {n}", "Developing Guidance: {p} {n}"),
        "meeting": ("{p} opinto-ohjaajien tapaaminen {n}", "{p} Guidance Counsellors' Meeting {n}"),
        "conference": ("{p} ohjauksen konferenssi {n}", "{p} Guidance Conference {n}"),
        "seminar": ("{p} ohjauksen seminaari {n}", "{p} Guidance Seminar {n}"),
        "target": ("Enintään {n} oppilasta ohjaajaa kohden", "At most {n} students per counsellor"),
        "national": ("Valtakunnallinen ohjausvirasto", "National Guidance Agency"),
    },
}
# What the municipalities that are not cities are called.
SECOND_MUNICIPALITY_SUBTYPE = {
    "EE": "rural_municipality",
    "LV": "county_municipality",
    "FI": "rural_municipality",
}
