"""What the 3D viewer says to screen readers, in the page's language (model-viewer's a11y)."""

from __future__ import annotations

import json

from django.utils.translation import gettext


def a11y_json() -> str:
    """model-viewer's ``a11y`` attribute: one text per camera position, and the prompt."""
    sides = {
        "front": gettext("front"),
        "right": gettext("right side"),
        "back": gettext("back"),
        "left": gettext("left side"),
    }
    texts = {}
    for key, side in sides.items():
        texts[key] = gettext("View of the %(side)s") % {"side": side}
        texts[f"upper-{key}"] = gettext("View of the %(side)s, from above") % {"side": side}
        texts[f"lower-{key}"] = gettext("View of the %(side)s, from below") % {"side": side}
    texts["interaction-prompt"] = gettext("Use the mouse, touch or the arrow keys to turn it.")
    return json.dumps(texts, ensure_ascii=False)
