"""The codes of the advice rules: levels, reasons, red flags and their levels,
risk factors (yellow flags) and the answers to "could you do your usual daily
activities today?". Pure Python: the engine, the words (``advice.words``) and the
database's choices (``tracker.models``) are all built from these.
"""

__all__ = [
    "ACTIVITIES_FIRST_WEEK",
    "BED_REST",
    "CHRONIC_12W",
    "DAILY_ACTIVITIES",
    "EMERGENCY",
    "FEW_ENTRIES",
    "FUNCTION_CHOICES",
    "KEEP_MOVING",
    "LEVELS",
    "NOT_IMPROVING",
    "NOT_RECOVERED_6W",
    "NO_PROGRESS_2W",
    "ON_TRACK",
    "REASONS",
    "REASON_LEVEL",
    "RECOVERED",
    "RED_FLAGS",
    "RED_FLAG_PREFIX",
    "SEEK_HELP_LEVELS",
    "SEE_GP",
    "SEE_PHYSIO",
    "SELF_MANAGE",
    "TOO_FEW_ENTRIES",
    "WORSENING",
    "YELLOW_FLAGS",
    "reason_level",
    "red_flag_reason",
]

# Levels, most severe first.
EMERGENCY = "emergency"
SEE_GP = "see_gp"
SEE_PHYSIO = "see_physio"
KEEP_MOVING = "keep_moving"
TOO_FEW_ENTRIES = "too_few_entries"
ON_TRACK = "on_track"
SELF_MANAGE = "self_manage"
RECOVERED = "recovered"
LEVELS: tuple[str, ...] = (
    EMERGENCY,
    SEE_GP,
    SEE_PHYSIO,
    KEEP_MOVING,
    TOO_FEW_ENTRIES,
    ON_TRACK,
    SELF_MANAGE,
    RECOVERED,
)
# The levels that tell the patient to contact someone ("told" in RULES.md).
SEEK_HELP_LEVELS: frozenset[str] = frozenset({EMERGENCY, SEE_GP, SEE_PHYSIO})

# Red flags the patient reports as present (leaflet 002), in the order of RULES.md.
RED_FLAG_PREFIX = "red_flag:"
RED_FLAGS: dict[str, str] = {
    "bladder_bowel": EMERGENCY,
    "sexual_function": EMERGENCY,
    "saddle_numbness": EMERGENCY,
    "leg_weakness": EMERGENCY,
    "fever_unwell": SEE_GP,
    "cancer_history": SEE_GP,
    "accident": SEE_GP,
}

# Reasons computed from the diary, in severity order.
WORSENING = "worsening"
DAILY_ACTIVITIES = "daily_activities"
NOT_IMPROVING = "not_improving"
NOT_RECOVERED_6W = "not_recovered_6w"
CHRONIC_12W = "chronic_12w"
ACTIVITIES_FIRST_WEEK = "activities_first_week"
NO_PROGRESS_2W = "no_progress_2w"
BED_REST = "bed_rest"
FEW_ENTRIES = "few_entries"
REASONS: tuple[str, ...] = (
    WORSENING,
    DAILY_ACTIVITIES,
    NOT_IMPROVING,
    NOT_RECOVERED_6W,
    CHRONIC_12W,
    ACTIVITIES_FIRST_WEEK,
    NO_PROGRESS_2W,
    BED_REST,
    FEW_ENTRIES,
)
REASON_LEVEL: dict[str, str] = {
    WORSENING: SEE_PHYSIO,
    DAILY_ACTIVITIES: SEE_PHYSIO,
    NOT_IMPROVING: SEE_PHYSIO,
    NOT_RECOVERED_6W: SEE_PHYSIO,
    CHRONIC_12W: SEE_PHYSIO,
    ACTIVITIES_FIRST_WEEK: KEEP_MOVING,
    NO_PROGRESS_2W: KEEP_MOVING,
    BED_REST: KEEP_MOVING,
    FEW_ENTRIES: TOO_FEW_ENTRIES,
}

# Risk factors for a slow recovery (leaflet 000). Asked as statements; never input
# to assess(): they inform, they trigger nothing.
YELLOW_FLAGS: tuple[str, ...] = (
    "serious_cause_belief",
    "movement_harmful_belief",
    "fear_avoidance",
    "low_mood",
    "heavy_work",
)

# "Could you do your usual daily activities today?"
FUNCTION_CHOICES: tuple[str, ...] = ("yes", "partly", "no")

SEVERITY = {level: index for index, level in enumerate(LEVELS)}
RED_FLAG_ORDER = {code: index for index, code in enumerate(RED_FLAGS)}
REASON_ORDER = {reason: index for index, reason in enumerate(REASONS)}


def red_flag_reason(code: str) -> str:
    """The reason code for a red flag: ``"red_flag:<code>"``."""
    if code not in RED_FLAGS:
        raise ValueError(f"red_flags: unknown code {code!r}; known codes: {', '.join(RED_FLAGS)}")
    return RED_FLAG_PREFIX + code


def reason_level(reason: str) -> str:
    """The level a reason code stands for; works for ``"red_flag:<code>"`` too."""
    if reason.startswith(RED_FLAG_PREFIX):
        code = reason.removeprefix(RED_FLAG_PREFIX)
        if code in RED_FLAGS:
            return RED_FLAGS[code]
    elif reason in REASON_LEVEL:
        return REASON_LEVEL[reason]
    raise ValueError(f"reason: unknown reason code {reason!r}")
