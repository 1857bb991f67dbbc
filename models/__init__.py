"""diaryboost's data model. Importable without Flask: the scheduler process uses it too."""

from models.accounts import SiteAccount, username_key
from models.alerts import ALERT_CHANNELS, AlertDelivery, AlertPush
from models.base import Base, UTCDateTime, utcnow
from models.board import MARK_KINDS, BoardMark
from models.board_version import BoardState
from models.db import make_engine, make_session_factory
from models.diaries import RULE_FIELDS, Diary, DiaryMetric, TopicRule
from models.digest import DigestDelivery, DigestRun
from models.feeds import FeedEntryState
from models.leases import Lease
from models.rec_lists import SNAPSHOTS_KEPT_DAYS, RecListEntry, RecListSnapshot
from models.settings import Setting
from models.shifts import FOCUSES, Shift, ShiftAssignment
from models.sites import (
    FEED_KINDS,
    PLATFORMS,
    ExtractionRule,
    Feed,
    LinkResolution,
    PageRead,
    PollLog,
    Site,
)
from models.users import ACTION_KINDS, ROLE_RANK, ROLES, Action, User

__all__ = [
    "ACTION_KINDS", "FEED_KINDS", "FOCUSES", "PLATFORMS", "ROLES", "ROLE_RANK", "RULE_FIELDS",
    "Action", "Base", "Diary", "DiaryMetric", "DigestDelivery", "DigestRun", "ExtractionRule",
    "Feed", "Lease",
    "PageRead", "PollLog", "Shift", "ShiftAssignment", "Site", "TopicRule", "User", "UTCDateTime",
    "make_engine", "make_session_factory", "utcnow",
    "FeedEntryState", "BoardMark", "MARK_KINDS", "LinkResolution", "BoardState",
    "RecListSnapshot", "RecListEntry", "SNAPSHOTS_KEPT_DAYS",
    "SiteAccount", "username_key",
    "ALERT_CHANNELS", "AlertDelivery", "AlertPush", "Setting",
]
