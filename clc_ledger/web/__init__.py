"""The pages people use (web/site.py puts them together). Empty on purpose: every module of
the package imports it first."""
