"""Renders one report page: executes report-KIND.ipynb on a results folder and exports it as HTML.

    python render_report.py KIND RESULTS_DIR OUTPUT_HTML [--quiet]

KIND is run, compare or sweep. `suanli report` calls this (it detects KIND and writes OUTPUT_HTML under a
temporary name, renaming it into place only on success). The page hides the code (nbconvert's exclude_input),
embeds the figures as PNG data: URIs and loads nothing from the network: the `suanli-report` template of
templates/ drops the lab template's require.js, MathJax and Mermaid script tags, which fetch from a CDN.
Exit status 0 on success; 1 with a message on standard error when a cell fails or the page cannot be written.
"""
import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"run": "report-run.ipynb", "compare": "report-compare.ipynb", "sweep": "report-sweep.ipynb",
         "calibration": "report-calibration.ipynb"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("results_dir")
    parser.add_argument("output_html")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    def note(message):
        if not args.quiet:
            print(f"report: {message}", file=sys.stderr, flush=True)

    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    try:
        import nbformat
        import papermill
        from nbconvert import HTMLExporter
    except ImportError as error:
        print(f"report: error: {error.name or error} is not installed in {sys.executable}; "
              "run scripts/setup-python.sh (it installs Notebooks/requirements.txt into .venv)", file=sys.stderr)
        return 1

    notebook = HERE / KINDS[args.kind]
    results = Path(args.results_dir).resolve()
    start = time.monotonic()
    note(f"executing {notebook.name} on {results}")
    try:
        nb = papermill.execute_notebook(
            str(notebook), None, parameters={"results_dir": str(results)}, kernel_name="python3",
            cwd=str(HERE), progress_bar=False, log_output=False, report_mode=False)
    except papermill.PapermillExecutionError as error:
        print(f"report: error: cell {error.exec_count} of {notebook.name} failed on {results}:\n"
              f"{error.ename}: {error.evalue}", file=sys.stderr)
        return 1
    except Exception as error:  # kernel could not start, notebook unreadable, …
        print(f"report: error: could not execute {notebook.name}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    note(f"executed in {time.monotonic() - start:.1f} s; exporting HTML")

    title = page_title(nb) or f"Suanli report · {results.name}"
    nb.metadata["title"] = title
    from traitlets.config import Config
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("remove-from-report",)
    exporter = HTMLExporter(config=config, template_name="suanli-report",
                            extra_template_basedirs=[str(HERE / "templates")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    try:
        Path(args.output_html).write_text(body, encoding="utf-8")
    except OSError as error:
        print(f"report: error: could not write {args.output_html}: {error}", file=sys.stderr)
        return 1
    note(f"page written ({len(body) // 1024} KiB), {time.monotonic() - start:.1f} s in all")
    return 0


def page_title(nb):
    """The '# …' heading the cell tagged report-title displays."""
    for cell in nb.cells:
        if "report-title" not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            if text.startswith("# "):
                return text[2:].strip()
    return None


if __name__ == "__main__":
    sys.exit(main())
