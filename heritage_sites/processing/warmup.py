"""Imported once by the sandbox fork server so that every forked child starts warm.

Importing this module registers every Pillow image plugin (about 0.3 s), which each child
would otherwise pay again when it restricts Pillow to texture formats, and computes the
posters' ray directions (about 0.04 s a scan). Nothing else imports it.
"""

from PIL import Image

from heritage_sites.processing.derivatives.posters import warm_up

Image.init()
warm_up()
