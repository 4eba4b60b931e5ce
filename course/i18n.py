"""Bilingual text (日本語 and English): every learner-facing string is a ``{"en": …, "ja": …}`` pair."""
from __future__ import annotations

import os

LANGS = ("en", "ja")
Text = "str | dict[str, str]"


def tr(en: str, ja: str) -> dict:
    """A text in both languages."""
    return {"en": en, "ja": ja}


def is_text(value) -> bool:
    """True for a text in both languages (what :func:`tr` makes), as opposed to data that is a dict."""
    return isinstance(value, dict) and value.keys() == set(LANGS)


def pick(text, lang: str) -> str:
    """The ``lang`` version of ``text`` (a plain string is the same in both languages)."""
    if text is None:
        return ""
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or ""
    return str(text)


def default_lang() -> str:
    """``ja`` when the locale says Japanese (COURSE_LANG overrides), else ``en``."""
    for var in ("COURSE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


# What checks call the values they compare, in Japanese (``expect_close(what=...)``); other names are code.
VALUE_NAMES_JA = {"loss": "損失", "the loss": "損失", "mean loss": "損失の平均", "accuracy": "正解率",
                  "the accuracy": "正解率", "forward": "forward の出力"}


def value_name(what) -> dict:
    """The name of a compared value in both languages: a ``tr`` pair as it is, a known word translated, code
    (``w``, ``history['loss']``) the same in both."""
    if is_text(what):
        return what
    return tr(what, VALUE_NAMES_JA.get(what, what))


# Labels used by the renderers and the failure messages.
LABELS = {
    "call": tr("call", "呼び出し"),
    "input": tr("input", "入力"),
    "expected": tr("expected", "期待値"),
    "got": tr("got", "実際の値"),
    "error": tr("error", "誤差"),
    "diagnosis": tr("diagnosis", "診断"),
    "hint": tr("hint", "ヒント"),
    "output": tr("printed", "出力"),
    "where": tr("where", "場所"),
    "not_implemented": tr("not implemented yet (NotImplementedError)", "未実装です (NotImplementedError)"),
}
