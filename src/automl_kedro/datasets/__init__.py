"""Kedro datasets of the artifact contract."""
from automl_kedro.datasets.inputs import ModelFileDataset, NewRowsDataset, RawTableDataset
from automl_kedro.datasets.lifecycle import (
    InputTableDataset,
    MonitoringLogDataset,
    OptionalRunArtifactDataset,
    PlotLinksDataset,
)
from automl_kedro.datasets.plotly_figures import PlotlyFigures
from automl_kedro.datasets.run_artifact import (
    ArtifactInventoryDataset,
    RunArtifactDataset,
    RunInfoDataset,
    RunPathDataset,
)

__all__ = ["ArtifactInventoryDataset", "InputTableDataset", "ModelFileDataset", "MonitoringLogDataset",
           "NewRowsDataset", "OptionalRunArtifactDataset", "PlotLinksDataset", "PlotlyFigures", "RawTableDataset",
           "RunArtifactDataset", "RunInfoDataset", "RunPathDataset"]
