"""Press monitor: fetch feeds and pages safely, parse, extract, dedupe, assess, store."""
