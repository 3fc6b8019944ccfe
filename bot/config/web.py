"""``[web]``: the pages beside the webhook (Open311, the agents' dashboard), their limits."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.config.base import Strict


class RateLimitConfig(Strict):
    """Requests per client address (a token bucket): ``burst`` at once, then ``per_minute``.
    Past it the answer is 429 with ``Retry-After``."""

    per_minute: float = Field(default=120.0, gt=0)
    burst: int = Field(default=30, ge=1)


class Open311Config(Strict):
    """The Open311 GeoReport v2 API (``/open311/v2/``): the town's reports as open data."""

    enabled: bool = True
    #: Publish the report's text, with personal data masked as agents see it. Off: the open
    #: data has the service, the status, the place and the dates only.
    publish_descriptions: bool = False
    #: Who to contact about the API (discovery), e.g. an e-mail address of the town hall.
    contact: str = ""
    #: The most requests one page may hold (Open311 allows 1000).
    max_page_size: int = Field(default=200, ge=1, le=1000)
    rate_limit: RateLimitConfig = RateLimitConfig()


OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class DashboardConfig(Strict):
    """The agents' dashboard (``/dashboard``): login by a one-time link sent by the bot."""

    enabled: bool = True
    #: A session ends after this many minutes without a request (and after 8 hours anyway).
    idle_minutes: int = Field(default=60, ge=1, le=480)
    rate_limit: RateLimitConfig = RateLimitConfig()
    #: The maps' tiles, with {z}, {x}, {y} (and {s} for subdomains); "" draws the markers on a
    #: plain background (no request leaves the town's server). Mind the tile server's policy.
    tile_url: str = OSM_TILES
    tile_attribution: str = "© OpenStreetMap contributors"

    @field_validator("tile_url")
    @classmethod
    def _tile_template(cls, v: str) -> str:
        if not v:
            return v
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with 'https://' (or be empty: no tiles)")
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in v]
        if missing:
            raise ValueError(f"must contain {', '.join(missing)} (a tile URL template)")
        host = v.split("://", 1)[1].split("/", 1)[0]
        if not all(c.isalnum() or c in ".-:" for c in host.replace("{s}", "")):
            raise ValueError("its host may hold letters, digits, '.', '-', ':' and '{s}' only")
        return v


class WebConfig(Strict):
    #: The public address of the web pages (dashboard links, Open311 discovery); default:
    #: ``webhook.public_url``. The dashboard needs one.
    public_url: str = ""
    #: Behind a reverse proxy: the header it sets to the client's address (e.g. "X-Real-IP"),
    #: which the rate limits count by. Only if the proxy always sets it (a client could).
    client_address_header: str = Field(default="", pattern=r"^[A-Za-z0-9-]*$")
    open311: Open311Config = Open311Config()
    dashboard: DashboardConfig = DashboardConfig()

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if v and not v.startswith(("https://", "http://")):
            raise ValueError("must start with 'https://' (or 'http://' for a local test)")
        return v.rstrip("/")
