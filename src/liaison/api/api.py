"""The versioned JSON API, /api/v1. Each app adds its router; errors are JSON with a code."""

from __future__ import annotations

from ninja import NinjaAPI

from liaison.agreements.api import router as agreements_router
from liaison.api import errors
from liaison.api.auth import AUTH
from liaison.capacity.api import router as capacity_router
from liaison.catalog.api import router as catalog_router
from liaison.partners.api import router as partners_router
from liaison.people.api import router as people_router
from liaison.postings.api import router as postings_router
from liaison.surveys.api import router as surveys_router
from liaison.training.api import router as training_router
from liaison.vetting.api import router as vetting_router
from liaison.visits.api import router as visits_router

api = NinjaAPI(
    title="Liaison API",
    version="1",
    description="Partners, people, the catalog, vetting, training, visits, SAFE capacity "
    "building, postings, mutual assistance agreements and surveys of the Office of International "
    "Affairs. Authenticate with a personal API token (Authorization: Bearer …); every endpoint "
    "applies the same role and scope rules as the pages.",
    urls_namespace="api-v1",
    docs_url="/docs",
    auth=AUTH,
)
errors.install(api)
api.add_router("/", partners_router)
api.add_router("/people", people_router)
api.add_router("/catalog", catalog_router)
api.add_router("/vetting", vetting_router)
api.add_router("/training", training_router)
api.add_router("/postings", postings_router)
api.add_router("/visits", visits_router)
api.add_router("/capacity", capacity_router)
api.add_router("/agreements", agreements_router)
api.add_router("/surveys", surveys_router)
