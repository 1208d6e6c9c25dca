"""The demo museum: fixtures, procedural meshes and the loader (``load_demo``)."""
