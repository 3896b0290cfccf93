"""Monthly statements (R-STM-1..2): one per company and calendar month, stored once, served as
JSON, CSV and PDF and emailed as HTML in the company's language."""
