"""Whether a draft is in English, which is all the rubric can read (its phrase families and
cues are English). Deliberately a cheap, explainable test, not a language model:

- a draft written mostly in another script (Arabic, Cyrillic, Chinese…) with hardly any English
  function words is not English;
- a draft in a Latin script is not English when another language's function words ("ich",
  "Ihren", "für"; "votre", "pour"; "para", "una") clearly outnumber English ones, or, in a
  language without a list here, when a draft of a dozen words has almost no English ones.

Names, accents and a quoted foreign title do not make an English draft foreign: they are not
function words, and an English sentence carries several of those ("I", "your", "on", "could").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from bot.review.text import WORD_RE, lowered


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: English function words. Words other languages share ("a", "in", "an", "me", "die", "was",
#: "will", "also", "so", "no") are in no list: they count for no language.
ENGLISH = _vocab(
    "i you your yours my we our us they them their he she his her it its the this that these"
    " those is are am were be been being have has had do does did would could should can may"
    " might shall to of for with on at by from about into over after before and or but if"
    " because while when what which who whom how why where there here not just very too any"
    " some one all each every more most than then only"
)


def _words(words: str) -> frozenset[str]:
    """Another language's function words, less any English one (Dutch "of", French "on")."""
    return _vocab(words) - ENGLISH


#: Other languages' function words (and greetings), a few dozen each: enough to tell a draft in
#: them from an English one that quotes a name or a title.
OTHERS: dict[str, frozenset[str]] = {
    "German": _words(
        "ich du sie wir ihr ihnen ihren ihrem ihre ihr mein meine meinen mir mich sich der die"
        " den dem des das ein eine einen einem einer und oder aber ist sind war habe haben hatte"
        " hätten wäre würde könnte können möchte mit für auf über von zu zum zur bei nach aus"
        " nicht auch sehr wie dass ob wenn hallo liebe lieber sehr geehrte geehrter grüße"
        " vielen dank bitte gerne frau herr"
    ),
    "French": _words(
        "je tu il elle nous vous votre vos mon ma mes leur leurs le la les un une des du de au"
        " aux et ou mais est sont suis ai avez avons été serait pourriez pourrais voudrais"
        " avec pour sur dans par chez que qui quoi ne pas plus très bonjour madame monsieur"
        " merci cordialement bien j'ai c'est d'un d'une l'on qu'il"
    ),
    "Spanish": _words(
        "yo tú usted ustedes nosotros su sus mi mis el la los las un una unos unas del al y o"
        " pero es son soy estoy está he ha han tengo tiene tendría podría gustaría con para por"
        " sobre entre sin que qué quien cómo muy más hola estimado estimada señor señora gracias"
        " saludos atentamente"
    ),
    "Portuguese": _words(
        "eu você vocês nós seu sua seus suas meu minha meus minhas o os as um uma uns umas do da"
        " dos das no na nos nas ao e ou mas é são sou estou está tenho tem teria poderia"
        " gostaria com para por sobre sem que quem como muito mais olá prezado prezada senhor"
        " senhora obrigado obrigada atenciosamente"
    ),
    "Italian": _words(
        "io tu lei noi voi suo sua suoi sue mio mia miei mie il lo la gli le un uno una del"
        " della dei delle al alla e o ma è sono ho ha hanno avrei potrebbe vorrei con per su"
        " tra fra che chi come molto più ciao gentile salve signor signora grazie cordiali"
        " saluti"
    ),
    "Dutch": _words(
        "ik jij je u uw wij we jullie mijn mij ons onze de het een en of maar is zijn ben heb"
        " hebt heeft had zou zouden kunt kan wil met voor op over van naar bij uit niet ook"
        " heel hoe dat wanneer hallo beste geachte mevrouw meneer bedankt groet groeten"
    ),
}

#: At least this many of another language's function words, and more than twice the English
#: ones, before a draft in a Latin script is called foreign.
MIN_FOREIGN = 3
#: A draft whose letters are mostly outside the Latin script, with fewer English function words
#: than this, is not English.
MIN_ENGLISH = 3

#: Any other language: a draft of at least `MIN_WORDS_ANY` words of which fewer than
#: `MIN_ENGLISH_SHARE` are English function words (no message in the corpus has under 0.16;
#: Polish, Swedish or Turkish drafts have none at all).
MIN_WORDS_ANY = 12
MIN_ENGLISH_SHARE = 0.05

_SCRIPT_NAMES = {"CJK": "Chinese or Japanese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
                 "HANGUL": "Korean"}


def _script(ch: str) -> str:
    """The script a letter belongs to, from its Unicode name ("CYRILLIC SMALL LETTER A")."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _main_other_script(letters: Iterable[str]) -> tuple[str | None, float]:
    """The commonest non-Latin script among `letters`, and the share of letters not Latin."""
    counts: dict[str, int] = {}
    total = 0
    for ch in letters:
        total += 1
        script = _script(ch)
        if script != "LATIN":
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None, 0.0
    main = max(counts, key=counts.__getitem__)
    return main, sum(counts.values()) / total


def foreign_language(text: str) -> str | None:
    """None for a draft that reads as English; else what it reads as, in words ("German",
    "Arabic script", "another language"), for the member to be told why it is not reviewed."""
    words = WORD_RE.findall(lowered(text))
    english = sum(1 for w in words if w in ENGLISH)
    script, share = _main_other_script(c for c in text if c.isalpha())
    if script is not None and share > 0.5 and english < MIN_ENGLISH:
        return f"{_SCRIPT_NAMES.get(script, script.title())} script"
    if not words:
        return None
    counts = {lang: sum(1 for w in words if w in vocab) for lang, vocab in OTHERS.items()}
    lang = max(counts, key=counts.__getitem__)
    if counts[lang] >= MIN_FOREIGN and counts[lang] > 2 * english:
        return lang
    if len(words) >= MIN_WORDS_ANY and english < MIN_ENGLISH_SHARE * len(words):
        return "another language"
    return None
