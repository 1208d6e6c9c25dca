// Where model-viewer finds its decoders: the museum's own copies, never a CDN. Must run
// before model-viewer's module defines the element.
(function () {
  var config = document.getElementById("viewer-config").dataset;
  self.ModelViewerElement = self.ModelViewerElement || {};
  self.ModelViewerElement.dracoDecoderLocation = config.draco;
  self.ModelViewerElement.ktx2TranscoderLocation = config.basis;
  self.ModelViewerElement.meshoptDecoderLocation = config.meshopt;
})();
