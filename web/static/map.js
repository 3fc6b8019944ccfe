/* The dashboard's maps: each element with class "map" and a data-pins attribute (JSON: id,
   lat, lon, urgent, label) becomes a Leaflet map with a marker per ticket, each linking to its
   page. Tiles come from data-tiles when set; without them the markers stand on a plain
   background (the map still works, offline too). Served by the app itself: no CDN. */
(function () {
  "use strict";
  document.querySelectorAll(".map[data-pins]").forEach(function (el) {
    var pins = JSON.parse(el.getAttribute("data-pins") || "[]");
    if (!pins.length || typeof L === "undefined") { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: el.getAttribute("data-attribution") || ""
      }).addTo(map);
    }
    var points = [];
    pins.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: p.urgent ? 9 : 7,
        color: p.urgent ? "#a00000" : "#1d4e89",
        weight: 2,
        fillOpacity: 0.7
      }).addTo(map);
      var link = document.createElement("a");
      link.href = "/dashboard/tickets/" + encodeURIComponent(p.id);
      link.textContent = p.label;
      marker.bindPopup(link);
      marker.bindTooltip(p.label);
      points.push([p.lat, p.lon]);
    });
    if (points.length === 1) {
      map.setView(points[0], 16);
    } else {
      map.fitBounds(points, { padding: [20, 20], maxZoom: 17 });
    }
    el.setAttribute("data-ready", String(points.length));
  });
})();
