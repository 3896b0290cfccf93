"""Signals the ledger sends inside its own transactions, so that features built on it (the
learning half, clc_ledger/learning) act in the same transaction without the ledger knowing
them. A receiver that raises rolls the whole operation back.

- `debit_requested(debit, ce_item_id=, seats=, attendees=)`: a debit naming training
  (R-CEL-1) was just written; sent only when one of the three is given.
- `debit_posted(debit, now=, names_training=)`: a debit posted, at once or on approval
  (sent exactly once per debit: posting is a compare-and-set on its status).
  `names_training` is True or False when it posts as it is requested (whether
  `debit_requested` was just sent), None on approval (the ledger does not keep it).
- `debit_reversed(debit, dispute=)`: an upheld dispute reversed the debit (R-DSP-1).
- `debit_notice(debit, event=)`: something happened to a debit that people may have to
  hear of (R-NOT-1): debit_requested, debit_posted, debit_pending_reminder
  (notifications.debit_notices listens).
- `hold_released(debit, company=, actor_id=, now=, note=)`: a pending debit was resolved
  without posting and its hold released (R-DEB-3, R-DEB-7); `note` says how:
  debit_rejected, debit_cancelled or debit_auto_cancelled (notifications.debit_notices
  tells whom it concerns).
- `credits_expired(company, expired=[(sales_order, hundredths, effective_at)], now=)`: SOs'
  available credits were written down as expired, each effective at its instant (R-EXP-1,
  R-EXP-3), by a decision taken as of `now`; sent once per decision that expired any (notifications.expiry_notices tells the
  captains, with the reissue window if one is open).
- `credits_returned(sales_order, company=, actor_id=, now=)`: credits came back to an SO
  (a hold released, a debit reversed), under the company lock; before they expire there
  (R-EXP-3), a reissued SO's go on to its reissue SO (R-RSS-4, reissues.services listens).
- `months_stated(company_id)`: a question rather than news: each receiver returns the set
  of months ('YYYY-MM') whose statement the company has already (R-LED-3; statements.services
  answers).

Receivers are connected when their modules are imported; clc_ledger.app imports them.
"""
from blinker import Namespace

_signals = Namespace()

debit_requested = _signals.signal("debit-requested")
debit_posted = _signals.signal("debit-posted")
debit_reversed = _signals.signal("debit-reversed")
debit_notice = _signals.signal("debit-notice")
hold_released = _signals.signal("hold-released")
credits_returned = _signals.signal("credits-returned")
credits_expired = _signals.signal("credits-expired")
months_stated = _signals.signal("months-stated")
