"""A region's worth of generated data for load tests: `python manage.py seed_scale`.

Everything hangs off one region (`guard.SEED_REGION_NAME`), so the seed can tell its own rows
from real ones, refuse to mix with real data and remove itself (`--flush`). The same seed gives
the same data: every random choice comes from `random.Random` seeded with the `--seed` value
and the municipality's index, never from the clock.

Small tables (schools, people, plans) go through the ORM with `bulk_create_with_history`; the
control points and their history, comments, evidence and notifications are written as rows
(PostgreSQL COPY, plain INSERTs elsewhere), because a million model instances would take longer
than the whole seed may.
"""
