"""Readers: one module per external format, each returning the tidy frame.

* :mod:`defbudget.readers.sipri` — SIPRI Military Expenditure Database workbook
  (``read_sipri``, ``sipri_release_info``, ``find_sipri_workbook``);
* :mod:`defbudget.readers.worldbank` — World Bank WDI bulk CSV (``read_wdi_csv``);
* :mod:`defbudget.readers.owid` — Our World in Data grapher CSV (``read_owid_csv``).

Importing this package loads none of them (nor calamine, openpyxl or country_converter).
"""
