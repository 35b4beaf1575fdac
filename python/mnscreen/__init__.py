# SPDX-License-Identifier: Apache-2.0
"""Pre-treatment screening for microneedling, from Python.

    import mnscreen
    s = mnscreen.Screener()                      # cited default policy, prior risk model
    report = s.screen(intake, plan)              # dicts or JSON text in, a dict out
    report["decision"], [f["rule"] for f in report["flags"]]

Documents are those of formats.md (mnscreen.intake/1, mnscreen.plan/1, mnscreen.policy/1,
mnscreen.model/1; the report is mnscreen.report/1), the same bytes as `mnscreen screen` gives.
Bad input raises `InputError` with every problem (input, path, code, message); it is never a
crash and never a silent None. A Screener is immutable and thread-safe; screening releases
the GIL. docs/python.md has the details.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from . import _mnscreen

__all__ = [
    "Screener",
    "InputError",
    "Diagnostic",
    "rules",
    "policy",
    "__version__",
    "knowledge_version",
]

__version__: str = _mnscreen.__version__
knowledge_version: str = _mnscreen.knowledge_version

Document = Union[str, bytes, Mapping[str, Any]]

# How many records screen_many hands to the C++ library at once (GIL released for each).
_CHUNK = 256


class Diagnostic(dict):
    """One problem of an input: keys "input" ("intake", "plan", "fhir", "overlay", "policy",
    "model"), "severity" ("warning", "error", "fatal"), "code" (docs/errors.md), "path" (JSON
    path in that input) and "message". Also readable as attributes (d.path)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class InputError(ValueError):
    """An input could not be read or fails a check. `diagnostics` lists every problem (warnings
    too), `str(e)` is one "input: $.path: message" line per error. For screen_many with
    errors="return", `index` is the position of the record in the input."""

    def __init__(self, message: str, diagnostics: List[Diagnostic], index: Optional[int] = None):
        super().__init__(message)
        self.diagnostics: List[Diagnostic] = diagnostics
        self.index: Optional[int] = index

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics that are errors (not warnings)."""
        return [d for d in self.diagnostics if d["severity"] != "warning"]


def _text(doc: Document, what: str) -> str:
    if isinstance(doc, str):
        return doc
    if isinstance(doc, (bytes, bytearray)):
        return bytes(doc).decode("utf-8", errors="replace")
    if isinstance(doc, Mapping):
        try:
            return json.dumps(doc, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise InputError(
                f"{what}: $: cannot be written as JSON: {e}",
                [Diagnostic(input=what, severity="fatal", code="wrong_type", path="$",
                            message=f"cannot be written as JSON: {e}")],
            ) from None
    raise TypeError(f"{what} must be a dict or JSON text (str or bytes), not {type(doc).__name__}")


def _error(message: str, diagnostics_json: str, index: Optional[int] = None) -> InputError:
    diags = [Diagnostic(d) for d in json.loads(diagnostics_json)]
    return InputError(message, diags, index)


def _report(outcome: tuple, as_text: bool, index: Optional[int] = None) -> Any:
    report, message, diagnostics = outcome
    if report is None:
        raise _error(message, diagnostics, index)
    return report if as_text else json.loads(report)


class Screener:
    """One policy and one risk model; screens any number of patients, from any thread.

    policy: a mnscreen.policy/1 document (dict or JSON text), None = the cited defaults.
    model: a mnscreen.model/1 document as written by `mnscreen fit`, None = the priors.
    Raises InputError if either cannot be used."""

    def __init__(self, policy: Optional[Document] = None, model: Optional[Document] = None):
        core, message, diagnostics = _mnscreen.make_screener(
            None if policy is None else _text(policy, "policy"),
            None if model is None else _text(model, "model"),
        )
        if core is None:
            raise _error(message, diagnostics)
        self._core = core

    def screen(self, intake: Document, plan: Document, *, as_text: bool = False) -> Any:
        """The report (mnscreen.report/1) of one patient for one plan, as a dict (or as the JSON
        text with as_text=True: the bytes `mnscreen screen` prints, without the newline)."""
        return _report(self._core.screen(_text(intake, "intake"), _text(plan, "plan")), as_text)

    def screen_fhir(self, bundle: Document, plan: Document, overlay: Optional[Document] = None,
                    *, as_text: bool = False) -> Any:
        """Screens the patient of a FHIR R4 record (a Bundle or one resource), read as of the
        plan's date; `overlay` is an intake added to what the record gave (docs/fhir.md)."""
        return _report(
            self._core.screen_fhir(
                _text(bundle, "fhir"), _text(plan, "plan"),
                None if overlay is None else _text(overlay, "overlay"),
            ),
            as_text,
        )

    def screen_many(self, records: Iterable[Document], plan: Document, *,
                    errors: str = "raise", as_text: bool = False) -> List[Any]:
        """Screens every intake of `records` (any iterable, read in chunks) for one plan; the
        reports in input order. Each report equals screen(record, plan). The GIL is released
        while each chunk is screened.

        errors="raise": the first bad record raises InputError (its `index` says which).
        errors="return": a bad record's place holds its InputError instead of a report.
        A bad plan always raises."""
        if errors not in ("raise", "return"):
            raise ValueError('errors must be "raise" or "return"')
        plan_text = _text(plan, "plan")
        out: List[Any] = []
        it: Iterator[Document] = iter(records)
        while True:
            texts: List[str] = []
            slots: List[Any] = []  # per record: its index in texts, or its InputError
            for doc in it:
                try:
                    texts.append(_text(doc, "intake"))
                    slots.append(len(texts) - 1)
                except InputError as e:  # a dict that cannot be written as JSON
                    e.index = len(out) + len(slots)
                    if errors == "raise":
                        raise
                    slots.append(e)
                if len(slots) == _CHUNK:
                    break
            if not slots:
                break
            outcomes: list = []
            if texts:
                plan_problem, outcomes = self._core.screen_many(texts, plan_text)
                if plan_problem is not None:
                    raise _error(plan_problem[1], plan_problem[2])
            for slot in slots:
                if isinstance(slot, InputError):
                    out.append(slot)
                    continue
                try:
                    out.append(_report(outcomes[slot], as_text, len(out)))
                except InputError as e:
                    if errors == "raise":
                        raise
                    out.append(e)
            if len(slots) < _CHUNK:
                break
        return out

    def policy(self) -> Dict[str, Any]:
        """This screener's policy in full (every setting, defaults included)."""
        return json.loads(self._core.policy_json())

    def rules(self) -> Dict[str, Any]:
        """The rule catalogue (mnscreen.rules/1)."""
        return rules()


def rules() -> Dict[str, Any]:
    """The rule catalogue of this knowledge version (as `mnscreen rules --format json`)."""
    return json.loads(_mnscreen.rules_json())


def policy() -> Dict[str, Any]:
    """The cited default policy in full (as `mnscreen policy --format json`)."""
    return json.loads(_mnscreen.default_policy_json())
