"""The public Python API (contract 6): ``check_text``, ``check_bytes``, ``check_paths``.

The CLI, the app and reports call these, so behaviour is the same everywhere.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letterlint.core.config import Config
from letterlint.core.doc_kinds import KIND_BY_SUFFIX, TEXT_KINDS, UNSUPPORTED_SUFFIXES
from letterlint.core.files import FileTooLarge, is_regular_file, read_capped
from letterlint.core.letter_context import merge, normalise
from letterlint.core.model import FileError, FileResult, Finding, Report, pack_result, unpack_result
from letterlint.core.version import __version__
from letterlint.engine.linter import LintedLetter, Linter
from letterlint.language.analysis import get_nlp
from letterlint.reading.readers import ReadError, read_bytes, read_text
from letterlint.rulebook.loader import rule_files_stamp

if TYPE_CHECKING:
    from letterlint.batch.cache import ResultCache


@lru_cache(maxsize=8)
def _linter(config: Config, context_file: str | None, stamp: tuple[object, ...]) -> Linter:
    return Linter(config, context_file=context_file)


def get_linter(config: Config | None = None, context_file: str | None = None) -> Linter:
    """A cached `Linter` for ``config``: rules are compiled once per process, and again when
    a rule file or the context file changes, so a second run in the same process (the
    editor, or `cli.main` called twice) sees the files as they are now, as a new process would."""

    config = config or Config()
    stamp: tuple[object, ...] = rule_files_stamp(config.packs, config.extend_rules)
    ctx = context_file or config.context
    if ctx:
        try:
            st = os.stat(ctx)
            stamp += ((ctx, st.st_size, st.st_mtime_ns),)
        except (OSError, ValueError):
            pass  # the Linter reports an unreadable context
    return _linter(config, context_file, stamp)


LetterFields = Mapping[str, object]
"""The letter's context as ``{"sender-type": "creditor", "sent-date": "2026-03-02", ...}``
(contract 7)."""


def with_letter(config: Config | None, letter: LetterFields | None) -> Config:
    """``config`` with ``letter`` fields on top of everything else (like ``--letter``).

    Raises `ConfigError` naming an unknown key or a bad value.
    """
    config = config or Config()
    if not letter:
        return config

    return config.with_overrides(
        letter_overrides=merge(config.letter_overrides, normalise(letter, "letter"))
    )


def check_text(
    text: str,
    *,
    kind: str = "text",
    path: str | None = None,
    config: Config | None = None,
    letter: LetterFields | None = None,
) -> list[Finding]:
    """Lint a letter held in memory; ``kind`` is text, markdown, html, jinja or eml.

    ``letter`` gives the letter's context for compliance packs (contract 7).
    """
    return list(lint_text(text, kind=kind, path=path, config=config, letter=letter).findings)


def lint_text(
    text: str,
    *,
    kind: str = "text",
    path: str | None = None,
    config: Config | None = None,
    letter: LetterFields | None = None,
) -> FileResult:
    """`check_text`, returning the whole `FileResult` (score and readability figures too).

    Raises ValueError for an unknown kind and for a letter that cannot be read (a
    template that does not parse), as `check_text` does.
    """
    return lint_letter_text(text, kind=kind, path=path, config=config, letter=letter).result


def lint_letter_text(
    text: str,
    *,
    kind: str = "text",
    path: str | None = None,
    config: Config | None = None,
    letter: LetterFields | None = None,
) -> LintedLetter:
    """`lint_text`, keeping what the pipeline built (`LintedLetter`: each variant and its
    analysis), for an action that goes on working on the same letter. Raises as it does."""
    config = with_letter(config, letter)
    if kind not in TEXT_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(sorted(TEXT_KINDS))}")
    shown = path or "<text>"
    try:
        src = read_text(text, shown, kind)
    except ReadError as exc:
        raise ValueError(exc.message) from None
    linted = get_linter(config).lint_letter(src)
    if linted.result.error is not None:
        raise ValueError(f"{shown}: {linted.result.error.message}")
    return linted


def check_bytes(
    data: bytes,
    filename: str,
    *,
    config: Config | None = None,
    kind: str | None = None,
    letter: LetterFields | None = None,
) -> FileResult:
    """Lint an uploaded file (any format ``check`` reads, .docx included)."""
    config = with_letter(config, letter)
    try:
        src = read_bytes(data, filename, kind)
    except ReadError as exc:
        return FileResult(path=filename, score=None, error=FileError(exc.code, exc.message))
    return get_linter(config).lint(src)


def iter_files(paths: Iterable[str | Path], config: Config) -> Iterator[tuple[str, bool | None]]:
    """Files to check in order: ``(path, explicitly named)``; skipped ones come as ``(path, None)``.

    Folders are walked in sorted order, skipping hidden entries, Office lock files
    (``~$*``) and ``exclude`` globs. What is not a regular file (a FIFO, a device, a link
    to one, a broken link) is skipped, and so are links to files outside the folder.
    """
    for p in paths:
        p = str(p)
        if p == "-" or not os.path.isdir(p):
            yield p, True
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".") and not config.is_excluded(os.path.join(root, d))
            )
            for name in sorted(files):
                if name.startswith((".", "~$")):
                    continue
                full = os.path.join(root, name)
                if config.is_excluded(full):
                    continue
                if not is_regular_file(full) or (os.path.islink(full) and not _inside(full, p)):
                    yield full, None
                    continue
                yield full, False


MAX_FILE_BYTES = 64 * 1024 * 1024


def _inside(path: str, folder: str) -> bool:
    """Whether ``path``, links resolved, lies inside ``folder`` (links resolved too)."""
    real = os.path.realpath(path)
    top = os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _read_raw(path: str) -> bytes | FileResult:
    """A file's bytes, or a `FileResult` saying why it cannot be read.

    Only regular files are read, and never more than `MAX_FILE_BYTES` of them (a link to
    ``/dev/zero`` or a FIFO is an error for that file, not a hang).
    """
    try:
        return read_capped(path, MAX_FILE_BYTES)
    except FileTooLarge as exc:
        return FileResult(path=path, score=None, error=FileError("too-large", exc.strerror))
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return FileResult(
            path=path,
            score=None,
            error=FileError("unreadable", f"cannot read: {getattr(exc, 'strerror', None) or exc}"),
        )


def read_path(
    path: str, *, stdin_data: bytes | None = None, kind: str | None = None
) -> FileResult | object:
    """Read one file into a `SourceText`, or a `FileResult` carrying the error."""
    data = (stdin_data or b"") if path == "-" else _read_raw(path)
    return data if isinstance(data, FileResult) else _to_source(data, path, kind)


def _to_source(data: bytes, path: str, kind: str | None) -> FileResult | object:
    try:
        return read_bytes(data, path, kind or ("text" if path == "-" else None))
    except ReadError as exc:
        return FileResult(path=path, score=None, error=FileError(exc.code, exc.message))


@contextmanager
def few_full_collections() -> Iterator[None]:
    """Keep the garbage collector from re-scanning every finding kept so far.

    A run over thousands of letters keeps hundreds of thousands of small result objects;
    CPython's full collections walk all of them again and again (measured: a quarter of
    the run time). Young collections still run, so cyclic garbage is freed.

    The middle generation is collected only every 10 M allocations: each of its
    collections walks every result kept since the last one (one such collection in a
    run over 2,000 letters took 120 ms with one process, 95 ms in the parent of two
    workers). At the end, what was kept goes to the oldest generation unwalked (frozen,
    then unfrozen), else restoring the thresholds would start that same collection;
    unless the caller froze objects of its own, which stay as they are.
    """
    old = gc.get_threshold()
    gc.set_threshold(10_000, 1_000, 1_000_000_000)
    try:
        yield
    finally:
        frozen_by_caller = gc.get_freeze_count() > 0
        if not frozen_by_caller:
            gc.freeze()
        gc.set_threshold(*old)
        if not frozen_by_caller:
            gc.unfreeze()


MAX_JOBS_PER_CPU = 2
"""``--jobs`` is capped at this many workers per CPU (and at the number of batches)."""


def worker_count(jobs: int, batches: int) -> int:
    """The workers ``--jobs`` really starts: never more than batches of work, nor more than
    `MAX_JOBS_PER_CPU` per CPU (each costs a spaCy pipeline's memory)."""
    return max(1, min(jobs, batches, MAX_JOBS_PER_CPU * default_jobs()))


PARALLEL_MIN_FILES = 200
"""Below this many files one process is faster: a worker costs a spaCy start-up."""


class KeptLetters:
    """The ``n`` letters that come first by ``rank`` (the audit: its worst letters), kept as
    the check had them while it ran, so a report's pages neither read a file again (it may
    have changed since) nor lint it again.

    A letter linted in this process is kept as its `LintedLetter`; one whose result came
    from the cache or a worker process is kept as the bytes that were checked. At most
    about ``2 * n`` letters are held at any moment, however many are checked.
    """

    def __init__(self, n: int, rank: Callable[[FileResult], Any], *, linted: bool = True) -> None:
        self.n = max(0, n)
        self.rank = rank
        self.linted = linted  # False in a worker: keep bytes, which travel back cheaply
        self._items: list[tuple[Any, str, LintedLetter | bytes]] = []

    def offer(self, result: FileResult, data: bytes, linted: LintedLetter | None = None) -> None:
        """Keep this letter if it ranks among the first ``n`` so far."""
        if self.n == 0 or result.error is not None or result.score is None:
            return
        keep: LintedLetter | bytes = linted if (self.linted and linted is not None) else data
        self._items.append((self.rank(result), result.path, keep))
        if len(self._items) >= 2 * self.n + 16:
            self._trim()

    def _trim(self) -> None:
        self._items.sort(key=lambda item: item[0])
        del self._items[self.n :]

    def paths(self) -> set[str]:
        self._trim()
        return {path for _, path, _ in self._items}

    def get(self, path: str) -> LintedLetter | bytes | None:
        """What was kept of the letter at ``path`` (None: it did not rank among the first)."""
        self._trim()
        return next((kept for _, p, kept in self._items if p == path), None)


_WORKER: Linter | None = None
_WORKER_RUN: str | None = None  # the cache's run key, when results are to be cached
_WORKER_KEEP: tuple[int, Callable[[FileResult], Any]] | None = None  # see `KeptLetters`


def _worker_init(
    config: Config,
    context_file: str | None,
    run: str | None = None,
    keep: tuple[int, Callable[[FileResult], Any]] | None = None,
) -> None:
    global _WORKER, _WORKER_RUN, _WORKER_KEEP
    _WORKER = get_linter(config, context_file)  # inherited already built under fork
    _WORKER_RUN = run
    _WORKER_KEEP = keep


def _worker_lint(
    batch: list[tuple[str, str | None]],
) -> list[tuple[tuple[object, ...], str | None, bytes | None]]:
    """Lint a batch; with letters to keep, also the bytes of the batch's first ``n`` by rank
    (the run's first ``n`` are among the batches' first ``n``)."""
    assert _WORKER is not None
    keep = KeptLetters(*_WORKER_KEEP, linted=False) if _WORKER_KEEP else None
    out = []
    with few_full_collections():
        for path, kind in batch:
            res, key = lint_file(_WORKER, path, kind, _WORKER_RUN, keep=keep)
            out.append((res, key))
    kept = {p: keep.get(p) for p in keep.paths()} if keep is not None else {}
    return [(pack_result(res), key, kept.get(res.path)) for res, key in out]  # type: ignore[misc]


def lint_file(
    linter: Linter,
    path: str,
    kind: str | None = None,
    run: str | None = None,
    stdin_data: bytes | None = None,
    keep: KeptLetters | None = None,
) -> tuple[FileResult, str | None]:
    """Read and lint one file; with a cache ``run`` key, also the content key of the very
    bytes that were linted (so a file edited during a run is never cached under the key
    of its earlier content). The letter is offered to ``keep``."""
    data = (stdin_data or b"") if path == "-" else _read_raw(path)
    if isinstance(data, FileResult):
        return data, None
    key = None
    if run is not None and path != "-":
        # lazy: heavy (sqlite3); the API without a cache never needs it
        from letterlint.batch.cache import content_key

        key = content_key(
            run, data, kind, Path(path).suffix.lower(), _key_extras(linter.config, path)
        )
    src = _to_source(data, path, kind)
    if isinstance(src, FileResult):
        return src, key
    if keep is None:
        return linter.lint(src), key  # type: ignore[arg-type]
    linted = linter.lint_letter(src)  # type: ignore[arg-type]
    keep.offer(linted.result, data, linted)
    return linted.result, key


def default_jobs() -> int:
    """Worker processes for large inputs: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while files are checked (for a progress bar)."""


def check_paths(
    paths: Iterable[str | Path],
    *,
    config: Config | None = None,
    context_file: str | None = None,
    stdin_data: bytes | None = None,
    kind: str | None = None,
    jobs: int | None = None,
    cache: bool = False,
    progress: Progress | None = None,
    letter: LetterFields | None = None,
    keep: KeptLetters | None = None,
) -> Report:
    """Lint files and folders; results in the order given, folders sorted.

    Large inputs (``PARALLEL_MIN_FILES`` files or more) are spread over ``jobs`` worker
    processes (default: one per CPU), each with its own spaCy pipeline; the results come
    back in the same order as a serial run. With ``cache=True`` results are kept in
    ``.letterlint_cache/`` (see `letterlint.batch.cache`); unchanged letters are not linted again,
    and a run where every letter is cached never loads spaCy. ``keep`` holds on to the
    letters a caller will work on further (the audit's worst letters; see `KeptLetters`).
    """
    config = with_letter(config, letter)
    linter = get_linter(config, context_file)
    todo: list[str] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for path, explicit in iter_files(paths, config):
        norm = os.path.normpath(path)
        if (
            norm in seen and path != "-"
        ):  # a file named twice (``letters/ letters/a.txt``) is checked once
            continue
        seen.add(norm)
        suffix = Path(path).suffix.lower()
        if explicit is None:  # not a regular file, or a link out of the walked folder
            skipped.append(path)
            continue
        if not explicit and suffix not in KIND_BY_SUFFIX and suffix not in UNSUPPORTED_SUFFIXES:
            skipped.append(path)
            continue
        todo.append(path)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    results: list[FileResult | None] = [None] * len(todo)
    total = len(todo)
    with few_full_collections():
        store = open_cache(config, context_file) if cache else None
        if store is not None:
            _cache_lookup(store, todo, results, config, kind, keep)
        pending = [i for i, r in enumerate(results) if r is None]
        done = total - len(pending)
        if progress is not None:
            progress(done, total)
        run = store.run if store is not None else None
        linted_keys: dict[int, str] = {}
        if jobs > 1 and len(pending) >= PARALLEL_MIN_FILES and "-" not in todo:
            fresh = _lint_parallel(
                [todo[i] for i in pending],
                config,
                context_file,
                kind,
                jobs,
                linter,
                lambda n: progress(done + n, total) if progress else None,
                run,
                keep,
            )
            for i, (res, key) in zip(pending, fresh):
                results[i] = res
                if key is not None:
                    linted_keys[i] = key
        else:
            for n, i in enumerate(pending, start=1):
                results[i], key = lint_file(linter, todo[i], kind, run, stdin_data, keep)
                if key is not None:
                    linted_keys[i] = key
                if progress is not None:
                    progress(done + n, total)
        if store is not None:
            # lazy: heavy (sqlite3); the API without a cache never needs it
            from letterlint.batch.cache import strip_path

            store.put_many(
                [(key, strip_path(pack_result(results[i]))) for i, key in linted_keys.items()]
            )  # type: ignore[arg-type]
            store.close()
    return Report(files=tuple(results), skipped=tuple(skipped), tool_version=__version__)  # type: ignore[arg-type]


def _key_extras(config: Config, path: str) -> tuple[str, ...]:
    """What a cached result depends on besides the bytes: the file's per-file ignores and
    its letter context from the config and the command line (contract 7)."""
    ignores = config.ignores_for(path) if config.per_file_ignores else ()
    if not (config.letter or config.letters or config.letter_overrides):
        return ignores

    pairs = merge(config.letter_for(path), config.letter_overrides)
    return (*ignores, *(f"letter:{k}={v}" for k, v in pairs))


def open_cache(config: Config, context_file: str | None) -> ResultCache | None:
    """The result cache of this config and context file, or None when the environment
    turns caching off (`LETTERLINT_NO_CACHE`)."""
    # lazy: heavy (sqlite3); the API without a cache never needs it
    from letterlint.batch.cache import ResultCache, cache_enabled_by_env

    if not cache_enabled_by_env():
        return None
    return ResultCache.open(config, context_file)


def _cache_lookup(
    store: ResultCache,
    todo: list[str],
    results: list[FileResult | None],
    config: Config,
    kind: str | None,
    keep: KeptLetters | None = None,
) -> None:
    """Fill ``results`` with the cached results of the files whose content is known (each
    offered to ``keep`` with the bytes read here).

    Files that cannot be read get their error here (never cached: the disk may recover).
    """
    # lazy: heavy (sqlite3); the API without a cache never needs it
    from letterlint.batch.cache import content_key, with_path

    keys: dict[int, str] = {}
    raw: dict[int, bytes] = {}
    for i, path in enumerate(todo):
        if path == "-":
            continue
        data = _read_raw(path)
        if isinstance(data, FileResult):
            results[i] = data
            continue
        if keep is not None:
            raw[i] = data
        keys[i] = content_key(
            store.run, data, kind, Path(path).suffix.lower(), _key_extras(config, path)
        )
    found = store.get_many(list(keys.values()))
    for i, key in keys.items():
        hit = found.get(key)
        if hit is not None:
            try:
                results[i] = unpack_result(with_path(hit, todo[i]))
            except Exception:  # noqa: BLE001 - an entry of the wrong shape is a miss, never a lost run
                results[i] = None
            if keep is not None and results[i] is not None:
                keep.offer(results[i], raw[i])  # type: ignore[arg-type]


def _lint_parallel(
    todo: list[str],
    config: Config,
    context_file: str | None,
    kind: str | None,
    jobs: int,
    linter: Linter,
    progress: Callable[[int], None] | None = None,
    run: str | None = None,
    keep: KeptLetters | None = None,
) -> list[tuple[FileResult, str | None]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _ = linter.compiled  # build once in the parent; forked workers inherit it

    get_nlp()
    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    size = max(16, min(256, len(todo) // (jobs * 8) or 16))
    batches = [[(p, kind) for p in todo[i : i + size]] for i in range(0, len(todo), size)]
    results: list[tuple[FileResult, str | None]] = []
    jobs = worker_count(jobs, len(batches))
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=ctx,
        initializer=_worker_init,
        initargs=(config, context_file, run, (keep.n, keep.rank) if keep else None),
    ) as pool:
        for batch in pool.map(_worker_lint, batches):
            for packed, key, data in batch:
                res = unpack_result(packed)
                results.append((res, key))
                if keep is not None and data is not None:
                    keep.offer(res, data)
            if progress is not None:
                progress(len(results))
    return results
