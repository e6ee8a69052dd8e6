"""Deployment configs: from one YAML file to a running ``TimelineService`` over the LA's own
warehouse or data lake (see ``docs/your-warehouse.md``)."""

from familyhubs_sdk._deployment import Deployment as Deployment
from familyhubs_sdk._deployment import DeploymentConfig as DeploymentConfig
from familyhubs_sdk._deployment import SourceConfig as SourceConfig
from familyhubs_sdk._deployment import load_deployment as load_deployment
from familyhubs_sdk._lake import lake_engine as lake_engine
from familyhubs_sdk._lake import lake_views as lake_views

__all__ = [
    "Deployment",
    "DeploymentConfig",
    "SourceConfig",
    "lake_engine",
    "lake_views",
    "load_deployment",
]
