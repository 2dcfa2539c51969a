"""Finding 18: a draft in another language is refused for being in another language (the
rubric reads English only), and an English draft is never refused for the names, accents or
foreign titles in it."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review import is_reviewable
from bot.review.evaluate import CORPUS_PATH
from bot.review.language import foreign_language

NAMES = [
    "José Núñez", "Zoë", "Björk Guðmundsdóttir", "Nguyễn Thị Minh", "Søren", "Łukasz Żółć",
    "María de la Cruz dos Santos", "Ludwig van der Berg", "Dmitri", "Дмитрий Иванов", "王伟",
    "محمد", "Αλέξανδρος", "Siobhán Ó Briain", "François-Xavier", "Zürich", "São Paulo",
    "Société Générale", "Müller GmbH", "Ñandú Café",
]
#: Any run of letters, in any script, stands for a name nobody thought to list.
made_up = st.text(st.characters(categories=["Lu", "Ll", "Lo"]), min_size=1, max_size=15)
names = st.one_of(st.sampled_from(NAMES), made_up)
ENGLISH = [
    "Hi {}, I read your post on onboarding metrics at {}.",
    "Could I ask you one question about how you chose them?",
    "{} suggested I get in touch with you about your move into data.",
    "I loved your talk “{}” at the meetup in {} last week.",
    "Would you be open to a 15-minute call about your work with {}?",
    "We both studied at {}, and I am curious how you found your first role.",
    "Dear {}, thank you for the article you wrote about {}.",
]


def fill(template: str, who: list[str]) -> str:
    return template.format(*who[: template.count("{}")])


english = st.builds(
    lambda ts, who: " ".join(fill(t, who) for t in ts),
    st.lists(st.sampled_from(ENGLISH), min_size=2, max_size=5),
    st.lists(names, min_size=2, max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(english)
def test_an_english_draft_with_any_names_is_reviewed(text: str) -> None:
    assert foreign_language(text) is None, text
    assert is_reviewable(text) == (True, "")


FOREIGN = {
    "German": ["Hallo Frau {}, ich habe Ihren Vortrag auf der PyCon über Datenqualität gesehen.",
               "Hätten Sie 15 Minuten für eine Frage zu Ihrem Wechsel in die Datenanalyse?",
               "Ich würde mich sehr über eine kurze Antwort von Ihnen freuen."],
    "French": ["Bonjour Madame {}, j’ai vu votre présentation à PyCon sur la qualité des données.",
               "Auriez-vous 15 minutes pour une question sur votre parcours ?",
               "Je vous remercie par avance pour votre réponse."],
    "Spanish": ["Hola Sra. {}, vi su charla en PyCon sobre calidad de datos.",
                "¿Tendría 15 minutos para una pregunta sobre su trabajo con el equipo?",
                "Muchas gracias por su tiempo y un saludo cordial."],
    "Portuguese": ["Olá {}, li o seu artigo sobre a qualidade dos dados na empresa.",
                   "Você teria 15 minutos para uma pergunta sobre a sua carreira?"],
    "Italian": ["Gentile {}, ho letto il suo articolo sulla qualità dei dati.",
                "Avrebbe 15 minuti per una domanda sul suo lavoro con il team?"],
    "Dutch": ["Beste {}, ik heb uw presentatie op de PyCon over datakwaliteit gezien.",
              "Heeft u 15 minuten voor een vraag over uw overstap naar data?"],
    "Arabic script": ["مرحبا أستاذة {}، قرأت مقالك عن جودة البيانات في مؤتمر PyCon.",
                      "هل لديك 15 دقيقة لسؤال واحد عن عملك؟"],
    "Cyrillic script": ["Здравствуйте, {}! Я прочитал вашу статью о качестве данных.",
                        "Можно задать вам один вопрос о вашей работе в команде?"],
    "another language": [
        "Dzień dobry Pani {}, widziałem Pani wystąpienie na PyCon o jakości danych.",
        "Hej {}, jag såg ditt föredrag på PyCon om datakvalitet och dataanalys.",
        "Merhaba {}, PyCon'daki veri kalitesi konuşmanızı izledim ve çok beğendim.",
    ],
    "Chinese or Japanese script": ["你好{}，我看了你在PyCon上关于数据质量的演讲。",
                                   "能问你一个关于你的工作的问题吗？"],
}
english_names = st.sampled_from(["Schmidt", "Dana Lee", "John Smith", "Acme", "Priya"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FOREIGN)), st.data())
def test_a_draft_in_another_language_is_refused_for_that(lang: str, data: st.DataObject
                                                          ) -> None:
    sentences = data.draw(st.lists(st.sampled_from(FOREIGN[lang]), min_size=2, max_size=4,
                                   unique=True))
    who = data.draw(english_names)
    text = " ".join(s.format(who) for s in sentences)
    assert foreign_language(text) == lang, text
    ok, reason = is_reviewable(text)
    assert not ok and "English only" in reason and lang in reason
    assert "does not read like an outreach" not in reason


def test_no_message_in_the_corpus_reads_as_foreign() -> None:
    """The corpus is 181 real English outreach messages, with their names and titles."""
    rows = [json.loads(line) for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 150
    assert [r["id"] for r in rows if foreign_language(r["text"])] == []
