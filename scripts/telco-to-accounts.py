#!/usr/bin/env python3
"""Turns the public IBM telco churn table into a Steward accounts file.

The table (7,043 customers; published by IBM as "Telco Customer Churn", also
as `wa_churn` in R's modeldata package) has no dates: it is a snapshot of
current customers and those who left in the last month. This script gives
each row what a CRM export would carry: an id, a name, ARR (monthly charges
x 12), the contract start (tenure months before the day it ended), status
and a churn date within the last 30 days for churned customers, the contract
term and payment method; every other column is passed through for
`--keep-rest`. Column names may be the Kaggle ones (customerID, Churn,
MonthlyCharges...) or modeldata's (churn, monthly_charges...).

    python3 scripts/telco-to-accounts.py telco.csv accounts.csv 2026-12-02
    steward import accounts accounts.csv --keep-rest
    steward churn --retrain
"""
import csv
import datetime as dt
import re
import sys


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


def months_back(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def main() -> None:
    source, target, today = sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])
    with open(source, newline="") as f:
        rows = [{snake(k): v for k, v in row.items()} for row in csv.DictReader(f)]
    used = {"customer_id", "rownames", "churn", "tenure", "contract", "payment_method",
            "monthly_charges", "total_charges"}
    extra = [k for k in rows[0] if k not in used and k != ""]
    with open(target, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "name", "arr", "currency", "contract_start", "status",
                      "churn_date", "contract_term", "payment_method"] + extra)
        for n, row in enumerate(rows, start=1):
            ident = row.get("customer_id") or row.get("rownames") or str(n)
            churned = row["churn"].strip().lower() in ("yes", "1", "true")
            # Churn spread over the month before the export, deterministically.
            ended = today - dt.timedelta(days=(n * 7919) % 30) if churned else today
            start = months_back(ended, int(float(row["tenure"] or 0)))
            out.writerow([ident, f"Customer {ident}", f"{float(row['monthly_charges']) * 12:.2f}",
                          "USD", start.isoformat(), "churned" if churned else "active",
                          ended.isoformat() if churned else "", row["contract"],
                          row["payment_method"]] + [row[k] for k in extra])


if __name__ == "__main__":
    main()
