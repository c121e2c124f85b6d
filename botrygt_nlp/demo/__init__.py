"""Demo: authored sample feeds and articles, served from a loopback site (see ``botrygt demo``)."""

from botrygt_nlp.demo.samples import DemoSite, build_demo_site, load_samples
from botrygt_nlp.demo.server import LoopbackSite

__all__ = ["DemoSite", "LoopbackSite", "build_demo_site", "load_samples"]
