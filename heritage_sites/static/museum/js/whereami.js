// "Where am I?": the browser's position, sent to the route's next-stop API, answered in the
// page's language. Nothing is stored; the position goes only to the museum's own server.
(function () {
  "use strict";
  var button = document.getElementById("whereami");
  var answer = document.getElementById("whereami-answer");
  if (!button) return;
  var compass = button.dataset.compass.split("|");

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function show(body, position) {
    var parts = [];
    if (body.inside) {
      parts.push(fill(button.dataset.textInside, {
        stop: body.inside.position, name: body.inside.site.name.value,
      }));
    }
    if (body.next) {
      var point = Math.round(((body.bearing_deg % 360) / 45)) % 8;
      parts.push(fill(button.dataset.textNext, {
        stop: body.next.position,
        name: body.next.site.name.value,
        km: (body.distance_m / 1000).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 }),
        compass: compass[point],
        bearing: Math.round(body.bearing_deg),
      }));
    } else {
      parts.push(button.dataset.textFinished);
    }
    answer.textContent = parts.join(" ");
    var map = document.getElementById("route-map");
    if (map && map.routeMap) {
      L.circleMarker([position.latitude, position.longitude], {
        radius: 8, color: "#8b1e3f", fillOpacity: 0.8,
      }).addTo(map.routeMap).bindTooltip(map.dataset.labelYou);
    }
  }

  button.addEventListener("click", function () {
    if (!navigator.geolocation) {
      answer.textContent = button.dataset.textDenied;
      return;
    }
    answer.textContent = button.dataset.textAsking;
    navigator.geolocation.getCurrentPosition(function (found) {
      var position = found.coords;
      var url = button.dataset.nextUrl + "?lat=" + position.latitude + "&lon=" + position.longitude +
        "&lang=" + encodeURIComponent(button.dataset.lang);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (body) { show(body, position); })
        .catch(function () { answer.textContent = button.dataset.textDenied; });
    }, function () {
      answer.textContent = button.dataset.textDenied;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
