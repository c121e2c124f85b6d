"""Page "Kontrol": people label the validation sample one article at a time, and see how well the model
does on their own press. Thin over botrygt_nlp.validation.

The model's verdict on an article stays hidden until the person has answered (no anchoring); after the
answer the page shows both side by side and moves on to the next article. Answers need a signed-in key and
record its name and the time. Progress lives in the store, so a half-labelled sample resumes anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.errors import BotrygtError, InputError
from botrygt_nlp.quantify import BinaryScores
from botrygt_nlp.storage.validation import LabelSource, Stratify, UnknownSampleArticle, ValidationLabel
from botrygt_nlp.validation import (
    ValidationReport,
    ValidationSource,
    create_sample,
    next_to_label,
    validation_report,
)
from botrygt_nlp.web.kit import checked_form, danish_message, get_kit, require_user
from botrygt_nlp.web.kit import field as form_field
from botrygt_nlp.web.render import Nav

router = APIRouter(include_in_schema=False)
MAX_PAGE_SAMPLE = 2000

CRIME_TYPE_LABELS: dict[CrimeType, str] = {
    CrimeType.HOME_BURGLARY: "Indbrud i bolig",
    CrimeType.HOLIDAY_HOME_BURGLARY: "Indbrud i sommerhus",
    CrimeType.BUSINESS_BURGLARY: "Indbrud i virksomhed eller institution",
    CrimeType.VAN_TOOL_THEFT: "Tyveri af værktøj fra varebil",
    CrimeType.CAR_THEFT: "Biltyveri",
    CrimeType.BIKE_THEFT: "Cykeltyveri",
    CrimeType.TRICK_THEFT: "Tricktyveri",
    CrimeType.PICKPOCKETING: "Lommetyveri",
    CrimeType.FRAUD: "Bedrageri",
    CrimeType.BOAT_THEFT: "Bådtyveri",
    CrimeType.OTHER_CRIME: "Anden kriminalitet",
}


@dataclass(frozen=True, slots=True)
class Verdicts:
    """What the person answered beside what the model said, shown only after the answer."""

    title: str
    person: str
    model: str
    agree: bool


@dataclass(frozen=True, slots=True)
class ArticleToJudge:
    article_id: int
    title: str
    outlet: str
    published: str
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class ScoreLine:
    label: str
    precision: str
    recall: str
    f1: str
    n: int


@dataclass(frozen=True, slots=True)
class ControlPage:
    has_sample: bool = False
    sample_id: int | None = None
    done: int = 0
    total: int = 0
    article: ArticleToJudge | None = None
    revealed: Verdicts | None = None
    can_answer: bool = False
    crime_types: list[tuple[str, str]] = field(default_factory=list)
    scores: list[ScoreLine] = field(default_factory=list)
    model_version: str | None = None
    share_raw: str = ""
    share_corrected: str = ""
    share_note: str | None = None
    error: str | None = None
    notice: str | None = None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{round(x * 100)} %"


def _with_ci(x: float | None, ci: tuple[float, float] | None) -> str:
    if x is None:
        return "–"
    return _pct(x) + ("" if ci is None else f" ({round(ci[0] * 100)}–{round(ci[1] * 100)} %)")


def _score_line(label: str, scores: BinaryScores) -> ScoreLine:
    return ScoreLine(
        label,
        _with_ci(scores.precision, scores.precision_ci),
        _with_ci(scores.recall, scores.recall_ci),
        _with_ci(scores.f1, scores.f1_ci),
        scores.support,
    )


def _class_da(relevant: bool, constructive: bool) -> str:
    if not relevant:
        return "ikke relevant"
    return "relevant og konstruktiv" if constructive else "relevant, ikke konstruktiv"


def _report(store: ValidationSource) -> ValidationReport | None:
    try:
        return validation_report(store)
    except InputError:
        return None  # nothing labelled yet: the page says how to begin


def _load(store: ValidationSource, answered: int | None) -> ControlPage:
    samples = store.validation_samples()
    if not samples:
        return ControlPage()
    sample = samples[0]
    nxt, done, total = next_to_label(store, sample.id)
    article = None
    if nxt is not None:
        a = store.get_article(nxt.article_id)
        if a is not None:
            article = ArticleToJudge(
                a.id,
                a.title,
                a.outlet,
                (a.published or a.fetched_at).strftime("%d.%m.%Y"),
                a.url if a.url.startswith(("http://", "https://")) else "",
                a.text,
            )
    revealed = _revealed(store, answered) if answered else None
    report = _report(store)
    page = ControlPage(
        has_sample=True,
        sample_id=sample.id,
        done=done,
        total=total,
        article=article,
        revealed=revealed,
        crime_types=[(c.value, lbl) for c, lbl in CRIME_TYPE_LABELS.items()],
    )
    if report is None:
        return page
    return replace(
        page,
        scores=[
            _score_line("Relevant (om indbrud, tyveri eller bedrageri)", report.relevant),
            _score_line("Konstruktiv (blandt de relevante)", report.constructive),
        ],
        model_version=report.model_version,
        share_raw=_pct(report.share_raw),
        share_corrected=(
            _pct(report.share_corrected)
            + (
                ""
                if report.ci_low is None or report.ci_high is None
                else f" (95 %-interval {round(report.ci_low * 100)}–{_pct(report.ci_high)})"
            )
        )
        if report.share_corrected is not None
        else "–",
        share_note=None
        if report.share_corrected is not None
        else "For få kontrollerede artikler til en korrigeret andel (mindst 30, og mindst 5 af hver slags).",
    )


def _revealed(store: ValidationSource, article_id: int) -> Verdicts | None:
    label = next((lab for lab in store.latest_labels() if lab.article_id == article_id), None)
    a = store.get_article(article_id)
    if label is None or a is None:
        return None
    person = _class_da(label.relevant, label.constructive)
    if a.assessment is None:
        return Verdicts(a.title, person, "ikke vurderet", False)
    model = _class_da(a.assessment.relevant, a.assessment.constructive)
    return Verdicts(a.title, person, model, person == model)


async def _page(
    request: Request, answered: int | None = None, *, error: str | None = None, notice: str | None = None
) -> Response:
    kit = get_kit(request)
    page = await run_in_threadpool(_load, kit.services.store, answered)
    page = replace(page, can_answer=kit.renderer.user(request) is not None, error=error, notice=notice)
    status = 422 if error else 200
    return kit.renderer.render(request, "kontrol.html.j2", page, Nav.CONTROL, status=status)


@router.get("/kontrol")
async def control(request: Request, svar: int = 0, ny: str = "") -> Response:
    notice = "Ny stikprøve trukket." if ny else None
    return await _page(request, answered=svar if svar > 0 else None, notice=notice)


@router.post("/kontrol/stikprove")
async def draw(request: Request) -> Response:
    """Draw a new sample (as `botrygt validate sample`, stratified by outlet); the newest sample is the one
    the page labels."""
    form = await checked_form(request)
    await require_user(request)
    try:
        size = int(form_field(form, "size", "120"))
        seed = int(form_field(form, "seed", "1"))
    except ValueError:
        return await _page(request, error="Stikprøvens størrelse og frø skal være hele tal.")
    if not 1 <= size <= MAX_PAGE_SAMPLE:
        return await _page(request, error=f"Vælg en størrelse mellem 1 og {MAX_PAGE_SAMPLE}.")
    store = get_kit(request).services.store
    try:
        await run_in_threadpool(lambda: create_sample(store, size=size, seed=seed, stratify=Stratify.OUTLET))
    except BotrygtError as exc:
        msg = "Der er ingen hentede artikler at trække fra endnu." if "no stored" in exc.message else None
        return await _page(request, error=msg or danish_message(exc))
    return RedirectResponse("/kontrol?ny=1", status_code=303)


@router.post("/kontrol/{article_id}")
async def answer(request: Request, article_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> Response:
    form = await checked_form(request)
    who = await require_user(request)
    relevant = form_field(form, "relevant")
    constructive = form_field(form, "constructive")
    if relevant not in ("ja", "nej"):
        return await _page(request, error="Svar på, om teksten handler om indbrud, tyveri eller bedrageri.")
    if relevant == "ja" and constructive not in ("ja", "nej"):
        return await _page(request, error="Svar på, om teksten giver læseren noget konkret at gøre.")
    crime_raw = form_field(form, "crime_type")
    crime = CrimeType(crime_raw) if crime_raw in {c.value for c in CRIME_TYPE_LABELS} else None
    label = ValidationLabel(
        article_id,
        relevant == "ja",
        relevant == "ja" and constructive == "ja",
        crime if relevant == "ja" else None,
        who,
    )
    store = get_kit(request).services.store
    try:
        await run_in_threadpool(lambda: store.add_validation_labels([label], source=LabelSource.WEB))
    except UnknownSampleArticle:
        return await _page(request, error="Artiklen er ikke med i en kontrolstikprøve.")
    # Post/redirect/get: a reload does not answer twice; the next page reveals the model's verdict and moves
    # focus to it (autofocus). No #fragment: a fragment that names an element switches autofocus off.
    return RedirectResponse(f"/kontrol?svar={article_id}", status_code=303)
