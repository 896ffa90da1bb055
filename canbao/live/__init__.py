"""The live demo: a past campaign moved to the present by whole weeks, its files generated on that calendar."""

from canbao.live.choice import live_weeks, registration_period, shifts_in_registration
from canbao.live.config import MovedConfig, move_config, moved_years, write_moved
from canbao.live.history import Step, history_days, take_in_history, take_in_inbox
from canbao.live.hold import HeldBack, day_file, release_due, split_inbox
from canbao.live.prepare import LiveDemo, prepare_live
from canbao.live.rows import DATE_COLUMNS, row_days
from canbao.live.schedules import RELEASE, clock_lag_weeks, live_schedules, release_rrule

__all__ = ["DATE_COLUMNS", "RELEASE", "HeldBack", "LiveDemo", "MovedConfig", "Step", "clock_lag_weeks", "day_file",
           "history_days", "live_schedules", "live_weeks", "move_config", "moved_years", "prepare_live",
           "registration_period", "release_due", "release_rrule", "row_days", "shifts_in_registration",
           "split_inbox", "take_in_history", "take_in_inbox", "write_moved"]
