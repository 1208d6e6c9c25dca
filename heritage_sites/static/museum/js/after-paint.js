// Scripts the first paint does not need (Leaflet, model-viewer and what draws with them) are
// written as inert <script type="museum/after-paint" data-src="..."> elements, so a phone
// spends its first bytes on the text, the styles and the poster. Once the page has painted,
// each becomes a real script with the same attributes, run in document order; a
// data-type="module" one becomes a module.
(function () {
  "use strict";
  var started = false;

  function start() {
    if (started) return;
    started = true;
    document.querySelectorAll('script[type="museum/after-paint"]').forEach(function (inert) {
      var script = document.createElement("script");
      Array.prototype.forEach.call(inert.attributes, function (attribute) {
        if (["type", "data-src", "data-type"].indexOf(attribute.name) < 0) {
          script.setAttribute(attribute.name, attribute.value);
        }
      });
      if (inert.dataset.type) script.type = inert.dataset.type;
      script.async = false;
      script.src = inert.dataset.src;
      inert.replaceWith(script);
    });
  }

  var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
  if (types.indexOf("paint") >= 0) {
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName("first-contentful-paint").length) {
        observer.disconnect();
        setTimeout(start, 0);
      }
    }).observe({ type: "paint", buffered: true });
  } else {
    // No paint timing: the frame after the next one has been drawn.
    requestAnimationFrame(function () { setTimeout(start, 0); });
  }
  // A hidden tab paints nothing: start anyway, later.
  setTimeout(start, 3000);
})();
