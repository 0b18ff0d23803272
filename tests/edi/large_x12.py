"""Large generated X12 files, written to disk piece by piece (never held whole in memory)."""

from __future__ import annotations

from pathlib import Path

ISA = ("ISA*00*          *00*          *ZZ*PAYER01        *ZZ*MEDBILL        *261102*0900*^*"
       "00501*000000777*0*P*:~\n")  # fmt: skip


def write_835(path: Path, payments: int, claims: int, *, memo: int = 0, pcn: str = "LARGE") -> int:
    """An 835 of `payments` balanced payments (ST sets) of `claims` claims each, 2 lines a
    claim; `memo` > 0 adds a claim-level REF*EA of that many characters (a long segment the
    parser skips), which makes a big file of few segments. Returns the file's size in bytes."""
    with path.open("w", encoding="ascii") as out:
        out.write(ISA)
        out.write("GS*HP*PAYER01*MEDBILL*20261102*0900*777*X*005010X221A1~\n")
        for p in range(1, payments + 1):
            body = [
                f"BPR*I*{claims * 90}*C*CHK************20261101~",
                f"TRN*1*{pcn}{p:07d}*1512345678~",
                "N1*PR*LARGE TEST PAYER~",
                "N3*1 MAIN ST~",
                "N4*ALBANY*NY*12203~",
                "PER*BL*CLAIMS*TE*5185550100~",
                "N1*PE*MEDBILL PRACTICE*XX*1234567893~",
                "LX*1~",
            ]
            for c in range(1, claims + 1):
                body += [
                    f"CLP*{pcn}{p:05d}X{c:05d}*1*120*90**12*PCN{p:05d}{c:05d}~",
                    "NM1*QC*1*DOE*JANE****MI*M12345~",
                ]
                if memo:
                    body.append("REF*EA*" + "M" * memo + "~")
                for code in ("99213", "36415"):
                    body += [
                        f"SVC*HC:{code}*60*45**1~",
                        "DTM*472*20261020~",
                        "CAS*CO*45*15~",
                        "AMT*B6*45~",
                    ]
            out.write(f"ST*835*{p:04d}~\n")
            out.write("\n".join(body) + "\n")
            out.write(f"SE*{len(body) + 2}*{p:04d}~\n")
        out.write(f"GE*{payments}*777~\nIEA*1*000000777~\n")
    return path.stat().st_size
