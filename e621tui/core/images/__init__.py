"""Preview and sample images: the download pipeline, its caches and the decoder."""

from e621tui.core.images.decode import ThumbError
from e621tui.core.images.pipeline import (
    PREVIEW_BOX,
    ImagePipeline,
    ImageRequest,
    PipelineStats,
    display_request,
    preview_request,
)

__all__ = [
    "PREVIEW_BOX",
    "ImagePipeline",
    "ImageRequest",
    "PipelineStats",
    "ThumbError",
    "display_request",
    "preview_request",
]
