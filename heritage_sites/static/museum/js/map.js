// Maps of the visitor pages. The rows come from a <script type="application/json"> beside
// each map; the basemap is Natural Earth (world-atlas) served by the museum, unless the
// server names a tile URL (MUSEUM_MAP_TILES_URL).
(function () {
  var script = document.getElementById("map-script");
  var basemapUrl = script.dataset.basemap;
  var basemap = null;

  function loadBasemap() {
    if (!basemap) {
      basemap = fetch(basemapUrl).then(function (r) { return r.json(); });
    }
    return basemap;
  }

  function markerFor(site) {
    var marker = L.marker([site.lat, site.lon], {
      title: site.name,
      alt: site.name,
      keyboard: true,
      icon: L.divIcon({ className: "site-marker", html: "", iconSize: [14, 14] }),
    });
    var label = document.createElement(site.url ? "a" : "span");
    label.className = "marker-label";
    label.textContent = site.name;
    label.lang = site.lang;
    label.dir = site.dir;
    if (site.url) label.href = site.url;
    marker.bindPopup(label);
    return marker;
  }

  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.map).textContent);
    var map = L.map(element, {
      worldCopyJump: true, zoomControl: false, attributionControl: true, minZoom: 1, maxZoom: 12,
    });
    L.control.zoom({
      zoomInTitle: element.dataset.labelZoomIn,
      zoomOutTitle: element.dataset.labelZoomOut,
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
    } else {
      map.attributionControl.addAttribution("Natural Earth");
      loadBasemap().then(function (topology) {
        var land = topojson.feature(topology, topology.objects.countries);
        L.geoJSON(land, {
          interactive: false,
          style: { color: "#9c8a74", weight: 0.6, fillColor: "#f4efe6", fillOpacity: 1 },
        }).addTo(map).bringToBack();
      });
    }
    (data.corridors || []).forEach(function (corridor) {
      L.polyline(corridor.points, {
        color: corridor.maritime ? "#1f6f8b" : "#a0522d",
        weight: 2,
        opacity: 0.7,
        dashArray: corridor.maritime ? "6 6" : null,
        interactive: false,
      }).addTo(map);
    });
    var sites = data.sites || [];
    var layer = data.focus ? L.featureGroup() : L.markerClusterGroup({ showCoverageOnHover: false });
    sites.forEach(function (site) { layer.addLayer(markerFor(site)); });
    layer.addTo(map);
    if (sites.length === 1) {
      map.setView([sites[0].lat, sites[0].lon], 5);
    } else if (sites.length > 1) {
      map.fitBounds(L.latLngBounds(sites.map(function (s) { return [s.lat, s.lon]; })).pad(0.1));
    } else {
      map.setView([38, 75], 3);
    }
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
