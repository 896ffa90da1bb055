"""A resident's state in a campaign as of a date, computed once from the ledger's facts, and its figures."""

from canbao.state.facts import Facts, load_facts, make_facts
from canbao.state.figures import COUNTS, DENOMINATORS, Figures, campaign_figures, figures_of, pct, rate, rate_label
from canbao.state.people import CampaignState, campaign_state, known_by, period_end

__all__ = ["COUNTS", "DENOMINATORS", "CampaignState", "Facts", "Figures", "campaign_figures", "campaign_state",
           "figures_of", "known_by", "load_facts", "make_facts", "pct", "period_end", "rate", "rate_label"]
