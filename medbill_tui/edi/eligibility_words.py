"""The words of 271 codes: AAA rejections (with what to fix) and EB benefit fields."""

from __future__ import annotations

AAA_REASONS: dict[str, tuple[str, str]] = {
    # code: (what the payer says, what to do)
    "15": ("required application data missing", "complete the request and send it again"),
    "41": ("authorization or access restrictions", "call the payer about our access"),
    "42": ("the payer cannot answer now", "send the request again later"),
    "43": ("provider ID invalid or missing", "check the practice's NPI"),
    "44": ("provider name invalid or missing", "check the practice's name"),
    "50": ("provider not eligible for inquiries", "enroll with the payer for eligibility"),
    "51": ("provider not on file", "enroll the provider with the payer"),
    "52": ("service date outside the provider's enrollment", "check the date of service"),
    "56": ("inappropriate date", "check the date of service"),
    "57": ("date of service invalid or missing", "check the date of service"),
    "58": ("date of birth invalid or missing", "check the date of birth"),
    "62": ("date of death precedes the date of service", "check the patient's record"),
    "63": ("date of service in the future", "ask again on or after the date of service"),
    "64": ("patient ID invalid or missing", "check the member ID"),
    "65": ("patient name invalid or missing", "check the patient's name"),
    "66": ("patient sex invalid or missing", "check the patient's sex"),
    "67": ("patient not found", "check member ID, name and DOB"),
    "68": ("duplicate patient ID", "check the member ID"),
    "71": ("date of birth does not match the payer's", "check the date of birth"),
    "72": ("member ID invalid or missing", "check the member ID on the card"),
    "73": ("subscriber name invalid or missing", "check the subscriber's name"),
    "75": ("subscriber not found", "check member id and DOB"),
    "76": ("duplicate subscriber ID", "check the member ID"),
    "77": ("subscriber found, patient not found", "check the patient's name and DOB"),
    "78": ("subscriber not in the group or plan", "check the group number and payer"),
    "79": ("invalid participant identification", "check the payer ID"),
    "80": ("no response from the payer", "send the request again later"),
    "T4": ("payer name or ID missing", "check the payer ID"),
}

FOLLOW_UP: dict[str, str] = {
    "C": "correct and send again",
    "N": "do not send again",
    "P": "send the same request again",
    "R": "may be sent again",
    "S": "do not send again; the payer asks a third party",
    "W": "wait 30 days and send again",
    "X": "wait 10 days and send again",
    "Y": "do not send again; the payer will answer",
}

BENEFIT_KINDS = {"A": "coinsurance", "B": "copay", "C": "deductible", "G": "out-of-pocket"}
ACTIVE_CODES = frozenset({"1", "2", "3", "4", "5"})
INACTIVE_CODES = frozenset({"6", "7", "8"})
OTHER_PAYER = "R"

LEVELS = {"IND": "individual", "FAM": "family", "EMP": "individual", "ESP": "family"}
NETWORK = {"Y": "in network", "N": "out of network", "W": "both", "U": "unknown"}
PERIODS = {
    "23": "calendar year",
    "29": "remaining",
    "22": "service year",
    "24": "year to date",
    "27": "visit",
}
SERVICE_TYPES = {
    "30": "health benefit plan",
    "1": "medical care",
    "33": "chiropractic",
    "35": "dental",
    "47": "hospital",
    "48": "hospital inpatient",
    "50": "hospital outpatient",
    "86": "emergency",
    "88": "pharmacy",
    "98": "office visit",
    "AL": "vision",
    "MH": "mental health",
    "UC": "urgent care",
}


def aaa_words(reason: str, follow_up: str) -> str:
    """A rejection in words with its fix, e.g. 'subscriber not found: check member id and DOB'."""
    said, fix = AAA_REASONS.get(reason, (f"rejected (AAA03 {reason})", "call the payer"))
    then = FOLLOW_UP.get(follow_up)
    return f"{said}: {fix}" + (f" ({then})" if then else "")
