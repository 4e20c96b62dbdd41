"""ClearMLHook: one ClearML task per phase of a `kedro run`, one child task per trained candidate.

Nodes never import clearml. What a phase shows is declared next to its catalog entry under
``metadata.clearml`` and collected here in ``after_dataset_saved``. Phases' nodes may interleave
and ClearML offline allows one open ``Task.init`` per process, so each phase's publications are
buffered while it runs; when the run context says the phase is finished (``ctx.add_listener``:
its last output saved, meta.json written) the phase task is opened, filled and closed, then each
candidate's child task (``set_parent`` to the phase task). A failed phase is published marked
failed, if it left a directory (bad input that stopped a phase before it wrote anything leaves
nothing, in ClearML as on disk).

Its configuration is not a parameter: ``conf/<env>/clearml.yml`` (mode, project, tags), read through
the session's config loader in ``after_context_created`` (``AUTOML_CLEARML_MODE`` overrides the mode
for one run); the server and keys come from ``conf/<env>/credentials.yml`` or ``CLEARML_*`` variables.

Register it *before* RunContextHook in ``HOOKS`` (pluggy calls hooks last-registered first), so
the run context exists when this hook's ``before_pipeline_run`` runs.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from automl_kedro.config.clearml import ClearMLConfig
from automl_kedro.hooks import process_of as _process_of
from automl_kedro.run_context import current, has_current
from automl_kedro.tracking import naming
from automl_kedro.tracking.publisher import TASK_TYPES, Publication, TaskSpec, write_manifest
from automl_kedro.tracking.settings import tracking_config

logger = logging.getLogger(__name__)


class ClearMLHook:
    """Publishes each phase (and train's candidates) to ClearML; see the module docstring."""

    def __init__(self) -> None:
        self._config = ClearMLConfig()  # replaced by conf/<env>/clearml.yml in after_context_created
        self._config_loader: Any = None
        self._reset()

    def _reset(self) -> None:
        self._catalog: Any = None
        self._mode = "disabled"
        self._published: set[str] = set()
        self._pubs: dict[str, Publication] = {}
        self._publisher: Any = None
        self._effective_mode: str | None = None
        self._warmup: threading.Thread | None = None
        self._publishing = False

    # -- setup --------------------------------------------------------------------
    @hook_impl
    def after_context_created(self, context: Any) -> None:
        """Read and validate ``conf/<env>/clearml.yml`` through the session's config loader."""
        self._config_loader = context.config_loader
        self._config = tracking_config(context.config_loader)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        self._reset()
        if not has_current():
            return
        self._mode = self._config.mode
        if self._mode == "disabled":
            return
        self._catalog = catalog
        current().add_listener(self._on_finished)
        # Import the SDK while the first nodes run (publishing itself stays on the main thread:
        # a background publisher measured no faster on 2 cores and made ordering harder to reason about).
        self._warmup = threading.Thread(target=_import_clearml, name="clearml-import", daemon=True)
        self._warmup.start()

    @property
    def _on(self) -> bool:
        return self._mode != "disabled" and has_current()

    def _get_publisher(self):
        """Import clearml on the first publication (never in mode ``disabled``)."""
        if self._publisher is not None:
            return self._publisher
        from automl_kedro.tracking.sdk import load_clearml
        from automl_kedro.tracking.publisher import Publisher
        from automl_kedro.tracking.settings import server_reachable, server_settings

        if self._warmup is not None:
            self._warmup.join()
        ctx = current()
        cache_dir = ctx.runs_root / ".clearml_cache"
        offline = self._mode != "online"
        server = None
        if not offline:
            server = server_settings(ctx.project_path, credentials=self._credentials(), env=ctx.env)
            if not server.configured:
                logger.warning("ClearML mode online but no ClearML server is configured (conf/local/credentials.yml "
                               "or CLEARML_* variables): this run is recorded offline; upload it later with "
                               "`automl-kedro clearml upload %s`.", ctx.run_id)
                offline = True
            elif not server_reachable(server):
                logger.warning("ClearML server %s cannot be reached: this run is recorded offline; upload it "
                               "later with `automl-kedro clearml upload %s`.", server.api_server, ctx.run_id)
                offline = True
        clearml = load_clearml(offline=offline, cache_dir=cache_dir, server=server)
        agent_task = None
        if not offline and not clearml.Task.running_locally():
            agent_task = clearml.Task.current_task() or clearml.Task.init()
        self._effective_mode = "offline" if offline else "online"
        self._publisher = Publisher(clearml, offline=offline, agent_task=agent_task)
        return self._publisher

    def _credentials(self) -> dict[str, Any]:
        """The ``clearml`` entry of the session's credentials (``conf/<env>/credentials.yml``)."""
        from kedro.config import MissingConfigException

        try:
            value = (self._config_loader["credentials"] or {}).get("clearml") if self._config_loader else None
        except (MissingConfigException, KeyError):
            value = None
        return dict(value) if isinstance(value, dict) else {}

    # -- collecting ---------------------------------------------------------------------
    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Any) -> None:
        if not self._on or self._catalog is None:
            return
        process = _process_of(node)
        if not process:
            return
        try:
            dataset = self._catalog.get(dataset_name) if dataset_name in self._catalog else None
        except Exception:  # noqa: BLE001 - an unknown entry simply declares nothing
            dataset = None
        declaration = ((getattr(dataset, "metadata", None) or {}).get("clearml")) if dataset is not None else None
        if declaration:
            file_path = dataset.file_path() if hasattr(dataset, "file_path") else None
            self._pubs.setdefault(process, Publication(process)).add(declaration, data, file_path)

    def _on_finished(self, process: str, status: str) -> None:
        """Run-context listener: a phase is complete or failed, its files are on disk."""
        if not self._on:
            return
        if status != "complete":
            pub = self._pubs.setdefault(process, Publication(process))
            pub.error = pub.error or current().meta(process).get("error") or status
            pub.status = status
        if self._publishing:
            # A signal arrived while another phase was being published (same thread): the SDK allows
            # one open task, so this phase keeps its meta.json status and is not published.
            logger.warning("ClearML: %s ended (%s) while another phase was being published; not published.",
                           process, status)
            return
        self._publish(process)

    # -- publishing -----------------------------------------------------------------------
    def _publish(self, process: str) -> None:
        """Publish one phase; a ClearML problem is logged, never fails the run."""
        if process in self._published:
            return
        self._published.add(process)
        pub = self._pubs.pop(process, Publication(process))
        ctx = current()
        if not ctx.has_dir(process):
            logger.info("ClearML: %s wrote nothing (bad input stopped it), so there is nothing to publish.", process)
            return
        try:
            run_dir = ctx.run_dir(process)
            spec = self.phase_spec(process)
            contract = [(name, run_dir / name) for name in ("config.yaml", "meta.json")]
            children = [(self.child_spec(spec.project, record), record) for record in pub.candidates]
        except Exception as exc:  # noqa: BLE001 - tracking must never break or lose a run
            logger.warning("ClearML: preparing %s failed (%s: %s); the run's files are intact.",
                           process, type(exc).__name__, exc)
            return
        self._publish_job(process, spec, pub, run_dir, contract, children, ctx.run_id)

    def _publish_job(self, process, spec, pub, run_dir, contract, children, run_id) -> None:
        """Open, report, close, keep the zips, write sessions.json."""
        started = time.perf_counter()
        self._publishing = True
        records: list[dict[str, Any]] = []
        try:
            publisher = self._get_publisher()
            records = publisher.publish(spec, pub, run_dir, contract, children)
            write_manifest(run_dir, run_id, process, self._effective_mode or self._mode, records)
            logger.info("ClearML (%s): %s -> %d task(s) in %.2f s, tag run:%s", self._effective_mode, process,
                        len(records), time.perf_counter() - started, run_id)
        except Exception as exc:  # noqa: BLE001 - tracking must never break or lose a run
            logger.warning("ClearML: publishing %s failed (%s: %s); the run's files are intact.",
                           process, type(exc).__name__, exc)
        finally:
            self._publishing = False
        for record in records:
            if record.get("warning"):
                logger.warning("ClearML: %s: %s", record.get("name"), record["warning"])

    def phase_spec(self, process: str) -> TaskSpec:
        """Name, project, tags, sections, config and user properties of a phase task."""
        ctx = current()
        cfg = self._config
        upstream = {f"upstream/{item['process']}": item.get("run_id") for item in ctx.upstream_artifacts(process)}
        return TaskSpec(
            name=naming.task_name(process, ctx.dataset_key, ctx.run_id),
            project=naming.project_name(ctx.user, ctx.dataset_key, cfg.project_root, cfg.project),
            tags=naming.phase_tags(process, ctx.run_id, ctx.dataset_key, cfg.tags),
            sections=naming.phase_sections(process, ctx.params, cfg.model_dump(mode="json")),
            config=ctx.config(process),
            properties={"run_id": ctx.run_id, "dataset_key": ctx.dataset_key, "experiment": ctx.experiment,
                        "phase": process, "user": ctx.user, **upstream,
                        "upstream_run_ids": ",".join(sorted({str(v) for v in upstream.values() if v}))},
            task_type=TASK_TYPES.get(process, "custom"),
        )

    def child_spec(self, phase_project: str, record: dict[str, Any]) -> TaskSpec:
        """A candidate's child task under ``<project>/train_models``."""
        ctx = current()
        preprocess_id = str(record.get("preprocess_id") or "none")
        model = str(record.get("model") or "model")
        return TaskSpec(
            name=naming.child_task_name(preprocess_id, model, ctx.run_id),
            project=naming.child_project_name(phase_project),
            tags=naming.child_tags(ctx.run_id, ctx.dataset_key, preprocess_id, model, self._config.tags),
            sections=naming.child_sections(ctx.params, record),
            properties={"run_id": ctx.run_id, "dataset_key": ctx.dataset_key,
                        "candidate_id": record.get("candidate_id"), "status": record.get("status")},
            task_type="training",
        )


def _import_clearml() -> None:
    try:
        import clearml  # noqa: F401
    except Exception:  # noqa: BLE001 - the real import reports the problem
        pass


def sessions_dir(run_dir: Path) -> Path:
    """Where a phase's offline session zips and sessions.json live."""
    return run_dir / "clearml"
