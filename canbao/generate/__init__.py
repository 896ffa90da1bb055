"""A realistic county's inbox for a campaign, with injected defects and a manifest of what to expect."""

from canbao.generate.core import generate
from canbao.generate.defects import DefectRates
from canbao.generate.manifest import Manifest

__all__ = ["DefectRates", "Manifest", "generate"]
