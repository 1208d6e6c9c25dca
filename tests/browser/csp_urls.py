"""A test-only page with two inline scripts: one carries the request's nonce, one does not."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

PAGE = """<!doctype html><html><head><title>CSP probe</title></head><body>
<script nonce="{{ csp_nonce }}">document.body.dataset.withNonce = "ran";</script>
<script>document.body.dataset.withoutNonce = "ran";</script>
<div onclick="document.body.dataset.handler = 'ran'" id="target">click</div>
</body></html>"""


def probe(request):
    return HttpResponse(engines["django"].from_string(PAGE).render(request=request))


urlpatterns = [path("csp-probe/", probe)]
