// Guided tours through an exhibit's hotspots: Previous/Next buttons (and the arrow keys on the
// viewer) move the camera to each hotspot's view and mark its text. Buttons are native, so the
// tour works from the keyboard; the status is announced to screen readers.
(function () {
  "use strict";
  document.querySelectorAll("[data-tour]").forEach(function (tour) {
    var viewer = document.getElementById(tour.dataset.tour);
    if (!viewer) return;
    var spots = Array.prototype.slice.call(viewer.querySelectorAll("button[slot^='hotspot']"));
    var steps = Array.prototype.slice.call(tour.parentNode.querySelectorAll(".tour__step"));
    var status = tour.querySelector(".tour__status");
    var index = -1;

    function go(to) {
      if (!spots.length) return;
      index = (to + spots.length) % spots.length;
      var spot = spots[index];
      if (spot.dataset.orbit) {
        viewer.cameraTarget = spot.dataset.target;
        viewer.cameraOrbit = spot.dataset.orbit;
      }
      spots.forEach(function (s, i) { s.classList.toggle("hotspot--current", i === index); });
      steps.forEach(function (s, i) { s.classList.toggle("tour__step--current", i === index); });
      status.textContent = status.dataset.template
        .replace("%(step)s", index + 1).replace("%(total)s", spots.length);
    }

    tour.querySelectorAll("[data-step]").forEach(function (button) {
      button.addEventListener("click", function () { go(index + Number(button.dataset.step)); });
    });
    spots.forEach(function (spot, i) { spot.addEventListener("click", function () { go(i); }); });
    viewer.addEventListener("keydown", function (event) {
      if (event.key === "PageDown") { go(index + 1); event.preventDefault(); }
      if (event.key === "PageUp") { go(index - 1); event.preventDefault(); }
    });
  });
})();
