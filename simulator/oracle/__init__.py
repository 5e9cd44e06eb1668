"""Real builds on a Docker engine: base images, engine driver, recorder, compare, verify."""
