"""The ``aligner`` command line: parse arguments, call the library, print.

Nothing here does alignment work; see the ``aligner`` package. Heavy libraries are
imported by the commands that need them, so ``aligner --help`` is instant.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

import click

from aligner import __version__
from aligner.errors import InputError, ModelUnavailable

FORMATS = ("text", "json", "html", "xliff", "tsv")
AUDIT_FORMATS = ("text", "json", "html", "tsv", "xliff")


class _State:
    debug = False
    signals = None  # aligner.io.output.Signals, installed by run()

    @classmethod
    def interrupted(cls) -> bool:
        return cls.signals is not None and cls.signals.received is not None


def _fail(message: str) -> None:
    from aligner.errors import terminal_safe

    # One line: line breaks inside a library's message become spaces.
    click.echo(f"aligner: error: {terminal_safe(' '.join(message.splitlines()))}", err=True)
    sys.exit(2)


def _warn(message: str) -> None:
    from aligner.errors import terminal_safe

    click.echo(f"aligner: warning: {terminal_safe(message)}", err=True)


def _setup_threads(threads: int | None) -> None:
    import torch

    torch.set_num_threads(threads or min(4, os.cpu_count() or 1))


def _settings(config_file: str | None):
    """The validated settings, before anything loads (a bad value: one line, exit 2)."""
    from aligner.config import load_settings

    return load_settings(config_file)


def _check_models(device: str, encoder: str | None = None, mt_model: str | None = None) -> None:
    from aligner.io.hub import check_device, check_model_path

    check_model_path(encoder, "--encoder")
    check_model_path(mt_model, "--mt-model")
    check_device(device)


def _load_models(config, encoder, mt_model, mt_backend, device, progress):
    from aligner.io.hub import go_offline_if_unreachable
    from aligner.pipeline import load_models

    go_offline_if_unreachable()
    if progress:
        click.echo("aligner: loading models…", err=True)
    try:
        return load_models(
            config, encoder=encoder, mt_model=mt_model, mt_backend=mt_backend, device=device, progress=progress
        )
    except ModelUnavailable as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:  # a cache that cannot be written (read-only, full disk ...)
        from aligner.io.cache import cache_dir

        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise InputError(
            f"models could not be loaded: {exc.strerror or exc}{where}; check the cache directory "
            f"{cache_dir()} or set ALIGNER_CACHE to a writable one"
        ) from None


def _read_checked(path: str, settings, max_chars: int | None, default: int | None = None):
    """Read one input and refuse it up front when it is far too large (``default``:
    the command's own limit instead of ``[limits] max_chars``)."""
    from aligner.io.reading import check_size, read_text

    read = read_text(path)
    if max_chars is None:
        limit = settings.limits.max_chars if default is None else default
    else:
        limit = max_chars
    key = "max_chars" if default is None else "sentences_max_chars"
    check_size(read, limit, settings.limits.max_sentence_chars if limit else 0, key)
    return read


def _heartbeat(settings):
    """One progress line every few seconds when stderr is not a terminal."""
    from aligner.progress import Heartbeat

    return Heartbeat(interval=settings.progress.interval_seconds, enabled=not sys.stderr.isatty())


def _write_output(text: str, output: str | None, inputs: list[str | None], force: bool) -> None:
    """Print, or write atomically to ``output`` (never over an input, never over an
    existing file without ``--force``); see :mod:`aligner.io.output`."""
    from aligner.io.output import write_output

    if _State.interrupted():  # Ctrl-C was swallowed somewhere below: still stop here
        raise KeyboardInterrupt
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    write_output(text, output, inputs, force)


def _max_chars_option(f):
    return click.option(
        "--max-chars", type=click.IntRange(0), default=None,
        help="Refuse inputs longer than this many characters (default: [limits] max_chars; 0 = no limit).",
    )(f)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aligner")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("--threads", type=click.IntRange(1, 256), default=None, help="CPU threads for the models (default: up to 4).")
@click.option("--device", default="cpu", show_default=True, help="Torch device: cpu, cuda, cuda:1 ...")
@click.pass_context
def main(ctx: click.Context, debug: bool, threads: int | None, device: str) -> None:
    """Show what changed when a text was translated or re-told in another language."""
    _State.debug = debug
    ctx.obj = {"threads": threads, "device": device}


def _common_model_options(f):
    f = click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML file merged over the defaults.")(f)
    f = click.option("--encoder", help="Encoder: Hugging Face id or local directory.")(f)
    return f


@main.command()
@click.argument("source")
@click.argument("rendition")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(), help="Write the report here instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--source-lang", help="Language of SOURCE (ISO 639-1); detected when absent.")
@click.option("--rendition-lang", help="Language of RENDITION; detected when absent.")
@click.option("--fail-on", default="", help="Comma-separated finding types that make the exit code 1 (or 'any').")
@click.option("--no-translate", is_flag=True, help="Skip machine translation of the source.")
@click.option("--mt-model", help="MarianMT model: Hugging Face id or local directory.")
@click.option("--mt-backend", type=click.Choice(["transformers", "ctranslate2"]), default="transformers", show_default=True)
@click.option("--method", type=click.Choice(["argmax", "itermax", "mwmf"]), help="Word matching method.")
@click.option("--quiet", is_flag=True, help="Text format: counts only.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, help="Leave out findings less confident than this (default: [findings] min_confidence, 0).")
@_max_chars_option
@_common_model_options
@click.pass_obj
def compare(obj, source, rendition, fmt, output, force, source_lang, rendition_lang, fail_on, no_translate, mt_model, mt_backend, method, quiet, min_confidence, max_chars, config_file, encoder):
    """Compare SOURCE with its RENDITION and report the differences ('-' reads stdin)."""
    import aligner
    from aligner.io.output import check_output
    from aligner.progress import stage_timer
    from aligner.structures import FINDING_TYPES
    from aligner.text.language import check_language

    types = {t.strip() for t in fail_on.split(",") if t.strip()}
    if "any" in types:
        types = set(FINDING_TYPES)
    unknown = types - set(FINDING_TYPES)
    if unknown:
        raise InputError(f"--fail-on: unknown finding type(s) {', '.join(sorted(unknown))}; choose from {', '.join(FINDING_TYPES)}")
    if source == "-" and rendition == "-":
        raise InputError("only one of SOURCE and RENDITION can be standard input")
    # Everything the user gave is checked before the models load (seconds).
    inputs = [source, rendition, config_file]
    settings = _settings(config_file)
    check_output(output, inputs, force)
    _check_models(obj["device"], encoder, mt_model)
    src_read = _read_checked(source, settings, max_chars)
    tgt_read = _read_checked(rendition, settings, max_chars)
    source_lang = check_language(source_lang) if source_lang else None
    rendition_lang = check_language(rendition_lang) if rendition_lang else None
    _setup_threads(obj["threads"])
    progress = sys.stderr.isatty()
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, mt_model, mt_backend, obj["device"], progress)
        result = aligner.compare(src_read, tgt_read, source_lang=source_lang, rendition_lang=rendition_lang, translate=not no_translate,
                                 method=method, min_confidence=min_confidence, models=models, timer=stage_timer(beat))  # fmt: skip
        for doc in (result.source, result.rendition):
            for w in doc.warnings:
                _warn(w)
        color = fmt == "text" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        with beat.step("writing the report"):
            report = result.render(fmt, color=color, quiet=quiet)
    _write_output(report, output, inputs, force)
    if any(f.type in types for f in result.findings):
        sys.exit(1)


@main.command()
@click.argument("file")
@click.option("-f", "--format", "fmt", type=click.Choice(AUDIT_FORMATS), default=None, help="Report format (default text; xliff when -o ends in .xlf/.xliff).")
@click.option("-o", "--output", type=click.Path(), help="Write the report (or the annotated XLIFF) here, never over FILE.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--source-lang", help="Source language (ISO 639-1); default from the file, else detected.")
@click.option("--rendition-lang", help="Target language; default from the file, else detected.")
@click.option("--fail-on", default="", help="Comma-separated finding types or statuses (untranslated, empty, identical, unrelated, split, moved) that make the exit code 1, or 'any'.")
@click.option("--no-translate", is_flag=True, help="Skip machine translation of the source.")
@click.option("--mt-model", help="MarianMT model: Hugging Face id or local directory.")
@click.option("--quiet", is_flag=True, help="Text format: counts only.")
@_common_model_options
@click.pass_obj
def audit(obj, file, fmt, output, force, source_lang, rendition_lang, fail_on, no_translate, mt_model, quiet, config_file, encoder):
    """Audit a bilingual FILE (XLIFF 1.2/2.x, TMX, PO, CSV/TSV) segment by segment."""
    from aligner.bilingual import read_bilingual
    from aligner.bilingual.audit import AuditOptions, audit_file, fails, parse_fail_on
    from aligner.io.output import check_output
    from aligner.reports import render_audit
    from aligner.text.language import check_language

    types = parse_fail_on(fail_on)
    fmt = fmt or ("xliff" if output and output.lower().endswith((".xlf", ".xliff")) else "text")
    inputs = [file, config_file]
    settings = _settings(config_file)
    check_output(output, inputs, force)
    _check_models(obj["device"], encoder, mt_model)
    bilingual = read_bilingual(file)  # bad or hostile input fails here, before the models load
    if fmt == "xliff" and bilingual.format not in ("xliff1", "xliff2"):
        raise InputError(f"-f xliff writes an annotated copy of an XLIFF input; {file} is {bilingual.format}")
    options = AuditOptions(check_language(source_lang) if source_lang else None, check_language(rendition_lang) if rendition_lang else None, not no_translate)
    _setup_threads(obj["threads"])
    models = _load_models(settings.raw, encoder, mt_model, "transformers", obj["device"], sys.stderr.isatty())
    result = audit_file(bilingual, models, options)
    _write_output(render_audit(result, fmt, quiet=quiet), output, inputs, force)
    if fails(result, types):
        sys.exit(1)


@main.command()
@click.argument("source")
@click.argument("rendition")
@click.option("--presegmented", is_flag=True, help="Inputs have one sentence per line.")
@click.option("-f", "--format", "fmt", type=click.Choice(["beads", "json", "tsv"]), default="beads", show_default=True)
@click.option("-o", "--output", type=click.Path())
@click.option("--force", is_flag=True)
@click.option("--source-lang")
@click.option("--rendition-lang")
@_max_chars_option
@_common_model_options
@click.pass_obj
def sentences(obj, source, rendition, presegmented, fmt, output, force, source_lang, rendition_lang, max_chars, config_file, encoder):
    """Sentence alignment only: beads such as [0]:[0,1], one per line."""
    from aligner.io.output import check_output
    from aligner.io.sentence_files import align_sentence_files, render_beads

    if source == "-" and rendition == "-":
        raise InputError("only one of SOURCE and RENDITION can be standard input")
    inputs = [source, rendition, config_file]
    settings = _settings(config_file)
    check_output(output, inputs, force)
    _check_models(obj["device"], encoder)
    # Bad input fails before the models load.
    src_read = _read_checked(source, settings, max_chars, settings.limits.sentences_max_chars)
    tgt_read = _read_checked(rendition, settings, max_chars, settings.limits.sentences_max_chars)
    _setup_threads(obj["threads"])
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, None, "transformers", obj["device"], sys.stderr.isatty())
        src, tgt, beads = align_sentence_files(
            src_read, tgt_read, models, presegmented, source_lang, rendition_lang, step=beat.step
        )
    _write_output(render_beads(src, tgt, beads, fmt), output, inputs, force)


@main.command()
@click.argument("file")
@click.option("--method", type=click.Choice(["argmax", "itermax", "mwmf"]), default="argmax", show_default=True)
@click.option("--token-type", type=click.Choice(["bpe", "word"]), default=None, help="Match words (mean of their subwords) or subwords; default from the config (word).")
@click.option("--center/--no-center", default=None, help="Subtract each side's mean vector before matching; default from the config (on).")
@click.option("--layer", type=click.IntRange(0, 64), default=None, help="Encoder layer for the vectors; default from the config (7).")
@click.option("-f", "--format", "fmt", type=click.Choice(["pharaoh", "json"]), default="pharaoh", show_default=True)
@click.option("-o", "--output", type=click.Path())
@click.option("--force", is_flag=True)
@_max_chars_option
@_common_model_options
@click.pass_obj
def words(obj, file, method, token_type, center, layer, fmt, output, force, max_chars, config_file, encoder):
    """Word-align FILE of 'source ||| target' lines (pre-tokenised); Pharaoh output."""
    import json

    from aligner.io.output import check_output
    from aligner.io.pretokenized import align_pairs, parse_pairs, pharaoh

    inputs = [file, config_file]
    settings = _settings(config_file)
    check_output(output, inputs, force)
    _check_models(obj["device"], encoder)
    text = _read_checked(file, settings, max_chars).text
    pairs = list(parse_pairs(text.splitlines(), file))
    _setup_threads(obj["threads"])
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, None, "transformers", obj["device"], sys.stderr.isatty())
        out: list[str] = []
        with beat.step(f"aligning {len(pairs):,} sentence pairs"):
            aligned = align_pairs(
                models.encoder, pairs, method, token_type, progress=True, total=len(pairs), center=center, layer=layer,
                settings=settings.word_alignment,
            )  # fmt: skip
            for p, links in zip(pairs, aligned, strict=True):
                if fmt == "pharaoh":
                    out.append(pharaoh(links))
                else:
                    out.append(json.dumps({"line": p.line, "source": p.source, "target": p.target, "links": links}, ensure_ascii=False))
    _write_output("\n".join(out) + ("\n" if out else ""), output, inputs, force)


@main.command()
@click.argument("directory", default="samples", required=False)
@click.option("--no-translate", is_flag=True, help="Skip machine translation.")
@click.option("--mt-model", help="MarianMT model for every pair: Hugging Face id or local directory.")
@_common_model_options
@click.pass_obj
def regress(obj, directory, no_translate, mt_model, config_file, encoder):
    """Run every sample pair in DIRECTORY (default samples/) against its expected findings."""
    from aligner.regression.samples import format_results, pair_folders, run_pair_safely

    settings = _settings(config_file)
    _check_models(obj["device"], encoder, mt_model)
    folders = pair_folders(Path(directory))
    _setup_threads(obj["threads"])
    results = []
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, mt_model, "transformers", obj["device"], sys.stderr.isatty())
        for folder in folders:
            # --no-translate reaches each comparison through its options; the models
            # handed in are left as they are.
            with beat.step(f"pair {folder.name}"):
                results.append(run_pair_safely(folder, models, translate=not no_translate))
    click.echo(format_results(results), nl=False)
    if any(r.failures for r in results):
        sys.exit(1)


@main.command()
@click.argument("file")
@click.option("--source-lang", help="Language of FILE; detected when absent.")
@click.option("--mt-model", help="MarianMT model: Hugging Face id or local directory.")
@click.option("--mt-backend", type=click.Choice(["transformers", "ctranslate2"]), default="transformers", show_default=True)
@click.option("--presegmented", is_flag=True, help="FILE has one sentence per line.")
@click.option("-o", "--output", type=click.Path())
@click.option("--force", is_flag=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.pass_obj
def translate(obj, file, source_lang, mt_model, mt_backend, presegmented, output, force, config_file):
    """Print the English machine translation of FILE, one sentence per line."""
    from aligner.io.hub import go_offline_if_unreachable
    from aligner.io.output import check_output
    from aligner.text.language import check_language
    from aligner.translation.translate_file import translate_file

    inputs = [file, config_file]
    settings = _settings(config_file)
    check_output(output, inputs, force)
    _check_models(obj["device"], None, mt_model)
    if source_lang:
        check_language(source_lang)
    go_offline_if_unreachable()
    _setup_threads(obj["threads"])
    with _heartbeat(settings) as beat, beat.step("translating"):
        lines = translate_file(file, settings.raw, source_lang, mt_model, mt_backend, obj["device"], presegmented, sys.stderr.isatty())
    _write_output("".join(line + "\n" for line in lines), output, inputs, force)


@main.command()
@click.option("--lang", "languages", multiple=True, help="Show the MT model for this source language (repeatable).")
@click.option("--mt-model", help="Check this MT model id or directory.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.option("--verify", is_flag=True, help="Re-hash every file of the offline encoder build (sha256, ~0.5 s), not only changed ones.")
def models(languages, mt_model, config_file, verify) -> None:
    """Which encoder and MT models resolve, from where, and what is missing."""
    from aligner.encoder.model_status import describe_models
    from aligner.io.hub import check_model_path, go_offline_if_unreachable
    from aligner.text.language import check_language

    settings = _settings(config_file)
    languages = tuple(check_language(lang) for lang in languages)
    check_model_path(mt_model, "--mt-model")
    go_offline_if_unreachable()
    click.echo(describe_models(settings.raw, languages, mt_model, verify))


@main.command()
@click.argument("source")
@click.argument("renditions", nargs=-1, required=True)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "html", "tsv"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(), help="Write here (html: required; the pair reports go next to it).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("--source-lang", help="Language of SOURCE; detected when absent.")
@click.option("--rendition-lang", help="Language of every RENDITION; detected per file when absent.")
@click.option("--no-translate", is_flag=True, help="Skip machine translation of the source.")
@click.option("--mt-model", help="MarianMT model: Hugging Face id or local directory.")
@_common_model_options
@click.pass_obj
def trace(obj, source, renditions, fmt, output, force, source_lang, rendition_lang, no_translate, mt_model, config_file, encoder):
    """One SOURCE's claims against each RENDITION: a claim x rendition matrix."""
    from aligner.io.output import check_output
    from aligner.io.reading import read_text
    from aligner.reports import render
    from aligner.reports.trace_json import trace_to_dict, trace_to_json
    from aligner.text.language import check_language
    from aligner.trace.matrix import trace_texts

    inputs = [source, *renditions]
    if inputs.count("-") > 1:
        raise InputError("only one input can be standard input")
    inputs.append(config_file)
    settings = _settings(config_file)
    _check_models(obj["device"], encoder, mt_model)
    if fmt == "html" and (output is None or output == "-"):
        raise InputError("-f html writes the matrix and one side-by-side report per rendition: give -o FILE.html")
    out = Path(output) if output and output != "-" else None
    pair_files = [f"{out.stem}.pair{i + 1}.html" for i in range(len(renditions))] if out and fmt == "html" else []
    check_output(output, inputs, force)
    for name in pair_files:
        check_output(str(out.with_name(name)), inputs, force)
    reads = [read_text(p) for p in inputs[:-1]]
    source_lang = check_language(source_lang) if source_lang else None
    rendition_lang = check_language(rendition_lang) if rendition_lang else None
    _setup_threads(obj["threads"])
    models = _load_models(settings.raw, encoder, mt_model, "transformers", obj["device"], sys.stderr.isatty())
    result = trace_texts(reads[0], reads[1:], models, source_lang, rendition_lang, not no_translate)
    for doc in (result.source, *result.renditions):
        for w in doc.warnings:
            click.echo(f"aligner: warning: {w}", err=True)
    if fmt == "json":
        text = trace_to_json(result)
    elif fmt == "tsv":
        from aligner.reports.trace_tsv import render_trace_tsv

        text = render_trace_tsv(trace_to_dict(result))
    elif fmt == "html":
        from aligner.reports.trace_html import render_trace_html

        for name, comparison in zip(pair_files, result.comparisons, strict=True):
            _write_output(render(comparison, "html"), str(out.with_name(name)), inputs, force)
        text = render_trace_html(trace_to_dict(result), pair_files)
    else:
        from aligner.reports.trace_text import render_trace_text

        text = render_trace_text(trace_to_dict(result))
    _write_output(text, output, inputs, force)


@main.command()
@click.argument("manifest", type=click.Path(dir_okay=False))
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False), help="Folder for results.jsonl, results.parquet, run.json (and reports/).")
@click.option("--workers", type=click.IntRange(1, 1024), default=1, show_default=True, help="Worker processes (or Ray actors); each loads the models once.")
@click.option("--ray", "ray_address", help="Run on Ray: 'auto' (a running cluster), 'local' (a private instance), or a cluster address.")
@click.option("--full-reports", is_flag=True, help="Also write each pair's JSON report to OUTDIR/reports/ID.json.")
@click.option("--retry-errors", is_flag=True, help="Redo pairs whose recorded result is an error.")
@click.option("--no-translate", is_flag=True, help="Skip machine translation.")
@click.option("--mt-model", help="MarianMT model: Hugging Face id or local directory.")
@click.option("--cache-sentences", type=click.IntRange(0, 10_000_000), default=4096, show_default=True, help="Sentence embeddings cached per worker (0: no cache).")
@_common_model_options
@click.pass_obj
def batch(obj, manifest, outdir, workers, ray_address, full_reports, retry_errors, no_translate, mt_model, cache_sentences, config_file, encoder):
    """Compare every pair of MANIFEST (CSV or JSONL); resumable; results in OUTDIR."""
    from aligner.batch.runner import default_threads, run_batch, worker_options

    threads = obj["threads"] or default_threads(workers)
    options = worker_options(
        outdir, full_reports, config_file=config_file, encoder=encoder, mt_model=mt_model,
        translate=not no_translate, threads=threads, device=obj["device"], cache_sentences=cache_sentences,
    )
    stats = run_batch(manifest, outdir, options, workers, ray_address, retry_errors, lambda m: click.echo(f"aligner: {m}", err=True))
    click.echo(
        f"{stats.pairs} pairs: {stats.resumed} done before, {stats.ran} run ({stats.ok} ok, {stats.errors} errors) "
        f"in {stats.seconds:.1f} s; {workers} worker(s) x {threads} thread(s); results in {Path(outdir) / 'results.jsonl'}"
    )


def _unraisable(hook_args) -> None:
    # Ctrl-C landing inside a finalizer is "unraisable": Python would print it and go
    # on. Remember it instead, so the run stops before writing anything.
    if isinstance(hook_args.exc_value, KeyboardInterrupt):
        if _State.signals is not None:
            _State.signals.note()
        return
    sys.__unraisablehook__(hook_args)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Python warnings (a cache rebuilt, an MT model missing) as one line each."""
    _warn(str(message))


class _WarningLines(logging.Handler):
    """Records of the ``aligner`` logger as ``aligner: warning: ...`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # stderr gone: nothing to tell
            _warn(record.getMessage())


def _interrupted() -> None:
    with contextlib.suppress(OSError, ValueError):
        click.echo("aligner: interrupted", err=True)
    status = _State.signals.exit_status if _State.signals is not None else 130
    sys.exit(status)


def _usage_error(exc: click.ClickException) -> None:
    """Click's usage errors (four lines with a usage banner) as one line; a bare
    ``aligner`` (or a group without its command) still shows the help."""
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        exc.show()
        sys.exit(2)
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    _fail(message)


def run() -> None:
    """Entry point with the project's error contract: one line and exit 2 for bad
    input, a traceback only with --debug, 128 + the signal number (130 for Ctrl-C)
    and no output when interrupted or terminated."""
    import warnings

    from aligner.io.output import Signals

    _State.signals = Signals()
    _State.signals.install()
    sys.unraisablehook = _unraisable
    warnings.showwarning = _show_warning
    logger = logging.getLogger("aligner")
    if not any(isinstance(h, _WarningLines) for h in logger.handlers):
        logger.addHandler(_WarningLines())
    logger.propagate = False
    try:
        main.main(prog_name="aligner", standalone_mode=False)
        if _State.interrupted():
            _interrupted()
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _usage_error(exc)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _interrupted()
    except (InputError, ModelUnavailable) as exc:
        if _State.debug:
            raise
        _fail(str(exc))
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: still one line, unless --debug
        if _State.debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")


if __name__ == "__main__":
    run()
