# The Turkish dotless i is the right letter in these names, not a look-alike:
# ruff: noqa: RUF001, RUF002
"""Words of the 2019 World Heritage export whose letters were lost to '?' before it was written.

The export was written through Windows-1252, so every letter outside that code page (ā, ł, ř,
ğ, ı, č, ...) became '?'. The data cannot tell which letter it was; these are the official
spellings of the place names concerned, matched as whole words, exactly as damaged. A word not
listed here keeps its '?' and is counted as "lost_characters_left" in the import summary, so
that a person can add it here.
"""

LOST_CHARACTER_SPELLINGS: dict[str, str] = {
    "?Khomani": "\u01c2Khomani",  # ǂ: the click letter (Windows-1252 has the dagger, not it)
    "?al": "\u0126al",  # Ħal Saflieni
    "?eský": "Český",
    "?wi?tokrzyskie": "Świętokrzyskie",
    "?widnica": "Świdnica",
    "?çkale": "İçkale",
    "Bia?owie?a": "Białowieża",
    "Bialowie?a": "Bialowieża",
    "B? M?hir": "Bū Māhir",
    "Cumal?k?z?k": "Cumalıkızık",
    "Da?": "Dağ",
    "De?ani": "Dečani",
    "De?anski": "Dečanski",
    "Divri?i": "Divriği",
    "Diyarbak?r": "Diyarbakır",
    "Hollók?": "Hollókő",
    "J?me": "Jāme",
    "J?mé": "Jāmé",
    "Kernav?": "Kernavė",
    "Kh?neg?h": "Khānegāh",
    "Krom??íž": "Kroměříž",
    "Krušnoho?í": "Krušnohoří",
    "Levo?a": "Levoča",
    "Ma?opolska": "Małopolska",
    "Maramure?": "Maramureş",
    "Mu?akowski": "Mużakowski",
    "Papah?naumoku?kea": "Papahānaumokuākea",
    "Pore?": "Poreč",
    "Q?bus": "Qābus",
    "Ra\u2019i?tea": "Ra\u2019iātea",
    "Sighi?oara": "Sighişoara",
    "Sokolovi?": "Sokolović",
    "Sopo?ani": "Sopoćani",
    "St?ední": "Střední",
    "Ste?ci": "Stećci",
    "ste?ci": "stećci",
    "Sucevi?a": "Suceviţa",
    "T?ebí?": "Třebíč",
    "Taputapu?tea": "Taputapuātea",
    "Tel?": "Telč",
    "Toru?": "Toruń",
    "Wroc?aw": "Wrocław",
    "Zamo??": "Zamość",
    "qan?ts": "qanāts",
    # A combining grave accent (U+0300) after the "e" was lost, not a letter.
    "syste?me": "système",
}
