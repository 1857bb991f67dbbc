"""Site rhythms on the demo's eight weeks of history: the heat-map cells are the counts
one gets by going through the seeded rows directly; the page and the digest show them."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app import clock
from app.digest.build import series_of
from app.digest.outcomes import SiteRace
from app.services import demo_history, rhythms
from app.services.site_aging import site_settings
from models import Diary
from tests.factories import T0

LA = ZoneInfo("America/Los_Angeles")
NOW = T0


@pytest.fixture
def history(db_session, make_site):
    sites = {slug: make_site(slug=slug, name=name, base_url=f"https://{slug}.example",
                             rec_fallback_threshold=bar)
             for slug, name, bar in (("dailykos", "Daily Kos", 60.0), ("mydd", "MyDD", 15.0),
                                     ("calitics", "Calitics", 10.0))}
    plan = demo_history.plan_history(7, {s: x.rec_fallback_threshold for s, x in sites.items()},
                                     NOW)
    demo_history.store_history(db_session, plan, 7, NOW)
    return sites


def test_heat_map_cells_equal_counts_over_the_seeded_rows(db_session, history):
    kos = history["dailykos"]
    rhythm = rhythms.site_rhythm(db_session, kos, NOW, LA)
    rows = db_session.execute(select(Diary.id, Diary.published_at, Diary.on_rec_list).where(
        Diary.site_id == kos.id, Diary.published_at >= NOW - timedelta(weeks=8))).all()
    posted = Counter((r.published_at.astimezone(LA).weekday(),
                      r.published_at.astimezone(LA).hour) for r in rows)
    flagged = Counter((r.published_at.astimezone(LA).weekday(),
                       r.published_at.astimezone(LA).hour) for r in rows if r.on_rec_list)
    assert rhythm.total == len(rows) > 500
    busiest = posted.most_common(3)
    quiet = min(posted, key=posted.get)
    for (day, hour), count in [*busiest, (quiet, posted[quiet])]:
        assert rhythm.cell(day, hour).posted == count
    assert rhythm.cell(*busiest[0][0]).posted > 2 * posted[quiet]  # a rhythm, not noise
    # Every diary flagged on the list made it; the race may add near the bar, never drop.
    for key, count in flagged.most_common(3):
        assert rhythm.cell(*key).made >= count
    # The made cells are the digest's rule applied to each diary of the hour, directly.
    series = series_of(db_session, rows, until=NOW)
    race = SiteRace(site_settings(kos), series.values())
    key = busiest[0][0]
    direct = sum(1 for r in rows
                 if (r.published_at.astimezone(LA).weekday(),
                     r.published_at.astimezone(LA).hour) == key
                 and race.outcome(series[r.id]).made_list)
    assert rhythm.cell(*key).made == direct


def test_the_page_shows_three_captioned_heat_maps_and_the_digest_links_to_it(
        app, client, login, make_user, db_session, history):
    with app.app_context():
        clock.pin(NOW)
    login(make_user(timezone="America/Los_Angeles"))
    html = client.get("/rhythms/?site=mydd").get_data(as_text=True)
    assert "<h2>MyDD</h2>" in html
    assert html.count('<figure class="rhythm-map"') == 3
    for words in ("Diaries posted at each hour", "How high the bar", "reached the rec list"):
        assert words in html
    mydd = rhythms.site_rhythm(db_session, history["mydd"], NOW, LA)
    day, hour = max(((d, h) for d in range(7) for h in range(24)),
                    key=lambda k: mydd.cell(*k).posted)
    posted_map = html.split('id="map-posted"')[1].split("</figure>")[0]
    assert f'data-day="{day}" data-hour="{hour}">{mydd.cell(day, hour).posted}</td>' \
        in posted_map
    assert "Best hours to post" in html

    from app.digest.build import build_week
    from app.digest.render import Recipient, render
    from app.digest.weeks import last_full_week

    digest = build_week(db_session, last_full_week(NOW, "America/Los_Angeles").label, NOW,
                        app.extensions["diaryboost.config"])
    mail = render(digest, Recipient(1, "Bea", "bea@example.org", "America/Los_Angeles",
                                    False, "https://x/unsub"))
    assert "/rhythms/" in mail.text and "/rhythms/" in mail.html
