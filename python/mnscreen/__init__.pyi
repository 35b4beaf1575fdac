# SPDX-License-Identifier: Apache-2.0
# Type stubs of the mnscreen package (docs/python.md).
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Union, overload

__version__: str
knowledge_version: str

Document = Union[str, bytes, Mapping[str, Any]]
Report = Dict[str, Any]

class Diagnostic(Dict[str, Any]):
    input: str
    severity: Literal["warning", "error", "fatal"]
    code: str
    path: str
    message: str

class InputError(ValueError):
    diagnostics: List[Diagnostic]
    index: Optional[int]
    def __init__(
        self, message: str, diagnostics: List[Diagnostic], index: Optional[int] = ...
    ) -> None: ...
    @property
    def errors(self) -> List[Diagnostic]: ...

class Screener:
    def __init__(
        self, policy: Optional[Document] = ..., model: Optional[Document] = ...
    ) -> None: ...
    @overload
    def screen(self, intake: Document, plan: Document, *, as_text: Literal[False] = ...) -> Report: ...
    @overload
    def screen(self, intake: Document, plan: Document, *, as_text: Literal[True]) -> str: ...
    @overload
    def screen_fhir(
        self, bundle: Document, plan: Document, overlay: Optional[Document] = ...,
        *, as_text: Literal[False] = ...
    ) -> Report: ...
    @overload
    def screen_fhir(
        self, bundle: Document, plan: Document, overlay: Optional[Document] = ...,
        *, as_text: Literal[True]
    ) -> str: ...
    @overload
    def screen_many(
        self, records: Iterable[Document], plan: Document, *,
        errors: Literal["raise"] = ..., as_text: Literal[False] = ...
    ) -> List[Report]: ...
    @overload
    def screen_many(
        self, records: Iterable[Document], plan: Document, *,
        errors: Literal["return"], as_text: Literal[False] = ...
    ) -> List[Union[Report, InputError]]: ...
    @overload
    def screen_many(
        self, records: Iterable[Document], plan: Document, *,
        errors: Literal["raise", "return"] = ..., as_text: Literal[True]
    ) -> List[Union[str, InputError]]: ...
    def policy(self) -> Dict[str, Any]: ...
    def rules(self) -> Dict[str, Any]: ...

def rules() -> Dict[str, Any]: ...
def policy() -> Dict[str, Any]: ...
