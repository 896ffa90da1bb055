"""The live demo: a past campaign moved to the present by whole weeks, its files generated on that calendar."""

from canbao.live.choice import live_weeks, registration_period, shifts_in_registration
from canbao.live.config import MovedConfig, move_config, moved_years, write_moved
from canbao.live.prepare import LiveDemo, prepare_live
from canbao.live.schedules import clock_lag_weeks, live_schedules

__all__ = ["LiveDemo", "MovedConfig", "clock_lag_weeks", "live_schedules", "live_weeks", "move_config", "moved_years",
           "prepare_live", "registration_period", "shifts_in_registration", "write_moved"]
