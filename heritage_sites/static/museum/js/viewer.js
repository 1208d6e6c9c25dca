// Give each viewer the model that suits the device: the lightest level of detail on phones
// (small screen or coarse pointer), the web model elsewhere; a button loads the full one.
(function () {
  var phone = window.matchMedia("(max-width: 40rem), (pointer: coarse)").matches;
  document.querySelectorAll("model-viewer[data-src-desktop]").forEach(function (viewer) {
    var src = phone ? viewer.dataset.srcPhone : viewer.dataset.srcDesktop;
    viewer.setAttribute("src", src || viewer.dataset.srcFull);
    var button = document.querySelector('.viewer__full[data-viewer="' + viewer.id + '"]');
    if (!button) return;
    if (viewer.getAttribute("src") === viewer.dataset.srcFull) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      viewer.setAttribute("src", viewer.dataset.srcFull);
      button.disabled = true;
      button.textContent = button.dataset.labelLoaded;
    });
  });
})();
