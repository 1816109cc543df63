"""The ``aligner`` command line: parse arguments, call the library, print.

Nothing here does alignment work; see the ``aligner`` package. Heavy libraries are
imported by the commands that need them, so ``aligner --help`` is instant.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from aligner import __version__
from aligner.config import load_settings as _settings  # validated before anything loads
from aligner.errors import InputError, ModelUnavailable, terminal_safe
from aligner.progress import command_heartbeat as _heartbeat
from aligner.reports import AUDIT_FORMATS, FORMATS, TRACE_FORMATS


class _State:
    debug = False
    signals = None  # aligner.io.output.Signals, installed by run()

    @classmethod
    def interrupted(cls) -> bool:
        return cls.signals is not None and cls.signals.received is not None


def _fail(message: str) -> None:
    # One line: line breaks inside a library's message become spaces.
    click.echo(f"aligner: error: {terminal_safe(' '.join(message.splitlines()))}", err=True)
    sys.exit(2)


def _warn(message: str) -> None:
    click.echo(f"aligner: warning: {terminal_safe(message)}", err=True)


def _setup_threads(threads: int | None) -> None:
    import torch

    torch.set_num_threads(threads or min(4, os.cpu_count() or 1))


def _checked_settings(obj, config_file, output, inputs, force, encoder=None, mt_model=None):
    """The settings, the output path and the model options, checked in that order
    before anything loads (seconds)."""
    from aligner.io.hub import check_model_options
    from aligner.io.output import check_output

    settings = _settings(config_file)
    check_output(output, inputs, force)
    check_model_options(obj["device"], encoder, mt_model)
    return settings


def _load_models(config, encoder, mt_model, mt_backend, device, progress):
    from aligner.api import load_models_for_command

    if progress:
        click.echo("aligner: loading models…", err=True)
    return load_models_for_command(config, encoder=encoder, mt_model=mt_model, mt_backend=mt_backend, device=device, progress=progress)


def _language(code: str | None) -> str | None:
    from aligner.text.language import check_language

    return check_language(code) if code else None


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


_max_chars_option = click.option(
    "--max-chars", type=click.IntRange(0), default=None,
    help="Refuse inputs longer than this many characters (default: [limits] max_chars; 0 = no limit).",
)  # fmt: skip


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
    from aligner.io.reading import check_one_stdin, read_within_limits
    from aligner.progress import stage_timer
    from aligner.structures import fail_on_types

    types = fail_on_types(fail_on)
    check_one_stdin([source, rendition], "only one of SOURCE and RENDITION can be standard input")
    # Everything the user gave is checked before the models load (seconds).
    inputs = [source, rendition, config_file]
    settings = _checked_settings(obj, config_file, output, inputs, force, encoder, mt_model)
    src_read = read_within_limits(source, settings.limits, max_chars)
    tgt_read = read_within_limits(rendition, settings.limits, max_chars)
    source_lang, rendition_lang = _language(source_lang), _language(rendition_lang)
    _setup_threads(obj["threads"])
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, mt_model, mt_backend, obj["device"], sys.stderr.isatty())
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
    from aligner.reports import audit_format, render_audit

    types = parse_fail_on(fail_on)
    inputs = [file, config_file]
    settings = _checked_settings(obj, config_file, output, inputs, force, encoder, mt_model)
    bilingual = read_bilingual(file)  # bad or hostile input fails here, before the models load
    fmt = audit_format(fmt, output, bilingual.format, file)
    options = AuditOptions(_language(source_lang), _language(rendition_lang), not no_translate)
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
    from aligner.io.reading import check_one_stdin, read_within_limits
    from aligner.io.sentence_files import align_sentence_files, render_beads

    check_one_stdin([source, rendition], "only one of SOURCE and RENDITION can be standard input")
    inputs = [source, rendition, config_file]
    settings = _checked_settings(obj, config_file, output, inputs, force, encoder)
    # Bad input fails before the models load.
    src_read = read_within_limits(source, settings.limits, max_chars, sentences=True)
    tgt_read = read_within_limits(rendition, settings.limits, max_chars, sentences=True)
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
    from aligner.io.pretokenized import align_pairs, parse_pairs, render_links
    from aligner.io.reading import read_within_limits

    inputs = [file, config_file]
    settings = _checked_settings(obj, config_file, output, inputs, force, encoder)
    text = read_within_limits(file, settings.limits, max_chars).text
    pairs = list(parse_pairs(text.splitlines(), file))
    _setup_threads(obj["threads"])
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, None, "transformers", obj["device"], sys.stderr.isatty())
        with beat.step(f"aligning {len(pairs):,} sentence pairs"):
            aligned = align_pairs(
                models.encoder, pairs, method, token_type, progress=True, total=len(pairs), center=center, layer=layer,
                settings=settings.word_alignment,
            )  # fmt: skip
            text = render_links(pairs, aligned, fmt)
    _write_output(text, output, inputs, force)


@main.command()
@click.argument("directory", default="samples", required=False)
@click.option("--no-translate", is_flag=True, help="Skip machine translation.")
@click.option("--mt-model", help="MarianMT model for every pair: Hugging Face id or local directory.")
@_common_model_options
@click.pass_obj
def regress(obj, directory, no_translate, mt_model, config_file, encoder):
    """Run every sample pair in DIRECTORY (default samples/) against its expected findings."""
    from aligner.io.hub import check_model_options
    from aligner.regression.samples import format_results, pair_folders, run_pairs

    settings = _settings(config_file)
    check_model_options(obj["device"], encoder, mt_model)
    folders = pair_folders(Path(directory))
    _setup_threads(obj["threads"])
    with _heartbeat(settings) as beat:
        with beat.step("loading models"):
            models = _load_models(settings.raw, encoder, mt_model, "transformers", obj["device"], sys.stderr.isatty())
        results = run_pairs(folders, models, translate=not no_translate, step=beat.step)
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
    from aligner.translation.translate_file import translate_file

    inputs = [file, config_file]
    settings = _checked_settings(obj, config_file, output, inputs, force, None, mt_model)
    _language(source_lang)
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
@click.option("-f", "--format", "fmt", type=click.Choice(TRACE_FORMATS), default="text", show_default=True)
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
    from aligner.io.hub import check_model_options
    from aligner.io.output import check_output
    from aligner.io.reading import check_one_stdin, read_text
    from aligner.reports import render, render_trace, trace_pages
    from aligner.trace.matrix import trace_texts

    check_one_stdin([source, *renditions], "only one input can be standard input")
    inputs = [source, *renditions, config_file]
    settings = _settings(config_file)
    check_model_options(obj["device"], encoder, mt_model)
    pages = trace_pages(output, fmt, len(renditions))
    for path in [output, *pages.values()]:
        check_output(path, inputs, force)
    reads = [read_text(p) for p in inputs[:-1]]
    source_lang, rendition_lang = _language(source_lang), _language(rendition_lang)
    _setup_threads(obj["threads"])
    models = _load_models(settings.raw, encoder, mt_model, "transformers", obj["device"], sys.stderr.isatty())
    result = trace_texts(reads[0], reads[1:], models, source_lang, rendition_lang, not no_translate)
    for doc in (result.source, *result.renditions):
        for w in doc.warnings:
            click.echo(f"aligner: warning: {w}", err=True)
    for path, comparison in zip(pages.values(), result.comparisons if pages else [], strict=True):
        _write_output(render(comparison, "html"), path, inputs, force)  # the pages an HTML trace links to
    _write_output(render_trace(result, fmt, list(pages)), output, inputs, force)


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
    from aligner.batch.runner import run_batch, worker_options

    options = worker_options(
        outdir, full_reports, workers, obj["threads"], config_file=config_file, encoder=encoder, mt_model=mt_model,
        translate=not no_translate, device=obj["device"], cache_sentences=cache_sentences,
    )  # fmt: skip
    stats = run_batch(manifest, outdir, options, workers, ray_address, retry_errors, lambda m: click.echo(f"aligner: {m}", err=True))
    click.echo(stats.summary(outdir))


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
    from aligner.io.output import Signals, install_console_hooks

    _State.signals = Signals()
    install_console_hooks(_State.signals, _warn)
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
