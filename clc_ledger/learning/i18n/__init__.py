"""The `learning` gettext domain (clc_ledger/translations/*/LC_MESSAGES/learning.po, written
from page_translations.py and mail_translations.py): the feature's catalog is its own file.
Here, apart from the pages, so that the job table can label learning's jobs without
importing them."""
from flask_babel import Domain

domain = Domain(domain="learning")
