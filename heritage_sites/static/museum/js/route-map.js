// Route and journey maps: a GeoJSON FeatureCollection beside the map (line, numbered stops or
// events, trigger zones), drawn with Leaflet over the museum's offline basemap.
(function () {
  "use strict";
  var script = document.getElementById("map-script");

  function basemap(map, data) {
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
      return;
    }
    map.attributionControl.addAttribution("Natural Earth");
    fetch(script.dataset.basemap).then(function (r) { return r.json(); }).then(function (topology) {
      L.geoJSON(topojson.feature(topology, topology.objects.countries), {
        interactive: false,
        style: { color: "#9c8a74", weight: 0.6, fillColor: "#f4efe6", fillOpacity: 1 },
      }).addTo(map).bringToBack();
    });
  }

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text.value;
    span.lang = text.lang;
    span.dir = text.dir;
    return span;
  }

  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.routeMap).textContent);
    var map = L.map(element, { zoomControl: false, minZoom: 1, maxZoom: 14 });
    L.control.zoom({
      zoomInTitle: element.dataset.labelZoomIn, zoomOutTitle: element.dataset.labelZoomOut,
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    basemap(map, data);
    var bounds = [];
    data.geojson.features.forEach(function (feature) {
      var p = feature.properties;
      var g = feature.geometry;
      if (g.type === "LineString") {
        var line = g.coordinates.map(function (c) { return [c[1], c[0]]; });
        L.polyline(line, { color: "#a0522d", weight: 3, opacity: 0.85, interactive: false }).addTo(map);
        bounds = bounds.concat(line);
      } else if (g.type === "Polygon") {
        L.polygon(g.coordinates[0].map(function (c) { return [c[1], c[0]]; }), {
          color: "#1f6f8b", weight: 1, fillOpacity: 0.15, interactive: false,
        }).addTo(map);
      } else if (g.type === "Point") {
        var number = p.position;
        var name = p.name || p.place;
        var marker = L.marker([g.coordinates[1], g.coordinates[0]], {
          title: number + ". " + name.value,
          alt: number + ". " + name.value,
          keyboard: true,
          icon: L.divIcon({ className: "stop-marker", html: String(number), iconSize: [26, 26] }),
        });
        var popup = document.createElement("div");
        popup.appendChild(document.createTextNode(number + ". "));
        popup.appendChild(label(name));
        if (p.event_label) {
          popup.appendChild(document.createElement("br"));
          popup.appendChild(document.createTextNode(p.event_label +
            (p.date_earliest !== null && p.date_earliest !== undefined ? " · " + p.date_earliest : "")));
        }
        marker.bindPopup(popup).addTo(map);
        bounds.push([g.coordinates[1], g.coordinates[0]]);
      }
    });
    if (bounds.length > 1) map.fitBounds(L.latLngBounds(bounds).pad(0.1));
    else if (bounds.length === 1) map.setView(bounds[0], 6);
    else map.setView([38, 75], 3);
    element.routeMap = map;
    element.dispatchEvent(new CustomEvent("route-map-ready", { detail: map }));
  }

  document.querySelectorAll("[data-route-map]").forEach(draw);
})();
