"""HTTP routes beside the webhook: the Open311 GeoReport v2 API and the agents' dashboard.

Thin aiohttp adapters: parse the request, call ``core``, render. ``bot/`` adds them to its
aiohttp server (:func:`web.app.add_routes`).
"""
