"""The validation rules of the offer's terms pages (issue 13), in the form
tests/offers/test_offer_validation.py tests every page's rules: (page, changes to
the valid answer in tests/web/answers.py, the one message the person sees)."""

from __future__ import annotations

from typing import Any

TERMS_RULES: list[tuple[str, dict[str, Any], str]] = [
    # Confidential address
    (
        "confidential-address",
        {"confidential_address": None},
        "Select yes if the address must be kept confidential",
    ),
    (
        "confidential-address",
        {"confidential_address": "secret"},
        "Select yes if the address must be kept confidential",
    ),
    # The site and capital funding
    ("site-and-funding", {"site_status": None}, "Select whether you have the site"),
    ("site-and-funding", {"site_status": "borrowed"}, "Select whether you have the site"),
    (
        "site-and-funding",
        {"capital_funding": None},
        "Select the capital funding you are seeking, or none",
    ),
    (
        "site-and-funding",
        {"capital_funding": ["lottery"]},
        "Select the capital funding from the list",
    ),
    (
        "site-and-funding",
        {"capital_funding": ["none", "homes_england"]},
        "Select none, or the capital funding you are seeking, not both",
    ),
    (
        "site-and-funding",
        {"capital_funding": ["right_to_buy_receipts"], "right_to_buy_percent": ""},
        "Enter the share of the scheme’s capital cost sought from Right to Buy receipts",
    ),
    (
        "site-and-funding",
        {"capital_funding": ["right_to_buy_receipts"], "right_to_buy_percent": "a third"},
        "The share of the capital cost must be a whole number, like 12",
    ),
    (
        "site-and-funding",
        {"capital_funding": ["right_to_buy_receipts"], "right_to_buy_percent": "101"},
        "The share of the capital cost must be 100 or fewer",
    ),
    # Length of stay and tenancy
    ("length-of-stay", {"intended_stay": None}, "Select how long tenants are expected to stay"),
    (
        "length-of-stay",
        {"intended_stay": "forever"},
        "Select how long tenants are expected to stay",
    ),
    ("length-of-stay", {"tenancy_type": None}, "Select the type of tenancy"),
    ("length-of-stay", {"tenancy_type": "handshake"}, "Select the type of tenancy"),
    # Client groups and support level
    ("client-groups", {"client_groups": None}, "Select at least one client group"),
    ("client-groups", {"client_groups": ["pirates"]}, "Select the client groups from the list"),
    ("client-groups", {"support_level": None}, "Select the level of support"),
    ("client-groups", {"support_level": "extreme"}, "Select the level of support"),
    # Lease or management terms (the offer leases the homes to a provider)
    (
        "lease-terms",
        {"lease_years": ""},
        "Enter how many years the lease or management agreement runs for",
    ),
    (
        "lease-terms",
        {"lease_years": "ten"},
        "The length of the lease must be a whole number, like 12",
    ),
    ("lease-terms", {"lease_years": "1000"}, "The length of the lease must be 999 or fewer"),
    ("lease-terms", {"break_clause": None}, "Select yes if there is a break clause"),
    (
        "lease-terms",
        {"break_clause_after_years": ""},
        "Enter after how many years the break clause can be used",
    ),
    (
        "lease-terms",
        {"break_clause_after_years": "11"},
        "The years before the break clause must not be more than the length of the lease",
    ),
    ("lease-terms", {"repairs_by": None}, "Select who does the repairs"),
    # Empty homes (voids)
    ("voids", {"void_payer": None}, "Select who will pay for empty homes"),
    ("voids", {"void_payer": "nobody"}, "Select who will pay for empty homes"),
    # What the council would pay (the council pays for voids)
    (
        "void-terms",
        {"voids_from": None},
        "Select from when the council would pay for empty homes",
    ),
    (
        "void-terms",
        {"voids_from_weeks": ""},
        "Enter how many weeks a home must be empty before the council pays",
    ),
    ("void-terms", {"voids_from_weeks": "0"}, "The number of weeks must be 1 or more"),
    ("void-terms", {"void_rate_basis": None}, "Select the rate at which the council would pay"),
    ("void-terms", {"void_rate_percent": ""}, "Enter the percentage of the rent and charges"),
    ("void-terms", {"void_rate_percent": "150"}, "The percentage must be 100 or fewer"),
    (
        "void-terms",
        {"void_rate_basis": "pounds_per_week", "void_rate_pence_per_week": ""},
        "Enter the amount for each empty home",
    ),
    (
        "void-terms",
        {"void_rate_basis": "pounds_per_week", "void_rate_pence_per_week": "lots"},
        "The amount must be an amount of money, like 150.00",
    ),
    (
        "void-terms",
        {"void_cover_months": ""},
        "Enter for how many months the council would pay for empty homes",
    ),
]
