"""The syntax IR and the values the catalogue works with.

Frozen dataclasses that remember where they came from: the *syntax* IR (`Spec`,
`LayerStatement`, ...) is what the parser gives, the statements as written, every
node carrying its `Span` in the source. The value types (`PyValue`, `KerasObject`,
`Shape`, `Weight`) are what catalogue rules compute with. The model graph, which
needs catalogue entries, is `graph.py`: the dependency runs one way, ir <- catalogue
<- graph.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A region of the source: 1-based line and column, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of `other`."""
        return Span(self.line, self.column, other.end_line, other.end_column)


class ValueKind(enum.Enum):
    INT = "integer"
    FLOAT = "number"
    BOOL = "boolean"
    NONE = "none"
    WORD = "word"
    STRING = "string"
    TUPLE = "tuple"
    CALL = "call"  # a Keras object with settings: `l2(1e-4)`
    PARAMETER = "parameter"  # a block's parameter, in its body: `$filters`


Shape = tuple[int | None, ...]  # a tensor shape, batch axis first; None is unknown


@dataclass(frozen=True)
class Weight:
    """One weight a layer creates: how many numbers, whether training changes them, bytes each."""

    count: int
    trainable: bool = True
    itemsize: int = 4  # float32


Scalar = int | float | bool | str | None


@dataclass(frozen=True)
class KerasObject:
    """A Keras initializer, regularizer or constraint made with settings, as the
    generated code writes it: `keras.initializers.VarianceScaling(scale=2.0)`."""

    module: str  # "initializers", "regularizers" or "constraints"
    class_name: str
    settings: tuple[tuple[str, PyValue], ...]  # (Keras argument name, value)


@dataclass(frozen=True)
class Parameter:
    """A block's parameter where its body uses it (`$filters`): the code of the block's
    class writes its name, and each use of the block gives it a value."""

    name: str


PyValue = Scalar | KerasObject | Parameter | tuple["PyValue", ...]


@dataclass(frozen=True)
class Value:
    """A literal as written in the spec: `300`, `1e-3`, `relu`, `"same"`, `3x3`, `(1, 2)`,
    or a call with settings, `variance_scaling(2.0, mode=fan_out)`."""

    kind: ValueKind
    data: Scalar | tuple[Value, ...] | CallData
    span: Span
    text: str  # the source text, for messages

    @property
    def integer(self) -> int | None:
        """The integer an integer literal holds; None for any other literal."""
        if self.kind is ValueKind.INT and isinstance(self.data, int):
            return self.data
        return None

    @property
    def number(self) -> int | float | None:
        """The number an integer or number literal holds; None for any other literal."""
        if self.kind in (ValueKind.INT, ValueKind.FLOAT) and isinstance(self.data, int | float):
            return self.data
        return None

    def python(self) -> PyValue:
        """The Python value this literal stands for (a call means nothing until a type binds
        it); a block's parameter is a `Parameter`."""
        if isinstance(self.data, CallData):
            raise TypeError(f"{self.text} is a call: only argument types that take one bind it")
        if isinstance(self.data, tuple):
            return tuple(item.python() for item in self.data)
        if self.kind is ValueKind.PARAMETER:
            return Parameter(str(self.data))
        return self.data

    def parameters(self) -> list[Value]:
        """The block parameters (`$name`) this literal holds, itself or in its items."""
        if self.kind is ValueKind.PARAMETER:
            return [self]
        if isinstance(self.data, tuple):
            return [p for item in self.data for p in item.parameters()]
        if isinstance(self.data, CallData):
            items = [*self.data.positional, *(k.value for k in self.data.keywords)]
            return [p for item in items for p in item.parameters()]
        return []


@dataclass(frozen=True)
class CallData:
    """What a call literal holds: `NAME(positional ..., key=value ...)`."""

    callee: Name
    positional: tuple[Value, ...]
    keywords: tuple[KeywordArgument, ...]


@dataclass(frozen=True)
class Name:
    """An identifier in the source (a label, layer keyword, model or source name)."""

    text: str
    span: Span


@dataclass(frozen=True)
class KeywordArgument:
    key: Name
    value: Value

    @property
    def span(self) -> Span:
        return self.key.span.to(self.value.span)


@dataclass(frozen=True)
class Stage:
    """One use in a repetition with arguments per use: `[128 stride=2]`."""

    positional: tuple[Value, ...]
    keywords: tuple[KeywordArgument, ...]
    span: Span


@dataclass(frozen=True)
class Repeat:
    """`* 3` (three uses in a chain) or `* [64] [128 stride=2]` (one use per stage, each
    with the statement's arguments and its own)."""

    count: int
    stages: tuple[Stage, ...]  # () for `* N`
    span: Span


@dataclass(frozen=True)
class LayerStatement:
    """`[label:] LAYER [positional ...] [key=value ...] [* N | * [...] ...] [<- src, ...]`."""

    label: Name | None
    layer: Name
    positional: tuple[Value, ...]
    keywords: tuple[KeywordArgument, ...]
    sources: tuple[Name, ...] | None  # None: read the statement before
    span: Span
    repeat: Repeat | None = None

    @property
    def display(self) -> str:
        """How messages refer to this statement: its label, else its layer keyword."""
        return f"'{self.label.text}'" if self.label else f"'{self.layer.text}'"

    @property
    def place(self) -> str:
        """Where messages say a block's use is: `12:1` (a repetition's use says which)."""
        return f"{self.span.line}:{self.span.column}"


@dataclass(frozen=True)
class ModelStatement:
    """`model NAME`."""

    name: Name
    span: Span


@dataclass(frozen=True)
class OutputsStatement:
    """`outputs a, b`."""

    names: tuple[Name, ...]
    span: Span


@dataclass(frozen=True)
class BlockParameter:
    """A block's parameter as its header declares it: `stride=1` (no default: None)."""

    name: Name
    default: Value | None


@dataclass(frozen=True)
class BlockStatement:
    """`block NAME [param ...] [param=default ...]`, its body, and `end`."""

    name: Name
    parameters: tuple[BlockParameter, ...]
    body: tuple[Statement, ...]  # layer and outputs statements
    span: Span  # the header line
    end: Span  # the `end` keyword


@dataclass(frozen=True)
class BlockHeader:
    """`block NAME ...` while the parser reads: the statements up to `end` are its body."""

    name: Name
    parameters: tuple[BlockParameter, ...]
    span: Span


@dataclass(frozen=True)
class BlockEnd:
    """`end`, while the parser reads."""

    span: Span


Statement = ModelStatement | OutputsStatement | LayerStatement | BlockStatement


@dataclass(frozen=True)
class Spec:
    """A parsed spec file: its statements in source order."""

    filename: str
    source: str
    statements: tuple[Statement, ...]
    default_name: str  # the model name when there is no `model` statement
