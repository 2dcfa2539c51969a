"""Config: the example is valid; every kind of mistake is named by file and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import load_config, load_token, parse_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "config.example.toml")
    assert config.discord.guild_ids == (123456789012345678,)
    assert config.followups.window_days == 7
    assert config.cohort.tz.key == "Europe/Berlin"
    assert config.storage.database == ROOT / "data" / "cohort.db"
    assert config.lesson.post_schedule is None


def test_defaults_when_sections_are_missing(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.discord.guild_ids == ()
    assert config.followups.window_days == 7
    assert config.review.rate_limit_per_hour == 30
    assert config.storage.database == tmp_path / "data" / "cohort.db"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[followups]\nwindow_days = "seven"', ["followups.window_days", "7 to 13", "str"]),
        ("[followups]\nwindow_days = 21", ["followups.window_days", "7 to 13", "21"]),
        ("[followups]\nwindow_days = 6", ["followups.window_days"]),
        ("[followups]\nwindow_days = 14", ["followups.window_days", "7 to 13", "a day before"]),
        ("[discord]\nguild_ids = 5", ["discord.guild_ids", "list of Discord ids"]),
        ('[discord]\nlesson_channel_id = "general"', ["discord.lesson_channel_id"]),
        ("[discord]\nmoderator_roles = [1]", ["unknown key 'discord.moderator_roles'"]),
        ("[discrd]\nguild_ids = [1]", ["unknown section [discrd]"]),
        ('[cohort]\ntimezone = "Mars/Olympus"', ["cohort.timezone", "IANA timezone name such as"]),
        ('[lesson]\npost_schedule = "every monday"', ["lesson.post_schedule", "cron"]),
        ('[discord]\nlesson_channel_id = 5\n[lesson]\npost_schedule = "0 9 30 2 *"',
         ["lesson.post_schedule", "never does"]),
        ('[lesson]\npost_schedule = "0 9 * * MON"', ["lesson.post_schedule",
                                                     "discord.lesson_channel_id"]),
        ("[review]\nlinkedin_note_limit = 500", ["review.linkedin_note_limit", "200 to 300"]),
        ("[review]\nmax_chars = true", ["review.max_chars", "bool"]),
        ("followups = 3", ["key 'followups'", "table"]),
    ],
)
def test_each_mistake_names_file_and_key(tmp_path: Path, text: str, names: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path.resolve()) in message
    for name in names:
        assert name in message


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "[followups]\nwindow_days = 30\n[review]\nmax_chars = 0\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "followups.window_days" in str(info.value)
    assert "review.max_chars" in str(info.value)


def test_token_in_file_is_refused_with_where_it_belongs(tmp_path: Path) -> None:
    for text in ['token = "abc"', '[discord]\ntoken = "abc"']:
        with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
            load_config(write(tmp_path, text))


def test_broken_toml_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[discord\nguild_ids = ["))
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[cohort]\ntimezone = "\xe9"')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(bad)


def test_config_is_frozen() -> None:
    config = parse_config({})
    with pytest.raises(AttributeError):
        config.followups.window_days = 10  # type: ignore[misc]


def test_token_comes_from_environment_or_file(tmp_path: Path) -> None:
    assert load_token({}) is None
    assert load_token({"DISCORD_TOKEN": " abc \n"}) == "abc"
    secret = tmp_path / "token"
    secret.write_text("from-file\n")
    assert load_token({"DISCORD_TOKEN_FILE": str(secret)}) == "from-file"
    with pytest.raises(ConfigError, match="DISCORD_TOKEN_FILE"):
        load_token({"DISCORD_TOKEN_FILE": str(tmp_path / "missing")})
    secret.write_text("")
    with pytest.raises(ConfigError, match="empty"):
        load_token({"DISCORD_TOKEN_FILE": str(secret)})


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[followups]\nwindow_days = 10\n")  # Notepad's UTF-8
    assert load_config(path).followups.window_days == 10


@pytest.mark.parametrize(("text", "words"), [
    ("[cohort]\ntimezone = " + "[" * 3000 + "]" * 3000, "nested too deeply"),
    ("[followups]\nwindow_days = " + "9" * 5000, "number too long"),
    ("[followups]\nwindow_days = 0x" + "f" * 5000, "followups.window_days"),
])
def test_hostile_toml_is_a_config_error(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(("cron", "every"), [
    ("*/1 * * * *", "1 minute"), ("0 * * * *", "1 hour"), ("0 9,17 * * *", "8 hours"),
    ("0 9 * * * ", None), ("0 9 * * MON-FRI", None), ("0 10 * * MON", None),
])
def test_a_schedule_posts_at_most_once_a_day(tmp_path: Path, cron: str,
                                             every: str | None) -> None:
    """F7: "*/1 * * * *" passed check-config and posted a whole run every minute."""
    path = write(tmp_path, f'[discord]\nlesson_channel_id = 5\n[lesson]\npost_schedule = "{cron}"')
    if every is None:
        assert load_config(path).lesson.post_schedule == cron.strip()
        return
    with pytest.raises(ConfigError, match=f"at most once a day: .* posts every {every}"):
        load_config(path)


@pytest.mark.parametrize("cron", [
    "0 9 * * MON#1", "0 9 * * MON-", "0 9 L * *", "0 9 * * 5L", "0 9 ? * MON", "0 9 1W * *",
    "0 9 * * 8", "60 9 * * *", "0 24 * * *", "0 9 0 * *", "0 9 * 13 *", "*/0 9 * * *",
    "0 9 * * FRI-MON", "0 9-5 * * *", "0 9 * * MONDAY", "@weekly", "0 9 * * * *",
    "0,,5 9 * * *", "0 9 * * -1",
])
def test_cron_beyond_the_standard_five_fields_is_refused(tmp_path: Path, cron: str) -> None:
    path = write(tmp_path, f'[discord]\nlesson_channel_id = 5\n[lesson]\npost_schedule = "{cron}"')
    with pytest.raises(ConfigError, match=r"lesson\.post_schedule"):
        load_config(path)


def test_a_token_file_that_is_binary_or_a_folder_is_a_config_error(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_bytes(b"\xff\xfe\x00t\x00o\x00k")
    with pytest.raises(ConfigError, match=r"DISCORD_TOKEN_FILE.*UTF-8"):
        load_token({"DISCORD_TOKEN_FILE": str(secret)})
    with pytest.raises(ConfigError, match="folder"):
        load_token({"DISCORD_TOKEN_FILE": str(tmp_path)})
    secret.write_text("two words\n")
    with pytest.raises(ConfigError, match="not look like a bot token"):
        load_token({"DISCORD_TOKEN_FILE": str(secret)})
    with pytest.raises(ConfigError, match=r"DISCORD_TOKEN.*not look like a bot token"):
        load_token({"DISCORD_TOKEN": "tökén"})


@pytest.mark.parametrize(("zone", "words"), [
    ("America", "is a region, not a timezone"),
    ("Etc", "is a region, not a timezone"),
    ("a" * 300, "IANA timezone name such as"),
    ("Europe/", "IANA timezone name such as"),
    ("UTC\u0000", "IANA timezone name such as"),
])
def test_a_timezone_that_is_no_zone_is_a_config_error_with_suggestions(
    tmp_path: Path, zone: str, words: str,
) -> None:
    path = write(tmp_path, f"[cohort]\ntimezone = {json.dumps(zone)}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    message = str(refused.value)
    assert "cohort.timezone" in message and words in message, message
    assert "/" in message.split(words, 1)[1]  # a suggestion such as America/New_York


def test_a_timezone_is_kept_in_its_canonical_spelling(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[cohort]\ntimezone = "europe/berlin"\n'))
    assert config.cohort.timezone == "Europe/Berlin" and config.cohort.tz.key == "Europe/Berlin"
