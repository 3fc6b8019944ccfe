"""Builders: the services and the PTB Application, each made once at start-up."""

from __future__ import annotations

import asyncio
import hashlib
from contextlib import nullcontext
from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.aiohttp_request import AiohttpRequest
from bot.config.engagement import SurveyConfig
from bot.config.forwarding import ForwardConfig
from bot.config.safety import emergency_numbers
from bot.config.settings import Config
from bot.config.town import town_rows
from core.catalogue import (
    Attribute,
    Catalogue,
    Forwarding,
    Open311Target,
    ResponseTimes,
    ServiceInfo,
)
from core.conversation.faq import FaqEntry
from core.deps import Clock, Deps, EmergencyNumber, Settings, utcnow
from core.engagement.audience import Audience
from core.engagement.quiet import quiet_hours
from core.engagement.subscriptions import Topic
from core.engagement.surveys import SurveyDef
from core.enums import SurveyType
from core.i18n import Texts
from handlers import register
from handlers.context import BotData, Ctx
from nlp import load_classifier
from nlp.town import TownClassifier, TownServices
from nlp.types import DEFAULT_SERVICES, LANGUAGES, Classifier
from storage.db import create_engine, create_sessionmaker, is_sqlite
from web.context import WebOptions
from web.ratelimit import Rate

App = Application[Any, Ctx, Any, Any, BotData, Any]


def create_classifier(config: Config, codes: tuple[str, ...]) -> Classifier:
    """The trained classifier on the built-in catalogue; for a town with services of its own
    (``[services.match]``), renamed or merged ones (``nlp.mapping``), or without some built-in
    ones, wrapped to speak the town's catalogue without retraining (``nlp.town``)."""
    declared = town_rows(config.services)
    if not declared and not config.nlp.mapping and set(codes) == set(DEFAULT_SERVICES):
        return load_classifier(
            services=codes,
            model_dir=config.nlp.model_dir,
            streets_csv=config.nlp.streets_csv,
            kind=config.nlp.kind,
        )
    base = load_classifier(
        model_dir=config.nlp.model_dir, streets_csv=config.nlp.streets_csv, kind=config.nlp.kind
    )
    town = TownServices.from_config(declared, config.nlp.mapping, codes)
    return TownClassifier(base, town)


def create_catalogue(config: Config) -> Catalogue:
    return Catalogue(
        ServiceInfo(
            s.code,
            dict(s.name),
            s.agents_chat_id,
            frozenset(s.agents),
            descriptions=dict(s.description),
            keywords=tuple(s.keywords),
            group=s.group,
            forwarding=forwarding(s.forward),
            attributes=tuple(
                Attribute(
                    a.code,
                    a.datatype,
                    a.required,
                    dict(a.description),
                    tuple((v.key, dict(v.name)) for v in a.values),
                )
                for a in s.attributes
            ),
            times=ResponseTimes(
                **{
                    **config.response_times.model_dump(include=_TIMES),
                    **s.response_times.model_dump(exclude_none=True),
                }
            ),
        )
        for s in config.services
    )


def forwarding(forward: ForwardConfig | None) -> Forwarding:
    if forward is None:
        return Forwarding()
    crm = forward.open311
    return Forwarding(
        tuple(forward.email),
        None
        if crm is None
        else Open311Target(crm.endpoint, crm.api_key, crm.service_code, crm.jurisdiction_id),
    )


_TIMES = {
    "acknowledge_hours",
    "resolve_days",
    "urgent_acknowledge_hours",
    "urgent_resolve_days",
}


def create_deps(config: Config, clock: Clock = utcnow) -> Deps:
    engine = create_engine(config.database.url, config.database.busy_timeout_ms)
    catalogue = create_catalogue(config)
    nlp = create_classifier(config, catalogue.codes)
    return Deps(
        engine=engine,
        sessions=create_sessionmaker(engine),
        nlp=nlp,
        texts=Texts(LANGUAGES, config.bot.default_language),
        catalogue=catalogue,
        settings=Settings(
            default_language=config.bot.default_language,
            confidence_threshold=config.nlp.confidence_threshold,
            media_dir=config.bot.media_dir,
            max_text_chars=config.bot.max_text_chars,
            timezone=config.bot.timezone,
            questionnaire_delay_minutes=config.questionnaire.delay_minutes,
            still_open_days=config.questionnaire.still_open_days,
            quiet_hours=quiet_hours(config.surveys.quiet_hours),
            survey_min_days_between=config.surveys.min_days_between,
            min_answers=config.surveys.min_answers,
            idea_threshold=config.ideas.support_threshold,
            idea_thresholds=tuple(
                (s.code, s.idea_threshold) for s in config.services if s.idea_threshold
            ),
            idea_remind_days=config.ideas.remind_days,
            inbox_keep_days=config.inbox.keep_days,
            outbox_keep_days=config.outbox.keep_days,
            administrators=frozenset(config.bot.administrators),
            reports_per_hour=config.limits.reports_per_hour,
            messages_per_minute=config.limits.messages_per_minute,
            idea_require_phone=config.ideas.require_phone,
            phone_salt=(
                config.ideas.phone_salt.encode()
                or hashlib.sha256(b"senscommun phones:" + config.telegram.token.encode()).digest()
            ),
            open_data=config.web.open311.enabled,
            open_data_text=config.web.open311.publish_descriptions,
            dashboard_login_url=(
                f"{config.public_url}/dashboard/login" if web_options(config).dashboard else ""
            ),
            deadline_warn_at=config.response_times.warn_at,
            escalation_chat_id=config.response_times.escalation_chat_id,
        ),
        clock=clock,
        faq=tuple(FaqEntry(f.service, dict(f.question), dict(f.answer)) for f in config.faq),
        topics=tuple(Topic(t.code, dict(t.name)) for t in config.topics),
        emergency=tuple(
            EmergencyNumber(e.number, dict(e.label))
            for e in emergency_numbers(config.emergency, config.bot.country)
        ),
        write_gate=asyncio.Lock() if is_sqlite(config.database.url) else nullcontext(),
    )


def web_options(config: Config) -> WebOptions:
    w = config.web
    return WebOptions(
        public_url=config.public_url,
        open311=w.open311.enabled,
        descriptions=w.open311.publish_descriptions,
        contact=w.open311.contact,
        max_page_size=w.open311.max_page_size,
        dashboard=w.dashboard.enabled and bool(config.public_url),
        tile_url=w.dashboard.tile_url,
        tile_attribution=w.dashboard.tile_attribution,
        idle_minutes=w.dashboard.idle_minutes,
        open311_rate=Rate(w.open311.rate_limit.per_minute, w.open311.rate_limit.burst),
        dashboard_rate=Rate(w.dashboard.rate_limit.per_minute, w.dashboard.rate_limit.burst),
        client_address_header=w.client_address_header,
    )


def create_application(config: Config, deps: Deps, request: BaseRequest | None = None) -> App:
    """The PTB Application; ``request`` swaps the HTTP layer (tests, as PTB's own do)."""
    token = config.telegram.token or "0:demo"
    context_types = ContextTypes(context=Ctx, bot_data=BotData)
    builder = ApplicationBuilder()
    builder = builder.request(request or AiohttpRequest(connection_pool_size=64))
    # getUpdates long-polls: its own connection, and a read timeout longer than the poll.
    builder = builder.get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=30))
    app: App = (
        builder.token(token)
        .base_url(config.telegram.api_base_url)
        .base_file_url(config.telegram.api_file_url)
        .context_types(context_types)
        .updater(None)  # updates reach us through the inbox, not PTB's update queue
        .build()
    )
    app.bot_data.deps = deps
    register(app, deps.catalogue)
    return app


def survey_def(sv: SurveyConfig) -> SurveyDef:
    return SurveyDef(
        code=sv.code,
        question=dict(sv.question),
        type=SurveyType(sv.type),
        choices=tuple(dict(c) for c in sv.choices),
        audience=Audience(sv.audience.kind, sv.audience.service),
        schedule=sv.schedule,
        send_at=sv.send_at,
        expires_after_hours=sv.expires_after_hours,
    )


async def sync_surveys(svc: Deps, cfg: Config) -> None:
    """The ``[[surveys.items]]`` of the config, in the database (at start and before commands)."""
    from core.engagement import surveys

    async with svc.writing() as s:
        defs = [survey_def(sv) for sv in cfg.surveys.items]
        await surveys.sync_config(s, defs, svc.clock(), svc.settings.tz)
        await s.commit()


async def sync_templates(svc: Deps, cfg: Config) -> None:
    """The ``[[templates]]`` of the config the table lacks (edited ones are kept)."""
    from core.reports import templates

    defs = [
        templates.TemplateDef(t.service, t.code, t.status, t.label, dict(t.text))
        for t in cfg.templates
    ]
    async with svc.writing() as s:
        await templates.sync_config(s, defs, svc.clock())
        await s.commit()
