"""Reading the raw table: CSV (delimiter and encoding detected or given), JSON records and Parquet; CSV and
JSON also gzip-, bzip2-, xz- or zip-compressed.

Every failure is an :class:`AutoMLInputError` naming the problem and what to do. Files that are
read but look unusual (semicolon separated, Latin-1) are accepted; the reason is kept in
``ReadInfo.notes`` so that the audit can mention it.
"""
from __future__ import annotations

import bz2
import codecs
import csv
import difflib
import gzip
import hashlib
import io
import json
import lzma
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from automl_kedro.errors import AutoMLInputError

PARQUET_SUFFIXES = {".parquet", ".pq"}
JSON_SUFFIXES = {".json": "records", ".jsonl": "lines", ".ndjson": "lines"}
_DECOMPRESS = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress}
# formats we do not read: the message says to save them as CSV or Parquet
_OTHER_FORMATS = {
    ".xlsx": "an Excel workbook", ".xls": "an Excel workbook", ".xlsm": "an Excel workbook",
    ".ods": "a spreadsheet", ".feather": "a Feather file", ".arrow": "an Arrow file", ".pkl": "a Python pickle",
    ".pickle": "a Python pickle", ".h5": "an HDF5 file", ".hdf5": "an HDF5 file", ".sav": "an SPSS file",
    ".dta": "a Stata file", ".sas7bdat": "a SAS file", ".rds": "an R data file", ".rdata": "an R data file",
}
CANDIDATE_DELIMITERS = [",", ";", "\t", "|"]
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# Hook point for ClearML Datasets: a callable (dataset_id) -> local file path. The tracking
# package provides it in online mode; the pure code never imports clearml.
DatasetFetcher = Callable[[str], "str | Path"]


@dataclass
class ReadInfo:
    """How the file was read (kept in the schema so the audit can report it)."""

    path: str
    format: str
    delimiter: str | None = None
    encoding: str | None = None
    n_bytes: int = 0
    content_sha256: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)  # a copy: the notes list is not shared


def resolve_source(path: str | None, dataset_id: str | None, fetch: DatasetFetcher | None = None) -> str:
    """The local file to read: ``data.path``, or the file of ClearML Dataset ``data.dataset_id``.

    ``fetch`` downloads a ClearML Dataset and returns its local file; it exists only in online mode.
    """
    if path and dataset_id:
        raise AutoMLInputError(
            "Both data.path and data.dataset_id are set. Keep one: a local file (data.path) "
            "or a ClearML Dataset id (data.dataset_id)."
        )
    if dataset_id:
        if fetch is None:
            raise AutoMLInputError(
                f"data.dataset_id={dataset_id!r} names a ClearML Dataset, which needs ClearML mode online "
                "and a reachable ClearML server: set mode: online in conf/<env>/clearml.yml (or "
                "AUTOML_CLEARML_MODE=online) and the server in conf/local/credentials.yml, or download the "
                "file and set data.path instead."
            )
        return str(fetch(dataset_id))
    if not path:
        raise AutoMLInputError(
            "No data given. Set data.path to a CSV, JSON or Parquet file (or data.dataset_id to a ClearML "
            "Dataset), e.g. --params \"data.path=data/01_raw/penguins.csv,data.target=species\"."
        )
    return str(path)


def file_sha256(path: str | Path, chunk: int = 1 << 22) -> str:
    """sha256 of a file's bytes, read in chunks (big files never sit in memory twice)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _decode(raw: bytes, path: str, encoding: str | None) -> tuple[str, str, list[str]]:
    """Bytes -> text. Tries UTF-8 (with or without BOM), UTF-16 with BOM, then Latin-1 (cp1252)."""
    notes: list[str] = []
    if encoding:
        try:
            return raw.decode(encoding), encoding, notes
        except LookupError:
            raise AutoMLInputError(
                f"Unknown encoding data.encoding={encoding!r}. Use a Python codec name such as utf-8, latin-1 or cp1252."
            ) from None
        except UnicodeDecodeError as exc:
            raise AutoMLInputError(
                f"{path} cannot be read with encoding {encoding!r} (byte {exc.start}: {exc.reason}). "
                "Remove data.encoding to detect it, or set the right one (utf-8, latin-1, cp1252, utf-16)."
            ) from None
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16"), "utf-16", ["The file is UTF-16 encoded; it was read as such."]
    if b"\x00" in raw[: 1 << 16]:
        raise AutoMLInputError(
            f"{path} does not look like a text file (it contains NUL bytes), so it cannot be read as CSV. "
            "Export it as CSV (UTF-8) or Parquet, or set data.encoding if it is a text encoding such as utf-16."
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8", notes
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252", errors="replace")
    bad = text.count("\ufffd")
    if bad == 0:
        notes.append(
            "The file is not UTF-8; it was read as Latin-1 (Windows cp1252). Check that accented characters "
            "look right, or set data.encoding."
        )
        return text, "cp1252", notes
    text = raw.decode("latin-1")
    controls = sum(1 for ch in text[: 1 << 16] if ord(ch) < 32 and ch not in "\r\n\t") + sum(
        1 for ch in text[: 1 << 16] if 0x7F <= ord(ch) < 0xA0
    )
    if controls > max(5, len(text[: 1 << 16]) // 100):
        raise AutoMLInputError(
            f"{path} has an unreadable encoding: it is neither UTF-8 nor Latin-1 text. Save it as CSV in UTF-8, "
            "or set data.encoding to its encoding (e.g. utf-16, shift_jis)."
        )
    notes.append("The file is not UTF-8; it was read as Latin-1 (ISO-8859-1). Set data.encoding if text looks wrong.")
    return text, "latin-1", notes


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [line for line in text[: 1 << 16].splitlines() if line.strip()][:50]
    if len(lines) > 1 and not text[: 1 << 16].endswith(("\n", "\r")):
        lines = lines[:-1] or lines  # the last line of the sample may be cut
    best, best_score = ",", (-1, -1)
    for delim in CANDIDATE_DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts)
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _check_header_and_fields(text: str, delimiter: str, path: str) -> list[str]:
    """Header names (duplicates refused) and every row's field count (the bad line named)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    for row in reader:
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    if header is None:
        raise AutoMLInputError(f"Data file {path} is empty (no header line). Point data.path at a file with a header and rows.")
    counts: dict[str, int] = {}
    for name in header:
        counts[name] = counts.get(name, 0) + 1
    dupes = [name for name, n in counts.items() if n > 1]
    if dupes:
        raise AutoMLInputError(
            f"{path} has duplicate column names: {', '.join(repr(d) for d in dupes)}. Rename them so every "
            "column name is unique (e.g. in the file, or read the file yourself and save it again)."
        )
    expected = len(header)
    for row in reader:
        if len(row) != expected and not (len(row) == 0 or (len(row) == 1 and not row[0].strip())):
            line = reader.line_num
            raise AutoMLInputError(
                f"{path}, line {line}: expected {expected} fields (like the header) but found {len(row)}. "
                f"Fix that row (a missing or extra {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}, or an unclosed quote), "
                "or set data.delimiter if the file uses another separator."
            )
    return header


def table_name(path: str | Path) -> str:
    """A data file's name without its format and compression suffixes (``sales.csv.gz`` -> ``sales``)."""
    name = Path(path)
    if name.suffix.lower() in _DECOMPRESS or name.suffix.lower() == ".zip":
        name = Path(name.stem)
    return name.stem


def read_table(path: str, *, delimiter: str | None = None, encoding: str | None = None) -> tuple[pd.DataFrame, ReadInfo]:
    """Read a CSV, JSON or Parquet file into a DataFrame, refusing empty, header-only and malformed files; text
    cells lose surrounding blanks (``"yes "`` is ``"yes"``, a cell of spaces is empty)."""
    table, info = _read_any(path, delimiter, encoding)
    return strip_text_cells(table), info


def text_column_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its column names as text, as a file's header names them (an in-memory table may name its
    columns 0, 1, ...); two names that become the same text stop with one message."""
    if all(isinstance(c, str) for c in frame.columns):
        return frame
    names = [str(c) for c in frame.columns]
    same = sorted({n for n in names if names.count(n) > 1})
    if same:
        raise AutoMLInputError(f"Columns named {', '.join(map(repr, same))} appear twice once their names are "
                               "written as text; give every column its own name.")
    return frame.set_axis(names, axis=1)


def strip_text_cells(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns without blanks around their values; cells left empty become missing."""
    for column in table.columns:
        values = table[column]
        if isinstance(values.dtype, pd.StringDtype) or values.dtype == "str":
            text = values.str.strip()  # vectorised: 1M cells in a fraction of a second
            table[column] = text.mask(text == "")
        elif values.dtype == object:  # mixed values (JSON): only the strings change
            text = values.map(lambda v: v.strip() if isinstance(v, str) else v)
            table[column] = text.mask(text.map(lambda v: isinstance(v, str) and not v))
    return table


def _read_any(path: str, delimiter: str | None, encoding: str | None) -> tuple[pd.DataFrame, ReadInfo]:
    file, size = _existing_file(path)
    suffix = file.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(file, path, size)
    if suffix in _OTHER_FORMATS:
        raise AutoMLInputError(
            f"{path} is {_OTHER_FORMATS[suffix]}; data.path reads CSV, JSON or Parquet files. Save the table as CSV "
            f"(UTF-8) or Parquet (in pandas: pd.read_...(path).to_parquet('table.parquet')) and point data.path at it.")
    raw = file.read_bytes()
    info = ReadInfo(path=str(path), format="csv", n_bytes=size, content_sha256=hashlib.sha256(raw).hexdigest())
    raw, inner = _decompressed(raw, file, path)
    if inner != suffix:
        info.notes.append(f"The file is {suffix[1:]}-compressed; its {inner or 'content'} was read.")
    if inner in JSON_SUFFIXES:
        info.format = "json"
        return _read_json(raw, path, JSON_SUFFIXES[inner]), info
    if inner in PARQUET_SUFFIXES:
        info.format = "parquet"
        return _parquet_table(io.BytesIO(raw), path), info
    return _read_csv(raw, info, path, delimiter, encoding)


def _decompressed(raw: bytes, file: Path, path: str) -> tuple[bytes, str]:
    """The bytes of a gzip / bzip2 / xz file or of a zip archive's one file, and the suffix of what they are
    (``t.csv.gz`` -> ``.csv``); other bytes as they are."""
    suffix = file.suffix.lower()
    try:
        if suffix in _DECOMPRESS:
            return _DECOMPRESS[suffix](raw), Path(file.stem).suffix.lower()
        if suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/") and not m.startswith("__MACOSX")]
                if len(members) != 1:
                    raise AutoMLInputError(
                        f"{path} is a zip archive of {len(members)} files ({', '.join(members[:5])}); it must hold "
                        "exactly one table. Unzip it and point data.path at the file.")
                return archive.read(members[0]), Path(members[0]).suffix.lower()
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        raise AutoMLInputError(f"{path} cannot be decompressed ({exc}). Re-export it, or save it uncompressed.") from None
    return raw, suffix


def _read_json(raw: bytes, path: str, layout: str) -> pd.DataFrame:
    """A JSON list of row objects (``[{"a": 1, ...}, ...]``) or JSON lines (one object per line)."""
    try:
        text = raw.decode("utf-8-sig")
        rows = ([json.loads(line) for line in text.splitlines() if line.strip()] if layout == "lines"
                else json.loads(text))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AutoMLInputError(f"{path} is not valid JSON ({exc}). Give a list of row objects "
                               '[{"column": value, ...}, ...] or one object per line (.jsonl).') from None
    if isinstance(rows, dict) and rows and all(isinstance(v, (list, dict)) for v in rows.values()):
        rows = pd.DataFrame(rows).to_dict("records")  # pandas' "columns" layout: {"column": {row: value}}
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise AutoMLInputError(f"{path} holds no table: give a list of row objects [{{\"column\": value, ...}}, ...] "
                               "or one object per line (.jsonl).")
    return pd.DataFrame.from_records(rows)


def _existing_file(path: str) -> tuple[Path, int]:
    """The file and its size; a missing file (with close names suggested), a folder or 0 bytes is refused."""
    file = Path(path)
    if not file.exists():
        parent = file.parent if str(file.parent) else Path(".")
        hint = ""
        if parent.is_dir():
            close = difflib.get_close_matches(file.name, [p.name for p in parent.iterdir()], n=3, cutoff=0.6)
            if close:
                hint = f" Did you mean {' or '.join(str(parent / c) for c in close)}?"
        raise AutoMLInputError(
            f"Data file not found: {path}.{hint} Set data.path to an existing CSV, JSON or Parquet file "
            "(relative paths start at the project folder)."
        )
    if file.is_dir():
        raise AutoMLInputError(f"data.path={path} is a folder; point it at a CSV, JSON or Parquet file inside it.")
    size = file.stat().st_size
    if size == 0:
        raise AutoMLInputError(f"Data file {path} is empty (0 bytes). Point data.path at a file with a header and rows.")
    return file, size


def _read_parquet(file: Path, path: str, size: int) -> tuple[pd.DataFrame, ReadInfo]:
    info = ReadInfo(path=str(path), format="parquet", n_bytes=size, content_sha256=file_sha256(file))
    return _parquet_table(file, path), info


def _parquet_table(source: Path | io.BytesIO, path: str) -> pd.DataFrame:
    try:
        table = pd.read_parquet(source)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise AutoMLInputError(f"{path} is not a readable Parquet file ({exc}). Re-export it or use CSV.") from None
    dupes = table.columns[table.columns.duplicated()].tolist()
    if dupes:
        raise AutoMLInputError(f"{path} has duplicate column names: {dupes}. Rename them so every column is unique.")
    table.columns = [str(c) for c in table.columns]
    if table.empty:
        raise AutoMLInputError(f"Data file {path} has columns but no rows. Point data.path at a file with data.")
    return table


def _read_csv(raw: bytes, info: ReadInfo, path: str, delimiter: str | None,
              encoding: str | None) -> tuple[pd.DataFrame, ReadInfo]:
    """Decode, find the delimiter, check the header and every row's width, then parse."""
    if not raw.strip():
        raise AutoMLInputError(f"Data file {path} is empty (only blank space). Point data.path at a file with a header and rows.")
    text, info.encoding, notes = _decode(raw, str(path), encoding)
    del raw
    info.notes.extend(notes)
    info.delimiter = _resolve_delimiter(text, delimiter, info.notes)
    header = _check_header_and_fields(text, info.delimiter, str(path))
    if len(header) < 2:
        info.notes.append(
            "The file has a single column; if it should have more, its separator was not recognised "
            "(set data.delimiter)."
        )
    table = _parse_csv(text, info.delimiter, path)
    if table.empty:
        raise AutoMLInputError(
            f"Data file {path} has a header ({len(header)} columns) but no data rows. Add rows or point data.path at another file."
        )
    return table, info


def _resolve_delimiter(text: str, delimiter: str | None, notes: list[str]) -> str:
    """The given delimiter (``\\t`` or ``tab`` meaning a tab), or the detected one (noted when not a comma)."""
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
        if delimiter != ",":
            notes.append(
                f"The file is {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated; this was detected "
                "automatically (set data.delimiter to force it)."
            )
    elif delimiter in ("\\t", "tab"):
        delimiter = "\t"
    return delimiter


def _parse_csv(text: str, delimiter: str, path: str) -> pd.DataFrame:
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True, low_memory=False)
    except pd.errors.EmptyDataError:
        raise AutoMLInputError(f"Data file {path} is empty. Point data.path at a file with a header and rows.") from None
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f" at line {match.group(1)}" if match else ""
        raise AutoMLInputError(f"{path} could not be parsed as CSV{where}: {exc}. Fix that row or set data.delimiter.") from None
    table.columns = [str(c).strip() for c in table.columns]
    return table
