// Admin: place a hotspot by clicking on the model. Fills the hidden web_* fields of the
// hotspot form last focused (or the last one); the server stores them in the original's
// coordinates through the scan's recorded transform.
(function () {
  "use strict";
  var viewer = document.getElementById("hotspot-placer");
  var status = document.getElementById("hotspot-placer-status");
  if (!viewer) return;
  var current = null;

  function forms() {
    return Array.prototype.slice.call(
      document.querySelectorAll(".inline-related:not(.empty-form)")
    ).filter(function (el) { return el.querySelector("input[name$='-web_position']"); });
  }
  document.addEventListener("focusin", function (event) {
    var form = event.target.closest && event.target.closest(".inline-related");
    if (form && form.querySelector("input[name$='-web_position']")) current = form;
  });
  function set(form, name, value) {
    var input = form.querySelector("input[name$='-" + name + "']");
    if (input) input.value = value;
  }
  function triple(v) { return [v.x, v.y, v.z].map(function (n) { return n.toFixed(6); }).join(" "); }

  viewer.addEventListener("click", function (event) {
    var hit = viewer.positionAndNormalFromPoint(event.clientX, event.clientY);
    if (!hit) {
      status.textContent = viewer.dataset.missText || "Not on the model: click on its surface.";
      return;
    }
    var list = forms();
    var form = current || list[list.length - 1];
    if (!form) {
      status.textContent = "Add a hotspot below first, then click on the model.";
      return;
    }
    var orbit = viewer.getCameraOrbit();
    var target = viewer.getCameraTarget();
    set(form, "web_position", triple(hit.position));
    set(form, "web_normal", triple(hit.normal));
    set(form, "web_camera_target", triple(target));
    set(form, "web_camera_orbit", [orbit.theta * 180 / Math.PI, orbit.phi * 180 / Math.PI,
      orbit.radius].map(function (n) { return n.toFixed(6); }).join(" "));
    var label = form.querySelector("input[name$='-label_en']");
    status.textContent = "Placed " + (label && label.value ? "\u201c" + label.value + "\u201d" : "the hotspot") +
      " at " + triple(hit.position) + ". Save to keep it.";
  });
})();
