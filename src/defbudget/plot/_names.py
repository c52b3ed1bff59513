"""Display names of measures and bases (what a chart's title and legend print)."""

__all__ = ["BASIS_NAMES", "MEASURE_NAMES", "SHORT_BASIS_NAMES", "basis_name"]

MEASURE_NAMES = {
    "defense_budget": "Defence budget",
    "defense_budget_component": "Defence budget component",
    "milex": "Military expenditure (SIPRI definition)",
    "milex_share_gdp": "Military expenditure as a share of GDP",
    "milex_per_capita": "Military expenditure per person",
    "milex_share_govt": "Military expenditure as a share of government spending",
    "reported_figure": "Reported figure",
    "defense_and_related_share_gdp": "Defence and related spending as a share of GDP",
    "defense_budget_share_gdp": "MOD budget as a share of GDP",
}
BASIS_NAMES = {
    "mod_excl_saco_realignment": "MOD, excl. SACO, US realignment and other items",
    "mod_incl_saco_realignment": "MOD, incl. SACO, US realignment and other items",
    "saco": "SACO (Okinawa) costs",
    "us_realignment_local_burden": "US forces realignment (local burden)",
    "new_govt_aircraft": "New government aircraft",
    "national_resilience": "National resilience measures",
    "saco_and_us_realignment_local_burden": "SACO and US realignment (not split)",
    "other_not_itemised": "Other items in the total, not itemised by the source",
    "total_no_breakdown": "Total (breakdown not available)",
    "sipri": "SIPRI definition",
    "gmsd_latent_mean": "GMSD latent-model mean",
}


def basis_name(basis: str) -> str:
    """Display name of a basis id, e.g. 'MOD, incl. SACO, US realignment and other items'."""
    return BASIS_NAMES.get(basis, basis.replace("_", " "))


#: Short names used where space is tight (notes in the source line).
SHORT_BASIS_NAMES = {"mod_excl_saco_realignment": "excl. basis",
                     "mod_incl_saco_realignment": "incl. basis"}
