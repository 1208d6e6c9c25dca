"""`python -m heritage_sites.processing.derivatives`: install gltfpack now and print its command.

For container images and CI caches; otherwise it is installed on first use.
"""

from .gltfpack import gltfpack_command

print(" ".join(gltfpack_command()))
