"""Short hand-written 837P claims for the front-end edit tests (one envelope, one claim)."""

from __future__ import annotations

HEAD = (
    "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *261102*1200*^*00501"
    "*000000001*0*T*:~\n"
    "GS*HC*SUBMITTER*RECEIVER*20261102*1200*1*X*005010X222A1~\n"
    "ST*837*0001*005010X222A1~\n"
    "BHT*0019*00*1*20261102*1200*CH~\n"
    "NM1*41*2*CLINIC*****46*SUBMITTER~\n"
    "PER*IC*BILLER*TE*5555550100~\n"
    "NM1*40*2*CLEARINGHOUSE*****46*RECEIVER~\n"
    "HL*1**20*1~\n"
    "NM1*85*2*CLINIC*****XX*1234567893~\n"
    "N3*1 MAIN ST~\n"
    "N4*TOWN*NY*12345~\n"
    "REF*EI*123456789~\n"
)

SUBSCRIBER = (
    "HL*2*1*22*0~\n"
    "SBR*S*18*******CI~\n"
    "NM1*IL*1*DOE*JANE****MI*M1~\n"
    "DMG*D8*19800101*F~\n"
    "NM1*PR*2*SECOND PLAN*****PI*S2~\n"
)

PRIMARY = (
    "CLM*PCN1*100***11:B:1*Y*A*Y*Y~\n"
    "HI*ABK:J069*ABF:R05~\n"
    "LX*1~\n"
    "SV1*HC:99213*70*UN*1***1:2~\n"
    "DTP*472*D8*20261101~\n"
    "LX*2~\n"
    "SV1*HC:36415*30*UN*1***1~\n"
    "DTP*472*D8*20261101~\n"
)

OTHER_PAYER = (
    "SBR*P*18*******CI~\n"
    "AMT*D*60~\n"
    "OI***Y***Y~\n"
    "NM1*IL*1*DOE*JANE****MI*M0~\n"
    "NM1*PR*2*ACME HEALTH*****PI*P1~\n"
)

LINE_1 = (
    "LX*1~\n"
    "SV1*HC:99213*70*UN*1***1:2~\n"
    "DTP*472*D8*20261101~\n"
    "SVD*P1*40*HC:99213**1~\n"
    "CAS*CO*45*20~\n"
    "CAS*PR*2*10~\n"
    "DTP*573*D8*20261110~\n"
    "AMT*EAF*10~\n"
)

LINE_2 = (
    "LX*2~\n"
    "SV1*HC:36415*30*UN*1***1~\n"
    "DTP*472*D8*20261101~\n"
    "SVD*P1*20*HC:36415**1~\n"
    "CAS*CO*45*10~\n"
    "DTP*573*D8*20261110~\n"
)

SECONDARY = "CLM*PCN1*100***11:B:1*Y*A*Y*Y~\nHI*ABK:J069*ABF:R05~\n" + OTHER_PAYER + LINE_1 + LINE_2
"""A secondary claim that balances: 60 paid + 40 line adjustments = 100 = 70 + 30."""

DOWN_CODED = (
    "CLM*PCN1*242***11:B:1*Y*A*Y*Y~\n"
    "HI*ABK:J069~\n"
    "SBR*P*18*******CI~\n"
    "AMT*D*140~\n"
    "OI***Y***Y~\n"
    "NM1*IL*1*DOE*JANE****MI*M0~\n"
    "NM1*PR*2*ACME HEALTH*****PI*P1~\n"
    "LX*1~\n"
    "SV1*HC:99213*97*UN*1***1~\n"
    "DTP*472*D8*20261101~\n"
    "SVD*P1*80*HC:99213**1~\n"
    "CAS*CO*45*17~\n"
    "DTP*573*D8*20261110~\n"
    "LX*2~\n"
    "SV1*HC:99214*145*UN*1***1~\n"
    "DTP*472*D8*20261101~\n"
)
"""Issue 15: the primary paid line 2 as 99213 (down-coded), and the secondary claim has no
2430 for it: CLM02 242 is not AMT*D 140 + CAS 17, and no date says when line 2 was paid."""


def x837(claim: str, subscriber: str = SUBSCRIBER) -> str:
    """An 837P interchange holding `claim` (from CLM on) under one subscriber."""
    body = subscriber + claim
    count = HEAD.count("~") - 2 + body.count("~") + 1  # ST..SE, without ISA and GS
    return HEAD + body + f"SE*{count}*0001~\nGE*1*1~\nIEA*1*000000001~\n"
